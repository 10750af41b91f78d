"""A draft (征求意见稿) split into the parts the public comments on, by the numbering Chinese
legal texts use: 第一章 and 第一节 headings, 第一条 articles with their paragraphs (款) and items
（一）/ 1. inside them, and the preamble before the first article. A policy written as numbered
points (一、二、) with no 第X条 is split at those points instead.

Numbering is checked as it is read: a gap or a repeat is a warning with its line number, never
a refusal, since staff fix their own document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from survey.core.i18n import _

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9}  # fmt: skip
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL = r"[零〇一二两三四五六七八九十百千\d]+"

CHAPTER = re.compile(rf"^第({NUMERAL})章\s*(.*)$")
SECTION = re.compile(rf"^第({NUMERAL})节\s*(.*)$")
ARTICLE = re.compile(rf"^第({NUMERAL})条\s*(.*)$")
POINT = re.compile(r"^([一二三四五六七八九十百]+)、\s*(.*)$")
ITEM = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]")

# Limits of what one draft may be, so an upload costs a bounded amount of work.
MAX_CHARACTERS = 300_000
MAX_PARTS = 1_000


def chinese_number(numeral: str) -> int | None:
    """九十九 -> 99, 一百零五 -> 105, 十二 -> 12, 12 -> 12; None for what is not a numeral."""
    if numeral.isdigit():
        return int(numeral)
    total, digit = 0, None
    for character in numeral:
        if character in DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row: "二三" is not a numeral
            digit = DIGITS[character]
        elif character in UNITS:
            total += (digit if digit is not None else 1) * UNITS[character]
            digit = None
        else:
            return None
    return total + (digit or 0)


def chinese_numeral(number: int) -> str:
    """99 -> 九十九, 105 -> 一百零五, 10 -> 十 (as article numbers are written)."""
    names = "零一二三四五六七八九"
    if number < 10:
        return names[number]
    if number < 20:
        return "十" + (names[number - 10] if number > 10 else "")
    if number < 100:
        return names[number // 10] + "十" + (names[number % 10] if number % 10 else "")
    hundreds, rest = divmod(number, 100)
    if rest == 0:
        return names[hundreds] + "百"
    middle = "零" if rest < 10 else ""
    tens = chinese_numeral(rest) if rest >= 20 or rest < 10 else "一" + chinese_numeral(rest)
    return names[hundreds] + "百" + middle + tens


@dataclass
class Part:
    """One part of the draft: a heading (chapter, section) or a commentable text (preamble,
    article, point). ``key`` names it across versions (第三条); ``paragraphs`` are its 款 and
    items, the first without the article number."""

    kind: str  # "preamble", "chapter", "section", "article"
    key: str
    label: str  # 第三条, 第一章 ..., or "" for the preamble
    heading: str = ""  # a chapter's or section's title (总则)
    paragraphs: list[str] = field(default_factory=list)
    line: int = 0  # where it starts in the source


@dataclass
class SplitDraft:
    parts: list[Part]
    warnings: list[str]
    title: str = ""  # the document's own title line, if it opens with one

    @property
    def articles(self) -> list[Part]:
        return [part for part in self.parts if part.kind == "article"]


class DraftTooLarge(ValueError):
    """A draft beyond the limits above."""


def clean_lines(text: str) -> list[str]:
    """The draft's lines with Word's and the web's spaces normalised (kept, even if empty, so
    that warnings name the line staff see in their file)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\v", "\n")
    return [line.replace("\u3000", " ").replace("\xa0", " ").strip() for line in text.split("\n")]


def split(text: str) -> SplitDraft:
    """Split a draft's text into its parts, with warnings about its numbering."""
    if len(text) > MAX_CHARACTERS:
        raise DraftTooLarge(_("征求意见稿过长（超过 %(n)s 字），请分成几份征集", n=MAX_CHARACTERS))
    lines = clean_lines(text)
    by_articles = any(ARTICLE.match(line) for line in lines)
    reader = _Reader(article=ARTICLE if by_articles else POINT)
    title = ""
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        if not reader.parts and not title and _is_title(line):
            title = line
            continue
        reader.read(number, line)
    reader.finish()
    if not by_articles and reader.articles:
        reader.warnings.insert(0, _("未找到“第X条”，已按“一、二、三、”分条"))
    if not reader.articles:
        reader.warnings.append(_("未找到“第X条”或“一、”编号，全文将作为一个整体征求意见"))
    if len(reader.parts) > MAX_PARTS:
        raise DraftTooLarge(_("征求意见稿超过 %(n)s 个条款，请分成几份征集", n=MAX_PARTS))
    return SplitDraft(reader.parts, reader.warnings, title)


