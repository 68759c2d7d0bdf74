"""The "at least N of these credentials held" rule a stackable pathway keeps for its electives."""

import pytest
from django.urls import reverse

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.credentials.models import Achievement, AchievementRule, Credential
from erdem.credentials.rules import achievement_rules, rules_evaluate
from erdem.credentials.selectors import credential_held_cycle
from erdem.credentials.services import AchievementError, achievement_rule_add, credential_revoke, credentials_award_due
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.people.tests.factories import make_person
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def electives(programme):
    return [achievement_create(programme=programme, code=f"EL-{number}") for number in (1, 2, 3)]


@pytest.fixture
def award(programme):
    return achievement_create(programme=programme, code="AWARD", kind=Achievement.Kind.AWARD)


def test_two_of_three_is_met_only_with_two_active_credentials(award, electives):
    rule = achievement_rule_add(
        achievement=award, kind=AchievementRule.Kind.CREDENTIALS_HELD_ANY, any_of=electives, threshold=2
    )
    assert set(rule.any_of.all()) == set(electives)
    one, two, none = make_person(), make_person(), make_person()
    credential_create(achievement=electives[0], person=one)
    credential_create(achievement=electives[0], person=two)
    revoked = credential_create(achievement=electives[1], person=one)
    credential_revoke(credential=revoked, actor=None, reason="Issued in error.")
    credential_create(achievement=electives[2], person=two)

    results = rules_evaluate(award, [one.pk, two.pk, none.pk])

    assert not results[one.pk].qualifies  # the revoked credential does not count
    assert results[one.pk].outcomes[0].detail == "Holds 1 of the 2 needed."
    assert results[two.pk].qualifies
    assert not results[none.pk].qualifies
    assert "Hold at least 2 of these credentials" in results[two.pk].outcomes[0].label
    assert "Foundations of AI in Education" in results[two.pk].outcomes[0].label


def test_the_label_needs_no_query_per_rule(award, electives, django_assert_max_num_queries):
    achievement_rule_add(
        achievement=award, kind=AchievementRule.Kind.CREDENTIALS_HELD_ANY, any_of=electives, threshold=1
    )
    with django_assert_max_num_queries(6):
        rules = achievement_rules(award)
        assert [rule.any_of.all().count() for rule in rules] == [3]


def test_the_stacked_award_is_issued_with_the_last_elective(award, electives):
    achievement_rule_add(
        achievement=award, kind=AchievementRule.Kind.CREDENTIALS_HELD_ANY, any_of=electives, threshold=2
    )
    person = make_person()
    credential_create(achievement=electives[1], person=person)
    assert credentials_award_due(person_id=person.pk) == []
    credential_create(achievement=electives[2], person=person)

    issued = credentials_award_due(person_id=person.pk)

    assert [credential.achievement for credential in issued] == [award]
    assert issued[0].method == Credential.Method.AUTOMATIC


@pytest.mark.parametrize(
    ("threshold", "count", "field"),
    [(0, 3, "threshold"), (4, 3, "threshold"), (None, 3, "threshold"), (1, 0, "any_of")],
)
def test_bad_counts_are_refused(award, electives, threshold, count, field):
    with pytest.raises(AchievementError) as refused:
        achievement_rule_add(
            achievement=award,
            kind=AchievementRule.Kind.CREDENTIALS_HELD_ANY,
            any_of=electives[:count],
            threshold=threshold,
        )
    assert refused.value.field == field
    assert not award.rules.exists()


def test_the_achievement_pages_cannot_add_it_without_a_list(award):
    """The manage page's rule form has no list of credentials: it gets a clear refusal on the kind."""
    with pytest.raises(AchievementError, match="stackable pathway") as refused:
        achievement_rule_add(achievement=award, kind=AchievementRule.Kind.CREDENTIALS_HELD_ANY, threshold=1)
    assert refused.value.field == "kind"


def test_another_programmes_credential_is_refused(award, electives):
    outsider = achievement_create(programme=ProgrammeFactory(), code="OTHER")
    with pytest.raises(AchievementError, match="not part of the programme"):
        achievement_rule_add(
            achievement=award,
            kind=AchievementRule.Kind.CREDENTIALS_HELD_ANY,
            any_of=[electives[0], outsider],
            threshold=1,
        )


def test_loops_through_the_list_are_refused_both_ways(award, electives):
    achievement_rule_add(
        achievement=award, kind=AchievementRule.Kind.CREDENTIALS_HELD_ANY, any_of=electives, threshold=1
    )
    # an elective may not require the award that counts it
    assert credential_held_cycle(achievement=electives[0], required=award)
    with pytest.raises(AchievementError, match="loop"):
        achievement_rule_add(
            achievement=electives[0], kind=AchievementRule.Kind.CREDENTIAL_HELD, required_achievement=award
        )
    # nor count it among its own list
    with pytest.raises(AchievementError, match="loop"):
        achievement_rule_add(
            achievement=electives[1], kind=AchievementRule.Kind.CREDENTIALS_HELD_ANY, any_of=[award], threshold=1
        )
    with pytest.raises(AchievementError, match="loop"):
        achievement_rule_add(
            achievement=award, kind=AchievementRule.Kind.CREDENTIALS_HELD_ANY, any_of=[award], threshold=1
        )


def test_the_rules_page_does_not_offer_the_kind_and_lists_a_pathways_rule(client, programme, award, electives):
    admin = person_with_role(Role.NATIONAL_ADMIN, programme=programme, preferred_language="en")
    client.force_login(admin)
    url = reverse("credentials:achievement_rules", args=[award.public_id])
    assert f'value="{AchievementRule.Kind.CREDENTIALS_HELD_ANY}"' not in client.get(url).content.decode()
    refused = client.post(url, {"kind": AchievementRule.Kind.CREDENTIALS_HELD_ANY, "threshold": 1})
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    assert not award.rules.exists()

    achievement_rule_add(
        achievement=award, kind=AchievementRule.Kind.CREDENTIALS_HELD_ANY, any_of=electives, threshold=2
    )
    assert "Hold at least 2 of these credentials" in client.get(url).content.decode()
