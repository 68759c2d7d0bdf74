# Placeholder until the pages land (same session).
from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


lineage_export = _missing
