"""The national teacher qualification standards: levels, standards and descriptors (standard x level), in
both languages, edited by the national centre (Action.STANDARDS_MANAGE), and the alignment of achievements
to descriptors. `standards_default_create` loads a starting framework the national centre then edits.
"""

from typing import Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _

from erdem.credentials.models import Achievement
from erdem.programmes.models import Programme
from erdem.recognition.models import QualificationLevel, QualificationStandard, StandardDescriptor


class StandardError(Exception):
    """A framework change that cannot be saved, with the reason in the asker's language and its field."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


BILINGUAL_FIELDS = ("code", "name_mn", "name_en", "description_mn", "description_en", "position")


def _values(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = {name: values.get(name, "") for name in BILINGUAL_FIELDS}
    for name in ("code", "name_mn", "name_en", "description_mn", "description_en"):
        cleaned[name] = str(cleaned[name] or "").strip()
    cleaned["position"] = int(values.get("position") or 0)
    if not cleaned["code"]:
        raise StandardError(_("Give a code."), field="code")
    if not cleaned["name_mn"]:
        raise StandardError(_("Give the name in Mongolian."), field="name_mn")
    if not cleaned["name_en"]:
        raise StandardError(_("Give the name in English."), field="name_en")
    return cleaned


PartT = TypeVar("PartT", QualificationLevel, QualificationStandard)


def _part_save(
    *, model: type[PartT], programme: Programme, instance: PartT | None, taken: str, values: dict[str, Any]
) -> PartT:
    """Create or change a level or a standard of the programme's framework; codes are unique in the programme."""
    cleaned = _values(values)
    others = model.objects.filter(programme=programme, code=cleaned["code"])
    if instance is not None:
        others = others.exclude(pk=instance.pk)
    if others.exists():
        raise StandardError(taken, field="code")
    with transaction.atomic():
        if instance is None:
            return model.objects.create(programme=programme, **cleaned)
        for name, value in cleaned.items():
            setattr(instance, name, value)
        instance.save(update_fields=list(cleaned))
        return instance


def level_save(*, programme: Programme, level: QualificationLevel | None = None, **values: Any) -> QualificationLevel:
    """Create or change a level (code, names, descriptions, position)."""
    return _part_save(
        model=QualificationLevel,
        programme=programme,
        instance=level,
        taken=_("Another level has this code."),
        values=values,
    )


def standard_save(
    *, programme: Programme, standard: QualificationStandard | None = None, **values: Any
) -> QualificationStandard:
    """Create or change a standard (code, names, descriptions, position)."""
    return _part_save(
        model=QualificationStandard,
        programme=programme,
        instance=standard,
        taken=_("Another standard has this code."),
        values=values,
    )


def descriptor_save(
    *,
    standard: QualificationStandard,
    level: QualificationLevel,
    text_mn: str,
    text_en: str,
    achievements: list[Achievement] | None = None,
) -> StandardDescriptor:
    """Write what `standard` asks at `level`, in both languages; with `achievements`, also the achievements
    aligned to it (achievements of the same programme only)."""
    if standard.programme_id != level.programme_id:
        raise StandardError(_("The standard and the level belong to different programmes."), field="level")
    text_mn, text_en = text_mn.strip(), text_en.strip()
    if not text_mn:
        raise StandardError(_("Write the descriptor in Mongolian."), field="text_mn")
    if not text_en:
        raise StandardError(_("Write the descriptor in English."), field="text_en")
    with transaction.atomic():
        descriptor, created = StandardDescriptor.objects.select_for_update().get_or_create(
            standard=standard, level=level, defaults={"text_mn": text_mn, "text_en": text_en}
        )
        if not created:
            descriptor.text_mn, descriptor.text_en = text_mn, text_en
            descriptor.save(update_fields=["text_mn", "text_en"])
        if achievements is not None:
            alignment_set(descriptor=descriptor, achievements=achievements)
    return descriptor


