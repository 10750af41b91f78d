"""Fuzzing as a standing test (issue #20, item 5): property-based posts and files against the
answer POST, every import format and every upload. None may give a 5xx or a traceback, a
refused post stores nothing, and memory stays bounded.

``make test`` runs a few examples of each; ``make fuzz`` runs FUZZ_SCALE times as many (at least
10,000 answer posts and 1,000 imports of each format) and appends its figures to FUZZ_LOG."""

from __future__ import annotations

import io
import json
import os
import resource
import time
import zipfile
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from survey.config import office_zone
from survey.consultations.wordfile import WordFileError, read_docx
from survey.core import spreadsheet
from survey.surveys.definition import DefinitionError, create_survey
from survey.surveys.invitations import ListError, read_list
from survey.surveys.models import Response
from survey.surveys.textimport import load_any
from tests.consultations.test_drafts import word_file
from tests.helpers import hidden_fields
from tests.surveys.test_types import QUESTIONS, ROWS, field, point

SCALE = int(os.environ.get("FUZZ_SCALE", "1"))
LOG = os.environ.get("FUZZ_LOG")
MEMORY_BOUND_MB = 400  # growth of this process's peak memory over a whole target


def fuzz(examples: int):
    return settings(
        max_examples=examples * SCALE, deadline=None, database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )  # fmt: skip


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Tally:
    """What a target saw, written to FUZZ_LOG at the end."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.outcomes: Counter[str] = Counter()
        self.started = time.perf_counter()
        self.peak_before = peak_mb()

    def close(self) -> None:
        growth = peak_mb() - self.peak_before
        if LOG:
            line = {
                "target": self.target, "examples": sum(self.outcomes.values()),
                "outcomes": dict(self.outcomes), "seconds": round(time.perf_counter() -
                self.started, 1), "peak_growth_mb": round(growth, 1),
            }  # fmt: skip
            with Path(LOG).open("a") as log:
                log.write(json.dumps(line, ensure_ascii=False) + "\n")
        assert growth < MEMORY_BOUND_MB, f"{self.target}: peak memory grew {growth:.0f} MB"


# Text as phones, scripts and attackers type it: control characters, digits of every script,
# huge numbers, markup. (A lone surrogate cannot travel in a UTF-8 form.)
typed = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.sampled_from(["", " ", "1", "0", "-1", "²", "١", "1" * 5000, "9" * 30, "1e309", "nan",
                     "<script>alert(1)</script>", "=HYPERLINK(\"x\")", "\x0b", "\u200b"]),
    st.integers(-(10**30), 10**30).map(str),
)  # fmt: skip


@pytest.fixture
def answered_survey(make_survey):
    return make_survey(
        [*QUESTIONS,
         {"id": "nature", "type": "single", "title": "企业性质", "options": ["国企", "民企"]},
         {"id": "trade", "type": "multiple", "title": "贸易方式", "max_choices": 2,
          "options": ["一般贸易", {"label": "其他", "fill_in": True}]},
         {"id": "staff", "type": "number", "title": "员工人数", "min": 0, "integer": True},
         {"id": "note", "type": "textarea", "title": "意见"}]
    )  # fmt: skip


def valid_answers(survey) -> dict[str, object]:
    """A form that is stored: the required questions answered, the rest at random later."""
    return {
        field(survey, "overall"): point(survey, "overall", 4),
        field(survey, "grid", ROWS[0]): "1",
        field(survey, "grid", ROWS[1]): "2",
    }


def test_answer_posts_never_fail_and_refused_ones_store_nothing(
    app, client, session, answered_survey
):
    survey = answered_survey
    app.config["RESPONSE_RATE_LIMIT"] = "1000000 per minute"  # one address sends them all
    # Each field with the values its page offers (none for a typed one), changed at random.
    offered: dict[str, list[str]] = {}
    for q in survey.questions:
        offered[f"q{q.id}"] = [str(o.id) for o in q.options]
        for o in q.options:
            offered[f"q{q.id}-o{o.id}"] = ["1", "2", "3"]
    field_name = st.sampled_from(sorted(offered))

    @st.composite
    def change(draw) -> tuple[str, object]:
        name = draw(field_name)
        value = st.one_of(st.sampled_from(offered[name]), typed) if offered.get(name) else typed
        return name, draw(st.one_of(value, st.lists(value, min_size=2, max_size=3)))

    changes = st.lists(change(), max_size=5).map(dict)
    page = {"fields": hidden_fields(client.get(f"/s/{survey.slug}").get_data(as_text=True))}
    tally = Tally("answer POST")

    rarely = st.integers(0, 5).map(lambda n: n == 0)
    drops = st.lists(st.sampled_from(["csrf_token", "_token", "answer"]), max_size=2)
    unknown_fields = st.one_of(st.just({}), st.just({}), st.dictionaries(typed, typed, max_size=2))

    @fuzz(100)
    @given(change=changes, dropped=st.one_of(st.just(()), st.just(()), st.just(()), drops),
           tampered=rarely, unknown=unknown_fields)  # fmt: skip
    def post(change, dropped, tampered, unknown):
        before = session.scalar(select(func.count()).select_from(Response))
        sent = {**unknown, **page["fields"], **valid_answers(survey), **change}
        for name in list(sent):
            if any(word in name for word in dropped):
                del sent[name]
        if tampered and sent:
            name = sorted(sent)[0]
            sent[name] = str(sent[name])[::-1]
        response = client.post(f"/s/{survey.slug}", data=sent)
        tally.outcomes[str(response.status_code)] += 1
        assert response.status_code in (303, 400, 409, 422), response.get_data(as_text=True)[:500]
        session.expire_all()
        stored = session.scalar(select(func.count()).select_from(Response)) - before
        assert stored == (1 if response.status_code == 303 else 0)
        if response.status_code == 303:  # a new page, with fresh tokens, for the next one
            html = client.get(f"/s/{survey.slug}?again=1").get_data(as_text=True)
            page["fields"] = hidden_fields(html)

    post()
    tally.close()
    assert tally.outcomes["303"] and tally.outcomes["400"]  # stored and refused forms both


# Definitions: the survey/v1 keys and values of the right kinds most of the time, anything
# else the rest, nested as deep as hypothesis likes.
KEYS = ["format", "title", "questions", "id", "type", "options", "required", "label",
        "fill_in", "show_if", "skip", "all", "any", "question", "chosen", "to", "option",
        "columns", "top", "min", "max", "opens", "closes", "quotas", "limit", "when",
        "consent", "text", "daily_hours", "max_responses"]  # fmt: skip
scalar = st.one_of(
    st.sampled_from(["survey/v1", "single", "multiple", "matrix", "ranking", "text", "scale",
                     "q1", "q2", "end", "国企", "2026-01-01", "2026-13-45", "08:00-17:00"]),
    typed, st.integers(-(10**20), 10**20), st.floats(), st.booleans(), st.none(),
)  # fmt: skip
document = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), typed), inner, max_size=6),
    ),
    max_leaves=40,
)
VALID = {
    "format": "survey/v1", "title": "调查", "opens": "2026-01-01", "closes": "2026-02-01",
    "questions": [
        {"id": "nature", "type": "single", "title": "企业性质", "required": True,
         "options": ["国企", "民企", {"label": "其他", "fill_in": True}],
         "skip": [{"option": "国企", "to": "end"}]},
        {"id": "trade", "type": "multiple", "title": "贸易方式", "max_choices": 2,
         "options": ["一般贸易", "加工贸易"], "show_if": {"all": [
             {"question": "nature", "chosen": "民企"}]}},
        {"id": "grid", "type": "matrix", "title": "满意度", "options": ["政策", "效率"],
         "columns": ["满意", "不满意"]},
        {"id": "order", "type": "ranking", "title": "排序", "options": ["资金", "人才"]},
    ],
    "quotas": [{"label": "民企", "limit": 10, "when": {"nature": ["民企"]}}],
}  # fmt: skip


@st.composite
def mutated(draw, base: object, changes: int = 4) -> object:
    """``base`` with a few values somewhere in it replaced, removed or repeated."""
    data = json.loads(json.dumps(base))
    for _ in range(draw(st.integers(0, changes))):
        holder, key = None, None
        node = data
        while isinstance(node, dict | list) and node and draw(st.integers(0, 3)):
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            holder, key = node, draw(st.sampled_from(keys))
            node = holder[key]
        if holder is None:
            continue
        action = draw(st.sampled_from(["replace", "replace", "remove", "repeat"]))
        if action == "remove":
            del holder[key]
        elif action == "repeat" and isinstance(holder, list):
            holder.append(holder[key])
        else:
            holder[key] = draw(document)
    return data


definition = st.one_of(mutated(VALID), document)


def imported(session, text: str, fmt: str, tally: Tally) -> None:
    """An import either refused with problems or creating a survey that the database takes."""
    try:
        loaded = load_any(text, office_zone(), fmt)
    except DefinitionError as error:
        assert error.problems and all(str(p) for p in error.problems)
        tally.outcomes["refused"] += 1
        return
    create_survey(session, loaded.definition)
    session.flush()
    session.rollback()
    tally.outcomes["created"] += 1


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_definition_imports_are_refused_or_created(app, session, fmt):
    tally = Tally(f"import {fmt}")

    @fuzz(40)
    @given(data=definition, aliases=st.booleans())
    def load(data, aliases):
        if fmt == "json":
            text = json.dumps(data, ensure_ascii=aliases, allow_nan=True)
        else:
            text = yaml.safe_dump(data, allow_unicode=True)
            if aliases:  # anchors and aliases for a repeated value, as PyYAML writes them
                text = yaml.dump([data, data], Dumper=yaml.SafeDumper)
        imported(session, text, fmt, tally)

    load()
    tally.close()
    assert tally.outcomes["created"] and tally.outcomes["refused"]


LINES = ["调查", "1、企业性质 [单选题]", "2. 满意度（必填）", "3）排序 [排序题]", "A 国企",
         "B. 民企", "□国企 □民企", "一、基本情况", "[分页]", "企业名称：____", "（可多选）",
         "[矩阵题]", "[填空题]", "9999、题"]  # fmt: skip


def test_text_imports_are_refused_or_created(app, session):
    tally = Tally("import txt")

    @fuzz(40)
    @given(lines=st.lists(st.one_of(st.sampled_from(LINES), typed), max_size=30))
    def load(lines):
        imported(session, "\n".join(lines), "txt", tally)

    load()
    tally.close()


def xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(spreadsheet.row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def damaged(data: bytes, cut: int, flip: int) -> bytes:
    """The bytes with some cut off the end and one flipped."""
    data = data[: max(1, len(data) - cut)]
    position = flip % len(data)
    return data[:position] + bytes([data[position] ^ 0x5A]) + data[position + 1 :]


cells = st.one_of(typed, st.integers(-(10**20), 10**20), st.floats(allow_nan=False), st.none())
header = st.one_of(
    st.just(["企业名称", "联系人", "手机", "统一社会信用代码"]),
    st.lists(
        st.sampled_from(["企业名称", "联系人", "手机", "统一社会信用代码", "备注"]), max_size=5
    ),
)
phone = st.one_of(st.integers(13000000000, 19999999999), typed)
enterprise_row = st.tuples(typed, typed, phone).map(list)
good_list = st.tuples(
    st.just(["企业名称", "联系人", "手机"]),
    st.lists(
        st.tuples(st.text("甲乙丙丁公司", min_size=2, max_size=8), st.sampled_from(["王", "李"]),
                  st.integers(13000000000, 13999999999)).map(list),
        min_size=1, max_size=5, unique_by=lambda row: row[0],
    ),
)  # fmt: skip
table = st.one_of(
    good_list,
    st.tuples(
        header,
        st.lists(
            st.one_of(enterprise_row, enterprise_row, st.lists(cells, max_size=6)), max_size=6
        ),
    ),
)


def test_invitation_lists_are_refused_or_read(offline_app):
    tally = Tally("upload invitations")

    @fuzz(40)
    @given(
        content=table, kind=st.sampled_from(["csv", "csv-gbk", "xlsx", "xlsx-damaged", "bytes"]),
        cut=st.integers(0, 2000), flip=st.integers(0, 10**6), raw=st.binary(max_size=2000),
    )  # fmt: skip
    def upload(content, kind, cut, flip, raw):
        columns, rows = content
        table_rows = [columns, *rows]
        if kind.startswith("csv"):
            text = "\n".join(",".join(str(c) for c in row) for row in table_rows)
            data = text.encode("gb18030" if kind == "csv-gbk" else "utf-8", "replace")
            name = "名单.csv"
        elif kind.startswith("xlsx"):
            data = xlsx([[c if not isinstance(c, str) else c[:200] for c in row]
                         for row in table_rows])  # fmt: skip
            if kind == "xlsx-damaged":
                data = damaged(data, cut, flip)
            name = "名单.xlsx"
        else:
            data, name = raw, "名单.xlsx"
        try:
            read_list(name, data)
        except ListError as error:
            assert error.problems and all(str(p) for p in error.problems)
            tally.outcomes["refused"] += 1
        else:
            tally.outcomes["read"] += 1

    upload()
    tally.close()
    assert tally.outcomes["read"] and tally.outcomes["refused"]


def test_word_drafts_are_refused_or_read(offline_app):
    tally = Tally("upload docx")
    word = word_file(["第一条 为了促进外贸发展，制定本办法。"])

    @fuzz(40)
    @given(
        cut=st.integers(0, 5000), flip=st.integers(0, 10**6), raw=st.binary(max_size=2000),
        member=st.binary(max_size=3000), paragraphs=st.lists(typed, max_size=8),
        kind=st.sampled_from(["intact", "damaged", "member", "raw"]),
    )  # fmt: skip
    def upload(cut, flip, raw, member, paragraphs, kind):
        if kind == "intact":  # XML cannot hold control characters: cleaned as for a cell
            data = word_file([spreadsheet.cell(text) if text else "" for text in paragraphs])
        elif kind == "damaged":
            data = damaged(word, cut, flip)
        elif kind == "member":  # a zip whose document.xml is anything
            source = zipfile.ZipFile(io.BytesIO(word))
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as archive:
                for info in source.infolist():
                    body = member if info.filename == "word/document.xml" else source.read(info)
                    archive.writestr(info.filename, body)
            data = out.getvalue()
        else:
            data = raw
        try:
            read_docx(data)
        except WordFileError as error:
            assert str(error)
            tally.outcomes["refused"] += 1
        else:
            tally.outcomes["read"] += 1

    upload()
    tally.close()
    assert tally.outcomes["read"] and tally.outcomes["refused"]
