"""The public portfolio page: anonymous visitors with the link see public entries only; a link turned off or
wrong answers 404; no e-mail address."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from erdem.credentials.models import Credential
from erdem.credentials.tests.factories import achievement_create, credential_create
from erdem.people.tests.factories import make_person
from erdem.portfolio.models import Entry
from erdem.portfolio.services import entry_create, portfolio_public_link_set, portfolio_update
from erdem.portfolio.tests.factories import EndorsementFactory, make_entry
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def owner():
    person = make_person()
    portfolio_update(person=person, headline="Математикийн багш", summary="")
    return person


@pytest.fixture
def token(owner):
    return portfolio_public_link_set(person=owner, enabled=True).public_token


def test_anonymous_visitors_see_public_entries_only(client, owner, token):
    make_entry(person=owner, title="Нээлттэй илтгэл", visibility=Entry.Visibility.PUBLIC, competency_codes=["4.1"])
    make_entry(person=owner, title="Дотоод тайлан", visibility=Entry.Visibility.INSTITUTION)
    make_entry(person=owner, title="Хувийн тэмдэглэл", visibility=Entry.Visibility.PRIVATE)
    response = client.get(reverse("portfolio:public", args=[token]))
    assert response.status_code == 200
    html = response.content.decode()
    assert owner.full_name in html
    assert "Математикийн багш" in html
    assert "Нээлттэй илтгэл" in html
    assert "Дотоод тайлан" not in html
    assert "Хувийн тэмдэглэл" not in html
    assert owner.email not in html
    assert "ai-cft-grid" in html


def test_credentials_shown_by_name_appear_with_a_verification_link(client, owner, token):
    achievement = achievement_create(programme=ProgrammeFactory())
    shown = credential_create(achievement=achievement, person=owner)
    hidden_achievement = achievement_create(programme=ProgrammeFactory(), code="AI-201-MC", name_en="Hidden one")
    hidden = credential_create(achievement=hidden_achievement, person=owner)
    Credential.objects.filter(pk=hidden.pk).update(show_name=False)
    html = client.get(reverse("portfolio:public", args=[token]), headers={"accept-language": "en"}).content.decode()
    assert reverse("credentials:public", args=[shown.public_id]) in html
    assert reverse("credentials:public", args=[hidden.public_id]) not in html


def test_a_link_turned_off_or_wrong_is_404(client, owner, token):
    assert client.get(reverse("portfolio:public", args=["wrong-token"])).status_code == 404
    portfolio_public_link_set(person=owner, enabled=False)
    assert client.get(reverse("portfolio:public", args=[token])).status_code == 404
    new = portfolio_public_link_set(person=owner, enabled=True).public_token
    assert new != token
    assert client.get(reverse("portfolio:public", args=[token])).status_code == 404
    assert client.get(reverse("portfolio:public", args=[new])).status_code == 200


def test_public_entry_page_and_file(client, owner, token):
    public = entry_create(
        person=owner,
        kind="talk",
        title="Илтгэл",
        body="<script>alert(1)</script>",
        visibility=Entry.Visibility.PUBLIC,
        files=[SimpleUploadedFile("slides.pdf", PDF_BYTES)],
    )
    private = make_entry(person=owner, visibility=Entry.Visibility.INSTITUTION)
    other = make_entry(person=make_person(), visibility=Entry.Visibility.PUBLIC)
    response = client.get(reverse("portfolio:public_entry", args=[token, public.public_id]))
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()
    stored = public.files.get()
    download = client.get(reverse("portfolio:public_entry_file", args=[token, public.public_id, stored.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert client.get(reverse("portfolio:public_entry", args=[token, private.public_id])).status_code == 404
    assert client.get(reverse("portfolio:public_entry", args=[token, other.public_id])).status_code == 404
    portfolio_public_link_set(person=owner, enabled=False)
    assert client.get(reverse("portfolio:public_entry", args=[token, public.public_id])).status_code == 404
    assert (
        client.get(reverse("portfolio:public_entry_file", args=[token, public.public_id, stored.pk])).status_code == 404
    )


def test_the_public_page_reads_in_a_bounded_number_of_queries(client, owner, token, django_assert_max_num_queries):
    for n in range(30):
        entry = make_entry(person=owner, visibility=Entry.Visibility.PUBLIC, competency_codes=["1.1", "3.3"])
        if n % 2:
            EndorsementFactory(entry=entry)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("portfolio:public", args=[token]))
    assert response.status_code == 200


def test_public_pages_are_kept_out_of_search_engines_and_revalidated(client, owner, token):
    entry = entry_create(
        person=owner,
        kind="talk",
        title="Илтгэл",
        body="",
        visibility=Entry.Visibility.PUBLIC,
        files=[SimpleUploadedFile("slides.pdf", PDF_BYTES)],
    )
    pages = [
        reverse("portfolio:public", args=[token]),
        reverse("portfolio:public_entry", args=[token, entry.public_id]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert response["Cache-Control"] == "no-cache"  # may be stored, but asked again: the link may be off
    download = client.get(reverse("portfolio:public_entry_file", args=[token, entry.public_id, entry.files.get().pk]))
    assert download["X-Robots-Tag"] == "noindex, nofollow"
    # A signed-in visitor's copy carries their own menu: no shared cache keeps it.
    client.force_login(make_person())
    for url in pages:
        response = client.get(url)
        assert response["Cache-Control"] == "private, no-cache" and response["X-Robots-Tag"] == "noindex, nofollow"
