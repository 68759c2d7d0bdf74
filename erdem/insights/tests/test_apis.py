"""The insights API: open data for anyone with small counts hidden, an institution's exact figures for
its coordinators and national admins, bad input refused with the reason, answers that match the schema."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import jsonschema
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from erdem.api.tests.helpers import Cast, anonymous_client, cast, token_client
from erdem.core.privacy import HIDDEN_OTHER
from erdem.insights.measures import Measure
from erdem.insights.models import Fact, ProgrammeInsights
from erdem.organisations.models import Institution
from erdem.organisations.tests.factories import InstitutionFactory, region
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/insights"
MARCH_APRIL = "from=2025-03&to=2025-04"


def month(text: str) -> dt.date:
    return dt.date.fromisoformat(f"{text}-01")


def fact(world: "World", institution: Any, measure: str, when: str, count: int, **fields: Any) -> None:
    """The institution's rollup row and its share of the row summed over institutions, as the rollup writes."""
    common = {"programme": world.programme, "measure": measure, "month": month(when), "count": count, **fields}
    Fact.objects.create(institution=institution, region=institution.region, **common)
    Fact.objects.create(national=True, **common)


@dataclass
class World:
    """The API test cast (erdem.api.tests.helpers.Cast) and a third institution."""

    people: Cast
    third: Institution
    fourth: Institution

    def __getattr__(self, name: str) -> Any:
        return getattr(self.people, name)

    @property
    def all(self) -> list[Institution]:
        return [self.people.own, self.people.other, self.third, self.fourth]


@pytest.fixture
def world() -> World:
    """Four institutions: `own` (the coordinator's, in the capital) with most people, `other`, `third`
    and `fourth` in another region with few. March–April 2025 against January–February."""
    world = World(cast(), InstitutionFactory(region=region("MN-073")), InstitutionFactory(region=region("MN-073")))
    world.other.region = region("MN-073")
    world.other.save()
    own, other, third = world.own, world.other, world.third
    fact(world, own, Measure.REGISTERED, "2025-01", 4)
    fact(world, own, Measure.REGISTERED, "2025-03", 12)
    fact(world, own, Measure.REGISTERED, "2025-04", 8)
    fact(world, own, Measure.CERTIFIED, "2025-04", 3)
    fact(world, own, Measure.ATTENDED, "2025-04", 2)
    fact(world, own, Measure.RATED, "2025-04", 10)
    fact(world, own, Measure.RATED_HIGH, "2025-04", 9)
    fact(world, other, Measure.REGISTERED, "2025-03", 6)
    fact(world, other, Measure.REGISTERED, "2025-04", 1)
    fact(world, other, Measure.CERTIFIED, "2025-04", 7)
    fact(world, third, Measure.REGISTERED, "2025-04", 2)
    fact(world, world.fourth, Measure.REGISTERED, "2025-03", 3)
    # a marginal row: counted in the gender breakdown only
    fact(world, own, Measure.REGISTERED, "2025-03", 12, dimension="gender", value="female")
    ProgrammeInsights.objects.create(programme=world.programme, refreshed_at=timezone.now())
    return world


def get(client: Client, path: str) -> Any:
    return client.get(f"{API}{path}")


def by_key(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["key"]: item for item in items}


def conforms(response: Any, schema_name: str) -> None:
    """The answer is valid against the OpenAPI document's schema (no undeclared fields either)."""
    components = Client().get("/api/v1/openapi.json").json()["components"]
    for schema in components["schemas"].values():
        if "properties" in schema:
            schema["additionalProperties"] = False
    jsonschema.validate(response.json(), {"$ref": f"#/components/schemas/{schema_name}", "components": components})


# --- open data ----------------------------------------------------------------------------------------------


def test_open_figures_hide_small_counts_from_anyone(world: World) -> None:
    response = get(anonymous_client(), f"/open/figures?{MARCH_APRIL}")

    assert response.status_code == 200
    body = response.json()
    assert body["suppressed"] is True and body["computed_at"] is not None
    assert body["period"]["first"] == "2025-03" and body["period"]["last"] == "2025-04"
    assert body["period"]["previous"]["first"] == "2025-01" and body["period"]["previous"]["last"] == "2025-02"
    figures = by_key(body["figures"])
    registered = figures["registered"]
    assert (registered["value"], registered["hidden"]) == (32, False)
    assert registered["previous"] == {"value": None, "hidden": True, "text": "<5", "is_share": False}
    assert registered["to_date"]["value"] == 36
    assert registered["change"] == ""  # the previous count is hidden: no change can be said
    assert figures["certified"]["value"] == 10
    attended = figures["attended"]
    assert (attended["value"], attended["hidden"], attended["text"]) == (None, True, "<5")
    assert figures["rated_high"]["value"] == 0.9 and figures["rated_high"]["is_share"] is True
    assert registered["definition"] and registered["label"]
    assert [stage["people"]["value"] for stage in body["funnel"]] == [36, 0, 10]  # registered, enrolled, certified
    assert response["Cache-Control"] == "public, max-age=300"
    conforms(response, "FiguresOut")


