"""schemathesis generates calls from the OpenAPI document and sends them to the app, with a
token of each scope and without one: no call may fail with a 5xx or answer outside the
document (status, content type, schema)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance

from survey.accounts.tokens import Scope, create_token
from survey.core.models import utcnow


def test_the_api_keeps_to_its_document(app, session, demo_survey, make_consultation, make_user):
    consultation = make_consultation()
    # Real addresses most of the time, so that calls reach the resources, not only 404s.
    slugs = st.sampled_from([demo_survey.slug, consultation.slug, "nope"])
    admin = make_user("admin", "root")
    callers: list[dict[str, str] | None] = [None]
    for scope in Scope:
        _token, plain = create_token(session, admin, scope, utcnow())
        callers.append({"Authorization": f"Bearer {plain}"})
    session.commit()
    app.config["API_RATE_LIMIT"] = "1000000 per minute"
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:

        @settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck),
                  database=None)  # fmt: skip
        @given(case=operation.as_strategy(), slug=slugs, version=st.sampled_from([1, 2]))
        def keeps_to_the_document(case, slug, version):
            if case.path_parameters:
                case.path_parameters.update(
                    {k: v for k, v in {"slug": slug, "version": version}.items()
                     if k in case.path_parameters}
                )  # fmt: skip
            for headers in callers:
                # A schema-valid call may still be refused: a survey/v1 definition has rules
                # beyond its JSON shape (422 with each problem), a token may lack the scope.
                case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        keeps_to_the_document()
