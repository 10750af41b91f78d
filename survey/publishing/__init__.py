"""Publishing: what the public is shown, frozen. A feature (调查征集 now, 意见征集 next) builds a
document in one of the declared schemas (``documents``), with small counts hidden
(``disclosure``) and personal data masked; it is stored as a numbered version (``versions``) and
rendered by the same code for the page, print, PDF and files (``renderers``). The review chain
that signs a version off before it goes public belongs here too, between building and storing."""
