"""/api/v1: the resources (one blueprint each), their OpenAPI document at
/api/v1/openapi.json written by flask-smorest from the views and schemas, and its
documentation page at /api/v1/docs (Swagger UI, served by the app itself). Errors are
problem details; callers are authenticated and counted by ``auth``."""

from __future__ import annotations

import http
from pathlib import Path
from typing import Any

import swagger_ui_bundle
from flask import Flask, render_template, request, send_from_directory
from flask.json.provider import DefaultJSONProvider
from flask.typing import ResponseReturnValue
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from survey.api.v1 import audit, auth, consultations, problems, schemas, surveys
from survey.core.errors import Refusal
from survey.extensions import csrf
from survey.surveys.definition import DefinitionError

PREFIX = "/api/v1"
BLUEPRINTS = (surveys.blp, consultations.blp, audit.blp)
SWAGGER_UI = Path(swagger_ui_bundle.swagger_ui_path)
# Set up once, as the modules load (an app made twice registers the same blueprints).
for _blueprint in BLUEPRINTS:
    _blueprint.before_request(auth.authenticate)
    _blueprint.register_error_handler(HTTPException, problems.from_http)
    _blueprint.register_error_handler(DefinitionError, problems.from_definition)
    _blueprint.register_error_handler(Refusal, problems.from_refusal)
    csrf.exempt(_blueprint)  # a bearer token, not a cookie, authenticates these calls


class ApiDocument(Api):
    """flask-smorest's Api without its app-wide error handler: the staff's and the public's
    pages keep theirs, and the API's blueprints answer with problem details."""

    ERROR_SCHEMA = schemas.Problem

    def _register_error_handlers(self) -> None:
        pass

    def _register_responses(self) -> None:
        """The error responses every operation may give, documented as the problem details
        they are."""
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, problems.MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        default = {"description": "Problem details", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, problems.MEDIA_TYPE)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


def init_app(app: Flask) -> None:
    if isinstance(app.json, DefaultJSONProvider):
        app.json.ensure_ascii = False  # Chinese as it is, not \u escapes
    app.config.update(
        API_TITLE="网上调查征集 API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
    )
    api = ApiDocument(
        app,
        spec_kwargs={
            "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"}}},
            "info": {
                "description": "调查征集, 意见征集 and their published results. Anonymous calls "
                "see what the public pages show; a token (`Authorization: Bearer svy_...`, "
                "made with `flask --app survey create-token`) sees what its scope and its "
                "user allow. Errors are `application/problem+json`."
            },
        },
    )
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.add_url_rule(f"{PREFIX}/docs", "api_docs", docs)
    app.add_url_rule(f"{PREFIX}/docs/assets/<path:name>", "api_docs_asset", docs_asset)


def docs() -> ResponseReturnValue:
    return render_template("api/docs.html")


def docs_asset(name: str) -> ResponseReturnValue:
    """Swagger UI's files, from the swagger-ui-bundle package (no CDN)."""
    return send_from_directory(SWAGGER_UI, name, max_age=86400)


def is_api_request() -> bool:
    return request.path.startswith(f"{PREFIX}/")
