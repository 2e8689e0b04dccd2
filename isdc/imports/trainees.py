"""Importing a list of trainees: a preview marking every bad row with its reasons, then an
all-or-nothing import of a good file in one transaction."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from isdc.imports.columns import (
    TRAINEE_COLUMNS,
    clean_cell,
    match_header,
    parse_date,
    parse_email,
    parse_nik,
    parse_phone,
    parse_sex,
    parse_sim_class,
    too_long,
)
from isdc.imports.csvfile import CsvRow, CsvTable
from isdc.models import Organisation, RecordStatus, Sex, SimClass, Site, Trainee
from isdc.models.audit import AuditAction, audit, suspended
from isdc.models.identity import normalise_sim_number
from isdc.models.rules import N_, InvalidRecord, RuleViolation

REQUIRED = frozenset(c.key for c in TRAINEE_COLUMNS if c.required)


@dataclass
class TraineeData:
    """One row's values, read and checked."""

    nik: str
    full_name: str
    birth_date: date | None
    sex: Sex | None
    phone: str | None = None
    email: str | None = None
    city: str | None = None
    organisation: Organisation | None = None
    sim_class: SimClass | None = None
    sim_number: str | None = None
    sim_valid_until: date | None = None

    def to_trainee(self, site: Site) -> Trainee:
        return Trainee(
            site_id=site.id,
            nik=self.nik,
            full_name=self.full_name,
            birth_date=self.birth_date,
            sex=self.sex,
            phone=self.phone,
            email=self.email,
            city=self.city,
            organisation_id=self.organisation.id if self.organisation else None,
            sim_class=self.sim_class,
            sim_number=self.sim_number,
            sim_valid_until=self.sim_valid_until,
        )


