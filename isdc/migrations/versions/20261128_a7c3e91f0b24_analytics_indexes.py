"""analytics indexes: runs by site and start, superseded score reports

Revision ID: a7c3e91f0b24
Revises: 39d059766feb
Create Date: 2026-11-28 03:45:00

The Anev pages count the runs of a period (``runs.site_id = ? AND started_at`` in a range)
without a scenario, and leave out the findings of superseded score reports
(``report_id NOT IN (SELECT id FROM score_reports WHERE NOT is_current)``). Without these
indexes SQLite scans every run finding and every score report (their JSON makes that table
the largest) for each panel; see docs/analytics.md, "Benchmark".
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a7c3e91f0b24'
down_revision = '39d059766feb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.create_index('ix_runs_site_id_started_at', ['site_id', 'started_at'], unique=False)
    with op.batch_alter_table('score_reports', schema=None) as batch_op:
        batch_op.create_index('ix_score_reports_is_current_id', ['is_current', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('score_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_score_reports_is_current_id')
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_index('ix_runs_site_id_started_at')
