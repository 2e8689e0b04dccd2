"""Simulator bays connected: stations, assignments, runs and their score reports."""

from __future__ import annotations

import enum
import hashlib
import secrets
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Double,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    Uuid,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from isdc.models.base import (
    Base,
    BigIntId,
    IdMixin,
    RecordStatus,
    TimestampMixin,
    enum_type,
    utcnow,
)

if TYPE_CHECKING:
    from isdc.models.facilities import Facility
    from isdc.models.people import Trainee
    from isdc.models.site import Site


def hash_station_token(token: str) -> str:
    """SHA-256 of a station token. A fast hash is right here: tokens are 256 random bits, so
    there is nothing to guess, and stations authenticate on every request."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_station_token() -> str:
    """256 random bits, URL-safe. Never starting with "-": an operator pastes the token after
    ``isdc-sim station --token``, where a leading dash would be read as an option."""
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return token


class Station(IdMixin, TimestampMixin, Base):
    """A simulator machine in a bay; authenticates with a bearer token stored only hashed."""

    __tablename__ = "stations"
    __table_args__ = (UniqueConstraint("site_id", "name"),)
    __audit_ignore__ = frozenset({"created_at", "updated_at", "last_seen_at", "last_seen_ip"})
    __audit_redact__ = frozenset({"token_hash"})

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    site: Mapped[Site] = relationship()
    name: Mapped[str] = mapped_column(String(64))
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_issued_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_seen_at: Mapped[datetime | None]
    last_seen_ip: Mapped[str | None] = mapped_column(String(45))
    status: Mapped[RecordStatus] = mapped_column(
        enum_type(RecordStatus), default=RecordStatus.ACTIVE
    )

    facility: Mapped[Facility | None] = relationship()

    def issue_token(self) -> str:
        """A new token (returned once, never stored in clear); the old one stops working."""
        token = new_station_token()
        self.token_hash = hash_station_token(token)
        self.token_issued_at = utcnow()
        self.revoked_at = None
        return token

    def revoke_token(self) -> None:
        self.token_hash = None
        self.revoked_at = utcnow()

    @classmethod
    def for_token(cls, session: Session, token: str) -> Station | None:
        """The active station holding ``token``, or None (unknown, revoked or retired)."""
        if not token:
            return None
        return session.scalar(
            select(cls).where(
                cls.token_hash == hash_station_token(token), cls.status == RecordStatus.ACTIVE
            )
        )


class AssignmentStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for a station
    SENT = "sent"  # handed to a station
    RUNNING = "running"
    DONE = "done"
    CANCELLED = "cancelled"


class Assignment(IdMixin, TimestampMixin, Base):
    """A scenario (with vehicle and seed) a trainee is to drive, optionally at a given bay."""

    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_station_id_status", "station_id", "status"),
        Index("ix_assignments_trainee_id_status", "trainee_id", "status"),
    )

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    site: Mapped[Site] = relationship()
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"))
    enrolment_id: Mapped[int | None] = mapped_column(ForeignKey("enrolments.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("course_sessions.id"), index=True)
    scenario_id: Mapped[str] = mapped_column(String(64))
    vehicle: Mapped[str] = mapped_column(String(16))
    seed: Mapped[int] = mapped_column(BigInteger)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    status: Mapped[AssignmentStatus] = mapped_column(
        enum_type(AssignmentStatus), default=AssignmentStatus.PENDING
    )
    sent_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    trainee: Mapped[Trainee] = relationship()
    station: Mapped[Station | None] = relationship()


class Run(Base):
    """One simulator run, identified by the UUID the station made (uploads are idempotent).

    ``score``/``passed``/``rubric_version``/``scorer_version`` repeat the current score report
    so that lists and filters need no join; rescoring updates them with the new report.
    """

    __tablename__ = "runs"
    __table_args__ = (
        Index(
            "ix_runs_trainee_id_scenario_id_started_at", "trainee_id", "scenario_id", "started_at"
        ),
        Index("ix_runs_scenario_id_started_at", "scenario_id", "started_at"),
        Index("ix_runs_station_id_started_at", "station_id", "started_at"),
        # Analytics: every run of a period, whatever its scenario.
        Index("ix_runs_site_id_started_at", "site_id", "started_at"),
        CheckConstraint("telemetry_size >= 0", name="size_non_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    trainee_id: Mapped[int | None] = mapped_column(ForeignKey("trainees.id"))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"), index=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    scenario_id: Mapped[str] = mapped_column(String(64))
    scenario_version: Mapped[str] = mapped_column(String(32))
    vehicle: Mapped[str] = mapped_column(String(16))
    driver: Mapped[str] = mapped_column(String(32))
    seed: Mapped[int] = mapped_column(BigInteger)
    started_at: Mapped[datetime]
    duration_s: Mapped[float] = mapped_column(Double)
    ticks: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(16))  # completed, timeout, collision, aborted
    simulator_version: Mapped[str] = mapped_column(String(32))
    # Stored under the instance folder; the hash proves the file is the one received.
    telemetry_path: Mapped[str] = mapped_column(String(500))
    telemetry_sha256: Mapped[str] = mapped_column(String(64))
    telemetry_size: Mapped[int]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    score: Mapped[float | None] = mapped_column(Double)
    passed: Mapped[bool | None]
    rubric_version: Mapped[str | None] = mapped_column(String(32))
    scorer_version: Mapped[str | None] = mapped_column(String(32))

    trainee: Mapped[Trainee | None] = relationship()
    station: Mapped[Station | None] = relationship()
    assignment: Mapped[Assignment | None] = relationship()
    reports: Mapped[list[ScoreReport]] = relationship(
        back_populates="run", order_by="ScoreReport.created_at"
    )


class ScoreReport(Base):
    """A score report of a run. Rescoring adds a report and moves ``is_current`` to it, so
    earlier reports and their rubric versions stay comparable."""

    __tablename__ = "score_reports"
    __audited__ = False  # derived from the run; the run itself is audited
    __table_args__ = (
        # At most one current report per run, guarded by the database.
        Index(
            "uq_score_reports_current_run_id",
            "run_id",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
        Index("ix_score_reports_run_id_created_at", "run_id", "created_at"),
        # Analytics leave out the findings of superseded reports: their ids without a scan
        # of the (large) report rows.
        Index("ix_score_reports_is_current_id", "is_current", "id"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    rubric_version: Mapped[str] = mapped_column(String(32))
    scorer_version: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Double)
    passed: Mapped[bool]
    is_current: Mapped[bool] = mapped_column(default=True)
    report: Mapped[dict[str, Any]]  # the SPEC §7 JSON report, as scored
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    run: Mapped[Run] = relationship(back_populates="reports")
    findings: Mapped[list[RunFinding]] = relationship(
        back_populates="report", order_by="RunFinding.t", cascade="all, delete-orphan"
    )
    measures: Mapped[list[RunMeasure]] = relationship(
        back_populates="report", cascade="all, delete-orphan"
    )


class RunFinding(Base):
    """One finding of a score report, a row each so analytics can GROUP BY kind, rule, place
    and draw heat maps over a scenario's road."""

    __tablename__ = "run_findings"
    __audited__ = False
    __table_args__ = (
        Index("ix_run_findings_kind_run_id", "kind", "run_id"),
        Index("ix_run_findings_report_id", "report_id"),
        Index("ix_run_findings_run_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("score_reports.id", ondelete="CASCADE"))
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # e.g. speeding, red_light, harsh_brake
    severity: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str | None] = mapped_column(String(64))
    t: Mapped[float] = mapped_column(Double)  # seconds into the run
    x: Mapped[float | None] = mapped_column(Double)
    y: Mapped[float | None] = mapped_column(Double)

    report: Mapped[ScoreReport] = relationship(back_populates="findings")


class RunMeasure(Base):
    """One named measure of a score report (speeding share, min headway, SDLP, ...).

    A row per measure rather than a column each, so the scoring engine can add a measure
    without a migration; analytics filters by ``name`` and aggregates ``value`` in SQL.
    """

    __tablename__ = "run_measures"
    __audited__ = False
    __table_args__ = (
        UniqueConstraint("report_id", "name"),
        Index("ix_run_measures_name_run_id", "name", "run_id"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("score_reports.id", ondelete="CASCADE"))
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[float | None] = mapped_column(Double)
    unit: Mapped[str | None] = mapped_column(String(16))

    report: Mapped[ScoreReport] = relationship(back_populates="measures")
