"""Plain-text questionnaires, as pasted from a Word file or a web announcement (公告内容), and
as survey.surveys.wordimport writes a .docx out::

    招远市商务局外贸企业服务在线调查问卷        <- first non-empty line: the title
    为了解企业需求……                           <- lines before question 1: the description
    企业名称：______  联系电话：______          <- blanks without a number: fill-in questions
    一、基本情况                                 <- a section heading (一、 （一） 第一部分 ## ...):
                                                    说明文字
    - 1、企业的名称                             <- a question with no options: fill-in
    - 2、企业的性质 [单选题] *                  <- type tag and required mark are optional
    A 国企 B 民企 C 外企                        <- options: several on a line, or one a line
    3、主要贸易方式（可多选）                   <- marks: （单选）（多选）（可多选）（必填）...
    □一般贸易 □加工贸易 □其他____              <- check boxes mark options too
    4、各项服务的满意度                          <- a table, its cells separated by tabs (→)
    →满意→一般→不满意                            as Word pastes it: a matrix, its first row
    政策宣传→□→□→□                               the columns, its first column the rows
    - 5、各项服务的满意度 [矩阵量表题]           <- or a matrix's rows as options,
    政策宣传 / 办事效率
    列：非常不满意 不满意 一般 满意 非常满意     <- and its columns on a 列： line
    [分页] 出口情况                              <- a page break (or a line ---), with a heading

A fill-in whose title names a contact detail takes that type (手机/联系电话 -> 手机号码, 邮箱 ->
电子邮箱, 统一社会信用代码 ...). Every such guess is a warning naming its question (第 3 题按多选题
导入（标题含“可多选”）), so staff see what was read and why before anything is created.

The result is a ``survey/v1`` definition, checked by :func:`survey.definition.validate`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from survey.core.i18n import _
from survey.surveys.definition import (
    FORMAT,
    MAX_OPTIONS,
    MAX_QUESTIONS,
    DefinitionError,
    Problem,
    load_text,
    refuse_oversized,
    validate,
)
from survey.surveys.questions import REGISTRY, QuestionType

BULLET = r"(?:[-*•·]\s*)?"
NUMBER = (
    r"(?:(?P<n1>\d{1,3})\s*[、.．:：)）]|[(（](?P<n2>\d{1,3})[)）]|第(?P<n3>\d{1,3})题[、.．:：]?)"
)
QUESTION_LINE = re.compile(rf"^{BULLET}{NUMBER}\s*(?P<title>.+)$")
TAG = re.compile(r"[\[【](?P<tag>[^\]】]{1,12})[\]】]")
# An option letter: at the start or after spaces, followed by a separator or a space.
LETTER = re.compile(r"(?:^|(?<=\s))(?P<letter>[A-Za-z])(?:\s*[.、．:：)）]\s*|\s+)(?=\S)")
LEADING_LETTER = re.compile(r"^[A-Za-z]\s*[.、．:：)）]\s*")
EMPHASIS = re.compile(r"(\*\*|__|~~)(.+?)\1")
# Check boxes and circles that stand for an option, as typed or as Word's symbols read them.
BOXES = "□☐○◯■☑☒▢◇◆●◎❏❑❒"
# A section heading: 一、 （一） 第一部分, or a Markdown heading.
NUMERALS = "一二三四五六七八九十"
SECTION = re.compile(
    rf"^(?P<numeral>第[{NUMERALS}]{{1,3}}(?:部分|节|章|单元|篇)|[{NUMERALS}]{{1,3}}\s*[、.．]"
    rf"|[(（][{NUMERALS}]{{1,3}}[)）])\s*\S"
)
MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(?P<heading>\S.*)$")
# A labelled blank, several of which may share a line: 企业名称：______
FIELD = re.compile(r"(?P<label>[^：:_＿\t]{1,30}?)[ \t]*[：:][ \t]*[_＿]{2,}")
BLANK = re.compile(r"[_＿]{2}")
# A mark in brackets within a title: （可多选） （单选，必填） （最多选3项）
MARK = re.compile(r"[(（](?P<words>[^()（）]{1,24})[)）]")
MARK_SPLIT = re.compile(r"[,，、;；\s]+")
CHOICE_LIMIT = re.compile(
    rf"^(?:(?P<most>最多|至多|不超过|限)|(?P<least>至少|最少))?[可请]?选(?:择)?\s*"
    rf"(?P<n>\d{{1,2}}|[{NUMERALS}两])\s*项(?:以内|以下)?$"
)
FILL_IN_NOTE = re.compile(
    r"[(（][^()（）]{0,30}(?:请注明|请说明|请填写|[_＿]{2})[^()（）]{0,30}[)）]$"
)

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
SINGLE_MARKS = ("单选", "单选题", "单项选择", "单项选择题", "只选一项", "选一项", "限选一项")
MULTIPLE_MARKS = ("多选", "多选题", "可多选", "多项选择", "多项选择题", "可多项选择", "可选多项")
MARKS = {
    **dict.fromkeys(SINGLE_MARKS, "single"),
    **dict.fromkeys((*MULTIPLE_MARKS, "可复选", "复选"), "multiple"),
    **dict.fromkeys(("排序", "排序题", "请排序"), "ranking"),
    **dict.fromkeys(("填空", "填空题"), "text"),
    **dict.fromkeys(("简答", "简答题"), "textarea"),
}
REQUIRED_MARKS = {"必填", "必答", "必选", "必填项", "必填题", "必答题"}
OPTIONAL_MARKS = {"选填", "非必填", "可不填", "可选填", "选答"}
# A fill-in's type from the words of its title, first match wins (联系人手机 is a mobile).
CONTACT_WORDS = (
    ("credit_code", ("统一社会信用代码", "社会信用代码", "信用代码")),
    ("id_number", ("身份证号码", "身份证号", "身份证")),
    ("mobile", ("手机号码", "手机号", "手机", "联系电话", "移动电话")),
    ("email", ("电子邮箱", "电子邮件", "邮箱", "e-mail", "email")),
    ("person_name", ("姓名", "联系人", "填表人")),
    ("address", ("地址",)),
    ("date", ("日期",)),
)
# A title that asks about something (您对手机银行的评价) is not a contact detail.
NOT_CONTACT = ("满意", "评价", "建议", "意见", "是否", "如何", "哪", "什么", "情况", "原因")
CONTACT_TITLE_MAX = 16
# A page break: "---" (as Markdown writes a rule) or "[分页]" with an optional page heading.
PAGE_BREAK = re.compile(r"^(?:-{3,}|[\[【]分页[\]】]\s*(?P<title>.*))$")
# A matrix question's columns: "列：满意 一般 不满意" under its rows.
COLUMNS = re.compile(r"^列\s*[:：]\s*(?P<labels>.+)$")
MAX_TABLE_CELLS = 32  # a table row wider than this is no matrix (a matrix has at most 11 columns)

Note = Callable[[int], str]  # a warning about a question, given its number


@dataclass
class ParsedQuestion:
    line: int
    title: str
    type: str | None
    required: bool
    options: list[dict[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    letters: list[tuple[str, int]] = field(default_factory=list)  # (letter, line)
    help: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    marked: str | None = None  # the type a mark in the title asked for
    mark: str = ""  # that mark's words
    numbered: int | None = None  # the number written in the text, if any
    notes: list[tuple[int, Note]] = field(default_factory=list)  # (line, warning)
    # The last line read as options, kept while it may turn out to be a table's header row:
    # (line, its cells, options it added).
    last_options: tuple[int, list[str], int] | None = None
    table_width: int = 0  # choice columns of the table its rows came from
    table_rows: int = 0
    heading: Problem | None = None  # a section heading's warning, while it may be a question


@dataclass
class Title:
    """A question's title once its tag, marks, blanks and any options on its line are taken."""

    text: str
    kind: str | None = None
    marked: str | None = None
    mark: str = ""
    required: bool = False
    settings: dict[str, Any] = field(default_factory=dict)
    options: str = ""  # options written on the title's line


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
    reader = _Reader()
    reader.read(text)
    questions, problems = reader.questions, reader.problems
    entries = [_question(q, index) for index, q in enumerate(questions)]
    definition = {
        "format": FORMAT,
        "title": reader.title,
        "description": "\n".join(reader.description),
        "questions": entries,
    }
    warnings = reader.warnings + _question_warnings(questions, entries)
    warnings.sort(key=lambda warning: warning.line or 0)
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


