"""The annual-report format: tab-separated tables under ``N 题目 [单选题]`` headings."""

from __future__ import annotations

from survey.publishing.documents import QuestionResult, ResultFeedback


def render_table(item: QuestionResult) -> str:
    lines = [f"{item.number} {item.title} {item.label}"]
    if item.grid is not None:
        lines.append("\t".join([item.grid.corner, *item.grid.columns]))
        lines += ["\t".join([row.label, *row.cells]) for row in item.grid.rows]
    else:
        lines.append("选项\t小计\t比例")
        lines += [f"{row.label}\t{row.shown}\t{row.ratio}" for row in item.rows or ()]
    lines.append(f"本题有效填写人次\t{item.respondents}")
    lines += [str(line) for line in item.summary]
    return "\n".join(lines)


def render(document: ResultFeedback) -> str:
    blocks = [document.title] + [render_table(item) for item in document.tables]
    return "\n\n".join(blocks) + "\n"
