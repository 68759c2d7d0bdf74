"""The demo practical assignments: one per demo course, on its last lesson, each with a rubric of
three or four criteria at three levels, written in Mongolian and English for university teachers."""

from dataclasses import dataclass

# (points, English name, Mongolian name) of the three levels every demo criterion uses.
LEVELS = (
    (1, "Developing", "Хөгжүүлэх шаардлагатай"),
    (2, "Proficient", "Хангалттай"),
    (3, "Exemplary", "Маш сайн"),
)


@dataclass(frozen=True)
class CriterionSeed:
    name_en: str
    name_mn: str
    description_en: str
    description_mn: str
    descriptors: tuple[tuple[str, str], ...]  # (English, Mongolian), one per level of LEVELS
    weight: int = 1


@dataclass(frozen=True)
class AttachmentSeed:
    """A small plain-text file a demo answer says is attached: stored once, shared by every submission
    handing in that answer."""

    name: str  # as the learner named it
    text: str  # its content (UTF-8)


@dataclass(frozen=True)
class AssignmentSeed:
    course_code: str
    title_en: str
    title_mn: str
    instructions_en: str
    instructions_mn: str
    criteria: tuple[CriterionSeed, ...]
    answers_mn: tuple[str, ...]  # what demo educators hand in
    attachments: tuple[tuple[int, AttachmentSeed], ...] = ()  # (index in answers_mn, the file it mentions)


LESSON_PLAN = AttachmentSeed(
    "хичээлийн-төлөвлөгөө.txt",
    "ХИЧЭЭЛИЙН ТӨЛӨВЛӨГӨӨ (90 минут)\n\n"
    "Суралцахуйн үр дүн:\n"
    "1. Оюутан түүвэр өгөгдлөөс дундаж, медиан, стандарт хазайлтыг тооцоолно.\n"
    "2. Тархалтын хэлбэрийг график дээр тайлбарлана.\n\n"
    "Үйл ажиллагаа:\n"
    "- 0–15 мин: өмнөх хичээлийн асуултууд\n"
    "- 15–45 мин: бүлгийн ажил, хүн амын тооллогын өгөгдөл\n"
    "- 45–75 мин: бүлгүүд үр дүнгээ танилцуулна\n"
    "- 75–90 мин: богино сорил, дүгнэлт\n\n"
    "Хиймэл оюунд өгсөн хүсэлт:\n"
    "«Их сургуулийн 2-р курсын статистикийн 90 минутын хичээлийн төлөвлөгөө гарга; "
    "Монголын жишээ ашигла; үйл ажиллагааг минутаар заа.»\n\n"
    "Өөрчилсөн зүйл: ерөнхий жишээг тооллогын өгөгдлөөр сольж, ангийн ажлыг 20 минутаар богиносгосон.\n",
)

PROMPT_TABLE = AttachmentSeed(
    "хүсэлтийн-сан.txt",
    "Зорилго\tХүсэлт\tХэрхэн шалгасан\n"
    "Материал бэлтгэх\t«Лабораторийн ажлын заавар 1 хуудсанд багтаан бич; аюулгүй ажиллагааг тусад нь заа.»"
    "\tСурах бичигтэй тулгасан\n"
    "Санал зөвлөгөө\t«Энэ лабораторийн тайланд шалгуур тус бүрээр 2 давуу, 2 сайжруулах зүйл нэрлэ.»"
    "\tӨөрийн үнэлгээтэй харьцуулсан\n"
    "Ангийн ажил\t«Оюутнуудад маргаан өрнүүлэх 3 асуулт санал болго.»\tАнгид туршиж үзсэн\n"
    "Сорил\t«Энэ сэдвээр 5 сонгох асуулт, зөв хариулт, тайлбартай гарга.»\tАсуулт бүрийг нягталсан\n"
    "Давтлага\t«Өнөөдрийн хичээлийг 5 өгүүлбэрээр дүгнэ.»\tЛекцийн тэмдэглэлтэй тулгасан\n",
)

