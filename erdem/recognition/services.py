"""Degree programmes, their modules and recognition rules, and credit recognition requests.

A request is checked in full when it is submitted: every external credential through the credentials
app's verifier, erdem's own credentials by their status and dates, the rule's dates and what it asks for,
and double counting (first by a query, then by the database's conditional unique constraint for two
requests racing). What the verifier said and the rule as it stood are stored with the request, so the
programme office decides on what the learner was promised, even when the rule changed since.
"""

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.template.defaultfilters import floatformat
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from erdem.access.policy import Action, can
from erdem.audit.models import AuditAction
from erdem.audit.services import audit_record
from erdem.core.i18n import localized
from erdem.core.mail import email_render, emails_send
from erdem.credentials.models import Achievement, Credential
from erdem.credentials.verification import Verification, credential_verify, identity_matches, verify_input
from erdem.people.models import Person
from erdem.recognition.models import (
    DegreeModule,
    DegreeProgramme,
    RecognitionRequest,
    RecognitionRule,
    RequestCredential,
)

OPEN_STATUSES = (RecognitionRequest.Status.SUBMITTED, RecognitionRequest.Status.APPROVED)
MAX_EXTERNAL = 10


class RecognitionError(Exception):
    """A request or decision refused, with a sentence for the person and the form field it concerns."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- degree programmes, modules, rules ----------------------------------------------------------------------------

DEGREE_FIELDS = (
    "code",
    "name_mn",
    "name_en",
    "level",
    "total_credits",
    "description_mn",
    "description_en",
    "is_active",
)
MODULE_FIELDS = ("code", "name_mn", "name_en", "credits", "is_elective", "position")
RULE_FIELDS = (
    "module",
    "name_mn",
    "name_en",
    "credits",
    "external_count",
    "external_issuers",
    "valid_from",
    "valid_to",
    "approved_by",
    "approval_reference",
)


def _assign(obj: Any, values: dict[str, Any], allowed: Sequence[str]) -> list[str]:
    changed = []
    for name, value in values.items():
        if name not in allowed:
            raise TypeError(f"unexpected field {name!r}")
        current = getattr(obj, f"{name}_id" if hasattr(obj, f"{name}_id") else name)
        if hasattr(obj, f"{name}_id") and value is not None:
            value_id = getattr(value, "pk", value)
            if current != value_id:
                setattr(obj, name, value)
                changed.append(name)
            continue
        if current != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _positive(value: Decimal | None, *, field: str, message: str) -> None:
    if value is not None and Decimal(value) <= 0:
        raise RecognitionError(message, field=field)


def _degree_check(degree: DegreeProgramme) -> None:
    _positive(
        degree.total_credits,
        field="total_credits",
        message=_("A degree programme has more than 0 credits: enter its credits in all."),
    )


def degree_create(*, institution: Any, actor: Person, **values: Any) -> DegreeProgramme:
    degree = DegreeProgramme(institution=institution)
    _assign(degree, values, DEGREE_FIELDS)
    _degree_check(degree)
    if DegreeProgramme.objects.filter(institution=institution, code=degree.code).exists():
        raise RecognitionError(_("This institution already has a degree programme with this code."), field="code")
    degree.save()
    return degree


def degree_update(*, degree: DegreeProgramme, actor: Person, **values: Any) -> DegreeProgramme:
    changed = _assign(degree, values, DEGREE_FIELDS)
    _degree_check(degree)
    if (
        "code" in changed
        and DegreeProgramme.objects.filter(institution_id=degree.institution_id, code=degree.code)
        .exclude(pk=degree.pk)
        .exists()
    ):
        raise RecognitionError(_("This institution already has a degree programme with this code."), field="code")
    if changed:
        degree.save(update_fields=changed)
    return degree


def degree_office_add(*, degree: DegreeProgramme, actor: Person, email: str) -> Person:
    """Add someone of the degree's institution to its programme office, found by e-mail address."""
    person = Person.objects.filter(
        email__iexact=email.strip(), institution_id=degree.institution_id, is_active=True
    ).first()
    if person is None:
        raise RecognitionError(
            _("Nobody at this institution has the e-mail address %(email)s.") % {"email": email.strip()},
            field="email",
        )
    degree.office.add(person)
    return person