def alignment_set(*, descriptor: StandardDescriptor, achievements: list[Achievement]) -> StandardDescriptor:
    """Align exactly `achievements` to the descriptor: a credential of one of them evidences it."""
    programme_id = descriptor.standard.programme_id
    if any(achievement.programme_id != programme_id for achievement in achievements):
        raise StandardError(_("Only achievements of the programme can be aligned."), field="achievements")
    descriptor.achievements.set(achievements)
    return descriptor


# --- the starting framework --------------------------------------------------------------------------------------

DEFAULT_LEVELS = (
    (
        "L1",
        "Анхан шатны багш",
        "Beginning teacher",
        "Багшлах эхний жилүүд: удирдамжтайгаар, бэлэн загвар ашиглан ажилладаг.",
        "The first years of teaching: works with guidance and ready-made models.",
    ),
    (
        "L2",
        "Чадварлаг багш",
        "Proficient teacher",
        "Бие даан, нотолгоонд тулгуурлан сургалтаа төлөвлөж, хэрэгжүүлж, сайжруулдаг.",
        "Plans, teaches and improves independently, drawing on evidence.",
    ),
    (
        "L3",
        "Манлайлагч багш",
        "Leading teacher",
        "Хамт олноо чиглүүлж, туршлагаа түгээж, байгууллагынхаа сургалтыг хөгжүүлдэг.",
        "Guides colleagues, shares practice and develops teaching across the institution.",
    ),
)

# code, name (mn, en), then the descriptor at each level (mn, en)
DEFAULT_STANDARDS: tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "S1",
        "Хичээлийн агуулга ба хөтөлбөрийн мэдлэг",
        "Subject and curriculum knowledge",
        (
            (
                "Заах хичээлийнхээ агуулгыг эзэмшиж, хөтөлбөрийн суралцахуйн үр дүнг тайлбарлаж чаддаг.",
                "Knows the subject taught and can explain the programme's learning outcomes.",
            ),
            (
                "Хичээлийн агуулгыг салбарын шинэ мэдлэг, суралцагчдын хэрэгцээтэй уялдуулан шинэчилдэг.",
                "Updates course content in line with new knowledge in the field and students' needs.",
            ),
            (
                "Хөтөлбөр боловсруулах, шинэчлэх ажлыг удирдаж, хамт олонд зөвлөдөг.",
                "Leads the design and renewal of programmes and advises colleagues.",
            ),
        ),
    ),
    (
        "S2",
        "Сургалтын төлөвлөлт ба арга зүй",
        "Planning and teaching methods",
        (
            (
                "Зорилго, үйл ажиллагаа, үнэлгээ нь уялдсан хичээлийн төлөвлөгөө гаргадаг.",
                "Writes lesson plans whose aims, activities and assessment fit together.",
            ),
            (
                "Суралцагчийг идэвхтэй оролцуулах олон төрлийн аргыг зорилгодоо тохируулан хэрэглэдэг.",
                "Chooses a range of active-learning methods to suit the aims.",
            ),
            (
                "Арга зүйн шинэчлэлийг санаачилж, үр дүнг нь судалж, бусдад түгээдэг.",
                "Initiates changes in teaching methods, studies their effect and shares them.",
            ),
        ),
    ),
    (
        "S3",
        "Суралцахуйн үнэлгээ ба санал зөвлөмж",
        "Assessment and feedback",
        (
            (
                "Шалгуурт суурилсан үнэлгээ хийж, суралцагчдад цаг алдалгүй санал зөвлөмж өгдөг.",
                "Assesses against criteria and gives students timely feedback.",
            ),
            (
                "Үнэлгээний үр дүнг ашиглан сургалтаа сайжруулж, хиймэл оюуны эрин үед тохирсон даалгавар "
                "боловсруулдаг.",
                "Uses assessment results to improve teaching and designs tasks that remain valid in the age of AI.",
            ),
            (
                "Байгууллагын үнэлгээний бодлого, чанарын баталгааг хөгжүүлэхэд манлайлдаг.",
                "Leads the development of the institution's assessment policy and quality assurance.",
            ),
        ),
    ),
    (
        "S4",
        "Сургалтад цахим технологи ашиглах",
        "Digital technology in teaching",
        (
            (
                "Сургалтын удирдлагын систем болон үндсэн цахим хэрэгслийг хичээлдээ ашигладаг.",
                "Uses the learning management system and core digital tools in teaching.",
            ),
            (
                "Цахим болон хосолмол сургалтыг төлөвлөж, хүртээмжтэй цахим материал бэлтгэдэг.",
                "Designs online and blended courses and prepares accessible digital materials.",
            ),
            (
                "Байгууллагын цахим сургалтын шийдлийг сонгох, нэвтрүүлэхэд хамт олноо чиглүүлдэг.",
                "Guides colleagues in choosing and introducing the institution's digital learning solutions.",
            ),
        ),
    ),
    (
        "S5",
        "Сургалтад хиймэл оюун ухааныг хариуцлагатай ашиглах",
        "Responsible use of AI in teaching",
        (
            (
                "Хиймэл оюуны хэрэгслийн боломж, хязгаар, эрсдэлийг ойлгож, ёс зүйн зарчмыг баримталдаг.",
                "Understands what AI tools can and cannot do, their risks, and follows ethical principles.",
            ),
            (
                "Хиймэл оюуны хэрэгслийг хичээлийн төлөвлөлт, үнэлгээ, суралцагчийн дэмжлэгт зорилготойгоор "
                "ашиглаж, суралцагчдад хариуцлагатай хэрэглээг заадаг.",
                "Uses AI tools purposefully in planning, assessment and student support, and teaches students "
                "to use them responsibly.",
            ),
            (
                "Хиймэл оюуны хэрэглээний бодлого, сургалтыг байгууллагадаа хөгжүүлж, бусад багшийг дагалдуулдаг.",
                "Develops the institution's AI policy and training, and mentors other teachers.",
            ),
        ),
    ),
    (
        "S6",
        "Мэргэжлийн хөгжил ба хамтын ажиллагаа",
        "Professional development and collaboration",
        (
            (
                "Өөрийн багшлахуйд эргэцүүлэл хийж, хөгжлийн төлөвлөгөө гаргадаг.",
                "Reflects on own teaching and sets a development plan.",
            ),
            (
                "Хамтран суралцах бүлэгт идэвхтэй оролцож, туршлагаа баримтжуулан хуваалцдаг.",
                "Takes an active part in peer learning and documents and shares practice.",
            ),
            (
                "Багш нарын мэргэжлийн хөгжлийн хөтөлбөрийг удирдаж, судалгаа, нийтлэлээр хувь нэмэр оруулдаг.",
                "Leads professional development for teachers and contributes through research and publications.",
            ),
        ),
    ),
)