class _Reader:
    """Reads the lines in order: the title, the description, then questions and their parts."""

    def __init__(self) -> None:
        self.title = ""
        self.description: list[str] = []
        self.questions: list[ParsedQuestion] = []
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.previous = 0  # the last non-empty line read

    @property
    def current(self) -> ParsedQuestion | None:
        if self.questions and self.questions[-1].type not in ("description", "page"):
            return self.questions[-1]
        return None

    def read(self, text: str) -> None:
        for number, raw in enumerate(text.splitlines(), start=1):
            if len(self.questions) > MAX_QUESTIONS:  # validation would refuse it: stop here
                too_many = _("最多 %(n)s 道题", n=MAX_QUESTIONS)
                self.problems.append(Problem("questions", too_many, number))
                return
            line = clean(raw)
            if not line:
                continue
            self.line(number, raw, line)
            self.previous = number
        if not self.title:
            self.problems.append(Problem("", _("没有内容：第一行应为问卷标题"), 1))
        elif not self.questions:
            self.problems.append(
                Problem("", _("没有找到题目：题目行应以题号开头，如“1、企业名称”"), 1)
            )

    def line(self, number: int, raw: str, line: str) -> None:
        if not self.title:
            self.title = line.strip("*# ")
            return
        page_break = PAGE_BREAK.match(line)
        if page_break and self.questions:
            heading = (page_break.group("title") or "").strip()
            self.questions.append(ParsedQuestion(number, heading, type="page", required=False))
            return
        question = self.current
        if question is not None and self.matrix_row(question, number, raw, line):
            return
        match = QUESTION_LINE.match(line)
        if match:
            self.question_line(match, number)
            return
        heading = _section_heading(line)
        if heading:
            move = _("“%(title)s”按说明文字导入；要分页，请改为“[分页] %(title)s”", title=heading)
            self.warnings.append(Problem("", move, number))
            self.questions.append(
                ParsedQuestion(number, heading, "description", False, heading=self.warnings[-1])
            )
            return
        fields = _fields(line)
        if fields and not (question is not None and _other_option(question, fields)):
            for label in fields:
                self.field(label, number)
            return
        if question is None and self.questions and _options_like(line):
            question = self.numbered_by_heading(self.questions[-1])
        if question is None:
            if self.questions:  # under a section heading or page break: its text
                self.questions[-1].help.append(line)
            else:
                self.description.append(line)
            return
        _option_line(raw, line, number, question)

    def question_line(self, match: re.Match[str], number: int) -> None:
        title = _title(match.group("title"), number, self.problems)
        question = ParsedQuestion(
            line=number,
            title=title.text,
            type=title.kind,
            required=title.required,
            settings=title.settings,
            marked=title.marked,
            mark=title.mark,
            numbered=int(match.group("n1") or match.group("n2") or match.group("n3")),
        )
        if title.options:
            _option_line(title.options, title.options, number, question)
            question.last_options = None  # a title's line is no table header
        self.questions.append(question)

    def field(self, label: str, number: int) -> None:
        title = _title(label, number, self.problems)
        question = ParsedQuestion(
            line=number,
            title=title.text,
            type=title.kind or title.marked,
            required=title.required,
        )
        kind, _word = _contact_type(question.title) if question.type is None else (None, "")
        question.type = question.type or kind or "text"

        def unnumbered(n: int, title: str = question.title, kind: str = question.type) -> str:
            said = _(
                "第 %(n)s 题“%(title)s”原文没有题号，按%(type)s导入",
                n=n,
                title=title,
                type=REGISTRY[kind].display_name,
            )
            return said + _landline_hint(kind)

        question.notes.append((number, unnumbered))
        self.questions.append(question)

    def numbered_by_heading(self, heading: ParsedQuestion) -> ParsedQuestion | None:
        """A question numbered 一、 二、: what looked like a section heading, with options
        under it."""
        numeral = SECTION.match(heading.title)
        if heading.heading is None or numeral is None or heading.help:
            return None
        self.warnings.remove(heading.heading)
        title = _title(heading.title[numeral.end("numeral") :], heading.line, self.problems)
        heading.heading, heading.title, heading.type = None, title.text, title.kind
        heading.required, heading.settings = title.required, title.settings
        heading.marked, heading.mark = title.marked, title.mark
        said = numeral.group("numeral")

        def note(n: int) -> str:
            return _(
                "第 %(n)s 题原文编号为“%(numeral)s”，下面有选项，按题目导入", n=n, numeral=said
            )

        heading.notes.append((heading.line, note))
        return heading

    def matrix_row(self, question: ParsedQuestion, number: int, raw: str, line: str) -> bool:
        """Whether the line is a row of a table (a label and its choice cells), and if so
        take it: the first row turns the line above it (the header) into the columns."""
        row = _table_row(raw, line)
        if row is None:
            return False
        label, width, boxes = row
        if boxes < 2 and QUESTION_LINE.match(line):
            return False
        header = question.last_options if question.table_rows == 0 else None
        if header is not None and header[0] != self.previous:
            header = None
        columns: list[str] | None = None
        if header is not None:
            cells = [cell for cell in header[1] if cell] if len(header[1]) == width else header[1]
            if len(cells) == width + 1:
                cells = cells[1:]  # the corner cell (项目) names the rows
            if len(cells) == width and all(cells):
                columns = cells
        if question.table_rows:
            if width != question.table_width and boxes < 2:
                return False
        elif boxes < 2 and columns is None:
            return False  # a line ending in one box, or cells without a header above them
        if columns is not None and header is not None and not question.columns:
            question.columns = columns
            del question.options[len(question.options) - header[2] :]
        question.table_width = width
        question.table_rows += 1
        question.last_options = None
        question.options.append(_option(label))
        return True


