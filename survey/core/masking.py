"""Personal data in published text, masked as government pages print it: names behind a label
(联系人：张*祥), mobile numbers (138****1234), ID numbers (35*************123)."""

from __future__ import annotations

import re
from collections.abc import Sequence

PHONE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{2})(\d{13})(\d{2}[\dXx])(?![0-9A-Za-z])")
# A name behind a label and a colon (联系人：张三祥); free text gives no other sure sign of one.
# (Without the colon the name's end is a guess: 联系人制度 is no name.)
LABELLED_NAME = re.compile(
    r"((?:姓名|联系人|反馈人|负责人|经办人|申请人|举报人|投诉人)\s*[:：]\s*)([\u4e00-\u9fff]{2,4})"
)


def mask_name(name: str) -> str:
    """张三祥 -> 张*祥, 朱明 -> 朱*: the surname and, for longer names, the last character."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_personal(text: str, names: Sequence[str] = ()) -> str:
    """``text`` with mobile numbers, ID numbers, labelled names and the given ``names``
    masked."""
    text = ID_NUMBER.sub(lambda m: m[1] + "*" * 13 + m[3], text)
    text = PHONE.sub(lambda m: f"{m[1]}****{m[3]}", text)
    text = LABELLED_NAME.sub(lambda m: m[1] + mask_name(m[2]), text)
    for name in sorted(set(names), key=len, reverse=True):
        if len(name) >= 2:
            text = text.replace(name, mask_name(name))
    return text


def mask_text(text: str) -> str:
    """A personal value with all but its ends hidden (济南市历下区… -> 济******区), for one a
    mask of its own kind does not fit."""
    if len(text) <= 2:
        return "*" * len(text)
    shown = 1 if len(text) < 8 else 2
    return text[:shown] + "*" * min(len(text) - 2 * shown, 8) + text[-shown:]


def mask_mobile(digits: str) -> str:
    return (
        PHONE.sub(lambda m: f"{m[1]}****{m[3]}", digits)
        if PHONE.fullmatch(digits)
        else mask_text(digits)
    )


def mask_email(address: str) -> str:
    """name@example.com -> n***@example.com"""
    local, at, domain = address.partition("@")
    return (local[:1] + "***" + at + domain) if at else mask_text(address)


def mask_id_number(number: str) -> str:
    """370102199001011234 -> 37**************34"""
    return (
        number[:2] + "*" * (len(number) - 4) + number[-2:] if len(number) > 4 else "*" * len(number)
    )
