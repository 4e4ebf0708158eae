"""The report's tables for spreadsheets and open data: `reportgen export --format csv|xlsx`.

One row per objective (the progress tables) and one per measure (the measure tables).
Numbers stay numbers, in the measure's unit (59.0 for 59.0%, 7722500 for £7,722,500),
with the unit in its own column, so a spreadsheet can sum and sort them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from typing import IO, Any

from reportgen.compute import trends
from reportgen.compute.export import number
from reportgen.compute.layout import quarter_start
from reportgen.core.items import Status
from reportgen.core.model import Report, earlier_year
from reportgen.core.ratings import AWAITING

Row = list[Any]
LINE_BREAKS = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Leading characters that make Excel or LibreOffice read a cell as a formula.
FORMULA_START = ("=", "+", "@", "\t", "\r")


def objective_table(report: Report) -> tuple[Row, list[Row]]:
    """Return the header and rows of the objectives table."""
    names = {o.id: o.name for o in report.outcomes}
    header = ["Outcome", "No.", "Strategic Objective", "Owner", "Expected Completion",
              "Progress", "Change since last quarter", "Progress last quarter", "Comments"]
    rows = [[names[o.outcome_id], o.id, o.title, o.owner,
             o.expected_completion or o.completion_text,
             "" if o.progress.label == AWAITING else o.progress.label,
             trends.objective_change(o) or "",
             o.previous.label if o.previous and o.previous.label != AWAITING else "",
             o.comment]
            for o in report.objectives]
    return header, _trimmed(rows)


def measure_table(report: Report) -> tuple[Row, list[Row]]:
    """Return the header and rows of the measures table, both reporting kinds together."""
    names = {o.id: o.name for o in report.outcomes}
    # by measure: an outcome's key measures belong to no objective
    outcome_of = {m.id: o.id for o in report.outcomes for m in o.measures}
    years = report.history_years
    header = ["Outcome", "Strategic Objective", "Measure id", "Measure", "Reporting",
              "Reporting Frequency", "Unit", "Better", *years, "Latest", "Target",
              "Performance", "Change since last quarter", "Performance last quarter",
              f"Direction of travel (vs same quarter {earlier_year(report.year, 1)})",
              "Benchmark", "Benchmark Group", "Data as at", "No data", "Note",
              "Floor", "Rule's rating", "Published rating", "Rating reason"]
    rows = [[names[outcome_of[m.id]], m.objective_id, m.id, m.title, m.reporting,
             m.frequency, m.unit, m.better, *(number(m.history.get(y)) for y in years),
             number(m.value), number(m.target),
             m.rating.label if m.rating else (m.not_rated or ""),
             trends.measure_change(m, report) or "",
             m.previous_rating.label if m.previous_rating else "",
             _direction(trends.direction(m, report)),
             number(m.benchmark), m.benchmark_group, m.as_at.isoformat() if m.as_at else "",
             m.no_data or "", m.note or "", number(m.floor),
             m.rule_rating.label if m.rule_rating else "", m.published or "",
             m.rating_reason or ""]
            for m in report.measures]
    return header, _trimmed(rows)


def _direction(found: trends.Direction | None) -> str:
    return found.word if found else ""


def _trimmed(rows: list[Row]) -> list[Row]:
    """Return the rows with text stripped: a YAML block comment (`|`) ends with a newline
    that a spreadsheet would show as an empty line in the cell."""
    return [[v.strip() if isinstance(v, str) else v for v in row] for row in rows]


def milestone_table(report: Report) -> tuple[Row, list[Row]]:
    """Return the header and rows of the milestones table: status now and before."""
    names = {o.id: o.name for o in report.outcomes}
    header = ["Theme", "Milestone id", "Milestone", "Owner", "Status",
              f"Status {report.items.before_label or 'before'}", "Comments"]
    rows = [[names[m.outcome_id], m.id, m.title, m.owner, _label(m.status),
             _label(m.previous), m.comment] for m in report.items.milestones]
    return header, rows


def project_table(report: Report) -> tuple[Row, list[Row]]:
    """Return the header and rows of the priority projects table."""
    names = {o.id: o.name for o in report.outcomes}
    scheme = report.items.schemes.get("projects")
    header = ["Theme", "Project id", "Project", "Owner", "Stage", "Status",
              f"Status {report.items.before_label or 'before'}", "Closed", "Comments"]
    rows = [[names[p.outcome_id], p.id, p.title, p.owner, p.stage, _label(p.status),
             _label(p.previous) or (scheme.new if scheme and p.previous_known else ""),
             p.closed, p.comment] for p in report.items.projects]
    return header, rows


def risk_table(report: Report) -> tuple[Row, list[Row]]:
    """Return the header and rows of the strategic risk register."""
    names = {o.id: o.name for o in report.outcomes}
    header = ["Theme", "Risk id", "Risk", "Owner", "Type", "Impact", "Likelihood", "Score",
              "Target score", f"Score {report.items.before_label or 'before'}", "Change",
              "Closed", "Comments"]
    rows = [[names[r.outcome_id], r.id, r.title, r.owner, r.kind, r.impact, r.likelihood,
             r.score, r.target_score, r.previous_score, r.change or "", r.closed, r.comment]
            for r in report.items.risks]
    return header, rows


def _label(status: Status | None) -> str:
    return status.label if status else ""


# Every table `export` writes, by name; the item tables only where the plan has items.
TABLES: dict[str, Callable[[Report], tuple[Row, list[Row]]]] = {
    "objectives": objective_table, "measures": measure_table, "milestones": milestone_table,
    "projects": project_table, "risks": risk_table}


def tables_of(report: Report) -> dict[str, Callable[[Report], tuple[Row, list[Row]]]]:
    """Return the tables a report has: objectives and measures, and its item kinds."""
    return {name: pick for name, pick in TABLES.items()
            if name in ("objectives", "measures") or getattr(report.items, name)}


def _defused(value: Any) -> Any:
    """Return text that a spreadsheet would run as a formula with a leading apostrophe."""
    if isinstance(value, str) and (value.startswith(FORMULA_START) or
                                   (value.startswith("-") and value[1:2] not in (" ", ""))):
        return "'" + value
    return value


def to_csv(header: Row, rows: list[Row], *, excel: bool = False) -> str:
    """Return a table as CSV text, empty cells for none. `excel` starts it with a byte-order
    mark, without which Excel reads UTF-8 as Windows-1252 and shows "£" as "Â£"."""
    out = io.StringIO()
    if excel:
        out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    # Python's csv quotes a field holding "\n" but not one holding "\r" or another line
    # break, which a spreadsheet would take as the end of the row: such rows are fully quoted.
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    for row in rows:
        cells = ["" if v is None else _defused(v) for v in row]
        breaks = any(isinstance(v, str) and LINE_BREAKS.search(v) for v in cells)
        (quoted if breaks else writer).writerow(cells)
    return out.getvalue()


def to_xlsx(report: Report) -> bytes:
    """Return a workbook with an Objectives and a Measures sheet."""
    from openpyxl import Workbook  # only when asked for: it is slow to import
    from openpyxl.styles import Alignment, Font
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    book.remove(book.active)
    decimals = {m.id: max((q.decimals for q in (m.value, m.target, m.benchmark, m.floor,
                                                 *m.history.values()) if q), default=0)
                for m in report.measures}
    for title, (header, rows) in ((name.capitalize(), pick(report))
                                  for name, pick in tables_of(report).items()):
        sheet = book.create_sheet(title)
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                elif isinstance(cell.value, int | float):
                    places = decimals[row[2]] if title == "Measures" else 0
                    cell.number_format = "#,##0" + ("." + "0" * places if places else "")
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for column, header_text in zip(sheet.columns, header, strict=True):
            width = 60 if header_text in ("Comments", "Note", "Measure", "Milestone",
                                          "Project", "Risk", "Strategic Objective") else 16
            sheet.column_dimensions[column[0].column_letter].width = width
    # Dated by the quarter, not by the clock: the same data gives the same file (publish
    # promises that unchanged files stay unchanged), as the PDF does.
    stamp = dt.datetime.combine(quarter_start(report), dt.time())
    book.properties.created = book.properties.modified = stamp
    out = io.BytesIO()
    with _Stamped(out, (stamp.year, stamp.month, stamp.day, 0, 0, 0)) as archive:
        ExcelWriter(book, archive).save()  # what book.save() does, less its clock
    return out.getvalue()


class _Stamped(zipfile.ZipFile):
    """A zip being written whose every member carries one date, not the time it was added
    (ZipFile.writestr's clock, or ZipFile.write's file times)."""

    def __init__(self, file: IO[bytes], date_time: tuple[int, int, int, int, int, int]) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self._date_time = date_time

    def writestr(self, zinfo_or_arcname: str | zipfile.ZipInfo, data: Any,
                 compress_type: int | None = None, compresslevel: int | None = None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self._date_time)
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16  # as ZipFile.writestr gives a named member
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        with open(filename, "rb") as source:
            self.writestr(str(arcname or filename), source.read(), compress_type, compresslevel)
