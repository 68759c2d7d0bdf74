"""Stackable pathways and the national teacher qualification framework (namespace recognition:)."""

from django.urls import path

from erdem.recognition import pathway_views, standard_views

urlpatterns = [
    path("pathways/", pathway_views.pathways, name="pathways"),
    path("pathways/new/", pathway_views.pathway_new, name="pathway_new"),
    path("pathways/<int:pk>/", pathway_views.pathway, name="pathway"),
    path("pathways/<int:pk>/edit/", pathway_views.pathway_edit, name="pathway_edit"),
    path("standards/", standard_views.standards, name="standards"),
    path("standards/map/", standard_views.standards_map_mine, name="standards_map"),
    path("standards/alignments/", standard_views.alignments, name="alignments"),
    path("standards/new/", standard_views.standard_new, name="standard_new"),
    path("standards/<int:pk>/edit/", standard_views.standard_edit, name="standard_edit"),
    path("standards/levels/new/", standard_views.level_new, name="level_new"),
    path("standards/levels/<int:pk>/edit/", standard_views.level_edit, name="level_edit"),
    path(
        "standards/<int:standard>/levels/<int:level>/descriptor/",
        standard_views.descriptor_edit,
        name="descriptor_edit",
    ),
]
