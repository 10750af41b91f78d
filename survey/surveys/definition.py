"""The questionnaire definition format ``survey/v1`` (YAML or JSON) and its mapping to models.

Import checks everything and reports every problem with its place and, for YAML, its line,
staff reading it in words (``Problem.in_words``)::

    第 4 题的选项：至少需要两个选项（第 14 行）

Export writes the same structure back, so export followed by import gives the same questionnaire.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy.orm import Session

from survey.core.errors import Refusal
from survey.core.i18n import _, _l
from survey.core.timeutil import parse_local, to_local
from survey.core.window import unused_slug
from survey.surveys.models import Option, Question, Quota, Survey
from survey.surveys.questions import REGISTRY

FORMAT = "survey/v1"
SURVEY_KEYS = {
    "format",
    "title",
    "issuer",
    "description",
    "thank_you",
    "opens",
    "closes",
    "requires_invitation",
    "max_responses",
    "quotas",
    "time_limit",
    "daily_hours",
    "consent",
    "duplicates",
    "too_fast_seconds",
    "challenge",
    "challenge_after",
    "retention_days",
    "questions",
}
DUPLICATE_POLICIES = ("device", "address")  # 防重复 besides open and requires_invitation
CHALLENGES = ("busy", "always")
QUOTA_KEYS = {"label", "limit", "when"}
MAX_QUOTAS = 50
MAX_QUOTA_QUESTIONS = 3
MAX_RESPONSES = 10_000_000
# Bounds of an import, far above any questionnaire: 1,000 questions with ten options are about
# 40,000 values, 300,000 characters and 5 levels deep.
MAX_IMPORT_CHARS = 2_000_000
MAX_VALUES = 200_000
MAX_DEPTH = 32
MAX_QUESTIONS = 1000
MAX_OPTIONS = 1000
MAX_PROBLEMS = 100  # listed; beyond them one line says how many more there are
# libyaml when PyYAML was built with it: ten times faster than the pure-Python loader.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DAILY_HOURS = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})", re.ASCII)
QUESTION_KEYS = {
    "id", "type", "title", "required", "help", "options", "show_if", "skip", "personal",
}  # fmt: skip
OPTION_KEYS = {"label", "fill_in"}
CONDITION_TESTS = ("chosen", "not_chosen")
END = "end"  # a skip target: the end of the questionnaire
KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
LIMITS = {"title": 200, "issuer": 100, "label": 500}
KIND_NAMES = {int: _l("整数"), float: _l("数字"), bool: _l("true 或 false"), str: _l("文字")}


@dataclass
class Problem:
    path: str
    message: str
    line: int | None = None
    # The place in words (第 2 题第 3 个选项), set by ``validate`` from the questions' numbers;
    # None: read from the path alone.
    place: str | None = None

    def __str__(self) -> str:
        where = _("（第 %(n)s 行）", n=self.line) if self.line else ""
        return f"{self.path}: {self.message}{where}" if self.path else f"{self.message}{where}"

    def in_words(self) -> str:
        """The problem as staff read it: the place named as 第 N 题, not ``questions[N-1]``."""
        where = _("（第 %(n)s 行）", n=self.line) if self.line else ""
        place = self.place if self.place is not None else describe(self.path)
        if not place:
            return f"{self.message}{where}"
        return _("%(place)s：%(message)s", place=place, message=self.message) + where


QUESTION_PATH = re.compile(r"^questions\[(\d+)\](?:\.(?P<key>[A-Za-z_]+))?(?:\[(?P<item>\d+)\])?")
QUOTA_PATH = re.compile(r"^quotas\[(\d+)\]")


def describe(path: str, questions: Any = None) -> str:
    """A definition path in staff's words: ``questions[1].options[2]`` is 第 2 题第 3 个选项.
    Questions are numbered as respondents see them (说明文字 and 分页 take no number) when the
    definition's ``questions`` are given, else by their place in the list."""
    match = QUESTION_PATH.match(path)
    if match is None:
        quota = QUOTA_PATH.match(path)
        if quota is not None:
            return _("第 %(n)s 个配额", n=int(quota.group(1)) + 1)
        return {"title": _("问卷标题"), "questions": _("题目")}.get(path, path)
    index = int(match.group(1))
    entries = questions if isinstance(questions, list) and index < len(questions) else None
    if entries is None:
        question = _("第 %(n)s 题", n=index + 1)
    else:
        kinds = [REGISTRY.get(str(q.get("type"))) if isinstance(q, dict) else None
                 for q in entries[: index + 1]]  # fmt: skip
        kind = kinds[-1]
        if kind is not None and not kind.answerable:
            asked = sum(1 for k in kinds[:-1] if k is None or k.answerable)
            if asked:
                question = _("第 %(n)s 题后的%(type)s", n=asked, type=kind.display_name)
            else:
                question = _("第 1 题前的%(type)s", type=kind.display_name)
        else:
            question = _("第 %(n)s 题", n=sum(1 for k in kinds if k is None or k.answerable))
    key, item = match.group("key"), match.group("item")
    if key is None:
        return question
    if key == "options" and item is not None:
        return _("%(question)s第 %(n)s 个选项", question=question, n=int(item) + 1)
    if key == "columns" and item is not None:
        return _("%(question)s第 %(n)s 列", question=question, n=int(item) + 1)
    if key == "skip" and item is not None:
        return _("%(question)s第 %(n)s 条跳题规则", question=question, n=int(item) + 1)
    parts = {
        "title": _("%(question)s的标题"), "type": _("%(question)s的题型"),
        "options": _("%(question)s的选项"), "required": _("%(question)s的必答设置"),
        "help": _("%(question)s的填写说明"), "columns": _("%(question)s的列"),
        "show_if": _("%(question)s的显示条件"), "skip": _("%(question)s的跳题规则"),
    }  # fmt: skip
    if key in parts:
        return parts[key] % {"question": question}
    label = _setting_label(key)
    if label:
        return _("%(question)s的“%(setting)s”", question=question, setting=label)
    return _("%(question)s的 %(key)s", question=question, key=key)


