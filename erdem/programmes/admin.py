from django.contrib import admin

from erdem.programmes.models import Programme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["slug", "name_mn", "name_en", "national_centre", "starts_on", "ends_on", "is_active"]
    list_filter = ["is_active", "starts_on"]
    list_select_related = ["national_centre"]
    search_fields = ["slug", "name_mn", "name_en"]
    autocomplete_fields = ["national_centre"]
    date_hierarchy = "starts_on"
    fields = [
        "slug",
        "name_mn",
        "name_en",
        "description_mn",
        "description_en",
        "national_centre",
        "starts_on",
        "ends_on",
        "is_active",
    ]
