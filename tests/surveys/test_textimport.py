"""Plain-text import (文本导入): many shapes of paste, problems with their line numbers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.config import office_zone
from survey.surveys.definition import DefinitionError
from survey.surveys.models import Survey
from survey.surveys.textimport import parse_text
from tests.conftest import csrf_of
from tests.helpers import plain, reference_block


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
    return [p.in_words() for p in caught.value.problems]


def test_problems_name_their_line(offline_app):
    assert problems("") == ["没有内容：第一行应为问卷标题（第 1 行）"]
    assert problems("只有标题\n没有题目\n") == [
        "没有找到题目：题目行应以题号开头，如“1、企业名称”（第 1 行）"
    ]
    unknown = problems("问卷\n1、名称\n2、满意度 [打分题]\nA 1 B 2\n")
    assert len(unknown) == 1 and unknown[0].startswith("不认识的题型 [打分题]")
    assert unknown[0].endswith("（第 3 行）")
    one_option = problems("问卷\n\n1、名称\n2、性质 [单选题]\nA 国企\n")
    assert one_option == ["第 2 题的选项：至少需要两个选项（第 4 行）"]
    # Numbered as respondents see them: a section heading takes no number.
    repeated = problems("问卷\n1、名称\n二、服务评价\n2、性质\nA 国企 B 国企\n")
    assert repeated == ["第 2 题第 2 个选项：选项“国企”重复（第 4 行）"]


def test_cli_imports_plain_text_and_reports_warnings(runner, tmp_path):
    source = tmp_path / "announcement.txt"
    source.write_text(reference_block(), encoding="utf-8")
    result = runner.invoke(args=["import", str(source), "--open"])
    assert result.exit_code == 0
    assert "注意：选项字母 G 重复" in result.output
    slug = result.output.strip().splitlines()[-1]
    exported = runner.invoke(args=["export-definition", slug]).output
    assert exported.count("type: single") == 5 and "其他贸易" in exported


ISSUE_PASTE = """企业服务调查问卷
1、企业名称：____
2、企业性质
□国企 □民企 □外企
3、主要贸易方式（可多选）
A 一般贸易
B 加工贸易
二、服务评价
4、各项服务的满意度
\t非常满意\t满意\t一般\t不满意\t非常不满意
政策宣传\t□\t□\t□\t□\t□
办事效率\t□\t□\t□\t□\t□
5、联系人手机
"""


def test_a_word_style_paste_imports_as_staff_meant_it(offline_app):
    """The paste of issue #17: each convention that failed reads as meant, with a warning
    for every guess."""
    result = parse(ISSUE_PASTE)
    questions = result.definition["questions"]
    assert shape(ISSUE_PASTE) == [
        ("text", "企业名称", False, []),
        ("single", "企业性质", False, [("国企", False), ("民企", False), ("外企", False)]),
        ("multiple", "主要贸易方式", False, [("一般贸易", False), ("加工贸易", False)]),
        ("description", "二、服务评价", False, []),
        ("matrix", "各项服务的满意度", False, [("政策宣传", False), ("办事效率", False)]),
        ("mobile", "联系人手机", False, []),
    ]
    assert questions[4]["settings"]["columns"] == [
        "非常满意",
        "满意",
        "一般",
        "不满意",
        "非常不满意",
    ]
    assert [str(w) for w in result.warnings] == [
        "第 3 题按多选题导入（标题含“可多选”）（第 5 行）",
        "“二、服务评价”按说明文字导入；要分页，请改为“[分页] 二、服务评价”（第 8 行）",
        "第 4 题按矩阵单选题导入（表格：5 列、2 行）（第 9 行）",
        "第 5 题按手机号码导入（标题含“手机”），只收 11 位手机号码；"
        "要收固定电话，请在标题后写 [填空题]（第 13 行）",
    ]


@pytest.mark.parametrize(
    ("title", "kind", "required", "settings"),
    [
        ("主要市场（单选）", "single", False, {}),
        ("主要市场（多选）", "multiple", False, {}),
        ("主要市场（可多选）", "multiple", False, {}),
        ("主要市场（多选题，必填）", "multiple", True, {}),
        ("主要市场（可多选，最多选2项）", "multiple", False, {"max_choices": 2}),
        ("主要市场（限选两项）", "multiple", False, {"max_choices": 2}),
        ("主要市场（必填）", "single", True, {}),
        ("主要市场（地区）", "single", False, {}),
    ],
)
def test_marks_in_a_title(offline_app, title, kind, required, settings):
    question = parse(f"问卷\n1、{title}\nA 东南亚 B 欧盟 C 美国\n").definition["questions"][0]
    assert (question["type"], question["required"]) == (kind, required)
    assert question["title"] == ("主要市场（地区）" if "地区" in title else "主要市场")
    assert question["settings"] == settings


@pytest.mark.parametrize(
    "options",
    ["□国企 □民企 □外企", "☐国企 ☐民企 ☐外企", "○国企 ○民企 ○外企", "◯ 国企 ◯ 民企 ◯ 外企",
     "■国企 ☑民企 □外企", "国企□ 民企□ 外企□", "□A.国企 □B.民企 □C.外企", "□国企\t□民企\t□外企"],
)  # fmt: skip
def test_check_boxes_on_one_line_are_options(offline_app, options):
    assert shape(f"问卷\n1、企业性质\n{options}\n")[0][3] == [
        ("国企", False), ("民企", False), ("外企", False),
    ]  # fmt: skip


def test_options_on_the_title_line_and_fill_in_options(offline_app):
    text = "问卷\n1、企业性质：□国企 □民企 □其他（请注明）\n2、是否出口？ 是□ 否□\n"
    assert shape(text) == [
        ("single", "企业性质", False, [("国企", False), ("民企", False), ("其他", True)]),
        ("single", "是否出口？", False, [("是", False), ("否", False)]),
    ]


def test_a_section_heading_ends_the_options_above_it(offline_app):
    for heading in ("二、服务评价", "（二）服务评价", "第二部分 服务评价", "## 服务评价"):
        text = f"问卷\n1、性质\nA 国企 B 民企\n{heading}\n请如实评价。\n2、评价\n"
        result = shape(text)
        assert result[0][3] == [("国企", False), ("民企", False)]
        assert result[1][:2] == ("description", heading.lstrip("# "))
        assert parse(text).definition["questions"][1]["help"] == "请如实评价。"


def test_blanks_leave_titles_and_unnumbered_blanks_are_questions(offline_app):
    text = (
        "问卷\n企业名称：________  联系电话：________\n1、成立日期：____（必填）\n"
        "2、职工人数（  ）\n"
    )
    result = parse(text)
    assert shape(text) == [
        ("text", "企业名称", False, []),
        ("mobile", "联系电话", False, []),
        ("date", "成立日期", True, []),
        ("text", "职工人数", False, []),
    ]
    assert "第 1 题“企业名称”原文没有题号，按单行填空导入（第 2 行）" in [
        str(w) for w in result.warnings
    ]


def test_a_table_of_label_and_boxes_is_a_matrix(offline_app):
    text = "问卷\n1、满意度（多选）\n项目 满意 一般\n政策宣传 □ □\n办事效率 □ □\n"
    question = parse(text).definition["questions"][0]
    assert question["type"] == "matrix_multiple"
    assert question["settings"]["columns"] == ["满意", "一般"]
    assert [o["label"] for o in question["options"]] == ["政策宣传", "办事效率"]
    # Word's paste of a table whose cells are empty: the header row says how many there are.
    empty = "问卷\n1、满意度\n\t满意\t一般\t不满意\n政策宣传\t\t\t\n办事效率\t\t\t\n"
    question = parse(empty).definition["questions"][0]
    assert (question["type"], len(question["options"])) == ("matrix", 2)


@pytest.mark.parametrize(
    ("title", "kind"),
    [("手机号码", "mobile"), ("联系电话", "mobile"), ("电子邮箱", "email"), ("E-mail", "email"),
     ("统一社会信用代码", "credit_code"), ("您对手机办税的评价", "text"),
     ("联系电话 [填空题]", "text")],
)  # fmt: skip
def test_contact_questions_by_their_words(offline_app, title, kind):
    assert parse(f"问卷\n1、{title}\n").definition["questions"][0]["type"] == kind


def test_yaml_problems_name_the_question_not_the_path(client, login):
    login("editor")
    text = (
        "format: survey/v1\ntitle: 调查\nquestions:\n  - type: description\n    title: 说明\n"
        "  - type: single\n    title: 性质\n    options: [国企, 国企]\n"
    )
    page = client.post(
        "/admin/surveys/import",
        data={"csrf_token": csrf_of(client, "/admin/"), "format": "yaml", "text": text},
    )
    assert page.status_code == 422
    html = plain(page.get_data(as_text=True))
    assert "第 1 题第 2 个选项：选项“国企”重复（第 8 行）" in html and "questions[" not in html


def test_the_preview_shows_what_will_be_created_and_saves_nothing(client, session, login):
    login("editor")
    page = client.post(
        "/admin/surveys/import",
        data={"csrf_token": csrf_of(client, "/admin/"), "format": "txt", "text": ISSUE_PASTE,
              "preview": "1"},
    )  # fmt: skip
    assert page.status_code == 200
    html = plain(page.get_data(as_text=True))
    for shown in ("1. 企业名称 [填空题]", "2. 企业性质 [单选题]", "3. 主要贸易方式 [多选题]",
                  "二、服务评价 [说明文字]", "4. 各项服务的满意度 [矩阵单选题]",
                  "5. 联系人手机 [填空题] 手机号码",
                  "第 3 题按多选题导入（标题含“可多选”）"):  # fmt: skip
        assert shown in html
    assert session.scalars(select(Survey)).all() == []


def test_questions_numbered_with_chinese_numerals_keep_their_options(offline_app):
    text = (
        "问卷\n一、企业性质\nA 国企 B 民企\n二、主要市场（可多选）\n□东南亚 □欧盟\n三、服务评价\n"
    )
    result = parse(text)
    assert shape(text) == [
        ("single", "企业性质", False, [("国企", False), ("民企", False)]),
        ("multiple", "主要市场", False, [("东南亚", False), ("欧盟", False)]),
        ("description", "三、服务评价", False, []),
    ]
    assert "第 2 题原文编号为“二、”，下面有选项，按题目导入（第 4 行）" in [
        str(w) for w in result.warnings
    ]
