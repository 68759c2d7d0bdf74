"""The educators of the load benchmark (bench/load.py), for Locust.

Each simulated educator signs in with a demo account and then, with one to five seconds of thought
between pages, opens the dashboard, their courses, their course and the lesson where they left off,
marks it done and goes on to the next lesson, takes the lesson's quiz (starts an attempt, answers
the questions drawn, mostly right, and submits), opens their credentials and checks one on the
public verifier, by its link or by pasting its JSON. Forms are read from the pages as a browser
would: the CSRF token, the quiz's questions, the links to follow. A few probes request the bare
Django view once a second each, the baseline measured under the same load.

bench/load.py writes the plan (accounts, courses, answer keys, the verdict each credential must
get) to the file named by ERDEM_LOAD_PLAN; every request's name, latency, start and error is
written to ERDEM_LOAD_SAMPLES when Locust quits, with the expected refusals counted apart.
"""

import json
import os
import random
import re
from collections import Counter
from html.parser import HTMLParser
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from locust import HttpUser, between, constant_pacing, events, task
from locust.clients import ResponseContextManager

PLAN: dict[str, Any] = json.loads(Path(os.environ["ERDEM_LOAD_PLAN"]).read_text())
BARE = "bare Django view (baseline)"
TIMEOUT = 60  # seconds; a request that takes longer fails
ATTEMPT_PATH = re.compile(r"^/quizzes/attempts/\d+/$")
CREDENTIAL_PATH = re.compile(r"^/credentials/[0-9a-f-]{36}/$")
VERDICT = re.compile(r'class="verdict verdict-(\w+)"')
# The share of questions an educator answers right; the rest get a wrong or random answer.
RIGHT_ANSWERS = 0.8

samples: list[tuple[str, float, float, str | None]] = []
outcomes: Counter[str] = Counter()  # expected answers that are not plain pages: refusals, verdicts
accounts = count()


@events.request.add_listener
def _sample(name: str, response_time: float, exception: Exception | None, start_time: float, **_: Any) -> None:
    samples.append((name, response_time, start_time, None if exception is None else repr(exception)[:300]))


@events.quitting.add_listener
def _write(**_: Any) -> None:
    document = {"samples": samples, "outcomes": dict(outcomes)}
    Path(os.environ["ERDEM_LOAD_SAMPLES"]).write_text(json.dumps(document))


class Page(HTMLParser):
    """The links, forms' actions and inputs of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (href, rel)
        self.actions: list[str] = []
        self.inputs: list[dict[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in values:
            self.links.append((values["href"], values.get("rel", "")))
        elif tag == "form":
            self.actions.append(values.get("action", ""))
        elif tag == "input":
            self.inputs.append(values)

    @property
    def csrf_token(self) -> str:
        return next((i["value"] for i in self.inputs if i.get("name") == "csrfmiddlewaretoken"), "")

    def link(self, rel: str) -> str | None:
        return next((href for href, link_rel in self.links if link_rel == rel), None)


def _status(response: ResponseContextManager) -> str:
    """The status code, or the connection's error when no answer came."""
    error = getattr(response, "error", None)
    return f"status {response.status_code}" if error is None else f"no answer ({error!r})"


def _fresh_connections(user: HttpUser) -> None:
    """One connection per request, as the reverse proxy in front of gunicorn opens by default (nginx
    speaks HTTP/1.0 to its upstream). Reusing an idle connection across a think time would race with
    gunicorn closing it after its keep-alive of 2 s, a client-side error that a proxy or a browser
    retries and that says nothing about the application."""
    user.client.headers["Connection"] = "close"


def _location(response: ResponseContextManager) -> str:
    return urlsplit(response.headers.get("Location", "")).path