def degree_office_remove(*, degree: DegreeProgramme, actor: Person, person: Person) -> None:
    degree.office.remove(person)


def module_save(
    *, degree: DegreeProgramme, actor: Person, module: DegreeModule | None = None, **values: Any
) -> DegreeModule:
    module = module or DegreeModule(degree=degree)
    changed = _assign(module, values, MODULE_FIELDS)
    _positive(module.credits, field="credits", message=_("A module is worth more than 0 credits."))
    if module.pk is not None and "credits" in changed:
        granting = module.rules.filter(credits__gt=module.credits).order_by("-credits").first()
        if granting is not None:
            raise RecognitionError(
                _(
                    "The rule %(rule)s grants %(credits)s credits for this module: a module is worth at least "
                    "what its rules grant. Change the rule first."
                )
                % {"rule": localized(granting, "name"), "credits": floatformat(granting.credits, -1)},
                field="credits",
            )
    if DegreeModule.objects.filter(degree=degree, code=module.code).exclude(pk=module.pk).exists():
        raise RecognitionError(_("This degree programme already has a module with this code."), field="code")
    if module.pk is None:
        module.save()
    elif changed:
        module.save(update_fields=changed)
    return module


def rule_save(
    *,
    degree: DegreeProgramme,
    actor: Person,
    rule: RecognitionRule | None = None,
    achievements: Iterable[Achievement] | None = None,
    **values: Any,
) -> RecognitionRule:
    """Create a rule or edit one; an edit that changes anything raises its version, so requests made under the
    earlier version say so to the office."""
    module = values.get("module")
    if module is not None and module.degree_id != degree.pk:
        raise RecognitionError(_("Choose a module of this degree programme."), field="module")
    wanted = None if achievements is None else sorted({achievement.pk for achievement in achievements})
    with transaction.atomic():
        if rule is None:
            rule = RecognitionRule(degree=degree)
            _assign(rule, values, RULE_FIELDS)
            _rule_check(rule, degree, approver_changed=True)
            rule.save()
            if wanted:
                rule.achievements.set(wanted)
            return rule
        rule = RecognitionRule.objects.select_for_update().get(pk=rule.pk)
        changed = _assign(rule, values, RULE_FIELDS)
        _rule_check(rule, degree, approver_changed="approved_by" in changed)
        if wanted is not None and wanted != sorted(rule.achievements.values_list("pk", flat=True)):
            rule.achievements.set(wanted)
            changed.append("achievements")
        if changed:
            rule.version += 1
            rule.updated_at = timezone.now()
            rule.save(update_fields=[name for name in changed if name != "achievements"] + ["version", "updated_at"])
    return rule


def _rule_check(rule: RecognitionRule, degree: DegreeProgramme, *, approver_changed: bool) -> None:
    """What a rule must be, whoever saves it: the checks the database makes too, said in words, and the ones it
    cannot make. The approver is checked when named (someone who approved a rule may have left the office since)."""
    _positive(rule.credits, field="credits", message=_("A rule grants more than 0 credits."))
    module_credits = DegreeModule.objects.filter(pk=rule.module_id).values_list("credits", flat=True).first()
    if module_credits is not None and rule.credits is not None and Decimal(rule.credits) > module_credits:
        raise RecognitionError(
            _("A rule grants at most what its module is worth: %(credits)s credits.")
            % {"credits": floatformat(module_credits, -1)},
            field="credits",
        )
    if rule.valid_to is not None and rule.valid_from is not None and rule.valid_to < rule.valid_from:
        raise RecognitionError(_("The rule cannot end before it starts."), field="valid_to")
    if approver_changed and rule.approved_by_id is not None and not can(rule.approved_by, Action.DEGREE_MANAGE, degree):
        raise RecognitionError(
            _(
                "%(name)s cannot approve this programme's rules: choose a coordinator of %(institution)s, "
                "a member of the programme office or a national admin."
            )
            % {"name": rule.approved_by.full_name, "institution": localized(degree.institution, "name")},
            field="approved_by",
        )
    for line in external_issuers(rule.external_issuers):
        if not issuer_identifier_valid(line):
            raise RecognitionError(
                _(
                    "“%(line)s” is not an issuer identifier: write one DID (did:method:…) or one https:// address "
                    "on each line."
                )
                % {"line": line[:100]},
                field="external_issuers",
            )


