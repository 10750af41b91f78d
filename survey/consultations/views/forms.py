"""The staff's forms for consultations (Flask-WTF). They only read what was typed; the rules
(a reason for 不予采纳, a window that ends after it starts) stay in the services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from survey.consultations.design import Settings
from survey.consultations.models import (
    CHANNEL_LABELS,
    MINIMUM_PERIOD_LABELS,
    Channel,
    Consultation,
    FieldRule,
)
from survey.consultations.wordfile import WordFileError, read_docx
from survey.core.i18n import _, _l
from survey.publishing.summary import SUMMARY_MAX_LENGTH
from survey.web.fields import OfficeTimeField

FIELD_RULES = [SelectChoice(FieldRule.OPTIONAL, _l("选填")),
               SelectChoice(FieldRule.REQUIRED, _l("必填"))]  # fmt: skip


class SettingsForm(FlaskForm):
    title = StringField(_l("标题"), validators=[Optional(), Length(max=200)])
    issuer = StringField(_l("发布单位"), validators=[Optional(), Length(max=100)])
    opens_at = OfficeTimeField(_l("征集开始"))
    closes_at = OfficeTimeField(_l("征集截止"), end_of_day=True)
    minimum_period = SelectField(
        _l("法定最短征集期"),
        choices=[SelectChoice(key, label) for key, label in MINIMUM_PERIOD_LABELS.items()],
    )
    explanation = TextAreaField(_l("起草说明"), validators=[Optional(), Length(max=20_000)])
    contact_lines = TextAreaField(
        _l("其他提交方式（信函地址、电子邮箱、电话，每行一项）"),
        validators=[Optional(), Length(max=20_000)],
    )
    name_rule = SelectField(_l("姓名/单位"), choices=FIELD_RULES)
    contact_rule = SelectField(_l("联系方式"), choices=FIELD_RULES)
    show_opinions = BooleanField(_l("在条款下公开已审核的意见（默认只显示条数）"))
    challenge = BooleanField(_l("防刷：提交前需回答一道算术题"))
    flag_words = TextAreaField(
        _l("关注词（每行一个，含这些词的意见会被标记，不会被删除）"),
        validators=[Optional(), Length(max=20_000)],
    )

    @classmethod
    def of(cls, consultation: Consultation) -> SettingsForm:
        return cls(
            data={field: getattr(consultation, field) for field in Settings.__dataclass_fields__}
        )

    def settings(self) -> Settings:
        return Settings(
            title=self.title.data or "",
            issuer=self.issuer.data or "",
            opens_at=self.opens_at.data,
            closes_at=self.closes_at.data,
            minimum_period=self.minimum_period.data or "",
            explanation=self.explanation.data or "",
            contact_lines=self.contact_lines.data or "",
            name_rule=self.name_rule.data or "",
            contact_rule=self.contact_rule.data or "",
            show_opinions=self.show_opinions.data,
            challenge=self.challenge.data,
            flag_words=self.flag_words.data or "",
        )


class NewConsultationForm(SettingsForm):
    text = TextAreaField(_l("征求意见稿正文（从 Word 复制粘贴）"))
    file = FileField(_l("或上传 Word 文档（.docx）或文本文件（.txt）"))

    def draft_text(self) -> tuple[str, list[str]]:
        """The uploaded file's text, else the pasted text; and warnings about the file.
        Raises a Refusal for a file that cannot be read."""
        upload = self.file.data
        if not upload or not upload.filename:
            return self.text.data or "", []
        data = upload.read()
        if upload.filename.lower().endswith(".docx"):
            word = read_docx(data)
            return word.text, word.warnings
        try:
            return data.decode("utf-8-sig"), []
        except UnicodeDecodeError:
            raise WordFileError(
                _("文本文件不是 UTF-8 编码：请另存为 UTF-8，或上传 .docx")
            ) from None


class RevisionForm(FlaskForm):
    text = TextAreaField(_l("征求意见稿正文"), validators=[InputRequired()])
    note = StringField(
        _l("修改说明（征集中修改会生成新版本）"), validators=[Optional(), Length(max=500)]
    )


class OfflineOpinionForm(FlaskForm):
    part = SelectField(_l("条款"), coerce=str)
    body = TextAreaField(_l("意见内容"), validators=[InputRequired(_l("请填写意见内容"))])
    name = StringField(_l("姓名/单位"), validators=[Optional(), Length(max=100)])
    contact = StringField(_l("联系方式"), validators=[Optional(), Length(max=100)])
    channel = SelectField(
        _l("渠道"),
        choices=[SelectChoice(c, CHANNEL_LABELS[c]) for c in Channel if c != Channel.WEB],
    )
    received_on = DateField(_l("收到日期"), validators=[InputRequired(_l("请填写收到日期"))])


class PublishForm(FlaskForm):
    by_article = BooleanField(_l("按条款汇总公开（不逐条列出意见）"))
    summary = TextAreaField(
        _l("说明（可选，支持 Markdown）"), validators=[Optional(), Length(max=SUMMARY_MAX_LENGTH)]
    )
    note = TextAreaField(
        _l("送审说明（给审核人看，不公开）"), validators=[Optional(), Length(max=2000)]
    )
