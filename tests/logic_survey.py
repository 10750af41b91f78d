"""A two-page questionnaire with display logic, a skip and shuffled options, for several tests."""

from __future__ import annotations

PAGED_SURVEY = [
    {"id": "nature", "type": "single", "title": "企业性质", "required": True,
     "options": ["国企", "民企", "外企"]},
    {"id": "size", "type": "single", "title": "民企规模", "required": True,
     "options": ["小型", "中型", "大型"],
     "show_if": {"any": [{"question": "nature", "chosen": "民企"}]}},
    {"id": "exports", "type": "single", "title": "是否有出口业务", "required": True,
     "options": ["有", "没有"], "skip": [{"option": "没有", "to": "contact"}]},
    {"id": "p2", "type": "page", "title": "出口情况"},
    {"id": "markets", "type": "multiple", "title": "主要出口市场", "required": True,
     "shuffle": True,
     "options": ["日韩", "欧盟", "东盟", "北美", {"label": "其他", "fill_in": True}]},
    {"id": "share", "type": "text", "title": "出口占营业收入的比例"},
    {"id": "contact", "type": "text", "title": "联系人", "required": True},
]  # fmt: skip
