"""排序题: put all the options, or the top K, in order.

An answer names the option in ``option_id`` and its place (1 = first) in ``number``. Without
JavaScript each option has a numbered select; static/js/ranking.js lets a tap give the next place.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from werkzeug.datastructures import MultiDict

from survey.core.errors import MalformedPost
from survey.core.i18n import _, _l
from survey.core.numbers import count_with_ratio, percent
from survey.publishing.documents import Grid, GridRow
from survey.surveys.questions.base import (
    AnswerError,
    AnswerRow,
    Counts,
    QuestionType,
    ResultTable,
    SampleRow,
    Setting,
    fill_in_name,
    position,
    single_value,
)
from survey.surveys.questions.choice import skipped

if TYPE_CHECKING:
    from survey.surveys.models import Option, Question


def average_score(places: Mapping[int, int], options: int, respondents: int) -> Decimal:
    """平均综合得分: Σ count at place r × (options − r + 1), over the respondents, half-up."""
    if respondents <= 0:
        return Decimal("0.00")
    total = sum(n * (options - place + 1) for place, n in places.items())
    exact = Decimal(total) / Decimal(respondents)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Ranking(QuestionType):
    name = "ranking"
    report_label = "[排序题]"
    display_name = _l("排序题")
    template = "surveys/questions/ranking.html"
    has_options = True
    counts_cells = True
    chart = "scores"
    script = "js/ranking.js"
    settings: ClassVar[tuple[Setting, ...]] = (
        Setting("top", int, _l("只排前几项（留空则全部排序）")),
    )

    def places(self, question: Question) -> int:
        """How many places a respondent fills: ``top``, or every option on offer."""
        return question.settings.get("top") or len(question.active_options)

    def check_settings(
        self, settings: Mapping[str, Any], option_count: int
    ) -> list[tuple[str, str]]:
        top = settings.get("top")
        if top is not None and not 1 <= top <= option_count:
            return [("top", _("应在 1 到 %(n)s（选项数）之间", n=option_count))]
        return []

    def field_names(self, question: Question) -> set[str]:
        return {fill_in_name(question, option.id) for option in question.options}

    def hint(self, question: Question) -> str:
        if question.settings.get("top"):
            return _("请选出最重要的 %(n)s 项并排序（1 为第一位）", n=self.places(question))
        return _("请为全部选项排序（1 为第一位）")

    def parse(self, question: Question, form: MultiDict[str, str]) -> list[AnswerRow]:
        places = self.places(question)
        given: dict[int, list[Option]] = {}
        for option in question.options:
            name = fill_in_name(question, option.id)
            value = single_value(form, name)
            if not value:
                continue
            place = position(value, places)
            if place is None:
                raise MalformedPost(f"{name}: place {value[:20]!r} not offered")
            if not option.is_active:
                raise AnswerError(_("“%(label)s”已不再提供，请重新排序", label=option.label))
            given.setdefault(place, []).append(option)
        if not given:
            if question.required:
                raise AnswerError(_("请排序"))
            return []
        for place in range(1, places + 1):
            chosen = given.get(place, [])
            if len(chosen) > 1:
                labels = "、".join(f"“{o.label}”" for o in chosen)
                raise AnswerError(
                    _("%(labels)s都排在第 %(n)s 位，每个位置只能有一项", labels=labels, n=place)
                )
            if not chosen:
                raise AnswerError(_("第 %(n)s 位还没有选择", n=place))
        return [
            AnswerRow(question_id=question.id, option_id=options[0].id, number=float(place))
            for place, options in sorted(given.items())
        ]

    def sample(self, question: Question, rng: random.Random) -> list[SampleRow]:
        if skipped(question, rng):
            return []
        order = rng.sample(question.active_options, self.places(question))
        return [(option.id, None, float(place)) for place, option in enumerate(order, start=1)]

    def tabulate(self, question: Question, counts: Counts) -> ResultTable:
        places = self.places(question)
        weighted = len(question.active_options)
        rows = []
        for option in question.options:
            at = {p: counts.cells.get((option.id, p), 0) for p in range(1, places + 1)}
            if not (option.is_active or any(at.values())):
                continue
            score = average_score(at, weighted, counts.respondents)
            rows.append(
                GridRow(
                    label=option.label,
                    cells=[f"{score}"]
                    + [count_with_ratio(n, counts.respondents) for n in at.values()],
                    percents=[float(percent(n, counts.respondents)) for n in at.values()],
                    score=float(score),
                )
            )
        # Highest score first, as the report ranks them; ties keep the questionnaire's order.
        rows.sort(key=lambda row: -(row.score or 0))
        columns = ["平均综合得分"] + [f"第{p}位" for p in range(1, places + 1)]
        return ResultTable(
            question=question,
            rows=[],
            respondents=counts.respondents,
            grid=Grid(corner="选项", columns=columns, rows=rows),
        )

    def export_text(
        self, question: Question, option: Option | None, text: str | None, number: float | None
    ) -> str:
        return f"{int(number or 0)}.{option.label if option else ''}"

    def export_columns(self, question: Question) -> list[str]:
        """A column per place, "N.排序第1位", holding the option put there."""
        places = max(self.places(question), 1)
        return [f"{question.number}.排序第{p}位" for p in range(1, places + 1)]

    def export_cell(
        self,
        question: Question,
        option: Option | None,
        text: str | None,
        number: float | None,
        coded: bool = False,
    ) -> tuple[int, str]:
        places = max(self.places(question), 1)
        place = int(number or 0)
        if 1 <= place <= places:
            return place - 1, option.label if option else ""
        # A place the question no longer has (fewer places since): kept, with its number.
        return places - 1, self.export_text(question, option, text, number)
