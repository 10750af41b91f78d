from __future__ import annotations

from survey.questions.choice import OneOfChoice


class Dropdown(OneOfChoice):
    name = "dropdown"
    report_label = "[下拉框]"
    display_name = "下拉框"
    template = "questions/dropdown.html"
    allows_empty_value = True
