"""Renderers of a published document: every format reads the same ``ResultFeedback``, so the
page, the print, the PDF and the files always agree."""
