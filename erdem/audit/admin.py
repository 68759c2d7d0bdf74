"""The audit log in the Django admin: read only, for support. No adding, changing, deleting or actions."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from erdem.audit.models import AuditEvent
from erdem.audit.selectors import detail_items, person_of

SHOWN = ("at", "action", "actor_label", "subject_label", "target", "summary", "details_list", "ip_address")


def _person_label(event: AuditEvent, role: str) -> str:
    person, person_id = person_of(event, role)
    if person is not None:
        return f"{person.full_name} <{person.email}>"
    if person_id is not None:
        return str(_("deleted person #%(id)s") % {"id": person_id})
    return "—"


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "actor_label", "subject_label", "target", "summary"]
    list_filter = ["action"]
    list_select_related = ["actor", "subject"]
    search_fields = ["target", "summary", "actor__email", "subject__email"]
    date_hierarchy = "at"
    ordering = ["-at", "-id"]
    actions = None
    fields = SHOWN
    readonly_fields = SHOWN

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).select_related("actor", "subject")

    @admin.display(description=_("by"))
    def actor_label(self, event: AuditEvent) -> str:
        return _person_label(event, "actor")

    @admin.display(description=_("about"))
    def subject_label(self, event: AuditEvent) -> str:
        return _person_label(event, "subject")

    @admin.display(description=_("details"))
    def details_list(self, event: AuditEvent) -> str:
        return "; ".join(f"{key}: {value}" for key, value in detail_items(event))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
