"""The staff's survey pages under /admin, one module per area; their URLs are all in
``survey.surveys.views.blueprints``."""
