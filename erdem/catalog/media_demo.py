"""The demo courses' lesson media, images and attachments, made at demo-load time.

Each course gets: on its first lesson, an introduction video (an external page, shown as a
link) with an audio-only alternative for weak connections, captions and a transcript in both
languages; on its second module's first lesson, a chart (a PNG with alt text in both languages)
placed in the lesson text; on its first module's last lesson, a worksheet (a PDF in English and
a UTF-8 text file in Mongolian). The files are generated (erdem.catalog.media_samples) and
stored once under fixed names that every lesson shares, so a demo load writes a handful of
small files; the generated audio is silence (there is no audio encoder), its words are in the
captions and transcripts.
"""

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from erdem.catalog.media_samples import mp3_silence, pdf_document, png_bar_chart, webvtt
from erdem.catalog.media_services import image_dimensions
from erdem.catalog.models import (
    Course,
    Lesson,
    LessonAttachment,
    LessonAttachmentTranslation,
    LessonImage,
    LessonImageTranslation,
    LessonMedia,
    LessonMediaTranslation,
    LessonTranslation,
    TranslationStatus,
)

PUBLISHED = TranslationStatus.PUBLISHED
AUDIO_SECONDS = 20
DEMO_FOLDER = "catalog/demo"


@dataclass(frozen=True)
class IntroSeed:
    url: str
    title_en: str
    title_mn: str
    transcript_en: tuple[str, ...]  # one caption cue per sentence
    transcript_mn: tuple[str, ...]


UNESCO_AI = "https://www.unesco.org/en/digital-education/artificial-intelligence"
INTROS = {
    "ai-101": IntroSeed(
        UNESCO_AI,
        "Introduction: what this course is about",
        "Танилцуулга: энэ сургалт юуны тухай вэ",
        (
            "Welcome to Fundamentals of Generative AI in Higher Education.",
            "In three modules we look at what language models do, where they fail, and what that means for teaching.",
            "Each lesson ends with a short task you can try with your own course.",
        ),
        (
            "Дээд боловсрол дахь үүсгэгч хиймэл оюун ухааны үндэс сургалтад тавтай морил.",
            "Гурван модульд хэлний загвар юу хийдэг, хаана алддаг, энэ нь сургалтад ямар утгатайг үзнэ.",
            "Хичээл бүр таны өөрийн хичээл дээр туршиж болох богино даалгавраар төгсөнө.",
        ),
    ),
    "ai-102": IntroSeed(
        UNESCO_AI,
        "Introduction: prompts that work",
        "Танилцуулга: үр дүнтэй хүсэлт",
        (
            "This course is about using AI well in everyday teaching.",
            "You will write prompts in Mongolian and English, prepare materials, and plan classroom activities.",
            "Bring a course you teach this semester: every lesson uses it.",
        ),
        (
            "Энэ сургалт өдөр тутмын сургалтад хиймэл оюун ухааныг зөв ашиглах тухай.",
            "Та монгол, англи хэлээр хүсэлт бичиж, материал бэлтгэж, ангийн үйл ажиллагаа төлөвлөнө.",
            "Энэ улиралд заадаг хичээлээ авчираарай: хичээл бүр түүнийг ашиглана.",
        ),
    ),
    "ai-103": IntroSeed(
        UNESCO_AI,
        "Introduction: the future classroom",
        "Танилцуулга: ирээдүйн анги танхим",
        (
            "This journey looks ahead: how the teacher's role changes when AI is in every classroom.",
            "We read national and university policy and write rules together with colleagues.",
            "At the end you start your own Faculty AI Portfolio.",
        ),
        (
            "Энэ аялал ирээдүй рүү харна: анги бүрт хиймэл оюун ухаан байхад багшийн үүрэг хэрхэн өөрчлөгдөх вэ.",
            "Үндэсний болон их сургуулийн бодлогыг уншиж, хамт олонтойгоо журам боловсруулна.",
            "Төгсгөлд нь та өөрийн багшийн хиймэл оюун ухааны портфолиог эхлүүлнэ.",
        ),
    ),
    "dig-201": IntroSeed(
        "https://joint-research-centre.ec.europa.eu/digcompedu_en",
        "Introduction: assessment with digital tools",
        "Танилцуулга: цахим хэрэгслээр үнэлэх нь",
        (
            "This course is about assessing students with digital tools.",
            "We compare formative and summative assessment, write good online questions and read the results.",
            "The last module shows how learning data can help students at risk.",
        ),
        (
            "Энэ сургалт оюутныг цахим хэрэгслээр үнэлэх тухай.",
            "Явцын ба эцсийн үнэлгээг харьцуулж, цахим сорилын сайн асуулт бичиж, үр дүнг уншина.",
            "Сүүлийн модуль суралцахуйн өгөгдөл эрсдэлтэй оюутнуудад хэрхэн тусалж болохыг харуулна.",
        ),
    ),
}

