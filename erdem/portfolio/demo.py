"""The demo step for the Faculty AI Portfolio: portfolios and their entries, endorsements by mentors and
peers, public pages and career reviews. Runs after the recognition step (its entries are tagged to the
national teacher qualification standards) and before the insights step, which stays last.

Who keeps a portfolio: PORTFOLIO_SHARE of the registered educators (about 250 at the default size), three
in five of them among the certified, the others among colleagues who have not earned the micro-certificate
yet; the demo educator, mentor and master teacher logins among them. Each writes 1 to 6 entries of the
eight kinds, mostly in Mongolian (in English when that is the person's language, and now and then
otherwise), generated from a modest set of templates about using AI in university teaching: titles, texts
in Markdown, the course taught, dates, links. Entries are tagged to the UNESCO AI CFT competencies the kind
of entry shows and to one or two descriptors of the qualification standards. Entries, tags and links are
written in bulk (no check beyond those the templates already meet, nothing signed).

Endorsements go through the services, since each given endorsement is signed: mentors endorse their
mentees' entries (the cascade's mentoring pairs), colleagues of the same institution the others. About one
entry in five is endorsed (ENDORSED_SHARE, about 150 signatures at the default size, never more than
ENDORSEMENTS_MAX); a few more were asked and not yet answered, a few declined. No e-mail is sent. Some
owners turned their public link on. A few staff members consented to a career review; their coordinator
recorded one for two of them.

The demo educator has a rich portfolio: six entries of different kinds, public link on, three given
endorsements (their mentor and two peers) and one still asked; they were asked to endorse a colleague's
entry themselves, as was the demo mentor.
"""

import datetime as dt
import random
import uuid
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from erdem.access.models import Role, RoleAssignment
from erdem.cascade.models import MentorAssignment
from erdem.credentials.models import Achievement, Credential
from erdem.frameworks.models import Competency
from erdem.frameworks.selectors import UNESCO_AI_CFT
from erdem.people.models import Person
from erdem.portfolio.endorsements import endorsement_decline, endorsement_give, endorsement_request
from erdem.portfolio.models import Endorsement, Entry, EntryLink, Portfolio
from erdem.portfolio.reviews import career_review_record
from erdem.portfolio.services import portfolio_public_link_set, portfolio_review_consent_set
from erdem.recognition.demo import working_hours
from erdem.recognition.models import StandardDescriptor

if TYPE_CHECKING:
    from erdem.demo.services import DemoRun

_LOCAL = zoneinfo.ZoneInfo("Asia/Ulaanbaatar")
BATCH_SIZE = 2000
PORTFOLIO_SHARE = Fraction(12, 100)  # of the registered educators
PORTFOLIOS_MIN = 6
CERTIFIED_AMONG_OWNERS = 0.6
ENTRIES = {1: 14, 2: 24, 3: 24, 4: 17, 5: 11, 6: 10}  # entries per portfolio: weights
ENGLISH_SHARE = 0.08  # entries written in English by people whose language is Mongolian
VISIBILITY = {Entry.Visibility.PRIVATE: 30, Entry.Visibility.INSTITUTION: 45, Entry.Visibility.PUBLIC: 25}
PUBLIC_LINK_SHARE = 0.12  # owners who turned their public link on
LINK_SHARE = 0.3  # entries with a link
# Signed endorsements: about one entry in five, at most ENDORSEMENTS_MAX (each is signed twice over).
ENDORSED_SHARE = Fraction(1, 5)
ENDORSEMENTS_MAX = 250
ASKED_SHARE = 0.08  # entries whose endorsement was asked and is not answered yet
DECLINED_SHARE = 0.02
CONSENTING = 6  # at the default size: staff who allowed a career review
REVIEWS = 2


@dataclass(frozen=True)
class Template:
    kind: str
    title: str  # may name {course} and {tool}
    body: str
    competencies: tuple[str, ...]
    has_period: bool = False


TOOLS = ("ChatGPT", "Gemini", "Claude", "Copilot", "Perplexity", "NotebookLM")

