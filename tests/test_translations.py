"""Every message of the interface is in the catalogue, and English has them all: a string added
to the code or a template without its translation fails here, as `make translations` would
leave it untranslated."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.conftest import csrf_of

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "survey" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
METHODS = [("survey/**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
KEYWORDS = {"_": None, "_l": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}


def test_every_message_has_its_english_translation():
    extracted = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(
            ROOT, METHODS, options_map=OPTIONS, keywords=KEYWORDS, comment_tags=()
        )
    }
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    translated = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue if m.id}
    assert len(extracted) > 500
    missing = sorted(extracted - set(translated))
    untranslated = sorted(
        key for key in extracted & set(translated)
        if not translated[key].string or translated[key].fuzzy
    )  # fmt: skip
    assert missing == [] and untranslated == []


def test_import_problems_speak_the_staff_language(client, login):
    login("editor")
    client.get("/lang/en")
    page = client.post(
        "/admin/surveys/import",
        data={"csrf_token": csrf_of(client, "/admin/surveys/import"), "format": "txt",
              "text": "问卷\n1、性质 [单选题]\nA 国企\n"},
    )  # fmt: skip
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "Question 1, options: At least two options are needed (line 2)" in html
