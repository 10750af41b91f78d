"""Two app hosts, proven (issue #20, item 3): each a network namespace running gunicorn with the
checkout's gunicorn.conf.py, both on one PostgreSQL and one Redis that the test starts, behind
a load balancer the test plays (it passes the client's address in X-Forwarded-For and retries a
failed request on the other host, as nginx's ``proxy_next_upstream`` does).

Linux and root only (network namespaces). Every namespace, link and process is removed after."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import ClassVar

import httpx
import pytest
from sqlalchemy import func, select

from survey import create_app, db
from survey.accounts.roles import Role
from survey.accounts.services import create_user
from survey.config import office_zone
from survey.core.models import utcnow
from survey.surveys import counting
from survey.surveys.definition import create_survey, validate
from survey.surveys.models import Answer, Response, Survey
from tests.conftest import PASSWORD, TEST_DATA_KEY
from tests.helpers import form_for, hidden_fields
from tests.pgserver import free_port, running_postgres
from tests.servers import clear_of_a_window_boundary, gunicorn, worker_pids

pytestmark = [
    pytest.mark.hosts,
    pytest.mark.skipif(
        not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("ip"),
        reason="network namespaces need Linux, root and iproute2",
    ),
]

RESPONDENTS = 120  # per load phase, over both hosts
PORT = 8000


@dataclass
class Host:
    name: str  # the namespace
    address: str  # the app's address inside it
    gateway: str  # this machine's end of the link, where PostgreSQL and Redis listen

    @property
    def base(self) -> str:
        return f"http://{self.address}:{PORT}"


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@contextlib.contextmanager
def namespaces(count: int) -> Iterator[list[Host]]:
    """``count`` namespaces, each linked to this machine by a veth pair on a /30 of its own."""
    tag = os.getpid() % 100_000
    block = os.getpid() % 60 * 4  # a run's own addresses, should two runs share the machine
    hosts = [
        Host(f"svy{tag}h{n}", f"10.199.{block + n}.2", f"10.199.{block + n}.1")
        for n in range(count)
    ]
    try:
        for host in hosts:
            outside, inside = f"{host.name}o", f"{host.name}i"
            ip("netns", "add", host.name)
            ip("link", "add", outside, "type", "veth", "peer", "name", inside)
            ip("link", "set", inside, "netns", host.name)
            ip("addr", "add", f"{host.gateway}/30", "dev", outside)
            ip("link", "set", outside, "up")
            ip("-n", host.name, "addr", "add", f"{host.address}/30", "dev", inside)
            ip("-n", host.name, "link", "set", inside, "up")
            ip("-n", host.name, "link", "set", "lo", "up")
        yield hosts
    finally:
        for host in hosts:
            # Deleting the namespace deletes its end of the pair, and with it this one.
            subprocess.run(["ip", "netns", "del", host.name], capture_output=True)
            subprocess.run(["ip", "link", "del", f"{host.name}o"], capture_output=True)
        left = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
        assert not any(host.name in left or host.name in links for host in hosts), (left, links)


@contextlib.contextmanager
def running_redis(addresses: list[str]) -> Iterator[str]:
    port = free_port()
    folder = tempfile.mkdtemp(prefix="survey-redis-")
    server = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", *addresses, "--port", str(port),
         "--save", "", "--appendonly", "no", "--protected-mode", "no", "--dir", folder],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            time.sleep(0.05)
        yield str(port)
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Platform:
    hosts: list[Host]
    masters: list[subprocess.Popen]
    survey: Survey
    database_url: str  # as this machine reaches it


@pytest.fixture(scope="module")
def platform(tmp_path_factory) -> Iterator[Platform]:
    logs = tmp_path_factory.mktemp("hosts")
    with contextlib.ExitStack() as stack:
        hosts = stack.enter_context(namespaces(2))
        gateways = [host.gateway for host in hosts]
        server = stack.enter_context(running_postgres(tuple(gateways), "10.199.0.0/16"))
        redis_port = stack.enter_context(running_redis(gateways))
        url = f"{server}/postgres"
        setup = create_app({"DATABASE_URL": url, "SECRET_KEY": "hosts", "DATA_KEY": TEST_DATA_KEY})
        db.upgrade(setup)
        with setup.app_context():
            session = db.get_session()
            definition = validate(
                {"format": "survey/v1", "title": "两台主机的问卷", "questions": [
                    {"id": "nature", "type": "single", "title": "企业性质", "required": True,
                     "options": ["国企", "民企", "外企"]},
                    {"id": "note", "type": "text", "title": "备注"},
                ]},
                office_zone(),
            )  # fmt: skip
            survey = create_survey(session, definition)
            survey.open(utcnow())
            create_user(session, "chief", PASSWORD, Role.ADMIN)
            session.commit()
            session.refresh(survey)
            for question in survey.questions:
                _ = question.options
            session.expunge_all()
        setup.extensions["survey.engine"].dispose()
        masters = []
        for host in hosts:
            settings = {
                "SURVEY_DATABASE_URL": url.replace("127.0.0.1", host.gateway),
                "SURVEY_RATELIMIT_STORAGE_URI": f"redis://{host.gateway}:{redis_port}",
                "SURVEY_SECRET_KEY": "several-hosts-secret",
                "SURVEY_DATA_KEY": TEST_DATA_KEY,
                "SURVEY_TRUSTED_PROXIES": "1",  # the load balancer's X-Forwarded-For
                "SURVEY_LOGIN_RATE_LIMIT": "10 per hour",
            }
            bind = f"{host.address}:{PORT}"
            masters.append(
                stack.enter_context(
                    gunicorn(settings, bind, logs / f"{host.name}.log", workers=2,
                             netns=host.name)
                )
            )  # fmt: skip
        yield Platform(hosts, masters, survey, url)


class Respondent:
    """One phone behind the load balancer: its address, and its cookies, which (one site to
    the phone) go to whichever host serves a request."""

    retried: ClassVar[list[str]] = []  # requests a host failed, sent again to the other
    posting_to_first: ClassVar[threading.Event] = threading.Event()  # a form sent to host A

    def __init__(self, platform: Platform, number: int) -> None:
        self.platform = platform
        self.number = number
        self.address = f"198.18.{number // 250}.{number % 250 + 1}"
        self.cookies: dict[str, str] = {}
        self.clients = [httpx.Client(base_url=host.base, timeout=20) for host in platform.hosts]

    def send(self, method: str, path: str, first: int, **kwargs) -> httpx.Response:
        """A request to host ``first``, retried on the other host while a host fails."""
        headers = {"X-Forwarded-For": self.address}
        for attempt in range(10):
            client = self.clients[(first + attempt) % len(self.clients)]
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if method == "POST" and client is self.clients[0]:
                Respondent.posting_to_first.set()
            try:
                response = client.request(method, path, headers=headers, **kwargs)
            except httpx.TransportError:
                Respondent.retried.append(path)
                time.sleep(0.2)
                continue
            finally:
                client.cookies.clear()  # kept in self.cookies, for every host
            self.cookies.update((cookie.name, cookie.value) for cookie in response.cookies.jar)
            if response.status_code not in (502, 503):
                return response
            time.sleep(0.2)
        raise AssertionError(f"respondent {self.number}: no host answered {path}")

    def answer(self) -> int:
        """Open the questionnaire on one host and submit it to the other; the final status."""
        survey = self.platform.survey
        page = self.send("GET", f"/s/{survey.slug}", self.number)
        assert page.status_code == 200
        nature = ["国企", "民企", "外企"][self.number % 3]
        answers = form_for(survey, {"nature": nature, "note": f"r{self.number}"})
        form = {**hidden_fields(page.text), **answers}
        posted = self.send("POST", f"/s/{survey.slug}", self.number + 1, data=form)
        for client in self.clients:
            client.close()
        return posted.status_code


def load(platform: Platform, numbers: range, during=None) -> list[int]:
    """Every respondent of ``numbers`` answering, 12 at a time; ``during`` runs meanwhile."""
    with ThreadPoolExecutor(12) as pool:
        results = pool.map(lambda n: Respondent(platform, n).answer(), numbers)
        if during is not None:
            during()
        return list(results)


def stored_notes(platform: Platform) -> list[str]:
    engine = db.make_engine(platform.database_url)
    try:
        with engine.connect() as connection:
            note = next(q for q in platform.survey.questions if q.key == "note")
            return list(
                connection.scalars(select(Answer.text).where(Answer.question_id == note.id))
            )
    finally:
        engine.dispose()


def recount(platform: Platform) -> list[object]:
    app = create_app(
        {"DATABASE_URL": platform.database_url, "SECRET_KEY": "x", "DATA_KEY": TEST_DATA_KEY}
    )
    with app.app_context():
        session = db.get_session()
        survey = session.get(Survey, platform.survey.id)
        differences = counting.recount(session, survey)
        responses = session.scalar(
            select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
        )
        session.rollback()
    app.extensions["survey.engine"].dispose()
    return [responses, *differences]


def test_load_over_both_hosts_stores_what_was_accepted(platform):
    codes = load(platform, range(RESPONDENTS))
    assert codes == [303] * RESPONDENTS
    notes = stored_notes(platform)
    assert sorted(notes) == sorted(f"r{n}" for n in range(RESPONDENTS))
    assert recount(platform) == [RESPONDENTS]  # the counters agree with the answers


def test_killing_every_worker_of_one_host_mid_load_loses_nothing_accepted(platform):
    before = set(stored_notes(platform))
    first = platform.masters[0]
    killed: list[int] = []

    def kill_host_a() -> None:
        # Rounds of killing host A's workers just as a form is sent there, each round killing
        # the workers gunicorn started after the last.
        time.sleep(0.5)
        for _ in range(4):
            Respondent.posting_to_first.clear()
            Respondent.posting_to_first.wait(5)
            time.sleep(0.01)
            for pid in worker_pids(first):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
            time.sleep(0.5)

    numbers = range(1000, 1000 + RESPONDENTS)
    Respondent.retried.clear()
    codes = load(platform, numbers, during=kill_host_a)
    assert len(killed) == 8 and codes == [303] * RESPONDENTS
    assert Respondent.retried  # the kills caught requests in flight, sent again to host B
    notes = stored_notes(platform)
    assert len(notes) == len(set(notes))  # nothing stored twice
    assert set(notes) - before == {f"r{n}" for n in numbers}
    assert recount(platform) == [len(notes)]
    for _ in range(100):  # gunicorn replaces the killed workers
        if len(worker_pids(first)) == 2:
            break
        time.sleep(0.1)
    assert len(worker_pids(first)) == 2 and not set(worker_pids(first)) & set(killed)


def login(client: httpx.Client, password: str = PASSWORD) -> httpx.Response:
    page = client.get("/admin/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post(
        "/admin/login", data={"csrf_token": token, "username": "chief", "password": password}
    )


def test_a_rate_limit_split_over_both_hosts_is_enforced_once(platform):
    clients = [
        httpx.Client(base_url=host.base, headers={"X-Forwarded-For": "203.0.113.9"})
        for host in platform.hosts
    ]
    clear_of_a_window_boundary()
    codes = [login(clients[n % 2], "a wrong password").status_code for n in range(20)]
    for client in clients:
        client.close()
    assert codes.count(401) == 10 and codes.count(429) == 10


def test_staff_on_one_host_change_what_the_other_host_accepts(platform):
    a, b = platform.hosts
    staff = httpx.Client(base_url=a.base, headers={"X-Forwarded-For": "203.0.113.20"})
    assert login(staff).status_code == 302
    # The session made on host A is a session on host B.
    on_b = httpx.Client(
        base_url=b.base, headers={"X-Forwarded-For": "203.0.113.20"},
        cookies={"session": staff.cookies["session"]},
    )  # fmt: skip
    assert on_b.get("/admin/").status_code == 200

    survey = platform.survey
    phone = httpx.Client(base_url=b.base, headers={"X-Forwarded-For": "203.0.113.30"})
    page = phone.get(f"/s/{survey.slug}").text  # 备注 optional when the page was opened
    note = next(q for q in survey.questions if q.key == "note")
    designer = staff.get(f"/admin/surveys/{survey.id}/edit").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', designer).group(1)
    saved = staff.post(
        f"/admin/questions/{note.id}",
        data={"csrf_token": token, "type": "text", "title": "备注", "required": "on"},
    )
    assert saved.status_code == 302
    refused = phone.post(
        f"/s/{survey.slug}", data={**hidden_fields(page), **form_for(survey, {"nature": "国企"})}
    )
    assert refused.status_code == 422 and "请填写此项" in refused.text
    for client in (staff, on_b, phone):
        client.close()
