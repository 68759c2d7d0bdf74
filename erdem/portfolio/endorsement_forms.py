"""Forms of the endorsement and career review pages. They check what a person typed; the decisions (who may
be asked, who may answer, consent) are the services' and the policy's."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from erdem.portfolio.endorsements import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH
from erdem.portfolio.models import CareerReview, Endorsement
from erdem.portfolio.reviews import POSITION_MAX_LENGTH, SUMMARY_MAX_LENGTH


class EndorsementRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Their e-mail address"),
        help_text=_("A mentor holds a mentor, trainer or master-teacher role; a peer works at your institution."),
        error_messages={"required": _("Give the e-mail address of the person to ask.")},
    )
    relation = forms.ChoiceField(
        label=_("Their relation to you"),
        choices=Endorsement.Relation.choices,
        initial=Endorsement.Relation.PEER,
        widget=forms.RadioSelect(attrs={"class": "inline-choices"}),
        error_messages={"required": _("Choose whether the person is your mentor or a peer.")},
    )
    note = forms.CharField(
        label=_("A note to them (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EndorsementAnswerForm(forms.Form):
    comment = forms.CharField(
        label=_("Your endorsement"),
        help_text=_("Plain text: what you saw and why you endorse it. It is signed and shown with the entry."),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write what you endorse in this work.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "answer")
        super().__init__(*args, **kwargs)


class CareerReviewForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=CareerReview.Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a recommendation.")},
    )
    position_sought = forms.CharField(
        label=_("Position sought (optional)"), required=False, max_length=POSITION_MAX_LENGTH
    )
    summary = forms.CharField(
        label=_("Review"),
        max_length=SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write the review.")},
    )
