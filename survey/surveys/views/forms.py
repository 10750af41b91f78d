"""The staff's forms for surveys (Flask-WTF): what each form posts, how it is read and checked,
and the messages shown beside its fields. Domain rules (options of a live survey, logic that
must fit) stay in the services; these only read what was typed.

The question editor keeps the field names the page has always posted: option and condition rows
as parallel lists (``option_key`` / ``option_label``, ``cond_option`` / ``cond_test``), so rows
can be added, left blank or reordered without JavaScript; type settings as
``setting-<type>-<key>``; skip targets as ``skip-<option id>``.
"""

from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    Field,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from survey.core.i18n import _, _l
from survey.publishing.summary import SUMMARY_MAX_LENGTH
from survey.surveys.definition import END, LIMITS
from survey.surveys.design import OptionEdit
from survey.surveys.models import Question, Survey
from survey.surveys.publication import MIN_CELL_SIZE_RANGE
from survey.surveys.questions import REGISTRY, Setting, get_type
from survey.web.fields import OfficeTimeField
from survey.web.safety import as_id

IMPORT_FORMATS = {"txt": _l("文本（从 Word 或公告粘贴）"), "yaml": _l("YAML（survey/v1）"),
                  "json": _l("JSON（survey/v1）")}  # fmt: skip


class LinesField(TextAreaField):
    """One label a line (a matrix's columns); blank lines are gaps left by the editor."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = valuelist[0] if valuelist else ""
        self.data = [line.strip() for line in text.splitlines() if line.strip()]

    def _value(self) -> str:
        return "\n".join(self.data or [])


class RowsField(Field):
    """Rows posted as parallel lists, one input of each list per row, in the page's order."""

    columns: tuple[str, ...] = ()

    def process(
        self,
        formdata: MultiDict[str, Any] | None,
        data: Any = unset_value,
        extra_filters: Any = None,
    ) -> None:
        self.process_errors = []
        self.data = []
        if formdata is None:
            return
        lists = [formdata.getlist(name) for name in self.columns]
        if len({len(values) for values in lists}) > 1:
            self.process_errors.append(_("表单内容不完整，请刷新页面后重试"))
            return
        try:
            self.data = self.rows(formdata, list(zip(*lists, strict=True)))
        except ValueError as error:
            self.process_errors.append(str(error))

    def rows(self, formdata: MultiDict[str, Any], rows: list[tuple[str, ...]]) -> list[Any]:
        raise NotImplementedError


class OptionRowsField(RowsField):
    """The option editor: each row an existing option's id or a "new-..." key, its label, and
    whether it takes a fill-in; rows left blank add nothing."""

    columns = ("option_key", "option_label")

    def rows(self, formdata: MultiDict[str, Any], rows: list[tuple[str, ...]]) -> list[OptionEdit]:
        fill_ins = set(formdata.getlist("option_fill_in"))
        return [OptionEdit(as_id(key), label, key in fill_ins) for key, label in rows]


class ConditionRowsField(RowsField):
    """The logic editor's display conditions: (option id, chosen); rows left blank are dropped."""

    columns = ("cond_option", "cond_test")

    def rows(self, formdata: MultiDict[str, Any], rows: list[tuple[str, ...]]) -> list[Any]:
        chosen = [(as_id(option), test != "not_chosen") for option, test in rows if option]
        if any(option is None for option, _chosen in chosen):
            raise ValueError(_("表单内容不完整，请刷新页面后重试"))
        return chosen


class NewSurveyForm(FlaskForm):
    title = StringField(
        _l("问卷标题"),
        validators=[
            InputRequired(_l("请填写问卷标题")),
            Length(max=LIMITS["title"], message=_l("最多 %(max)d 个字")),
        ],
    )
    issuer = StringField(
        _l("发布单位"), validators=[Length(max=LIMITS["issuer"], message=_l("最多 %(max)d 个字"))]
    )


