# Placeholder until the public pages land (same session).
from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


mine = achievement = achievement_image = public = download_json = download_jwt = _missing
holder_settings = _missing
