"""The annual-report format: tab-separated tables under ``N 题目 [单选题]`` headings."""

from __future__ import annotations

from survey.questions import ResultTable
from survey.results import SurveyResults, question_label


def render_table(table: ResultTable) -> str:
    question = table.question
    lines = [f"{question.number} {question.title} {question_label(question)}"]
    if table.grid is not None:
        lines.append("\t".join([table.grid.corner, *table.grid.columns]))
        lines += ["\t".join([row.label, *row.cells]) for row in table.grid.rows]
    else:
        lines.append("选项\t小计\t比例")
        lines += [f"{row.label}\t{row.count}\t{row.ratio}" for row in table.rows]
    lines.append(f"本题有效填写人次\t{table.respondents}")
    lines += [str(line) for line in table.summary]
    return "\n".join(lines)


def render(results: SurveyResults) -> str:
    blocks = [results.survey.title] + [render_table(table) for table in results.tables]
    return "\n\n".join(blocks) + "\n"
