"""The JSON API under /api/v1 (empty for now): resources generated with their OpenAPI document,
calling the same services, permissions and audit as the workspace; token authentication;
webhooks and their outbox."""