@dataclass
class RowResult:
    line: int
    cells: dict[str, str]  # column key -> text as in the file (for the preview table)
    data: TraineeData | None
    problems: list[RuleViolation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def nik(self) -> str:
        """The row's NIK as written, normalised (also for rows with other problems)."""
        return parse_nik(self.cells.get("nik", ""))[0]


@dataclass
class ImportPreview:
    file_problems: list[RuleViolation]
    ignored_columns: list[str]
    rows: list[RowResult]

    @property
    def ok(self) -> bool:
        return not self.file_problems and bool(self.rows) and all(r.ok for r in self.rows)

    @property
    def bad_rows(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]


def organisations_by_name(db: Session, site: Site) -> dict[str, Organisation]:
    return {
        o.name.strip().lower(): o
        for o in db.scalars(
            select(Organisation).where(
                Organisation.site_id == site.id, Organisation.status == RecordStatus.ACTIVE
            )
        )
    }


def cells_of(row: CsvRow, positions: dict[str, int]) -> dict[str, str]:
    return {
        key: clean_cell(row.values[i]) if i < len(row.values) else ""
        for key, i in positions.items()
    }


def read_trainee(
    cells: dict[str, str],
    today: date,
    organisations: dict[str, Organisation],
    required: frozenset[str] = REQUIRED,
) -> tuple[TraineeData | None, list[RuleViolation]]:
    """Read one row's cells into trainee data, with every problem found."""
    problems: list[RuleViolation] = []
    for key in sorted(required):
        if not cells.get(key):
            label = next(c.id for c in TRAINEE_COLUMNS if c.key == key)
            problems.append(RuleViolation(key, N_("%(column)s is empty."), {"column": label}))

    def take(key: str, parser):  # type: ignore[no-untyped-def]
        value = cells.get(key, "")
        if not value:
            return None
        parsed, found = parser(value)
        problems.extend(found)
        return parsed

    nik = ""
    if cells.get("nik"):
        nik, found = parse_nik(cells["nik"])
        problems.extend(found)
    full_name = " ".join(cells.get("full_name", "").split())
    problems += too_long("full_name", full_name, 200)
    birth_date = take("birth_date", lambda v: parse_date(v, "birth_date"))
    sex = take("sex", parse_sex)
    data = TraineeData(
        nik=nik,
        full_name=full_name,
        birth_date=birth_date,
        sex=sex,
        phone=take("phone", parse_phone),
        email=take("email", parse_email),
        city=cells.get("city") or None,
        sim_class=take("sim_class", parse_sim_class),
        sim_number=normalise_sim_number(cells.get("sim_number")) or None,
        sim_valid_until=take("sim_valid_until", lambda v: parse_date(v, "sim_valid_until")),
    )
    if data.city:
        problems += too_long("city", data.city, 100)
    if name := cells.get("organisation"):
        data.organisation = organisations.get(name.strip().lower())
        if data.organisation is None:
            problems.append(
                RuleViolation(
                    "organisation",
                    N_('Unknown organisation "%(name)s"; add it first or leave the cell empty.'),
                    {"name": name},
                )
            )
    if problems:
        return None, problems
    if birth_date is not None and sex is not None:
        # The same rules as a trainee saved through the form (NIK, age, SIM class and age).
        problems += Trainee(
            nik=nik,
            full_name=full_name,
            birth_date=birth_date,
            sex=sex,
            sim_class=data.sim_class,
            sim_number=data.sim_number,
        ).problems(today)
    return (None, problems) if problems else (data, [])


def mark_duplicates(rows: list[RowResult]) -> None:
    """The same NIK on several lines: every one of them is marked."""
    lines: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.nik:
            lines[row.nik].append(row.line)
    for row in rows:
        if row.nik and len(lines[row.nik]) > 1:
            others = ", ".join(str(n) for n in lines[row.nik] if n != row.line)
            row.problems.append(
                RuleViolation(
                    "nik", N_("The same NIK is also on line %(lines)s."), {"lines": others}
                )
            )


def preview_trainee_import(db: Session, site: Site, table: CsvTable, today: date) -> ImportPreview:
    """Read and check every row; nothing is written."""
    header = match_header(table.header, REQUIRED)
    if header.problems:
        return ImportPreview(header.problems, header.ignored, [])
    organisations = organisations_by_name(db, site)
    rows: list[RowResult] = []
    for row in table.rows:
        cells = cells_of(row, header.positions)
        if len(row.values) != len(table.header):
            result = RowResult(row.line, cells, None, [field_count_problem(row, table)])
        else:
            data, problems = read_trainee(cells, today, organisations)
            result = RowResult(row.line, cells, data, problems)
        rows.append(result)
    mark_duplicates(rows)
    registered = registered_niks(db, [r.nik for r in rows if r.nik])
    for row in rows:
        if row.nik in registered:
            row.problems.append(
                RuleViolation(
                    "nik",
                    N_("This NIK is already registered (%(name)s)."),
                    {"name": registered[row.nik].full_name},
                )
            )
    return ImportPreview([], header.ignored, rows)


def field_count_problem(row: CsvRow, table: CsvTable) -> RuleViolation:
    return RuleViolation(
        "file",
        N_("This line has %(count)d cells; the header has %(expected)d."),
        {"count": len(row.values), "expected": len(table.header)},
    )


def import_trainees(
    db: Session, site: Site, preview: ImportPreview, *, file_name: str | None = None
) -> list[Trainee]:
    """Create every trainee of a clean preview (the caller commits: all or nothing). One audit
    entry names the file and the trainees created."""
    if not preview.ok:
        raise InvalidRecord(
            preview.file_problems or [p for r in preview.bad_rows for p in r.problems]
        )
    with suspended():
        trainees = [row.data.to_trainee(site) for row in preview.rows if row.data]
        db.add_all(trainees)
        db.flush()
    audit(
        db,
        AuditAction.IMPORT,
        entity_type="Trainee",
        file=file_name,
        count=len(trainees),
        trainee_ids=[t.id for t in trainees],
    )
    return trainees


def registered_niks(db: Session, niks: list[str]) -> dict[str, Trainee]:
    """The trainees already holding these NIKs (in batches: databases limit parameters)."""
    found: dict[str, Trainee] = {}
    unique = sorted(set(niks))
    for start in range(0, len(unique), 500):
        batch = unique[start : start + 500]
        found.update((t.nik, t) for t in db.scalars(select(Trainee).where(Trainee.nik.in_(batch))))
    return found