def _section_heading(line: str) -> str:
    markdown = MARKDOWN_HEADING.match(line)
    if markdown:
        return markdown.group("heading").strip()
    return line if SECTION.match(line) else ""


def _fields(line: str) -> list[str]:
    """The labels of a line made only of labelled blanks (企业名称：____ 联系人：____), else []."""
    if not BLANK.search(line) or LETTER.match(line):
        return []
    labels: list[str] = []
    end = 0
    for match in FIELD.finditer(line):
        if line[end : match.start()].strip() and labels:
            return []
        if not labels and line[: match.start()].strip():
            return []
        label = match.group("label").strip()
        if not label or any(box in label for box in BOXES) or LEADING_LETTER.match(label):
            return []
        labels.append(label)
        end = match.end()
    return labels if labels and not line[end:].strip(" _＿\t") else []


def _options_like(line: str) -> bool:
    return bool(LETTER.match(line)) or any(box in line for box in BOXES)


def _other_option(question: ParsedQuestion, labels: list[str]) -> bool:
    """其他：____ under a choice question is its last option, not a question of its own."""
    return bool(question.options) and labels[0].startswith(("其他", "其它"))


def _title(text: str, number: int, problems: list[Problem]) -> Title:
    title = Title(text)
    for tag in TAG.finditer(text):
        name = tag.group("tag").strip()
        if name in TAGS:
            title.kind = TAGS[name]
        else:
            known = "、".join(f"[{t}]" for t in TAGS if t.endswith(("题", "框")))
            unknown = _("不认识的题型 [%(tag)s]，可用：%(known)s", tag=name, known=known)
            problems.append(Problem("", unknown, number))
    text = TAG.sub("", text).strip()
    text, title.options = _inline_options(text)
    text = MARK.sub(lambda mark: _read_mark(mark, title), text)
    if text.startswith("*") or text.endswith("*"):
        title.required = True
        text = text.strip("* ")
    title.text = re.sub(r" {2,}", " ", _without_blanks(text)[0]).strip()
    return title


