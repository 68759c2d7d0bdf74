"""The demo quizzes: one at the end of every module of the four demo courses, in COURSES order,
each question written in Mongolian and English."""

from dataclasses import dataclass


@dataclass(frozen=True)
class QuestionSeed:
    kind: str
    text_en: str
    text_mn: str
    choices: tuple[tuple[str, str, bool], ...] = ()  # (English, Mongolian, correct)
    true_false: bool | None = None
    number: str = ""
    tolerance: str = "0"
    answer_en: str = ""
    answer_mn: str = ""
    pattern: str = ""


@dataclass(frozen=True)
class QuizSeed:
    title_en: str
    title_mn: str
    questions: tuple[QuestionSeed, ...]


def single(en: str, mn: str, *choices: tuple[str, str, bool]) -> QuestionSeed:
    return QuestionSeed("single", en, mn, choices=choices)


def multiple(en: str, mn: str, *choices: tuple[str, str, bool]) -> QuestionSeed:
    return QuestionSeed("multiple", en, mn, choices=choices)


def true_false(en: str, mn: str, answer: bool) -> QuestionSeed:
    return QuestionSeed("true_false", en, mn, true_false=answer)


def numeric(en: str, mn: str, number: str, tolerance: str = "0") -> QuestionSeed:
    return QuestionSeed("numeric", en, mn, number=number, tolerance=tolerance)


def short_text(en: str, mn: str, answer_en: str, answer_mn: str, pattern: str = "") -> QuestionSeed:
    return QuestionSeed("short_text", en, mn, answer_en=answer_en, answer_mn=answer_mn, pattern=pattern)


INSTRUCTIONS_EN = (
    "Answer every question, then submit once. You need 70% to pass and may try three times; "
    "each attempt is graded as soon as you submit it."
)
INSTRUCTIONS_MN = (
    "Бүх асуултад хариулаад нэг удаа илгээнэ үү. Тэнцэхийн тулд 70% авах шаардлагатай бөгөөд "
    "гурван удаа оролдох боломжтой; оролдлого бүрийг илгээмэгц дүгнэнэ."
)

