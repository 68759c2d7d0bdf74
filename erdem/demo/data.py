"""Reference texts for the demo programme. Every institution here is fictional.

E-mail domains sit under demo.erdem.mn so that no demo address can reach a real
university's mail server.
"""

from typing import NamedTuple

PROGRAMME = {
    "slug": "digital-ai-teachers",
    "name_en": "National programme for university teachers' digital and AI competencies",
    "name_mn": "Их, дээд сургуулийн багш нарын дижитал болон хиймэл оюуны чадамжийн үндэсний хөтөлбөр",
    "description_en": (
        "Three localised courses on artificial intelligence in higher education, regional "
        "workshops led by master teachers and trainers, and verifiable micro-credentials "
        "recognised towards the national teacher qualification framework."
    ),
    "description_mn": (
        "Дээд боловсролд хиймэл оюуныг ашиглах монгол хэлнээ орчуулсан гурван сургалт, "
        "мастер багш, сургагч багш нарын удирдсан бүс нутгийн семинарууд, багшийн "
        "мэргэшлийн үндэсний тогтолцоонд хүлээн зөвшөөрөгдөх, баталгаажуулж болох "
        "бичил гэрчилгээ."
    ),
}


class InstitutionSeed(NamedTuple):
    code: str
    name_en: str
    name_mn: str
    short_en: str
    short_mn: str
    kind: str
    ownership: str
    region: str
    size: int  # relative share of the programme's educators
    focus: str  # the discipline most of its staff teach


NATIONAL_CENTRE = InstitutionSeed(
    "atust", "Altan Tenger University of Science and Technology",
    "Алтан Тэнгэр Шинжлэх Ухаан, Технологийн Их Сургууль", "ATUST", "АТШУТИС",
    "university", "state", "MN-1", 14, "engineering",
)  # fmt: skip