def _setting_label(key: str) -> str:
    for kind in REGISTRY.values():
        for setting in kind.settings:
            if setting.key == key:
                return str(setting.label)
    return ""


class DefinitionError(Refusal):
    """The definition has problems; ``problems`` lists every one of them."""

    problems: list[Problem]

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems=problems)


def load_text(text: str, zone: ZoneInfo, fmt: str = "yaml") -> dict[str, Any]:
    """Parse and validate a definition (dates in ``zone``); return it normalised or raise."""
    refuse_oversized(text)
    if "\x00" in text:
        raise DefinitionError([Problem("", _("文件含有空字符（NUL），请确认它是文本文件"))])
    lines: dict[str, int] = {}
    try:
        if fmt == "json":
            data = json.loads(text)
        else:
            data, lines = _load_yaml(text)
    except json.JSONDecodeError as exc:
        raise DefinitionError(
            [Problem("", _("JSON 格式错误：%(reason)s", reason=exc.msg), exc.lineno)]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or _("无法解析")
        raise DefinitionError(
            [Problem("", _("YAML 格式错误：%(reason)s", reason=reason), line)]
        ) from None
    except RecursionError:
        raise DefinitionError([_too_deep("")]) from None
    except ValueError as exc:
        # PyYAML reads 2026-13-01 as a date and fails on the impossible month.
        raise DefinitionError([Problem("", _("日期无效：%(reason)s", reason=exc))]) from None
    try:
        unsafe = _unsafe_value(data)
        if unsafe is not None:
            raise DefinitionError([unsafe])
        return validate(data, zone)
    except DefinitionError as error:
        if fmt == "json":
            lines = _json_lines(text)
        for problem in error.problems:
            problem.line = _line_of(problem.path, lines)
        raise


def refuse_oversized(text: str) -> None:
    """Refuse an import longer than any questionnaire (parsing it would only cost time) or
    holding a lone surrogate, which no parser or database takes."""
    if len(text) > MAX_IMPORT_CHARS:
        too_long = _("内容过长：最多 %(n)s 个字符，请分成几份导入", n=f"{MAX_IMPORT_CHARS:,}")
        raise DefinitionError([Problem("", too_long)])
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise DefinitionError([_lone_surrogate("")]) from None


def _lone_surrogate(path: str) -> Problem:
    return Problem(path, _("含有无效的字符（单独的代理项）"))


def _too_deep(path: str) -> Problem:
    return Problem(path, _("嵌套过深：最多 %(n)s 层", n=MAX_DEPTH))


def _too_many() -> Problem:
    return Problem("", _("内容过多：展开引用（&、*）后最多 %(n)s 项", n=f"{MAX_VALUES:,}"))


def _load_yaml(text: str) -> tuple[Any, dict[str, int]]:
    """The document and the line of each path. The node graph is measured before anything is
    built from it: an alias (``*x``) is a reference that validation would walk as a copy, so nine
    nested levels of nine aliases are nine to the ninth values."""
    loader = YAML_LOADER(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, {}
        _measure(root, {}, set(), 0)
        return loader.construct_document(root), _yaml_lines(root)
    finally:
        loader.dispose()


def _measure(
    node: yaml.Node, measured: dict[int, tuple[int, int]], open_nodes: set[int], depth: int
) -> tuple[int, int]:
    """(values, height) of ``node`` with aliases expanded; refuse cycles and what is over the
    bounds. ``measured`` holds each node reached before, so shared nodes are measured once."""
    key = id(node)
    if key in open_nodes:
        raise DefinitionError([Problem("", _("引用（&、*）不能包含它自己"))])
    if key not in measured:
        if depth > MAX_DEPTH:
            raise DefinitionError([_too_deep("")])
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        open_nodes.add(key)
        values, height = 1, 0
        for child in children:
            child_values, child_height = _measure(child, measured, open_nodes, depth + 1)
            values += child_values
            height = max(height, child_height + 1)
            if values > MAX_VALUES:
                raise DefinitionError([_too_many()])
        open_nodes.discard(key)
        measured[key] = values, height
    values, height = measured[key]
    if depth + height > MAX_DEPTH:
        raise DefinitionError([_too_deep("")])
    return values, height


def _unsafe_value(data: Any) -> Problem | None:
    """The first value no database can keep or no questionnaire needs: text with NUL or a lone
    surrogate (``"\\u0000"``, ``"\\ud800"`` in JSON), nesting over MAX_DEPTH, more than
    MAX_VALUES values."""
    pending: list[tuple[Any, str, int]] = [(data, "", 0)]
    count = 0
    while pending:
        value, path, depth = pending.pop()
        count += 1
        if count > MAX_VALUES:
            return _too_many()
        if depth > MAX_DEPTH:
            return _too_deep(path)
        if isinstance(value, str):
            if "\x00" in value:
                return Problem(path, _("含有空字符（NUL）"))
            if not value.isascii():
                try:
                    value.encode("utf-8")
                except UnicodeEncodeError:
                    return _lone_surrogate(path)
        elif isinstance(value, dict):
            for item_key, item in value.items():
                child = f"{path}.{item_key}" if path else str(item_key)
                pending.append((item_key, child, depth + 1))
                pending.append((item, child, depth + 1))
        elif isinstance(value, list):
            pending.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))
    return None


