"""Pick the text a reader sees: the published translation in their language, else another
language's published one, saying that it fell back so the page can tell the reader."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from django.conf import settings

from erdem.catalog.models import TranslationStatus


class _Translation(Protocol):
    language_code: str
    status: str


T = TypeVar("T", bound=_Translation)


@dataclass(frozen=True)
class Picked(Generic[T]):
    translation: T
    fell_back: bool

    @property
    def language_code(self) -> str:
        return self.translation.language_code


def fallback_order(language: str) -> tuple[str, ...]:
    """The reader's language first, then the platform's other languages in settings order."""
    return (language, *(code for code, _name in settings.LANGUAGES if code != language))


READER_STATUSES = frozenset({TranslationStatus.PUBLISHED})


def translation_pick(
    translations: Iterable[T], *, language: str, statuses: frozenset[str] = READER_STATUSES
) -> Picked[T] | None:
    """The published translation to show in `language`, or None when the unit is published in no language.
    An author's preview passes wider `statuses` to see drafts as a reader would once published."""
    published = {t.language_code: t for t in translations if t.status in statuses}
    for code in fallback_order(language):
        if code in published:
            return Picked(translation=published[code], fell_back=code != language)
    return None
