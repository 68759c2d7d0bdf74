import datetime
from types import SimpleNamespace

import pytest
from django import forms
from django.db.models import F
from django.utils import formats, translation

from erdem.core.i18n import active_language, localized, localized_order

PROGRAMME = SimpleNamespace(name_mn="Багшийн хиймэл оюун ухааны чадамж", name_en="Teachers' AI competencies")
ONLY_ENGLISH = SimpleNamespace(name_mn="", name_en="Digital pedagogy")
ONLY_MONGOLIAN = SimpleNamespace(name_mn="Цахим сурган хүмүүжүүлэх ухаан", name_en="")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("mn", "mn"), ("en", "en"), ("en-gb", "en"), ("mn-mn", "mn"), ("fr", "mn"), ("de-de", "mn")],
)
def test_active_language_is_reduced_to_a_platform_language(language, expected):
    with translation.override(language):
        assert active_language() == expected


def test_localized_reads_the_active_language():
    with translation.override("mn"):
        assert localized(PROGRAMME, "name") == "Багшийн хиймэл оюун ухааны чадамж"
    with translation.override("en"):
        assert localized(PROGRAMME, "name") == "Teachers' AI competencies"


def test_an_explicit_language_wins_over_the_active_one():
    with translation.override("mn"):
        assert localized(PROGRAMME, "name", "en") == "Teachers' AI competencies"


@pytest.mark.parametrize("language", ["mn", "en"])
def test_localized_falls_back_to_the_other_language_when_empty(language):
    with translation.override(language):
        assert localized(ONLY_ENGLISH, "name") == "Digital pedagogy"
        assert localized(ONLY_MONGOLIAN, "name") == "Цахим сурган хүмүүжүүлэх ухаан"


def test_localized_is_empty_when_neither_language_has_text():
    assert localized(SimpleNamespace(name_mn="", name_en=""), "name") == ""
    assert localized(SimpleNamespace(), "description") == ""


def test_localized_order_follows_the_active_language():
    with translation.override("en"):
        assert localized_order("name").expression == F("name_en")
    with translation.override("mn"):
        assert "name_mn" in repr(localized_order("name"))


DAY = datetime.date(2025, 3, 15)
# date_format() formats the value as given; converting to local time is the template's job.
MOMENT = datetime.datetime(2025, 3, 15, 9, 5, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("language", "format_name", "expected"),
    [
        ("mn", "DATE_FORMAT", "2025.03.15"),
        ("mn", "SHORT_DATE_FORMAT", "2025.03.15"),
        ("mn", "YEAR_MONTH_FORMAT", "2025.03"),
        ("en", "DATE_FORMAT", "15 March 2025"),
        ("en", "SHORT_DATE_FORMAT", "15 Mar 2025"),
    ],
)
def test_dates_follow_each_languages_convention(language, format_name, expected):
    with translation.override(language):
        assert formats.date_format(DAY, format_name) == expected


@pytest.mark.parametrize(("language", "expected"), [("mn", "2025.03.15 09:05"), ("en", "15 March 2025, 09:05")])
def test_datetimes_use_the_24_hour_clock(language, expected):
    with translation.override(language):
        assert formats.date_format(MOMENT, "DATETIME_FORMAT") == expected


@pytest.mark.parametrize(("language", "expected"), [("mn", "2\xa0054"), ("en", "2,054")])
def test_numbers_group_thousands(language, expected):
    with translation.override(language):
        assert formats.number_format(2054, force_grouping=True) == expected


@pytest.mark.parametrize(("language", "typed"), [("mn", "2025.03.15"), ("en", "15/03/2025")])
def test_dates_typed_in_the_local_form_are_read(language, typed):
    with translation.override(language):
        assert forms.DateField().clean(typed) == DAY


@pytest.mark.django_db
def test_people_sort_in_mongolian_alphabetical_order_on_both_databases() -> None:
    from erdem.core.i18n import mongolian_order
    from erdem.people.models import Person
    from erdem.people.tests.factories import PersonFactory

    for family_name in ["Үүрцайх", "Ёндон", "Мэргэн", "Өлзий", "Амар", "Мөнх", "Уянга", "амар", "Zorig"]:
        PersonFactory(family_name=family_name)
    names = list(Person.objects.order_by(mongolian_order("family_name"), "pk").values_list("family_name", flat=True))
    # ICU on PostgreSQL, our collation on SQLite: Ё after Е, Ө after О, Ү after У; Cyrillic before Latin.
    assert names[2:] == ["Ёндон", "Мөнх", "Мэргэн", "Өлзий", "Уянга", "Үүрцайх", "Zorig"]
    assert sorted(names[:2]) == ["Амар", "амар"]  # case aside, the two databases may differ


def test_the_mongolian_sort_key_follows_the_alphabet() -> None:
    from erdem.core.i18n import MONGOLIAN_ALPHABET, mongolian_sort_key

    shuffled = sorted(MONGOLIAN_ALPHABET, key=ord)
    assert "".join(sorted(shuffled, key=mongolian_sort_key)) == MONGOLIAN_ALPHABET
    assert sorted(["Төгөлдөр", "Түвшинбаяр", "Тамир"], key=mongolian_sort_key) == ["Тамир", "Төгөлдөр", "Түвшинбаяр"]


def test_language_names_follow_the_reader() -> None:
    from erdem.core.i18n import language_name

    with translation.override("mn"):
        assert (language_name("mn"), language_name("en")) == ("Монгол", "Англи")
    with translation.override("en"):
        assert (language_name("mn"), language_name("en")) == ("Mongolian", "English")
