"""Forms of the mentoring pages: a session, the mentee's feedback, assigning a mentor. They check what a
person typed; the decisions (dates, capacity, who may) are the services' and the policy's."""

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erdem.cascade.models import MentoringSession
from erdem.cascade.services import REASON_MAX_LENGTH

RATINGS = [(rating, str(rating)) for rating in range(1, 6)]
OTHER_MENTOR = "other"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    mode = forms.ChoiceField(
        label=_("How you met"),
        choices=MentoringSession.Mode.choices,
        initial=MentoringSession.Mode.IN_PERSON,
        widget=forms.RadioSelect(attrs={"class": "inline-choices"}),
    )
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=5, max_value=600, initial=60)
    topics = forms.CharField(
        label=_("Topics"),
        max_length=300,
        help_text=_("What you worked on, in a few words."),
        error_messages={"required": _("Say what you worked on.")},
    )
    notes = forms.CharField(
        label=_("Notes (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=_("Seen only by the two of you, the coordinators of your institutions and the national centre."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "session")
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How helpful is this mentoring?"),
        help_text=_("1 = not helpful, 5 = very helpful"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "inline-choices"}),
        error_messages={"required": _("Choose from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "feedback")
        super().__init__(*args, **kwargs)


class MenteeFindForm(forms.Form):
    mentee = forms.EmailField(
        label=_("The mentee's e-mail address"),
        error_messages={"required": _("Give the e-mail address of the person who needs a mentor.")},
    )


class AssignForm(forms.Form):
    """Choose one of the suggested mentors, or another mentor by e-mail address with a reason."""

    mentee = forms.EmailField(widget=forms.HiddenInput)
    mentor = forms.ChoiceField(label=_("Mentor"), widget=forms.RadioSelect)
    other_email = forms.EmailField(label=_("Another mentor's e-mail address"), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=_("Needed when you choose a mentor who was not suggested."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, mentors: list[tuple[str, str]], **kwargs: Any) -> None:
        """`mentors`: (person id, label) of the mentors to offer, the suggestions first."""
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["mentor"]).choices = [
            *mentors,
            (OTHER_MENTOR, _("Another mentor, chosen by e-mail address")),
        ]
        self.fields["mentor"].error_messages["required"] = _("Choose a mentor.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("mentor") == OTHER_MENTOR:
            if not data.get("other_email") and "other_email" not in self.errors:
                self.add_error("other_email", _("Give the e-mail address of the mentor you choose."))
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("Say why you choose a mentor who was not suggested."))
        return data
