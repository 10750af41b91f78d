"""Form fields every feature's staff forms share."""

from __future__ import annotations

from typing import Any

from wtforms import StringField

from survey.config import office_zone
from survey.core.i18n import _
from survey.core.timeutil import format_local, parse_local


class OfficeTimeField(StringField):
    """A moment typed in office time ("2024-03-01 08:00", or a datetime-local value); its data
    is UTC. With ``end_of_day``, a bare date means the end of that day."""

    def __init__(self, *args: Any, end_of_day: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.end_of_day = end_of_day

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if text:
            try:
                self.data = parse_local(text, office_zone(), end_of_day=self.end_of_day)
            except ValueError:
                raise ValueError(_("时间格式应为 2024-03-01 08:00")) from None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return format_local(self.data, office_zone(), "%Y-%m-%dT%H:%M") if self.data else ""
