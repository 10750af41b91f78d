"""量表题: one point on a numbered scale (1–5, 0–10 ...) with words at both ends, and NPS.

Each point is an ``Option`` labelled with its number, so the kept per-option counters give the
table and the average without touching the answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from survey.core.i18n import _, _l
from survey.core.numbers import format_ratio, mean
from survey.publishing.documents import SummaryLine
from survey.surveys.questions.base import Counts, ResultTable, Setting
from survey.surveys.questions.choice import OneOfChoice, option_rows

if TYPE_CHECKING:
    from survey.surveys.models import Option, Question

MAX_POINTS = 11  # 0–10 is the widest scale a phone shows on one line


class Scale(OneOfChoice):
    name = "scale"
    report_label = "[量表题]"
    display_name = _l("量表题")
    template = "surveys/questions/scale.html"
    has_options = False  # the points follow from min and max
    chart = "columns"
    ordered = True
    settings: ClassVar[tuple[Setting, ...]] = (
        Setting("min", int, _l("最低分")),
        Setting("max", int, _l("最高分")),
        Setting("min_label", str, _l("最低分的说明")),
        Setting("max_label", str, _l("最高分的说明")),
    )
    default_range = (1, 5)
    default_labels = (_l("非常不满意"), _l("非常满意"))

    def bounds(self, settings: Mapping[str, Any]) -> tuple[int, int]:
        low, high = self.default_range
        return settings.get("min", low), settings.get("max", high)

    def end_labels(self, question: Question) -> tuple[str, str]:
        low, high = self.default_labels
        return (
            question.settings.get("min_label") or str(low),
            question.settings.get("max_label") or str(high),
        )

    def check_settings(
        self, settings: Mapping[str, Any], option_count: int
    ) -> list[tuple[str, str]]:
        low, high = self.bounds(settings)
        if not 0 <= low < high or high - low + 1 > MAX_POINTS:
            return [("max", _("分值应从 0 或更大的整数开始，共 2 到 %(n)s 档", n=MAX_POINTS))]
        return []

    def generated_options(self, settings: Mapping[str, Any]) -> list[str]:
        low, high = self.bounds(settings)
        return [str(value) for value in range(low, high + 1)]

    def settings_from_labels(self, labels: list[str]) -> dict[str, Any]:
        """ "1 2 3 4 5" sets the range; "非常不满意 不满意 一般 满意 非常满意" the ends' words
        (on one line or one a line)."""
        labels = [word for label in labels for word in label.split()]
        if all(label.isdigit() for label in labels):
            return {"min": int(labels[0]), "max": int(labels[-1])}
        low = self.default_range[0]
        return {
            "min": low,
            "max": low + len(labels) - 1,
            "min_label": labels[0],
            "max_label": labels[-1],
        }

    def point_label(self, question: Question, option: Option) -> str:
        """A point with the words of its end: "1（非常不满意）", "3", "5（非常满意）"."""
        points = question.active_options
        low, high = self.end_labels(question)
        if option is points[0]:
            return f"{option.label}（{low}）"
        if option is points[-1]:
            return f"{option.label}（{high}）"
        return option.label

    def hint(self, question: Question) -> str:
        low, high = self.end_labels(question)
        first, last = question.active_options[0].label, question.active_options[-1].label
        return _(
            "%(low)s 分表示%(low_label)s，%(high)s 分表示%(high_label)s",
            low=first,
            low_label=low,
            high=last,
            high_label=high,
        )

    def summary(self, question: Question, counts: Counts) -> list[SummaryLine]:
        by_value = {int(o.label): counts.options.get(o.id, 0) for o in question.options}
        return [SummaryLine(label="本题平均分", value=f"{mean(by_value, counts.respondents)}")]

    def tabulate(self, question: Question, counts: Counts) -> ResultTable:
        return ResultTable(
            question=question,
            rows=option_rows(
                question,
                counts.options,
                counts.respondents,
                lambda option: self.point_label(question, option),
            ),
            respondents=counts.respondents,
            summary=self.summary(question, counts),
        )


class NetPromoter(Scale):
    """NPS: 0–10, how likely one is to recommend; NPS值 = % of 9–10 minus % of 0–6."""

    name = "nps"
    display_name = _l("NPS量表")
    settings: ClassVar[tuple[Setting, ...]] = (
        Setting("min_label", str, _l("0 分的说明")),
        Setting("max_label", str, _l("10 分的说明")),
    )
    default_labels = (_l("不可能"), _l("极有可能"))

    def bounds(self, settings: Mapping[str, Any]) -> tuple[int, int]:
        return 0, 10

    def settings_from_labels(self, labels: list[str]) -> dict[str, Any]:
        labels = [word for label in labels for word in label.split()]
        if all(label.isdigit() for label in labels):
            return {}  # the points 0 ... 10 written out: nothing to set
        return {"min_label": labels[0], "max_label": labels[-1]}

    def summary(self, question: Question, counts: Counts) -> list[SummaryLine]:
        by_value = {int(o.label): counts.options.get(o.id, 0) for o in question.options}
        promoters = sum(n for value, n in by_value.items() if value >= 9)
        detractors = sum(n for value, n in by_value.items() if value <= 6)
        score = format_ratio(promoters - detractors, counts.respondents)
        return [*super().summary(question, counts), SummaryLine(label="NPS值", value=score)]
