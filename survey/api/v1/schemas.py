"""The API's shapes, as marshmallow schemas: flask-smorest validates what comes in and writes
the OpenAPI document from them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import INCLUDE, Schema, fields, validate

from survey.core.window import Phase
from survey.publishing.versions import PublishedVersion

MAX_ID = 2**31 - 1  # the biggest id an INTEGER column holds (PostgreSQL's int4)


class UtcDateTime(fields.DateTime):
    """A moment stored as naive UTC, written with its offset (RFC 3339)."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class SurveyQuery(Schema):
    q = fields.String(
        metadata={"description": "Part of the title"}, validate=validate.Length(max=100)
    )
    phase = fields.String(
        validate=validate.OneOf([p.value for p in Phase]),
        metadata={"description": "draft, not_started, open or ended"},
    )


class Window(Schema):
    opens_at = UtcDateTime(allow_none=True, metadata={"description": "征集时间 start, UTC"})
    closes_at = UtcDateTime(allow_none=True, metadata={"description": "征集时间 end, UTC"})


class SurveySummary(Window):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    issuer = fields.String(metadata={"description": "发布单位"})
    status = fields.String(metadata={"description": "draft, open, closed or archived"})
    phase = fields.String(metadata={"description": "draft, not_started, open or ended, now"})
    responses = fields.Integer(metadata={"description": "valid responses (staff only)"})
    results_published = fields.Boolean()
    url = fields.String(metadata={"description": "the public answer page"})
    results_url = fields.String(allow_none=True, metadata={"description": "the 结果反馈 page"})


class ConsultationSummary(Window):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    issuer = fields.String()
    status = fields.String()
    phase = fields.String()
    draft_version = fields.Integer(metadata={"description": "the current 征求意见稿's number"})
    feedback_published = fields.Boolean()
    url = fields.String()
    feedback_url = fields.String(allow_none=True)


class Version(Schema):
    version = fields.Integer(required=True)
    published_at = UtcDateTime(required=True)
    content_hash = fields.String(metadata={"description": "SHA-256 of the document as signed"})
    withdrawn_at = UtcDateTime(allow_none=True)
    withdrawal_reason = fields.String()


def version_fields(version: PublishedVersion) -> dict[str, Any]:
    """A version's fields, as ``Version`` dumps them."""
    return {name: getattr(version, name) for name in Version().fields}


class PublishedDocument(Version):
    document = fields.Dict(
        required=True,
        metadata={"description": "The frozen document; its `format` names its schema "
                  "(result-feedback/v1, opinion-feedback/v1)"},
    )  # fmt: skip


class LiveResults(Schema):
    document = fields.Dict(
        required=True,
        metadata={"description": "The result tables as the staff report shows them now "
                  "(result-feedback/v1, every count, nothing masked)"},
    )  # fmt: skip


class ResultsQuery(Schema):
    since = fields.DateTime(metadata={"description": "Count responses submitted at or after"})
    until = fields.DateTime(metadata={"description": "Count responses submitted before"})
    chose = fields.List(
        fields.String(validate=validate.Length(max=600)), validate=validate.Length(max=50),
        load_default=list,
        metadata={"description": "`question key:option label`, repeated: count only responses "
                  "that chose one of the given options of each question named (at most three "
                  "questions, as in the staff report's 分类统计)"},
    )  # fmt: skip


class Definition(Schema):
    definition = fields.Dict(required=True, metadata={"description": "The survey/v1 definition"})


class AuditQuery(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))


class AuditEntry(Schema):
    at = UtcDateTime()
    username = fields.String()
    action = fields.String()
    survey_id = fields.Integer(allow_none=True)
    consultation_id = fields.Integer(allow_none=True)
    detail = fields.Dict()
    address = fields.String()


class Problem(Schema):
    """An error, as RFC 9457 problem details (``application/problem+json``)."""

    type = fields.String(metadata={"description": "about:blank"})
    status = fields.Integer(required=True)
    title = fields.String(required=True)
    detail = fields.String()
    errors = fields.Dict(metadata={"description": "the fields that were wrong, and why"})
    problems = fields.List(fields.String(), metadata={"description": "each reason, when several"})

    class Meta:
        unknown = INCLUDE  # problem details may carry members of their own


