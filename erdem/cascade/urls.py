from django.urls import path

from erdem.cascade import exports, institution_views, mentoring_views, national_views, trainer_views

app_name = "cascade"

urlpatterns = [
    path("", national_views.overview, name="overview"),
    path("regions/", national_views.regions, name="regions"),
    path("appointments/", national_views.appointments, name="appointments"),
    path("appointments/new/", national_views.appointment_create, name="appointment_create"),
    path("appointments/<int:pk>/", national_views.appointment_detail, name="appointment_detail"),
    path("nominations/", national_views.nominations, name="nominations"),
    path("nominations/<int:pk>/", national_views.nomination_detail, name="nomination_detail"),
    path("mine/", trainer_views.mine, name="mine"),
    path("trainers/<int:person_id>/", trainer_views.trainer, name="trainer"),
    path("nominate/", trainer_views.nominate, name="nominate"),
    path("institutions/<int:pk>/", institution_views.institution, name="institution"),
    path("mentoring/", mentoring_views.mentoring, name="mentoring"),
    path("mentoring/assign/", mentoring_views.assign, name="mentor_assign"),
    path("mentoring/<int:pk>/", mentoring_views.pair, name="pair"),
    path("lineage.<str:fmt>", exports.lineage_export, name="lineage_export"),
]