# The courses taught, by discipline: (Mongolian, English).
COURSES: dict[str, tuple[tuple[str, str], ...]] = {
    "education": (
        ("Сургалтын арга зүй", "Teaching methods"),
        ("Боловсролын сэтгэл судлал", "Educational psychology"),
        ("Сургалтын хөтөлбөр боловсруулалт", "Curriculum design"),
    ),
    "humanities": (
        ("Монголын түүх", "History of Mongolia"),
        ("Философийн үндэс", "Introduction to philosophy"),
        ("Эрдэм шинжилгээний бичвэр", "Academic writing"),
    ),
    "languages": (
        ("Англи хэл (B1)", "English (B1)"),
        ("Орчуулгын онол, практик", "Translation theory and practice"),
        ("Ярианы англи хэл", "Spoken English"),
    ),
    "social_sciences": (
        ("Социологийн судалгааны арга зүй", "Research methods in sociology"),
        ("Сэтгэл судлалын үндэс", "Introduction to psychology"),
        ("Улс төрийн шинжлэх ухааны үндэс", "Foundations of political science"),
    ),
    "business_law": (
        ("Санхүүгийн нягтлан бодох бүртгэл", "Financial accounting"),
        ("Менежментийн үндэс", "Principles of management"),
        ("Иргэний эрх зүй", "Civil law"),
        ("Микро эдийн засаг", "Microeconomics"),
    ),
    "natural_sciences": (
        ("Математик анализ I", "Calculus I"),
        ("Ерөнхий физик", "General physics"),
        ("Органик хими", "Organic chemistry"),
        ("Статистикийн үндэс", "Introduction to statistics"),
    ),
    "ict": (
        ("Программчлалын үндэс (Python)", "Programming fundamentals (Python)"),
        ("Өгөгдлийн сан", "Databases"),
        ("Вэб программчлал", "Web programming"),
        ("Машин сургалтын үндэс", "Introduction to machine learning"),
    ),
    "engineering": (
        ("Инженерийн зураг", "Engineering drawing"),
        ("Материал судлал", "Materials science"),
        ("Цахилгаан хэлхээний онол", "Circuit theory"),
    ),
    "agriculture": (
        ("Малын эрүүл ахуй", "Animal hygiene"),
        ("Хөрс судлал", "Soil science"),
        ("Хүнсний аюулгүй байдал", "Food safety"),
    ),
    "health": (
        ("Сувилахуйн үндэс", "Fundamentals of nursing"),
        ("Нийгмийн эрүүл мэнд", "Public health"),
        ("Анатоми", "Anatomy"),
    ),
    "services": (
        ("Аялал жуулчлалын менежмент", "Tourism management"),
        ("Зочлох үйлчилгээний үндэс", "Introduction to hospitality"),
        ("Биеийн тамирын арга зүй", "Physical education methods"),
    ),
}

