"""The web side of 意见征集: the public's pages (``public``) under /c/<slug> and the staff's
(``manage``) under /admin/consultations, with their forms."""

from __future__ import annotations

from flask import Blueprint, Flask

from survey.consultations.models import CHANNEL_LABELS, SCREENING_LABELS
from survey.consultations.views import manage, public
from survey.consultations.views.review import PAGES
from survey.consultations.wordfile import MAX_UPLOAD_BYTES
from survey.core import window
from survey.core.i18n import _l
from survey.core.masking import mask_name, mask_personal
from survey.core.permissions import Permission
from survey.core.window import Phase
from survey.extensions import csrf
from survey.review import views as review
from survey.web.access import check_access
from survey.web.ratelimit import limit_posts
from survey.web.safety import room_for_uploads

visitors = Blueprint("consultations", __name__)
# The form checks its CSRF token itself, to give a person their text back when it fails.
visitors.add_url_rule("/c/<slug>", view_func=public.draft_page)
visitors.add_url_rule(
    "/c/<slug>/opinion",
    view_func=csrf.exempt(limit_posts("OPINION_RATE_LIMIT")(public.opinion_form)),
    methods=["GET", "POST"],
)
visitors.add_url_rule("/c/<slug>/receipt/<receipt>", view_func=public.receipt)
visitors.add_url_rule("/c/<slug>/feedback", view_func=public.feedback_page)
visitors.add_url_rule("/c/<slug>/feedback/v<int:version>", view_func=public.feedback_page)
visitors.add_url_rule("/c/<slug>/feedback/v<int:version>.pdf", view_func=public.feedback_pdf)

staff = Blueprint("consultations_admin", __name__, url_prefix="/admin/consultations")
# Before any hook reads the body: a draft comes as a Word file, larger than other posts.
staff.url_value_preprocessor(
    room_for_uploads({"consultations_admin.new_consultation": MAX_UPLOAD_BYTES}, Permission.DESIGN)
)
staff.before_request(check_access)
ONE = "/<int:consultation_id>"
for rule, view, methods in (
    ("/", manage.consultations, ["GET"]),
    ("/new", manage.new_consultation, ["GET", "POST"]),
    (ONE, manage.overview, ["GET"]),
    (f"{ONE}/settings", manage.save_settings, ["POST"]),
    (f"{ONE}/draft", manage.revise, ["POST"]),
    (f"{ONE}/open", manage.open_consultation, ["POST"]),
    (f"{ONE}/close", manage.close_consultation, ["POST"]),
    (f"{ONE}/department", manage.move_department, ["POST"]),
    (f"{ONE}/opinions", manage.opinion_queue, ["GET"]),
    (f"{ONE}/opinions/batch", manage.batch, ["POST"]),
    (f"{ONE}/opinions/new", manage.enter_opinion, ["GET", "POST"]),
    (f"{ONE}/opinions/<int:opinion_id>", manage.opinion_detail, ["GET"]),
    (f"{ONE}/publish", manage.publish, ["GET", "POST"]),
    (f"{ONE}/feedback/withdraw", manage.withdraw_feedback, ["POST"]),
    (f"{ONE}/feedback.<fmt>", manage.export_feedback, ["GET"]),
):
    staff.add_url_rule(rule, view_func=view, methods=methods)


# How the public lists name a consultation's phase (a survey is 进行中, a consultation 征集中).
PHASE_LABELS = {**window.PHASE_LABELS, Phase.OPEN: _l("征集中")}


def init_app(app: Flask) -> None:
    app.register_blueprint(visitors)
    app.register_blueprint(staff)
    review.register(PAGES)
    app.jinja_env.globals.update(
        channel_labels=CHANNEL_LABELS,
        screening_labels=SCREENING_LABELS,
        consultation_phase_labels=PHASE_LABELS,
    )
    app.jinja_env.filters.update(mask_personal=mask_personal, mask_name=mask_name)
