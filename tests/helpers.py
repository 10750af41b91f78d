"""Small helpers for tests that post forms like a browser would."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from playwright.sync_api import Page, expect
from sqlalchemy import Engine, event

from survey.config import office_zone
from survey.publishing.documents import ResultFeedback
from survey.surveys import publication
from survey.surveys.models import Question, Survey
from survey.surveys.results import survey_results
from tests.conftest import PASSWORD


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (csrf_token, the one-time submission token)."""
    fields = {}
    for tag in re.findall(r"<input[^>]+type=\"hidden\"[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and value:
            fields[name.group(1)] = value.group(1)
    return fields


def option_id(question: Question, label: str) -> str:
    return str(next(o.id for o in question.options if o.label == label))


def question(survey: Survey, key: str) -> Question:
    return next(q for q in survey.questions if q.key == key)


def form_for(survey: Survey, answers: dict[str, Any]) -> dict[str, Any]:
    """Form data for {question key: option label, [labels], or text}."""
    data: dict[str, Any] = {}
    for key, value in answers.items():
        q = question(survey, key)
        if q.options:
            labels = value if isinstance(value, list) else [value]
            data[f"q{q.id}"] = [option_id(q, label) for label in labels]
        else:
            data[f"q{q.id}"] = value
    return data


def fresh_form(client, survey: Survey, answers: dict[str, Any]) -> dict[str, Any]:
    """Open the answer page as a respondent and fill it in: the tokens come from the page."""
    page = client.get(f"/s/{survey.slug}?again=1")
    assert page.status_code == 200
    return {**hidden_fields(page.get_data(as_text=True)), **form_for(survey, answers)}


def plain(html: str) -> str:
    """The text of some HTML, tags removed."""
    return re.sub(r"<[^>]+>", "", html)


def flashes(client, url: str) -> str:
    """The text of the page at ``url``, with the messages the last action left on it."""
    return plain(client.get(url).get_data(as_text=True))


SCREENSHOTS = Path(__file__).parent.parent / "screenshots"


def shot(page, name: str) -> None:
    """Keep a full-page screenshot of what the browser test saw, to look at after a change."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@contextmanager
def statements_run(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement sent on ``engine``'s connections meanwhile, those run on a pooled
    DBAPI connection directly included (SQLAlchemy's events do not see them)."""
    statements: list[str] = []

    class RecordingCursor(psycopg.Cursor):
        def execute(self, query, params=None, **options):
            statements.append(str(query))
            return super().execute(query, params, **options)

    def trace(dbapi_connection, _record) -> None:
        if engine.dialect.name == "sqlite":
            dbapi_connection.set_trace_callback(statements.append)
        else:
            dbapi_connection.cursor_factory = RecordingCursor

    engine.dispose()  # fresh connections, each traced from its start
    event.listen(engine, "connect", trace)
    try:
        yield statements
    finally:
        event.remove(engine, "connect", trace)
        engine.dispose()


def staff_document(session: Any, survey: Survey) -> ResultFeedback:
    """The survey's result document as the staff report draws it: every table, every count."""
    return publication.document(session, survey_results(session, survey), office_zone())


# The 公告内容 block of the bureau's published annual report (shared/reference), verbatim,
# trailing spaces and Markdown included.
ANNOUNCEMENT = Path(__file__).parent / "data" / "zhaoyuan-announcement.txt"


def reference_block() -> str:
    return ANNOUNCEMENT.read_text(encoding="utf-8")


# The two screens every browser test uses: a laptop and a phone (390 px, the main target).
LAPTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}  # fmt: skip


def log_in(page: Page, live_server: str, username: str) -> None:
    """Log in through the login page as a person does (the account's password is PASSWORD)."""
    page.goto(f"{live_server}/admin/")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="问卷", exact=True)).to_be_visible()


def post_all_at_once(url: str, forms: list[tuple[Any, dict[str, Any]]]) -> list[int]:
    """POST each (httpx client, form) to ``url`` from its own thread, all released together
    (as phones tapping 提交 at one moment); the status codes, sorted."""
    codes: list[int] = []
    start = threading.Barrier(len(forms))

    def post(client: Any, form: dict[str, Any]) -> None:
        start.wait()
        codes.append(client.post(url, data=form).status_code)
        client.close()

    threads = [threading.Thread(target=post, args=pair) for pair in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(codes)
