"""Every URL of 调查征集, by audience: the public's pages of a survey (``surveys``) and the
staff's under /admin (``surveys_admin``, each view declaring the permission it needs)."""

from __future__ import annotations

from flask import Blueprint

from survey.extensions import csrf
from survey.surveys.views import display
from survey.surveys.views.manage import (
    dashboard,
    design,
    distribution,
    exports,
    lifecycle,
    publishing,
    quotas,
    reports,
    responses,
)
from survey.web.access import check_access
from survey.web.ratelimit import limit_posts

public = Blueprint("surveys", __name__)
# The form's one-time token is its CSRF token (see answering.tokens).
public.add_url_rule(
    "/s/<slug>",
    view_func=csrf.exempt(limit_posts("RESPONSE_RATE_LIMIT")(display.answer)),
    methods=["GET", "POST"],
)
public.add_url_rule("/s/<slug>/thanks", view_func=display.thanks)
public.add_url_rule("/s/<slug>/results", view_func=display.results)
public.add_url_rule("/s/<slug>/results/v<int:version>", view_func=display.results)

staff = Blueprint("surveys_admin", __name__, url_prefix="/admin")
staff.before_request(check_access)
SURVEY = "/surveys/<int:survey_id>"
QUESTION = "/questions/<int:question_id>"
RESPONSE = "/responses/<int:response_id>"
for rule, view, methods in (
    ("/", dashboard.dashboard, ["GET"]),
    # design
    ("/surveys/new", design.new_survey, ["GET", "POST"]),
    ("/surveys/import", design.import_survey, ["GET", "POST"]),
    (f"{SURVEY}/edit", design.designer, ["GET"]),
    (f"{SURVEY}/settings", design.save_settings, ["POST"]),
    (f"{SURVEY}/questions", design.new_question, ["POST"]),
    (f"{SURVEY}/preview", design.preview, ["GET"]),
    (f"{SURVEY}/order", design.reorder, ["POST"]),
    (f"{SURVEY}/undo", design.undo, ["POST"]),
    (QUESTION, design.save_question, ["POST"]),
    (f"{QUESTION}/editor", design.question_editor, ["GET"]),
    (f"{QUESTION}/card", design.question_card, ["GET"]),
    (f"{QUESTION}/move", design.move, ["POST"]),
    (f"{QUESTION}/duplicate", design.duplicate, ["POST"]),
    (f"{QUESTION}/delete", design.remove_question, ["POST"]),
    # lifecycle
    (f"{SURVEY}/lifecycle/open", lifecycle.open_survey, ["POST"]),
    (f"{SURVEY}/lifecycle/close", lifecycle.close_survey, ["POST"]),
    (f"{SURVEY}/lifecycle/archive", lifecycle.archive_survey, ["POST"]),
    (f"{SURVEY}/lifecycle/delete-responses", lifecycle.delete_responses, ["POST"]),
    (f"{SURVEY}/copy", lifecycle.copy, ["POST"]),
    (f"{SURVEY}/delete", lifecycle.delete_survey, ["POST"]),
    (f"{SURVEY}/department", lifecycle.move_department, ["POST"]),
    # reports
    (SURVEY, reports.survey_overview, ["GET"]),
    (f"{SURVEY}/crosstab", reports.cross_tabulation, ["GET"]),
    # responses
    (f"{SURVEY}/responses", responses.responses, ["GET"]),
    (f"{SURVEY}/responses/invalidate-flagged", responses.invalidate_flagged, ["POST"]),
    (f"{QUESTION}/answers", responses.typed_answers, ["GET"]),
    (RESPONSE, responses.response_detail, ["GET"]),
    (f"{RESPONSE}/reveal", responses.reveal_response, ["POST"]),
    (f"{RESPONSE}/invalidate", responses.invalidate_response, ["POST"]),
    (f"{RESPONSE}/restore", responses.restore_response, ["POST"]),
    # publishing
    (f"{SURVEY}/publish", publishing.publish, ["GET", "POST"]),
    (f"{SURVEY}/lifecycle/unpublish", publishing.withdraw_results, ["POST"]),
    # distribution
    (f"{SURVEY}/qr.<fmt>", distribution.qr_code, ["GET"]),
    (f"{SURVEY}/poster.<fmt>", distribution.poster, ["GET"]),
    (f"{SURVEY}/invitations", distribution.invitation_list, ["GET"]),
    (f"{SURVEY}/invitations/template.xlsx", distribution.invitation_template, ["GET"]),
    (f"{SURVEY}/invitations", distribution.upload_invitations, ["POST"]),
    (f"{SURVEY}/invitations/required", distribution.require_invitation, ["POST"]),
    (f"{SURVEY}/invitations.<fmt>", distribution.export_invitations, ["GET"]),
    (f"{SURVEY}/quotas", quotas.quota_page, ["GET", "POST"]),
    (f"{SURVEY}/quotas/cap", quotas.save_cap, ["POST"]),
    (f"{SURVEY}/quotas/times", quotas.save_time_rules, ["POST"]),
    (f"{SURVEY}/quotas/consent", quotas.save_consent, ["POST"]),
    (f"{SURVEY}/quotas/duplicates", quotas.save_duplicates, ["POST"]),
    (f"{SURVEY}/quotas/<int:quota_id>/delete", quotas.remove_quota, ["POST"]),
    # exports
    (f"{SURVEY}/responses.<fmt>", exports.export_responses, ["GET"]),
    (f"{SURVEY}/results.<fmt>", exports.export_results, ["GET"]),
    (f"{SURVEY}/open-data.zip", exports.export_open_data, ["GET"]),
):
    staff.add_url_rule(rule, view_func=view, methods=methods)