def validate(data: Any, zone: ZoneInfo) -> dict[str, Any]:
    """Check a parsed definition; return it normalised (defaults filled in, dates in UTC)."""
    checker = _Checker(zone)
    result = checker.survey(data)
    if checker.unlisted:
        checker.problems.append(
            Problem("", _("另有 %(n)s 处问题未列出，请先改正以上问题", n=checker.unlisted))
        )
    if checker.problems:
        questions = data.get("questions") if isinstance(data, dict) else None
        for problem in checker.problems:
            problem.place = describe(problem.path, questions)
        raise DefinitionError(checker.problems)
    return result


class _Checker:
    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.problems: list[Problem] = []
        self.unlisted = 0

    def add(self, path: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(path, message))
        else:
            self.unlisted += 1

    def text(self, data: dict, key: str, path: str, *, required: bool = False) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.add(path + key, _("必须填写"))
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.add(path + key, _("应为文字"))
            return ""
        value = str(value).strip()
        if required and not value:
            self.add(path + key, _("不能为空"))
        limit = LIMITS.get(key)
        if limit and len(value) > limit:
            self.add(path + key, _("最多 %(n)s 个字", n=limit))
        return value

    def unknown_keys(self, data: dict, allowed: set[str], path: str) -> None:
        for key in data:
            if key not in allowed:
                self.add(
                    f"{path}{key}",
                    _("未知的字段，可用的字段：%(keys)s", keys="、".join(sorted(allowed))),
                )

    def survey(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.add("", _("定义应为一个映射（title、questions ...）"))
            return {}
        if data.get("format") != FORMAT:
            self.add("format", _("应为 %(format)s", format=FORMAT))
        self.unknown_keys(data, SURVEY_KEYS, "")
        result: dict[str, Any] = {
            key: self.text(data, key, "", required=key == "title")
            for key in ("title", "issuer", "description", "thank_you")
        }
        result.update(self.window(data))
        result["requires_invitation"] = data.get("requires_invitation", False)
        if not isinstance(result["requires_invitation"], bool):
            self.add("requires_invitation", _("应为 true 或 false"))
        questions = data.get("questions")
        if not isinstance(questions, list) or not questions:
            self.add("questions", _("至少需要一个问题"))
            questions = []
        elif len(questions) > MAX_QUESTIONS:
            self.add("questions", _("最多 %(n)s 道题", n=MAX_QUESTIONS))
            questions = []
        result["questions"] = [self.question(q, i) for i, q in enumerate(questions)]
        keys = Counter(q["id"] for q in result["questions"] if q)
        for index, question in enumerate(result["questions"]):
            if question and keys[question["id"]] > 1:
                self.add(f"questions[{index}].id", _("“%(key)s”重复", key=question["id"]))
        self.references(result["questions"])
        result["max_responses"] = self.count(data, "max_responses", "")
        result["time_limit"] = self.count(data, "time_limit", "")
        if result["time_limit"] is not None and result["time_limit"] > 24 * 60:
            self.add("time_limit", _("答题时长限制最多 %(n)s 分钟", n=24 * 60))
        result["daily_hours"] = self.daily_hours(data.get("daily_hours"))
        result["consent"] = self.consent(data.get("consent"))
        result["duplicates"] = self.choice(data, "duplicates", DUPLICATE_POLICIES)
        if result["duplicates"] and result["requires_invitation"] is True:
            self.add("duplicates", _("仅限邀请链接时，每个邀请只能填写一次，不能再设置防重复"))
        result["too_fast_seconds"] = self.count(data, "too_fast_seconds", "")
        result["challenge"] = self.choice(data, "challenge", CHALLENGES)
        result["challenge_after"] = self.count(data, "challenge_after", "")
        result["retention_days"] = self.count(data, "retention_days", "")
        if result["retention_days"] is not None and result["retention_days"] > 3650:
            self.add("retention_days", _("保存期限最多 %(n)s 天", n=3650))
        result["quotas"] = self.quotas(data.get("quotas", []), result["questions"])
        return result

    def count(self, data: dict[str, Any], key: str, path: str) -> int | None:
        """An optional whole number from 1 to MAX_RESPONSES."""
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_RESPONSES:
            self.add(path + key, _("应为 1 到 %(n)s 之间的整数", n=MAX_RESPONSES))
            return None
        return value

    def choice(self, data: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str:
        """An optional one of ``allowed`` ("": not given)."""
        value = data.get(key)
        if value is None:
            return ""
        if value not in allowed:
            self.add(key, _("应为 %(values)s 之一", values="、".join(allowed)))
            return ""
        return str(value)

    def consent(self, value: Any) -> dict[str, Any]:
        """个人信息使用说明: ``{text: ..., required: true}``."""
        if value is None:
            return {"text": "", "required": False}
        if not isinstance(value, dict):
            self.add("consent", _("应为一个映射（text、required）"))
            return {"text": "", "required": False}
        self.unknown_keys(value, {"text", "required"}, "consent.")
        text = value.get("text", "")
        required = value.get("required", False)
        if not isinstance(text, str) or len(text) > 5000:
            self.add("consent.text", _("应为文字，最多 %(n)s 字", n=5000))
            text = ""
        if not isinstance(required, bool):
            self.add("consent.required", _("应为 true 或 false"))
            required = False
        if required and not text.strip():
            self.add("consent.text", _("要求勾选同意时，请填写个人信息使用说明"))
        return {"text": text.strip(), "required": required}

    def daily_hours(self, value: Any) -> tuple[int, int] | None:
        """每日答题时段 "08:30-17:30" as minutes of the office's day."""
        if value is None:
            return None
        found = DAILY_HOURS.fullmatch(value.strip()) if isinstance(value, str) else None
        if found is not None:
            start = int(found[1]) * 60 + int(found[2])
            end = int(found[3]) * 60 + int(found[4])
            if int(found[2]) < 60 and int(found[4]) < 60 and start < end <= 24 * 60:
                return start, end
        self.add("daily_hours", _("应写作“08:30-17:30”，结束晚于开始"))
        return None

    def quotas(self, data: Any, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """名额: each a label, a limit, and ``when``: question key -> its option labels (any of
        them; several questions: all of them)."""
        if not isinstance(data, list) or len(data) > MAX_QUOTAS:
            self.add("quotas", _("应为最多 %(n)s 项的列表", n=MAX_QUOTAS))
            return []
        by_key = {q["id"]: q for q in questions if q}
        found = []
        for index, quota in enumerate(data):
            path = f"quotas[{index}]."
            if not isinstance(quota, dict):
                self.add(f"quotas[{index}]", _("应为一个映射（label、limit、when）"))
                continue
            self.unknown_keys(quota, QUOTA_KEYS, path)
            label = self.text(quota, "label", path, required=True)[:100]
            limit = self.count(quota, "limit", path)
            if limit is None and "limit" not in quota:
                self.add(path + "limit", _("必须填写"))
            when = quota.get("when")
            if not isinstance(when, dict) or not 1 <= len(when) <= MAX_QUOTA_QUESTIONS:
                self.add(path + "when", _("应为 1 到 %(n)s 道题及其选项", n=MAX_QUOTA_QUESTIONS))
                continue
            chosen: dict[str, list[str]] = {}
            for key, labels in when.items():
                question = by_key.get(key) if isinstance(key, str) else None
                if question is None or not REGISTRY[question["type"]].filterable:
                    self.add(f"{path}when.{key}", _("没有可按选项计名额的题目“%(key)s”", key=key))
                    continue
                labels = labels if isinstance(labels, list) else [labels]
                known = {o["label"] for o in question["options"]}
                if not labels or any(not isinstance(x, str) or x not in known for x in labels):
                    self.add(f"{path}when.{key}", _("应为该题的选项"))
                    continue
                chosen[key] = labels
            found.append({"label": label, "limit": limit or 0, "when": chosen})
        return found

    def references(self, questions: list[dict[str, Any]]) -> None:
        """Logic may name only earlier choice questions and their options, and jump forwards."""
        position = {q["id"]: i for i, q in enumerate(questions) if q}
        for index, question in enumerate(questions):
            if not question:
                continue
            path = f"questions[{index}]."
            for mode, conditions in (question["show_if"] or {}).items():
                for n, condition in enumerate(conditions):
                    where = f"{path}show_if.{mode}[{n}]."
                    source = position.get(condition["question"])
                    if source is None:
                        self.add(
                            where + "question", _("没有题目“%(key)s”", key=condition["question"])
                        )
                    elif source >= index:
                        self.add(where + "question", _("只能引用前面的题目"))
                    else:
                        test = next(t for t in CONDITION_TESTS if t in condition)
                        self.chosen_option(questions[source], condition[test], where + test)
            for n, jump in enumerate(question["skip"]):
                where = f"{path}skip[{n}]."
                self.chosen_option(question, jump["option"], where + "option")
                target = position.get(jump["to"])
                if jump["to"] != END and target is None:
                    self.add(
                        where + "to",
                        _("没有题目“%(key)s”，跳到结尾请写 %(end)s", key=jump["to"], end=END),
                    )
                elif target is not None and target <= index:
                    self.add(where + "to", _("只能跳到后面的题目"))

    def chosen_option(self, question: dict[str, Any], label: str, path: str) -> None:
        if not REGISTRY[question["type"]].chooses_options:
            self.add(path, _("“%(key)s”不是选择题", key=question["id"]))
        elif label not in [option["label"] for option in question["options"]]:
            self.add(path, _("“%(key)s”没有选项“%(label)s”", key=question["id"], label=label))

    def show_if(self, data: Any, path: str) -> dict[str, list[dict[str, str]]] | None:
        """``{all|any: [{question: key, chosen|not_chosen: label}, ...]}``."""
        if data is None:
            return None
        if not isinstance(data, dict) or len(data) != 1 or next(iter(data)) not in ("all", "any"):
            self.add(path, _("应为 all（全部满足）或 any（任一满足）下的条件列表"))
            return None
        mode, items = next(iter(data.items()))
        if not isinstance(items, list) or not items:
            self.add(f"{path}.{mode}", _("至少需要一个条件"))
            return None
        conditions = []
        for n, item in enumerate(items):
            where = f"{path}.{mode}[{n}]"
            tests = [t for t in CONDITION_TESTS if isinstance(item, dict) and t in item]
            if not isinstance(item, dict) or len(tests) != 1:
                self.add(where, _("条件应含 question 和 chosen 或 not_chosen 之一"))
                continue
            self.unknown_keys(item, {"question", *CONDITION_TESTS}, where + ".")
            question = self.text(item, "question", where + ".", required=True)
            label = self.text(item, tests[0], where + ".", required=True)
            conditions.append({"question": question, tests[0]: label})
        return {mode: conditions}

    def skip(self, data: Any, path: str) -> list[dict[str, str]]:
        """``[{option: label, to: key | end}, ...]`` (one rule may be written without the list)."""
        if data is None:
            return []
        items = [data] if isinstance(data, dict) else data
        if not isinstance(items, list):
            self.add(path, _("应为跳转规则的列表（option、to）"))
            return []
        jumps: list[dict[str, str]] = []
        for n, item in enumerate(items):
            where = f"{path}[{n}]" if isinstance(data, list) else path
            if not isinstance(item, dict):
                self.add(where, _("跳转规则应含 option 和 to"))
                continue
            self.unknown_keys(item, {"option", "to"}, where + ".")
            jump = {
                "option": self.text(item, "option", where + ".", required=True),
                "to": self.text(item, "to", where + ".", required=True),
            }
            if jump["option"] in [j["option"] for j in jumps]:
                self.add(where + ".option", _("选项“%(label)s”已有跳转规则", label=jump["option"]))
            jumps.append(jump)
        return jumps

    def window(self, data: dict) -> dict[str, Any]:
        window: dict[str, Any] = {"opens": None, "closes": None}
        for key in window:
            if data.get(key) is None:
                continue
            try:
                window[key] = parse_local(data[key], self.zone, end_of_day=key == "closes")
            except (ValueError, TypeError):
                self.add(key, _("日期格式应为 2023-11-01 或 2023-11-01 08:00"))
        if window["opens"] and window["closes"] and window["opens"] >= window["closes"]:
            self.add("closes", _("截止时间应晚于开始时间"))
        return window

    def question(self, data: Any, index: int) -> dict[str, Any]:
        path = f"questions[{index}]."
        if not isinstance(data, dict):
            self.add(path[:-1], _("问题应为一个映射（id、type、title ...）"))
            return {}
        kind = REGISTRY.get(str(data.get("type")))
        if kind is None:
            self.add(
                path + "type", _("未知的题型，可用的题型：%(types)s", types="、".join(REGISTRY))
            )
            return {}
        settings_keys = {setting.key for setting in kind.settings}
        self.unknown_keys(data, QUESTION_KEYS | settings_keys, path)
        key = data.get("id", f"q{index + 1}")
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            self.add(path + "id", _("应以字母开头，只含字母、数字、- 和 _"))
            key = f"q{index + 1}"
        required = data.get("required", False)
        if not isinstance(required, bool):
            self.add(path + "required", _("应为 true 或 false"))
        personal = data.get("personal", False)
        if not isinstance(personal, bool):
            self.add(path + "personal", _("应为 true 或 false"))
        result = {
            "id": key,
            "type": kind.name,
            "title": self.text(data, "title", path, required=kind.title_required),
            "required": required,
            "help": self.text(data, "help", path),
            "settings": self.settings(data, kind, path),
            "options": [],
            "show_if": self.show_if(data.get("show_if"), path + "show_if"),
            "skip": self.skip(data.get("skip"), path + "skip"),
            "personal": personal is True,
        }
        if kind.has_options:
            result["options"] = self.options(data.get("options"), path + "options")
        elif "options" in data:
            self.add(path + "options", _("%(type)s没有选项", type=kind.display_name))
        if not kind.answerable and required:
            self.add(path + "required", _("%(type)s不用回答，不能必答", type=kind.display_name))
        problems = kind.check_settings(result["settings"], len(result["options"]))
        for key, message in problems:
            self.add(path + key, message)
        generated = kind.generated_options(result["settings"])
        if generated is not None and not problems:
            result["options"] = [{"label": label, "fill_in": False} for label in generated]
        return result

    def settings(self, data: dict, kind: Any, path: str) -> dict[str, Any]:
        settings = {}
        for setting in kind.settings:
            if setting.key not in data:
                continue
            value = data[setting.key]
            if setting.kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if setting.kind is list:
                value = self.labels(value, path + setting.key)
                if value is None:
                    continue
            if type(value) is not setting.kind:
                self.add(path + setting.key, _("应为%(kind)s", kind=KIND_NAMES[setting.kind]))
                continue
            settings[setting.key] = value
        return settings

    def labels(self, data: Any, path: str) -> list[str] | None:
        """A list setting (matrix columns): two or more distinct labels."""
        if not isinstance(data, list) or len(data) < 2:
            self.add(path, _("应为至少两项的列表"))
            return None
        labels = []
        for index, item in enumerate(data):
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                self.add(f"{path}[{index}]", _("应为文字"))
                return None
            label = str(item).strip()
            if not label or len(label) > LIMITS["label"]:
                self.add(f"{path}[{index}]", _("不能为空，最多 %(n)s 个字", n=LIMITS["label"]))
                return None
            labels.append(label)
        if len(set(labels)) != len(labels):
            self.add(path, _("不能有重复的项"))
            return None
        return labels

    def options(self, data: Any, path: str) -> list[dict[str, Any]]:
        if not isinstance(data, list) or len(data) < 2:
            self.add(path, _("至少需要两个选项"))
            return []
        if len(data) > MAX_OPTIONS:
            self.add(path, _("最多 %(n)s 个选项", n=MAX_OPTIONS))
            return []
        options = []
        for index, item in enumerate(data):
            where = f"{path}[{index}]"
            if isinstance(item, dict):
                self.unknown_keys(item, OPTION_KEYS, where + ".")
                label = self.text(item, "label", where + ".", required=True)
                fill_in = item.get("fill_in", False)
                if not isinstance(fill_in, bool):
                    self.add(where + ".fill_in", _("应为 true 或 false"))
            elif isinstance(item, str | int | float) and not isinstance(item, bool):
                label, fill_in = str(item).strip(), False
                if not label:
                    self.add(where, _("选项不能为空"))
                elif len(label) > LIMITS["label"]:
                    self.add(where, _("最多 %(n)s 个字", n=LIMITS["label"]))
            else:
                self.add(where, _("选项应为文字，或含 label 的映射"))
                continue
            options.append({"label": label, "fill_in": fill_in})
        seen: set[str] = set()
        for index, option in enumerate(options):
            label = option["label"]
            if label in seen:
                self.add(f"{path}[{index}]", _("选项“%(label)s”重复", label=label))
            elif label:
                seen.add(label)
        return options


def _json_lines(text: str) -> dict[str, int]:
    """The lines of a JSON definition's paths (JSON is YAML), once it is known to be small
    enough to compose."""
    loader = YAML_LOADER(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError:
        return {}
    finally:
        loader.dispose()
    return _yaml_lines(root) if root is not None else {}


def _yaml_lines(root: yaml.Node) -> dict[str, int]:
    """Map each path (``questions[3].options``) to the line where its value starts."""
    lines: dict[str, int] = {}

    def walk(node: yaml.Node, path: str) -> None:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = f"{path}.{key_node.value}" if path else str(key_node.value)
                lines[child] = key_node.start_mark.line + 1
                walk(value_node, child)
                lines[child] = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, f"{path}[{index}]")

    walk(root, "")
    return lines


def _line_of(path: str, lines: dict[str, int]) -> int | None:
    """The line of ``path``, or of its nearest enclosing element that has one."""
    while path:
        if path in lines:
            return lines[path]
        parent = re.sub(r"(\.?[^.\[]+|\[\d+\])$", "", path)
        if parent == path:
            break
        path = parent
    return lines.get("")


def create_survey(session: Session, definition: dict[str, Any]) -> Survey:
    """Add a draft survey built from a validated definition."""
    survey = Survey(
        slug=unused_slug(session, Survey.slug),
        title=definition["title"],
        issuer=definition["issuer"],
        description=definition["description"],
        thank_you=definition["thank_you"],
        opens_at=definition["opens"],
        closes_at=definition["closes"],
        # Staff's own drafts (new_draft, copies) are built without the key.
        requires_invitation=definition.get("requires_invitation", False),
    )
    for position, spec in enumerate(definition["questions"]):
        question = Question(
            position=position,
            key=spec["id"],
            type=spec["type"],
            title=spec["title"],
            help=spec["help"],
            required=spec["required"],
            settings=spec["settings"],
            marked_personal=spec.get("personal", False),
        )
        question.options = [
            Option(position=i, label=o["label"], fill_in=o["fill_in"])
            for i, o in enumerate(spec["options"])
        ]
        survey.questions.append(question)
    survey.response_cap = definition.get("max_responses")
    survey.time_limit_minutes = definition.get("time_limit")
    survey.daily_from, survey.daily_until = definition.get("daily_hours") or (None, None)
    consent = definition.get("consent") or {}
    survey.consent_text = consent.get("text", "")
    survey.consent_required = consent.get("required", False)
    survey.once_per = definition.get("duplicates", "")
    survey.suspect_seconds = definition.get("too_fast_seconds")
    survey.challenge = definition.get("challenge", "")
    if definition.get("challenge_after") is not None:  # else the column's default
        survey.challenge_after = definition["challenge_after"]
    survey.retention_days = definition.get("retention_days")
    session.add(survey)
    session.flush()
    # Logic names options by id, which exist from the flush on.
    by_key = {question.key: question for question in survey.questions}
    for question, spec in zip(survey.questions, definition["questions"], strict=True):
        question.logic = _stored_logic(spec, by_key)
    survey.quotas = [
        Quota(
            position=position, label=spec["label"], limit=spec["limit"],
            options=[o for key, labels in spec["when"].items()
                     for o in by_key[key].options if o.label in labels],
        )
        for position, spec in enumerate(definition.get("quotas", []))
    ]  # fmt: skip
    session.flush()
    return survey


def _option_id(question: Question, label: str) -> int:
    return next(o.id for o in question.options if o.label == label)


def _stored_logic(spec: dict[str, Any], by_key: dict[str, Question]) -> dict[str, Any]:
    logic: dict[str, Any] = {}
    for mode, conditions in (spec.get("show_if") or {}).items():
        logic["show_if"] = {
            mode: [
                {
                    "option": _option_id(
                        by_key[c["question"]], c.get("chosen", c.get("not_chosen"))
                    ),
                    "chosen": "chosen" in c,
                }
                for c in conditions
            ]
        }
    if spec.get("skip"):
        logic["skip"] = [
            {
                "option": _option_id(by_key[spec["id"]], jump["option"]),
                "to": None if jump["to"] == END else jump["to"],
            }
            for jump in spec["skip"]
        ]
    return logic


def export_definition(survey: Survey, zone: ZoneInfo) -> dict[str, Any]:
    """The survey as a ``survey/v1`` definition (dates in ``zone``)."""
    data: dict[str, Any] = {"format": FORMAT, "title": survey.title}
    for key in ("issuer", "description", "thank_you"):
        if getattr(survey, key):
            data[key] = getattr(survey, key)
    if survey.opens_at:
        data["opens"] = _export_moment(survey.opens_at, zone)
    if survey.closes_at:
        data["closes"] = _export_moment(survey.closes_at, zone, end=True)
    if survey.requires_invitation:
        data["requires_invitation"] = True
    if survey.response_cap is not None:
        data["max_responses"] = survey.response_cap
    if survey.time_limit_minutes is not None:
        data["time_limit"] = survey.time_limit_minutes
    if survey.consent_text:
        data["consent"] = {"text": survey.consent_text, "required": survey.consent_required}
    if survey.once_per:
        data["duplicates"] = survey.once_per
    if survey.suspect_seconds is not None:
        data["too_fast_seconds"] = survey.suspect_seconds
    if survey.challenge:
        data["challenge"] = survey.challenge
        data["challenge_after"] = survey.challenge_after
    if survey.retention_days is not None:
        data["retention_days"] = survey.retention_days
    if survey.daily_from is not None and survey.daily_until is not None:
        data["daily_hours"] = "-".join(
            f"{m // 60:02d}:{m % 60:02d}" for m in (survey.daily_from, survey.daily_until)
        )
    if survey.quotas:
        keys = {q.id: q.key for q in survey.questions}
        data["quotas"] = [
            {"label": quota.label, "limit": quota.limit,
             "when": {keys[q]: [o.label for o in quota.options if o.question_id == q]
                      for q in quota.conditions()}}
            for quota in survey.quotas
        ]  # fmt: skip
    options = {o.id: o for q in survey.questions for o in q.options}
    data["questions"] = [_export_question(q, options) for q in survey.questions]
    return data


def _export_moment(moment: datetime, zone: ZoneInfo, *, end: bool = False) -> str:
    """As people write it: a window closing at midnight ends on the day before, which import
    reads back as that whole day."""
    local = to_local(moment, zone)
    if local.time() != time():
        return local.strftime("%Y-%m-%d %H:%M:%S")
    return (local.date() - timedelta(days=1) if end else local.date()).isoformat()


def _plain_number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _export_question(question: Question, options: dict[int, Option]) -> dict[str, Any]:
    data: dict[str, Any] = {"id": question.key, "type": question.type, "title": question.title}
    if REGISTRY[question.type].answerable:
        data["required"] = question.required
    if question.help:
        data["help"] = question.help
    if question.marked_personal:
        data["personal"] = True
    data.update({key: _plain_number(value) for key, value in question.settings.items()})
    if REGISTRY[question.type].has_options:
        data["options"] = [
            {"label": o.label, "fill_in": True} if o.fill_in else o.label
            for o in question.active_options
        ]
    for mode, conditions in (question.logic or {}).get("show_if", {}).items():
        data["show_if"] = {
            mode: [
                {
                    "question": options[c["option"]].question.key,
                    "chosen" if c["chosen"] else "not_chosen": options[c["option"]].label,
                }
                for c in conditions
            ]
        }
    if (question.logic or {}).get("skip"):
        data["skip"] = [
            {"option": options[j["option"]].label, "to": j["to"] or END}
            for j in question.logic["skip"]
        ]
    return data


def dump(data: dict[str, Any], fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