class Educator(HttpUser):
    wait_time = between(1, 5)

    def on_start(self) -> None:
        _fresh_connections(self)
        educators = PLAN["educators"]
        self.account: dict[str, Any] = educators[next(accounts) % len(educators)]
        self.course_code: str = self.account["course"]
        self.lesson_path: str = self.account["lesson"]  # the path of the lesson to read next
        self.quiz_path: str | None = None  # the quiz the last lesson read links to
        self.rng = random.Random(self.account["email"])
        self.signed_in = False
        self._sign_in()

    def _sign_in(self) -> None:
        page = self._get("/accounts/login/", "login page")
        if page is None:
            return
        with self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": page.csrf_token,
                "username": self.account["email"],
                "password": PLAN["password"],
            },
            name="sign in (POST)",
            allow_redirects=False,
            timeout=TIMEOUT,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or _location(response) != "/home/":
                response.failure(f"not signed in: {_status(response)} {_location(response)}")
            else:
                self.signed_in = True

    def on_task(self) -> bool:
        """Whether the educator is signed in; one who is not tries again instead of the task, as a person would."""
        if not self.signed_in:
            self._sign_in()
        return self.signed_in

    def _get(self, path: str, name: str) -> Page | None:
        """GET a page that must answer 200; None after anything else, a failure."""
        with self.client.get(path, name=name, allow_redirects=False, timeout=TIMEOUT, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{_status(response)} for {path}")
                return None
            return Page(response.text)

    def _post(self, path: str, data: dict[str, Any], name: str) -> str | None:
        """POST a form that must answer with a redirect; its target's path, None after a failure."""
        with self.client.post(
            path, data=data, name=name, allow_redirects=False, timeout=TIMEOUT, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"{_status(response)} for {path}, a redirect expected")
                return None
            return _location(response)

    @task(3)
    def dashboard(self) -> None:
        if self.on_task():
            self._get("/home/", "home (dashboard)")

    @task(1)
    def my_courses(self) -> None:
        if self.on_task():
            self._get("/learning/", "my courses")

    @task(2)
    def course(self) -> None:
        if self.on_task():
            self._get(f"/courses/{self.course_code}/", "course page")

    @task(6)
    def lesson(self) -> None:
        """Read the lesson, mark it done (when not yet), read on to the next one."""
        page = self._get(self.lesson_path, "lesson page") if self.on_task() else None
        if page is None:
            return
        self._lesson_read(page)
        done = next((action for action in page.actions if action.endswith("/done/")), None)
        if done is not None:
            self.wait()
            target = self._post(done, {"csrfmiddlewaretoken": page.csrf_token}, "lesson: mark as done (POST)")
            if target is None:
                return
            if target.endswith("/feedback/"):  # the course is complete: its survey is offered
                outcomes["course completed"] += 1
                self._get(target, "course survey page")
            else:
                page = self._get(target, "lesson page")
                if page is None:
                    return
                self._lesson_read(page)
        following = page.link("next")
        if following is not None:
            self.wait()
            self.lesson_path = following
            self._lesson_read(self._get(following, "lesson page"))
        else:  # the course's last lesson: back to its beginning next time
            self.lesson_path = self.account["lesson"]

    def _lesson_read(self, page: Page | None) -> None:
        if page is None:
            return
        self.quiz_path = next((href for href, _ in page.links if re.fullmatch(r"/quizzes/\d+/", href)), self.quiz_path)

    @task(2)
    def quiz(self) -> None:
        """Open the quiz of the lesson last read (else one of the course), start an attempt, answer, submit."""
        path = self.quiz_path or f"/quizzes/{self.rng.choice(PLAN['quizzes'][self.course_code])}/"
        page = self._get(path, "quiz page") if self.on_task() else None
        if page is None:
            return
        self.wait()
        target = self._post(path, {"csrfmiddlewaretoken": page.csrf_token}, "quiz: start an attempt (POST)")
        if target is None:
            return
        if target == path:  # refused: every attempt allowed is used; the page says so
            outcomes["quiz refused: attempts used up"] += 1
            self._get(path, "quiz page")
            self.quiz_path = None  # another quiz of the course next time
            return
        if not ATTEMPT_PATH.match(target):
            outcomes[f"unexpected: quiz start went to {target}"] += 1
            return
        attempt = self._get(target, "attempt page (questions)")
        if attempt is None:
            return
        answers = self._answers(attempt)
        if not answers:
            outcomes["unexpected: attempt page without questions"] += 1
            return
        self.wait()
        self.wait()  # answering takes longer than reading
        result = self._post(
            target, {"csrfmiddlewaretoken": attempt.csrf_token, **answers}, "quiz: submit answers (POST)"
        )
        if result is not None:
            self._get(result, "attempt page (result)")

    def _answers(self, page: Page) -> dict[str, str | list[str]]:
        """An answer to every question drawn: the right one mostly, else a choice at random."""
        offered: dict[str, list[str]] = {}
        for field in page.inputs:
            name = field.get("name", "")
            if re.fullmatch(r"q\d+", name):
                offered.setdefault(name, []).append(field.get("value", ""))
        answers: dict[str, str | list[str]] = {}
        for name, values in offered.items():
            right = PLAN["answers"].get(name[1:])
            if right is not None and self.rng.random() < RIGHT_ANSWERS:
                answers[name] = right
            elif all(values):  # choices
                answers[name] = self.rng.choice(values)
            else:  # a number or a short text
                answers[name] = str(self.rng.randint(0, 9))
        return answers

    @task(2)
    def credentials(self) -> None:
        """Open one's credentials, then check one on the public verifier, by link or by pasting its JSON."""
        mine = self._get("/credentials/mine/", "my credentials") if self.on_task() else None
        if mine is None:
            return
        own = [href for href, _ in mine.links if CREDENTIAL_PATH.match(href)]
        path = self.rng.choice(own) if own else f"/credentials/{self.rng.choice(PLAN['others'])}/"
        public_id = path.split("/")[2]
        expected = PLAN["verdicts"].get(public_id, "valid")  # issued during the run: valid
        self.wait()
        if self.rng.random() < 0.5:
            query = urlencode({"url": PLAN["site_url"] + path})
            name = "verify: a link (GET)"
            context = self.client.get(
                f"/credentials/verify/?{query}", name=name, allow_redirects=False, timeout=TIMEOUT, catch_response=True
            )
        else:
            with self.client.get(
                f"{path}credential.json",
                name="credential JSON download",
                allow_redirects=False,
                timeout=TIMEOUT,
                catch_response=True,
            ) as download:
                if download.status_code != 200:
                    download.failure(_status(download))
                    return
                document = download.text
            form = self._get("/credentials/verify/", "verifier page")
            if form is None:
                return
            self.wait()
            name = "verify: pasted JSON (POST)"
            context = self.client.post(
                "/credentials/verify/",
                data={"csrfmiddlewaretoken": form.csrf_token, "text": document},
                name=name,
                allow_redirects=False,
                timeout=TIMEOUT,
                catch_response=True,
            )
        with context as response:
            found = VERDICT.search(response.text) if response.status_code == 200 else None
            if found is None:
                response.failure(f"{_status(response)}, no verdict")
            elif found.group(1) != expected:
                response.failure(f"verdict {found.group(1)} for {public_id}, {expected} expected")
            else:
                outcomes[f"verdict: {expected}"] += 1


class BareProbe(HttpUser):
    """The baseline: the bare Django view, once a second, under the same load."""

    fixed_count = int(os.environ.get("ERDEM_LOAD_PROBES", "5"))
    wait_time = constant_pacing(1)

    def on_start(self) -> None:
        _fresh_connections(self)

    @task
    def bare(self) -> None:
        self.client.get("/bench/bare/", name=BARE, allow_redirects=False, timeout=TIMEOUT)