def _read_mark(mark: re.Match[str], title: Title) -> str:
    """Take a bracketed mark into ``title`` when every word of it is known; "" then, else the
    mark unchanged (产品主要出口国家(地区))."""
    words = [w for w in MARK_SPLIT.split(mark.group("words")) if w]
    if not words:
        return mark.group(0)
    kind, required, settings = None, None, {}
    for word in words:
        limit = CHOICE_LIMIT.match(word)
        if word in MARKS:
            kind = MARKS[word]
        elif word in REQUIRED_MARKS or word in OPTIONAL_MARKS:
            required = word in REQUIRED_MARKS
        elif limit:
            count = _count(limit.group("n"))
            if count == 1 and not limit.group("least"):
                kind = "single"
            else:
                kind = "multiple"
                settings["min_choices" if limit.group("least") else "max_choices"] = count
        else:
            return mark.group(0)
    if kind is not None:
        title.marked, title.mark = kind, mark.group("words").strip()
        title.settings.update(settings)
    if required is not None:
        title.required = required
    return ""


def _count(written: str) -> int:
    if written.isdigit():
        return int(written)
    return 2 if written == "两" else NUMERALS.index(written) + 1


def _inline_options(text: str) -> tuple[str, str]:
    """A title and the options written after it on its line: 企业性质：□国企 □民企, or
    是否出口？ 是□ 否□."""
    for index, char in enumerate(text):
        if char in BOXES and index and text[index - 1] in " \t:：?？":
            rest = text[index:]
            if any(c not in BOXES and not c.isspace() for c in rest):
                return text[:index].rstrip(" \t:："), rest
            break
    tokens = text.split()
    after = [i for i, token in enumerate(tokens) if len(token) > 1 and token[-1] in BOXES]
    if len(after) >= 2 and after[0] > 0:
        return " ".join(tokens[: after[0]]).rstrip(":："), " ".join(tokens[after[0] :])
    return text, ""


