from django.urls import path

from erdem.api import views
from erdem.api.api import api

app_name = "api"
urlpatterns = [
    path("docs", views.api_docs, name="openapi-view"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke", views.token_revoke, name="token-revoke"),
    # The OpenAPI document ("openapi-json") and the endpoints; Ninja names its routes in this namespace.
    *api.urls[0],
]
