from __future__ import annotations

from flask_babel import lazy_gettext as _l

from survey.questions.choice import OneOfChoice


class Dropdown(OneOfChoice):
    name = "dropdown"
    report_label = "[下拉框]"
    display_name = _l("下拉框")
    template = "questions/dropdown.html"
    chart = "pie"
    allows_empty_value = True
