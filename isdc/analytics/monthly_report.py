"""The monthly Anev report: a few A4 pages in Bahasa Indonesia for the centre's leadership.

Cover with the period, the site and the headline figures; then throughput, the simulator,
the risk profile by organisation, certificates and the simulator bays, each a chart with the
table of its numbers. Drawn with reportlab's platypus and graphics (vector charts, no images):
Okabe-Ito colours with value labels on every bar, so the charts read for colour-blind readers
and in greyscale print. A month without data gives a short report that says so.

:func:`render_monthly_report` returns the PDF bytes; :func:`save_report` writes them to a
temporary name and renames it, so a reader never finds half a report.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from sqlalchemy.orm import Session

from isdc import telemetry
from isdc.analytics.charts import PALETTE
from isdc.analytics.monthly_figures import MonthlyFigures, monthly_figures
from isdc.certificates.dates import MONTHS_ID, format_date
from isdc.models import Site
from isdc.runs import catalogue
from isdc.scoring.legal import LEGAL_BASIS
from isdc.version import __version__

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#bbbbbb")
HEAD = colors.HexColor("#e8e8e8")
BAR = colors.HexColor(PALETTE[0])
REFERENCE = colors.HexColor(PALETTE[3])
TOP_BAYS = 10


def render_monthly_report(
    db: Session,
    site: Site,
    month: date,
    *,
    instructor_id: int | None = None,
    instructor_name: str | None = None,
    now: datetime | None = None,
) -> bytes:
    """The report of ``month`` (its first day) at ``site`` as PDF bytes."""
    figures = monthly_figures(db, site, month, instructor_id=instructor_id, now=now)
    return build_pdf(figures, instructor_name)


def save_report(data: bytes, path: str | Path) -> Path:
    """Write the PDF under a temporary name beside ``path``, then rename it into place."""
    return telemetry.write_bytes_atomic(path, data)


def report_filename(site: Any, month: date) -> str:
    """The report's file name: anev-srp-2026-10.pdf."""
    return f"anev-{site.code.lower()}-{month:%Y-%m}.pdf"


def month_title(month: date) -> str:
    return f"{MONTHS_ID[month.month - 1]} {month.year}"