class SettingsForm(NewSurveyForm):
    description = TextAreaField(_l("说明（显示在题目前）"))
    opens_at = OfficeTimeField(_l("征集开始"))
    closes_at = OfficeTimeField(_l("征集截止"), end_of_day=True)
    thank_you = TextAreaField(_l("提交成功后显示"))

    @classmethod
    def of(cls, survey: Survey) -> SettingsForm:
        return cls(
            formdata=None,
            title=survey.title,
            issuer=survey.issuer,
            description=survey.description,
            opens_at=survey.opens_at,
            closes_at=survey.closes_at,
            thank_you=survey.thank_you,
        )


class ImportForm(FlaskForm):
    format = RadioField(
        _l("格式"),
        choices=[SelectChoice(key, label) for key, label in IMPORT_FORMATS.items()],
        default="txt",
    )
    text = TextAreaField(_l("粘贴问卷内容"))
    file = FileField(_l("或上传文件（UTF-8）"))

    def content(self) -> str:
        """The uploaded file's text, else the pasted text (either within the request size the
        app accepts). Raises ValueError for a file that is not UTF-8."""
        upload = self.file.data
        if not upload or not upload.filename:
            return self.text.data or ""
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValueError(_("文件不是 UTF-8 编码")) from None


def _setting_field(setting: Setting, name: str) -> Any:
    """The form field of one type setting, under its posted name; blank means unset."""
    kinds = {int: _l("整数"), float: _l("数字")}
    if setting.kind is bool:
        return BooleanField(setting.label, name=name)
    if setting.kind is list:
        return LinesField(setting.label, name=name)
    if setting.kind in kinds:
        field = IntegerField if setting.kind is int else FloatField
        message = _l("“%(label)s”应为%(kind)s", label=setting.label, kind=kinds[setting.kind])
        return field(setting.label, [Optional()], name=name, invalid_value_message=message)
    return StringField(setting.label, [Optional()], name=name)


def _setting_attribute(type_name: str, key: str) -> str:
    return f"setting__{type_name}__{key}"


class QuestionForm(FlaskForm):
    """One question in the designer: its text, type, the type's settings, options and logic.
    Built per question (``for_question``): the skip targets depend on its options."""

    type = SelectField(
        _l("题型"),
        choices=[SelectChoice(name, kind.display_name) for name, kind in REGISTRY.items()],
    )
    required = BooleanField(_l("必答"))
    personal = BooleanField(_l("个人信息（加密保存，打码显示）"))
    title = TextAreaField(_l("题目"))
    help = StringField(_l("说明（可选）"))
    options = OptionRowsField()
    show_mode = SelectField(
        _l("条件的组合方式"),
        choices=[
            SelectChoice("all", _l("满足全部条件（并且）")),
            SelectChoice("any", _l("满足任一条件（或者）")),
        ],
        default="all",
    )
    conditions = ConditionRowsField()

    question: Question

    @classmethod
    def for_question(cls, question: Question, formdata: Any = None) -> QuestionForm:
        """The editor of ``question``: bound to ``formdata`` (a post), or showing it as stored
        (``formdata`` None)."""
        fields: dict[str, Any] = {}
        for kind in REGISTRY.values():
            for setting in kind.settings:
                name = f"setting-{kind.name}-{setting.key}"
                fields[_setting_attribute(kind.name, setting.key)] = _setting_field(setting, name)
        for option in question.active_options:
            fields[f"skip__{option.id}"] = SelectField(
                option.label, name=f"skip-{option.id}", validate_choice=False
            )
        form_class = type("QuestionEditor", (cls,), fields)
        if formdata is not None:
            form = form_class(formdata=formdata)
        else:
            form = form_class(formdata=None, data=_stored(question))
            form.options.data = [
                OptionEdit(o.id, o.label, o.fill_in) for o in question.active_options
            ]
            show_if = (question.logic or {}).get("show_if", {})
            form.conditions.data = [
                (c["option"], c["chosen"]) for conditions in show_if.values() for c in conditions
            ]
        form.question = question
        return form

    def validate_title(self, field: Field) -> None:
        kind = REGISTRY.get(self.type.data or "")
        if not (field.data or "").strip() and (kind is None or kind.title_required):
            raise ValidationError(_("请填写题目"))

    @property
    def chosen_type(self) -> str:
        """The type posted, or (for a post without a known one) the question's own."""
        return self.type.data if self.type.data in REGISTRY else self.question.type

    def settings_of(self, type_name: str) -> list[tuple[Setting, Field]]:
        """A type's settings with their fields."""
        return [
            (setting, self[_setting_attribute(type_name, setting.key)])
            for setting in get_type(type_name).settings
        ]

    def validate(self, extra_validators: Any = None) -> bool:
        """Only the chosen type's settings count; the other types' hidden groups are ignored."""
        super().validate(extra_validators)
        for name in REGISTRY:
            if name != self.chosen_type:
                for _setting, field in self.settings_of(name):
                    field.errors = []
        return not self.errors

    def settings(self) -> dict[str, Any]:
        """The chosen type's settings as typed values; blank ones are left out."""
        values = {}
        for setting, field in self.settings_of(self.chosen_type):
            value = field.data.strip() if isinstance(field.data, str) else field.data
            # Blank means unset (an unticked box too); 0 is a value.
            if value is not None and value is not False and value not in ("", []):
                values[setting.key] = value
        return values

    def jump_target(self, option_id: int) -> str:
        return self[f"skip__{option_id}"].data or ""

    def jumps(self) -> dict[int, str]:
        """Skip targets: option id -> a later question's key, or "end"."""
        jumps = {}
        for option in self.question.active_options:
            target = self.jump_target(option.id)
            if target:
                jumps[option.id] = target
        return jumps


