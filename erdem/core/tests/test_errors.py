from typing import Any

import pytest
from django.db import InterfaceError, OperationalError

from erdem.core.errors import server_error


def _page_while_handling(rf: Any, exception: Exception, **cookies: str) -> Any:
    request = rf.get("/courses/")
    request.COOKIES.update(cookies)
    try:
        raise exception
    except Exception:
        return server_error(request)


@pytest.mark.parametrize("exception", [OperationalError("server closed the connection"), InterfaceError("closed")])
def test_an_unavailable_database_is_a_503_to_retry(rf: Any, exception: Exception) -> None:
    response = _page_while_handling(rf, exception, erdem_language="en")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "Back in a moment" in html
    assert '<a class="button" href="">' in html  # this very page again
    assert "server closed" not in html


def test_the_503_page_speaks_the_cookie_s_language(rf: Any, settings: Any) -> None:
    response = _page_while_handling(rf, OperationalError("down"))
    assert response["Content-Language"] == settings.LANGUAGE_CODE == "mn"
    assert '<html lang="mn">' in response.content.decode()


def test_other_errors_keep_the_500_page(rf: Any) -> None:
    response = _page_while_handling(rf, ValueError("bug"))
    assert response.status_code == 500
    assert "Retry-After" not in response
