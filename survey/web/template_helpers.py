"""Filters and globals the templates share: office-time formatting, phase labels, types."""

from __future__ import annotations

import hashlib
from datetime import datetime, time, timedelta

from flask import Flask, current_app, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from survey import logic
from survey.models import Phase, Role, Survey
from survey.questions import REGISTRY, get_type
from survey.timeutil import format_local, office_zone, to_local

ROLE_NAMES = {"admin": _l("管理员"), "editor": _l("编辑"), "viewer": _l("查看")}
PHASE_LABELS = {
    Phase.DRAFT: _l("未发布"),
    Phase.NOT_STARTED: _l("未开始"),
    Phase.OPEN: _l("进行中"),
    Phase.ENDED: _l("已结束"),
}


def localtime(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return format_local(moment, office_zone(), fmt)


def window_bound(moment: datetime, *, end: bool = False) -> str:
    """A 征集时间 bound as people write it: a whole day shows as its date, and a window closing
    at midnight ends on the day before ("2023-11-01 至 2023-11-30")."""
    local = to_local(moment, office_zone())
    if local.time() != time():
        return local.strftime("%Y-%m-%d %H:%M")
    return (local - timedelta(days=1) if end else local).strftime("%Y-%m-%d")


def type_scripts(survey: Survey) -> list[str]:
    """The scripts (under static/) that the survey's question types enhance their fields with."""
    return sorted({get_type(q.type).script for q in survey.questions} - {""})


def public_url(slug: str) -> str:
    """The absolute address of /s/<slug> that respondents are given: under the configured
    public base URL (staff may work on an intranet host), else the host of this request."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if base:
        return base.rstrip("/") + url_for("respond.answer", slug=slug)
    return url_for("respond.answer", slug=slug, _external=True)


def autosave_key(survey: Survey) -> str:
    """Where the browser keeps a respondent's unsent answers: per survey, and per set of fields
    (question and option ids), so that answers saved for another design are not put back."""
    fields = ",".join(f"{q.id}:{'.'.join(str(o.id) for o in q.options)}" for q in survey.questions)
    return f"survey:{survey.slug}:{hashlib.sha256(fields.encode()).hexdigest()[:12]}"


def register(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.add_template_filter(localtime)
    app.add_template_filter(window_bound)
    app.add_template_global(get_type, "question_type")
    app.add_template_global(type_scripts)
    app.add_template_global(logic.pages, "survey_pages")
    app.add_template_global(logic.client_rules, "logic_rules")
    app.add_template_global(logic.option_order)
    app.add_template_global(
        [n for n, kind in REGISTRY.items() if kind.chooses_options], "choice_types"
    )
    app.add_template_global(autosave_key)
    app.add_template_global(
        [n for n, kind in REGISTRY.items() if kind.answerable], "answerable_types"
    )
    app.add_template_global(get_locale)
    app.add_template_global(Role, "roles")
    app.add_template_global(ROLE_NAMES, "role_names")
    app.add_template_global(PHASE_LABELS, "phase_labels")
    app.add_template_global(public_url)