def test_a_signed_in_national_admin_gets_the_same_suppressed_open_data(world: World) -> None:
    anonymous = get(anonymous_client(), f"/open/figures?{MARCH_APRIL}").json()
    admin = get(token_client(world.admin), f"/open/figures?{MARCH_APRIL}").json()

    assert by_key(admin["figures"])["attended"]["hidden"] is True
    assert admin["figures"] == anonymous["figures"]


def test_open_breakdown_hides_small_cells_and_the_one_that_would_reveal_them(world: World) -> None:
    response = get(anonymous_client(), f"/open/breakdown?by=institution&{MARCH_APRIL}")

    assert response.status_code == 200
    body = response.json()
    columns = [column["key"] for column in body["columns"]]
    registered, certified = columns.index("registered"), columns.index("certified")
    rows = {row["key"]: row["cells"] for row in body["rows"]}
    assert set(rows) == {world.own.code, world.other.code, world.third.code, world.fourth.code}
    shown = [(rows[inst.code][registered]["value"], rows[inst.code][registered]["hidden"]) for inst in world.all]
    assert shown == [(20, False), (7, False), (None, True), (None, True)]
    assert rows[world.third.code][registered]["text"] == "<5"
    # one hidden count (3 certified) would be given away by the total: the next smallest (7) is hidden too
    hidden = [(rows[inst.code][certified]["value"], rows[inst.code][certified]["text"]) for inst in world.all]
    assert hidden == [(None, "<5"), (None, str(HIDDEN_OTHER)), (0, "0"), (0, "0")]
    assert body["total"]["key"] is None and body["total"]["cells"][registered]["value"] == 32
    assert body["total"]["cells"][certified]["value"] == 10
    assert body["by"] == "institution" and body["by_label"]
    assert "email" not in response.content.decode()
    conforms(response, "BreakdownOut")


@pytest.mark.parametrize("by", ["region", "discipline", "gender", "language", "course", "month"])
def test_open_breakdown_by_every_dimension(world: World, by: str) -> None:
    response = get(anonymous_client(), f"/open/breakdown?by={by}&{MARCH_APRIL}")

    assert response.status_code == 200
    conforms(response, "BreakdownOut")
    rows = response.json()["rows"]
    if by == "region":
        assert {row["key"] for row in rows} == {"MN-1", "MN-073"}
    if by == "month":
        assert [row["key"] for row in rows] == ["2025-03", "2025-04"]
    if by == "gender":
        assert [(row["key"], row["cells"][0]["value"]) for row in rows] == [("female", 12)]


def test_open_ranking_ranks_institutions_and_leaves_hidden_counts_unranked(world: World) -> None:
    response = get(anonymous_client(), f"/open/ranking?by=institution&measure=registered&{MARCH_APRIL}")

    assert response.status_code == 200
    body = response.json()
    assert body["measure"]["key"] == "registered"
    ranked = [(row["key"], row["rank"], row["current"]["value"]) for row in body["rows"]]
    assert ranked == [
        (world.own.code, 1, 20),
        (world.other.code, 2, 7),
        *sorted([(world.third.code, None, None), (world.fourth.code, None, None)]),
    ]
    assert body["rows"][0]["previous"]["hidden"] is True  # 4 in January–February
    assert response["Cache-Control"] == "public, max-age=300"
    conforms(response, "RankingOut")


def test_open_ranking_by_region(world: World) -> None:
    body = get(anonymous_client(), f"/open/ranking?by=region&{MARCH_APRIL}").json()

    assert [(row["key"], row["rank"], row["current"]["value"]) for row in body["rows"]] == [
        ("MN-1", 1, 20),
        ("MN-073", 2, 12),
    ]


def test_open_trend_gives_every_month_of_the_period(world: World) -> None:
    response = get(anonymous_client(), "/open/trend?measures=registered,certified&from=2025-02&to=2025-04")

    assert response.status_code == 200
    body = response.json()
    assert [measure["key"] for measure in body["measures"]] == ["registered", "certified"]
    assert [point["month"] for point in body["points"]] == ["2025-02", "2025-03", "2025-04"]
    assert [point["values"]["registered"]["value"] for point in body["points"]] == [0, 21, 11]
    assert [point["values"]["certified"]["value"] for point in body["points"]] == [0, 0, 10]
    conforms(response, "TrendOut")