K = Entry.Kind
TEMPLATES: dict[str, tuple[Template, ...]] = {
    "mn": (
        Template(
            K.LESSON_PLAN,
            "«{course}»: {tool}-ээр жишээ бодлого боловсруулах хичээлийн төлөвлөгөө",
            "Хичээлийн зорилго: оюутнууд {tool}-ийн гаргасан жишээг **шүүмжлэлтэй шалгаж**, алдааг нь олж засна.\n\n"
            "1. Эхний 15 минут: хиймэл оюуны хариулт яагаад алдаатай байж болохыг ярилцана.\n"
            "2. Хосоор ажиллаж, нэг жишээг шалгаж, эх сурвалжтай нь тулгана.\n"
            "3. Хэлэлцүүлэг: аль хариулт итгэл төрүүлсэн, яагаад.\n\n"
            "Оюутнуудын 80 орчим хувь нь даалгаврыг бүрэн гүйцэтгэсэн.",
            ("4.1", "3.2", "2.2"),
        ),
        Template(
            K.LESSON_PLAN,
            "Промпт бичих дадлага: «{course}» хичээлийн 3 цагийн семинар",
            "Оюутнууд монгол, англи хэлээр ижил асуултыг {tool}-д тавьж, хариултыг нь харьцуулав. "
            "Сайн хүсэлтийн гурван шинжийг (зорилго, нөхцөл, хэлбэр) хамтдаа тодорхойлсон.\n\n"
            "- Материал: ажлын хуудас, хүсэлтийн жишээ 10\n- Үнэлгээ: хүсэлт ба тайлбарын рубрик",
            ("4.1", "3.1", "1.1"),
        ),
        Template(
            K.SYLLABUS_CHANGE,
            "«{course}» хичээлийн хөтөлбөрт хиймэл оюуны хэрэглээг нэмсэн нь",
            "Улирлын хөтөлбөрт хоёр шинэ сэдэв нэмлээ: хиймэл оюунтай хамтран бичих, эх сурвалж шалгах. "
            "Бие даалтын ажлын журамд хиймэл оюуныг **ил тод ашиглах** заалт оруулж, оюутан хүсэлт, "
            "хариултаа хавсаргадаг болсон.\n\nТэнхимийн хурлаар хэлэлцэж баталсан.",
            ("4.2", "4.3", "1.2"),
            True,
        ),
        Template(
            K.SYLLABUS_CHANGE,
            "Бие даалтын ажлын шинэ журам: {tool} ашиглах дүрэм",
            "Оюутнууд ямар ажилд хиймэл оюун ашиглаж болох, ямар ажилд болохгүйг хүснэгтээр тодорхой бичсэн. "
            "Ашигласан бол ямар хүсэлт өгснөө, юуг өөрөө зассанаа тайлбарлана.\n\n"
            "Шинэ журмаар эхний улиралд хуулбарын гомдол мэдэгдэхүйц буурсан.",
            ("2.1", "2.3", "4.2"),
            True,
        ),
        Template(
            K.CLASSROOM_USE,
            "«{course}» хичээлд {tool}-ийг туршсан тайлан",
            "Гурван долоо хоногийн турш лабораторийн ажлын өмнө оюутнууд {tool}-ээс асуулт асууж бэлтгэсэн. "
            "Давуу тал: асуултаа чөлөөтэй асуудаг болсон. Сул тал: зарим хариулт буруу, эх сурвалжгүй.\n\n"
            "**Дүгнэлт:** багшийн удирдамжтай бол үр дүнтэй; дараагийн улиралд үргэлжлүүлнэ.",
            ("4.1", "3.2", "2.1"),
            True,
        ),
        Template(
            K.CLASSROOM_USE,
            "Интернэт сул нөхцөлд хиймэл оюуныг хичээлд ашигласан туршлага",
            "Анги танхимд интернэт тасалддаг тул хиймэл оюуны хариултуудыг урьдчилан бэлтгэж, хэвлэмэл "
            "хэлбэрээр оюутнуудад тарааж шүүмжлүүлсэн. Утсаар хандах боломжтой оюутнууд бүлгээрээ ажилласан.",
            ("4.1", "1.3", "3.2"),
        ),
        Template(
            K.ASSESSMENT_REDESIGN,
            "«{course}»: хиймэл оюун дэргэд байхад ажиллах үнэлгээ",
            "Гэрийн даалгаврыг амаар хамгаалах, явцын тэмдэглэл хөтлөх хэлбэрт шилжүүлэв. "
            "Оюутан {tool}-ийн хариултыг үндэслэл болгосон бол түүнийг хэрхэн шалгаснаа тайлбарлана.\n\n"
            "Рубрикийн шалгуур: ойлголт, шалгалт, эх сурвалж, өөрийн дүгнэлт.",
            ("4.2", "2.2", "1.1"),
            True,
        ),
        Template(
            K.ASSESSMENT_REDESIGN,
            "Сорилын асуултын санг хиймэл оюунаар өргөтгөж, чанарыг нь хянасан нь",
            "{tool}-ээр 120 асуулт үүсгэж, тэдгээрийн 70 орчмыг засварлан ашигласан. Хариултын хувилбаруудыг "
            "хамт ажилладаг багштайгаа хянаж, хэт амархан болон алдаатай асуултыг хассан.",
            ("4.2", "3.2", "1.2"),
        ),
        Template(
            K.STUDENT_WORK,
            "Оюутны төслийн жишээ: хиймэл оюунтай хамтран бичсэн эссэ («{course}»)",
            "Оюутан эссэгийнхээ төлөвлөгөөг {tool}-ээр гаргаж, дараа нь өөрийн судалгаагаар баяжуулсан. "
            "Хүсэлт, хариулт, засвар бүрийг хавсралтад тэмдэглэсэн нь ажлын явцыг харах боломж олгосон.\n\n"
            "_Оюутны зөвшөөрлөөр нэргүйгээр нийтлэв._",
            ("4.2", "3.2", "2.1"),
        ),
        Template(
            K.STUDENT_WORK,
            "Оюутнуудын бүтээсэн хиймэл оюуны ёс зүйн зурагт хуудас",
            "Бүлгүүд хиймэл оюуныг хариуцлагатай ашиглах дүрмийг өөрсдөө боловсруулж, зурагт хуудас "
            "хийсэн. Шилдэг гурвыг тэнхимийн коридорт байршуулсан.",
            ("2.3", "1.3", "4.2"),
        ),
        Template(
            K.REFLECTION,
            "Хиймэл оюунтай багшилсан эхний улирлын эргэцүүлэл",
            "Эхэндээ оюутнууд хуулбарлах вий гэж санаа зовж байсан. Одоо даалгаврын зорилгоо өөрчилж, "
            "оюутнууд хиймэл оюуны хариултыг засах, шүүмжлэхийг сурч байна. Цаашид өөрийн хичээлийн "
            "материалыг илүү хувь хүнд тохирсон болгохыг зорьж байна.",
            ("5.1", "1.1", "2.1"),
        ),
        Template(
            K.REFLECTION,
            "Бичил гэрчилгээний сургалтаас хойш миний хичээлд юу өөрчлөгдсөн бэ",
            "Хичээл бэлтгэхэд зарцуулдаг цаг долоо хоногт 3–4 цагаар багассан. Хэмнэсэн цагаа оюутан бүртэй "
            "ярилцах, санал өгөхөд зарцуулж байна. Зөвлөх багштайгаа сар бүр уулзаж, туршлагаа хуваалцдаг.",
            ("5.1", "4.1", "1.2"),
        ),
        Template(
            K.TALK,
            "Тэнхимийн семинар: «Хиймэл оюун ба {course} хичээл»",
            "Тэнхимийн 15 багшид өөрийн туршлагаа танилцуулж, {tool}-ийг хичээл бэлтгэхэд ашиглах "
            "дадлага хийлгэсэн. Семинарын дараа гурван багш өөрсдийн хичээлдээ туршиж эхэлсэн.",
            ("5.2", "5.3", "4.3"),
        ),
        Template(
            K.TALK,
            "Бүсийн багш нарын зөвлөгөөнд тавьсан илтгэл: хиймэл оюун ба эрдмийн шударга байдал",
            "Илтгэлд хуулбарын эрсдэл, түүнийг бууруулах даалгаврын хэлбэрүүдийг жишээгээр тайлбарласан. "
            "Оролцогчдын асуултад үндэслэн сургуулийн журмын төсөл боловсруулах ажлын хэсэг байгуулагдсан.",
            ("5.2", "2.3", "2.1"),
        ),
        Template(
            K.PUBLICATION,
            "Өгүүлэл: «{course}» хичээлд үүсгэгч хиймэл оюун ашигласан туршилт",
            "Их сургуулийн эрдэм шинжилгээний бичигт хэвлэгдсэн өгүүлэл. Хоёр бүлэг оюутны үр дүнг "
            "харьцуулж, хиймэл оюуныг удирдамжтай ашигласан бүлгийн дүн дунджаар 9 оноогоор өндөр гарсныг "
            "харуулсан.",
            ("5.3", "3.3", "4.3"),
        ),
        Template(
            K.PUBLICATION,
            "Гарын авлага: багш нарт зориулсан хиймэл оюуны хүсэлтийн жишээнүүд",
            "Тэнхимийн багш нартай хамтран 40 хүсэлтийн жишээ бүхий гарын авлага эмхтгэв: хичээл төлөвлөх, "
            "санал өгөх, үнэлгээ боловсруулах. Сургуулийн цахим сургалтын системд байршуулсан.",
            ("5.3", "3.3", "5.2"),
        ),
    ),
    "en": (
        Template(
            K.LESSON_PLAN,
            "{course}: a lesson where students check {tool}'s worked examples",
            "Goal: students **critically check** worked examples produced by {tool} and correct the errors.\n\n"
            "1. Fifteen minutes on why AI answers can be wrong.\n"
            "2. Pairs check one example each against the textbook.\n"
            "3. Discussion: which answers were convincing, and why.",
            ("4.1", "3.2", "2.2"),
        ),
        Template(
            K.SYLLABUS_CHANGE,
            "{course}: AI literacy added to the syllabus",
            "Two new topics this semester: writing with AI and checking sources. The coursework policy now "
            "asks students to declare any AI use and attach their prompts.",
            ("4.2", "4.3", "1.2"),
            True,
        ),
        Template(
            K.CLASSROOM_USE,
            "Report: three weeks of {tool} in {course}",
            "Students prepared questions with {tool} before each lab. They ask more questions now; some answers "
            "were wrong or unsourced, which became a lesson in itself. I will continue next semester.",
            ("4.1", "3.2", "2.1"),
            True,
        ),
        Template(
            K.ASSESSMENT_REDESIGN,
            "Assessment that still works when students have AI ({course})",
            "Take-home essays became short oral defences with a process log. Students who relied on {tool} "
            "explain how they checked it. Rubric: understanding, verification, sources, own judgement.",
            ("4.2", "2.2", "1.1"),
            True,
        ),
        Template(
            K.STUDENT_WORK,
            "Student project: an essay co-written with AI, with its prompt log",
            "The student drafted an outline with {tool}, then extended it with their own reading. Every prompt "
            "and revision is logged in the appendix. _Shared anonymously, with the student's permission._",
            ("4.2", "3.2", "2.1"),
        ),
        Template(
            K.REFLECTION,
            "Reflection on my first semester teaching with AI",
            "I worried students would copy. Instead I changed what my tasks ask for, and my students now learn "
            "to critique and improve what the AI gives them.",
            ("5.1", "1.1", "2.1"),
        ),
        Template(
            K.TALK,
            "Department seminar: AI in {course}",
            "I showed fifteen colleagues how I prepare lessons with {tool} and we practised writing prompts "
            "together. Three of them have started trying it in their own courses.",
            ("5.2", "5.3", "4.3"),
        ),
        Template(
            K.PUBLICATION,
            "Article: a classroom study of generative AI in {course}",
            "Published in the university's research bulletin: two groups of students compared; the group "
            "using AI with guidance scored on average nine points higher.",
            ("5.3", "3.3", "4.3"),
        ),
    ),
}

