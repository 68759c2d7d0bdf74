"""Test data for the cascade: appointments made through the service (prerequisites overridden with a reason)."""

import datetime as dt
from typing import Any

from erdem.cascade.models import Appointment, Tier
from erdem.cascade.services import appointment_create
from erdem.people.models import Person
from erdem.people.tests.factories import make_person


def appoint(
    *, programme: Any, tier: str = Tier.REGIONAL_TRAINER, person: Person | None = None, **fields: Any
) -> Appointment:
    """`person` (a new one by default) appointed to `tier` for two years from 2026-01-01."""
    fields.setdefault("starts_on", dt.date(2026, 1, 1))
    fields.setdefault("term_ends_on", dt.date(2028, 1, 1))
    fields.setdefault("appointed_by", None)
    fields.setdefault("override_reason", "Appointed in a test without checking prerequisites.")
    return appointment_create(programme=programme, person=person or make_person(), tier=tier, **fields)
