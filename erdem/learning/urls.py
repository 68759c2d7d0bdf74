from django.urls import path

from erdem.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.my_courses, name="list"),
    path("courses/<slug:code>/enrol/", views.enrol, name="enrol"),
    path("courses/<slug:code>/lessons/<int:pk>/done/", views.lesson_done, name="lesson_done"),
    path("courses/<slug:code>/feedback/", views.feedback, name="feedback"),
    path("cohorts/", views.cohort_list, name="cohorts"),
    path("cohorts/new/", views.cohort_new, name="cohort_new"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort"),
    path("cohorts/<int:pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("cohorts/<int:pk>/enrol/", views.cohort_enrol_page, name="cohort_enrol"),
]
