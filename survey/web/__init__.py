"""Blueprints by audience: public (list, results, assets) and respond (answering a survey)."""
