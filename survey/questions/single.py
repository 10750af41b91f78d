from __future__ import annotations

from survey.questions.choice import OneOfChoice


class SingleChoice(OneOfChoice):
    name = "single"
    report_label = "[单选题]"
    display_name = "单选题"
    template = "questions/single.html"
