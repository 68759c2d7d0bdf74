# Placeholder until the pages land (same session).
from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


overview = regions = appointments = appointment_create = appointment_detail = nominations = _missing
nomination_detail = _missing