def _is_title(line: str) -> bool:
    """A document's title line: short, not a sentence, not numbered (《…办法（征求意见稿）》)."""
    numbered = any(p.match(line) for p in (CHAPTER, SECTION, ARTICLE, POINT, ITEM))
    return len(line) <= 80 and not numbered and line[-1] not in "。；;：:，,"


class _Reader:
    """Reads lines in order, keeping the numbering in force."""

    def __init__(self, article: re.Pattern[str]) -> None:
        self.article = article
        self.parts: list[Part] = []
        self.warnings: list[str] = []
        self.current: Part | None = None
        self.chapter = 0
        self.section = 0
        self.article_number = 0
        self.item = 0
        self.seen: set[str] = set()

    @property
    def articles(self) -> list[Part]:
        return [part for part in self.parts if part.kind == "article"]

    def read(self, line_number: int, line: str) -> None:
        if match := CHAPTER.match(line):
            number = self._number(line_number, match[1], "第{}章", self.chapter)
            self.chapter, self.section = number, 0
            self._heading("chapter", f"第{match[1]}章", match[2], line_number)
        elif match := SECTION.match(line):
            number = self._number(line_number, match[1], "第{}节", self.section)
            self.section = number
            self._heading("section", f"第{match[1]}节", match[2], line_number)
        elif (match := self.article.match(line)) and chinese_number(match[1]) is not None:
            style = "第{}条" if self.article is ARTICLE else "{}、"
            number = self._number(line_number, match[1], style, self.article_number)
            self.article_number, self.item = number, 0
            label = style.format(match[1])
            key = self._unique_key(label)
            self.current = Part("article", key, label, line=line_number)
            self.parts.append(self.current)
            if match[2]:
                self._paragraph(line_number, match[2])
        else:
            if self.current is None:
                self.current = Part("preamble", "preamble", "", line=line_number)
                self.parts.append(self.current)
            self._paragraph(line_number, line)

    def _heading(self, kind: str, label: str, heading: str, line_number: int) -> None:
        self.parts.append(Part(kind, self._unique_key(label), label, heading, line=line_number))
        # Text between a heading and the next article belongs to no article: it opens one of
        # its own only if it comes before the first article (the preamble).
        self.current = None if self.articles else self.current

    def _paragraph(self, line_number: int, text: str) -> None:
        assert self.current is not None
        if self.current.kind == "article" and (match := ITEM.match(text)):
            number = chinese_number(match[1]) or 0
            if number != self.item + 1:
                self.warnings.append(
                    _(
                        "第 %(line)s 行：%(label)s的第（%(found)s）项前应为第（%(expected)s）项",
                        line=line_number,
                        label=self.current.label,
                        found=match[1],
                        expected=chinese_numeral(self.item + 1),
                    )
                )
            self.item = number
        self.current.paragraphs.append(text)

    def _number(self, line_number: int, numeral: str, style: str, previous: int) -> int:
        """The number of a heading or article (``style`` prints it: 第{}条), warning when it
        does not follow ``previous``."""
        number = chinese_number(numeral) or 0
        if number == previous and previous:
            self.warnings.append(
                _("第 %(line)s 行：%(label)s重复", line=line_number, label=style.format(numeral))
            )
        elif number != previous + 1:
            self.warnings.append(
                _(
                    "第 %(line)s 行：此处应为%(expected)s，实为%(found)s",
                    line=line_number,
                    expected=style.format(chinese_numeral(previous + 1)),
                    found=style.format(numeral),
                )
            )
        return number

    def _unique_key(self, label: str) -> str:
        key, n = label, 1
        while key in self.seen:
            n += 1
            key = f"{label}#{n}"
        self.seen.add(key)
        return key

    def finish(self) -> None:
        self.parts = [part for part in self.parts if part.kind != "preamble" or part.paragraphs]
