"""The designer's page breaks and logic editor, through the test client."""

from __future__ import annotations

from sqlalchemy import select

from survey.config import office_zone
from survey.surveys.definition import export_definition
from survey.surveys.models import Question
from tests.conftest import csrf_of
from tests.helpers import option_id, plain, question
from tests.logic_survey import PAGED_SURVEY


def save(client, survey, q, **fields):
    """Post a question's designer form as it stands, with ``fields`` changed."""
    designer = f"/admin/surveys/{survey.id}/edit"
    data = {
        "csrf_token": csrf_of(client, designer),
        "type": q.type,
        "title": q.title,
        "option_key": [str(o.id) for o in q.active_options],
        "option_label": [o.label for o in q.active_options],
        **fields,
    }
    posted = client.post(f"/admin/questions/{q.id}", data=data)
    # A refused edit comes back at once (422), an accepted one redirects to the designer.
    page = posted if posted.status_code == 422 else client.get(f"{designer}?edit={q.id}")
    return plain(page.get_data(as_text=True))


def test_logic_editor_sets_conditions_and_jumps(client, session, login, make_survey):
    login("editor")
    survey = make_survey(PAGED_SURVEY, status="draft")
    share = question(survey, "share")
    page = client.get(f"/admin/questions/{share.id}/editor").get_data(as_text=True)
    assert "显示条件与跳转" in page
    nature = question(survey, "nature")
    save(
        client,
        survey,
        share,
        show_mode="any",
        cond_option=[option_id(nature, "民企"), option_id(nature, "外企"), ""],
        cond_test=["chosen", "chosen", "chosen"],
    )
    markets = question(survey, "markets")
    save(
        client,
        survey,
        markets,
        **{f"skip-{option_id(markets, '其他')}": "end"},
        cond_option=[""],
        cond_test=["chosen"],
    )
    session.expire_all()
    exported = export_definition(survey, office_zone())["questions"]
    assert exported[5]["show_if"] == {
        "any": [{"question": "nature", "chosen": "民企"}, {"question": "nature", "chosen": "外企"}]
    }
    assert exported[4]["skip"] == [{"option": "其他", "to": "end"}]


def test_edits_that_break_the_logic_are_refused(client, session, login, make_survey):
    login("editor")
    survey = make_survey(PAGED_SURVEY, status="draft")
    size = question(survey, "size")
    # 民企规模 depends on 企业性质: it cannot move above it ...
    client.post(
        f"/admin/questions/{size.id}/move",
        data={"csrf_token": csrf_of(client, f"/admin/surveys/{survey.id}/edit"), "direction": "up"},
    )
    designer = plain(client.get(f"/admin/surveys/{survey.id}/edit").get_data(as_text=True))
    assert "“民企规模”的显示条件只能用前面选择题的选项" in designer
    # ... and 民企 cannot be taken out of 企业性质.
    nature = question(survey, "nature")
    kept = [o for o in nature.options if o.label != "民企"]
    text = save(
        client,
        survey,
        nature,
        option_key=[str(o.id) for o in kept],
        option_label=[o.label for o in kept],
    )
    assert "“民企规模”的显示条件只能用前面选择题的选项" in text
    session.expire_all()
    assert [q.key for q in session.scalars(select(Question).order_by(Question.position))][:2] == [
        "nature",
        "size",
    ]
    assert len(question(survey, "nature").options) == 3


def test_page_break_is_added_in_the_designer_without_a_title(client, session, login, make_survey):
    login("editor")
    survey = make_survey(PAGED_SURVEY[:2], status="draft")
    client.post(
        f"/admin/surveys/{survey.id}/questions",
        data={"csrf_token": csrf_of(client, f"/admin/surveys/{survey.id}/edit"), "type": "page"},
    )
    session.expire_all()
    page_break = session.scalars(select(Question).where(Question.type == "page")).one()
    save(client, survey, page_break, title="")
    session.expire_all()
    assert session.get(Question, page_break.id).title == ""
