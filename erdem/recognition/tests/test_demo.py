"""The demo's recognition step: the master's degree at the national centre's university, its rules, the
standards with the achievements aligned, the pathways, and credit requests in every state."""

from decimal import Decimal

import pytest

from erdem.access.models import Role
from erdem.access.policy import Action, can
from erdem.credentials.models import Achievement, Credential
from erdem.demo.services import demo_load
from erdem.people.models import Person
from erdem.programmes.models import Programme
from erdem.recognition.demo import DEGREE, MODULES
from erdem.recognition.models import (
    DegreeProgramme,
    Pathway,
    RecognitionRequest,
    RecognitionRule,
    RequestCredential,
    StandardDescriptor,
)
from erdem.recognition.selectors import credit_record, rule_changed_since
from erdem.recognition.services import request_decide

pytestmark = pytest.mark.django_db

SMALL = {"educators": 60, "institutions": 5}
Status = RecognitionRequest.Status


@pytest.fixture
def loaded() -> Programme:
    return demo_load(**SMALL).programme


def test_the_masters_degree_at_the_national_centre_its_rules_standards_and_pathways(loaded):
    degree = DegreeProgramme.objects.get(code=DEGREE["code"])

    assert degree.institution_id == loaded.national_centre_id
    assert degree.name_en == "Master of Education in Educational Technology"
    assert degree.modules.count() == len(MODULES)
    core = sum(module.credits for module in degree.modules.all() if not module.is_elective)
    electives = sorted(module.credits for module in degree.modules.all() if module.is_elective)
    assert core + sum(electives[:2]) == degree.total_credits == 32
    ai_module = degree.modules.get(name_en="AI in education")
    [rule] = RecognitionRule.objects.filter(module=ai_module)
    assert rule.credits == 6
    assert list(rule.achievements.values_list("code", flat=True)) == ["AI-TEACH-MC"]
    assert RecognitionRule.objects.filter(degree=degree, external_count__gt=0).count() == 2

    # The standards are loaded, the achievements aligned, one pathway published and one in draft.
    descriptors = StandardDescriptor.objects.filter(standard__programme=loaded)

    assert descriptors.count() == 18
    micro = Achievement.objects.get(code="AI-TEACH-MC")
    assert descriptors.filter(achievements=micro).count() >= 3
    published = Pathway.objects.get(is_published=True)
    assert set(published.steps.values_list("achievement__code", flat=True)) == {"AI-TEACH-MC", "AI-TEACH-TRAINER"}
    assert published.milestones.count() == 2
    # Those holding both steps hold the pathway credential, issued by the step (nothing left for the job).
    both = set(
        Credential.objects.filter(achievement__code="AI-TEACH-MC", status="active").values_list("person_id", flat=True)
    ) & set(Credential.objects.filter(achievement__code="AI-TEACH-TRAINER").values_list("person_id", flat=True))
    leaders = Credential.objects.filter(achievement=published.achievement)
    assert set(leaders.values_list("person_id", flat=True)) == both
    assert Pathway.objects.filter(is_published=False).exists()


def test_requests_are_in_every_state_and_one_was_decided_on_a_rule_changed_since(loaded):
    requests = RecognitionRequest.objects.select_related("rule")

    assert set(requests.values_list("status", flat=True)) == set(Status.values)
    for rejected in requests.filter(status=Status.REJECTED):
        assert rejected.decision_reason and rejected.decided_by is not None
        assert not rejected.credentials.filter(counts=True).exists()
    for approved in requests.filter(status=Status.APPROVED):
        assert approved.credits_granted == Decimal(approved.rule_snapshot["credits"]) > 0
    decided_on_older = [
        request for request in requests.exclude(decided_at=None) if rule_changed_since(request) is not None
    ]
    assert decided_on_older
    assert all(request.rule_snapshot["version"] < request.rule.version for request in decided_on_older)
    # The external credentials were verified at submission and found valid.
    external = RequestCredential.objects.exclude(external_document=None)
    assert external.exists()
    assert set(external.values_list("verdict", flat=True)) == {"valid"}

    # The demo coordinator (the centre's coordinator) decides the demo educator's waiting request.
    coordinator = Person.objects.get(email="coordinator@demo.erdem.mn")
    educator = Person.objects.get(email="educator@demo.erdem.mn")
    degree = DegreeProgramme.objects.get(code=DEGREE["code"])
    mine = RecognitionRequest.objects.filter(person=educator)

    assert sorted(mine.values_list("status", flat=True)) == sorted(
        [Status.APPROVED, Status.SUBMITTED, Status.WITHDRAWN]
    )
    assert can(coordinator, Action.DEGREE_OFFICE, degree)
    [record] = credit_record(educator)
    assert record.total == 3
    waiting = mine.get(status=Status.SUBMITTED)
    decided = request_decide(request=waiting, actor=coordinator, approve=True, reason="")
    assert decided.status == Status.APPROVED
    [record] = credit_record(educator)
    assert record.total == 6

    assert coordinator.role_assignments.filter(role=Role.COORDINATOR, institution=loaded.national_centre).exists()
