"""Judging a submitted form against the questionnaire: only fields a form of ours has, only the
questions this respondent was shown (display and skip logic), each answer checked by its type."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from survey.core.errors import MalformedPost
from survey.core.i18n import _
from survey.surveys import logic
from survey.surveys.answering.tokens import DEVICE_FIELD, TOKEN_FIELD
from survey.surveys.models import Survey
from survey.surveys.questions import AnswerError, AnswerRow, get_type

CONSENT_FIELD = "consent"  # the tick box under the 个人信息使用说明
CONSENT = 0  # its key among the messages (no question has id 0)
CHALLENGE_FIELDS = ("challenge", "challenge_token")  # 防刷: the answer and the signed question
CHALLENGE = -1  # its key among the messages


def judge(survey: Survey, form: MultiDict[str, str]) -> tuple[list[AnswerRow], dict[int, str]]:
    """The answer rows to store, and the messages for the respondent to correct (question id,
    or ``CONSENT``, -> message); raises ``MalformedPost`` for a field no form of ours has."""
    allowed = {TOKEN_FIELD, DEVICE_FIELD, CONSENT_FIELD, *CHALLENGE_FIELDS}
    for question in survey.questions:
        allowed |= get_type(question.type).field_names(question)
    unknown = set(form) - allowed
    if unknown:
        raise MalformedPost(f"unknown fields: {sorted(unknown)[:5]}")
    answers: list[AnswerRow] = []
    errors: dict[int, str] = {}
    if survey.consent_required and form.get(CONSENT_FIELD) != "yes":
        errors[CONSENT] = _("请阅读个人信息使用说明，勾选同意后再提交")
    # Display and skip logic decide again what this respondent saw: a hidden question is not
    # required, and whatever was posted for it is not stored (nor counted).
    shown = logic.shown_questions(survey, form)
    for question in survey.questions:
        if question.id not in shown:
            continue
        try:
            answers.extend(get_type(question.type).parse(question, form))
        except AnswerError as error:
            errors[question.id] = error.message
    return answers, errors
