"""A database outage (issue #20, row 12): a respondent's post gets one plain page saying the
answers are kept on the device and to send them again, never a loop of redirects or a 500; once
the database is back the same form is stored once."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from survey import create_app
from survey.surveys.models import Response
from tests.helpers import fresh_form, plain


class Cable:
    """A TCP relay between the app and PostgreSQL that can be cut (every connection dropped,
    new ones refused, as a server restart or a failed network does) and mended."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        probe = socket.create_server(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.listener: socket.socket | None = None
        self.mend()

    def mend(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=True)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def cut(self) -> None:
        assert self.listener is not None
        self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread waiting in accept()
        self.listener.close()
        self.listener = None
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.sockets += [client, server]
                if self.listener is not listener:  # cut meanwhile
                    client.close()
                    server.close()
                    return
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)


@pytest.fixture
def cable(database_url: str) -> Iterator[Cable]:
    if not database_url.startswith("postgresql"):
        pytest.skip("an outage of a database server: PostgreSQL")
    url = make_url(database_url)
    relay = Cable(url.host or "127.0.0.1", url.port or 5432)
    yield relay
    if relay.listener is not None:
        relay.cut()


@pytest.fixture
def app_over_cable(app, app_settings, cable, database_url):
    """The app, reaching its database through the cable."""
    url = make_url(database_url).set(host="127.0.0.1", port=cable.port)
    served = create_app({**app_settings, "DATABASE_URL": url.render_as_string(False)})
    yield served
    served.extensions["survey.engine"].dispose()


def test_an_outage_tells_the_respondent_their_answers_are_kept(
    app_over_cable, session, cable, make_survey
):
    survey = make_survey(
        [{"id": "nature", "type": "single", "title": "企业性质", "options": ["国企", "民企"]}]
    )
    client = app_over_cable.test_client()
    data = fresh_form(client, survey, {"nature": "民企"})  # the pool now holds a connection
    cable.cut()
    posted = client.post(f"/s/{survey.slug}", data=data)
    assert posted.status_code == 503 and posted.headers["Retry-After"] == "10"
    page = posted.get_data(as_text=True)
    assert "您填写的内容已保存在本设备上，请稍等片刻后返回问卷再次提交" in plain(page)
    assert f'href="/s/{survey.slug}?"' in page or f'href="/s/{survey.slug}"' in page
    public = client.get("/")
    assert public.status_code == 503 and "系统正忙，请稍等片刻后刷新页面" in plain(
        public.get_data(as_text=True)
    )
    cable.mend()
    again = client.post(f"/s/{survey.slug}", data=data)
    if again.status_code == 307:  # a connection from before the outage, renewed on the way
        again = client.post(again.headers["Location"], data=data)
    assert again.status_code == 303
    assert client.post(f"/s/{survey.slug}", data=data).status_code == 303  # the same form
    assert session.scalar(select(func.count()).select_from(Response)) == 1
