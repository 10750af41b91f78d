from __future__ import annotations

from flask_babel import lazy_gettext as _l

from survey.questions.text import ShortText


class LongText(ShortText):
    """填空题 with several lines: comments, suggestions, 进出口情况."""

    name = "textarea"
    display_name = _l("多行填空")
    template = "questions/textarea.html"
    default_max_length = 5000