CASE_STUDY = AttachmentSeed(
    "хэргийн-шинжилгээ.txt",
    "«ГЭРЭЭНИЙ ЭРХ ЗҮЙ» — ХЭРГИЙН ШИНЖИЛГЭЭНИЙ ХИЧЭЭЛ\n\n"
    "1. Оюутнууд 4 хүний бүлэгт хуваагдана.\n"
    "2. Бүлэг бүр хиймэл оюунаар бэлтгэсэн, багшийн нягталсан жишээ хэргийг уншина.\n"
    "3. Гэрээний аль заалт зөрчигдсөнийг тогтоож, хуулийн зүйлээр үндэслэнэ.\n"
    "4. Бүлгүүд дүгнэлтээ 5 минутад танилцуулна.\n\n"
    "Тэмдэглэл: жишээ хэрэг зохиомол; бодит хүний нэр, мэдээлэл ороогүй.\n",
)


RESPONSIBLE_USE = CriterionSeed(
    "Responsible use",
    "Хариуцлагатай хэрэглээ",
    "Privacy, honesty about AI's part, and checking what it produces.",
    "Хувийн мэдээллийн нууцлал, хиймэл оюуны оролцоог ил тод хэлэх, түүний гаргасныг шалгах.",
    (
        (
            "Personal data or unchecked AI output is used; AI's part is not said.",
            "Хувийн мэдээлэл эсвэл шалгаагүй үр дүн ашигласан; хиймэл оюуны оролцоог дурдаагүй.",
        ),
        (
            "No personal data; AI's part is said and its output is checked.",
            "Хувийн мэдээлэл ашиглаагүй; хиймэл оюуны оролцоог дурдаж, үр дүнг шалгасан.",
        ),
        (
            "As proficient, and students are taught to check and cite AI themselves.",
            "Хангалттай түвшний шаардлагыг хангаад, оюутнуудад хиймэл оюуны үр дүнг шалгаж, иш татахыг заадаг.",
        ),
    ),
    weight=2,
)

