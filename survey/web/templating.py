"""Filters and globals every template may use: office time, phase labels, the language, the
permissions a staff member may hold. Each feature adds its own (``survey.surveys.views``)."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import get_locale

from survey.config import office_zone
from survey.core.permissions import Permission
from survey.core.timeutil import day_or_moment, format_local
from survey.core.window import PHASE_LABELS


def localtime(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return format_local(moment, office_zone(), fmt)


def window_bound(moment: datetime, *, end: bool = False) -> str:
    """A 征集时间 bound as people write it (see ``day_or_moment``)."""
    return day_or_moment(moment, office_zone(), end=end)


def register(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.add_template_filter(localtime)
    app.add_template_filter(window_bound)
    app.add_template_global(get_locale)
    app.jinja_env.globals.update(permissions=Permission, phase_labels=PHASE_LABELS)
