from django.urls import path

from erdem.authoring import views

app_name = "authoring"
urlpatterns = [
    path("", views.course_list, name="list"),
    path("new/", views.course_new, name="new"),
    path("<slug:code>/", views.course_detail, name="course"),
    path("<slug:code>/settings/", views.course_settings, name="settings"),
    path("<slug:code>/text/", views.course_text, name="course_text"),
    path("<slug:code>/preview/", views.course_preview, name="course_preview"),
    path("<slug:code>/modules/new/", views.module_new, name="module_new"),
    path("<slug:code>/modules/<int:pk>/", views.module_text, name="module"),
    path("<slug:code>/modules/<int:pk>/move/", views.module_reorder, name="module_move"),
    path("<slug:code>/modules/<int:pk>/delete/", views.module_remove, name="module_delete"),
    path("<slug:code>/modules/<int:pk>/lessons/new/", views.lesson_new, name="lesson_new"),
    path("<slug:code>/lessons/<int:pk>/", views.lesson_text, name="lesson"),
    path("<slug:code>/lessons/<int:pk>/move/", views.lesson_reorder, name="lesson_move"),
    path("<slug:code>/lessons/<int:pk>/delete/", views.lesson_remove, name="lesson_delete"),
    path("<slug:code>/lessons/<int:pk>/preview/", views.lesson_preview, name="lesson_preview"),
    path("<slug:code>/lessons/<int:pk>/quizzes/new/", views.quiz_new, name="quiz_new"),
    path("<slug:code>/quizzes/<int:pk>/", views.quiz_edit, name="quiz"),
    path("<slug:code>/quizzes/<int:pk>/questions/new/", views.question_new, name="question_new"),
    path("<slug:code>/questions/<int:pk>/delete/", views.question_remove, name="question_delete"),
    path("<slug:code>/questions/<int:pk>/correct/", views.question_correct, name="question_correct"),
    path("<slug:code>/choices/<int:pk>/delete/", views.choice_remove, name="choice_delete"),
]
