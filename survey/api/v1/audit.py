"""/api/v1/audit: the audit log, newest first, for tokens whose user reads it."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from survey.api.v1 import schemas
from survey.api.v1.auth import requires
from survey.core import audit
from survey.core.permissions import Permission
from survey.db import get_session

blp = Blueprint(
    "api_audit", __name__, url_prefix="/api/v1/audit", description="The audit log (admins)"
)


@blp.route("")
class AuditLog(MethodView):
    @requires(Permission.READ_AUDIT)
    @blp.arguments(schemas.AuditQuery, location="query")
    @blp.response(200, schemas.AuditEntry(many=True))
    @blp.doc(security=[{"token": []}])
    def get(self, args: dict[str, Any]) -> list[Any]:
        """A page of 100 events, newest first (`page`: 1, 2, ...)."""
        events, _more = audit.events(get_session(), page=args["page"])
        return events
