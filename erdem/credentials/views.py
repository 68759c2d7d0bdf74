"""What the issuer publishes for verifiers: its DID document, its JWK Set, its status lists."""

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from erdem.credentials.identity import did_document, jwks
from erdem.credentials.keys import key_active
from erdem.credentials.models import StatusList
from erdem.credentials.status import status_list_credential


def _json(data: dict, content_type: str, *, max_age: int = 300) -> JsonResponse:
    response = JsonResponse(data, content_type=content_type, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


@require_GET
def did_json(request: HttpRequest) -> JsonResponse:
    key_active()  # a fresh installation publishes its first key before anything is signed
    return _json(did_document(), "application/did+json")


@require_GET
def jwks_json(request: HttpRequest) -> JsonResponse:
    key_active()
    return _json(jwks(), "application/jwk-set+json")


@require_GET
def status_list(request: HttpRequest, number: int) -> JsonResponse:
    """The signed status list credential. Not cached by clients: a revocation must show at once."""
    found = StatusList.objects.filter(number=number).first()
    if found is None:
        raise Http404
    return _json(status_list_credential(found), "application/vc+ld+json", max_age=0)
