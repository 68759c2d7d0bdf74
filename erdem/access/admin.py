"""Role assignments are granted and ended through the application, with an audit trail;
the admin only lists them, for support and oversight."""

from typing import TYPE_CHECKING

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from erdem.access.models import RoleAssignment

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class CurrentFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "current"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, "StrOrPromise"]]:
        return [("yes", _("current")), ("no", _("ended"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[RoleAssignment]) -> QuerySet[RoleAssignment]:
        if self.value() == "yes":
            return queryset.filter(ended_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(ended_at__isnull=False)
        return queryset


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "programme", "institution", "region", "granted_by", "granted_at", "ended_at"]
    list_filter = [CurrentFilter, "role", "programme", "region", "institution"]
    list_select_related = ["person", "programme", "institution", "region", "granted_by"]
    search_fields = ["person__email", "person__family_name", "person__given_name", "institution__name_mn"]
    date_hierarchy = "granted_at"
    ordering = ["-granted_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: RoleAssignment | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: RoleAssignment | None = None) -> bool:
        return False
