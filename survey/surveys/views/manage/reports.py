"""The staff's analysis of a survey: the report of every question (filtered by dates and by
answers, with a chart-type switch per question) and the cross-tabulation of two questions."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from survey.config import office_zone
from survey.core.models import utcnow
from survey.core.permissions import Permission
from survey.core.timeutil import parse_local
from survey.db import get_session
from survey.publishing import charts
from survey.surveys import publication
from survey.surveys.analysis import SOURCE_NAMES
from survey.surveys.charts import crosstab_data
from survey.surveys.models import Source, Survey
from survey.surveys.questions import get_type
from survey.surveys.results import (
    Filter,
    crosstab,
    crosstab_variables,
    filterable_questions,
    survey_results,
)
from survey.surveys.views.manage.common import survey_or_404
from survey.web.access import requires


def _filter_from(args: MultiDict[str, str], survey: Survey) -> Filter:
    """The report filter in the query string: since/until dates, source (来源) and
    chose=question:option."""
    zone = office_zone()
    try:
        since = parse_local(args["since"], zone) if args.get("since") else None
        until = parse_local(args["until"], zone, end_of_day=True) if args.get("until") else None
    except ValueError:
        abort(400)
    options = {str(o.id): o for q in filterable_questions(survey) for o in q.options}
    # An empty "any" choice, or an option not of this survey, is no condition.
    chosen = [options[value] for value in args.getlist("chose") if value in options]
    source = args.get("source", "")
    try:
        return Filter.of(since, until, chosen, source if source in set(Source) else "")
    except ValueError:
        abort(400)


def _query_with(name: str, value: str) -> str:
    """This page's query string with one parameter set: switches that keep the filter."""
    args = request.args.copy()
    args[name] = value
    return "?" + urlencode(list(args.items(multi=True)))


@requires(Permission.VIEW)
def survey_overview(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    only = _filter_from(request.args, survey)
    session = get_session()
    results = survey_results(session, survey, only)
    document = publication.document(session, results, office_zone())
    questions = {q.key: q for q in survey.questions}
    # The chart-type switch: chart-<question id>=<kind> in the query string, beside the filter.
    kinds = {
        item.key: charts.resolve_kind(item, request.args.get(f"chart-{questions[item.key].id}"))
        for item in document.tables
    }
    return render_template(
        "surveys/manage/survey.html",
        survey=survey,
        document=document,
        questions=questions,
        figures={item.key: charts.figure(item, kinds[item.key]) for item in document.tables},
        # Every kind's figure, for the switch to draw in place without a reload.
        alternatives={
            item.key: {kind: charts.figure(item, kind) for kind in charts.chart_kinds(item)}
            for item in document.tables
        },
        kinds=kinds,
        chart_kinds=charts.CHART_KINDS,
        offered_kinds=charts.chart_kinds,
        query_with=_query_with,
        only=only,
        choice_questions=filterable_questions(survey),
        response_sources=SOURCE_NAMES,
        typed_questions=[
            q
            for q in survey.questions
            if not get_type(q.type).has_options or any(o.fill_in for o in q.options)
        ],
        phase=survey.phase(utcnow()),
    )


@requires(Permission.VIEW)
def cross_tabulation(survey_id: int) -> ResponseReturnValue:
    survey = survey_or_404(survey_id)
    variables = {variable.key: variable for variable in crosstab_variables(survey)}
    rows = variables.get(request.args.get("rows", ""))
    columns = variables.get(request.args.get("columns", ""))
    only = _filter_from(request.args, survey)
    table = None
    if rows is not None and columns is not None and rows.key != columns.key:
        table = crosstab(get_session(), survey, rows, columns, only)
    return render_template(
        "surveys/manage/crosstab.html",
        survey=survey,
        variables=list(variables.values()),
        table=table,
        figure=crosstab_data(table) if table else None,
        only=only,
        choice_questions=filterable_questions(survey),
        response_sources=SOURCE_NAMES,
    )
