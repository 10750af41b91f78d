from __future__ import annotations

from flask_babel import lazy_gettext as _l

from survey.questions.choice import OneOfChoice


class SingleChoice(OneOfChoice):
    name = "single"
    report_label = "[单选题]"
    display_name = _l("单选题")
    template = "questions/single.html"
    chart = "pie"