def _stored(question: Question) -> dict[str, Any]:
    """The editor's values for a question as stored."""
    data: dict[str, Any] = {
        "type": question.type,
        "required": question.required,
        "personal": question.marked_personal,
        "title": question.title,
        "help": question.help,
    }
    for kind in REGISTRY.values():
        for setting in kind.settings:
            value = question.settings.get(setting.key) if kind.name == question.type else None
            if value is None and kind.name != question.type:
                value = kind.default_settings.get(setting.key)
            data[_setting_attribute(kind.name, setting.key)] = value
    logic = question.logic or {}
    show_if = logic.get("show_if", {})
    data["show_mode"] = "any" if "any" in show_if else "all"
    for jump in logic.get("skip", []):
        data[f"skip__{jump['option']}"] = jump["to"] or END
    return data


class NewQuestionForm(FlaskForm):
    type = SelectField(
        _l("添加题目"),
        choices=[SelectChoice(name, kind.display_name) for name, kind in REGISTRY.items()],
    )


class MoveForm(FlaskForm):
    direction = SelectField(choices=[SelectChoice("up"), SelectChoice("down")], default="down")


class OpenForm(FlaskForm):
    at = OfficeTimeField(_l("开始时间（留空为立即）"))
    note = StringField(_l("送审说明"), validators=[Length(max=500)])


class DeleteResponsesForm(FlaskForm):
    confirm_title = StringField(_l("问卷标题"))


class InvalidateForm(FlaskForm):
    reason = StringField(_l("作废原因"))


class PublishForm(FlaskForm):
    question = SelectMultipleField(_l("公开哪些题目"), coerce=int, validate_choice=False)
    min_cell_size = IntegerField(
        _l("最少公开人次"),
        validators=[
            InputRequired(_l("请填写最少公开人次")),
            NumberRange(
                *MIN_CELL_SIZE_RANGE, message=_l("最少公开人次应在 %(min)s 到 %(max)s 之间")
            ),
        ],
        invalid_value_message=_l("最少公开人次应为整数"),
    )
    summary = TextAreaField(
        _l("调查结论（支持 Markdown）"),
        validators=[Length(max=SUMMARY_MAX_LENGTH, message=_l("最多 %(max)d 个字"))],
    )
    note = TextAreaField(
        _l("送审说明（给审核人看，不公开）"),
        validators=[Length(max=2000, message=_l("最多 %(max)d 个字"))],
    )
    # The content hash of the page staff previewed, when they send it from the preview.
    previewed = HiddenField(validators=[Optional(), Length(max=64)])

    def chosen(self, survey: Survey) -> set[int]:
        """The ticked questions of this survey (ids of others are ignored)."""
        ids = {q.id for q in survey.questions}
        return {value for value in self.question.data or () if value in ids}