def test_open_definitions_in_both_languages(world: World) -> None:
    english = get(anonymous_client(language="en"), "/open/definitions")
    mongolian = get(anonymous_client(language="en"), "/open/definitions?lang=mn")

    assert english.status_code == mongolian.status_code == 200
    conforms(english, "DefinitionsOut")
    en, mn = english.json(), mongolian.json()
    assert (en["language"], mn["language"]) == ("en", "mn")
    assert english["Content-Language"] == "en" and mongolian["Content-Language"] == "mn"
    assert en["programme"]["name"] == world.programme.name_en and mn["programme"]["name"] == world.programme.name_mn
    assert set(by_key(en["measures"])) == set(Measure.values)
    assert by_key(en["measures"])["registered"]["definition"].startswith("People who hold the programme's educator")
    assert "registered" in by_key(en["figures"]) and en["threshold"] == 5
    assert {"institution", "region", "month"} <= set(by_key(en["dimensions"]))


def test_labels_follow_the_language(world: World) -> None:
    english = get(anonymous_client(language="en"), f"/open/breakdown?by=institution&{MARCH_APRIL}").json()
    mongolian = get(anonymous_client(language="mn"), f"/open/breakdown?by=institution&{MARCH_APRIL}").json()
    by_lang = get(anonymous_client(language="en"), f"/open/breakdown?by=institution&lang=mn&{MARCH_APRIL}").json()

    assert world.own.name_en in [row["label"] for row in english["rows"]]
    assert world.own.name_mn in [row["label"] for row in mongolian["rows"]]
    assert by_lang["rows"] == mongolian["rows"]
    months = get(anonymous_client(language="en"), "/open/trend?from=2025-03&to=2025-03").json()
    assert months["points"][0]["label"] == "March 2025"


def test_a_programme_never_computed_answers_without_figures(world: World) -> None:
    fresh = ProgrammeFactory()
    client = anonymous_client()

    figures = get(client, f"/open/figures?programme={fresh.slug}").json()
    breakdown = get(client, f"/open/breakdown?programme={fresh.slug}").json()
    ranking = get(client, f"/open/ranking?programme={fresh.slug}").json()
    trend = get(client, f"/open/trend?programme={fresh.slug}&{MARCH_APRIL}").json()

    assert figures["computed_at"] is None and figures["figures"] == [] and figures["funnel"] == []
    assert breakdown["computed_at"] is None and breakdown["rows"] == [] and breakdown["total"] is None
    assert ranking["rows"] == [] and trend["points"] == []
    assert figures["programme"]["slug"] == fresh.slug


def test_a_period_with_no_data_gives_zeros(world: World) -> None:
    body = get(anonymous_client(), "/open/figures?from=2026-01&to=2026-02").json()

    assert by_key(body["figures"])["registered"]["value"] == 0
    assert by_key(body["figures"])["registered"]["hidden"] is False


def test_open_data_is_read_in_a_bounded_number_of_queries(world: World) -> None:
    client = anonymous_client()
    paths = [
        f"/open/figures?{MARCH_APRIL}",
        f"/open/breakdown?by=institution&{MARCH_APRIL}",
        f"/open/ranking?{MARCH_APRIL}",
        f"/open/trend?measures=registered,certified&{MARCH_APRIL}",
        "/open/definitions",
    ]

    def counts() -> list[int]:
        result = []
        for path in paths:
            with CaptureQueriesContext(connection) as queries:
                assert get(client, path).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    for _number in range(15):
        extra = InstitutionFactory(region=region("MN-071"))
        fact(world, extra, Measure.REGISTERED, "2025-03", 9)
        fact(world, extra, Measure.CERTIFIED, "2025-04", 6)
    assert counts() == before
    assert max(before) <= 9


# --- an institution's exact figures -------------------------------------------------------------------------


def test_the_coordinator_sees_their_institution_exactly(world: World) -> None:
    response = get(token_client(world.coordinator), f"/institutions/{world.own.code}/figures?{MARCH_APRIL}")

    assert response.status_code == 200
    body = response.json()
    assert body["suppressed"] is False
    figures = by_key(body["figures"])
    assert (figures["registered"]["value"], figures["registered"]["hidden"]) == (20, False)
    assert figures["registered"]["previous"]["value"] == 4
    assert figures["registered"]["change"] == "+16"
    assert (figures["certified"]["value"], figures["attended"]["value"]) == (3, 2)
    assert response["Cache-Control"] == "private, no-cache"
    conforms(response, "FiguresOut")


