"""Webhooks: endpoints staff register on a survey or a consultation, an outbox written in the
transaction of each event (``outbox``), and a worker that delivers it signed by the Standard
Webhooks spec, retrying for a day (``delivery``). Features register their kinds of item and
the events they raise (``events``); this package knows none of them."""

from survey.core import audit
from survey.core.i18n import _l

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
