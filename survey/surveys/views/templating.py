"""What the survey templates use besides the shared helpers: question types, pages and logic
for the answer form, where the browser keeps unsent answers, and the public address."""

from __future__ import annotations

import hashlib
import ipaddress
from urllib.parse import urlsplit

from flask import Flask, current_app, url_for

from survey.core.i18n import _
from survey.surveys import logic
from survey.surveys.models import Survey
from survey.surveys.questions import REGISTRY, get_type


def type_scripts(survey: Survey) -> list[str]:
    """The scripts (under static/) that the survey's question types enhance their fields with."""
    return sorted({get_type(q.type).script for q in survey.questions} - {""})


def public_url(slug: str) -> str:
    """The absolute address of /s/<slug> that respondents are given: under the configured
    public base URL (staff may work on an intranet host), else the host of this request."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if base:
        return base.rstrip("/") + url_for("surveys.answer", slug=slug)
    return url_for("surveys.answer", slug=slug, _external=True)


def unreachable_address(url: str) -> str:
    """Why respondents' phones may not open ``url`` (a loopback or intranet host), or ""."""
    host = urlsplit(url).hostname or ""
    try:
        address: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(host)
    except ValueError:
        address = None
    advice = _(
        "请把 SURVEY_PUBLIC_BASE_URL 设为公众能访问的网址（如 https://survey.example.gov.cn）。"
    )
    if host == "localhost" or host.endswith(".localhost") or (address and address.is_loopback):
        return _("二维码和链接指向本机地址 %(host)s，别人的手机打不开。", host=host) + advice
    if (address and (address.is_private or address.is_link_local)) or (
        address is None and "." not in host
    ):
        return _("二维码和链接指向内网地址 %(host)s，只有单位内网能打开。", host=host) + advice
    return ""


def autosave_key(survey: Survey) -> str:
    """Where the browser keeps a respondent's unsent answers: per survey, and per set of fields
    (question and option ids), so that answers saved for another design are not put back."""
    fields = ",".join(f"{q.id}:{'.'.join(str(o.id) for o in q.options)}" for q in survey.questions)
    return f"survey:{survey.slug}:{hashlib.sha256(fields.encode()).hexdigest()[:12]}"


def answering_time(seconds: int | None) -> str:
    """答题用时 as staff read it: "3分12秒", "45秒"; "—" when not known."""
    if seconds is None:
        return "—"
    minutes, rest = divmod(seconds, 60)
    if minutes >= 60:
        return _("%(h)s小时%(m)s分", h=minutes // 60, m=minutes % 60)
    return _("%(m)s分%(s)s秒", m=minutes, s=rest) if minutes else _("%(s)s秒", s=rest)


def register(app: Flask) -> None:
    app.add_template_filter(answering_time)
    app.add_template_global(get_type, "question_type")
    app.add_template_global(type_scripts)
    app.add_template_global(logic.pages, "survey_pages")
    app.add_template_global(logic.client_rules, "logic_rules")
    app.add_template_global(logic.option_order)
    app.add_template_global(autosave_key)
    app.jinja_env.globals.update(
        choice_types=[n for n, kind in REGISTRY.items() if kind.chooses_options],
        answerable_types=[n for n, kind in REGISTRY.items() if kind.answerable],
    )
    app.add_template_global(public_url)
    app.add_template_global(unreachable_address)
