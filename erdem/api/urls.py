from django.urls import URLPattern, path, re_path

from erdem.api import views
from erdem.api.api import api

app_name = "api"
urlpatterns = [
    path("docs", views.api_docs, name="openapi-view"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke", views.token_revoke, name="token-revoke"),
    # The OpenAPI document ("openapi-json"), the endpoints and Ninja's "api-root", in this namespace.
    *(
        URLPattern(
            pattern.pattern,
            views.with_json_method_not_allowed(views.rejecting_nul_characters(pattern.callback)),
            pattern.default_args,
            pattern.name,
        )
        if isinstance(pattern, URLPattern)
        else pattern
        for pattern in api.urls[0]
    ),
    re_path(r"^(?P<unmatched>.+)$", views.api_not_found),
]
