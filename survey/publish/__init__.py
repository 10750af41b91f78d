"""Renderers of a survey's result tables. Every format reads the same ``SurveyResults``."""
