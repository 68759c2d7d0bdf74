"""Pages to measure and the signed-in sessions to measure them with (runs inside Django)."""

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from erdem.access.models import Role, RoleAssignment
from erdem.demo.services import demo_login_email


def page_targets() -> list[tuple[str, str, str | None]]:
    """(name, path, login email or None); the first is the baseline."""
    coordinator = get_user_model().objects.get(email=demo_login_email(role=Role.COORDINATOR))
    institution_id = (
        RoleAssignment.objects.filter(person=coordinator, role=Role.COORDINATOR)
        .values_list("institution_id", flat=True)
        .first()
    )
    people_list = reverse("people:institution_people", args=[institution_id])
    return [
        ("bare Django view (baseline)", "/bench/bare/", None),
        ("landing page (anonymous)", reverse("web:landing"), None),
        ("home: educator", reverse("web:home"), demo_login_email(role=Role.EDUCATOR)),
        ("home: coordinator", reverse("web:home"), demo_login_email(role=Role.COORDINATOR)),
        ("home: national admin", reverse("web:home"), demo_login_email(role=Role.NATIONAL_ADMIN)),
        ("institution people list", people_list, demo_login_email(role=Role.COORDINATOR)),
        ("people list, page 10", f"{people_list}?page=10", demo_login_email(role=Role.NATIONAL_ADMIN)),
    ]


def session_cookie(email: str) -> str:
    person = get_user_model().objects.get(email=email)
    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


def query_count(path: str, email: str | None) -> int:
    client = Client(SERVER_NAME="127.0.0.1")
    if email:
        client.force_login(get_user_model().objects.get(email=email))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)
