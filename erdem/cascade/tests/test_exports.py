"""The lineage export: scoped to the reader, e-mails for admins and coordinators only, formulas defused."""

import csv
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from erdem.cascade.exports import neutralise
from erdem.cascade.models import LineageNode
from erdem.cascade.services import lineage_attach
from erdem.cascade.tests.test_trainer_views import cascade_world, client_for
from erdem.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> SimpleNamespace:
    return cascade_world()


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _csv(client: Client, **params: str) -> list[list[str]]:
    response = client.get(reverse("cascade:lineage_export", args=["csv"]), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = _body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _names(rows: list[list[str]]) -> set[str]:
    return {row[0] for row in rows[1:]}


def test_a_trainers_export_holds_only_their_branch(world: SimpleNamespace) -> None:
    rows = _csv(client_for(world.trainer))

    assert _names(rows) == {world.trainer.full_name, world.trainee_a.full_name, world.trainee_b.full_name}
    assert "E-mail" not in rows[0]
    assert not any(world.trainee_a.email in cell for row in rows for cell in row)
    certified = {row[0]: row[-1] for row in rows[1:]}
    assert certified[world.trainee_a.full_name] == "yes" and certified[world.trainee_b.full_name] == "no"


def test_a_coordinators_export_holds_only_their_institution(world: SimpleNamespace) -> None:
    rows = _csv(client_for(world.coordinator_b))

    assert _names(rows) == {world.trainer_b.full_name, world.trainee_b.full_name, world.trainee_c.full_name}
    assert rows[0][1] == "E-mail"
    assert world.trainee_c.email in {row[1] for row in rows[1:]}


def test_a_national_admins_export_holds_the_programme_and_can_be_narrowed(world: SimpleNamespace) -> None:
    client = client_for(world.admin)
    everyone = _csv(client)
    only_a = _csv(client, institution=str(world.inst_a.pk))

    assert len(everyone) - 1 == LineageNode.objects.filter(programme=world.programme).count() == 6
    assert _names(only_a) == {world.master.full_name, world.trainer.full_name, world.trainee_a.full_name}
    assert client.get(reverse("cascade:lineage_export", args=["csv"]), {"institution": "x"}).status_code == 404


@pytest.mark.parametrize("who", ["educator", "viewer"])
def test_others_may_not_export(world: SimpleNamespace, who: str) -> None:
    for fmt in ("csv", "xlsx"):
        assert client_for(getattr(world, who)).get(reverse("cascade:lineage_export", args=[fmt])).status_code == 403


def test_anonymous_visitors_log_in_and_unknown_formats_are_not_found(world: SimpleNamespace) -> None:
    assert Client().get(reverse("cascade:lineage_export", args=["csv"])).status_code == 302
    assert client_for(world.admin).get(reverse("cascade:lineage_export", args=["pdf"])).status_code == 404
    assert client_for(world.admin).get("/cascade/lineage.").status_code == 404


def test_formulas_are_neutralised(world: SimpleNamespace) -> None:
    sneaky = make_person(institution=world.inst_a, family_name='=HYPERLINK("http://x")', given_name="@SUM(A1)")
    lineage_attach(programme=world.programme, person=sneaky, trainer=world.trainer, source="workshop")

    rows = _csv(client_for(world.trainer))

    names = _names(rows)
    assert sneaky.full_name not in names
    assert any(name.startswith("'=") or name.startswith("'@") for name in names)
    assert neutralise("-1") == "'-1" and neutralise("+7 99") == "'+7 99" and neutralise("Бат") == "Бат"
    assert neutralise(None) == "" and neutralise(3) == "3"


def test_xlsx_opens_with_openpyxl(world: SimpleNamespace) -> None:
    response = client_for(world.coordinator).get(reverse("cascade:lineage_export", args=["xlsx"]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(_body(response)), read_only=True)
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert rows[0][:2] == ["Person", "E-mail"]
    assert {row[0] for row in rows[1:]} == {world.master.full_name, world.trainer.full_name, world.trainee_a.full_name}