CHART_VALUES = (0.62, 0.21, 0.11, 0.06)
CHART_ALT_EN = (
    "Bar chart of four possible next words and how likely the model finds each: "
    "the first about 62%, the second 21%, the third 11%, the fourth 6%."
)
CHART_ALT_MN = (
    "Дараагийн дөрвөн боломжит үг ба загвар тус бүрийг хэр магадлалтай гэж үзэж буйг харуулсан "
    "багана график: эхнийх нь 62 орчим хувь, хоёр дахь нь 21%, гурав дахь нь 11%, дөрөв дэх нь 6%."
)
CHART_SENTENCE_EN = "\n\nThe chart shows how a model weighs possible next words.\n\n![](image:chart)"
CHART_SENTENCE_MN = "\n\nДоорх график загвар дараагийн үгийг хэрхэн жинлэдгийг харуулна.\n\n![](image:chart)"

WORKSHEET_EN = (
    "1. Choose one lesson you teach this semester.",
    "2. Write down one task in it that AI could help students with.",
    "3. Write down one task where AI would stop students from learning.",
    "4. Bring both to the workshop and compare with a colleague.",
)
WORKSHEET_MN = (
    "Ажлын хуудас\n\n"
    "1. Энэ улиралд заадаг нэг хичээлээ сонгоно уу.\n"
    "2. Үүнд хиймэл оюун ухаан оюутанд тусалж болох нэг даалгаврыг бичнэ үү.\n"
    "3. Хиймэл оюун ухаан оюутны суралцахад саад болох нэг даалгаврыг бичнэ үү.\n"
    "4. Хоёуланг нь семинарт авчирч, хамт ажиллагчтайгаа харьцуулна уу.\n"
)


def _stored(name: str, content: bytes) -> str:
    """The file under its fixed demo name, written only when missing: a reload writes nothing."""
    path = f"{DEMO_FOLDER}/{name}"
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(content))
        if saved != path:  # a storage that renames would leave the rows pointing at nothing
            raise RuntimeError(f"the demo file {path} was stored as {saved}")
    return path


def _cues(sentences: tuple[str, ...]) -> bytes:
    step = AUDIO_SECONDS / len(sentences)
    return webvtt([(index * step, (index + 1) * step, text) for index, text in enumerate(sentences)])