_DID = re.compile(r"did:[a-z0-9]+:(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2}|:)*(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})")
_HTTPS = URLValidator(schemes=["https"])


def issuer_identifier_valid(text: str) -> bool:
    """Whether `text` can name an issuer in a rule: a DID (did:method:identifier) or an https:// address."""
    if _DID.fullmatch(text):
        return True
    try:
        _HTTPS(text)
    except ValidationError:
        return False
    return True


def rule_in_force(rule: RecognitionRule, on: dt.date) -> bool:
    return rule.valid_from <= on and (rule.valid_to is None or on <= rule.valid_to)


def external_issuers(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _credits(value: Decimal) -> str:
    return str(Decimal(value).quantize(Decimal("0.1")))


def rule_snapshot(rule: RecognitionRule) -> dict[str, Any]:
    """The rule as it stands, in both languages: stored with a request and shown to the office."""
    approver = rule.approved_by
    return {
        "version": rule.version,
        "updated_at": rule.updated_at.isoformat(),
        "name_mn": rule.name_mn,
        "name_en": rule.name_en,
        "credits": _credits(rule.credits),
        "module": {
            "id": rule.module_id,
            "code": rule.module.code,
            "name_mn": rule.module.name_mn,
            "name_en": rule.module.name_en,
            "credits": _credits(rule.module.credits),
        },
        "achievements": [
            {"id": a.pk, "code": a.code, "name_mn": a.name_mn, "name_en": a.name_en}
            for a in sorted(rule.achievements.all(), key=lambda a: a.code)
        ],
        "external_count": rule.external_count,
        "external_issuers": external_issuers(rule.external_issuers),
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "approved_by": approver.full_name if approver else "",
        "approval_reference": rule.approval_reference,
    }


# --- requests ----------------------------------------------------------------------------------------------------


@dataclass
class _Offered:
    """A credential offered in a request, checked and ready to store."""

    key: str
    label: str
    credential: Credential | None = None
    document: dict[str, Any] | None = None
    jwt: str = ""
    verification: Verification | None = None


def split_external(text: str) -> list[str]:
    """Several pasted credentials in one box: JSON objects one after another, or VC-JWTs separated by spaces."""
    pieces: list[str] = []
    decoder = json.JSONDecoder()
    position, length = 0, len(text)
    while position < length:
        while position < length and text[position].isspace():
            position += 1
        if position >= length:
            break
        if text[position] == "{":
            try:
                _value, end = decoder.raw_decode(text, position)
            except ValueError:
                pieces.append(text[position:].strip())  # the verifier explains what is wrong with it
                break
            pieces.append(text[position:end])
            position = end
        else:
            end = position
            while end < length and not text[end].isspace():
                end += 1
            pieces.append(text[position:end])
            position = end
    return pieces


def _checks(result: Verification) -> list[dict[str, str]]:
    return [
        {"code": check.code, "status": check.status, "title": str(check.title), "message": str(check.message)}
        for check in result.checks
    ]


def verification_record(result: Verification) -> dict[str, Any]:
    return {
        "verdict": result.verdict,
        "language": translation.get_language(),
        "summary": str(result.summary),
        "status": result.status,
        "valid_until": result.valid_until.isoformat() if result.valid_until else None,
        "checks": _checks(result),
    }


def _external_problem(result: Verification) -> str | None:
    """Why the verifier's answer refuses a credential, in words; None when it is valid."""
    if result.verdict == "valid":
        return None
    statuses = {check.code: check.status for check in result.checks}
    if statuses.get("signature") == "fail":
        return _("its signature does not match: it was changed after it was signed, or it is forged")
    if result.status == "revoked":
        return _("its issuer has revoked it")
    if result.status == "suspended":
        return _("its issuer has suspended it")
    if statuses.get("dates") == "fail":
        if result.valid_until is not None and result.valid_until <= timezone.now():
            return _("it has expired")
        return _("it is not valid on this date")
    if result.verdict == "incomplete":
        return _("it could not be fully checked (its issuer's keys or status could not be reached); try again later")
    return str(result.summary).rstrip(".") or _("it is not a valid credential")


def _external_key(result: Verification, text: str) -> str:
    credential = result.credential or {}
    identifier = credential.get("id") if isinstance(credential, dict) else None
    if isinstance(identifier, str) and identifier.strip():
        return identifier.strip()[:300]
    return "sha256:" + hashlib.sha256(text.strip().encode()).hexdigest()


def _holder_problem(result: Verification, person: Person) -> str | None:
    """Why the credential does not show that it was issued to `person`; None when it does.

    It must name the person by their e-mail address (hashed with a salt, or plain), or by a DID they have
    linked to one of their erdem credentials: anything else could be someone else's credential."""
    emails = [identity for identity in result.identities if identity.identity_type == "emailAddress"]
    for identity in emails:
        if identity.hashed and identity_matches(email=person.email, identity_hash=identity.value, salt=identity.salt):
            return None
        if not identity.hashed and identity.value.strip().lower() == person.email.strip().lower():
            return None
    subject = result.subject_id.strip()
    if subject.startswith("did:") and (
        Credential.objects.filter(person=person, subject_did=subject).exclude(subject_did="").exists()
    ):
        return None
    if emails:
        return _("it was issued to someone else (its e-mail address is not yours)")
    if subject:
        return _(
            "it names its holder as %(holder)s, which is not linked to your account (link that DID to one of "
            "your erdem credentials first)"
        ) % {"holder": subject[:120]}
    return _("it does not say whom it was issued to, so it cannot count as yours")


def _external_offered(*, person: Person, texts: Sequence[str], at: dt.datetime) -> list[_Offered]:
    offered = []
    for number, text in enumerate(texts, start=1):
        result = verify_input(text, now=at, pointers=False)
        name = result.achievement_name or _("without a name")
        problem = _external_problem(result)
        if problem is None and result.ours is not None:
            problem = _("it is one of erdem's own credentials: tick it in the list of your credentials instead")
        if problem is None:
            problem = _holder_problem(result, person)
        if problem is not None:
            raise RecognitionError(
                _("External credential %(number)s (%(name)s) was refused: %(reason)s.")
                % {"number": number, "name": name, "reason": problem},
                field="external",
            )
        stripped = text.strip()
        document = result.credential if stripped.startswith("{") else None
        offered.append(
            _Offered(
                key=_external_key(result, stripped),
                label=_("external credential %(number)s (%(name)s)") % {"number": number, "name": name},
                document=document,
                jwt="" if document is not None else stripped,
                verification=result,
            )
        )
    return offered


def _own_offered(*, person: Person, credentials: Sequence[Credential], at: dt.datetime) -> list[_Offered]:
    offered = []
    for credential in credentials:
        name = localized(credential.achievement, "name")
        if credential.person_id != person.pk:
            raise RecognitionError(_("The credential %(name)s is not yours.") % {"name": name}, field="credentials")
        if credential.status != Credential.Status.ACTIVE:
            raise RecognitionError(
                _("Your credential %(name)s is %(status)s; only active credentials count.")
                % {"name": name, "status": credential.get_status_display()},
                field="credentials",
            )
        if credential.valid_until is not None and credential.valid_until <= at:
            raise RecognitionError(
                _("Your credential %(name)s has expired; only valid credentials count.") % {"name": name},
                field="credentials",
            )
        result = credential_verify(credential.document, now=at)
        if result.signature_status == "fail":
            raise RecognitionError(
                _("Your credential %(name)s was refused: %(reason)s.")
                % {"name": name, "reason": _external_problem(result)},
                field="credentials",
            )
        offered.append(
            _Offered(key=f"erdem:{credential.public_id}", label=name, credential=credential, verification=result)
        )
    return offered


def _rule_satisfied(*, rule: RecognitionRule, own: list[_Offered], external: list[_Offered]) -> None:
    required = {a.pk: a for a in rule.achievements.all()}
    held = {item.credential.achievement_id for item in own if item.credential is not None}
    for item in own:
        if item.credential is not None and item.credential.achievement_id not in required:
            raise RecognitionError(
                _("Your credential %(name)s does not count for this rule; untick it.") % {"name": item.label},
                field="credentials",
            )
    missing = [localized(achievement, "name") for pk, achievement in required.items() if pk not in held]
    if missing:
        raise RecognitionError(
            _("This rule needs all of its erdem credentials; missing: %(names)s.") % {"names": ", ".join(missing)},
            field="credentials",
        )
    accepted = set(external_issuers(rule.external_issuers))
    for item in external:
        if item.verification is not None and item.verification.issuer_id not in accepted:
            raise RecognitionError(
                _("The %(label)s is from an issuer this rule does not accept (%(issuer)s).")
                % {"label": item.label, "issuer": item.verification.issuer_id or "?"},
                field="external",
            )
    if len(external) < rule.external_count:
        raise RecognitionError(
            _("This rule needs %(count)s external credentials from its accepted issuers; you gave %(given)s.")
            % {"count": rule.external_count, "given": len(external)},
            field="external",
        )
    if len(external) > rule.external_count:
        raise RecognitionError(
            _("This rule counts %(count)s external credentials; you gave %(given)s. Remove the extra ones.")
            % {"count": rule.external_count, "given": len(external)},
            field="external",
        )


def _counted_already(degree: DegreeProgramme, offered: list[_Offered]) -> None:
    keys = [item.key for item in offered]
    if len(set(keys)) != len(keys):
        raise RecognitionError(_("The same credential was given twice in this request."), field="external")
    counted = set(
        RequestCredential.objects.filter(degree=degree, counts=True, credential_key__in=keys).values_list(
            "credential_key", flat=True
        )
    )
    for item in offered:
        if item.key in counted:
            raise RecognitionError(
                _(
                    "The %(label)s already counts for credit in this degree programme (in another request); "
                    "a credential counts once."
                )
                % {"label": item.label},
                field="credentials" if item.credential is not None else "external",
            )


def request_submit(
    *,
    person: Person,
    degree: DegreeProgramme,
    rule: RecognitionRule,
    credentials: list[Credential],
    external: list[str],
    message: str = "",
    at: dt.datetime | None = None,
    notify: bool = True,
) -> RecognitionRequest:
    """Ask `degree` for the credit of `rule` with the person's own `credentials` and pasted `external` ones.
    Nothing is saved unless every check passes (RecognitionError says which credential and why). The programme
    office is told by e-mail once it is saved (unless `notify` is False, as for demo data)."""
    at = at or timezone.now()
    if rule.degree_id != degree.pk:
        raise RecognitionError(_("Choose a rule of this degree programme."), field="rule")
    if not degree.is_active:
        raise RecognitionError(_("This degree programme does not take requests now."), field="rule")
    if not rule_in_force(rule, timezone.localdate(at)):
        raise RecognitionError(
            _("This rule is not in force on %(date)s; choose a rule in force.")
            % {"date": formats.date_format(timezone.localdate(at), "DATE_FORMAT")},
            field="rule",
        )
    texts = [text for text in external if text.strip()]
    if len(texts) > MAX_EXTERNAL:
        raise RecognitionError(
            _("Give at most %(count)s external credentials in one request.") % {"count": MAX_EXTERNAL},
            field="external",
        )
    if not credentials and not texts:
        raise RecognitionError(_("Choose or paste at least one credential."), field="credentials")
    own = _own_offered(person=person, credentials=credentials, at=at)
    outside = _external_offered(person=person, texts=texts, at=at)
    _rule_satisfied(rule=rule, own=own, external=outside)
    if RecognitionRequest.objects.filter(
        person=person, degree=degree, rule__module_id=rule.module_id, status__in=OPEN_STATUSES
    ).exists():
        raise RecognitionError(
            _("The module %(module)s is already credited to you, or a request for it is waiting for a decision.")
            % {"module": rule.module.name},
            field="rule",
        )
    offered = own + outside
    _counted_already(degree, offered)
    try:
        with transaction.atomic():
            request = RecognitionRequest.objects.create(
                person=person,
                degree=degree,
                rule=rule,
                rule_version=rule.version,
                rule_snapshot=rule_snapshot(rule),
                message=message.strip(),
                submitted_at=at,
            )
            RequestCredential.objects.bulk_create([_request_credential(request, item) for item in offered])
            if notify:
                request_id = request.pk
                transaction.on_commit(lambda: request_arrival_notify(request_id=request_id))
    except IntegrityError as error:
        raise RecognitionError(
            _(
                "One of these credentials was counted for credit in this degree programme a moment ago, in another "
                "request; a credential counts once."
            ),
            field="credentials",
        ) from error
    return request


def _request_credential(request: RecognitionRequest, item: _Offered) -> RequestCredential:
    result = item.verification or Verification(verdict="invalid", format="", credential=None, checks=[])
    credential = item.credential
    return RequestCredential(
        request=request,
        degree_id=request.degree_id,
        credential=credential,
        external_document=item.document,
        external_jwt=item.jwt,
        credential_key=item.key,
        issuer_id=result.issuer_id[:500],
        issuer_name=result.issuer_name[:300],
        achievement_name=(
            localized(credential.achievement, "name") if credential is not None else result.achievement_name
        )[:500],
        verdict=result.verdict,
        verification=verification_record(result),
    )


def request_arrival_notify(*, request_id: int) -> None:
    """Tell the programme office (its named members and the institution's coordinators) that a request
    waits for a decision, each in their language."""
    from erdem.recognition.selectors import degree_deciders

    request = RecognitionRequest.objects.select_related("person", "degree__institution").get(pk=request_id)
    deciders = degree_deciders(request.degree).exclude(pk=request.person_id)
    emails_send(
        [
            email_render(to=decider, template="recognition/emails/arrived", context={"request": request}, html=False)
            for decider in deciders
        ]
    )


def request_decide(
    *,
    request: RecognitionRequest,
    actor: Person,
    approve: bool,
    reason: str,
    at: dt.datetime | None = None,
    notify: bool = True,
) -> RecognitionRequest:
    """The programme office's decision, on the rule as it was at submission (`rule_snapshot`); the learner is
    told by e-mail in their language once it is saved (unless `notify` is False, as for demo data)."""
    at = at or timezone.now()
    reason = reason.strip()
    if not approve and not reason:
        raise RecognitionError(_("Give the reason for rejecting the request; the learner reads it."), field="reason")
    with transaction.atomic():
        locked = RecognitionRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != RecognitionRequest.Status.SUBMITTED:
            raise RecognitionError(_("This request has already been decided or withdrawn."))
        locked.status = RecognitionRequest.Status.APPROVED if approve else RecognitionRequest.Status.REJECTED
        locked.decided_by = actor
        locked.decided_at = at
        locked.decision_reason = reason
        locked.credits_granted = Decimal(locked.rule_snapshot["credits"]) if approve else None
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason", "credits_granted"])
        if not approve:
            locked.credentials.update(counts=False)
        audit_record(
            action=AuditAction.RECOGNITION_DECIDE,
            actor=actor,
            subject=locked.person_id,
            target=locked,
            summary=f"Credit request {locked.status}",
            details={
                "before": RecognitionRequest.Status.SUBMITTED,
                "after": locked.status,
                "credits": str(locked.credits_granted) if locked.credits_granted is not None else None,
                "degree": locked.degree_id,
                "rule": locked.rule_id,
                "rule_version": locked.rule_version,
                "reason": reason,
            },
            at=at,
        )
        request_id = locked.pk
        if notify:
            transaction.on_commit(lambda: request_decision_notify(request_id=request_id))
    request.refresh_from_db()
    return request


def request_decision_notify(*, request_id: int) -> None:
    request = RecognitionRequest.objects.select_related("person", "degree", "degree__institution", "rule").get(
        pk=request_id
    )
    from erdem.recognition.selectors import rule_changed_since, snapshot_text

    with translation.override(request.person.preferred_language):
        module_name = snapshot_text(request.rule_snapshot.get("module", {}), "name")
    context = {"request": request, "module_name": module_name, "rule_changed": rule_changed_since(request)}
    emails_send([email_render(to=request.person, template="recognition/emails/decided", context=context, html=False)])


def request_withdraw(*, request: RecognitionRequest, person: Person) -> RecognitionRequest:
    """The learner takes back a request still waiting for a decision; its credentials are free to count again."""
    if request.person_id != person.pk:
        raise RecognitionError(_("Only the person who made the request may withdraw it."))
    with transaction.atomic():
        locked = RecognitionRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != RecognitionRequest.Status.SUBMITTED:
            raise RecognitionError(_("Only a request waiting for a decision can be withdrawn."))
        locked.status = RecognitionRequest.Status.WITHDRAWN
        locked.save(update_fields=["status"])
        locked.credentials.update(counts=False)
    request.refresh_from_db()
    return request
