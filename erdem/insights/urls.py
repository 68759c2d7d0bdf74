from django.urls import path

from erdem.insights import exports, institution_views, national_views, report_views, survey_views, trainer_views

app_name = "insights"

urlpatterns = [
    path("", national_views.dashboard, name="dashboard"),
    path("rankings/", national_views.rankings, name="rankings"),
    path("settings/", national_views.settings, name="settings"),
    path("refresh/", national_views.refresh, name="refresh"),
    path("table.<str:fmt>", exports.table_export, name="table_export"),
    path("rankings.<str:fmt>", exports.ranking_export, name="ranking_export"),
    path("institutions/<int:pk>/", institution_views.dashboard, name="institution"),
    path("institutions/<int:pk>/staff.<str:fmt>", exports.staff_export, name="staff_export"),
    path("trainer/", trainer_views.dashboard, name="trainer"),
    path("trainer/cohorts.<str:fmt>", exports.cohorts_export, name="cohorts_export"),
    path("surveys/", survey_views.surveys, name="surveys"),
    path("surveys/new/", survey_views.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", survey_views.survey_detail, name="survey"),
    path("surveys/<int:pk>/questions/new/", survey_views.question_create, name="question_create"),
    path("surveys/<int:pk>/questions/<int:question_id>/", survey_views.question_edit, name="question"),
    path("surveys/<int:pk>/results/", survey_views.results, name="survey_results"),
    path("surveys/<int:pk>/send/", survey_views.send, name="survey_send"),
    path("s/<str:token>/", survey_views.answer, name="survey_answer"),
    path("reports/", report_views.reports, name="reports"),
    path("reports/<int:pk>/<str:language>.pdf", report_views.download, name="report_download"),
]
