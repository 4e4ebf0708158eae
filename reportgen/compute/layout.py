"""Which measures each of an outcome's tables holds, and the words of the tables' headings
and column heads, by the council's profile (core.profile) and words (core.words)."""

from __future__ import annotations

import datetime as dt

from reportgen.core.model import Measure, Outcome, Report, earlier_year
from reportgen.core.profile import Column
from reportgen.core.words import PLACEHOLDER

MEASURE_TABLES = ("latest-measures", "previous-quarter-measures", "annual-measures",
                  "awaiting-data")
# each table's heading under an outcome: %(outcome)s is the outcome's name
TABLE_HEADINGS = {
    "latest-measures": "%(outcome)s: Latest Measure Data",
    "previous-quarter-measures": "%(outcome)s: Measures With Data Updated Previous Quarter",
    "annual-measures": "%(outcome)s: Annual Measure Data",
    "awaiting-data": "%(outcome)s: Measures awaiting data",
}
# column heads; %(year)s is the column's year ("2023-24"), %(year_long)s "2023-2024"
QUARTERLY_HEADS = {
    "objective": "Strategic Objective",
    "measure": "Measure",
    "year-2": "Same Quarter %(year)s (YTD)",
    "year-1": "Same Quarter %(year)s (YTD)",
    "value": "Latest Quarter %(year)s (YTD)",
    "target": "Latest Target %(year)s (YTD)",
    "rating": "Latest Performance against target (YTD)",
    "direction": "Direction of travel (vs same quarter %(year)s)",
    "as-at": "Latest data as at",
    "benchmark": "Latest Benchmark",
    "benchmark-group": "Benchmark Group",
    "frequency": "Reporting Frequency",
}
ANNUAL_HEADS = {**QUARTERLY_HEADS, "year-2": "%(year)s (YTD)", "year-1": "%(year)s (YTD)",
                "value": "%(year)s (YTD)", "target": "Target %(year)s (YTD)"}
PROGRESS_HEADS = {
    "id": "No.", "objective": "Strategic Objective", "expected-completion": "Expected Completion",
    "icon": "RAG", "progress": "Progress", "progress-word": "Progress", "comments": "Comments",
}
# the colgroup class of each column, which sets its width in report.css
COLUMN_CLASSES = {
    "objective": "c-so", "measure": "c-measure", "year-2": "c-num", "year-1": "c-num",
    "value": "c-num", "target": "c-num", "rating": "c-rating", "direction": "c-dir",
    "as-at": "c-num", "benchmark": "c-num", "benchmark-group": "c-group",
    "frequency": "c-freq",
}
PROGRESS_CLASSES = {"id": "c-so", "objective": "c-objective", "expected-completion": "c-date",
                    "icon": "c-icon", "progress": "c-rating", "progress-word": "c-rating",
                    "comments": "c-comment"}


def quarter_start(report: Report) -> dt.date:
    """Return the first day of the report's quarter (Quarter 1 starts in April)."""
    start = int(report.year[:4])
    month = 4 + 3 * (report.quarter - 1)
    return dt.date(start + (month > 12), (month - 1) % 12 + 1, 1)


def measures_in(report: Report, outcome: Outcome, table: str) -> list[Measure]:
    """Return the outcome's measures that a table holds. Measures go to the previous-quarter
    and awaiting-data tables only when the profile has those tables."""
    profile = report.profile
    awaiting = profile.has("awaiting-data")
    earlier = profile.has("previous-quarter-measures")
    start = quarter_start(report)

    def is_earlier(m: Measure) -> bool:
        return m.value is not None and m.as_at is not None and m.as_at < start

    def is_awaiting(m: Measure) -> bool:
        return m.value is None

    if table == "awaiting-data":
        return [m for m in outcome.measures if is_awaiting(m)]
    if table == "previous-quarter-measures":
        return [m for m in outcome.measures_reported("quarterly") if is_earlier(m)]
    kind = "annual" if table == "annual-measures" else "quarterly"
    return [m for m in outcome.measures_reported(kind)
            if not (awaiting and is_awaiting(m)) and not (earlier and is_earlier(m))]


def counted(report: Report, measures: list[Measure]) -> list[Measure]:
    """Return the measures that counts of ratings take: all of them, or, where the profile
    counts this quarter only (report 002), not those whose data is from before the quarter
    began: they are shown in the previous-quarter table, but were last quarter's news."""
    if report.profile.count != "this-quarter":
        return measures
    start = quarter_start(report)
    return [m for m in measures if m.as_at is None or m.as_at >= start]


def report_measures_in(report: Report, table: str) -> list[Measure]:
    """Return every outcome's measures that a table holds, for the report-wide tables
    (sections latest-measures and previous-quarter-measures, report 002)."""
    return [m for outcome in report.outcomes for m in measures_in(report, outcome, table)]


def section_heading(report: Report, table: str) -> str:
    """Return a report-wide measure table's heading: "Measures Updated for Quarter 1
    2021-22", or for the previous-quarter table the quarter before's ("Measures with new
    data for Quarter 4 2020-21")."""
    if table == "latest-measures":
        return report.words.format("Measures Updated for Quarter %(quarter)s %(year)s",
                                   quarter=report.quarter, year=report.year)
    quarter, year = ((report.quarter - 1, report.year) if report.quarter > 1
                     else (4, earlier_year(report.year, 1)))
    return report.words.format("Measures with new data for Quarter %(quarter)s %(year)s",
                               quarter=quarter, year=year)


def table_heading(report: Report, outcome: Outcome, table: str) -> str:
    """Return a table's heading under its outcome: "People: Latest Measure Data"."""
    return report.words.format(TABLE_HEADINGS[table], outcome=outcome.name)


def columns(report: Report, table: str) -> tuple[Column, ...]:
    """Return the profile's columns of a table."""
    return tuple(report.profile.columns[table])


def column_year(report: Report, column: str) -> str:
    """Return the plan year a column shows: two years back, one year back, or this year."""
    if column == "year-2":
        return earlier_year(report.year, 2)
    if column in ("year-1", "direction"):
        return earlier_year(report.year, 1)
    return report.year


def heading(report: Report, table: str, column: Column) -> str:
    """Return a column's head: the council's own words, else the catalogue's."""
    year = column_year(report, column.name)
    values = {"year": year, "year_long": f"{year[:4]}-{int(year[:4]) + 1}"}
    if column.heading is not None:
        return _fill(column.heading, values)
    heads = (PROGRESS_HEADS if table == "progress" else
             ANNUAL_HEADS if table == "annual-measures" else QUARTERLY_HEADS)
    return report.words.format(heads[column.name], **values)


def _fill(text: str, values: dict[str, str]) -> str:
    """Fill %(year)s in a council's own heading (checked by data.profile when loaded)."""
    return text % values if PLACEHOLDER.search(text) else text


def column_class(table: str, column: Column) -> str:
    return (PROGRESS_CLASSES if table == "progress" else COLUMN_CLASSES)[column.name]
