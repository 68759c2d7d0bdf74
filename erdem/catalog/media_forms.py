"""The course team's forms for a lesson's media, images and attachments.

The forms only gather what was sent; the checks on files (kind sniffed, size, WebVTT, https)
run in erdem.catalog.media_services, whose errors name these forms' fields.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from erdem.catalog.media_services import ATTACHMENT_KINDS, MediaText, limits_description
from erdem.catalog.models import LessonAttachment, LessonImage, LessonMedia, TranslationStatus
from erdem.catalog.translations import fallback_order
from erdem.core.i18n import active_language, language_name
from erdem.core.uploads import AUDIO, IMAGES, VIDEO, allowed_description

LANGUAGES = [code for code, _name in settings.LANGUAGES]


class _PerLanguage(forms.Form):
    """Fields repeated per language are named `<field>_<language>` and shown in one group per language."""

    per_language: tuple[str, ...] = ()

    def language_groups(self) -> list[tuple[str, str, list[forms.BoundField]]]:
        return [
            (
                code,
                language_name(code),
                [self[f"{name}_{code}"] for name in self.per_language if f"{name}_{code}" in self.fields],
            )
            for code in fallback_order(active_language())  # the reader's language first
        ]

    def common_fields(self) -> list[forms.BoundField]:
        suffixes = tuple(f"_{code}" for code in LANGUAGES)
        return [self[name] for name in self.fields if not name.endswith(suffixes)]


def _status_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Status"),
        choices=TranslationStatus.choices,
        initial=TranslationStatus.PUBLISHED,
        help_text=_("Readers see published texts only; the others show in the preview."),
    )


class MediaForm(_PerLanguage):
    per_language = ("title", "status", "transcript", "captions", "remove_captions")

    kind = forms.ChoiceField(label=_("Kind"), choices=LessonMedia.Kind.choices)
    position = forms.IntegerField(label=_("Position on the lesson page"), min_value=1, max_value=99, initial=1)
    file = forms.FileField(label=_("Upload the video or audio"), required=False)
    external_url = forms.URLField(
        label=_("Or give its address elsewhere"),
        required=False,
        assume_scheme="https",
        max_length=500,
        help_text=_(
            "An https address. A link to a media file plays in the page; any other address is shown as a link."
        ),
    )
    low_bandwidth_file = forms.FileField(label=_("Low-bandwidth alternative"), required=False)
    remove_low_bandwidth = forms.BooleanField(label=_("Remove the low-bandwidth alternative"), required=False)

    def __init__(self, *args: Any, media: LessonMedia | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = limits_description()
        self.fields["file"].help_text = _(
            "Video: %(video_kinds)s, at most %(video)s. Audio: %(audio_kinds)s, at most %(audio)s."
        ) % {
            "video_kinds": allowed_description(VIDEO),
            "video": limits["video"],
            "audio_kinds": allowed_description(AUDIO),
            "audio": limits["audio"],
        }
        self.fields["low_bandwidth_file"].help_text = _(
            "Audio only or low resolution, offered first to people who chose low bandwidth; at most %(size)s."
        ) % {"size": limits["low_bandwidth"]}
        if media is None or not media.low_bandwidth_file:
            del self.fields["remove_low_bandwidth"]
        translations = {row.language_code: row for row in media.translations.all()} if media else {}
        for code in LANGUAGES:
            name = language_name(code)
            row = translations.get(code)
            self.fields[f"title_{code}"] = forms.CharField(label=_("Title"), max_length=200, required=False)
            self.fields[f"status_{code}"] = _status_field()
            self.fields[f"transcript_{code}"] = forms.CharField(
                label=_("Transcript (Markdown)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text=_("Everything said and shown, for people who cannot or prefer not to watch."),
            )
            self.fields[f"captions_{code}"] = forms.FileField(
                label=_("Captions (WebVTT, %(language)s)") % {"language": name},
                required=False,
                help_text=_("A .vtt file starting with WEBVTT, UTF-8, at most %(size)s.")
                % {"size": limits["captions"]},
            )
            if row is not None and row.captions:
                self.fields[f"remove_captions_{code}"] = forms.BooleanField(
                    label=_("Remove these captions"), required=False
                )
            if row is not None:
                self.initial.update(
                    {f"title_{code}": row.title, f"status_{code}": row.status, f"transcript_{code}": row.transcript}
                )
        if media is not None:
            self.initial.update({"kind": media.kind, "position": media.position, "external_url": media.external_url})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("file") and data.get("external_url"):
            self.add_error("external_url", _("Upload a file or give an address, not both."))
        return data

    def texts(self) -> dict[str, MediaText]:
        data = self.cleaned_data
        return {
            code: MediaText(
                title=data[f"title_{code}"],
                transcript=data[f"transcript_{code}"],
                status=data[f"status_{code}"],
                captions=data.get(f"captions_{code}"),
                remove_captions=bool(data.get(f"remove_captions_{code}")),
            )
            for code in LANGUAGES
        }


class ImageForm(_PerLanguage):
    per_language = ("alt",)

    key = forms.SlugField(
        label=_("Key"),
        max_length=40,
        help_text=_("Letters, digits and hyphens. Write ![](image:KEY) in the lesson text where the image goes."),
    )
    file = forms.FileField(label=_("Image"), required=False)

    def __init__(self, *args: Any, image: LessonImage | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("%(kinds)s, at most %(size)s.") % {
            "kinds": allowed_description(IMAGES),
            "size": limits_description()["image"],
        }
        translations = {row.language_code: row for row in image.translations.all()} if image else {}
        for code in LANGUAGES:
            self.fields[f"alt_{code}"] = forms.CharField(
                label=_("Alternative text"),
                max_length=300,
                required=False,
                help_text=_(
                    "What the image shows, for people who cannot see it. If empty, the other language's is used."
                ),
            )
            if code in translations:
                self.initial[f"alt_{code}"] = translations[code].alt_text
        if image is not None:
            self.initial["key"] = image.key

    def alt_texts(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"alt_{code}"] for code in LANGUAGES}


class AttachmentForm(_PerLanguage):
    per_language = ("title",)

    position = forms.IntegerField(label=_("Position in the list"), min_value=1, max_value=99, initial=1)
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args: Any, attachment: LessonAttachment | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("%(kinds)s, at most %(size)s.") % {
            "kinds": allowed_description(ATTACHMENT_KINDS),
            "size": limits_description()["attachment"],
        }
        translations = {row.language_code: row for row in attachment.translations.all()} if attachment else {}
        for code in LANGUAGES:
            self.fields[f"title_{code}"] = forms.CharField(label=_("Title"), max_length=200, required=False)
            if code in translations:
                self.initial[f"title_{code}"] = translations[code].title
        if attachment is not None:
            self.initial["position"] = attachment.position

    def titles(self) -> dict[str, str]:
        return {code: self.cleaned_data[f"title_{code}"] for code in LANGUAGES}
