"""The staff's home: every survey with its status, 征集时间 and responses, searchable."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import LazyString
from flask_login import current_user

from survey.core.i18n import _l
from survey.core.models import utcnow
from survey.core.permissions import Permission
from survey.core.window import PHASE_LABELS, Phase, Status
from survey.db import get_session
from survey.surveys import queries
from survey.surveys.models import Survey
from survey.web.access import requires

STATUS_FILTERS: dict[str, LazyString] = {
    Phase.DRAFT: _l("草稿"),
    **{phase: PHASE_LABELS[phase] for phase in (Phase.NOT_STARTED, Phase.OPEN, Phase.ENDED)},
    Status.ARCHIVED: _l("已归档"),
}


@requires(Permission.VIEW)
def dashboard() -> ResponseReturnValue:
    search = request.args.get("q", "").strip()[: queries.SEARCH_MAX_LENGTH]
    status = request.args.get("status", "")
    now = utcnow()
    return render_template(
        "surveys/manage/dashboard.html",
        surveys=queries.dashboard(
            get_session(), now, search, status, current_user.reach(Survey.department_id)
        ),
        query=search,
        status=status,
        filters=STATUS_FILTERS,
        now=now,
    )
