from django.urls import path

from erdem.assessments import views

app_name = "assessments"
urlpatterns = [
    path("<int:pk>/", views.quiz_detail, name="quiz"),
    path("attempts/<int:pk>/", views.attempt_detail, name="attempt"),
]
