# Placeholder until the management pages land (same session).
from django.http import Http404


def _missing(*args, **kwargs):
    raise Http404


achievement_list = achievement_create = keys = audit_log = credential_manage = achievement_detail = _missing
achievement_edit = achievement_rules = issue_manual = issue_bulk = _missing
