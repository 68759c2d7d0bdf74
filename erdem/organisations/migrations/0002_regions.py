"""Ulaanbaatar and the 21 aimags with their ISO 3166-2:MN codes."""

from django.db import migrations

REGIONS = [
    ("MN-1", "Ulaanbaatar", "Улаанбаатар", "capital"),
    ("MN-073", "Arkhangai", "Архангай", "aimag"),
    ("MN-071", "Bayan-Ölgii", "Баян-Өлгий", "aimag"),
    ("MN-069", "Bayankhongor", "Баянхонгор", "aimag"),
    ("MN-067", "Bulgan", "Булган", "aimag"),
    ("MN-065", "Govi-Altai", "Говь-Алтай", "aimag"),
    ("MN-064", "Govisümber", "Говьсүмбэр", "aimag"),
    ("MN-037", "Darkhan-Uul", "Дархан-Уул", "aimag"),
    ("MN-063", "Dornogovi", "Дорноговь", "aimag"),
    ("MN-061", "Dornod", "Дорнод", "aimag"),
    ("MN-059", "Dundgovi", "Дундговь", "aimag"),
    ("MN-057", "Zavkhan", "Завхан", "aimag"),
    ("MN-035", "Orkhon", "Орхон", "aimag"),
    ("MN-055", "Övörkhangai", "Өвөрхангай", "aimag"),
    ("MN-053", "Ömnögovi", "Өмнөговь", "aimag"),
    ("MN-051", "Sükhbaatar", "Сүхбаатар", "aimag"),
    ("MN-049", "Selenge", "Сэлэнгэ", "aimag"),
    ("MN-047", "Töv", "Төв", "aimag"),
    ("MN-046", "Uvs", "Увс", "aimag"),
    ("MN-043", "Khovd", "Ховд", "aimag"),
    ("MN-041", "Khövsgöl", "Хөвсгөл", "aimag"),
    ("MN-039", "Khentii", "Хэнтий", "aimag"),
]


def load_regions(apps, schema_editor):
    Region = apps.get_model("organisations", "Region")
    for iso_code, name_en, name_mn, kind in REGIONS:
        Region.objects.update_or_create(iso_code=iso_code, defaults={"name_en": name_en, "name_mn": name_mn, "kind": kind})


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
