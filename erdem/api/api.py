"""The erdem REST API, version 1, mounted at /api/v1/ (erdem/api/urls.py).

Each domain app contributes a router from its `apis.py`; authentication, errors
and the OpenAPI document are set up here. Endpoints ask for a signed-in caller
unless they are declared with `**PUBLIC` (erdem.api.auth): public reference data.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from erdem.access.apis import router as roles_router
from erdem.api.auth import signed_in
from erdem.api.errors import install_error_handlers
from erdem.api.openapi import DistinctSchemas, document_common_errors
from erdem.cascade.apis import router as cascade_router
from erdem.catalog.apis import router as courses_router
from erdem.credentials.apis import router as credentials_router
from erdem.insights.apis import router as insights_router
from erdem.jobs.apis import router as jobs_router
from erdem.learning.apis import router as learning_router
from erdem.organisations.apis import institutions_router, regions_router
from erdem.people.apis import router as people_router
from erdem.portfolio.apis import router as portfolio_router
from erdem.programmes.apis import router as programmes_router
from erdem.recognition.apis import router as recognition_router
from erdem.workshops.apis import router as workshops_router


class ErdemAPI(NinjaAPI):
    def create_response(self, request: HttpRequest, data: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().create_response(request, data, *args, **kwargs)
        # A token caller's language is chosen after the language middleware ran; say which one applies.
        response.headers["Content-Language"] = translation.get_language() or ""
        return response

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return document_common_errors(DistinctSchemas(self, path_prefix))


api = ErdemAPI(
    title="erdem API",
    version="1",
    description=(
        "Reference data (regions, institutions, programmes) is public. Everything else needs "
        "a personal API token (`Authorization: Bearer <token>`, created on the API tokens page) "
        "or a signed-in browser session, which must send the CSRF token on POST and DELETE. "
        "Texts come in the caller's saved language (else the `erdem_language` cookie, else Mongolian); "
        "bilingual names are also given as `name_mn` and `name_en`."
    ),
    auth=signed_in,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url=None,
)
install_error_handlers(api)

api.add_router("/regions/", regions_router)
api.add_router("/institutions/", institutions_router)
api.add_router("/programmes/", programmes_router)
api.add_router("/people/", people_router)
api.add_router("/roles/", roles_router)
api.add_router("/jobs/", jobs_router)
api.add_router("/courses/", courses_router)
api.add_router("/learning/", learning_router)
api.add_router("/workshops/", workshops_router)
api.add_router("/credentials/", credentials_router)
api.add_router("/cascade/", cascade_router)
api.add_router("/insights/", insights_router)
api.add_router("/recognition/", recognition_router)
api.add_router("/portfolio/", portfolio_router)
