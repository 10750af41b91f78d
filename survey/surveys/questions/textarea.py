from __future__ import annotations

from survey.core.i18n import _l
from survey.surveys.questions.text import ShortText


class LongText(ShortText):
    """填空题 with several lines: comments, suggestions, 进出口情况."""

    name = "textarea"
    display_name = _l("多行填空")
    template = "surveys/questions/textarea.html"
    default_max_length = 5000