def build_pdf(figures: MonthlyFigures, instructor_name: str | None = None) -> bytes:
    buffer = io.BytesIO()
    title = f"Laporan Bulanan Anev {month_title(figures.month)} - {figures.site_name}"
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=title,
        author=figures.site_name,
        subject="Analisis & Evaluasi (Anev)",
        creator=f"ISDC Suite {__version__}",
        lang="id-ID",
    )
    story = _Story(figures, instructor_name)
    footer = f"{figures.site_name} · Laporan Bulanan Anev {month_title(figures.month)}"

    def on_page(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, MARGIN - 2 * mm, footer)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, MARGIN - 2 * mm, f"Halaman {document.page}")
        canvas.restoreState()

    doc.build(story.flowables(), onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


# --- Numbers in Indonesian ------------------------------------------------------------------


def num(value: float | None, digits: int = 0) -> str:
    """``12345.6`` -> ``12.345,6``: Indonesian groups with dots and decimals with a comma."""
    if value is None:
        return "–"
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{num(value, digits)} %"


def scenario_title(scenario_id: str) -> str:
    return catalogue.title(scenario_id, "id")


def finding_title(kind: str) -> str:
    basis = LEGAL_BASIS.get(kind)
    return basis.title_id if basis else kind


# --- The pages ----------------------------------------------------------------------------


class _Story:
    def __init__(self, figures: MonthlyFigures, instructor_name: str | None):
        self.f = figures
        self.instructor_name = instructor_name
        sheet = getSampleStyleSheet()
        base = ParagraphStyle("base", parent=sheet["Normal"], fontName="Helvetica",
                              fontSize=9.5, leading=13, textColor=INK)  # fmt: skip
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=10.5,
                                    textColor=MUTED)  # fmt: skip
        self.h1 = ParagraphStyle("h1", parent=base, fontName="Helvetica-Bold", fontSize=22,
                                 leading=27, spaceAfter=4 * mm)  # fmt: skip
        self.h2 = ParagraphStyle("h2", parent=base, fontName="Helvetica-Bold", fontSize=14,
                                 leading=18, spaceBefore=2 * mm, spaceAfter=3 * mm)  # fmt: skip
        self.h3 = ParagraphStyle("h3", parent=base, fontName="Helvetica-Bold", fontSize=11,
                                 leading=14, spaceBefore=4 * mm, spaceAfter=2 * mm)  # fmt: skip
        self.card = ParagraphStyle("card", parent=base, fontSize=8, leading=12,
                                   alignment=TA_CENTER, textColor=INK)  # fmt: skip
        self.caption = ParagraphStyle("caption", parent=self.small, alignment=TA_CENTER)
        self.head_left = ParagraphStyle("head", parent=base, fontName="Helvetica-Bold",
                                        fontSize=8, leading=9.5)  # fmt: skip
        self.head_right = ParagraphStyle("head_right", parent=self.head_left, alignment=TA_RIGHT)

    def flowables(self) -> list[Any]:
        out = self.cover()
        if self.f.empty:
            out.append(Paragraph(
                "<b>Tidak ada data</b> untuk bulan ini: tidak ada sesi yang selesai, tidak ada "
                "run simulator dan tidak ada sertifikat yang diterbitkan atau dicabut.",
                self.body))  # fmt: skip
            return out
        out += [PageBreak(), *self.throughput(), PageBreak(), *self.simulator()]
        out += [PageBreak(), *self.risk(), *self.certificates_and_bays()]
        return out

    # Cover ---------------------------------------------------------------------------------

    def cover(self) -> list[Any]:
        f = self.f
        scope = "Seluruh sesi di lokasi ini"
        if f.scope.instructor_id is not None:
            scope = f"Sesi yang diajar oleh {self.instructor_name or 'instruktur ini'}"
        out: list[Any] = [
            Paragraph("Laporan Bulanan Analisis &amp; Evaluasi (Anev)", self.h2),
            Paragraph(f"Periode {month_title(f.month)}", self.h1),
            Paragraph(f"<b>{_esc(f.site_name)}</b>", self.body),
            Paragraph(
                f"{format_date(f.scope.start, 'id')} s.d. {format_date(f.scope.end, 'id')}"
                f" · {scope}",
                self.body,
            ),  # fmt: skip
            Paragraph(
                f"Dibuat {format_date(f.generated_at.date(), 'id')} pukul "
                f"{f.generated_at:%H.%M} WIB dengan ISDC Suite {__version__}",
                self.small,
            ),  # fmt: skip
            Spacer(1, 8 * mm),
            Paragraph("Angka utama", self.h3),
        ]
        passed_runs = f.runs.pass_share
        cards = [
            (num(f.enrolments.completed), "peserta dilatih (lulus kursus)"),
            (pct(f.enrolments.pass_rate), "tingkat kelulusan kursus"),
            (pct(f.enrolments.completion_rate), "tingkat penyelesaian"),
            (num(f.runs.runs), "run simulator dinilai"),
            (pct(passed_runs), "run simulator lulus"),
            (num(f.runs.mean_score, 1), "nilai rata-rata run"),
            (num(f.certificates_issued), "sertifikat diterbitkan"),
            (num(f.certificates_revoked), "sertifikat dicabut"),
            (num(f.certificates_expiring),
             f"sertifikat habis berlaku dalam 90 hari sejak {format_date(f.as_of, 'id')}"),
        ]  # fmt: skip
        # Value and label in one paragraph, so text extraction keeps each pair together.
        rows = [
            [Paragraph(f'<font size="20"><b>{value}</b></font><br/><br/>{label}', self.card)
             for value, label in cards[i:i + 3]]
            for i in range(0, len(cards), 3)
        ]  # fmt: skip
        grid = Table(rows, colWidths=[FRAME_WIDTH / 3] * 3)
        grid.setStyle(TableStyle([
            ("BOX", (0, 0), (-1, -1), 0.6, RULE), ("INNERGRID", (0, 0), (-1, -1), 0.6, RULE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 4 * mm), ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm),
        ]))  # fmt: skip
        out += [grid, Spacer(1, 6 * mm)]
        out.append(Paragraph(
            "Peserta dilatih: pendaftaran yang selesai dengan lulus pada sesi yang berakhir di "
            "bulan ini. Tingkat kelulusan: lulus dibagi (lulus + tidak lulus). Run simulator: run "
            "yang dinilai dan dimulai di bulan ini. Angka dihitung dengan kueri yang sama dengan "
            "dasbor Analisis &amp; Evaluasi.", self.small))  # fmt: skip
        return out

    # Throughput ----------------------------------------------------------------------------

    def throughput(self) -> list[Any]:
        f = self.f
        out: list[Any] = [Paragraph("1. Peserta dilatih", self.h2)]
        chart = self.trend_chart()
        if chart is not None:
            out += [chart, Paragraph(
                f"Peserta dilatih per bulan dan kursus, {trend_label(f)}.", self.caption)]  # fmt: skip
        out.append(Paragraph("Per kursus", self.h3))
        days = {d.course_id: d for d in f.days_to_certificate}
        rows = [["Kursus", "Terdaftar", "Lulus", "Tidak lulus", "Selesai", "Kelulusan",
                 "Hari ke sertifikat"]]  # fmt: skip
        for c in f.courses:
            d = days.get(c.course_id)
            rows.append([f"{c.code} · {c.title_id}", num(c.counts.enrolments),
                         num(c.counts.completed), num(c.counts.failed),
                         pct(c.counts.completion_rate), pct(c.counts.pass_rate),
                         num(d.mean_days, 1) if d else "–"])  # fmt: skip
        out.append(self.table(rows, [52 * mm] + [None] * 6))
        if f.organisations:
            out.append(
                Paragraph(f"Organisasi pengirim ({len(f.organisations)} terbanyak)", self.h3)
            )
            rows = [["Organisasi", "Terdaftar", "Lulus", "Tidak lulus", "Kelulusan"]]
            for o in f.organisations:
                rows.append([o.name or "Tanpa organisasi", num(o.counts.enrolments),
                             num(o.counts.completed), num(o.counts.failed),
                             pct(o.counts.pass_rate)])  # fmt: skip
            out.append(self.table(rows, [80 * mm] + [None] * 4))
        return out

    def trend_chart(self) -> Drawing | None:
        f = self.f
        codes = sorted({t.course_code for t in f.trend})
        if not codes:
            return None
        counts = {(t.month, t.course_code): t.trained for t in f.trend}
        data = [[counts.get((m, code), 0) for m in f.trend_months] for code in codes]
        drawing = Drawing(FRAME_WIDTH, 70 * mm)
        chart = VerticalBarChart()
        chart.x, chart.y = 12 * mm, 14 * mm
        chart.width, chart.height = FRAME_WIDTH - 40 * mm, 52 * mm
        chart.data = data
        chart.groupSpacing = 6
        chart.barSpacing = 0.5
        chart.categoryAxis.categoryNames = [_short_month(m) for m in f.trend_months]
        _style_axes(chart)
        chart.valueAxis.valueMin = 0
        for i in range(len(codes)):
            chart.bars[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
            chart.bars[i].strokeColor = colors.white
            chart.bars[i].strokeWidth = 0.3
        _label_bars(chart, lambda v: num(v) if v else "")  # no clutter of zeros
        legend = Legend()
        legend.x, legend.y = FRAME_WIDTH - 18 * mm, 62 * mm
        legend.fontName, legend.fontSize = "Helvetica", 8
        legend.alignment = "right"
        legend.columnMaximum = len(codes)  # one column beside the chart
        legend.colorNamePairs = [
            (colors.HexColor(PALETTE[i % len(PALETTE)]), code) for i, code in enumerate(codes)
        ]
        drawing.add(chart)
        drawing.add(legend)
        return drawing

    # Simulator -----------------------------------------------------------------------------

    def simulator(self) -> list[Any]:
        f = self.f
        out: list[Any] = [Paragraph("2. Simulator", self.h2)]
        if not f.scores:
            return [*out, Paragraph("Tidak ada run simulator yang dinilai bulan ini.", self.body)]
        out.append(hbar_chart(
            [scenario_title(s.scenario_id) for s in f.scores],
            [100 * (s.pass_rate or 0.0) for s in f.scores], lambda v: pct(v, 0), max_value=100.0))  # fmt: skip
        out.append(Paragraph("Persentase run yang lulus per skenario.", self.caption))
        rows = [["Skenario", "Run", "Lulus", "Kelulusan", "Nilai rata-rata"]]
        for s in f.scores:
            rows.append([scenario_title(s.scenario_id), num(s.runs), num(s.passed),
                         pct(_percent(s.pass_rate)), num(s.mean_score, 1)])  # fmt: skip
        out.append(self.table(rows, [80 * mm] + [None] * 4))
        if f.findings:
            block = [
                Paragraph("Temuan yang paling sering", self.h3),
                hbar_chart([finding_title(c.kind) for c in f.findings],
                           [100 * (c.run_share or 0.0) for c in f.findings], lambda v: pct(v, 1)),
                Paragraph("Persentase run dengan setidaknya satu temuan jenis ini.", self.caption),
            ]  # fmt: skip
            out.append(KeepTogether(block))
        if f.improvement:
            rows = [["Skenario", "Peserta", "Membaik", "Tetap", "Menurun", "Nilai pertama",
                     "Nilai terakhir"]]  # fmt: skip
            for i in f.improvement:
                rows.append([scenario_title(i.scenario_id), num(i.trainees), num(i.improved),
                             num(i.same), num(i.worse), num(i.mean_first, 1),
                             num(i.mean_latest, 1)])  # fmt: skip
            out.append(KeepTogether([
                Paragraph("Percobaan pertama dan terakhir", self.h3),
                Paragraph("Peserta dengan dua run atau lebih pada skenario yang sama di bulan ini.",
                          self.small),
                self.table(rows, [58 * mm] + [None] * 6),
            ]))  # fmt: skip
        return out

    # Risk ----------------------------------------------------------------------------------

    def risk(self) -> list[Any]:
        f = self.f
        out: list[Any] = [Paragraph("3. Profil risiko per organisasi", self.h2)]
        if not f.risk:
            return [*out, Paragraph(
                "Belum ada organisasi dengan cukup run bulan ini untuk dibandingkan.", self.body)]  # fmt: skip
        out.append(hbar_chart([o.name for o in f.risk], [o.ratio or 0.0 for o in f.risk],
                              lambda v: num(v, 2), reference=1.0))  # fmt: skip
        out.append(Paragraph(
            "Rasio temuan: temuan peserta organisasi dibagi temuan yang diharapkan bila mereka "
            "mengemudi seperti rata-rata pusat pada skenario yang sama. Garis 1 = rata-rata "
            "pusat; di atasnya, lebih berisiko.", self.caption))  # fmt: skip
        rows = [["Organisasi", "Peserta", "Run", "Temuan", "Rasio", "Temuan yang menonjol"]]
        for o in f.risk:
            standing_out = ", ".join(finding_title(k.kind) for k in o.over_represented[:3])
            rows.append([o.name, num(o.trainees), num(o.runs), num(o.findings), num(o.ratio, 2),
                         Paragraph(_esc(standing_out) or "–", self.small)])  # fmt: skip
        out.append(self.table(rows, [55 * mm, 16 * mm, 14 * mm, 16 * mm, 14 * mm, None]))
        return out

    # Certificates and bays -----------------------------------------------------------------

    def certificates_and_bays(self) -> list[Any]:
        f = self.f
        out: list[Any] = [Paragraph("4. Sertifikat", self.h2)]
        if f.certificates:
            rows = [["Kursus", "Diterbitkan", "Terbit ulang", "Dicabut", "Habis dalam 90 hari"]]
            for c in f.certificates:
                rows.append([c.code, num(c.issued), num(c.reissued), num(c.revoked),
                             num(c.expiring)])  # fmt: skip
            rows.append(["Jumlah", num(f.certificates_issued),
                         num(sum(c.reissued for c in f.certificates)),
                         num(f.certificates_revoked), num(f.certificates_expiring)])  # fmt: skip
            out.append(self.table(rows, [50 * mm] + [None] * 4, total=True))
        else:
            out.append(Paragraph("Tidak ada sertifikat diterbitkan atau dicabut bulan ini.",
                                 self.body))  # fmt: skip
        return [*out, KeepTogether(self.bays())]

    def bays(self) -> list[Any]:
        f = self.f
        out: list[Any] = [Paragraph("5. Bay simulator", self.h2)]
        used = [b for b in f.bays if b.bookable_hours or b.runs]
        if not used:
            return [*out, Paragraph("Tidak ada bay simulator yang dapat dipesan.", self.body)]
        busiest = sorted(used, key=lambda b: (-b.booked_hours, -b.runs, b.name))[:TOP_BAYS]
        rows = [["Bay", "Jam tersedia", "Jam dipesan", "Jam dikemudikan", "Run", "Menganggur"]]
        for b in busiest:
            rows.append([b.name, num(b.bookable_hours), num(b.booked_hours),
                         num(b.driven_hours, 1), num(b.runs), pct(b.idle_share)])  # fmt: skip
        bookable = sum(b.bookable_hours for b in used)
        driven = sum(b.driven_hours for b in used)
        idle = 100 * max(bookable - driven, 0.0) / bookable if bookable else None
        rows.append([f"Semua bay ({len(used)})", num(bookable),
                     num(sum(b.booked_hours for b in used)), num(driven, 1),
                     num(sum(b.runs for b in used)), pct(idle)])  # fmt: skip
        if len(used) > len(busiest):
            out.append(Paragraph(f"{len(busiest)} bay yang paling banyak dipesan dan jumlah "
                                 "semua bay.", self.small))  # fmt: skip
        out.append(self.table(rows, [48 * mm] + [None] * 5, total=True))
        out.append(Paragraph(
            "Menganggur: jam tersedia yang tidak dipakai mengemudi (jam buka dikurangi waktu run).",
            self.small))  # fmt: skip
        return out

    # Tables --------------------------------------------------------------------------------

    def table(
        self, rows: list[list[Any]], widths: Sequence[float | None], *, total: bool = False
    ) -> Table:
        fixed = sum(w for w in widths if w)
        free = [w for w in widths if not w]
        share = (FRAME_WIDTH - fixed) / len(free) if free else 0
        head = [Paragraph(_esc(str(text)), self.head_left if i == 0 else self.head_right)
                for i, text in enumerate(rows[0])]  # fmt: skip
        table = Table([head, *rows[1:]], colWidths=[w or share for w in widths], repeatRows=1)
        style = [
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
            ("FONT", (0, 1), (-1, -1), "Helvetica", 8.5),
            ("TEXTCOLOR", (0, 0), (-1, -1), INK),
            ("BACKGROUND", (0, 0), (-1, 0), HEAD),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
            ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
            ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        if total:
            style += [("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 8.5),
                      ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK)]  # fmt: skip
        table.setStyle(TableStyle(style))
        return table


def trend_label(f: MonthlyFigures) -> str:
    first, last = f.trend_months[0], f.trend_months[-1]
    return f"{_short_month(first)} s.d. {_short_month(last)}"


def _percent(fraction: float | None) -> float | None:
    return None if fraction is None else 100 * fraction


def _short_month(key: str) -> str:
    year, month = (int(p) for p in key.split("-"))
    return f"{MONTHS_ID[month - 1][:3]} {year}"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _style_axes(chart: Any) -> None:
    chart.categoryAxis.labels.fontName = "Helvetica"
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.strokeColor = INK
    chart.valueAxis.labels.fontName = "Helvetica"
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.gridStrokeColor = RULE
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.valueAxis.visibleGrid = True


def _label_bars(chart: Any, fmt: Any) -> None:
    chart.barLabelFormat = fmt
    chart.barLabels.fontName = "Helvetica"
    chart.barLabels.fontSize = 7
    chart.barLabels.fillColor = INK
    chart.barLabels.nudge = 5


def hbar_chart(
    labels: list[str],
    values: list[float],
    fmt: Any,
    *,
    max_value: float | None = None,
    reference: float | None = None,
) -> Drawing:
    """Horizontal bars, first item on top, each labelled with its value; an optional
    reference line (e.g. the centre's average ratio, 1)."""
    row = 5.5 * mm
    label_width = 62 * mm
    height = row * len(labels) + 12 * mm
    drawing = Drawing(FRAME_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 8 * mm
    chart.width, chart.height = FRAME_WIDTH - label_width - 16 * mm, row * len(labels)
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = [_clip(label, 42) for label in reversed(labels)]
    _style_axes(chart)
    chart.valueAxis.valueMin = 0
    top = max([*values, reference or 0.0, 0.0])
    chart.valueAxis.valueMax = max_value or (top * 1.15 if top > 0 else 1.0)
    chart.bars[0].fillColor = BAR
    chart.bars[0].strokeColor = None
    chart.barWidth = 4
    _label_bars(chart, fmt)
    chart.barLabels.boxAnchor = "w"
    drawing.add(chart)
    if reference is not None:
        x = chart.x + chart.width * reference / chart.valueAxis.valueMax
        drawing.add(Line(x, chart.y, x, chart.y + chart.height + 2 * mm,
                         strokeColor=REFERENCE, strokeWidth=1.2, strokeDashArray=[3, 2]))  # fmt: skip
        drawing.add(String(x + 1.5, chart.y + chart.height + 1 * mm, "rata-rata pusat",
                           fontName="Helvetica", fontSize=7, fillColor=REFERENCE))  # fmt: skip
    return drawing


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