def _without_blanks(text: str) -> tuple[str, bool]:
    """The text without the fill-in blanks it ends with (____, （  ）) and a colon before them;
    and whether it had any."""
    end, found = len(text), False
    while True:  # from the end, each character looked at once
        while end and text[end - 1].isspace():
            end -= 1
        bare = end
        while bare and text[bare - 1] in "_＿":
            bare -= 1
        if end - bare >= 2:
            end, found = bare, True
            continue
        if end and text[end - 1] in ")）":
            opening = end - 2
            while opening >= 0 and text[opening].isspace():
                opening -= 1
            if opening >= 0 and text[opening] in "(（":
                end, found = opening, True
                continue
        break
    return text[:end].rstrip(" :："), found


def _table_row(raw: str, line: str) -> tuple[str, int, int] | None:
    """A table row: its label, how many choice cells follow it, and how many hold a box.
    Tab-separated (Word's paste) or a label and boxes (政策宣传 □ □ □)."""
    if "\t" in raw.strip(" \u3000\xa0\r\n"):
        if raw.count("\t") >= MAX_TABLE_CELLS:
            return None
        cells = [clean(cell) for cell in raw.strip(" \u3000\xa0\r\n").split("\t")]
        label, rest = cells[0], cells[1:]
        if not label or len(rest) < 2 or any(c and c.strip(BOXES + " ") for c in rest):
            return None
        return label, len(rest), sum(1 for c in rest if c)
    body = line.rstrip(BOXES + " ")
    boxes = sum(1 for c in line[len(body) :] if c in BOXES)
    if boxes < 2 or not body or line[len(body)] != " ":
        return None
    return body, boxes, boxes


