from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from erdem.people import forms, two_factor_views, views

app_name = "people"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", two_factor_views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/enrol/", two_factor_views.two_factor_enrol, name="two_factor_enrol"),
    path("two-factor/backup-codes/", two_factor_views.two_factor_backup_codes, name="two_factor_backup_codes"),
    path("two-factor/remove/", two_factor_views.two_factor_remove, name="two_factor_remove"),
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    path("confirm/<uidb64>/<token>/", views.confirm_email, name="confirm_email"),
    path("confirm/resend/", views.resend_confirmation, name="resend_confirmation"),
    path("profile/", views.profile, name="profile"),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            form_class=forms.PasswordChangeForm,
            template_name="people/password_change_form.html",
            success_url=reverse_lazy("people:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="people/password_change_done.html"),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="people/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("password/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="people/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("institutions/<int:pk>/people/", views.institution_people, name="institution_people"),
    path("institutions/<int:pk>/invite/", views.staff_import_upload, name="institution_invite"),
    path("imports/<int:pk>/", views.staff_import_detail, name="staff_import_detail"),
    path("imports/<int:pk>/invite/", views.staff_import_commit, name="staff_import_commit"),
]