QUIZZES: tuple[QuizSeed, ...] = (
    # ai-101
    QuizSeed(
        "Check: what generative AI is",
        "Шалгах нь: үүсгэгч хиймэл оюун ухаан гэж юу вэ",
        (
            single(
                "What does a large language model do when it answers?",
                "Том хэлний загвар хариулахдаа юу хийдэг вэ?",
                (
                    "It predicts the next words from patterns in its training texts",
                    "Сургалтын текстийн зүй тогтолд тулгуурлан дараагийн үгсийг таамагладаг",
                    True,
                ),
                (
                    "It looks the answer up in a database of verified facts",
                    "Баталгаажсан баримтын сангаас хариултыг хайж олдог",
                    False,
                ),
                (
                    "It copies the most popular web page on the topic",
                    "Тухайн сэдвээрх хамгийн түгээмэл вэб хуудсыг хуулдаг",
                    False,
                ),
            ),
            true_false(
                "A chatbot's list of sources can include works that do not exist.",
                "Чатботын өгсөн эх сурвалжийн жагсаалтад байхгүй бүтээл орсон байж болно.",
                True,
            ),
            multiple(
                "Which of these can a language model do well? Choose all that apply.",
                "Хэлний загвар эдгээрийн алийг нь сайн хийж чадах вэ? Тохирох бүгдийг сонгоно уу.",
                ("Draft a lecture outline", "Лекцийн төлөвлөгөөний ноорог гаргах", True),
                (
                    "Rephrase a text for first-year students",
                    "Текстийг нэгдүгээр курсийн оюутанд ойлгомжтой болгох",
                    True,
                ),
                ("Guarantee that every fact it writes is true", "Бичсэн баримт бүр үнэн гэдгийг баталгаажуулах", False),
            ),
            short_text(
                "What do we call a model's confident but false statement? (one word)",
                "Загварын итгэлтэйгээр хэлсэн худал мэдээллийг юу гэж нэрлэдэг вэ? (англиар нэг үг)",
                "hallucination",
                "hallucination",
                r"hallucinations?",
            ),
        ),
    ),
    QuizSeed(
        "Check: generative AI in the university",
        "Шалгах нь: их сургууль дахь үүсгэгч хиймэл оюун ухаан",
        (
            single(
                "A student's essay was drafted with AI. What should the course rules say first?",
                "Оюутны эссэг хиймэл оюун ухаанаар ноороглосон байв. Хичээлийн журамд юуг юуны өмнө заах ёстой вэ?",
                ("When and how AI use must be acknowledged", "Хиймэл оюун ухаан ашигласнаа хэзээ, хэрхэн дурдах", True),
                (
                    "That AI detectors decide every case",
                    "Бүх тохиолдлыг хиймэл оюун ухаан илрүүлэгч шийднэ гэдэг",
                    False,
                ),
                ("Nothing: AI use cannot be discussed", "Юу ч биш: энэ талаар ярих боломжгүй", False),
            ),
            true_false(
                "AI detectors identify AI-written text reliably enough to punish students on their result alone.",
                "Хиймэл оюун ухаан илрүүлэгчийн дүнд л үндэслэн оюутныг шийтгэж болохуйц найдвартай.",
                False,
            ),
            numeric(
                "A 15-week course has 2 AI-supported activities per week. How many activities is that?",
                "15 долоо хоногийн хичээлд долоо хоног бүр хиймэл оюун ухаанд "
                "тулгуурласан 2 үйл ажиллагаа байна. Нийт хэд вэ?",
                "30",
            ),
            multiple(
                "Which assessment designs make unacknowledged AI use less useful? Choose all that apply.",
                "Үнэлгээний ямар хэлбэр нь хиймэл оюун ухааныг нууцаар ашиглахын ач "
                "холбогдлыг бууруулах вэ? Тохирох бүгдийг сонгоно уу.",
                ("An oral defence of the written work", "Бичсэн ажлаа амаар хамгаалах", True),
                (
                    "Drafts submitted in stages with reflections",
                    "Ноорог болон эргэцүүллийг үе шаттайгаар хүлээлгэх",
                    True,
                ),
                ("A generic essay question reused every year", "Жил бүр давтагддаг ерөнхий эссэний сэдэв", False),
            ),
        ),
    ),
    QuizSeed(
        "Check: ethics and responsible use",
        "Шалгах нь: ёс зүй ба хариуцлагатай хэрэглээ",
        (
            single(
                "Which data should you never paste into a public chatbot?",
                "Олон нийтийн чатботод ямар өгөгдлийг хэзээ ч оруулж болохгүй вэ?",
                ("Students' names with their grades", "Оюутнуудын нэр, дүн", True),
                (
                    "A published textbook paragraph you are summarising",
                    "Хураангуйлж буй хэвлэгдсэн сурах бичгийн догол мөр",
                    False,
                ),
                ("Your own draft learning outcomes", "Өөрийн боловсруулсан суралцахуйн үр дүнгийн ноорог", False),
            ),
            true_false(
                "A model trained mostly on English texts may know less about Mongolian history and law.",
                "Голдуу англи текстээр сургасан загвар Монголын түүх, хууль эрх зүйн талаар бага мэдлэгтэй байж болно.",
                True,
            ),
            multiple(
                "Which are sources of bias in AI output? Choose all that apply.",
                "Хиймэл оюун ухааны гаралтад гарах хэвшмэл үзлийн эх үүсвэр аль нь вэ? Тохирох бүгдийг сонгоно уу.",
                ("Unbalanced training data", "Тэнцвэргүй сургалтын өгөгдөл", True),
                ("The wording of the prompt", "Хүсэлтийн үг хэллэг", True),
                ("The colour of the chat window", "Чатын цонхны өнгө", False),
            ),
            short_text(
                "Who is responsible for the content of teaching materials made with AI: the teacher or the tool?",
                "Хиймэл оюун ухаанаар бэлтгэсэн сургалтын материалын агуулгыг хэн хариуцах вэ: багш уу, хэрэгсэл үү?",
                "the teacher",
                "багш",
                r"(the )?teacher|багш",
            ),
        ),
    ),
    # ai-102
    QuizSeed(
        "Check: writing good prompts",
        "Шалгах нь: сайн хүсэлт бичих нь",
        (
            multiple(
                "Which parts make a prompt more useful? Choose all that apply.",
                "Хүсэлтийг илүү үр дүнтэй болгох хэсгүүд аль нь вэ? Тохирох бүгдийг сонгоно уу.",
                ("The role the model should take", "Загварын гүйцэтгэх үүрэг", True),
                ("The audience and their level", "Хэнд зориулсан, тэдний түвшин", True),
                ("The format of the answer", "Хариултын хэлбэр", True),
                ("As few words as possible, whatever the task", "Даалгавраас үл хамааран аль болох цөөн үг", False),
            ),
            single(
                "The first answer is too general. What is the best next step?",
                "Эхний хариулт хэт ерөнхий байна. Дараагийн хамгийн зөв алхам юу вэ?",
                (
                    "Ask a follow-up that adds the missing context",
                    "Дутуу нөхцөл байдлыг нэмсэн тодруулах асуулт тавих",
                    True,
                ),
                ("Start a new chat with the same prompt", "Ижил хүсэлтээр шинэ чат эхлүүлэх", False),
                ("Accept it as it is", "Байгаагаар нь хүлээн авах", False),
            ),
            true_false(
                "Giving the model an example of the output you want usually improves the result.",
                "Хүссэн гаралтынхаа жишээг загварт өгөх нь ихэвчлэн үр дүнг сайжруулдаг.",
                True,
            ),
            numeric(
                "A prompt asks for 5 questions at each of 3 difficulty levels. "
                "How many questions should the answer contain?",
                "Хүсэлтэд хүндийн 3 түвшин тус бүрт 5 асуулт гаргахыг хүссэн. "
                "Хариултад нийт хэдэн асуулт байх ёстой вэ?",
                "15",
            ),
        ),
    ),
    QuizSeed(
        "Check: preparing teaching materials",
        "Шалгах нь: сургалтын материал бэлтгэх",
        (
            single(
                "An AI-generated case study mentions a Mongolian law. What do you do before using it?",
                "Хиймэл оюун ухааны бэлтгэсэн кейсэд Монголын хууль дурдагдсан байна. Ашиглахаасаа өмнө юу хийх вэ?",
                (
                    "Check the law's text in the official register",
                    "Хуулийн эх бичвэрийг албан ёсны эмхэтгэлээс шалгах",
                    True,
                ),
                ("Trust it if it sounds plausible", "Үнэмшилтэй сонсогдож байвал итгэх", False),
                ("Remove every mention of laws from the course", "Хичээлээс хуулийн тухай бүх дурдлагыг хасах", False),
            ),
            true_false(
                "Quiz questions written by AI should be checked for a single unambiguous correct answer.",
                "Хиймэл оюун ухааны бичсэн тестийн асуулт цор ганц тодорхой зөв хариулттай эсэхийг шалгах хэрэгтэй.",
                True,
            ),
            multiple(
                "Which local adaptations make material more relevant to your students? Choose all that apply.",
                "Ямар орон нутгийн тохируулга материалыг оюутнуудад илүү ойр болгох вэ? Тохирох бүгдийг сонгоно уу.",
                ("Examples from Mongolian industries", "Монголын салбаруудын жишээ", True),
                ("Names and places familiar to students", "Оюутнуудад танил нэр, газар", True),
                ("Prices in a foreign currency only", "Зөвхөн гадаад валютаарх үнэ", False),
            ),
            numeric(
                "A lesson plan has 90 minutes; the AI-drafted activities take 25, "
                "35 and 40 minutes. By how many minutes is it over?",
                "Хичээлийн төлөвлөгөө 90 минут; хиймэл оюун ухааны санал болгосон үйл "
                "ажиллагаа 25, 35, 40 минут. Хэдэн минутаар хэтэрсэн бэ?",
                "10",
            ),
        ),
    ),
    QuizSeed(
        "Check: AI in the classroom",
        "Шалгах нь: анги танхим дахь хиймэл оюун ухаан",
        (
            single(
                "Students may use AI for brainstorming but not for the final text. Where should this rule appear?",
                "Оюутнууд санаа гаргахад хиймэл оюун ухаан ашиглаж болох ч эцсийн "
                "бичвэрт болохгүй. Энэ дүрмийг хаана бичих вэ?",
                ("In the assignment brief, with examples", "Даалгаврын тайлбарт, жишээтэйгээр", True),
                ("Nowhere; students will guess", "Хаана ч биш; оюутнууд өөрсдөө таана", False),
                ("Only in the university's general statute", "Зөвхөн их сургуулийн ерөнхий дүрэмд", False),
            ),
            true_false(
                "Asking students to critique an AI answer can build their subject knowledge.",
                "Хиймэл оюун ухааны хариултыг шүүмжлэхийг оюутнуудаас хүсэх нь "
                "тэдний мэргэжлийн мэдлэгийг бэхжүүлж чадна.",
                True,
            ),
            multiple(
                "Which activities use AI as a learning partner rather than an answer machine? Choose all that apply.",
                "Аль үйл ажиллагаа хиймэл оюун ухааныг хариулт өгөгч биш, суралцахуйн "
                "түнш болгон ашигладаг вэ? Тохирох бүгдийг сонгоно уу.",
                (
                    "Students debate with the model and fact-check its claims",
                    "Оюутнууд загвартай мэтгэлцэж, түүний мэдэгдлийг шалгана",
                    True,
                ),
                ("Students ask for feedback on their own draft", "Оюутнууд өөрсдийн ноорогт санал авна", True),
                (
                    "Students paste the exam question and copy the answer",
                    "Оюутнууд шалгалтын асуултыг хуулж, хариултыг нь буулгана",
                    False,
                ),
            ),
            short_text(
                "Name the document in which a teacher states how AI may be used in a course (two words).",
                "Хичээлд хиймэл оюун ухааныг хэрхэн ашиглаж болохыг багш аль баримт бичигт заадаг вэ? (хоёр үг)",
                "course policy",
                "хичээлийн журам",
                r"(course|ai) polic(y|ies)|хичээлийн (журам|бодлого)",
            ),
        ),
    ),
    # ai-103
    QuizSeed(
        "Check: the teacher's changing role",
        "Шалгах нь: багшийн өөрчлөгдөж буй үүрэг",
        (
            single(
                "As AI takes over routine explanations, which part of the teacher's role grows?",
                "Хиймэл оюун ухаан энгийн тайлбарыг хариуцах болсноор багшийн үүргийн аль хэсэг өсөх вэ?",
                ("Guiding, questioning and mentoring students", "Оюутныг чиглүүлэх, асуулт тавих, зөвлөх", True),
                ("Reading lecture notes aloud", "Лекцийн тэмдэглэлийг чанга уншиж өгөх", False),
                ("Grading multiple-choice tests by hand", "Олон сонголттой тестийг гараар засах", False),
            ),
            true_false(
                "Teachers remain responsible for judging their students' learning, even when AI assists grading.",
                "Хиймэл оюун ухаан дүгнэхэд туслаж байсан ч оюутны суралцахуйг үнэлэх хариуцлага багшид хэвээр үлдэнэ.",
                True,
            ),
            numeric(
                "A teacher saves 3 hours a week on drafting. How many hours is that over a 16-week semester?",
                "Багш ноорог бэлтгэхэд долоо хоногт 3 цаг хэмнэдэг. 16 долоо хоногийн улиралд нийт хэдэн цаг вэ?",
                "48",
            ),
            multiple(
                "Which human strengths matter more in an AI-rich classroom? Choose all that apply.",
                "Хиймэл оюун ухаан өргөн хэрэглэгдэх ангид хүний ямар чадвар "
                "илүү чухал болох вэ? Тохирох бүгдийг сонгоно уу.",
                ("Empathy", "Бусдыг ойлгох чадвар", True),
                ("Judgement about what is worth learning", "Юуг сурах нь үнэ цэнтэйг шүүн тунгаах", True),
                ("Memorising long lists of facts", "Урт жагсаалт цээжлэх", False),
            ),
        ),
    ),
    QuizSeed(
        "Check: policy and institutions",
        "Шалгах нь: бодлого ба байгууллага",
        (
            single(
                "Who should be involved when a university writes its AI policy?",
                "Их сургууль хиймэл оюун ухааны бодлогоо боловсруулахад хэн оролцох ёстой вэ?",
                (
                    "Teachers, students, administrators and IT staff together",
                    "Багш, оюутан, удирдлага, мэдээллийн технологийн ажилтнууд хамтдаа",
                    True,
                ),
                ("Only the IT department", "Зөвхөн мэдээллийн технологийн алба", False),
                ("Only an external vendor", "Зөвхөн гадны нийлүүлэгч", False),
            ),
            true_false(
                "An institutional AI policy should be reviewed regularly because the tools change quickly.",
                "Хэрэгслүүд хурдан өөрчлөгддөг тул байгууллагын хиймэл оюун ухааны бодлогыг тогтмол шинэчлэх хэрэгтэй.",
                True,
            ),
            multiple(
                "What should an institutional AI policy cover? Choose all that apply.",
                "Байгууллагын хиймэл оюун ухааны бодлого юуг хамрах ёстой вэ? Тохирох бүгдийг сонгоно уу.",
                ("Data protection", "Өгөгдлийн хамгаалалт", True),
                ("Academic integrity", "Эрдэм шинжилгээний ёс зүй", True),
                ("Staff training", "Ажилтны сургалт", True),
                ("A ban on discussing AI in class", "Хичээл дээр хиймэл оюун ухааны талаар ярихыг хориглох", False),
            ),
            short_text(
                "Which UNESCO framework describes teachers' AI competencies? (give its short name)",
                "Багшийн хиймэл оюун ухааны чадамжийг ЮНЕСКО-гийн аль хүрээ тодорхойлдог вэ? (товч нэрийг бичнэ үү)",
                "AI CFT",
                "AI CFT",
                r"(unesco )?ai[- ]?cft",
            ),
        ),
    ),
    QuizSeed(
        "Check: growing as a professional",
        "Шалгах нь: мэргэжлийн хувьд өсөх нь",
        (
            single(
                "What is the most effective way to keep your AI skills current?",
                "Хиймэл оюун ухааны ур чадвараа шинэчилж байх хамгийн үр дүнтэй арга юу вэ?",
                (
                    "Try tools in your teaching and share findings with colleagues",
                    "Хэрэгслийг хичээлдээ туршиж, үр дүнгээ хамт олонтойгоо хуваалцах",
                    True,
                ),
                ("Wait until the technology stops changing", "Технологи өөрчлөгдөхөө болих хүртэл хүлээх", False),
                ("Read one article a year", "Жилд нэг нийтлэл унших", False),
            ),
            true_false(
                "Mentoring a colleague is one way to deepen your own competence.",
                "Хамт ажиллагсаддаа зөвлөх нь өөрийн чадамжийг гүнзгийрүүлэх нэг арга юм.",
                True,
            ),
            numeric(
                "The programme asks for 20 hours of practice. You have logged 12.5. How many hours remain?",
                "Хөтөлбөр 20 цагийн дадлага шаарддаг. Та 12,5 цаг бүртгүүлсэн. Хэдэн цаг үлдсэн бэ?",
                "7.5",
                "0.1",
            ),
            multiple(
                "Which belong in a teaching portfolio about AI? Choose all that apply.",
                "Хиймэл оюун ухааны талаарх багшийн хөгжлийн хавтаст юу багтах вэ? Тохирох бүгдийг сонгоно уу.",
                ("A lesson you redesigned with AI", "Хиймэл оюун ухаан ашиглан шинэчилсэн хичээл", True),
                ("Students' feedback on it", "Түүний талаарх оюутнуудын санал", True),
                ("Your passwords for AI tools", "Хиймэл оюун ухааны хэрэгслийн нууц үг", False),
            ),
        ),
    ),
    # digital assessment course
    QuizSeed(
        "Check: assessment strategies",
        "Шалгах нь: үнэлгээний стратеги",
        (
            single(
                "What is the main purpose of formative assessment?",
                "Төлөвшүүлэх үнэлгээний гол зорилго юу вэ?",
                ("To guide learning while it happens", "Суралцах явцад нь чиглүүлэх", True),
                ("To rank students at the end of the year", "Жилийн эцэст оюутнуудыг эрэмбэлэх", False),
                ("To replace all final examinations", "Бүх төгсгөлийн шалгалтыг орлох", False),
            ),
            true_false(
                "A rubric shared before the task helps students understand what good work looks like.",
                "Даалгаврын өмнө хуваалцсан үнэлгээний шалгуур сайн ажил ямар байхыг оюутнуудад ойлгуулахад тусалдаг.",
                True,
            ),
            numeric(
                "A quiz has 8 questions and the pass mark is 75%. How many must be correct to pass?",
                "Тест 8 асуулттай, тэнцэх босго 75%. Тэнцэхийн тулд хэдэн асуултад зөв хариулах ёстой вэ?",
                "6",
            ),
            multiple(
                "Which are examples of authentic assessment? Choose all that apply.",
                "Аль нь бодит нөхцөлд суурилсан үнэлгээний жишээ вэ? Тохирох бүгдийг сонгоно уу.",
                ("Designing a lesson for a real class", "Бодит ангид зориулж хичээл зохиох", True),
                ("Analysing data from a local project", "Орон нутгийн төслийн өгөгдөлд дүн шинжилгээ хийх", True),
                ("Recalling definitions word for word", "Тодорхойлолтыг үгчлэн цээжээр бичих", False),
            ),
        ),
    ),
    QuizSeed(
        "Check: learning data",
        "Шалгах нь: суралцахуйн өгөгдөл",
        (
            single(
                "A student has not logged in for two weeks. What is the best first response?",
                "Оюутан хоёр долоо хоног нэвтрээгүй байна. Эхний хамгийн зөв алхам юу вэ?",
                ("Contact the student and ask how they are doing", "Оюутантай холбогдож, байдлыг нь асуух", True),
                ("Fail the student automatically", "Оюутныг автоматаар унагах", False),
                ("Ignore it; the data is always wrong", "Тоохгүй байх; өгөгдөл үргэлж буруу байдаг", False),
            ),
            true_false(
                "Time spent online alone proves how much a student has learnt.",
                "Зөвхөн онлайнаар өнгөрүүлсэн хугацаа оюутан хэр их сурсныг баталдаг.",
                False,
            ),
            numeric(
                "In a group of 40 students, 34 completed the module. What percentage is that?",
                "40 оюутантай бүлгийн 34 нь модулийг дуусгасан. Энэ хэдэн хувь вэ?",
                "85",
                "0.5",
            ),
            short_text(
                "What do we call data about data, such as when a file was created? (one word)",
                "Файл хэзээ үүссэн гэх мэт өгөгдлийн тухай өгөгдлийг юу гэж нэрлэдэг вэ? (нэг үг)",
                "metadata",
                "мета өгөгдөл",
                r"meta[- ]?data|мета[- ]?өгөгдөл",
            ),
        ),
    ),
    QuizSeed(
        "Check: feedback that works",
        "Шалгах нь: үр дүнтэй санал зөвлөгөө",
        (
            single(
                "Which comment is the most useful feedback on an essay?",
                "Эссэний талаарх аль сэтгэгдэл хамгийн хэрэгтэй санал зөвлөгөө вэ?",
                (
                    "Your argument is clear; support the second claim with a source",
                    "Таны үндэслэл тодорхой байна; хоёр дахь санаагаа эх сурвалжаар баталгаажуулаарай",
                    True,
                ),
                ("Good job!", "Сайн байна!", False),
                ("Needs work.", "Сайжруулах хэрэгтэй.", False),
            ),
            true_false(
                "Feedback is most useful when students can act on it in their next task.",
                "Оюутнууд дараагийн даалгавартаа хэрэгжүүлж чадах үед санал зөвлөгөө хамгийн үр дүнтэй байдаг.",
                True,
            ),
            multiple(
                "Which make feedback timely and manageable for a large class? Choose all that apply.",
                "Олон оюутантай ангид санал зөвлөгөөг цаг тухайд нь, хүчин чадлын "
                "хүрээнд өгөхөд юу тусалдаг вэ? Тохирох бүгдийг сонгоно уу.",
                ("Comment banks for common mistakes", "Түгээмэл алдааны бэлэн тайлбарын сан", True),
                ("Peer review with a checklist", "Шалгах хуудас ашигласан харилцан үнэлгээ", True),
                ("Returning work after the next deadline", "Дараагийн хугацааны дараа ажлыг буцааж өгөх", False),
            ),
            numeric(
                "You give 4 minutes of feedback to each of 45 students. How many hours is that?",
                "45 оюутан тус бүрт 4 минут санал зөвлөгөө өгнө. Нийт хэдэн цаг вэ?",
                "3",
            ),
        ),
    ),
)