def test_the_institution_breakdown_is_exact_and_names_nobody(world: World) -> None:
    response = get(token_client(world.coordinator), f"/institutions/{world.own.code}/breakdown?by=month&{MARCH_APRIL}")

    assert response.status_code == 200
    body = response.json()
    certified = [column["key"] for column in body["columns"]].index("certified")
    assert [(row["key"], row["cells"][certified]["value"]) for row in body["rows"]] == [
        ("2025-03", 0),
        ("2025-04", 3),
    ]
    assert world.coordinator.family_name not in response.content.decode()
    conforms(response, "BreakdownOut")


def test_a_national_admin_sees_any_institution_exactly(world: World) -> None:
    body = get(token_client(world.admin), f"/institutions/{world.third.code}/figures?{MARCH_APRIL}").json()

    assert by_key(body["figures"])["registered"]["value"] == 2


@pytest.mark.parametrize(("who", "status"), [("stranger", 403), ("viewer", 403), ("educator", 403)])
def test_others_may_not_read_an_institution(world: World, who: str, status: int) -> None:
    for path in ("figures", "breakdown"):
        response = get(token_client(getattr(world, who)), f"/institutions/{world.own.code}/{path}")
        assert response.status_code == status
        assert response.json()["detail"]


def test_another_institutions_coordinator_is_refused(world: World) -> None:
    response = get(token_client(world.coordinator), f"/institutions/{world.other.code}/figures")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only the institution's coordinators and national administrators see its figures."
    }


def test_the_institution_endpoints_need_a_caller(world: World) -> None:
    response = get(anonymous_client(), f"/institutions/{world.own.code}/figures")

    assert response.status_code == 401
    assert response.json()["detail"]


def test_an_unknown_institution_is_not_found(world: World) -> None:
    response = get(token_client(world.admin), "/institutions/no-such-place/figures")

    assert response.status_code == 404
    assert response.json() == {"detail": "No institution has the code “no-such-place”."}


# --- bad input ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("from=March", "Months are written as year-month, for example 2025-03."),
        ("from=2025-13", "Months are written as year-month, for example 2025-03."),
        ("to=2025-3", "Months are written as year-month, for example 2025-03."),
        ("from=2025-04&to=2025-03", "The period ends before it starts."),
        ("from=2000-01&to=2025-03", "A period can cover at most 20 years."),
        ("period=decade", "Unknown period “decade”: use all, year, quarter or month."),
        ("programme=nothing", "No programme has the code “nothing”."),
    ],
)
def test_an_unreadable_period_or_programme_is_refused_with_the_reason(world: World, query: str, detail: str) -> None:
    for path in ("/open/figures", "/open/breakdown", "/open/ranking", "/open/trend"):
        response = get(anonymous_client(), f"{path}?{query}")
        assert response.status_code == 422, path
        assert response.json() == {"detail": detail, "errors": []}
    coordinator = get(token_client(world.coordinator), f"/institutions/{world.own.code}/figures?{query}")
    assert coordinator.status_code == 422 and coordinator.json() == {"detail": detail, "errors": []}


@pytest.mark.parametrize(
    "path",
    [
        "/open/breakdown?by=shoe_size",
        "/open/ranking?by=discipline",
        "/open/ranking?measure=core_step",
        "/open/ranking?measure=happiness",
        "/open/definitions?lang=fr",
    ],
)
def test_unknown_choices_are_refused_naming_the_field(world: World, path: str) -> None:
    response = get(anonymous_client(), path)

    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("The request is not valid.")
    assert body["errors"]


@pytest.mark.parametrize("measures", ["happiness", "registered,happiness", ",", ""])
def test_an_unknown_trend_measure_is_refused(world: World, measures: str) -> None:
    response = get(anonymous_client(), f"/open/trend?measures={measures}")

    assert response.status_code == 422
    assert response.json()["detail"].startswith("Unknown measure")
    assert "registered, enrolled" in response.json()["detail"]


def test_bad_input_answers_in_the_callers_language(world: World) -> None:
    response = get(anonymous_client(language="mn"), "/open/figures?from=2025-04&to=2025-03")

    assert response.status_code == 422
    assert response["Content-Language"] == "mn"


def test_no_active_programme(world: World) -> None:
    type(world.programme).objects.update(is_active=False)

    response = get(anonymous_client(), "/open/figures")

    assert response.status_code == 404
    assert response.json() == {"detail": "There is no active programme."}
