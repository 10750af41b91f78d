"""Plain-text import (文本导入): many shapes of paste, problems with their line numbers."""

from __future__ import annotations

import pytest

from survey.config import office_zone
from survey.surveys.definition import DefinitionError
from survey.surveys.textimport import parse_text
from tests.helpers import reference_block


def parse(text: str):
    return parse_text(text, office_zone())


def shape(text: str) -> list[tuple[str, str, bool, list]]:
    return [
        (q["type"], q["title"], q["required"], [(o["label"], o["fill_in"]) for o in q["options"]])
        for q in parse(text).definition["questions"]
    ]


def test_the_bureau_announcement_imports_as_seven_questions(offline_app):
    result = parse(reference_block())
    definition = result.definition
    assert definition["title"] == "招远市商务局外贸企业服务在线调查问卷"
    questions = definition["questions"]
    assert [q["title"] for q in questions] == [
        "企业的名称", "企业的性质", "主要贸易方式", "进出口情况",
        "产品主要出口、进口国家(地区)", "产品主要类型", "对明年订单的预期",
    ]  # fmt: skip
    assert [q["type"] for q in questions] == ["text", "single", "single", "text"] + ["single"] * 3
    assert [o["label"] for o in questions[1]["options"]] == ["国企", "民企", "外企"]
    assert [o["label"] for o in questions[2]["options"]][-1] == "其他贸易"
    markets = [o["label"] for o in questions[4]["options"]]
    # The announcement lists G twice (欧盟 and 非洲): both options are kept, with a warning.
    assert markets == ["东南亚", "南亚", "西亚", "日韩", "中国香港", "中国台湾", "欧盟", "俄罗斯",
                       "美国", "非洲", "大洋洲", "南美洲", "其他"]  # fmt: skip
    assert len(questions[5]["options"]) == 5 and len(questions[6]["options"]) == 3
    assert [str(w) for w in result.warnings] == [
        "选项字母 G 重复（第 10 行已有），两个选项都已保留（第 10 行）"
    ]


@pytest.mark.parametrize(
    "separator", ["1、", "1.", "1．", "(1)", "（1）", "1)", "- 1、", "* 1.", "• 1、"]
)
def test_question_numbers_in_every_common_style(offline_app, separator):
    text = f"调查问卷\n{separator}企业性质\nA 国企\nB 民企\n"
    assert shape(text) == [("single", "企业性质", False, [("国企", False), ("民企", False)])]


@pytest.mark.parametrize(
    "options",
    [
        "A. 国企\nB. 民企\nC. 外企",
        "A、国企\nB、民企\nC、外企",
        "A 国企\nB 民企\nC 外企",
        "国企\n民企\n外企",
        "A 国企 B 民企 C 外企",
        "A.国企 B.民企 C.外企",
        "a) 国企\nb) 民企\nc) 外企",
    ],
)
def test_options_in_every_common_style(offline_app, options):
    text = f"调查问卷\n1、企业性质\n{options}\n"
    assert shape(text)[0][3] == [("国企", False), ("民企", False), ("外企", False)]


@pytest.mark.parametrize(
    ("tag", "kind"),
    [
        ("[单选题]", "single"),
        ("[多选题]", "multiple"),
        ("【多选题】", "multiple"),
        ("[下拉框]", "dropdown"),
        ("[填空题]", "text"),
        ("【简答题】", "textarea"),
    ],
)
def test_type_tags(offline_app, tag, kind):
    options = "" if kind in {"text", "textarea"} else "\nA 甲 B 乙"
    assert shape(f"问卷\n1、题目 {tag}{options}")[0][0] == kind


def test_without_tag_options_mean_single_choice_and_none_mean_fill_in(offline_app):
    assert [q[0] for q in shape("问卷\n1、名称\n2、性质\nA 甲 B 乙\n")] == ["text", "single"]


@pytest.mark.parametrize("title", ["*企业性质", "企业性质*", "企业性质（必填）", "企业性质 (必答)"])
def test_required_marks(offline_app, title):
    assert shape(f"问卷\n1、{title}\nA 甲 B 乙")[0][1:3] == ("企业性质", True)


def test_web_paste_markdown_and_trailing_spaces_are_ignored(offline_app):
    text = "**问卷标题**  \n\n说明文字  \n\n- 1、**企业的性质**  \nA 国企 B 民企  \n"
    definition = parse(text).definition
    assert definition["title"] == "问卷标题" and definition["description"] == "说明文字"
    assert shape(text) == [("single", "企业的性质", False, [("国企", False), ("民企", False)])]


def test_other_with_blank_takes_a_fill_in(offline_app):
    assert shape("问卷\n1、方式 [多选题]\nA 一般贸易\nB 其他____\n")[0][3] == [
        ("一般贸易", False),
        ("其他", True),
    ]


def test_description_keeps_its_lines(offline_app):
    definition = parse("标题\n第一段说明。\n第二段说明。\n1、名称\n").definition
    assert definition["description"] == "第一段说明。\n第二段说明。"


def test_gaps_in_numbering_are_warnings(offline_app):
    result = parse("问卷\n1、名称\n3、性质\nA 甲 B 乙\n")
    assert len(result.definition["questions"]) == 2
    assert [str(w) for w in result.warnings] == ["题号 3 不连续，按第 2 题导入（第 3 行）"]


def problems(text: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        parse(text)
    return [str(p) for p in caught.value.problems]


def test_problems_name_their_line(offline_app):
    assert problems("") == ["没有内容：第一行应为问卷标题（第 1 行）"]
    assert problems("只有标题\n没有题目\n") == [
        "没有找到题目：题目行应以题号开头，如“1、企业名称”（第 1 行）"
    ]
    unknown = problems("问卷\n1、名称\n2、满意度 [打分题]\nA 1 B 2\n")
    assert len(unknown) == 1 and unknown[0].startswith("不认识的题型 [打分题]")
    assert unknown[0].endswith("（第 3 行）")
    one_option = problems("问卷\n\n1、名称\n2、性质 [单选题]\nA 国企\n")
    assert one_option == ["questions[1].options: 至少需要两个选项（第 4 行）"]


def test_cli_imports_plain_text_and_reports_warnings(runner, tmp_path):
    source = tmp_path / "announcement.txt"
    source.write_text(reference_block(), encoding="utf-8")
    result = runner.invoke(args=["import", str(source), "--open"])
    assert result.exit_code == 0
    assert "注意：选项字母 G 重复" in result.output
    slug = result.output.strip().splitlines()[-1]
    exported = runner.invoke(args=["export-definition", slug]).output
    assert exported.count("type: single") == 5 and "其他贸易" in exported