class ResponsesQuery(Schema):
    after = fields.Integer(
        load_default=0, validate=validate.Range(min=0, max=MAX_ID),
        metadata={"description": "The cursor: the `next` of the previous page (0: from the start)"},
    )  # fmt: skip
    since = fields.DateTime(metadata={"description": "Submitted at or after (UTC)"})
    until = fields.DateTime(metadata={"description": "Submitted before (UTC)"})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class SubmittedResponse(Schema):
    id = fields.Integer(required=True)
    submitted_at = UtcDateTime(required=True)
    duration_seconds = fields.Integer(
        allow_none=True, metadata={"description": "答题用时: from the form shown to submitted"}
    )
    valid = fields.Boolean(required=True)
    invalid_reason = fields.String()
    answers = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Dict()),
        metadata={"description": "By question id (the definition's `id`): the parts answered, "
                  "each an `option` label, a typed `text` or a `number`"},
    )  # fmt: skip


class ResponsesPage(Schema):
    items = fields.List(fields.Nested(SubmittedResponse), required=True)
    next = fields.Integer(
        allow_none=True, metadata={"description": "The cursor of the next page, or null"}
    )


class NewSurvey(Schema):
    definition = fields.Dict(
        required=True,
        metadata={"description": "A survey/v1 definition (what `flask import` reads as JSON)"},
    )


class Outcome(Schema):
    """What an action that goes public did: carried out at once (review off), or submitted to
    the review chain and waiting for its first step."""

    status = fields.String(required=True, metadata={"description": "done or submitted"})
    review_request = fields.Integer(allow_none=True)
    waiting_for = fields.String(allow_none=True, metadata={"description": "the step waiting"})
    result = fields.Dict(metadata={"description": 'what it made, e.g. {"version": 3}'})


class PublishChoices(Schema):
    questions = fields.List(
        fields.String(), metadata={"description": "Question ids to publish (default: as last time)"}
    )
    summary = fields.String(
        validate=validate.Length(max=20_000),
        metadata={"description": "调查结论, Markdown (default: as last time)"},
    )
    min_cell_size = fields.Integer(validate=validate.Range(min=1, max=100))


class WithdrawalReason(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class CursorQuery(Schema):
    after = fields.Integer(
        load_default=0, validate=validate.Range(min=0, max=MAX_ID),
        metadata={"description": "The cursor: the `next` of the previous page (0: from the start)"},
    )  # fmt: skip
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class OpinionItem(Schema):
    receipt = fields.String(required=True, metadata={"description": "意见编号"})
    part = fields.String(metadata={"description": "条款 (empty: the draft as a whole)"})
    body = fields.String(required=True)
    name = fields.String(metadata={"description": "姓名/单位 as given (contacts never leave)"})
    channel = fields.String(metadata={"description": "web, letter, email, phone or meeting"})
    received_at = UtcDateTime(required=True)
    screening = fields.String()
    outcome = fields.String(allow_none=True, metadata={"description": "处理结果"})
    reason = fields.String(metadata={"description": "理由"})


class OfflineOpinion(Schema):
    body = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    name = fields.String(
        load_default="", validate=validate.Length(max=200),
        metadata={"description": "姓名/单位, as the consultation asks for it"},
    )  # fmt: skip
    contact = fields.String(
        load_default="", validate=validate.Length(max=200),
        metadata={"description": "联系方式 (kept for staff; never published)"},
    )  # fmt: skip
    part = fields.String(
        load_default="", validate=validate.Length(max=40),
        metadata={"description": "The article it is on (`第三条`); empty: the draft as a whole"},
    )  # fmt: skip
    channel = fields.String(
        required=True, validate=validate.OneOf(["letter", "email", "phone", "meeting"]),
        metadata={"description": "How it came: 信函, 电子邮件, 电话, 座谈会"},
    )  # fmt: skip
    received_at = fields.DateTime(required=True, metadata={"description": "When it came"})


class OpinionsPage(Schema):
    items = fields.List(fields.Nested(OpinionItem), required=True)
    next = fields.Integer(allow_none=True)


class FeedbackChoices(Schema):
    by_article = fields.Boolean(load_default=False, metadata={"description": "按条款汇总"})
    summary = fields.String(load_default="", validate=validate.Length(max=20_000))