def _option_line(raw: str, line: str, number: int, question: ParsedQuestion) -> None:
    columns = COLUMNS.match(line)
    if columns:
        question.columns += [c for c in re.split(r"[\s、，,|｜]+", columns.group("labels")) if c]
        return
    before = len(question.options)
    room = MAX_OPTIONS + 1 - before  # one more than validation takes, for it to say so
    header: list[str] = []
    marks = LETTER.finditer(line)
    first = next(marks, None)
    if first is not None and first.start() == 0:
        lettered = [first, *itertools.islice(marks, room)]
        for mark, following in zip(lettered, [*lettered[1:], None], strict=True):
            label = line[mark.end() : following.start() if following else len(line)]
            question.letters.append((mark.group("letter").upper(), number))
            question.options.append(_option(label.strip(BOXES + " \t")))
    elif any(box in line for box in BOXES):
        parts = re.split(f"[{BOXES}]", line)
        if line[0] in BOXES:
            labels = parts[1:]
        elif line[-1] in BOXES:
            labels = parts[:-1]  # 是□ 否□
        else:
            labels = parts
        labels = [label for label in map(str.strip, labels) if label]
        for label in labels[:room]:
            question.options.append(_option(LEADING_LETTER.sub("", label)))
    else:
        stripped = raw.strip(" \u3000\xa0\r\n")
        cells = stripped.split("\t") if "\t" in stripped else [line]
        if 2 <= len(cells) <= MAX_TABLE_CELLS:
            header = [clean(cell) for cell in cells]
        elif len(cells) == 1 and len(line.split(maxsplit=MAX_TABLE_CELLS)) <= MAX_TABLE_CELLS:
            header = line.split()
        labels = [label for label in map(clean, cells[: room * 2]) if label]
        for label in labels[:room]:
            question.options.append(_option(label))
    added = len(question.options) - before
    question.last_options = (number, header, added) if len(header) >= 2 else None


def _option(label: str) -> dict[str, Any]:
    label, fill_in = _without_blanks(label)
    note = FILL_IN_NOTE.search(label)
    if note:
        label, fill_in = label[: note.start()].rstrip(" :："), True
    return {"label": label.strip(), "fill_in": fill_in}


def _contact_type(title: str) -> tuple[str | None, str]:
    """The type a fill-in's title names (联系电话: mobile) and the word that names it."""
    if len(title) > CONTACT_TITLE_MAX or any(word in title for word in (*NOT_CONTACT, "?", "？")):
        return None, ""
    lowered = title.lower()
    for kind, words in CONTACT_WORDS:
        for word in words:
            if word in lowered:
                return kind, word
    return None, ""


def _kind(question: ParsedQuestion) -> str:
    """The question's type, noting each guess for a warning."""
    kind = question.type or question.marked
    line = question.line
    if question.table_rows:
        if kind in (None, "single", "multiple"):
            kind = "matrix_multiple" if kind == "multiple" else "matrix"
        columns, rows = len(question.columns) or question.table_width, question.table_rows

        def table(n: int, kind: str = kind) -> str:
            return _(
                "第 %(n)s 题按%(type)s导入（表格：%(columns)s 列、%(rows)s 行）",
                n=n,
                type=REGISTRY[kind].display_name,
                columns=columns,
                rows=rows,
            )

        question.notes.append((line, table))
        return kind
    if kind is None and question.columns:
        kind = "matrix"
        question.notes.append((line, lambda n: _("第 %(n)s 题按矩阵单选题导入（有“列：”行）", n=n)))
        return kind
    word = question.mark if question.type is None and question.marked else ""
    if kind is None and not question.options:
        kind, word = _contact_type(question.title)
        kind = kind or "text"
    kind = kind or "single"
    if word:
        question.notes.append((line, _guessed(kind, word)))
    return kind