ASSIGNMENTS: tuple[AssignmentSeed, ...] = (
    AssignmentSeed(
        "ai-101",
        "Design a lesson plan with generative AI",
        "Үүсгэгч хиймэл оюун ашиглан хичээлийн төлөвлөгөө боловсруулах",
        "Choose one 90-minute class you teach this semester. With a generative AI tool, draft a lesson plan "
        "for it, then improve the draft yourself.\n\n"
        "Hand in:\n\n"
        "1. the lesson plan (learning outcomes, activities with timings, assessment);\n"
        "2. the prompts you used and what you changed in the AI's draft, and why;\n"
        "3. a short reflection (about 200 words): what the tool did well, where it was wrong.\n\n"
        "Write in the text box or attach a document (PDF, Word). Do not put students' personal data in a prompt.",
        "Энэ улиралд заах 90 минутын нэг хичээлээ сонгоно уу. Үүсгэгч хиймэл оюуны хэрэгслээр түүний "
        "төлөвлөгөөний төслийг гаргуулж, дараа нь өөрөө сайжруулна.\n\n"
        "Илгээх зүйл:\n\n"
        "1. хичээлийн төлөвлөгөө (суралцахуйн үр дүн, үйл ажиллагаа ба хугацаа, үнэлгээ);\n"
        "2. ашигласан хүсэлтүүд (prompt), хиймэл оюуны төслөөс юуг, яагаад өөрчилсөн тань;\n"
        "3. богино эргэцүүлэл (200 орчим үг): хэрэгсэл юуг сайн хийж, хаана алдсан бэ.\n\n"
        "Текстийн талбарт бичих эсвэл баримт бичиг (PDF, Word) хавсаргана уу. Оюутны хувийн мэдээллийг "
        "хүсэлтэд бүү оруулаарай.",
        (
            CriterionSeed(
                "Pedagogical fit",
                "Сургалтын зорилготой нийцэл",
                "Outcomes, activities and assessment fit together and suit the students.",
                "Суралцахуйн үр дүн, үйл ажиллагаа, үнэлгээ уялдаж, оюутнуудад тохирсон байх.",
                (
                    (
                        "Activities do not lead to the outcomes, or the plan copies the AI's generic draft.",
                        "Үйл ажиллагаа үр дүнд хүргэхгүй, эсвэл хиймэл оюуны ерөнхий төслийг хуулсан.",
                    ),
                    (
                        "Outcomes, activities and assessment match; timings are realistic.",
                        "Үр дүн, үйл ажиллагаа, үнэлгээ уялдсан; хугацаа бодитой.",
                    ),
                    (
                        "As proficient, and the plan is adapted to these students and this subject.",
                        "Хангалттай түвшний шаардлагыг хангаад, тухайн оюутан, хичээлийн онцлогт тохируулсан.",
                    ),
                ),
                weight=2,
            ),
            RESPONSIBLE_USE,
            CriterionSeed(
                "Prompts and editing",
                "Хүсэлт ба засвар",
                "How the teacher guided the tool and improved its draft.",
                "Багш хэрэгслийг хэрхэн чиглүүлж, төслийг нь хэрхэн сайжруулсан.",
                (
                    ("One vague prompt; the draft is hardly changed.", "Ганц бүрхэг хүсэлт; төслийг бараг өөрчлөөгүй."),
                    (
                        "Prompts give context and aims; the changes are explained.",
                        "Хүсэлтэд нөхцөл, зорилгоо тодорхой өгсөн; өөрчлөлтөө тайлбарласан.",
                    ),
                    (
                        "Prompts are refined step by step; the edits show clear professional judgement.",
                        "Хүсэлтээ алхам алхмаар сайжруулсан; засварт мэргэжлийн шийдвэр тод харагдана.",
                    ),
                ),
            ),
            CriterionSeed(
                "Reflection",
                "Эргэцүүлэл",
                "What the teacher learned about the tool's strengths and limits.",
                "Хэрэгслийн давуу тал, хязгаарын талаар багш юу ойлгосон.",
                (
                    ("Describes what was done without judging it.", "Юу хийснээ л тоочсон, дүгнэлт алга."),
                    (
                        "Names strengths and errors of the tool with examples.",
                        "Хэрэгслийн давуу тал, алдааг жишээтэй нэрлэсэн.",
                    ),
                    (
                        "Draws lessons for the next class and for students' use of AI.",
                        "Дараагийн хичээл болон оюутны хиймэл оюуны хэрэглээнд хэрэгтэй сургамж гаргасан.",
                    ),
                ),
            ),
        ),
        (
            "Би «Статистикийн үндэс» хичээлийн 7 дахь долоо хоногийн хичээлийг сонгосон. Хиймэл оюунаар "
            "төслийг гаргуулахад ерөнхий жишээнүүд гарсан тул Монголын хүн амын тооллогын өгөгдлөөр сольсон. "
            "Хүсэлтүүд болон эргэцүүллээ хавсралтад оруулав.",
            "Эрүүл мэндийн шинжлэх ухааны их сургуулийн 2-р курсын «Анатоми» хичээлд зориулан төлөвлөгөө "
            "боловсруулав. Хиймэл оюун хоёр нэр томьёог буруу тайлбарласныг сурах бичгээр шалгаж зассан.",
            "Хичээлийн төлөвлөгөөг хавсаргав. Хиймэл оюун үйл ажиллагааг сайн санал болгосон ч хугацааг "
            "бодитой бус тооцсон тул ангийн ажлыг 20 минутаар багасгасан.",
        ),
        ((0, LESSON_PLAN), (2, LESSON_PLAN)),
    ),
    AssignmentSeed(
        "ai-102",
        "Build a prompt library for your course",
        "Хичээлдээ зориулсан хүсэлтийн сан бүрдүүлэх",
        "Write five prompts you will use in one of your courses: for preparing materials, for feedback on "
        "students' work, and for at least one in-class activity. For each prompt, give:\n\n"
        "- its purpose and the course it serves;\n"
        "- the prompt itself, with the context and format you ask for;\n"
        "- an example of the answer you got, and how you checked it.\n\n"
        "A table in a document or a spreadsheet is welcome.",
        "Өөрийн нэг хичээлдээ ашиглах таван хүсэлт (prompt) бичнэ үү: хичээлийн материал бэлтгэх, оюутны "
        "ажилд санал зөвлөгөө өгөх, дор хаяж нэг ангийн үйл ажиллагаанд. Хүсэлт бүрийн хувьд:\n\n"
        "- зорилго, ямар хичээлд зориулсан;\n"
        "- хүсэлт өөрөө, шаардсан нөхцөл, хэлбэрийн хамт;\n"
        "- авсан хариултын жишээ, түүнийг хэрхэн шалгасан тань.\n\n"
        "Баримт бичиг эсвэл хүснэгтэн файлд хүснэгтээр үйлдэж болно.",
        (
            CriterionSeed(
                "Relevance to teaching",
                "Заах үйлд хамааралтай байдал",
                "The prompts serve real tasks of the course.",
                "Хүсэлтүүд хичээлийн бодит ажилд хэрэглэгдэх.",
                (
                    (
                        "Prompts are generic and could serve any course.",
                        "Хүсэлтүүд ерөнхий, аль ч хичээлд хамаарч болохоор.",
                    ),
                    (
                        "Each prompt answers a named task of the course.",
                        "Хүсэлт бүр хичээлийн тодорхой ажилд зориулагдсан.",
                    ),
                    (
                        "The library covers preparation, feedback and class work coherently.",
                        "Сан нь бэлтгэл, санал зөвлөгөө, ангийн ажлыг уялдаатай хамарсан.",
                    ),
                ),
                weight=2,
            ),
            CriterionSeed(
                "Clarity and structure of prompts",
                "Хүсэлтийн тодорхой, бүтэцтэй байдал",
                "Role, context, task and format are stated.",
                "Үүрэг, нөхцөл, даалгавар, хэлбэрийг тодорхой заасан.",
                (
                    ("Prompts are one line without context.", "Хүсэлтүүд нөхцөлгүй нэг мөр."),
                    (
                        "Most prompts give context, task and format.",
                        "Ихэнх хүсэлт нөхцөл, даалгавар, хэлбэрийг заасан.",
                    ),
                    (
                        "All prompts are structured and reusable by colleagues.",
                        "Бүх хүсэлт бүтэцтэй, хамт олон дахин ашиглах боломжтой.",
                    ),
                ),
            ),
            CriterionSeed(
                "Checking the answers",
                "Хариултыг шалгах",
                "How the teacher verified what the tool produced.",
                "Хэрэгслийн гаргасныг багш хэрхэн нягталсан.",
                (
                    ("Answers are taken as they are.", "Хариултыг шууд хүлээн авсан."),
                    (
                        "Answers are checked against sources; errors are noted.",
                        "Хариултыг эх сурвалжтай тулгаж, алдааг тэмдэглэсэн.",
                    ),
                    (
                        "A routine for checking is set out that students can follow too.",
                        "Оюутнууд ч дагаж болох шалгах дэг журам тодорхойлсон.",
                    ),
                ),
            ),
        ),
        (
            "Таван хүсэлтээ хүснэгтээр хавсаргав. Хамгийн их тус болсон нь лабораторийн тайланд санал "
            "зөвлөгөө өгөх хүсэлт байлаа: үнэлгээний шалгуурыг хүсэлтэд оруулснаар хариулт тодорхой болсон.",
            "«Макро эдийн засаг» хичээлд зориулсан хүсэлтийн сан. Хиймэл оюун инфляцын статистикийг хуучин "
            "оноор өгсөн тул Монголбанкны тайлангаар шалгаж зассан.",
        ),
        ((0, PROMPT_TABLE),),
    ),
    AssignmentSeed(
        "ai-103",
        "Redesign one class session for the future classroom",
        "Нэг хичээлээ ирээдүйн ангид зориулан шинэчлэн зохиох",
        "Take one class session you taught last year and redesign it: students learn actively, technology "
        "(AI included) supports them, and every student can take part, including those with a weak "
        "connection or a disability.\n\n"
        "Describe the session before and after (about one page), the tools used and why, and how you will "
        "know it worked.",
        "Өнгөрсөн жил заасан нэг хичээлээ сонгон шинэчлэн зохионо уу: оюутнууд идэвхтэй суралцаж, "
        "технологи (хиймэл оюуныг оролцуулан) тэдэнд тусалж, сүлжээ муутай эсвэл хөгжлийн бэрхшээлтэй "
        "оюутан ч бүрэн оролцох боломжтой байх.\n\n"
        "Хичээлийг өмнө нь ба шинэчилсний дараа ямар байгааг (нэг хуудас орчим), ашиглах хэрэгсэл, яагаад "
        "сонгосон, үр дүнтэй болсныг хэрхэн мэдэхээ бичнэ үү.",
        (
            CriterionSeed(
                "Active learning",
                "Идэвхтэй суралцахуй",
                "Students do, discuss and create rather than listen.",
                "Оюутнууд зөвхөн сонсох биш, хийж, ярилцаж, бүтээх.",
                (
                    ("The session remains mostly a lecture.", "Хичээл голдуу лекц хэвээр."),
                    (
                        "At least half of the time students work on tasks.",
                        "Цагийн талаас доошгүйг оюутнууд даалгавар дээр ажиллана.",
                    ),
                    (
                        "Students create and present something that shows the outcome.",
                        "Оюутнууд үр дүнг харуулах бүтээл хийж, танилцуулна.",
                    ),
                ),
                weight=2,
            ),
            CriterionSeed(
                "Inclusion and access",
                "Хүртээмж ба тэгш хамрал",
                "Every student can take part, whatever their connection or needs.",
                "Сүлжээ, хэрэгцээнээс үл хамааран оюутан бүр оролцох боломжтой.",
                (
                    (
                        "Assumes a fast connection and one way of taking part.",
                        "Хурдан сүлжээ, оролцох ганц аргыг л тооцсон.",
                    ),
                    (
                        "Offers an offline or low-bandwidth way and accessible materials.",
                        "Сүлжээгүй эсвэл бага урсгалтай хувилбар, хүртээмжтэй материал санал болгосон.",
                    ),
                    (
                        "Plans for different needs from the start and checks with students.",
                        "Өөр өөр хэрэгцээг эхнээс нь төлөвлөж, оюутнуудаас тодруулсан.",
                    ),
                ),
            ),
            CriterionSeed(
                "Feasibility and evidence",
                "Хэрэгжих боломж ба нотолгоо",
                "The design can run in the teacher's real setting, and its effect can be seen.",
                "Багшийн бодит нөхцөлд хэрэгжих боломжтой, үр нөлөөг нь харж болох.",
                (
                    (
                        "Needs tools or time the teacher does not have; no way to judge success.",
                        "Багшид байхгүй хэрэгсэл, цаг шаардана; амжилтыг үнэлэх арга алга.",
                    ),
                    (
                        "Runs with available tools; names one way to see if it worked.",
                        "Байгаа хэрэгслээр хэрэгжинэ; үр дүнг харах нэг аргыг нэрлэсэн.",
                    ),
                    (
                        "Includes a plan B and collects students' feedback and results.",
                        "Нөөц төлөвлөгөөтэй, оюутны санал, үр дүнг цуглуулна.",
                    ),
                ),
            ),
        ),
        (
            "«Бичил биологи» хичээлийн лекцийг бүлгийн туршилт болгон өөрчилсөн. Сүлжээгүй оюутнуудад "
            "материалыг PDF-ээр урьдчилан тарааж, дүгнэлтийг ангидаа хийнэ.",
            "Хуульзүйн «Гэрээний эрх зүй» хичээлийг хэргийн шинжилгээ болгон шинэчилсэн; хиймэл оюунаар "
            "жишээ хэрэг бэлтгэж, өөрөө нягталсан. Дэлгэрэнгүйг хавсралтаас үзнэ үү.",
        ),
        ((1, CASE_STUDY),),
    ),
    AssignmentSeed(
        "dig-201",
        "Design a digital assessment with its rubric",
        "Цахим үнэлгээ ба түүний рубрик боловсруулах",
        "Design one assessment task for your course that students complete online, with a rubric of three "
        "to five criteria, and plan the feedback students will get.\n\n"
        "Hand in the task as students will read it, the rubric, and a note on how you protect academic "
        "integrity and how feedback reaches students in time.",
        "Оюутнууд цахимаар гүйцэтгэх нэг үнэлгээний даалгавар, гурваас таван шалгууртай рубрикийн хамт "
        "боловсруулж, оюутнуудад өгөх санал зөвлөгөөг төлөвлөнө үү.\n\n"
        "Оюутанд очих хэлбэрээр нь даалгавар, рубрик, мөн эрдмийн шударга ёсыг хэрхэн хамгаалах, санал "
        "зөвлөгөө оюутанд цагтаа хэрхэн хүрэх тухай тэмдэглэл илгээнэ үү.",
        (
            CriterionSeed(
                "Alignment with learning outcomes",
                "Суралцахуйн үр дүнтэй уялдсан байдал",
                "The task and rubric measure what the course says students learn.",
                "Даалгавар, рубрик нь хичээлийн зорьсон үр дүнг хэмжих.",
                (
                    (
                        "The task tests recall unrelated to the stated outcomes.",
                        "Даалгавар зорьсон үр дүнтэй холбоогүй цээжлэлт шалгана.",
                    ),
                    (
                        "Each criterion of the rubric matches an outcome.",
                        "Рубрикийн шалгуур бүр нэг үр дүнтэй тохирно.",
                    ),
                    (
                        "The task asks students to apply the outcomes to a real problem.",
                        "Даалгавар үр дүнг бодит асуудалд хэрэглэхийг шаардана.",
                    ),
                ),
                weight=2,
            ),
            CriterionSeed(
                "Quality of feedback",
                "Санал зөвлөгөөний чанар",
                "Students learn what to improve, in time to use it.",
                "Оюутан юуг сайжруулахаа цагтаа мэдэх.",
                (
                    ("Only a mark is returned.", "Зөвхөн оноо буцаана."),
                    (
                        "Comments per criterion, returned within a week.",
                        "Шалгуур бүрээр тайлбар өгч, долоо хоногт багтаан буцаана.",
                    ),
                    (
                        "Feedback leads to a next step students take before the next task.",
                        "Санал зөвлөгөө дараагийн даалгаврын өмнө оюутны хийх алхамд хүргэнэ.",
                    ),
                ),
            ),
            CriterionSeed(
                "Academic integrity",
                "Эрдмийн шударга ёс",
                "The design discourages copying and states the rules on AI.",
                "Хуулбарлахаас сэргийлж, хиймэл оюун ашиглах дүрмийг тодорхой заасан.",
                (
                    (
                        "Answers can be found or generated directly; no rules given.",
                        "Хариултыг шууд олох эсвэл гаргуулах боломжтой; дүрэм заагаагүй.",
                    ),
                    (
                        "Rules on AI are stated; questions vary between students.",
                        "Хиймэл оюуны дүрмийг заасан; асуултууд оюутан бүрт өөр.",
                    ),
                    (
                        "Students show their process, so the work is clearly their own.",
                        "Оюутнууд ажлын явцаа харуулдаг тул бүтээл нь өөрийнх нь гэдэг тод.",
                    ),
                ),
            ),
        ),
        (
            "«Програмчлалын үндэс» хичээлд Moodle дээрх код бичих даалгавар, рубрикийн хамт. Оюутан бүр "
            "өөр өгөгдөлтэй хувилбар авна; хиймэл оюун ашигласан бол хүсэлтээ хавсаргана.",
            "Англи хэлний эсээний цахим даалгавар, дөрвөн шалгууртай рубрик. Санал зөвлөгөөг 5 хоногийн "
            "дотор шалгуур бүрээр өгнө.",
        ),
    ),
)

# What reviewers wrote, by decision.
COMMENTS_APPROVE = (
    "Сайн ажил байна. Төлөвлөгөө тань оюутнуудад тохирсон, хиймэл оюуны үр дүнг шалгасан нь харагдаж байна.",
    "Баталлаа. Дараагийн удаа эргэцүүлэлдээ оюутнуудын санал хүсэлтийг оруулбал бүр сайн.",
    "Маш сайн. Хамт олондоо энэ жишээгээ танилцуулахыг зөвлөж байна.",
)
COMMENTS_REVISE = (
    "Суралцахуйн үр дүн ба үнэлгээ хоорондоо уялдахгүй байна. Үнэлгээгээ үр дүнд тулгуурлан засна уу.",
    "Хиймэл оюуны гаргасныг хэрхэн шалгаснаа бичээгүй байна. Эх сурвалжаа нэмж дахин илгээнэ үү.",
    "Оюутны хувийн мэдээлэл хүсэлтэд орсон байна. Түүнийг хасаад, хариуцлагатай хэрэглээний хэсгээ нэмнэ үү.",
)