HEADLINES = {
    "mn": "{position}, {department}",
    "en": "{position}, {department}",
}
POSITIONS = {
    "teacher": ("Багш", "Lecturer"),
    "senior_teacher": ("Ахлах багш", "Senior lecturer"),
    "associate_professor": ("Дэд профессор", "Associate professor"),
    "professor": ("Профессор", "Professor"),
    "researcher": ("Эрдэм шинжилгээний ажилтан", "Researcher"),
    "other": ("Багш", "Lecturer"),
}
SUMMARIES = {
    "mn": (
        "Хиймэл оюуныг хичээл бэлтгэх, оюутанд санал өгөхөд хариуцлагатай ашиглаж, туршлагаа хамт олонтойгоо "
        "хуваалцдаг.",
        "Оюутан төвтэй сургалтад хиймэл оюуны хэрэгслийг хэрхэн үр дүнтэй ашиглахыг судалж байна.",
        "Үнэлгээний шинэ хэлбэрүүд, эрдмийн шударга байдлын асуудлаар тэнхимдээ ажлын хэсгийг ахалдаг.",
    ),
    "en": (
        "I use AI responsibly to prepare lessons and give students feedback, and share what works with colleagues.",
        "Exploring how AI tools can serve student-centred teaching.",
    ),
}
ENDORSEMENT_COMMENTS = {
    "mn": (
        "Энэ ажлыг хичээл дээр нь биечлэн ажигласан: оюутнууд идэвхтэй оролцож, хиймэл оюуны хариултыг "
        "шүүмжлэлтэй шалгаж байсан.",
        "Бусад багшид үлгэр жишээ болохуйц, сайн төлөвлөсөн ажил.",
        "Тэнхимдээ туршлагаа хуваалцаж, хамт олноо хиймэл оюуныг хариуцлагатай ашиглахад чиглүүлж байна.",
        "Рубрик нь тодорхой, оюутны ажлын явцыг харах боломжтой болсон.",
        "Зөвлөх багшийн хувьд ахиц дэвшлийг нь бүтэн улирлын турш харсан; баталж байна.",
    ),
    "en": (
        "I observed this lesson: students took part actively and checked the AI's answers critically.",
        "A well-planned piece of work that colleagues can learn from.",
        "Clear rubric; the students' process is now visible.",
    ),
}
REQUEST_NOTES = (
    "Энэ ажлыг үзээд батламж өгнө үү.",
    "Хичээл дээр минь суусан тул үнэлгээ өгөхийг хүсье.",
    "Could you endorse this entry? You saw it in class.",
)
REVIEW_SUMMARIES = (
    (
        "recommended",
        "Дэд профессор",
        "Хиймэл оюуныг хичээл, үнэлгээндээ системтэй нэвтрүүлж, тэнхимдээ семинар удирдсан. Портфолио нь "
        "зөвлөх болон хамт олны батламжтай, AI CFT-ийн бүх чиглэлийг хамарсан тул албан тушаал дэвшүүлэхийг "
        "санал болгож байна.",
    ),
    (
        "not_yet",
        "Ахлах багш",
        "Хичээлдээ хиймэл оюуныг идэвхтэй туршиж байна. Үнэлгээний өөрчлөлт, хамт олонд түгээсэн туршлагаа "
        "портфолиодоо нэмж, дараагийн улиралд дахин хүсэлт гаргахыг зөвлөв.",
    ),
)
DEMO_EDUCATOR_ENTRIES = (
    # (language, template index in TEMPLATES[language], visibility)
    ("mn", 0, Entry.Visibility.PUBLIC),
    ("mn", 2, Entry.Visibility.PUBLIC),
    ("mn", 4, Entry.Visibility.INSTITUTION),
    ("mn", 6, Entry.Visibility.PUBLIC),
    ("mn", 10, Entry.Visibility.PRIVATE),
    ("en", 6, Entry.Visibility.PUBLIC),  # the talk given at a conference, in English
)


