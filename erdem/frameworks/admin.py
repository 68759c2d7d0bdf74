"""Reference frameworks are loaded by migrations; the admin corrects names and descriptions.

Codes are what other data points at (`unesco-ai-cft:2.1`), so they are fixed once saved.
"""

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from erdem.frameworks.models import Competency, Dimension, Framework, Level


class _CodeFixedOnceSaved(admin.options.BaseModelAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "code"] if obj is not None else readonly


class DimensionInline(admin.TabularInline):
    model = Dimension
    fields = ["position", "code", "name_mn", "name_en"]
    extra = 0


class LevelInline(admin.TabularInline):
    model = Level
    fields = ["position", "code", "name_mn", "name_en"]
    extra = 0


@admin.register(Framework)
class FrameworkAdmin(_CodeFixedOnceSaved, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["code", "name_mn", "name_en", "version", "publisher"]
    search_fields = ["code", "name_mn", "name_en", "publisher"]
    fields = ["code", "name_mn", "name_en", "version", "publisher", "url"]
    inlines = [DimensionInline, LevelInline]


@admin.register(Dimension)
class DimensionAdmin(_CodeFixedOnceSaved, admin.ModelAdmin):
    list_display = ["framework", "code", "name_mn", "name_en", "position"]
    list_filter = ["framework"]
    list_select_related = ["framework"]
    search_fields = ["code", "name_mn", "name_en"]


@admin.register(Level)
class LevelAdmin(_CodeFixedOnceSaved, admin.ModelAdmin):
    list_display = ["framework", "code", "name_mn", "name_en", "position"]
    list_filter = ["framework"]
    list_select_related = ["framework"]
    search_fields = ["code", "name_mn", "name_en"]


@admin.register(Competency)
class CompetencyAdmin(_CodeFixedOnceSaved, admin.ModelAdmin):
    list_display = ["code", "name_mn", "name_en", "framework", "dimension", "level"]
    list_filter = ["framework", "dimension", "level"]
    list_select_related = ["framework", "dimension", "level"]
    search_fields = ["code", "name_mn", "name_en", "description_mn", "description_en"]
    fields = ["framework", "code", "dimension", "level", "name_mn", "name_en", "description_mn", "description_en"]
    ordering = ["framework__code", "dimension__position", "level__position", "code"]
