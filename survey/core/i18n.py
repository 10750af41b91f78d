"""Translatable messages for code below the web layer: mark them with ``_`` (now) or ``_l``
(when shown). They are translated into the language of the current request, and outside one (the
shell, a worker) they stay in the source language, Simplified Chinese.

The one place the kernel and the feature packages reach Flask-Babel, so that they can run
without an application."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

__all__ = ["_", "_l", "ngettext"]