def demo_portfolios_target(educators: int) -> int:
    """How many of `educators` registered educators keep a portfolio in the demo."""
    return max(PORTFOLIOS_MIN, round(educators * PORTFOLIO_SHARE))


def demo_endorsements_target(entries: int, *, educators: int) -> int:
    """How many endorsements are given (and signed) in the demo."""
    from erdem.demo.services import DEFAULT_EDUCATORS

    ceiling = max(5, round(ENDORSEMENTS_MAX * min(1, educators / DEFAULT_EDUCATORS)))
    return min(ceiling, round(entries * ENDORSED_SHARE))


def demo_portfolios_create(*, run: "DemoRun") -> None:
    from erdem.insights.demo import demo_reference_moment

    rng = random.Random(run.rng.random())  # noqa: S311 - demo data; its own stream
    programme = run.current_programme
    reference = demo_reference_moment(programme=programme)
    logins = {email: role for role, email in run.logins.items()}
    login_people = {
        person.email: person for person in Person.objects.filter(email__in=logins).select_related("institution")
    }
    educator = login_people.get(run.logins.get(Role.EDUCATOR, ""))
    owners = _owners_pick(run, rng, login_people)
    if not owners:
        return
    people = Person.objects.in_bulk(owners)
    competencies = {
        competency.code: competency for competency in Competency.objects.filter(framework__code=UNESCO_AI_CFT)
    }
    descriptors = _descriptors_by_competency(programme.pk)

    # --- portfolios and entries, in bulk ------------------------------------------------------------------------
    portfolios, entries, tags, descriptor_tags, links = [], [], [], [], []
    for person_id in owners:
        person = people[person_id]
        language = "en" if person.preferred_language == "en" else "mn"
        portfolios.append(_portfolio(rng, person, language, reference))
        if educator is not None and person_id == educator.pk:
            plan = [
                (TEMPLATES[entry_language][index], entry_language, visibility)
                for entry_language, index, visibility in DEMO_EDUCATOR_ENTRIES
            ]
        else:
            count = rng.choices(list(ENTRIES), weights=list(ENTRIES.values()))[0]
            plan = []
            for _number in range(count):
                entry_language = language if rng.random() > ENGLISH_SHARE else "en"
                visibility = rng.choices(list(VISIBILITY), weights=list(VISIBILITY.values()))[0]
                plan.append((rng.choice(TEMPLATES[entry_language]), entry_language, visibility))
        for template, entry_language, visibility in plan:
            entry = _entry(rng, person, template, entry_language, visibility, reference)
            entries.append(entry)
            codes = list(template.competencies[: rng.randint(2, 3)])
            if rng.random() < 0.3:
                codes.append(rng.choice(sorted(competencies)))
            for code in sorted(set(codes)):
                if code in competencies:
                    tags.append((len(entries) - 1, competencies[code].pk))
            pool = sorted({pk for code in codes for pk in descriptors.get(code, ())})
            for descriptor_id in rng.sample(pool, min(len(pool), rng.randint(1, 2))):
                descriptor_tags.append((len(entries) - 1, descriptor_id))
            if rng.random() < LINK_SHARE:
                links.append((len(entries) - 1, _link(person, entry)))
    Portfolio.objects.bulk_create(portfolios, batch_size=BATCH_SIZE)
    Entry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    Entry.competencies.through.objects.bulk_create(
        (Entry.competencies.through(entry_id=entries[index].pk, competency_id=pk) for index, pk in tags),
        batch_size=BATCH_SIZE,
    )
    Entry.descriptors.through.objects.bulk_create(
        (
            Entry.descriptors.through(entry_id=entries[index].pk, standarddescriptor_id=pk)
            for index, pk in descriptor_tags
        ),
        batch_size=BATCH_SIZE,
    )
    EntryLink.objects.bulk_create(
        (EntryLink(entry=entries[index], url=url, title=title, position=0) for index, (url, title) in links),
        batch_size=BATCH_SIZE,
    )
    run.counts["portfolios"] = len(portfolios)
    run.counts["portfolio_entries"] = len(entries)

    # --- public links -------------------------------------------------------------------------------------------
    public = [person_id for person_id in owners if rng.random() < PUBLIC_LINK_SHARE]
    if educator is not None and educator.pk in people and educator.pk not in public:
        public.append(educator.pk)
    for person_id in public:
        portfolio_public_link_set(person=people[person_id], enabled=True)
    run.counts["portfolios_public"] = len(public)

    _endorsements_create(run, rng, entries, people, educator, login_people, reference)
    _reviews_create(run, rng, owners, people, login_people, reference)


