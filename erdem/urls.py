from django.contrib import admin
from django.urls import include, path

from erdem.credentials import views as credential_views
from erdem.people.two_factor_views import admin_site_protect

# The admin signs in through erdem's login page (throttled) and asks for the two-factor code too.
admin_site_protect(admin.site)

urlpatterns = [
    path("", include("erdem.web.urls")),
    path("accounts/privacy/", include("erdem.people.privacy_urls")),
    path("accounts/", include("erdem.people.urls")),
    path("courses/", include("erdem.catalog.urls")),
    path("quizzes/", include("erdem.assessments.urls")),
    path("learning/", include("erdem.learning.urls")),
    path("assignments/", include("erdem.assignments.urls")),
    path("workshops/", include("erdem.workshops.urls")),
    path("authoring/", include("erdem.authoring.urls")),
    path("credentials/", include("erdem.credentials.urls")),
    path("cascade/", include("erdem.cascade.urls")),
    path("insights/", include("erdem.insights.urls")),
    path("recognition/", include("erdem.recognition.urls")),
    path("portfolio/", include("erdem.portfolio.urls")),
    path(".well-known/did.json", credential_views.did_json, name="did_document"),
    path(".well-known/jwks.json", credential_views.jwks_json, name="jwks"),
    path("jobs/", include("erdem.jobs.urls")),
    path("roles/", include("erdem.access.urls")),
    path("audit/", include("erdem.audit.urls")),
    path("api/v1/", include("erdem.api.urls")),
    path("admin/", admin.site.urls),
]

# A 503 that says "back in a moment" when the database is unavailable (erdem.core.errors).
handler500 = "erdem.core.errors.server_error"
