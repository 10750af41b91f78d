"""Filters and globals the templates share: office-time formatting, phase labels, types."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from survey.models import Phase
from survey.questions import get_type
from survey.timeutil import format_local, office_zone

PHASE_LABELS = {
    Phase.DRAFT: _l("未发布"),
    Phase.NOT_STARTED: _l("未开始"),
    Phase.OPEN: _l("进行中"),
    Phase.ENDED: _l("已结束"),
}


def localtime(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return format_local(moment, office_zone(), fmt)


def register(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.add_template_filter(localtime)
    app.add_template_global(get_type, "question_type")
    app.add_template_global(get_locale)
    app.add_template_global(PHASE_LABELS, "phase_labels")
