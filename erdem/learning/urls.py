from django.urls import path

from erdem.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.my_courses, name="list"),
    path("courses/<slug:code>/enrol/", views.enrol, name="enrol"),
    path("courses/<slug:code>/lessons/<int:pk>/done/", views.lesson_done, name="lesson_done"),
    path("courses/<slug:code>/feedback/", views.feedback, name="feedback"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort"),
    path("cohorts/<int:pk>/enrol/", views.cohort_enrol_page, name="cohort_enrol"),
]
