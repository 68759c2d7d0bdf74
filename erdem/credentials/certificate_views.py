# Placeholder until the certificate pages land (same session).
from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


certificate_pdf = certificate_archive = _missing
