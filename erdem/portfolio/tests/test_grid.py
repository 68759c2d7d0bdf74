"""The AI CFT grid: 5 aspects x 3 levels, each cell counting tagged entries, endorsed ones and credentials."""

import pytest
from django.utils import timezone

from erdem.credentials.models import Credential
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.frameworks.models import Competency
from erdem.frameworks.selectors import UNESCO_AI_CFT
from erdem.people.tests.factories import make_person
from erdem.portfolio.models import Endorsement, Entry
from erdem.portfolio.selectors import ai_cft_grid, person_credentials
from erdem.portfolio.tests.factories import EndorsementFactory, make_entry
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def _cells(grid):
    return {cell.competency.code: cell for row in grid.rows for cell in row.cells if cell.competency}


def _given(entry):
    return EndorsementFactory(
        entry=entry,
        status=Endorsement.Status.GIVEN,
        document={"type": ["VerifiableCredential"]},
        answered_at=timezone.now(),
    )


def test_an_empty_portfolio_has_fifteen_empty_cells():
    grid = ai_cft_grid(person=make_person())
    assert (len(grid.rows), len(grid.levels)) == (5, 3)
    assert grid.cells_total == 15
    assert grid.cells_evidenced == 0
    assert all(cell.strength == "none" for row in grid.rows for cell in row.cells)


def test_cells_count_entries_endorsed_entries_and_credentials():
    person = make_person()
    endorsed = make_entry(person=person, competency_codes=["1.1", "4.2"])
    _given(endorsed)
    make_entry(person=person, competency_codes=["1.1"])
    asked = make_entry(person=person, competency_codes=["2.3"])
    EndorsementFactory(entry=asked)  # asked, not given: does not count
    make_entry(person=make_person(), competency_codes=["5.1"])  # someone else's
    achievement = achievement_create(programme=ProgrammeFactory())
    achievement.competencies.set(Competency.objects.filter(framework__code=UNESCO_AI_CFT, code__in=["3.1", "1.1"]))
    credential_create(achievement=achievement, person=person)

    cells = _cells(ai_cft_grid(person=person))
    assert (cells["1.1"].entries, cells["1.1"].endorsed, cells["1.1"].credentials) == (2, 1, 1)
    assert cells["1.1"].strength == "credential"
    assert (cells["4.2"].entries, cells["4.2"].endorsed, cells["4.2"].strength) == (1, 1, "endorsed")
    assert (cells["2.3"].entries, cells["2.3"].endorsed, cells["2.3"].strength) == (1, 0, "documented")
    assert (cells["3.1"].entries, cells["3.1"].credentials, cells["3.1"].strength) == (0, 1, "credential")
    assert cells["5.1"].strength == "none"


def test_revoked_credentials_do_not_count():
    person = make_person()
    achievement = achievement_create(programme=ProgrammeFactory())
    achievement.competencies.set(Competency.objects.filter(framework__code=UNESCO_AI_CFT, code="2.1"))
    credential = credential_create(achievement=achievement, person=person)
    Credential.objects.filter(pk=credential.pk).update(status=Credential.Status.REVOKED)
    assert person_credentials(person) == []
    assert _cells(ai_cft_grid(person=person))["2.1"].credentials == 0


def test_the_public_grid_counts_public_entries_and_shown_credentials_only():
    person = make_person()
    make_entry(person=person, competency_codes=["1.2"], visibility=Entry.Visibility.PUBLIC)
    make_entry(person=person, competency_codes=["1.2", "1.3"], visibility=Entry.Visibility.INSTITUTION)
    achievement = achievement_create(programme=ProgrammeFactory())
    achievement.competencies.set(Competency.objects.filter(framework__code=UNESCO_AI_CFT, code="3.2"))
    credential = credential_create(achievement=achievement, person=person)
    Credential.objects.filter(pk=credential.pk).update(show_name=False)

    cells = _cells(ai_cft_grid(person=person, public_only=True))
    assert cells["1.2"].entries == 1
    assert cells["1.3"].entries == 0
    assert cells["3.2"].credentials == 0
    assert _cells(ai_cft_grid(person=person))["3.2"].credentials == 1


def test_the_grid_reads_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    person = make_person()
    for _n in range(20):
        _given(make_entry(person=person, competency_codes=["1.1", "2.2", "4.3"]))
    with django_assert_max_num_queries(8):
        grid = ai_cft_grid(person=person)
    assert _cells(grid)["4.3"].endorsed == 20
