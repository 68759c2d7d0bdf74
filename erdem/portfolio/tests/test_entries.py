"""Entries: written, edited and deleted by their owner only; read by those Action.ENTRY_VIEW allows (404 to
others); files checked on the way in and served as downloads; Markdown and HTML made inert; settings."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from erdem.access.models import Role
from erdem.access.tests.factories import person_with_role
from erdem.frameworks.models import Competency
from erdem.frameworks.selectors import UNESCO_AI_CFT
from erdem.people.tests.factories import PersonFactory
from erdem.portfolio import services
from erdem.portfolio.forms import EntryForm
from erdem.portfolio.models import Entry, EntryFile
from erdem.portfolio.selectors import entries_visible_to
from erdem.portfolio.services import (
    LinkInput,
    PortfolioError,
    entry_create,
    entry_update,
    portfolio_review_consent_set,
)
from erdem.portfolio.tests.factories import EndorsementFactory, PortfolioFactory, make_entry
from erdem.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
XSS = '<script>alert("x")</script><img src=x onerror="alert(1)"> [click](javascript:alert(2)) **bold**'


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def owner(programme):
    return person_with_role(Role.EDUCATOR, programme=programme, preferred_language="en")


@pytest.fixture
def colleague(programme, owner):
    return person_with_role(Role.EDUCATOR, programme=programme, institution=owner.institution)


@pytest.fixture
def stranger(programme):
    return person_with_role(Role.EDUCATOR, programme=programme)


def _ai_cft(code: str) -> Competency:
    return Competency.objects.get(framework__code=UNESCO_AI_CFT, code=code)


def _form(**values):
    data = {
        "kind": Entry.Kind.LESSON_PLAN,
        "title": "Хиймэл оюунтай хичээл",
        "body": "Сурагчид **ChatGPT**-ийн хариултыг шалгав.",
        "language": "mn",
        "course_taught": "Мэдээлэл зүй",
        "started_on": "2026-03-01",
        "ended_on": "2026-03-15",
        "visibility": Entry.Visibility.PRIVATE,
        "links": "https://example.mn/plan Төлөвлөгөө",
    }
    data.update(values)
    return data


def test_owner_creates_an_entry_with_tags_links_and_a_file(client, owner):
    client.force_login(owner)
    upload = SimpleUploadedFile("төлөвлөгөө.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        reverse("portfolio:entry_new"),
        _form(competencies=[_ai_cft("4.1").pk, _ai_cft("2.2").pk], new_files=[upload]),
    )
    entry = Entry.objects.get(person=owner)
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolio:entry", args=[entry.public_id])
    assert sorted(entry.competencies.values_list("code", flat=True)) == ["2.2", "4.1"]
    assert [(link.url, link.title) for link in entry.links.all()] == [("https://example.mn/plan", "Төлөвлөгөө")]
    stored = entry.files.get()
    assert stored.name == "төлөвлөгөө.pdf"
    assert stored.kind == "pdf"
    assert "төлөвлөгөө" not in stored.file.name  # a random name in storage

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "<strong>ChatGPT</strong>" in page.content.decode()


def test_end_before_start_is_refused_and_nothing_typed_is_lost(client, owner):
    client.force_login(owner)
    response = client.post(reverse("portfolio:entry_new"), _form(started_on="2026-03-15", ended_on="2026-03-01"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The end date comes before the start date." in html
    assert "Хиймэл оюунтай хичээл" in html
    assert "https://example.mn/plan Төлөвлөгөө" in html
    assert not Entry.objects.exists()


def test_errors_come_in_the_users_language(client, owner):
    client.force_login(owner)
    owner.preferred_language = "mn"
    owner.save(update_fields=["preferred_language"])
    response = client.post(reverse("portfolio:entry_new"), _form(title=""))
    assert response.status_code == 200
    assert not Entry.objects.exists()
    html = response.content.decode()
    assert '<html lang="mn"' in html
    assert "This field is required." not in html
    assert "errorlist" in html


def test_a_link_that_is_not_http_is_refused(client, owner):
    client.force_login(owner)
    response = client.post(reverse("portfolio:entry_new"), _form(links="javascript:alert(1)"))
    assert response.status_code == 200
    assert "links start with https:// or http://" in response.content.decode()
    assert not Entry.objects.exists()


def test_only_ai_cft_competencies_can_be_tagged(owner):
    other = Competency.objects.exclude(framework__code=UNESCO_AI_CFT).first()
    assert other is not None
    with pytest.raises(PortfolioError) as refused:
        entry_create(person=owner, kind="reflection", title="Тэмдэглэл", competencies=[other])
    assert refused.value.field == "competencies"


def test_too_many_links_are_refused(owner):
    links = [LinkInput(url=f"https://example.mn/{n}") for n in range(services.LINKS_MAX + 1)]
    with pytest.raises(PortfolioError):
        entry_create(person=owner, kind="talk", title="Илтгэл", links=links)
    assert not Entry.objects.exists()


def test_a_file_too_big_is_refused(client, owner, monkeypatch):
    monkeypatch.setattr(services, "FILE_MAX_BYTES", 20)
    client.force_login(owner)
    upload = SimpleUploadedFile("plan.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(reverse("portfolio:entry_new"), _form(new_files=[upload]))
    assert response.status_code == 200
    assert "choose your files again" in response.content.decode()
    assert not Entry.objects.exists()
    assert not EntryFile.objects.exists()


def test_an_html_file_disguised_as_pdf_is_refused(owner):
    upload = SimpleUploadedFile("plan.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(PortfolioError) as refused:
        entry_create(person=owner, kind="lesson_plan", title="План", files=[upload])
    assert refused.value.field == "files"
    assert not Entry.objects.exists()


def test_more_than_five_files_are_refused(owner):
    uploads = [SimpleUploadedFile(f"p{n}.pdf", PDF_BYTES) for n in range(services.FILES_MAX + 1)]
    with pytest.raises(PortfolioError, match="may carry 5 files"):
        entry_create(person=owner, kind="lesson_plan", title="План", files=uploads)


def test_html_in_title_and_body_is_inert(client, owner):
    entry = make_entry(person=owner, title='<script>alert("t")</script>', body=XSS)
    client.force_login(owner)
    html = client.get(reverse("portfolio:entry", args=[entry.public_id])).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x onerror" not in html
    assert 'href="javascript' not in html.lower()
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in html
    assert "<strong>bold</strong>" in html


def test_another_persons_entry_is_404_on_every_page(client, owner, stranger):
    entry = make_entry(person=owner, visibility=Entry.Visibility.PUBLIC)
    client.force_login(stranger)
    for name in ("portfolio:entry", "portfolio:entry_edit", "portfolio:entry_delete"):
        assert client.get(reverse(name, args=[entry.public_id])).status_code == 404
    assert client.post(reverse("portfolio:entry_delete", args=[entry.public_id])).status_code == 404
    assert client.post(reverse("portfolio:entry_edit", args=[entry.public_id]), _form()).status_code == 404
    entry.refresh_from_db()
    assert entry.title != "Хиймэл оюунтай хичээл"


def test_the_institution_sees_shared_entries_only(client, owner, colleague):
    shared = make_entry(person=owner, visibility=Entry.Visibility.INSTITUTION)
    private = make_entry(person=owner, visibility=Entry.Visibility.PRIVATE)
    client.force_login(colleague)
    assert client.get(reverse("portfolio:entry", args=[shared.public_id])).status_code == 200
    assert client.get(reverse("portfolio:entry", args=[private.public_id])).status_code == 404
    # seeing is not editing
    assert client.get(reverse("portfolio:entry_edit", args=[shared.public_id])).status_code == 404


def test_an_endorser_asked_sees_a_private_entry(client, owner, stranger):
    entry = make_entry(person=owner, visibility=Entry.Visibility.PRIVATE)
    EndorsementFactory(entry=entry, endorser=stranger)
    client.force_login(stranger)
    assert client.get(reverse("portfolio:entry", args=[entry.public_id])).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client, owner):
    entry = make_entry(person=owner)
    for url in (
        reverse("portfolio:mine"),
        reverse("portfolio:entry", args=[entry.public_id]),
        reverse("portfolio:pdf"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_someone_without_a_role_cannot_keep_a_portfolio(client):
    client.force_login(PersonFactory())
    assert client.get(reverse("portfolio:mine")).status_code == 403
    assert client.get(reverse("portfolio:entry_new")).status_code == 403


def test_files_download_for_those_who_may_see_the_entry(client, owner, colleague, stranger):
    entry = entry_create(
        person=owner,
        kind="lesson_plan",
        title="План",
        visibility=Entry.Visibility.INSTITUTION,
        files=[SimpleUploadedFile("plan.pdf", PDF_BYTES)],
    )
    stored = entry.files.get()
    url = reverse("portfolio:entry_file", args=[entry.public_id, stored.pk])
    client.force_login(colleague)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES
    client.force_login(stranger)
    assert client.get(url).status_code == 404


def test_owner_edits_removes_a_file_and_deletes(client, owner):
    entry = entry_create(
        person=owner, kind="lesson_plan", title="План", files=[SimpleUploadedFile("plan.pdf", PDF_BYTES)]
    )
    stored = entry.files.get()
    client.force_login(owner)
    response = client.post(
        reverse("portfolio:entry_edit", args=[entry.public_id]),
        _form(title="Шинэ гарчиг", files_removed=[stored.pk], links=""),
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Шинэ гарчиг"
    assert not entry.files.exists()
    assert not entry.links.exists()
    response = client.post(reverse("portfolio:entry_delete", args=[entry.public_id]))
    assert response.status_code == 302
    assert not Entry.objects.filter(pk=entry.pk).exists()


def test_only_the_owner_may_update_through_the_service(owner, stranger):
    entry = make_entry(person=owner)
    with pytest.raises(Exception, match="edit"):
        entry_update(entry=entry, person=stranger, kind="talk", title="Илтгэл")


def test_mine_lists_entries_with_badges_and_filters_by_kind(client, owner):
    make_entry(person=owner, title="Төлөвлөгөө А", kind=Entry.Kind.LESSON_PLAN)
    make_entry(person=owner, title="Илтгэл Б", kind=Entry.Kind.TALK, visibility=Entry.Visibility.PUBLIC)
    client.force_login(owner)
    html = client.get(reverse("portfolio:mine")).content.decode()
    assert "Төлөвлөгөө А" in html
    assert "Илтгэл Б" in html
    assert "ai-cft-grid" in html
    filtered = client.get(reverse("portfolio:mine"), {"kind": "talk"}).content.decode()
    assert "Илтгэл Б" in filtered
    assert "Төлөвлөгөө А" not in filtered


def test_mine_reads_in_a_bounded_number_of_queries(client, owner, django_assert_max_num_queries):
    PortfolioFactory(person=owner)
    for n in range(30):
        entry = make_entry(person=owner, competency_codes=["1.1", "4.2"])
        if n % 3 == 0:
            EndorsementFactory(entry=entry)
    client.force_login(owner)
    with django_assert_max_num_queries(22):
        response = client.get(reverse("portfolio:mine"))
    assert response.status_code == 200


def test_settings_public_link_and_review_consent(client, owner):
    client.force_login(owner)
    url = reverse("portfolio:settings")
    assert client.post(url, {"headline": "Багш", "public_link": "on", "review_consent": "on"}).status_code == 302
    portfolio = owner.portfolio
    portfolio.refresh_from_db()
    first = portfolio.public_token
    assert first and len(first) >= 43
    assert portfolio.review_consent_at is not None
    assert portfolio.headline == "Багш"
    client.post(url, {"headline": "Багш"})
    portfolio.refresh_from_db()
    assert portfolio.public_token is None
    assert portfolio.review_consent_at is None
    client.post(url, {"headline": "Багш", "public_link": "on"})
    portfolio.refresh_from_db()
    assert portfolio.public_token and portfolio.public_token != first
    second = portfolio.public_token
    client.post(reverse("portfolio:public_link_renew"))
    portfolio.refresh_from_db()
    assert portfolio.public_token not in (None, second)


def test_entries_visible_to_follows_the_entry_rule(programme, owner, colleague, stranger):
    private = make_entry(person=owner, visibility=Entry.Visibility.PRIVATE)
    shared = make_entry(person=owner, visibility=Entry.Visibility.INSTITUTION)
    asked = make_entry(person=owner, visibility=Entry.Visibility.PRIVATE)
    EndorsementFactory(entry=asked, endorser=stranger)
    coordinator = person_with_role(Role.COORDINATOR, programme=programme, institution=owner.institution)
    assert set(entries_visible_to(owner, owner)) == {private, shared, asked}
    assert set(entries_visible_to(colleague, owner)) == {shared}
    assert set(entries_visible_to(stranger, owner)) == {asked}
    assert set(entries_visible_to(coordinator, owner)) == {shared}
    portfolio_review_consent_set(person=owner, consent=True)
    owner.refresh_from_db()
    assert set(entries_visible_to(coordinator, owner)) == {private, shared, asked}


def test_the_grid_page_shows_the_owners_grid(client, owner):
    make_entry(person=owner, competency_codes=["3.3"])
    client.force_login(owner)
    response = client.get(reverse("portfolio:grid"))
    assert response.status_code == 200
    assert "strength-documented" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "One a line: the address (https://…), then optionally a space and a title. At most 10."),
        ("mn", "Мөр бүрт нэг: хаяг (https://…), хүсвэл зай аваад гарчиг. Хамгийн ихдээ 10."),
    ],
)
def test_the_links_help_is_in_the_readers_language(language, expected):
    with translation.override(language):
        assert str(EntryForm().fields["links"].help_text) == expected


def test_the_links_help_follows_the_page_language(client, owner):
    client.force_login(owner)
    for language, words in (("en", "At most 10."), ("mn", "Хамгийн ихдээ 10.")):
        owner.preferred_language = language
        owner.save(update_fields=["preferred_language"])
        assert words in client.get(reverse("portfolio:entry_new")).content.decode()