def standards_default_create(*, programme: Programme) -> list[QualificationStandard]:
    """Load the starting framework (3 levels, 6 standards, 18 descriptors in both languages) into a programme
    that has none; a programme that already has levels or standards is left as it is (idempotent)."""
    if programme.qualification_levels.exists() or programme.qualification_standards.exists():
        return list(programme.qualification_standards.all())
    with transaction.atomic():
        levels = [
            QualificationLevel.objects.create(
                programme=programme,
                code=code,
                name_mn=name_mn,
                name_en=name_en,
                description_mn=description_mn,
                description_en=description_en,
                position=position,
            )
            for position, (code, name_mn, name_en, description_mn, description_en) in enumerate(DEFAULT_LEVELS, 1)
        ]
        standards: list[QualificationStandard] = []
        descriptors: list[StandardDescriptor] = []
        for position, (code, name_mn, name_en, texts) in enumerate(DEFAULT_STANDARDS, 1):
            standard = QualificationStandard.objects.create(
                programme=programme, code=code, name_mn=name_mn, name_en=name_en, position=position
            )
            standards.append(standard)
            descriptors.extend(
                StandardDescriptor(standard=standard, level=level, text_mn=text_mn, text_en=text_en)
                for level, (text_mn, text_en) in zip(levels, texts, strict=True)
            )
        StandardDescriptor.objects.bulk_create(descriptors)
    return standards
