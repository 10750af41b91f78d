"""Plain-text questionnaires, as pasted from a Word file or a web announcement (公告内容).

    招远市商务局外贸企业服务在线调查问卷        <- first non-empty line: the title
    为了解企业需求……                           <- lines before question 1: the description
    - 1、企业的名称                             <- a question with no options: fill-in
    - 2、企业的性质 [单选题] *                  <- type tag and required mark are optional
    A 国企 B 民企 C 外企                        <- options: several on a line, or one a line
    - 3、各项服务的满意度 [矩阵量表题]           <- matrix: its rows as options,
    政策宣传 / 办事效率
    列：非常不满意 不满意 一般 满意 非常满意     <- and its columns on a 列： line
    [分页] 出口情况                              <- a page break (or a line ---), with a heading

The result is a ``survey/v1`` definition, checked by :func:`survey.definition.validate`, plus
warnings for what was kept but looks wrong (a repeated option letter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from survey.core.i18n import _
from survey.surveys.definition import (
    FORMAT,
    DefinitionError,
    Problem,
    load_text,
    refuse_oversized,
    validate,
)
from survey.surveys.questions import REGISTRY

BULLET = r"(?:[-*•·]\s*)?"
NUMBER = (
    r"(?:(?P<n1>\d{1,3})\s*[、.．:：)）]|[(（](?P<n2>\d{1,3})[)）]|第(?P<n3>\d{1,3})题[、.．:：]?)"
)
QUESTION_LINE = re.compile(rf"^{BULLET}{NUMBER}\s*(?P<title>.+)$")
TAG = re.compile(r"[\[【](?P<tag>[^\]】]{1,12})[\]】]")
REQUIRED = re.compile(r"^\*\s*|\s*\*$|[(（]\s*(?:必填|必答|必选)\s*[)）]")
# An option letter: at the start or after spaces, followed by a separator or a space.
LETTER = re.compile(r"(?:^|(?<=\s))(?P<letter>[A-Za-z])(?:\s*[.、．:：)）]\s*|\s+)(?=\S)")
FILL_IN = re.compile(r"\s*(?:[_＿]{2,}|[(（]\s*请注明\s*[)）])\s*$")
EMPHASIS = re.compile(r"(\*\*|__|~~)(.+?)\1")

TAGS = {
    "单选题": "single",
    "单选": "single",
    "多选题": "multiple",
    "多选": "multiple",
    "下拉框": "dropdown",
    "下拉题": "dropdown",
    "下拉": "dropdown",
    "填空题": "text",
    "填空": "text",
    "单行填空": "text",
    "简答题": "textarea",
    "问答题": "textarea",
    "多行填空": "textarea",
    "数字": "number",
    "数字填空": "number",
    "日期": "date",
    "邮箱": "email",
    "电子邮箱": "email",
    "手机": "mobile",
    "手机号码": "mobile",
    "统一社会信用代码": "credit_code",
    "姓名": "person_name",
    "身份证号": "id_number",
    "身份证号码": "id_number",
    "地址": "address",
    "多项填空题": "blanks",
    "多项填空": "blanks",
    "量表题": "scale",
    "评分单选": "scale",
    "NPS": "nps",
    "NPS量表": "nps",
    "矩阵单选题": "matrix",
    "矩阵题": "matrix",
    "矩阵量表题": "matrix_scale",
    "矩阵多选题": "matrix_multiple",
    "排序题": "ranking",
    "排序": "ranking",
    "说明文字": "description",
    "说明": "description",
}
# A page break: "---" (as Markdown writes a rule) or "[分页]" with an optional page heading.
PAGE_BREAK = re.compile(r"^(?:-{3,}|[\[【]分页[\]】]\s*(?P<title>.*))$")
# A matrix question's columns: "列：满意 一般 不满意" under its rows.
COLUMNS = re.compile(r"^列\s*[:：]\s*(?P<labels>.+)$")


@dataclass
class ParsedQuestion:
    line: int
    title: str
    type: str | None
    required: bool
    options: list[dict[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    letters: list[tuple[str, int]] = field(default_factory=list)  # (letter, line)


@dataclass
class TextImport:
    definition: dict[str, Any]
    warnings: list[Problem]


def clean(line: str) -> str:
    """A pasted line without Markdown emphasis, full-width spaces or trailing blanks."""
    line = line.replace("\u3000", " ").replace("\xa0", " ").strip()
    line = EMPHASIS.sub(r"\2", line)
    return line.strip()


def parse_text(text: str, zone: ZoneInfo) -> TextImport:
    """Turn a pasted questionnaire into a validated definition; raise ``DefinitionError``
    listing every problem with its line number."""
    if "\x00" in text:
        raise DefinitionError([Problem("", _("内容含有空字符（NUL），请确认它是文本"), 1)])
    title, description, questions, problems, warnings = _read(text)
    definition = {
        "format": FORMAT,
        "title": title,
        "description": "\n".join(description),
        "questions": [_question(q, index) for index, q in enumerate(questions)],
    }
    for question in questions:
        seen: dict[str, int] = {}
        for letter, line in question.letters:
            if letter in seen:
                warnings.append(
                    Problem(
                        "",
                        _(
                            "选项字母 %(letter)s 重复（第 %(n)s 行已有），两个选项都已保留",
                            letter=letter,
                            n=seen[letter],
                        ),
                        line,
                    )
                )
            seen.setdefault(letter, line)
    if problems:
        raise DefinitionError(problems)
    try:
        checked = validate(definition, zone)
    except DefinitionError as error:
        for problem in error.problems:
            match = re.match(r"questions\[(\d+)\]", problem.path)
            problem.line = questions[int(match.group(1))].line if match else 1
        raise
    return TextImport(definition=checked, warnings=warnings)


def _read(text: str) -> tuple[str, list[str], list[ParsedQuestion], list[Problem], list[Problem]]:
    title = ""
    description: list[str] = []
    questions: list[ParsedQuestion] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    asked = 0  # questions so far, page breaks not counted
    for number, raw in enumerate(text.splitlines(), start=1):
        line = clean(raw)
        if not line:
            continue
        if not title:
            title = line.strip("*# ")
            continue
        page_break = PAGE_BREAK.match(line)
        if page_break and questions:
            heading = (page_break.group("title") or "").strip()
            questions.append(ParsedQuestion(number, heading, type="page", required=False))
            continue
        match = QUESTION_LINE.match(line)
        if match:
            question = _question_line(match.group("title"), number, problems)
            asked += 1
            expected = asked
            given = int(match.group("n1") or match.group("n2") or match.group("n3"))
            if given != expected:
                gap = _("题号 %(given)s 不连续，按第 %(n)s 题导入", given=given, n=expected)
                warnings.append(Problem("", gap, number))
            questions.append(question)
        elif not questions:
            description.append(line)
        else:
            _option_line(line, number, questions[-1])
    if not title:
        problems.append(Problem("", _("没有内容：第一行应为问卷标题"), 1))
    elif not questions:
        problems.append(Problem("", _("没有找到题目：题目行应以题号开头，如“1、企业名称”"), 1))
    return title, description, questions, problems, warnings


def _question_line(text: str, number: int, problems: list[Problem]) -> ParsedQuestion:
    kind = None
    for tag in TAG.finditer(text):
        name = tag.group("tag").strip()
        if name in TAGS:
            kind = TAGS[name]
        else:
            known = "、".join(f"[{t}]" for t in TAGS if t.endswith(("题", "框")))
            unknown = _("不认识的题型 [%(tag)s]，可用：%(known)s", tag=name, known=known)
            problems.append(Problem("", unknown, number))
    text = TAG.sub("", text).strip()
    required = bool(REQUIRED.search(text))
    title = REQUIRED.sub("", text).strip()
    return ParsedQuestion(line=number, title=title, type=kind, required=required)


def _option_line(line: str, number: int, question: ParsedQuestion) -> None:
    columns = COLUMNS.match(line)
    if columns:
        question.columns += [c for c in re.split(r"[\s、，,|｜]+", columns.group("labels")) if c]
        return
    marks = list(LETTER.finditer(line))
    if not marks or marks[0].start() != 0:
        question.options.append(_option(line))
        return
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        label = line[mark.end() : following.start() if following else len(line)].strip()
        question.letters.append((mark.group("letter").upper(), number))
        question.options.append(_option(label))


def _option(label: str) -> dict[str, Any]:
    fill_in = bool(FILL_IN.search(label))
    return {"label": FILL_IN.sub("", label).strip(), "fill_in": fill_in}


def _question(question: ParsedQuestion, index: int) -> dict[str, Any]:
    kind = question.type or ("single" if question.options else "text")
    data: dict[str, Any] = {
        "id": f"q{index + 1}",
        "type": kind,
        "title": question.title,
        "required": question.required,
    }
    if question.columns:
        data["columns"] = question.columns
    kind_type = REGISTRY.get(kind)
    if kind_type is not None and not kind_type.has_options and question.options:
        # Options under a scale are its points or the words of its ends.
        data.update(kind_type.settings_from_labels([o["label"] for o in question.options]))
    elif question.options or (kind_type is not None and kind_type.has_options):
        data["options"] = [
            {"label": o["label"], "fill_in": True} if o["fill_in"] else o["label"]
            for o in question.options
        ]
    return data


def load_any(text: str, zone: ZoneInfo, fmt: str) -> TextImport:
    """A questionnaire in any format staff bring: "txt" (plain text), "yaml" or "json"."""
    if fmt == "txt":
        refuse_oversized(text)
        return parse_text(text, zone)
    return TextImport(definition=load_text(text, zone, fmt), warnings=[])
