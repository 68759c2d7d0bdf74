"""The demo programme's courses: the three AI courses the national centre localised and one
digital-skills course, each in Mongolian and English, written for Mongolian university teachers.

Each lesson is (title_en, title_mn, minutes, body_en, body_mn); a lesson whose body_mn is empty
is published in English only, which shows the reader the fallback note.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class LessonSeed:
    title_en: str
    title_mn: str
    minutes: int
    body_en: str
    body_mn: str


@dataclass(frozen=True)
class ModuleSeed:
    title_en: str
    title_mn: str
    lessons: tuple[LessonSeed, ...]


@dataclass(frozen=True)
class CourseSeed:
    code: str
    level: str
    workload_hours: int
    competencies: tuple[str, ...]
    title_en: str
    title_mn: str
    summary_en: str
    summary_mn: str
    modules: tuple[ModuleSeed, ...]


GENAI_FUNDAMENTALS = CourseSeed(
    code="ai-101",
    level="foundational",
    workload_hours=10,
    competencies=("unesco-ai-cft:1.1", "unesco-ai-cft:2.1", "unesco-ai-cft:3.1"),
    title_en="Fundamentals of Generative AI in Higher Education",
    title_mn="Дээд боловсрол дахь үүсгэгч хиймэл оюун ухааны үндэс",
    summary_en=(
        "What generative AI is, how large language models produce text, where they fail, and what "
        "their arrival means for teaching, assessment and academic integrity in Mongolian universities."
    ),
    summary_mn=(
        "Үүсгэгч хиймэл оюун ухаан гэж юу болох, том хэлний загвар текстийг хэрхэн үүсгэдэг, хаана "
        "алддаг, мөн Монголын их, дээд сургуулиудын сургалт, үнэлгээ, эрдэм шинжилгээний ёс зүйд ямар "
        "нөлөө үзүүлж байгааг танилцуулна."
    ),
    modules=(
        ModuleSeed(
            "What generative AI is",
            "Үүсгэгч хиймэл оюун ухаан гэж юу вэ",
            (
                LessonSeed(
                    "From search engines to language models",
                    "Хайлтын системээс хэлний загвар хүртэл",
                    15,
                    "A search engine finds pages that already exist. A **large language model** writes new "
                    "text: it predicts, word by word, what is likely to come next, based on patterns learnt "
                    "from a very large collection of texts.\n\n"
                    "This is why a model can draft a lecture outline in seconds, and also why it can state "
                    "something false with complete confidence. It does not look facts up; it produces "
                    "plausible sentences.\n\n"
                    "## Try it\n\n"
                    "1. Ask a chatbot to explain photosynthesis to first-year students.\n"
                    "2. Ask it for three sources on the topic.\n"
                    "3. Check whether the sources exist.",
                    "Хайлтын систем аль хэдийн байгаа хуудсыг олж өгдөг. Харин **том хэлний загвар** шинэ "
                    "текст бичдэг: асар их текстээс сурсан зүй тогтолд тулгуурлан дараагийн үг юу байх "
                    "магадлалтайг үг үгээр нь таамагладаг.\n\n"
                    "Тиймээс загвар лекцийн төлөвлөгөөг хэдхэн секундэд бэлдэж чаддаг ч худал мэдээллийг "
                    "бүрэн итгэлтэйгээр хэлж ч чаддаг. Тэр баримтыг шалгадаггүй, харин үнэмшилтэй "
                    "өгүүлбэр үүсгэдэг.\n\n"
                    "## Туршиж үзээрэй\n\n"
                    "1. Чатботоос фотосинтезийг нэгдүгээр курсийн оюутанд тайлбарлахыг хүс.\n"
                    "2. Энэ сэдвээр гурван эх сурвалж нэрлүүл.\n"
                    "3. Эдгээр эх сурвалж үнэхээр байгаа эсэхийг шалга.",
                ),
                LessonSeed(
                    "Strengths and limits",
                    "Давуу тал ба хязгаарлалт",
                    20,
                    "Generative AI is good at drafting, summarising, rephrasing and giving examples. It is "
                    "weak at facts it has seldom seen, recent events, calculation and local knowledge: ask "
                    "it about the admission rules of your own university and it will often invent them.\n\n"
                    "Models also write Mongolian less well than English, because far less Mongolian text "
                    "was available to learn from. Expect awkward word order and borrowed terms, and read "
                    "every Mongolian answer before you use it.\n\n"
                    "> A useful rule: let the model draft, and let the teacher decide.",
                    "Үүсгэгч хиймэл оюун ухаан ноорог бичих, хураангуйлах, өөрөөр илэрхийлэх, жишээ гаргахдаа "
                    "сайн. Харин ховор тохиолддог баримт, сүүлийн үеийн үйл явдал, тооцоолол, орон нутгийн "
                    "мэдлэгт сул: өөрийн сургуулийн элсэлтийн журмын талаар асуувал ихэнхдээ зохиож хэлдэг.\n\n"
                    "Монгол хэл дээрх текст харьцангуй цөөн тул загварууд монголоор англиас муу бичдэг. "
                    "Үгийн байрлал эвгүй, орчуулгын нэр томьёо олон байж болох тул монгол хариулт бүрийг "
                    "ашиглахаасаа өмнө уншиж шалгаарай.\n\n"
                    "> Хэрэгтэй дүрэм: ноорогийг загвар бичнэ, шийдвэрийг багш гаргана.",
                ),
            ),
        ),
        ModuleSeed(
            "Generative AI in the university",
            "Их сургууль дахь үүсгэгч хиймэл оюун ухаан",
            (
                LessonSeed(
                    "How students already use AI",
                    "Оюутнууд хиймэл оюун ухааныг хэрхэн ашиглаж байна вэ",
                    15,
                    "Many students use chatbots for homework, translation of English readings and essay "
                    "drafts, often without telling their teachers. Banning the tools rarely works; "
                    "talking about them openly does.\n\n"
                    "Ask your students at the start of term which tools they use and for what. Their "
                    "answers will show you where your assignments can be completed by a model alone.",
                    "Олон оюутан гэрийн даалгавар, англи хэлээрх уншлагын орчуулга, эссэгийн ноорогт "
                    "чатбот ашигладаг бөгөөд ихэнхдээ багшдаа хэлдэггүй. Хэрэгслийг хориглох нь үр дүн "
                    "муутай, харин энэ талаар нээлттэй ярилцах нь үр дүнтэй.\n\n"
                    "Улирлын эхэнд оюутнуудаасаа ямар хэрэгсэл, юунд ашигладгийг асуугаарай. Тэдний "
                    "хариулт таны аль даалгаврыг загвар ганцаараа гүйцэтгэж чадахыг харуулна.",
                ),
                LessonSeed(
                    "Rethinking assessment",
                    "Үнэлгээг шинээр харах нь",
                    20,
                    "When a model can write a passable essay, the essay alone no longer shows what a "
                    "student knows. Assessment can move toward the process: drafts, oral defence, work "
                    "done in class, and reflection on how AI was used.\n\n"
                    "- Ask for the prompts and the model's answers as an appendix.\n"
                    "- Grade the student's critique of the AI output.\n"
                    "- Use local data the model cannot know, such as a survey in your aimag.",
                    "Загвар дунд зэргийн эссэ бичиж чаддаг болсон үед зөвхөн эссэ оюутны мэдлэгийг "
                    "харуулахаа больсон. Үнэлгээг үйл явц руу чиглүүлж болно: ноорог, аман хамгаалалт, "
                    "анги дахь ажил, хиймэл оюун ухааныг хэрхэн ашигласан тухай эргэцүүлэл.\n\n"
                    "- Ашигласан хүсэлт (промпт), загварын хариултыг хавсралтаар авах.\n"
                    "- Оюутны хиймэл оюун ухааны хариултад өгсөн шүүмжийг дүгнэх.\n"
                    "- Загварын мэдэхгүй орон нутгийн өгөгдөл, жишээ нь өөрийн аймагт хийсэн судалгааг ашиглах.",
                ),
            ),
        ),
        ModuleSeed(
            "Ethics and responsible use",
            "Ёс зүй ба хариуцлагатай хэрэглээ",
            (
                LessonSeed(
                    "Privacy and student data",
                    "Хувийн нууц ба оюутны мэдээлэл",
                    15,
                    "Whatever you type into a public chatbot may be stored and used to train future models. "
                    "Never paste students' names, grades, register numbers or health information.\n\n"
                    "Mongolia's law on the protection of personal information applies to universities too: "
                    "remove names before you ask a model to help analyse feedback or results.",
                    "Нийтийн чатботод бичсэн бүхэн хадгалагдаж, ирээдүйн загварыг сургахад ашиглагдаж "
                    "болно. Оюутны нэр, дүн, регистрийн дугаар, эрүүл мэндийн мэдээллийг хэзээ ч бүү "
                    "хуулж оруул.\n\n"
                    "Хүний хувийн мэдээлэл хамгаалах тухай хууль их, дээд сургуульд ч хамаарна: санал "
                    "асуулга, дүнгийн шинжилгээнд загвар ашиглахаасаа өмнө нэрсийг хасаарай.",
                ),
                LessonSeed(
                    "Bias and fairness",
                    "Хэвшмэл ойлголт ба шударга байдал",
                    15,
                    "Models learn from texts that carry the biases of their authors. Ask for a picture of "
                    '"a professor" and you may get an older foreign man; ask about herders and you may get '
                    "a romantic cliché rather than today's rural Mongolia.\n\n"
                    "Show students such examples and discuss them. Recognising bias is part of using AI "
                    "responsibly, for teachers and learners alike.",
                    'Загварууд зохиогчдынхоо хэвшмэл ойлголтыг агуулсан текстээс суралцдаг. "Профессор"-ын '
                    "зураг хүсвэл ахимаг насны гадаад эрэгтэй гарч ирж магадгүй; малчдын тухай асуувал "
                    "өнөөгийн хөдөө орон нутгийн бодит байдал бус, хэвшсэн романтик дүр зураг гарч болно.\n\n"
                    "Ийм жишээг оюутнууддаа үзүүлж, хамтдаа хэлэлцээрэй. Хэвшмэл ойлголтыг таньж мэдэх нь "
                    "багш, суралцагч аль алинд нь хиймэл оюун ухааныг хариуцлагатай ашиглахын нэг хэсэг юм.",
                ),
            ),
        ),
    ),
)


TEACHING_WITH_AI = CourseSeed(
    code="ai-102",
    level="intermediate",
    workload_hours=12,
    competencies=("unesco-ai-cft:3.2", "unesco-ai-cft:4.1", "unesco-ai-cft:4.2"),
    title_en="Teaching with AI: Practical Tips and Prompts",
    title_mn="Хиймэл оюун ухаантай заах нь: практик зөвлөмж ба хүсэлтүүд",
    summary_en=(
        "Hands-on ways to prepare lessons, materials and feedback with AI: how to write good prompts, "
        "in Mongolian and English, and how to check what comes back."
    ),
    summary_mn=(
        "Хиймэл оюун ухаанаар хичээл, материал, санал зөвлөгөө бэлтгэх практик арга: монгол, англи "
        "хэлээр сайн хүсэлт (промпт) бичих, гарсан үр дүнг шалгах."
    ),
    modules=(
        ModuleSeed(
            "Writing good prompts",
            "Сайн хүсэлт бичих нь",
            (
                LessonSeed(
                    "The parts of a prompt",
                    "Хүсэлтийн бүрэлдэхүүн хэсэг",
                    20,
                    "A good prompt says **who** the model should be, **what** it should produce, **for "
                    "whom**, and **in what form**. Compare:\n\n"
                    '- *Weak:* "Write about climate change."\n'
                    '- *Strong:* "You are a geography lecturer. Write five discussion questions on '
                    'desertification in the Gobi for second-year students, each with a one-line hint."\n\n'
                    "The second prompt gives the model a role, a task, an audience and a format, and the "
                    "answer is far more useful.",
                    "Сайн хүсэлт загвар **хэн** байх, **юу** бүтээх, **хэнд** зориулах, **ямар хэлбэрээр** "
                    "гаргахыг заадаг. Харьцуулж үзье:\n\n"
                    '- *Сул:* "Уур амьсгалын өөрчлөлтийн талаар бич."\n'
                    '- *Сайн:* "Чи газарзүйн багш. Говийн цөлжилтийн талаар хоёрдугаар курсийн '
                    'оюутнуудад зориулж хэлэлцүүлгийн таван асуулт, тус бүрд нь нэг мөр сануулгатай бич."\n\n'
                    "Хоёр дахь хүсэлт загварт үүрэг, даалгавар, хүлээн авагч, хэлбэрийг өгсөн тул хариулт "
                    "нь хамаагүй хэрэгтэй болно.",
                ),
                LessonSeed(
                    "Prompting in Mongolian",
                    "Монгол хэлээр хүсэлт бичих нь",
                    15,
                    "Most models understand Mongolian Cyrillic, but answer better when the prompt is clear "
                    "and short. State the language you want the answer in, and ask for plain "
                    "Mongolian without English terms when your students need it.\n\n"
                    "If a Mongolian answer is weak, try asking in English and then asking the model to "
                    "translate its answer, and compare the two. Always read the Mongolian text aloud once: "
                    "unnatural phrasing is easier to hear than to see.",
                    "Ихэнх загвар монгол кирилл бичгийг ойлгодог ч хүсэлт тодорхой, товч байвал илүү сайн "
                    "хариулдаг. Хариултыг ямар хэлээр авахаа заа, оюутнуудад хэрэгтэй бол англи нэр "
                    "томьёогүй, энгийн монгол хэлээр бичихийг хүс.\n\n"
                    "Монгол хариулт сул байвал англиар асууж, дараа нь хариултаа орчуулахыг хүсээд хоёрыг "
                    "харьцуул. Монгол текстийг нэг удаа чанга уншаарай: эвгүй хэллэг нүдээр бус чихээр "
                    "илүү сонсогддог.",
                ),
            ),
        ),
        ModuleSeed(
            "Preparing teaching materials",
            "Сургалтын материал бэлтгэх",
            (
                LessonSeed(
                    "A syllabus draft in an afternoon",
                    "Хичээлийн хөтөлбөрийн ноорог нэг үдээс хойш",
                    25,
                    "Saraa teaches economics at a university in Darkhan. She needs a syllabus for a new "
                    "course on small business. She gives the model the course credits, the number of "
                    "weeks and the learning outcomes required by her department, and asks for a weekly "
                    "plan.\n\n"
                    "The draft arrives in a minute. She then spends an hour on what the model cannot do: "
                    "choosing readings her library actually has, adding a visit to a local cooperative, "
                    "and aligning the assessment with university rules.",
                    "Сараа Дархан дахь их сургуульд эдийн засаг заадаг. Жижиг бизнесийн тухай шинэ хичээлийн "
                    "хөтөлбөр хэрэгтэй болжээ. Тэр загварт кредит цаг, долоо хоногийн тоо, тэнхимээс "
                    "шаардсан суралцахуйн үр дүнг өгч, долоо хоног бүрийн төлөвлөгөө гаргахыг хүссэн.\n\n"
                    "Ноорог нэг минутад бэлэн болов. Дараа нь тэр загварын хийж чадахгүй ажилд нэг цаг "
                    "зарцуулсан: номын сандаа үнэхээр байгаа уншлагыг сонгох, орон нутгийн хоршоонд "
                    "зочлох хичээл нэмэх, үнэлгээг сургуулийн журамтай уялдуулах.",
                ),
                LessonSeed(
                    "Examples, cases and questions",
                    "Жишээ, кейс ба асуулт",
                    20,
                    "Ask the model for cases set in Mongolia: a mining company in Ömnögovi, a cashmere "
                    "workshop in Ulaanbaatar, a school in a soum centre. Local cases make abstract ideas "
                    "concrete for students.\n\n"
                    "Then check every name, number and fact. Replace invented statistics with figures "
                    "from the National Statistics Office, and say in class where the case came from.",
                    "Загвараас Монголд өрнөх кейс хүс: Өмнөговь дахь уул уурхайн компани, Улаанбаатар "
                    "дахь ноолууран бүтээгдэхүүний цех, сумын төвийн сургууль. Орон нутгийн кейс хийсвэр "
                    "санааг оюутнуудад ойлгомжтой болгодог.\n\n"
                    "Дараа нь нэр, тоо, баримт бүрийг шалга. Зохиомол статистикийг Үндэсний статистикийн "
                    "хорооны тоогоор солиод, кейс хаанаас гарсныг ангидаа хэлээрэй.",
                ),
                LessonSeed(
                    "Rubrics and feedback",
                    "Үнэлгээний шалгуур ба санал зөвлөгөө",
                    20,
                    "A model can turn your learning outcomes into a draft rubric with criteria and levels. "
                    "Give it the outcomes and the number of levels, and ask for a table.\n\n"
                    "| criterion | excellent | adequate | weak |\n"
                    "|---|---|---|---|\n"
                    "| argument | clear and supported | clear | unclear |\n\n"
                    "Use the rubric to write feedback yourself; do not paste students' work into a public "
                    "chatbot.",
                    "",
                ),
            ),
        ),
        ModuleSeed(
            "AI in the classroom",
            "Анги танхим дахь хиймэл оюун ухаан",
            (
                LessonSeed(
                    "Activities with AI",
                    "Хиймэл оюун ухаантай үйл ажиллагаа",
                    20,
                    "Let students argue with the model: one group asks it to defend a position, another "
                    "finds the weak points of its answer. Or ask students to improve a deliberately poor "
                    "AI-written paragraph.\n\n"
                    "Such activities teach the subject and critical use of AI at the same time.",
                    "Оюутнуудыг загвартай мэтгэлцүүл: нэг баг загвараар байр суурь хамгаалуулж, нөгөө баг "
                    "хариултын сул талыг олно. Эсвэл хиймэл оюун ухааны зориуд муу бичсэн догол мөрийг "
                    "оюутнуудаар сайжруулуул.\n\n"
                    "Ийм үйл ажиллагаа хичээлийн агуулга болон хиймэл оюун ухааныг шүүмжлэлтэй ашиглах "
                    "чадварыг зэрэг хөгжүүлдэг.",
                ),
                LessonSeed(
                    "When the network is weak",
                    "Сүлжээ сул үед",
                    15,
                    "In many aimag centres the connection is slow. Prepare prompts and the model's answers "
                    "before class, print them or save them as text, and use class time for discussion.\n\n"
                    "Text-only chat uses little data; avoid image and voice features when the network is poor.",
                    "Олон аймгийн төвд интернэт удаан. Хүсэлт, загварын хариултыг хичээлийн өмнө бэлдэж, "
                    "хэвлэх эсвэл текстээр хадгалаад ангид хэлэлцүүлэгт цагаа зарцуул.\n\n"
                    "Зөвхөн текстэн чат бага дата зарцуулдаг; сүлжээ муу үед зураг, дуу хоолойн "
                    "боломжуудыг бүү ашигла.",
                ),
            ),
        ),
    ),
)


FUTURE_CLASSROOM = CourseSeed(
    code="ai-103",
    level="advanced",
    workload_hours=10,
    competencies=("unesco-ai-cft:1.3", "unesco-ai-cft:2.3", "unesco-ai-cft:4.3", "unesco-ai-cft:5.3"),
    title_en="A Journey through the Future Classroom",
    title_mn="Ирээдүйн анги танхимаар аялах нь",
    summary_en=(
        "How AI may reshape courses, the role of the teacher and the university, and how to lead that "
        "change with colleagues, within national policy and with students at the centre."
    ),
    summary_mn=(
        "Хиймэл оюун ухаан хичээл, багшийн үүрэг, их сургуулийг хэрхэн өөрчилж болох, энэ өөрчлөлтийг "
        "хамт олонтойгоо, үндэсний бодлогын хүрээнд, суралцагчийг төвдөө тавьж хэрхэн удирдах тухай."
    ),
    modules=(
        ModuleSeed(
            "The teacher's changing role",
            "Багшийн өөрчлөгдөж буй үүрэг",
            (
                LessonSeed(
                    "From lecturer to designer of learning",
                    "Лектороос суралцахуйг зохион бүтээгч рүү",
                    20,
                    "When information is always at hand, the teacher's value lies less in delivering it "
                    "and more in designing experiences: problems worth solving, discussions, feedback.\n\n"
                    "Think of one lecture you give every year. Which part could students prepare with an "
                    "AI tutor beforehand, so that class time goes to questions and practice?",
                    "Мэдээлэл үргэлж гарын дор байх үед багшийн үнэ цэнэ түүнийг дамжуулахад бус, "
                    "суралцахуйн туршлагыг зохион бүтээхэд оршино: шийдэх үнэ цэнэтэй асуудал, хэлэлцүүлэг, "
                    "санал зөвлөгөө.\n\n"
                    "Жил бүр уншдаг нэг лекцээ бод. Аль хэсгийг нь оюутнууд хиймэл оюун ухаант туслахтай "
                    "урьдчилан бэлдэж, ангид асуулт, дадлагад цагаа зарцуулж болох вэ?",
                ),
                LessonSeed(
                    "Keeping humans in charge",
                    "Шийдвэрийг хүн гаргах нь",
                    15,
                    "A human-centred approach means that AI supports decisions about students but never "
                    "makes them alone: grades, admission and discipline stay with accountable people.\n\n"
                    "Write down, for your own course, which decisions you will never hand to a tool.",
                    "Хүн төвтэй хандлага гэдэг нь хиймэл оюун ухаан оюутантай холбоотой шийдвэрийг дэмжих "
                    "боловч ганцаараа хэзээ ч гаргахгүй гэсэн үг: дүн, элсэлт, сахилгын асуудлыг хариуцлага "
                    "хүлээх хүмүүс шийднэ.\n\n"
                    "Өөрийн хичээлд аль шийдвэрийг хэзээ ч хэрэгсэлд даатгахгүйгээ бичиж тэмдэглээрэй.",
                ),
            ),
        ),
        ModuleSeed(
            "Policy and institutions",
            "Бодлого ба байгууллага",
            (
                LessonSeed(
                    "National direction and university rules",
                    "Үндэсний чиглэл ба сургуулийн журам",
                    15,
                    "Mongolia's education and digital development policies call for digital skills and "
                    "responsible use of new technology. Universities turn such direction into their own "
                    "rules on AI in teaching and research.\n\n"
                    "Find out whether your university has such a rule. If not, the next lesson shows how "
                    "teachers can help write one.",
                    "Монгол Улсын боловсрол, цахим хөгжлийн бодлого цахим ур чадвар, шинэ технологийг "
                    "хариуцлагатай ашиглахыг чухалчилдаг. Их сургуулиуд энэ чиглэлийг сургалт, эрдэм "
                    "шинжилгээнд хиймэл оюун ухаан ашиглах өөрсдийн журам болгон хэрэгжүүлдэг.\n\n"
                    "Танай сургуульд ийм журам байгаа эсэхийг тодруулаарай. Байхгүй бол дараагийн хичээл "
                    "багш нар түүнийг боловсруулахад хэрхэн оролцохыг харуулна.",
                ),
                LessonSeed(
                    "Writing an AI rule with colleagues",
                    "Хамт олонтойгоо хиймэл оюун ухааны журам боловсруулах",
                    25,
                    "A good departmental rule is short: what students may use AI for, what they must "
                    "declare, and what counts as misconduct. Draft it with colleagues and students, try it "
                    "for a term, then revise.\n\n"
                    "Share your draft with the programme's community so that other institutions can learn "
                    "from it.",
                    "Тэнхимийн сайн журам товч байдаг: оюутан хиймэл оюун ухааныг юунд ашиглаж болох, юуг "
                    "заавал мэдэгдэх, юуг зөрчил гэж үзэх. Хамт олон, оюутнуудтайгаа хамтран боловсруулж, "
                    "нэг улирал туршаад засварлаарай.\n\n"
                    "Бусад сургууль суралцаж болохоор ноорогоо хөтөлбөрийн хамт олонтой хуваалцаарай.",
                ),
            ),
        ),
        ModuleSeed(
            "Growing as a professional",
            "Мэргэжлийн хувьд өсөх нь",
            (
                LessonSeed(
                    "Your Faculty AI Portfolio",
                    "Таны багшийн хиймэл оюун ухааны портфолио",
                    15,
                    "Collect evidence of how you use AI in teaching: a prompt that worked, a revised "
                    "assignment, students' reflections. Map each piece to a UNESCO AI CFT competency.\n\n"
                    "A portfolio shows growth over time and supports recognition and promotion.",
                    "Сургалтдаа хиймэл оюун ухааныг хэрхэн ашигладгийн нотолгоог цуглуул: үр дүнтэй "
                    "хүсэлт, шинэчилсэн даалгавар, оюутнуудын эргэцүүлэл. Тус бүрийг ЮНЕСКО-гийн чадамжийн "
                    "хүрээний тодорхой чадамжтай холбо.\n\n"
                    "Портфолио таны өсөлтийг цаг хугацааны явцад харуулж, үнэлэгдэх, албан тушаал "
                    "дэвшихэд тань тусална.",
                ),
                LessonSeed(
                    "Becoming a mentor",
                    "Зөвлөгч багш болох нь",
                    15,
                    "The national programme grew because trained teachers trained others. After this "
                    "course you can mentor colleagues in your department or your aimag.\n\n"
                    "Start small: one workshop, three colleagues, one shared lesson plan.",
                    "Үндэсний хөтөлбөр сургагдсан багш нар бусдыгаа сургаснаар өргөжсөн. Энэ сургалтын "
                    "дараа та тэнхим эсвэл аймагтаа хамт олноо чиглүүлэх боломжтой.\n\n"
                    "Багаас эхэл: нэг сургалт, гурван хамтран ажиллагч, нэг хамтын хичээлийн төлөвлөгөө.",
                ),
            ),
        ),
    ),
)

DIGITAL_ASSESSMENT = CourseSeed(
    code="dig-201",
    level="intermediate",
    workload_hours=8,
    competencies=("digcompedu:4.1", "digcompedu:4.2", "digcompedu:4.3"),
    title_en="Digital Assessment and Feedback",
    title_mn="Цахим үнэлгээ ба санал зөвлөгөө",
    summary_en=(
        "Designing online quizzes and assignments, reading learning data with care, and giving timely "
        "feedback that students use, on the platforms Mongolian universities already have."
    ),
    summary_mn=(
        "Цахим сорил, даалгавар зохиох, суралцахуйн өгөгдлийг болгоомжтой унших, оюутнуудын ашиглах "
        "цаг тухайд нь өгөх санал зөвлөгөөг Монголын их сургуулиудад байгаа платформ дээр хэрэгжүүлэх."
    ),
    modules=(
        ModuleSeed(
            "Assessment strategies",
            "Үнэлгээний стратеги",
            (
                LessonSeed(
                    "Formative and summative",
                    "Явцын ба эцсийн үнэлгээ",
                    15,
                    "Formative assessment helps students learn during the course; summative assessment "
                    "judges what they learnt at the end. Online tools make frequent, low-stakes formative "
                    "checks easy.\n\n"
                    "A five-question quiz at the end of each week tells you what to revisit next lecture.",
                    "Явцын үнэлгээ оюутанд хичээлийн явцад суралцахад тусалдаг бол эцсийн үнэлгээ төгсгөлд "
                    "нь юу сурсныг дүгнэдэг. Цахим хэрэгсэл ойр ойрхон, бага ач холбогдолтой явцын "
                    "шалгалтыг хялбар болгодог.\n\n"
                    "Долоо хоног бүрийн төгсгөлд таван асуулттай сорил өгвөл дараагийн лекцэд юуг давтахаа мэдэнэ.",
                ),
                LessonSeed(
                    "Good online questions",
                    "Цахим сорилын сайн асуулт",
                    20,
                    "Good multiple-choice questions test understanding, not memory: give a short case and "
                    "ask what should happen next. Make wrong answers plausible mistakes students really make.\n\n"
                    "Write questions in clear Mongolian; avoid double negatives.",
                    "Сайн сонгох асуулт цээжлэлт бус ойлголтыг шалгадаг: богино кейс өгөөд дараа нь юу "
                    "болохыг асуу. Буруу хариултууд оюутнуудын үнэхээр гаргадаг алдаа байх ёстой.\n\n"
                    "Асуултаа ойлгомжтой монгол хэлээр бич; давхар үгүйсгэлээс зайлсхий.",
                ),
            ),
        ),
        ModuleSeed(
            "Learning data",
            "Суралцахуйн өгөгдөл",
            (
                LessonSeed(
                    "Reading quiz results",
                    "Сорилын үр дүнг унших",
                    15,
                    "Look at each question, not only at totals: a question most students miss may be "
                    "badly written, or may point to a topic the class did not understand.\n\n"
                    "Keep results private and use them to improve teaching, not to rank students in public.",
                    "Зөвхөн нийт оноо бус, асуулт бүрийг хар: ихэнх оюутан алдсан асуулт муу бичигдсэн, "
                    "эсвэл анги бүхэлдээ ойлгоогүй сэдвийг заасан байж болно.\n\n"
                    "Үр дүнг нууцалж, оюутнуудыг олны өмнө жагсаахад бус, сургалтаа сайжруулахад ашигла.",
                ),
                LessonSeed(
                    "Students at risk",
                    "Эрсдэлтэй оюутнууд",
                    15,
                    "A student who stops submitting work in week three often drops out by week eight. "
                    "Simple signals, such as missed quizzes, let you reach out early.\n\n"
                    "A short personal message works better than an automatic warning.",
                    "Гурав дахь долоо хоногт даалгавраа өгөхөө больсон оюутан ихэнхдээ найм дахь долоо "
                    "хоногт сургалтаа орхидог. Өгөөгүй сорил зэрэг энгийн дохио танд эрт холбогдох "
                    "боломж олгоно.\n\n"
                    "Автомат анхааруулгаас богино хувийн захидал илүү үр дүнтэй.",
                ),
            ),
        ),
        ModuleSeed(
            "Feedback that works",
            "Үр дүнтэй санал зөвлөгөө",
            (
                LessonSeed(
                    "Timely and specific",
                    "Цаг тухайд нь, тодорхой",
                    15,
                    "Feedback helps when it arrives while the student can still act on it, and when it "
                    'says what to do next. "Good work" teaches nothing; "your second argument needs a '
                    'source" does.\n\n'
                    "Comment banks in the learning platform save time on frequent remarks.",
                    "Санал зөвлөгөө оюутан засах боломжтой үед ирж, дараа нь юу хийхийг заасан үед тустай. "
                    '"Сайн байна" гэх нь юу ч заахгүй; "хоёр дахь аргументад эх сурвалж хэрэгтэй" гэвэл '
                    "заана.\n\n"
                    "Сургалтын платформын сэтгэгдлийн сан байнга давтагддаг тайлбарт цаг хэмнэнэ.",
                ),
                LessonSeed(
                    "Peer and self assessment",
                    "Хамтран суралцагчийн ба өөрийн үнэлгээ",
                    15,
                    "With a clear rubric, students can assess each other's drafts online. They learn from "
                    "reading others' work, and you gain time for the feedback only you can give.\n\n"
                    "Ask each student to assess their own work against the same rubric before submitting.",
                    "Тодорхой шалгууртай бол оюутнууд бие биеийнхээ ноорогийг цахимаар үнэлж чадна. Бусдын "
                    "ажлыг уншиж суралцахын зэрэгцээ таньд зөвхөн өөрөө өгөх санал зөвлөгөөнд цаг гарна.\n\n"
                    "Илгээхээс өмнө оюутан бүрийг ижил шалгуураар өөрийн ажлыг үнэлүүлээрэй.",
                ),
            ),
        ),
    ),
)

COURSES: tuple[CourseSeed, ...] = (GENAI_FUNDAMENTALS, TEACHING_WITH_AI, FUTURE_CLASSROOM, DIGITAL_ASSESSMENT)
