"""The JSON API: ``v1`` under /api/v1, its OpenAPI document generated from the code by
flask-smorest, calling the same services, permissions and review chain as the workspace."""
