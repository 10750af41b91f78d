"""How the audit log names the fields of 调查征集's actions and reads their values (see
``survey.core.audit``): a question's fields, a survey's settings and collection rules, and the
facts its exports, imports and steps record."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from survey.core import audit
from survey.core.audit import Field, counted, file_format, fingerprint, moment, named, plain
from survey.core.i18n import _, _l
from survey.surveys.questions import REGISTRY
from survey.surveys.screening import FLAG_NAMES

POLICIES = {
    "open": _l("不限制"),
    "device": _l("每台设备一次"),
    "address": _l("每个网络地址每天一次"),
    "invitation": _l("仅限邀请链接"),
}
CHALLENGES = {"": _l("不验证"), "busy": _l("提交较多时验证"), "always": _l("每次提交都验证")}


def _type_name(value: Any, zone: ZoneInfo) -> str:
    kind = REGISTRY.get(value) if isinstance(value, str) else None
    return str(kind.display_name) if kind else plain(value, zone)


def _option_labels(value: Any, zone: ZoneInfo) -> str:
    """Options as labels, whether kept as labels or as {"label": ...} (fill-in ones marked)."""
    if not isinstance(value, list):
        return plain(value, zone)
    labels = []
    for option in value:
        if isinstance(option, dict):
            label = str(option.get("label", ""))
            labels.append(_("%(label)s（可填空）", label=label) if option.get("fill_in") else label)
        else:
            labels.append(str(option))
    return "、".join(labels) or _("（空）")


def _setting_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for kind in REGISTRY.values():
        for setting in kind.settings:
            labels.setdefault(setting.key, str(setting.label))
    return labels


def _settings(value: Any, zone: ZoneInfo) -> str:
    if not isinstance(value, dict):
        return plain(value, zone)
    if not value:
        return _("（空）")
    labels = _setting_labels()
    return "；".join(
        _("%(field)s：%(value)s", field=labels.get(key, key), value=plain(item, zone))
        for key, item in value.items()
    )


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _daily(value: Any, zone: ZoneInfo) -> str:
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return f"{_clock(value[0])}–{_clock(value[1])}"
    return _("全天") if value in (None, "", []) else plain(value, zone)


def register() -> None:
    audit.register_fields(
        {
            "format": Field(_l("格式"), file_format),
            "version": Field(_l("版本"), counted(_l("第 %(n)s 版"))),
            "hash": Field(_l("内容指纹"), fingerprint),
            "reason": _l("原因"),
            "count": _l("答卷数"),
            "response": _l("答卷编号"),
            "source": _l("复制自"),
            "cap": Field(_l("回收上限"), counted(_l("%(n)s 份"), _l("不设上限"))),
            "opens_at": Field(_l("开始时间"), moment),
            "closes_at": Field(_l("截止时间"), moment),
        },
        scope=["survey", "results", "responses", "response", "invitations", "quota"],
    )
    # A question's fields, as the designer changes them.
    question = {
        "question": _l("题目"),
        "title": _l("标题"),
        "help": _l("说明"),
        "required": Field(_l("必答")),
        "type": Field(_l("题型"), _type_name),
        "personal": Field(_l("个人信息")),
        "options": Field(_l("选项"), _option_labels, listed=True),
        "settings": Field(_l("设置"), _settings),
        "retired": Field(_l("停用的选项"), listed=True),
        "option": _l("选项"),
        "to": Field(_l("移到"), counted(_l("第 %(n)s 题"))),
        "number": Field(_l("题号"), counted(_l("第 %(n)s 题"))),
        "position": Field(_l("位置"), counted(_l("第 %(n)s 题"))),
        "order": Field(_l("题目顺序"), listed=True),
        "copy": _l("副本"),
    }
    audit.register_fields(question, scope=["question", "option"])
    audit.register_fields(
        {
            "title": _l("标题"),
            "issuer": _l("发布单位"),
            "description": _l("说明"),
            "thank_you": _l("结束语"),
            "time_limit": Field(_l("答题时长限制"), counted(_l("%(n)s 分钟"), _l("不限时长"))),
            "daily": Field(_l("答题时段"), _daily, listed=True),
            "policy": Field(_l("防重复"), named(POLICIES)),
            "suspect_seconds": Field(
                _l("用时过短"), counted(_l("少于 %(n)s 秒"), _l("默认（每题 2 秒）"))
            ),
            "challenge": Field(_l("防刷验证"), named(CHALLENGES)),
            "challenge_after": Field(_l("验证起点"), counted(_l("一小时超过 %(n)s 份"))),
            "consent_text": _l("个人信息使用说明"),
            "consent_required": Field(_l("须勾选同意")),
            "required": Field(_l("须勾选同意")),
            "retention_days": Field(
                _l("个人信息保存期限"), counted(_l("%(n)s 天"), _l("不自动删除"))
            ),
            "days": Field(_l("个人信息保存期限"), counted(_l("%(n)s 天"), _l("不自动删除"))),
            "answers": _l("删除的个人信息条数"),
            "undone": Field(_l("撤销的修改"), named(audit.ACTIONS)),
            "number": Field(_l("题号"), counted(_l("第 %(n)s 题"))),
            "question": _l("题目"),
        },
        scope="survey",
    )
    audit.register_fields(
        {
            "coding": Field(
                _l("选项写法"), named({"text": _l("选项文字"), "number": _l("选项序号")})
            ),
            "personal": Field(_l("含个人信息")),
        },
        scope="responses.export",
    )
    audit.register_fields(
        {
            "requires_invitation": Field(_l("仅限受邀企业填写")),
            "required": Field(_l("仅限受邀企业填写")),
            "added": _l("新邀请企业"),
            "skipped": _l("跳过（已在名单中）"),
            "status": Field(_l("范围"), named({"": _l("全部企业"), "pending": _l("未填写企业")})),
        },
        scope="invitations",
    )
    audit.register_fields(
        {
            "label": _l("名额名称"),
            "limit": Field(_l("名额数"), counted(_l("%(n)s 份"))),
            "options": Field(_l("计入名额的选项"), listed=True),
            "taken": _l("已计入"),
        },
        scope="quota",
    )
    audit.register_fields(
        {"flag": Field(_l("标记"), named({**FLAG_NAMES, "any": _l("任一标记")})),
         "responses": _l("答卷数")},
        scope="responses.invalidate_flagged",
    )  # fmt: skip
    audit.register_fields(
        {"answers": _l("个人信息条数"), "webhook_secrets": _l("推送签名密钥数")},
        scope="data_key.rotate",
    )
