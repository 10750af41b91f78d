"""The migrations build exactly the tables the models describe, and bring stored data along."""

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import text

from survey import create_app, db
from survey.core.models import Base
from survey.publishing import documents


def test_migrations_match_the_models(app):
    with app.extensions["survey.engine"].connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


# A 结果反馈 version as published before documents declared their format: a single choice
# with one hidden count, and a fill-in question with its masked answers.
EARLIER_DOCUMENT = {
    "title": "外贸企业调查问卷", "feedback_title": "外贸企业调查结果反馈", "issuer": "招远市商务局",
    "window": "长期有效", "question_count": 2, "responses": 4, "min_cell_size": 2,
    "summary_html": "", "questions": [
        {"number": 1, "key": "nature", "title": "企业性质", "type": "single",
         "label": "[单选题]", "respondents": 4, "suppressed": True, "withheld": False,
         "summary": [], "rows": [
             {"label": "国企", "count": None, "shown": "<2", "ratio": "—", "percent": None},
             {"label": "民企", "count": 3, "shown": "3", "ratio": "75%", "percent": 75.0}]},
        {"number": 2, "key": "name", "title": "企业名称", "type": "text", "label": "[填空题]",
         "answers": ["联系人：张*祥"]},
    ],
}  # fmt: skip


def test_published_versions_from_before_read_in_the_current_schema(app_settings, empty_database):
    app: Flask = create_app(app_settings)
    db.upgrade(app, "0008")
    with app.extensions["survey.engine"].begin() as connection:
        connection.execute(
            text("INSERT INTO survey (id, slug, title, issuer, description, thank_you, status, "
                 "created_at, response_count, design_version, min_cell_size, "
                 "requires_invitation) VALUES (1, 'old', '外贸企业调查问卷', '', '', '', 'closed', "
                 "'2025-01-01 00:00:00', 4, 'v', 2, false)")
        )  # fmt: skip
        connection.execute(
            text("INSERT INTO result_publication (survey_id, version, published_at, "
                 "published_by, summary, content) VALUES (1, 1, '2025-01-02 00:00:00', 'wang', "
                 "'', :content)"),
            {"content": json.dumps(EARLIER_DOCUMENT, ensure_ascii=False)},
        )  # fmt: skip
    db.upgrade(app)
    with app.extensions["survey.engine"].connect() as connection:
        stored = connection.execute(text("SELECT content FROM result_publication")).scalar_one()
    document = documents.load(json.loads(stored) if isinstance(stored, str) else stored)
    assert document.format == "result-feedback/v1"
    assert [item.chart for item in document.questions] == ["pie", "bars"]
    assert document.questions[0].rows[0].shown == "<2" and document.questions[0].suppressed
    assert document.questions[1].answers == ["联系人：张*祥"]
    app.extensions["survey.engine"].dispose()


def test_altering_a_table_keeps_the_rows_that_reference_it(app_settings, empty_database):
    """0011 rebuilds survey and user_account on SQLite (a copy, then the original dropped):
    their children (publications, audit events naming the account) stay as they were."""
    app: Flask = create_app(app_settings)
    db.upgrade(app, "0010")
    with app.extensions["survey.engine"].begin() as connection:
        connection.execute(
            text("INSERT INTO user_account (id, username, display_name, password_hash, role, "
                 "is_active, created_at) VALUES (7, 'wang', '', 'x', 'editor', true, "
                 "'2025-01-01 00:00:00')")
        )  # fmt: skip
        connection.execute(
            text("INSERT INTO survey (id, slug, title, issuer, description, thank_you, status, "
                 "created_at, response_count, design_version, min_cell_size, "
                 "requires_invitation) VALUES (1, 'old', '外贸企业调查问卷', '', '', '', 'closed', "
                 "'2025-01-01 00:00:00', 4, 'v', 1, false)")
        )  # fmt: skip
        connection.execute(
            text("INSERT INTO result_publication (survey_id, version, published_at, "
                 "published_by, summary, content) VALUES (1, 1, '2025-01-02 00:00:00', 'wang', "
                 "'', :content)"),
            {"content": json.dumps(EARLIER_DOCUMENT, ensure_ascii=False)},
        )  # fmt: skip
        connection.execute(
            text("INSERT INTO audit_event (at, user_id, username, action, survey_id, detail, "
                 "address) VALUES ('2025-01-02 00:00:00', 7, 'wang', 'survey.publish', 1, "
                 "'{}', 'cli')")
        )  # fmt: skip
    db.upgrade(app)
    with app.extensions["survey.engine"].connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM result_publication")).scalar() == 1
        event = connection.execute(text("SELECT user_id, survey_id FROM audit_event")).one()
        assert tuple(event) == (7, 1)
        role = connection.execute(text("SELECT role FROM user_account WHERE id = 7")).scalar()
        assert role == "editor"
    app.extensions["survey.engine"].dispose()