CAPITAL_INSTITUTIONS = (
    InstitutionSeed("bru", "Bogd Ridge University", "Богд Уулын Их Сургууль", "BRU", "БУИС",
                    "university", "private", "MN-1", 5, "business_law"),
    InstitutionSeed("tuul-edu", "Tuul River Institute of Education", "Туул Голын Боловсролын Дээд Сургууль",
                    "TRIE", "ТГБДС", "institute", "state", "MN-1", 7, "education"),
    InstitutionSeed("khan-uul-med", "Khan-Uul Medical University", "Хан-Уул Анагаахын Их Сургууль",
                    "KUMU", "ХУАИС", "university", "private", "MN-1", 5, "health"),
    InstitutionSeed("naran", "Naran University of Humanities", "Наран Хүмүүнлэгийн Их Сургууль",
                    "NUH", "НХИС", "university", "private", "MN-1", 4, "humanities"),
    InstitutionSeed("tal-eng", "Steppe Institute of Engineering", "Тал Нутгийн Инженерийн Дээд Сургууль",
                    "SIE", "ТНИДС", "institute", "state", "MN-1", 4, "engineering"),
    InstitutionSeed("mergen", "Mergen University", "Мэргэн Их Сургууль",
                    "MU", "МИС", "university", "private", "MN-1", 3, "social_sciences"),
    InstitutionSeed("baruun-salaa", "Baruun Salaa Polytechnic College", "Баруун Салаа Политехник Коллеж",
                    "BSPC", "БСПК", "college", "state", "MN-1", 2, "engineering"),
    InstitutionSeed("sansar-it", "Sansar Institute of Information Technology",
                    "Сансар Мэдээллийн Технологийн Дээд Сургууль", "SIIT", "СМТДС",
                    "institute", "private", "MN-1", 3, "ict"),
    InstitutionSeed("urguu", "Urguu University of Business and Economics",
                    "Өргөө Бизнес, Эдийн Засгийн Их Сургууль", "UUBE", "ӨБЭЗИС",
                    "university", "private", "MN-1", 4, "business_law"),
    InstitutionSeed("bayangol-sport", "Bayangol Institute of Sport and Health",
                    "Баянгол Спорт, Эрүүл Мэндийн Дээд Сургууль", "BISH", "БСЭМДС",
                    "institute", "state", "MN-1", 2, "services"),
    InstitutionSeed("zaisan-arts", "Zaisan University of Arts and Design", "Зайсан Урлаг, Дизайны Их Сургууль",
                    "ZUAD", "ЗУДИС", "university", "state", "MN-1", 3, "humanities"),
    InstitutionSeed("khangai-agri", "Khangai University of Agriculture", "Хангай Хөдөө Аж Ахуйн Их Сургууль",
                    "KUA", "ХХААИС", "university", "state", "MN-1", 6, "agriculture"),
    InstitutionSeed("tsetsegt-nursing", "Tsetsegt College of Nursing", "Цэцэгт Сувилахуйн Коллеж",
                    "TCN", "ЦСК", "college", "private", "MN-1", 1, "health"),
    InstitutionSeed("bayanzurkh-teachers", "Bayanzurkh Teachers' College", "Баянзүрх Багшийн Коллеж",
                    "BTC", "ББК", "college", "state", "MN-1", 2, "education"),
    InstitutionSeed("selbe-law", "Selbe Institute of Law", "Сэлбэ Хуулийн Дээд Сургууль",
                    "SIL", "СХДС", "institute", "private", "MN-1", 2, "business_law"),
    InstitutionSeed("khuree-lang", "Khuree University of Languages", "Хүрээ Гадаад Хэлний Их Сургууль",
                    "KUL", "ХГХИС", "university", "private", "MN-1", 3, "languages"),
    InstitutionSeed("ikh-tenger-finance", "Ikh Tenger Institute of Finance", "Их Тэнгэр Санхүүгийн Дээд Сургууль",
                    "ITIF", "ИТСДС", "institute", "private", "MN-1", 2, "business_law"),
    InstitutionSeed("tolgoit-tech", "Tolgoit Technical College", "Толгойт Техникийн Коллеж",
                    "TTC", "ТТК", "college", "state", "MN-1", 1, "engineering"),
    InstitutionSeed("munkh-tenger", "Munkh Tenger University", "Мөнх Тэнгэр Их Сургууль",
                    "MTU", "МТИС", "university", "private", "MN-1", 3, "social_sciences"),
    InstitutionSeed("nairamdal", "Nairamdal University of Social Sciences",
                    "Найрамдал Нийгмийн Ухааны Их Сургууль", "NUSS", "ННУИС",
                    "university", "state", "MN-1", 5, "social_sciences"),
    InstitutionSeed("khukh-ord-media", "Khukh Ord Institute of Media", "Хөх Орд Хэвлэл Мэдээллийн Дээд Сургууль",
                    "KOIM", "ХОХМДС", "institute", "private", "MN-1", 1, "humanities"),
    InstitutionSeed("altai-mining", "Altai Institute of Mining and Geology",
                    "Алтай Уул Уурхай, Геологийн Дээд Сургууль", "AIMG", "АУУГДС",
                    "institute", "state", "MN-1", 3, "engineering"),
    InstitutionSeed("gegeen-pedagogy", "Gegeen Institute of Pedagogy", "Гэгээн Сурган Хүмүүжүүлэхийн Дээд Сургууль",
                    "GIP", "ГСХДС", "institute", "state", "MN-1", 4, "education"),
    InstitutionSeed("shar-khad-transport", "Shar Khad Transport College", "Шар Хад Тээврийн Коллеж",
                    "SKTC", "ШХТК", "college", "state", "MN-1", 1, "engineering"),
    InstitutionSeed("tenger-nomads", "Tenger Nomads University of Natural Sciences",
                    "Тэнгэр Нүүдэлчин Байгалийн Ухааны Их Сургууль", "TNUNS", "ТНБУИС",
                    "university", "state", "MN-1", 5, "natural_sciences"),
)  # fmt: skip