def demo_lesson_media_create(*, courses: list[Course]) -> dict[str, int]:
    """Media, images and attachments for the demo `courses` (created just before, with their lessons)."""
    audio = mp3_silence(AUDIO_SECONDS)
    audio_name = _stored("introduction-audio.mp3", audio)
    chart = png_bar_chart(CHART_VALUES)
    chart_name = _stored("next-word-chart.png", chart)
    width, height = image_dimensions(chart) or (None, None)
    pdf = pdf_document("Worksheet: AI in my course", WORKSHEET_EN)
    pdf_name = _stored("worksheet-en.pdf", pdf)
    text_name = _stored("worksheet-mn.txt", WORKSHEET_MN.encode())
    lessons = list(
        Lesson.objects.filter(module__course__in=courses)
        .select_related("module")
        .order_by("module__course_id", "module__position", "position")
    )
    by_course: dict[int, list[Lesson]] = {}
    for lesson in lessons:
        by_course.setdefault(lesson.module.course_id, []).append(lesson)
    media_rows, media_texts, image_rows, image_texts, attachment_rows, attachment_texts = [], [], [], [], [], []
    chart_lessons = []
    for course in courses:
        course_lessons = by_course.get(course.pk, [])
        if not course_lessons:
            continue
        intro = INTROS.get(course.code)
        if intro is not None:
            media = LessonMedia(
                lesson=course_lessons[0],
                position=1,
                kind=LessonMedia.Kind.VIDEO,
                external_url=intro.url,
                low_bandwidth_file=audio_name,
                low_bandwidth_kind="mp3",
                low_bandwidth_size=len(audio),
            )
            media_rows.append(media)
            for language, title, sentences in (
                ("en", intro.title_en, intro.transcript_en),
                ("mn", intro.title_mn, intro.transcript_mn),
            ):
                captions = _stored(f"{course.code}-introduction-{language}.vtt", _cues(sentences))
                media_texts.append(
                    LessonMediaTranslation(
                        media=media,
                        language_code=language,
                        title=title,
                        transcript="\n\n".join(sentences),
                        captions=captions,
                        captions_size=len(_cues(sentences)),
                        status=PUBLISHED,
                    )
                )
        second_module = next((lesson for lesson in course_lessons if lesson.module.position == 2), None)
        if second_module is not None:
            image = LessonImage(
                lesson=second_module,
                key="chart",
                file=chart_name,
                file_kind="png",
                file_size=len(chart),
                width=width,
                height=height,
            )
            image_rows.append(image)
            image_texts += [
                LessonImageTranslation(image=image, language_code="en", alt_text=CHART_ALT_EN, status=PUBLISHED),
                LessonImageTranslation(image=image, language_code="mn", alt_text=CHART_ALT_MN, status=PUBLISHED),
            ]
            chart_lessons.append(second_module.pk)
        first_module = [lesson for lesson in course_lessons if lesson.module.position == 1]
        for position, (name, kind, size, title_en, title_mn) in enumerate(
            (
                (
                    pdf_name,
                    "pdf",
                    len(pdf),
                    "Worksheet: AI in my course (English)",
                    "Ажлын хуудас: миний хичээл дэх хиймэл оюун ухаан (англи)",
                ),
                (
                    text_name,
                    "txt",
                    len(WORKSHEET_MN.encode()),
                    "Worksheet: AI in my course (Mongolian)",
                    "Ажлын хуудас: миний хичээл дэх хиймэл оюун ухаан (монгол)",
                ),
            ),
            start=1,
        ):
            attachment = LessonAttachment(
                lesson=first_module[-1], position=position, file=name, file_kind=kind, file_size=size
            )
            attachment_rows.append(attachment)
            attachment_texts += [
                LessonAttachmentTranslation(
                    attachment=attachment, language_code="en", title=title_en, status=PUBLISHED
                ),
                LessonAttachmentTranslation(
                    attachment=attachment, language_code="mn", title=title_mn, status=PUBLISHED
                ),
            ]
    LessonMedia.objects.bulk_create(media_rows)
    LessonMediaTranslation.objects.bulk_create(media_texts)
    LessonImage.objects.bulk_create(image_rows)
    LessonImageTranslation.objects.bulk_create(image_texts)
    LessonAttachment.objects.bulk_create(attachment_rows)
    LessonAttachmentTranslation.objects.bulk_create(attachment_texts)
    bodies = list(LessonTranslation.objects.filter(lesson_id__in=chart_lessons).exclude(body=""))
    for translation in bodies:
        translation.body += CHART_SENTENCE_MN if translation.language_code == "mn" else CHART_SENTENCE_EN
    LessonTranslation.objects.bulk_update(bodies, ["body"])
    return {"lesson media": len(media_rows), "lesson images": len(image_rows), "lesson files": len(attachment_rows)}
