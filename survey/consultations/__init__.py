"""意见征集: drafts put out for public comment, split into 章/节/条/款 (``drafts``), the opinions
received on them (``opinions``), their screening and handling (``handling``), and the
意见采纳情况 published in reply (``feedback``)."""

from survey.consultations import events, queries, reviewables
from survey.core import audit
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

reviewables.register()
events.register()
