from typing import Any

from django.http import HttpRequest

from erdem.web.selectors import navigation_for


def erdem(request: HttpRequest) -> dict[str, Any]:
    """Navigation links for the signed-in person's roles."""
    return {"erdem_nav": navigation_for(request.user)}
