"""意见征集 (the next feature package; empty for now): drafts put out for public comment, split
into 章/条/款, opinions on an article or the whole draft, their moderation and handling
(采纳 / 部分采纳 / 不予采纳 with reasons), and the 意见采纳情况 published in reply.

It will be laid out as ``survey.surveys`` is: ``models.py`` (a draft mixes in
``core.window.CollectionWindow``), services beside it, ``views/`` with its blueprints, and a
document schema in ``survey.publishing.documents`` built here and rendered there."""
