from django.urls import path

from erdem.workshops import offline, views

app_name = "workshops"
urlpatterns = [
    path("", views.workshop_list, name="list"),
    path("new/", views.workshop_new, name="new"),
    path("<int:pk>/", views.workshop_detail, name="detail"),
    path("<int:pk>/edit/", views.workshop_edit, name="edit"),
    path("<int:pk>/cancel/", views.workshop_cancel_view, name="cancel"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/unregister/", views.unregister, name="unregister"),
    path("<int:pk>/roster/", views.roster, name="roster"),
    path("sw.js", offline.offline_worker, name="offline_worker"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/checkin-screen/", views.checkin_screen, name="checkin_screen"),
    path("<int:pk>/checkin-screen/code.json", views.checkin_code, name="checkin_code"),
    path("<int:pk>/checkin/", views.checkin, name="checkin"),
    path("<int:pk>/sheets/", views.paper_upload, name="paper_upload"),
    path("<int:pk>/sheets/commit/", views.paper_commit, name="paper_commit"),
]
