from __future__ import annotations

from survey.core.i18n import _l
from survey.surveys.questions.choice import OneOfChoice


class SingleChoice(OneOfChoice):
    name = "single"
    report_label = "[单选题]"
    display_name = _l("单选题")
    template = "surveys/questions/single.html"
    chart = "pie"