class InvitationListForm(FlaskForm):
    file = FileField(_l("名单文件（CSV 或 Excel）"))


class RequireInvitationForm(FlaskForm):
    required = BooleanField(_l("仅限受邀企业填写"))


class CapForm(FlaskForm):
    cap = IntegerField(
        _l("回收上限（份，留空为不限）"),
        validators=[Optional(), NumberRange(min=1, max=10_000_000)],
    )


CLOCK = re.compile(r"(\d{1,2})[:：](\d{2})", re.ASCII)


class TimeRulesForm(FlaskForm):
    time_limit = IntegerField(
        _l("答题时长限制（分钟，留空为不限）"),
        validators=[Optional(), NumberRange(min=1, max=24 * 60)],
    )
    daily_from = StringField(
        _l("每日答题时段：从（如 08:30，留空为全天）"), validators=[Optional()]
    )
    daily_until = StringField(_l("到（如 17:30）"), validators=[Optional()])

    def daily(self) -> tuple[int, int] | None:
        """The hours as minutes of the day; ValueError for a time that is not HH:MM."""
        start, end = (self.daily_from.data or "").strip(), (self.daily_until.data or "").strip()
        if not start and not end:
            return None
        return _minutes(start), _minutes(end)


def _minutes(clock: str) -> int:
    """ "08:30" as 510 (minutes of the day); 24:00 is the day's end."""
    found = CLOCK.fullmatch(clock)
    if found is None:
        raise ValueError(clock)
    total = int(found[1]) * 60 + int(found[2])
    if int(found[2]) >= 60 or total > 24 * 60:
        raise ValueError(clock)
    return total


class ConsentForm(FlaskForm):
    text = TextAreaField(
        _l("个人信息使用说明（显示在第一题之前，留空为不显示）"), validators=[Length(max=5000)]
    )
    required = BooleanField(_l("填写人须勾选“我已阅读并同意”后才能提交"))
    retention_days = IntegerField(
        _l("个人信息保存期限（问卷结束后多少天删除，留空为不自动删除）"),
        validators=[Optional(), NumberRange(min=1, max=3650)],
    )


class DuplicatesForm(FlaskForm):
    policy = RadioField(
        _l("防重复"),
        choices=[
            SelectChoice("open", _l("不限制（多人共用电脑时）")),
            SelectChoice(
                "device",
                _l("每台设备只能填写一次（依据浏览器的 Cookie 和本地存储，两者都清除即可绕过）"),
            ),
            SelectChoice(
                "address", _l("每个网络地址每天只能填写一次（同一单位共用网络的人会被拒绝）")
            ),
            SelectChoice("invitation", _l("仅限邀请链接（每个邀请只能填写一次）")),
        ],
    )
    suspect_seconds = IntegerField(
        _l("用时少于多少秒标记为“用时过短”（留空为每题 2 秒，至少 5 秒）"),
        validators=[Optional(), NumberRange(min=1, max=86_400)],
    )
    challenge = RadioField(
        _l("防刷验证"),
        choices=[
            SelectChoice("", _l("不验证")),
            SelectChoice("busy", _l("同一网络地址一小时内提交较多时才验证")),
            SelectChoice("always", _l("每次提交都验证")),
        ],
    )
    challenge_after = IntegerField(
        _l("同一网络地址一小时内提交超过多少份后验证"),
        validators=[Optional(), NumberRange(min=1, max=100_000)],
    )


class QuotaForm(FlaskForm):
    label = StringField(
        _l("名额名称"), validators=[InputRequired(_l("请填写名额名称")), Length(max=100)]
    )
    limit = IntegerField(
        _l("名额数（份）"),
        validators=[InputRequired(_l("请填写名额数")), NumberRange(min=1, max=10_000_000)],
    )
    options = SelectMultipleField(
        _l("计入名额的选项（同一题内任选其一，多道题须同时满足）"),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[InputRequired(_l("请至少选择一个选项"))],
    )

    def offer(self, questions: list[Question]) -> QuotaForm:
        self.options.choices = [
            SelectChoice(str(o.id), o.label)
            for q in questions for o in q.active_options
        ]  # fmt: skip
        return self
