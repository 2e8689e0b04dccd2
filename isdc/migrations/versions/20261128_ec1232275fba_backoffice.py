"""back office: no double booking in the database itself; indexes for search and calendars

Active bookings of one instructor, facility or trainee must never overlap (SPEC §3, §9), even
when two requests race. The application checks first (to name what clashes); the database
refuses what slips through:

* PostgreSQL: one exclusion constraint per resource kind (btree_gist) over
  ``tstzrange(starts_at, ends_at, '[)')`` for active bookings - half-open, like the model.
* SQLite: triggers that abort an insert or update making two active bookings of one resource
  overlap; booking transactions also start with ``BEGIN IMMEDIATE`` (isdc.scheduling.guard),
  so checks and writes are serialised.

Careful: SQLite batch migrations rebuild a table by copy-and-rename, which drops its
triggers. A later migration that batch-alters ``bookings`` must create these triggers again
(``create_sqlite_overlap_triggers`` below shows the SQL).

Revision ID: ec1232275fba
Revises: 3e12a684e4ab
Create Date: 2026-11-28 09:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "ec1232275fba"
down_revision = "3e12a684e4ab"
branch_labels = None
depends_on = None

RESOURCES = ("instructor", "facility", "trainee")


def upgrade():
    with op.batch_alter_table("trainees", schema=None) as batch_op:
        # The trainee list: filtered by site and status, sorted by name, paged.
        batch_op.create_index(
            "ix_trainees_site_id_status_full_name", ["site_id", "status", "full_name"], unique=False
        )
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        # A trainee's enrolments (profile, own schedule, overlap checks) and the waitlist.
        batch_op.create_index(
            "ix_enrolments_trainee_id_status", ["trainee_id", "status"], unique=False
        )
    with op.batch_alter_table("session_slots", schema=None) as batch_op:
        # Calendars read the slots of a time window.
        batch_op.create_index(
            "ix_session_slots_starts_at_ends_at", ["starts_at", "ends_at"], unique=False
        )

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        for kind in RESOURCES:
            op.execute(
                f"ALTER TABLE bookings ADD CONSTRAINT ex_bookings_{kind}_overlap "
                f"EXCLUDE USING gist ({kind}_id WITH =, "
                "tstzrange(starts_at, ends_at, '[)') WITH &&) "
                f"WHERE (status = 'active' AND resource_kind = '{kind}')"
            )
    elif bind.dialect.name == "sqlite":
        create_sqlite_overlap_triggers()


def create_sqlite_overlap_triggers():
    overlap = (
        "SELECT RAISE(ABORT, 'booking_overlap: the resource is already booked at that time') "
        "WHERE EXISTS (SELECT 1 FROM bookings AS b WHERE b.status = 'active' "
        "AND b.resource_kind = NEW.resource_kind "
        "AND (b.instructor_id = NEW.instructor_id OR b.facility_id = NEW.facility_id "
        "OR b.trainee_id = NEW.trainee_id) "
        "AND b.starts_at < NEW.ends_at AND NEW.starts_at < b.ends_at{extra});"
    )
    op.execute(
        "CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings "
        "WHEN NEW.status = 'active' BEGIN " + overlap.format(extra="") + " END"
    )
    op.execute(
        "CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF status, starts_at, ends_at, "
        "resource_kind, instructor_id, facility_id, trainee_id ON bookings "
        "WHEN NEW.status = 'active' BEGIN " + overlap.format(extra=" AND b.id <> NEW.id") + " END"
    )


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for kind in RESOURCES:
            op.execute(f"ALTER TABLE bookings DROP CONSTRAINT IF EXISTS ex_bookings_{kind}_overlap")
    elif bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS bookings_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS bookings_no_overlap_update")

    with op.batch_alter_table("session_slots", schema=None) as batch_op:
        batch_op.drop_index("ix_session_slots_starts_at_ends_at")
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_index("ix_enrolments_trainee_id_status")
    with op.batch_alter_table("trainees", schema=None) as batch_op:
        batch_op.drop_index("ix_trainees_site_id_status_full_name")
