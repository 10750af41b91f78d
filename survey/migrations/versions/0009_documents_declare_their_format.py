"""published documents declare their schema (result-feedback/v1) and each question its chart

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:00:00
"""

import json

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# The figure each question type drew when this migration was written (a frozen copy: the
# types' own ``chart`` may change later without changing what was published).
CHARTS = {
    'single': 'pie', 'dropdown': 'pie', 'multiple': 'bars', 'scale': 'columns',
    'nps': 'columns', 'matrix': 'stacked', 'matrix_scale': 'stacked',
    'matrix_multiple': 'stacked', 'ranking': 'scores',
}
publications = sa.table(
    'result_publication', sa.column('id', sa.Integer), sa.column('content', sa.JSON)
)


def upgrade() -> None:
    connection = op.get_bind()
    for row_id, content in connection.execute(sa.select(publications.c.id, publications.c.content)):
        if isinstance(content, str):
            content = json.loads(content)
        content['format'] = 'result-feedback/v1'
        for item in content['questions']:
            item.setdefault('chart', CHARTS.get(item['type'], 'bars'))
        connection.execute(
            publications.update().where(publications.c.id == row_id).values(content=content)
        )


def downgrade() -> None:
    connection = op.get_bind()
    for row_id, content in connection.execute(sa.select(publications.c.id, publications.c.content)):
        if isinstance(content, str):
            content = json.loads(content)
        content.pop('format', None)
        for item in content['questions']:
            item.pop('chart', None)
        connection.execute(
            publications.update().where(publications.c.id == row_id).values(content=content)
        )
