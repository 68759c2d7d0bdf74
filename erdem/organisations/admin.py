from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from erdem.organisations.models import Institution, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """The capital and the aimags are loaded by a migration: names can be corrected, rows not added or removed."""

    list_display = ["iso_code", "name_mn", "name_en", "kind"]
    list_filter = ["kind"]
    search_fields = ["iso_code", "name_mn", "name_en"]
    readonly_fields = ["iso_code", "kind"]
    ordering = ["kind", "name_mn"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Region | None = None) -> bool:
        return False


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["code", "name_mn", "short_name_mn", "short_name_en", "kind", "ownership", "region", "is_active"]
    list_filter = ["is_active", "kind", "ownership", "region"]
    list_select_related = ["region"]
    search_fields = ["code", "name_mn", "name_en", "short_name_mn", "short_name_en"]
    autocomplete_fields = ["region"]
    ordering = ["name_mn"]
    fields = [
        "code",
        "name_mn",
        "short_name_mn",
        "name_en",
        "short_name_en",
        "kind",
        "ownership",
        "region",
        "website",
        "is_active",
    ]
