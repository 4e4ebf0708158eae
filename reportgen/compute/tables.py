"""The report's tables for spreadsheets and open data: `reportgen export --format csv|xlsx`.

One row per objective (the progress tables) and one per measure (the measure tables).
Numbers stay numbers, in the measure's unit (59.0 for 59.0%, 7722500 for £7,722,500),
with the unit in its own column, so a spreadsheet can sum and sort them.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from reportgen.compute.export import number
from reportgen.core.model import Report
from reportgen.core.ratings import AWAITING

Row = list[Any]
LINE_BREAKS = re.compile("[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Leading characters that make Excel or LibreOffice read a cell as a formula.
FORMULA_START = ("=", "+", "@", "\t", "\r")


def objective_table(report: Report) -> tuple[Row, list[Row]]:
    """Return the header and rows of the objectives table."""
    names = {o.id: o.name for o in report.outcomes}
    header = ["Outcome", "No.", "Strategic Objective", "Owner", "Expected Completion",
              "Progress", "Comments"]
    rows = [[names[o.outcome_id], o.id, o.title, o.owner,
             o.expected_completion or o.completion_text,
             "" if o.progress.label == AWAITING else o.progress.label, o.comment]
            for o in report.objectives]
    return header, rows


def measure_table(report: Report) -> tuple[Row, list[Row]]:
    """Return the header and rows of the measures table, both reporting kinds together."""
    names = {o.id: o.name for o in report.outcomes}
    # by measure: an outcome's key measures belong to no objective
    outcome_of = {m.id: o.id for o in report.outcomes for m in o.measures}
    years = report.history_years
    header = ["Outcome", "Strategic Objective", "Measure id", "Measure", "Reporting",
              "Reporting Frequency", "Unit", "Better", *years, "Latest", "Target",
              "Performance", "Benchmark", "Benchmark Group", "Data as at", "No data", "Note",
              "Floor", "Rule's rating", "Published rating", "Rating reason"]
    rows = [[names[outcome_of[m.id]], m.objective_id, m.id, m.title, m.reporting,
             m.frequency, m.unit, m.better, *(number(m.history.get(y)) for y in years),
             number(m.value), number(m.target),
             m.rating.label if m.rating else (m.not_rated or ""),
             number(m.benchmark), m.benchmark_group, m.as_at.isoformat() if m.as_at else "",
             m.no_data or "", m.note or "", number(m.floor),
             m.rule_rating.label if m.rule_rating else "", m.published or "",
             m.rating_reason or ""]
            for m in report.measures]
    return header, rows


def _defused(value: Any) -> Any:
    """Return text that a spreadsheet would run as a formula with a leading apostrophe."""
    if isinstance(value, str) and (value.startswith(FORMULA_START) or
                                   (value.startswith("-") and value[1:2] not in (" ", ""))):
        return "'" + value
    return value


def to_csv(header: Row, rows: list[Row]) -> str:
    """Return a table as CSV text (UTF-8, no byte-order mark), empty cells for none."""
    out = io.StringIO()
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

    book = Workbook()
    book.remove(book.active)
    decimals = {m.id: max((q.decimals for q in (m.value, m.target, m.benchmark, m.floor,
                                                 *m.history.values()) if q), default=0)
                for m in report.measures}
    for title, (header, rows) in (("Objectives", objective_table(report)),
                                  ("Measures", measure_table(report))):
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
            width = 60 if header_text in ("Comments", "Note", "Measure",
                                          "Strategic Objective") else 16
            sheet.column_dimensions[column[0].column_letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
