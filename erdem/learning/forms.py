"""The feedback survey, the cohort form and the cohort's enrolment form; parsing only, the writes are
in services."""

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from erdem.catalog.models import Course
from erdem.core.uploads import SNIFF_BYTES, looks_like_markup
from erdem.learning.models import CourseFeedback
from erdem.learning.selectors import TrainerCandidate
from erdem.learning.services import feedback_comment_clean
from erdem.organisations.models import Institution
from erdem.people.models import Person

SCORES = [(score, str(score)) for score in range(CourseFeedback.SCALE[0], CourseFeedback.SCALE[1] + 1)]
EMAIL_LIST_MAX_BYTES = 100 * 1024  # a few thousand addresses
EMAIL_LIST_MAX_ADDRESSES = 2000
_EMAIL = re.compile(r"[^\s\x00-\x1f\x7f,;<>\"'()]+@[^\s\x00-\x1f\x7f,;<>\"'()]+\.[^\s\x00-\x1f\x7f,;<>\"'()]+")


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Overall, how would you rate this course?"),
        help_text=_("1 = poor, 5 = excellent"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )
    usefulness = forms.TypedChoiceField(
        label=_("How useful is it for your teaching?"),
        help_text=_("1 = not useful, 5 = very useful"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell the course team? (optional)"),
        required=False,
        max_length=CourseFeedback.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_comment(self) -> str:
        return feedback_comment_clean(self.cleaned_data.get("comment", ""))


def emails_in(text: str) -> list[str]:
    """The e-mail addresses in a pasted or uploaded list (one per line, or separated by commas,
    semicolons or spaces; "Name <address>" is fine), lower-cased, in order, without repeats."""
    return list(dict.fromkeys(match.group(0).strip(".").lower() for match in _EMAIL.finditer(text)))


_ENTRY_SEPARATORS = re.compile(r"[\n\r,;]+")


def invalid_entries(text: str) -> list[str]:
    """The entries of a pasted list that are not e-mail addresses, in order, without repeats.
    Entries are separated by new lines, commas or semicolons; an entry written "Name <address>"
    is fine, otherwise each word of an entry must be an address."""
    invalid: list[str] = []
    for entry in _ENTRY_SEPARATORS.split(text):
        entry = entry.strip().strip('"').strip()
        if not entry:
            continue
        if "<" in entry:
            if _EMAIL.search(entry) is None:
                invalid.append(entry)
            continue
        invalid.extend(word for word in entry.split() if _EMAIL.fullmatch(word.strip(".")) is None)
    return list(dict.fromkeys(item[:200] for item in invalid))


def lines_without_address(text: str) -> list[str]:
    """The lines of an uploaded list (plain text or CSV, where other columns may hold names) that
    hold no e-mail address; a first line without any "@" is taken for column names and skipped."""
    lines = [line.strip() for line in text.splitlines()]
    if lines and "@" not in lines[0]:
        lines = lines[1:]
    invalid = [line for line in lines if line.strip(' ,;\t"') and _EMAIL.search(line) is None]
    return list(dict.fromkeys(line[:200] for line in invalid))


class TitledCourseField(forms.ModelChoiceField):
    """Courses shown by their title in the reader's language."""

    def __init__(self, *args: Any, titles: dict[int, str], **kwargs: Any) -> None:
        self.titles = titles
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return self.titles.get(obj.pk, obj.code)


class InstitutionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class CohortForm(forms.Form):
    """Create or change a cohort. The choices are narrowed by the view to what the person may pick:
    the programme's published courses, their own institution for a coordinator, and the people holding
    a trainer, master teacher or mentor role in the programme (grouped by institution)."""

    name = forms.CharField(
        label=_("Name"), max_length=200, help_text=_("For example: “Biology teachers, spring 2026”.")
    )
    course = TitledCourseField(Course.objects.none(), titles={}, label=_("Course"))
    institution = InstitutionField(Institution.objects.none(), label=_("Institution"), required=False)
    trainers = forms.MultipleChoiceField(
        label=_("Trainers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People holding the trainer, master teacher or mentor role in the programme, by institution."),
    )

    def __init__(
        self,
        *args: Any,
        courses: QuerySet[Course],
        course_titles: dict[int, str],
        institutions: QuerySet[Institution],
        institution_required: bool,
        trainer_groups: list[tuple[str, list[TrainerCandidate]]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        course = cast(TitledCourseField, self.fields["course"])
        course.queryset, course.titles = courses, course_titles
        institution = cast(InstitutionField, self.fields["institution"])
        institution.queryset, institution.required = institutions, institution_required
        if not institution_required:
            institution.empty_label = _("None (a national cohort)")
        self.candidates = {
            str(candidate.person.pk): candidate.person for _label, group in trainer_groups for candidate in group
        }
        trainers = cast(forms.MultipleChoiceField, self.fields["trainers"])
        trainers.choices = [
            (
                label or _("No institution given"),
                [
                    (str(c.person.pk), f"{c.person.family_name} {c.person.given_name} ({', '.join(c.roles)})")
                    for c in group
                ],
            )
            for label, group in trainer_groups
        ]

    def clean_name(self) -> str:
        name = str(self.cleaned_data.get("name", "")).strip()
        if not name:
            raise ValidationError(_("Give the cohort a name."), code="required")
        return name

    def clean_trainers(self) -> list[Person]:
        return [self.candidates[value] for value in self.cleaned_data.get("trainers", [])]


class StaffChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.family_name} {obj.given_name} ({obj.email})"


class CohortEnrolForm(forms.Form):
    people = StaffChoiceField(
        label=_("Staff of the institution"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    emails = forms.CharField(
        label=_("E-mail addresses"),
        help_text=_("One per line, or separated by commas or semicolons."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    email_file = forms.FileField(
        label=_("Or upload a list of e-mail addresses"),
        help_text=_("A plain-text or CSV file (UTF-8) of at most 100 KB."),
        required=False,
    )

    def __init__(self, *args: Any, candidates: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["people"])
        field.queryset = Person.objects.filter(pk__in=[person.pk for person in candidates]).order_by(
            "family_name", "given_name", "pk"
        )

    def clean_email_file(self) -> str:
        """The uploaded list's text; refused when too large or not text, whatever its name says."""
        upload = self.cleaned_data.get("email_file")
        if not upload:
            return ""
        if upload.size > EMAIL_LIST_MAX_BYTES:
            raise ValidationError(_("The file is larger than 100 KB."), code="too_large")
        content = upload.read(EMAIL_LIST_MAX_BYTES + 1)
        if b"\x00" in content:
            raise ValidationError(_("The file is not a text file."), code="not_text")
        try:
            text = str(content.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise ValidationError(_("The file is not a UTF-8 text file."), code="not_text") from exc
        if looks_like_markup(content[:SNIFF_BYTES]):  # a web page or an SVG image, whatever its name
            raise ValidationError(_("The file is not a text file."), code="not_text")
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        emails = emails_in(data.get("emails", "")) + emails_in(data.get("email_file", ""))
        data["email_list"] = list(dict.fromkeys(emails))
        data["invalid_entries"] = list(
            dict.fromkeys(invalid_entries(data.get("emails", "")) + lines_without_address(data.get("email_file", "")))
        )
        if len(data["email_list"]) > EMAIL_LIST_MAX_ADDRESSES:
            raise ValidationError(
                _("Enrol at most %(limit)s people by e-mail at a time.") % {"limit": EMAIL_LIST_MAX_ADDRESSES}
            )
        if not data.get("people") and not data["email_list"] and not self.errors:
            if data["invalid_entries"]:
                raise ValidationError(
                    _("These entries are not e-mail addresses: %(entries)s")
                    % {"entries": ", ".join(data["invalid_entries"][:20])},
                    code="invalid",
                )
            raise ValidationError(_("Pick at least one person or give their e-mail addresses."), code="empty")
        return data
