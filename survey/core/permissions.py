"""What a staff account may do, as named permissions. Roles grant sets of them
(``survey.accounts.roles``); every staff page and command declares the one it needs."""

from __future__ import annotations

import enum


class Permission(enum.StrEnum):
    VIEW = "surveys.view"  # the dashboards, reports, responses, opinions, invitation lists
    DESIGN = "surveys.design"  # create, import and edit questionnaires
    RUN = "surveys.run"  # open, close, copy, archive, delete; delete all responses
    INVITE = "surveys.invite"  # upload invitation lists, restrict a survey to them
    INVALIDATE = "responses.invalidate"  # mark single responses invalid and restore them
    EXPORT = "data.export"  # export responses, result tables, invitation links
    PUBLISH = "results.publish"  # publish and withdraw 结果反馈 and 意见采纳情况
    HANDLE_OPINIONS = "opinions.handle"  # screen, merge and answer opinions; enter offline ones
    REVIEW = "review.check"  # sign a 初审 or 复审 step, and 复查 what went public
    APPROVE = "review.approve"  # sign the last step (终审, 签发)
    WITHDRAW_NOW = "review.urgent"  # withdraw a publication at once, without the chain
    ALL_DEPARTMENTS = "departments.all"  # act on every department's items, not only one's own
    MANAGE_ACCOUNTS = "accounts.manage"  # accounts, departments and the review chain
    READ_AUDIT = "audit.read"
    REVEAL_PERSONAL = "personal.reveal"  # see personal answers unmasked, export them (audited)