def _owners_pick(run: "DemoRun", rng: random.Random, login_people: dict[str, Person]) -> list[int]:
    """The registered educators who keep a portfolio: most among the certified, the demo logins among them."""
    programme = run.current_programme
    registered = list(
        RoleAssignment.objects.filter(programme=programme, role=Role.EDUCATOR, person__email_confirmed_at__isnull=False)
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    certified = set(
        Credential.objects.filter(
            achievement__programme=programme,
            achievement__kind=Achievement.Kind.MICRO_CERTIFICATE,
            status=Credential.Status.ACTIVE,
        ).values_list("person_id", flat=True)
    )
    target = min(len(registered), demo_portfolios_target(run.size.educators))
    chosen: set[int] = set()
    for role in (Role.EDUCATOR, Role.MENTOR, Role.MASTER_TEACHER):
        person = login_people.get(run.logins.get(role, ""))
        if person is not None:
            chosen.add(person.pk)
    holders = sorted(pk for pk in registered if pk in certified and pk not in chosen)
    others = sorted(pk for pk in registered if pk not in certified and pk not in chosen)
    from_certified = min(len(holders), round((target - len(chosen)) * CERTIFIED_AMONG_OWNERS))
    chosen.update(rng.sample(holders, from_certified))
    chosen.update(rng.sample(others, min(len(others), max(0, target - len(chosen)))))
    return sorted(chosen)


# The standards each aspect of the AI CFT speaks to (the starting framework's codes); its three levels
# (acquire, deepen, create) go with the standards' three levels.
ASPECT_STANDARDS = {"1": ("S5", "S6"), "2": ("S5",), "3": ("S4", "S5"), "4": ("S2", "S3", "S5"), "5": ("S6", "S4")}


def _descriptors_by_competency(programme_id: int) -> dict[str, list[int]]:
    """The standard descriptors an entry tagged with each AI CFT competency may evidence."""
    rows = list(
        StandardDescriptor.objects.filter(standard__programme_id=programme_id)
        .order_by("standard__position", "level__position", "pk")
        .values_list("pk", "standard__code", "level__position")
    )
    if not rows:
        return {}
    levels = sorted({level for _pk, _code, level in rows})
    by_code: dict[str, list[int]] = {}
    for aspect, standards in ASPECT_STANDARDS.items():
        for depth in range(1, 4):
            level = levels[min(len(levels) - 1, (depth - 1) * len(levels) // 3)]
            matching = [pk for pk, code, at in rows if code in standards and at == level]
            by_code[f"{aspect}.{depth}"] = matching or [pk for pk, _code, at in rows if at == level]
    return by_code


def _local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(_LOCAL).date()


def _portfolio(rng: random.Random, person: Person, language: str, reference: dt.datetime) -> Portfolio:
    position = POSITIONS.get(person.academic_position or "teacher", POSITIONS["teacher"])
    department = person.department or (person.institution.short_name_mn if person.institution else "")
    headline = HEADLINES[language].format(position=position[0 if language == "mn" else 1], department=department)
    return Portfolio(
        person=person,
        headline=headline.strip(", ")[:200],
        summary=rng.choice(SUMMARIES[language]),
        updated_at=reference - dt.timedelta(days=rng.randint(1, 60)),
    )


def _entry(
    rng: random.Random, person: Person, template: Template, language: str, visibility: str, reference: dt.datetime
) -> Entry:
    courses = COURSES.get(person.discipline) or COURSES["education"]
    course = rng.choice(courses)[0 if language == "mn" else 1]
    tool = rng.choice(TOOLS)
    earliest = max(person.date_joined, dt.datetime(2025, 2, 1, tzinfo=_LOCAL))
    span = max(1, (reference - earliest).days - 20)
    started = _local_date(earliest) + dt.timedelta(days=rng.randint(0, span))
    ended = started + dt.timedelta(days=rng.randint(20, 110)) if template.has_period else None
    if ended is not None and ended > _local_date(reference):
        ended = None
    written = dt.datetime.combine(ended or started, dt.time(rng.randint(9, 21), rng.randint(0, 59)), tzinfo=_LOCAL)
    written = min(written + dt.timedelta(days=rng.randint(0, 10)), reference)
    return Entry(
        public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
        person=person,
        kind=template.kind,
        title=template.title.format(course=course, tool=tool)[:200],
        body=template.body.format(course=course, tool=tool),
        language=language,
        course_taught=course if "{course}" in template.title or template.kind != K.TALK else "",
        started_on=started,
        ended_on=ended,
        visibility=visibility,
        created_at=written,
        updated_at=written,
    )


def _link(person: Person, entry: Entry) -> tuple[str, str]:
    code = person.institution.code if person.institution else "www"
    titles: dict[str, tuple[str, str]] = {
        K.PUBLICATION: ("Өгүүлэл (PDF)", "Article (PDF)"),
        K.TALK: ("Илтгэлийн слайд", "Slides"),
        K.SYLLABUS_CHANGE: ("Хичээлийн хөтөлбөр", "Syllabus"),
    }
    title = titles.get(entry.kind, ("Материал", "Materials"))[0 if entry.language == "mn" else 1]
    return f"https://{code}.demo.erdem.mn/materials/{str(entry.public_id)[:8]}", title


def _endorsements_create(
    run: "DemoRun",
    rng: random.Random,
    entries: list[Entry],
    people: dict[int, Person],
    educator: Person | None,
    login_people: dict[str, Person],
    reference: dt.datetime,
) -> None:
    """Mentors endorse their mentees' entries, colleagues of the same institution the others; signed through
    the service, dated after the entry was written."""
    programme = run.current_programme
    mentor_of: dict[int, int] = {}
    for mentee_id, mentor_id in (
        MentorAssignment.objects.filter(programme=programme)
        .order_by("started_at", "pk")
        .values_list("mentee_id", "mentor_id")
    ):
        mentor_of.setdefault(mentee_id, mentor_id)
    mentors_at: dict[int | None, list[int]] = defaultdict(list)
    for person_id, institution_id in (
        RoleAssignment.objects.current()
        .filter(programme=programme, role=Role.MENTOR)
        .order_by("person_id")
        .values_list("person_id", "person__institution_id")
    ):
        mentors_at[institution_id].append(person_id)
    # Peers: registered colleagues of the same institution, those keeping a portfolio first.
    colleagues: dict[int | None, list[int]] = defaultdict(list)
    for person_id in sorted(people):
        colleagues[people[person_id].institution_id].append(person_id)
    others_at: dict[int | None, list[int]] = defaultdict(list)
    for person_id, institution_id in (
        RoleAssignment.objects.filter(programme=programme, role=Role.EDUCATOR, person__email_confirmed_at__isnull=False)
        .exclude(person_id__in=list(people))
        .order_by("person_id")
        .values_list("person_id", "person__institution_id")
    ):
        others_at[institution_id].append(person_id)

    educator_id = educator.pk if educator is not None else None

    def endorser_for(entry: Entry, exclude: set[int]) -> tuple[int, str] | None:
        owner_id = entry.person_id
        mentor_id = mentor_of.get(owner_id)
        if mentor_id is not None and mentor_id not in exclude:
            return mentor_id, Endorsement.Relation.MENTOR
        local_mentors = [pk for pk in mentors_at.get(people[owner_id].institution_id, []) if pk not in exclude]
        if local_mentors and rng.random() < 0.4:
            return rng.choice(local_mentors), Endorsement.Relation.MENTOR
        institution_id = people[owner_id].institution_id
        if institution_id is None:
            return None  # a peer works at the owner's institution
        peers = [pk for pk in colleagues[institution_id] if pk not in exclude]
        if not peers or (owner_id == educator_id and len(peers) < 4):
            peers += [pk for pk in others_at[institution_id] if pk not in exclude]
        if peers:
            return rng.choice(peers), Endorsement.Relation.PEER
        return None

    # (entry, endorser id, relation, outcome: "given" / "asked" / "declined")
    planned: list[tuple[Entry, int, str, str]] = []
    if educator is not None and educator_id is not None:
        mine = [entry for entry in entries if entry.person_id == educator_id]
        used: set[int] = {educator_id}
        for number, entry in enumerate(mine[:4]):
            found = endorser_for(entry, used) if number else None
            # Their mentor, else a mentor of their institution, else any of the programme's mentors.
            anyone = sorted(pk for group in mentors_at.values() for pk in group)
            mentor = mentor_of.get(educator_id) or next(iter(mentors_at.get(educator.institution_id, anyone)), None)
            if number == 0 and mentor is not None and mentor not in used:
                found = (mentor, Endorsement.Relation.MENTOR)
            if found is None:
                continue
            used.add(found[0])
            planned.append((entry, found[0], found[1], "asked" if number == 3 else "given"))
        # The demo educator and the demo mentor were asked to endorse a colleague's entry.
        for login in (educator, login_people.get(run.logins.get(Role.MENTOR, ""))):
            if login is None:
                continue
            others = [e for e in entries if e.person_id != login.pk and e.person_id != educator_id]
            same = [e for e in others if people[e.person_id].institution_id == login.institution_id]
            # A mentor may endorse anyone's work; a peer only a colleague's (endorsements._eligible).
            is_mentor = login.email == run.logins.get(Role.MENTOR)
            candidates = (same or others) if is_mentor else same
            if candidates:
                relation: str = Endorsement.Relation.MENTOR if is_mentor else Endorsement.Relation.PEER
                planned.append((rng.choice(candidates), login.pk, relation, "asked"))

    others = [entry for entry in entries if entry.person_id != educator_id]
    given_target = demo_endorsements_target(len(entries), educators=run.size.educators)
    given_so_far = sum(1 for item in planned if item[3] == "given")
    shuffled = rng.sample(others, len(others))
    # Unanswered and declined ones in proportion, bounded by the signed ones so that large demos stay quick.
    asked_target = min(round(len(others) * ASKED_SHARE), given_target // 2)
    declined_target = max(1, min(round(len(others) * DECLINED_SHARE), given_target // 10))
    taken: set[int] = {id(item[0]) for item in planned}
    for entry in shuffled:
        if given_so_far >= given_target and asked_target <= 0 and declined_target <= 0:
            break
        if id(entry) in taken:
            continue
        found = endorser_for(entry, {entry.person_id})
        if found is None:
            continue
        if given_so_far < given_target:
            outcome = "given"
            given_so_far += 1
        elif asked_target > 0:
            outcome, asked_target = "asked", asked_target - 1
        else:
            outcome, declined_target = "declined", declined_target - 1
        taken.add(id(entry))
        planned.append((entry, found[0], found[1], outcome))

    endorsers = Person.objects.in_bulk({endorser_id for _entry, endorser_id, _relation, _outcome in planned})
    counts: dict[str, int] = defaultdict(int)
    for entry, endorser_id, relation, outcome in planned:
        owner = people[entry.person_id]
        endorser = endorsers[endorser_id]
        asked_at = min(
            working_hours(rng, entry.created_at + dt.timedelta(days=rng.randint(1, 20))),
            reference - dt.timedelta(days=2),
        )
        note = rng.choice(REQUEST_NOTES) if rng.random() < 0.7 else ""
        endorsement = endorsement_request(
            entry=entry, owner=owner, endorser_email=endorser.email, relation=relation, note=note, notify=False
        )
        Endorsement.objects.filter(pk=endorsement.pk).update(requested_at=asked_at)
        endorsement.requested_at = asked_at
        answered_at = min(asked_at + dt.timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 8)), reference)
        if outcome == "given":
            language = "en" if entry.language == "en" else "mn"
            endorsement_give(
                endorsement=endorsement,
                endorser=endorser,
                comment=rng.choice(ENDORSEMENT_COMMENTS[language]),
                at=answered_at,
                notify=False,
            )
        elif outcome == "declined":
            endorsement_decline(endorsement=endorsement, endorser=endorser, at=answered_at, notify=False)
        counts[outcome] += 1
    run.counts["endorsements_given"] = counts["given"]
    run.counts["endorsements_asked"] = counts["asked"]
    run.counts["endorsements_declined"] = counts["declined"]


def _reviews_create(
    run: "DemoRun",
    rng: random.Random,
    owners: list[int],
    people: dict[int, Person],
    login_people: dict[str, Person],
    reference: dt.datetime,
) -> None:
    """A few staff allowed a career review; their coordinator recorded one for two of them. The demo
    coordinator's own institution comes first, so that the demo login sees them."""
    programme = run.current_programme
    coordinators: dict[int | None, int] = dict(
        RoleAssignment.objects.current()
        .filter(programme=programme, role=Role.COORDINATOR)
        .order_by("institution_id", "person_id")
        .values_list("institution_id", "person_id")
    )
    coordinator = login_people.get(run.logins.get(Role.COORDINATOR, ""))
    logins = {person.pk for person in login_people.values()}
    candidates = [
        pk
        for pk in owners
        if pk not in logins
        and people[pk].institution_id in coordinators
        and coordinators[people[pk].institution_id] != pk
    ]
    home = coordinator.institution_id if coordinator is not None else None
    first = [pk for pk in candidates if people[pk].institution_id == home]
    rest = [pk for pk in candidates if people[pk].institution_id != home]
    count = max(REVIEWS, round(CONSENTING * min(1, run.size.educators / 2054)))
    consenting = rng.sample(first, min(len(first), max(REVIEWS, count // 2)))
    consenting += rng.sample(rest, min(len(rest), max(0, count - len(consenting))))
    reviewers = Person.objects.in_bulk(set(coordinators.values()))
    reviewed = 0
    for number, person_id in enumerate(consenting):
        person = people[person_id]
        consent_at = working_hours(rng, reference - dt.timedelta(days=rng.randint(20, 90)))
        portfolio_review_consent_set(person=person, consent=True, at=consent_at)
        if number < REVIEWS:
            recommendation, position, summary = REVIEW_SUMMARIES[number % len(REVIEW_SUMMARIES)]
            career_review_record(
                person=person,
                reviewer=reviewers[coordinators[person.institution_id]],
                recommendation=recommendation,
                summary=summary,
                position_sought=position,
                at=working_hours(rng, consent_at + dt.timedelta(days=rng.randint(3, 15))),
            )
            reviewed += 1
    run.counts["career_review_consents"] = len(consenting)
    run.counts["career_reviews"] = reviewed
