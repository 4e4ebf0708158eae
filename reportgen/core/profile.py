"""A council's report profile: which sections, in which order, which columns, its words.

Read from plan.yaml's `report:` (data.schema.ProfileSpec, docs/profile.md). The defaults
are Derbyshire's Quarter 1 2025-26 layout (seed 001), so a plan without `report:` builds
the report it always did.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Report sections, in the default order. A section with nothing to show is left out.
SECTIONS = ("cover", "contents", "introduction", "overview", "key", "trend-over-time",
            "action-items", "outcomes")
# Sections a profile may add (report 002): every outcome's measures in one table, the
# headline initiatives, and the items not included in this quarter's report.
MORE_SECTIONS = ("latest-measures", "previous-quarter-measures", "initiatives", "not-reported")
# What each outcome's section holds, in the default order.
OUTCOME_PARTS = ("statement", "wheels", "progress", "latest-measures",
                 "previous-quarter-measures", "awaiting-data", "annual-measures", "notes",
                 "trends")
DEFAULT_OUTCOME_PARTS = ("wheels", "progress", "latest-measures", "annual-measures", "notes",
                         "trends")

PROGRESS_COLUMNS = ("id", "objective", "expected-completion", "icon", "progress",
                    "progress-word", "comments")
MEASURE_COLUMNS = ("objective", "measure", "year-2", "year-1", "value", "target", "rating",
                   "direction", "as-at", "benchmark", "benchmark-group", "frequency")
# The tables whose columns a profile chooses, and the columns each may have.
TABLES = {"progress": PROGRESS_COLUMNS, "latest-measures": MEASURE_COLUMNS,
          "previous-quarter-measures": MEASURE_COLUMNS, "annual-measures": MEASURE_COLUMNS,
          "awaiting-data": MEASURE_COLUMNS}
_MEASURES = ("objective", "measure", "year-2", "year-1", "value", "target", "rating",
             "direction", "benchmark", "benchmark-group", "frequency")
DEFAULT_COLUMNS = {
    "progress": ("id", "objective", "expected-completion", "progress", "comments"),
    "latest-measures": _MEASURES,
    "previous-quarter-measures": _MEASURES[:7] + ("as-at",) + _MEASURES[7:],
    "annual-measures": _MEASURES,
    "awaiting-data": ("objective", "measure", "year-2", "year-1", "target", "benchmark",
                      "benchmark-group", "frequency"),
}


@dataclass(frozen=True)
class Column:
    name: str                  # one of the table's columns, e.g. "year-1"
    heading: str | None = None  # the council's own heading; None: the catalogue's words


@dataclass(frozen=True)
class Profile:
    """How a council's report is laid out and worded (defaults: seed 001)."""

    language: str = "en-GB"
    sections: tuple[str, ...] = SECTIONS
    outcome_parts: tuple[str, ...] = DEFAULT_OUTCOME_PARTS
    columns: Mapping[str, tuple[Column, ...]] = field(default_factory=lambda: {
        table: tuple(Column(name) for name in names) for table, names in DEFAULT_COLUMNS.items()})
    percentages: bool = False      # "1 (3%) has been completed, ..."
    measures_sentence: bool = True  # the overview's sentence counting measure ratings
    # which rated measures are counted: "all", or "this-quarter" (not those whose data is
    # from an earlier quarter: they are shown in their table but were last quarter's news)
    count: str = "all"
    roll_up: str = "average"  # how an outcome's statement combines ratings (compute.rate)
    overview_wheel: str = "counts"  # or "by-outcome": outcomes inside their objectives
    words: Mapping[str, str | list[str]] = field(default_factory=dict)

    def has(self, part: str) -> bool:
        """Tell whether the report shows a section or an outcome part."""
        return part in self.sections or part in self.outcome_parts
