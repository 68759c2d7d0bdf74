"""Small-cell suppression for aggregate figures read by people who may not see names.

A count of 1 to 4 people is hidden ("<5"). Where a column also shows its total, hiding a single
cell would let a reader subtract it back, so the next smallest non-zero cell is hidden too
(complementary suppression); it reads "hidden", not "<5", since it is not small. A share is hidden
when its numerator or denominator is hidden or small. Zero is shown: it singles nobody out.
"""

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

THRESHOLD = 5
HIDDEN_TEXT = "<5"
# A cell of 5 or more hidden so that a small one cannot be recovered from the total.
HIDDEN_OTHER = _("hidden")


def small(count: int | None) -> bool:
    return count is not None and 0 < count < THRESHOLD


def hidden_cells(counts: Sequence[int | None], *, with_total: bool = True) -> list[bool]:
    """Which of a column's counts to hide."""
    hidden = [small(count) for count in counts]
    if with_total and sum(hidden) == 1:
        candidates = [
            (count, index)
            for index, count in enumerate(counts)
            if not hidden[index] and count is not None and count > 0
        ]
        if candidates:
            hidden[min(candidates)[1]] = True
    return hidden


def share_hidden(numerator: int | None, denominator: int | None) -> bool:
    return small(numerator) or small(denominator)
