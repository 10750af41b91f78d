from __future__ import annotations

from survey.core.i18n import _l
from survey.surveys.questions.choice import OneOfChoice


class Dropdown(OneOfChoice):
    name = "dropdown"
    report_label = "[下拉框]"
    display_name = _l("下拉框")
    template = "surveys/questions/dropdown.html"
    chart = "pie"
    allows_empty_value = True
