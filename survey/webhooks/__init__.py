"""Webhooks: endpoints staff register on a survey or a consultation, an outbox written in the
transaction of each event (``outbox``), and a worker that delivers it signed by the Standard
Webhooks spec, retrying for a day (``delivery``). Features register their kinds of item and
the events they raise (``events``); this package knows none of them."""

from typing import Any
from zoneinfo import ZoneInfo

from survey.core import audit
from survey.core.audit import Field, named, plain
from survey.core.i18n import _l
from survey.webhooks.events import LABELS

audit.register_actions(
    {
        "webhook.create": _l("添加推送地址"),
        "webhook.edit": _l("修改推送地址"),
        "webhook.rotate": _l("更换推送签名密钥"),
        "webhook.reveal": _l("查看推送签名密钥"),
        "webhook.pause": _l("暂停推送"),
        "webhook.resume": _l("恢复推送"),
        "webhook.delete": _l("删除推送地址"),
        "webhook.test": _l("发送测试推送"),
    }
)
FIELDS = {
    "url": Field(_l("推送地址")),
    "events": Field(_l("推送的事件"), named(LABELS), listed=True),
    "description": Field(_l("说明")),
}


def _before(value: Any, zone: ZoneInfo) -> str:
    """Rows written before ``changes`` kept the old address and events beside the new."""
    if not isinstance(value, dict):
        return plain(value, zone)
    known = [(FIELDS[key], item) for key, item in value.items() if key in FIELDS]
    return "；".join(f"{field.label}：{field.text(item, zone)}" for field, item in known)


audit.register_fields({**FIELDS, "before": Field(_l("修改前"), _before)}, scope="webhook")