REGIONAL_INSTITUTIONS = (
    InstitutionSeed("kharaa-tech", "Kharaa River Institute of Technology", "Хараа Голын Технологийн Дээд Сургууль",
                    "KRIT", "ХГТДС", "institute", "state", "MN-037", 4, "engineering"),
    InstitutionSeed("bugat-mining", "Bugat Mining College", "Бугат Уул Уурхайн Коллеж",
                    "BMC", "БУУК", "college", "state", "MN-035", 2, "engineering"),
    InstitutionSeed("jargalant-altai", "Jargalant Altai University", "Жаргалант Алтай Их Сургууль",
                    "JAU", "ЖАИС", "university", "state", "MN-043", 3, "education"),
    InstitutionSeed("sharyn-gol-med", "Sharyn Gol Medical College", "Шарын Гол Анагаахын Коллеж",
                    "SGMC", "ШГАК", "college", "state", "MN-037", 2, "health"),
    InstitutionSeed("kherlen", "Kherlen University of the East", "Хэрлэн Дорнын Их Сургууль",
                    "KUE", "ХДИС", "university", "state", "MN-061", 3, "education"),
    InstitutionSeed("bayan-undur", "Bayan-Undur University", "Баян-Өндөр Их Сургууль",
                    "BUU", "БӨИС", "university", "private", "MN-035", 3, "business_law"),
    InstitutionSeed("ongi-teachers", "Ongi River Teachers' College", "Онгийн Голын Багшийн Коллеж",
                    "ORTC", "ОГБК", "college", "state", "MN-055", 2, "education"),
    InstitutionSeed("buren-teachers", "Buren Teachers' Institute", "Бүрэнгийн Багшийн Дээд Сургууль",
                    "BTI", "ББДС", "institute", "state", "MN-037", 2, "education"),
    InstitutionSeed("muren-edu", "Muren Institute of Education", "Мөрөн Боловсролын Дээд Сургууль",
                    "MIE", "МБДС", "institute", "state", "MN-041", 2, "education"),
    InstitutionSeed("tes-river", "Tes River College", "Тэс Голын Коллеж",
                    "TRC", "ТГК", "college", "state", "MN-046", 1, "agriculture"),
    InstitutionSeed("esunbulag-agri", "Esunbulag Institute of Agriculture",
                    "Есөнбулаг Хөдөө Аж Ахуйн Дээд Сургууль", "EIA", "ЕХААДС",
                    "institute", "state", "MN-065", 1, "agriculture"),
    InstitutionSeed("tsambagarav", "Tsambagarav Institute of Languages and Education",
                    "Цамбагарав Хэл, Боловсролын Дээд Сургууль", "TILE", "ЦХБДС",
                    "institute", "private", "MN-071", 1, "languages"),
)  # fmt: skip

# Beyond the 38 above (a size flag asks for more), colleges are added in these aimags in turn.
EXTRA_COLLEGE_REGIONS = (
    "MN-049", "MN-047", "MN-039", "MN-073", "MN-069", "MN-067", "MN-063", "MN-059", "MN-057",
    "MN-053", "MN-051", "MN-064",
)  # fmt: skip

DEPARTMENTS = {
    "education": ("Боловсрол судлалын тэнхим", "Сурган хүмүүжүүлэх ухааны тэнхим", "Бага боловсролын тэнхим"),
    "humanities": ("Түүх, археологийн тэнхим", "Философийн тэнхим", "Монгол хэл, уран зохиолын тэнхим"),
    "languages": ("Англи хэлний тэнхим", "Орос хэлний тэнхим", "Хятад хэлний тэнхим", "Гадаад хэлний тэнхим"),
    "social_sciences": ("Сэтгэл судлалын тэнхим", "Социологийн тэнхим", "Улс төр судлалын тэнхим"),
    "business_law": (
        "Нягтлан бодох бүртгэлийн тэнхим", "Менежментийн тэнхим", "Эрх зүйн тэнхим",
        "Эдийн засгийн тэнхим", "Санхүүгийн тэнхим",
    ),
    "natural_sciences": ("Математикийн тэнхим", "Физикийн тэнхим", "Хими, биологийн тэнхим", "Газарзүйн тэнхим"),
    "ict": ("Мэдээллийн технологийн тэнхим", "Компьютерийн ухааны тэнхим", "Программ хангамжийн тэнхим"),
    "engineering": (
        "Барилгын инженерийн тэнхим", "Цахилгааны инженерийн тэнхим", "Механик инженерийн тэнхим",
        "Уул уурхайн инженерийн тэнхим",
    ),
    "agriculture": ("Мал эмнэлгийн тэнхим", "Агрономийн тэнхим", "Хүнсний технологийн тэнхим"),
    "health": ("Сувилахуйн тэнхим", "Нийгмийн эрүүл мэндийн тэнхим", "Эмнэлзүйн анагаахын тэнхим"),
    "services": ("Аялал жуулчлалын тэнхим", "Зочлох үйлчилгээний тэнхим", "Биеийн тамирын тэнхим"),
}  # fmt: skip

# Share of registrations per month (year, month): the programme opened in September 2024,
# and most teachers registered in March and April 2025.
REGISTRATION_MONTHS = {
    (2024, 9): 4, (2024, 10): 5, (2024, 11): 6, (2024, 12): 4, (2025, 1): 5,
    (2025, 2): 8, (2025, 3): 25, (2025, 4): 22, (2025, 5): 12, (2025, 6): 9,
}  # fmt: skip

ACADEMIC_POSITIONS = {
    "teacher": 36, "senior_teacher": 30, "associate_professor": 15, "professor": 7, "researcher": 5, "other": 3,
}  # fmt: skip
