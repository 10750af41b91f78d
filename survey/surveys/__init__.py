"""调查征集: questionnaires designed by staff, answered by the public, counted and analysed, and
published as 结果反馈."""

from survey.core import audit
from survey.core.i18n import _l
from survey.surveys import auditing, events, queries, reviewables

audit.register_actions(
    {
        "survey.create": _l("创建问卷"),
        "survey.import": _l("导入问卷"),
        "survey.copy": _l("复制问卷"),
        "survey.edit": _l("修改问卷设置"),
        "question.add": _l("添加题目"),
        "question.edit": _l("修改题目"),
        "question.logic": _l("修改显示条件与跳转"),
        "question.move": _l("调整题目顺序"),
        "survey.undo": _l("撤销修改"),
        "question.duplicate": _l("复制题目"),
        "question.delete": _l("删除题目"),
        "option.retire": _l("停用选项"),
        "survey.open": _l("开始收集"),
        "survey.schedule": _l("定时开始收集"),
        "survey.close": _l("结束收集"),
        "survey.publish": _l("发布结果"),
        "survey.unpublish": _l("撤回结果"),
        "survey.archive": _l("归档问卷"),
        "survey.delete": _l("删除草稿"),
        "responses.delete": _l("删除全部答卷"),
        "results.export": _l("导出结果"),
        "responses.export": _l("导出答卷"),
        "response.invalidate": _l("作废答卷"),
        "response.restore": _l("恢复答卷"),
        "invitations.import": _l("导入邀请名单"),
        "invitations.export": _l("导出邀请链接"),
        "invitations.require": _l("设置仅限受邀企业填写"),
        "survey.cap": _l("设置回收上限"),
        "survey.time_rules": _l("设置答题时长与时段"),
        "survey.consent": _l("设置个人信息使用说明"),
        "survey.duplicates": _l("设置防重复与防刷"),
        "survey.retention": _l("设置个人信息保存期限"),
        "survey.purge_personal": _l("按保存期限删除个人信息"),
        "response.reveal": _l("查看答卷中的个人信息"),
        "responses.invalidate_flagged": _l("批量作废被标记的答卷"),
        "data_key.rotate": _l("轮换数据密钥"),
        "quota.add": _l("添加名额"),
        "quota.remove": _l("删除名额"),
    }
)
audit.register_subjects("survey_id", queries.titles)
auditing.register()

reviewables.register()
events.register()
