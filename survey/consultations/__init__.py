"""意见征集: drafts put out for public comment, split into 章/节/条/款 (``drafts``), the opinions
received on them (``opinions``), their screening and handling (``handling``), and the
意见采纳情况 published in reply (``feedback``)."""

from survey.consultations import events, queries, reviewables
from survey.consultations.models import (
    CHANNEL_LABELS,
    MINIMUM_PERIOD_LABELS,
    SCREENING_LABELS,
    FieldRule,
)
from survey.core import audit
from survey.core.audit import Field, counted, file_format, fingerprint, moment, named
from survey.core.i18n import _l

audit.register_actions(
    {
        "consultation.create": _l("创建意见征集"),
        "consultation.edit": _l("修改意见征集设置"),
        "consultation.revise": _l("修改征求意见稿"),
        "consultation.open": _l("开始征集意见"),
        "consultation.close": _l("结束征集意见"),
        "opinion.enter": _l("录入线下意见"),
        "opinion.screen": _l("审核意见"),
        "opinion.merge": _l("合并意见"),
        "opinion.unmerge": _l("取消合并意见"),
        "opinion.answer": _l("填写处理结果"),
        "opinion.contact": _l("查看意见人联系方式"),
        "opinions.export": _l("导出意见"),
        "feedback.publish": _l("发布采纳情况"),
        "feedback.withdraw": _l("撤回采纳情况"),
        "feedback.export": _l("导出采纳情况"),
    }
)
audit.register_subjects("consultation_id", queries.titles)
SETTINGS = {
    "title": _l("标题"),
    "issuer": _l("发布单位"),
    "opens_at": Field(_l("征集开始"), moment),
    "closes_at": Field(_l("征集截止"), moment),
    "minimum_period": Field(_l("法定最短征集期"), named(MINIMUM_PERIOD_LABELS)),
    "explanation": _l("起草说明"),
    "contact_lines": _l("其他提交方式"),
    "name_rule": Field(
        _l("姓名/单位"), named({FieldRule.OPTIONAL: _l("选填"), FieldRule.REQUIRED: _l("必填")})
    ),
    "contact_rule": Field(
        _l("联系方式"), named({FieldRule.OPTIONAL: _l("选填"), FieldRule.REQUIRED: _l("必填")})
    ),
    "show_opinions": _l("公开已审核的意见"),
    "challenge": _l("防刷算术题"),
    "flag_words": _l("关注词"),
}
audit.register_fields(
    {
        **SETTINGS,
        # Rows written before ``changes`` named the settings changed, without their values.
        "fields": Field(
            _l("修改的设置"),
            named({k: v.label if isinstance(v, Field) else v for k, v in SETTINGS.items()}),
            listed=True,
        ),
        "parts": _l("条款数"),
        "version": Field(_l("版本"), counted(_l("第 %(n)s 版"))),
        "receipt": _l("意见编号"),
        "receipts": Field(_l("意见编号"), listed=True),
        "entry": _l("并入的意见"),
        "channel": Field(_l("收到方式"), named(CHANNEL_LABELS)),
        "screening": Field(_l("审核结果"), named(SCREENING_LABELS)),
        "outcome": _l("处理结果"),
        "opinions": _l("意见条数"),
        "hash": Field(_l("内容指纹"), fingerprint),
        "reason": _l("原因"),
        "format": Field(_l("格式"), file_format),
    },
    scope=["consultation", "opinion", "opinions", "feedback"],
)

reviewables.register()
events.register()