def _guessed(kind: str, word: str) -> Note:
    def note(n: int) -> str:
        said = _(
            "第 %(n)s 题按%(type)s导入（标题含“%(word)s”）",
            n=n,
            type=REGISTRY[kind].display_name,
            word=word,
        )
        return said + _landline_hint(kind)

    return note


def _landline_hint(kind: str) -> str:
    if kind != "mobile":
        return ""
    return _("，只收 11 位手机号码；要收固定电话，请在标题后写 [填空题]")


def _question(question: ParsedQuestion, index: int) -> dict[str, Any]:
    kind = _kind(question) if question.type not in ("description", "page") else question.type
    question.type = kind
    data: dict[str, Any] = {
        "id": f"q{index + 1}",
        "type": kind,
        "title": question.title,
        "required": question.required,
    }
    if question.columns:
        data["columns"] = question.columns
    if question.help:
        data["help"] = "\n".join(question.help)
    if kind == "multiple":
        data.update(question.settings)
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


def _question_warnings(
    questions: list[ParsedQuestion], definitions: list[dict[str, Any]]
) -> list[Problem]:
    """The notes of each question, now that its number is known, and the gaps and repeats in
    what the text numbered and lettered."""
    warnings = []
    asked = written = 0
    for question, definition in zip(questions, definitions, strict=True):
        kind = REGISTRY.get(definition["type"])
        if kind is not None and not kind.answerable:
            continue
        asked += 1
        if question.numbered is not None:
            written += 1
            if question.numbered != written:
                gap = _(
                    "题号 %(given)s 不连续，按第 %(n)s 题导入", given=question.numbered, n=asked
                )
                warnings.append(Problem("", gap, question.line))
        warnings.extend(Problem("", note(asked), line) for line, note in question.notes)
        seen: dict[str, int] = {}
        for letter, line in question.letters:
            if letter in seen:
                repeated = _(
                    "选项字母 %(letter)s 重复（第 %(n)s 行已有），两个选项都已保留",
                    letter=letter,
                    n=seen[letter],
                )
                warnings.append(Problem("", repeated, line))
            seen.setdefault(letter, line)
    return warnings


@dataclass(frozen=True)
class OutlineItem:
    """One entry of the preview: a question with its number, or a description or page break."""

    number: int | None
    kind: str
    label: str  # [单选题]
    detail: str  # the type's name where its label is another type's too: [填空题] 手机号码
    title: str
    help: str
    required: bool
    options: list[str]
    columns: list[str]


def outline(definition: dict[str, Any]) -> list[OutlineItem]:
    """What a validated definition will create, numbered as respondents will see it."""
    items, number = [], 0
    for question in definition["questions"]:
        kind = REGISTRY[question["type"]]
        if kind.answerable:
            number += 1
        options = [o["label"] + ("____" if o["fill_in"] else "") for o in question["options"]]
        items.append(
            OutlineItem(
                number=number if kind.answerable else None,
                kind=kind.name,
                label=kind.report_label,
                detail=_detail(kind),
                title=question["title"],
                help=question["help"],
                required=question["required"],
                options=options,
                columns=list(question["settings"].get("columns") or []),
            )
        )
    return items


def _detail(kind: QuestionType) -> str:
    first = next(k for k in REGISTRY.values() if k.report_label == kind.report_label)
    return "" if first is kind else str(kind.display_name)


def load_any(text: str, zone: ZoneInfo, fmt: str) -> TextImport:
    """A questionnaire in any format staff bring: "txt" (plain text), "yaml" or "json"."""
    if fmt == "txt":
        refuse_oversized(text)
        return parse_text(text, zone)
    return TextImport(definition=load_text(text, zone, fmt), warnings=[])
