"""What the insights API reads from the query string and answers (erdem.insights.apis)."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from erdem.insights.measures import Dimension

# What a ranking may rank by: every measure but the core-course steps (erdem.insights.measures.Measure).
RankMeasure = Literal[
    "registered",
    "enrolled",
    "first_enrolled",
    "completed",
    "certified",
    "rated",
    "rated_high",
    "attended",
    "first_attended",
    "reached",
    "responded",
    "integrating",
]


# --- the query string ---------------------------------------------------------------------------------------


class ProgrammeQuery(Schema):
    programme: str = Field("", description="The programme's code (slug); by default the current programme.")
    lang: Literal["mn", "en"] | None = Field(
        None, description="The language of labels and definitions; by default the caller's language."
    )


class PeriodQuery(ProgrammeQuery):
    from_: str = Field("", alias="from", description="The first month of the period, YYYY-MM.")
    to: str = Field("", description="The last month of the period, YYYY-MM (by default the first month).")
    period: str = Field(
        "",
        description="Instead of from / to: all (the whole programme, the default), year (last 12 months), "
        "quarter (last 3 months) or month (this month).",
    )


class BreakdownQuery(PeriodQuery):
    by: Dimension = Field(Dimension.INSTITUTION, description="What the rows are.")


class RankingQuery(PeriodQuery):
    by: Literal["institution", "region"] = Field("institution", description="What is ranked.")
    measure: RankMeasure = Field("registered", description="What the ranking counts.")


class TrendQuery(PeriodQuery):
    measures: str = Field("registered", description="Measures separated by commas, e.g. registered,certified.")


# --- answers ------------------------------------------------------------------------------------------------


class ProgrammeRef(Schema):
    slug: str
    name: str


class MonthRange(Schema):
    first: str = Field(description="YYYY-MM")
    last: str = Field(description="YYYY-MM")
    label: str


class PeriodOut(MonthRange):
    months: int
    preset: str = Field(description="all, year, quarter or month when a preset was asked for; else empty.")
    previous: MonthRange = Field(description="As many months, just before: what `previous` values count.")


class CellOut(Schema):
    value: int | float | None = Field(
        description="The count, or the share from 0 to 1; null when hidden or when there is nothing to divide."
    )
    hidden: bool = Field(description="True for a count of 1 to 4 people (or a cell that would reveal one).")
    text: str = Field(description="The value as shown on the pages: “<5” when hidden, “—” for no value.")
    is_share: bool


class Envelope(Schema):
    programme: ProgrammeRef
    language: str
    computed_at: dt.datetime | None = Field(
        description="When the figures were last computed from the records; null when never (no figures yet)."
    )
    suppressed: bool = Field(description="Whether counts of fewer than 5 people are hidden.")


class PeriodEnvelope(Envelope):
    period: PeriodOut


class TermOut(Schema):
    key: str
    label: str
    definition: str


class KeyLabel(Schema):
    key: str
    label: str


class ColumnOut(KeyLabel):
    is_share: bool


class DefinitionsOut(Envelope):
    measures: list[TermOut] = Field(description="What the rollup counts; the keys of `measure` and `measures`.")
    figures: list[TermOut] = Field(description="The headline figures, as `/figures` gives them.")
    columns: list[ColumnOut] = Field(description="The columns of a breakdown (by course: only per-course ones).")
    dimensions: list[KeyLabel] = Field(description="What a breakdown can be by.")
    funnel: str
    small_cells: str
    threshold: int


class FigureOut(Schema):
    key: str
    label: str
    definition: str
    value: int | float | None
    hidden: bool
    text: str
    is_share: bool
    change: str = Field(description="The change from the previous period as shown; empty when it cannot be said.")
    previous: CellOut
    to_date: CellOut | None = Field(description="Since the programme began, up to the end of the period.")


class FunnelStageOut(Schema):
    label: str
    people: CellOut
    of_previous: CellOut = Field(description="The share of the previous stage that reached this one.")


class FiguresOut(PeriodEnvelope):
    figures: list[FigureOut]
    funnel: list[FunnelStageOut]


class RowOut(Schema):
    key: str | None = Field(
        description="Institution code, region ISO code, course code, YYYY-MM or the choice; null for "
        "“not known / not given”."
    )
    label: str
    cells: list[CellOut] = Field(description="One per column, in order.")


class BreakdownOut(PeriodEnvelope):
    by: str
    by_label: str
    columns: list[ColumnOut]
    rows: list[RowOut]
    total: RowOut | None = Field(description="Null when the figures were never computed.")


class RankRowOut(Schema):
    rank: int | None = Field(description="Equal counts share a rank; null for a hidden count, listed last.")
    key: str | None
    label: str
    current: CellOut
    previous: CellOut
    previous_rank: int | None


class RankingOut(PeriodEnvelope):
    by: str
    measure: KeyLabel
    rows: list[RankRowOut]


class TrendPointOut(Schema):
    month: str = Field(description="YYYY-MM")
    label: str
    values: dict[str, CellOut] = Field(description="One per measure asked for.")


class TrendOut(PeriodEnvelope):
    measures: list[KeyLabel]
    points: list[TrendPointOut] = Field(description="Every month of the period, empty ones as zero.")
