"""Item kinds beyond objectives and measures (report 004): Council Plan milestones, priority
projects and strategic risks, each with its status now and, read from the previous quarter
directory (across plan years too), its status before.

Milestones and projects are judged against a status scheme from configuration (best
first); risks are scored impact x likelihood on the council's scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("milestones", "projects", "risks")


@dataclass(frozen=True)
class Status:
    """A status word of an item scheme: "On track", "Green / Amber"."""

    label: str
    colour: str
    description: str = ""
    met: bool = False  # counts towards "on track" / "green or amber / green" sentences
    counted: bool = True  # False: accepted and shown, not counted (Retained, N/A)
    closed: bool = False  # the item is closed, no longer reported (N/A)


@dataclass(frozen=True)
class StatusScheme:
    """The statuses of one item kind, best first; `new` is what a first report shows in
    the "before" column (NEW), "" for none."""

    name: str
    statuses: tuple[Status, ...]
    new: str = ""

    @property
    def ranked(self) -> list[Status]:
        """Return the counted statuses, best first: the rows of a cross-table."""
        return [s for s in self.statuses if s.counted]

    def find(self, word: str) -> Status | None:
        """Return the status a typed word names, ignoring case and spacing around '/'."""
        key = _key(word)
        return next((s for s in self.statuses if _key(s.label) == key), None)

    def change(self, before: Status | None, now: Status | None) -> str | None:
        """Return improved, worsened, new, closed or None (the same, or not comparable)."""
        if now is None:
            return None
        if before is None:
            return "new" if self.new else None
        if now.closed and not before.closed:
            return "closed"
        ranked = [s.label for s in self.ranked]
        if before.label == now.label or before.label not in ranked or now.label not in ranked:
            return None
        return "improved" if ranked.index(now.label) < ranked.index(before.label) else "worsened"


def _key(word: str) -> str:
    return " / ".join(part.strip() for part in word.casefold().split("/"))


@dataclass
class Item:
    """What milestones and projects share: an id, a title, a theme (the outcome), an owner
    who updates it, a status now and the status the previous quarter reported."""

    id: str
    title: str
    outcome_id: str
    owner: str
    status: Status | None = None
    comment: str = ""
    previous: Status | None = None
    previous_known: bool = False  # a previous quarter directory was there to read
    source: str | None = None  # file:line of the update, None when not updated

    @property
    def updated(self) -> bool:
        return self.status is not None


@dataclass
class Milestone(Item):
    pass


@dataclass
class Project(Item):
    stage: str = ""
    closed: str = ""  # why it closed (N/A): "project closure"


@dataclass(frozen=True)
class RiskScale:
    """The council's risk scale: words for impact and likelihood, lowest first, for threats
    and for opportunities; and the score levels (lowest score of each), highest first."""

    impact: tuple[str, ...]
    likelihood: tuple[str, ...]
    opportunity_impact: tuple[str, ...]
    opportunity_likelihood: tuple[str, ...]
    levels: tuple[tuple[int, str, str], ...]  # (lowest score, word, colour), highest first

    @property
    def highest(self) -> int:
        """Return the highest score the grid has: 16 on a 4x4 scale."""
        return len(self.impact) * len(self.likelihood)

    def axes(self, kind: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return the impact and likelihood words of a threat or an opportunity."""
        if kind == "opportunity":
            return self.opportunity_impact, self.opportunity_likelihood
        return self.impact, self.likelihood

    def level(self, score: int) -> tuple[str, str]:
        """Return the score's level word and colour: (Significant, #d4351c)."""
        for lowest, word, colour in self.levels:
            if score >= lowest:
                return word, colour
        return self.levels[-1][1], self.levels[-1][2]


@dataclass
class Risk:
    """A strategic risk, scored impact x likelihood on the council's scale."""

    id: str  # as the council writes it: SR8_CR7
    title: str
    outcome_id: str
    owner: str
    kind: str = "threat"  # threat | opportunity
    impact: int | None = None
    likelihood: int | None = None
    target_score: int | None = None
    closed: str = ""  # why it closed: "settlement reached"
    comment: str = ""
    previous_score: int | None = None
    previous_known: bool = False  # a previous quarter directory was there to read
    previous_present: bool = False  # it named this risk (a score or not): not new
    previous_closed: bool = False
    source: str | None = None

    @property
    def score(self) -> int | None:
        if self.impact is None or self.likelihood is None:
            return None
        return self.impact * self.likelihood

    @property
    def updated(self) -> bool:
        return self.score is not None or bool(self.closed)

    @property
    def change(self) -> str | None:
        """Return new, closed, decreased, increased or None (unchanged or not known)."""
        if not self.previous_known:
            return None
        if self.closed:
            return None if self.previous_closed else "closed"
        if not self.previous_present:
            return "new"
        if self.score is None or self.previous_score is None or self.score == self.previous_score:
            return None
        return "decreased" if self.score < self.previous_score else "increased"


@dataclass
class Items:
    """A report's milestones, projects and risks, in plan order, with their schemes."""

    milestones: list[Milestone] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    risks: list[Risk] = field(default_factory=list)
    schemes: dict[str, StatusScheme] = field(default_factory=dict)  # milestones, projects
    scale: RiskScale | None = None
    before_label: str = ""  # the previous quarter, in data: "Quarter 4 2022-23"
    before: tuple[str, int] | None = None  # its plan year and quarter, for the report's words
    cross_tables: tuple[str, ...] = ("theme",)  # groupings of the cross-tables: theme, owner

    def __bool__(self) -> bool:
        return bool(self.milestones or self.projects or self.risks)


GREEN, AMBER, RED, BLUE, GREY = "#00703c", "#f47738", "#d4351c", "#1d70b8", "#505a5f"
AMBER_GREEN, AMBER_RED = "#85994b", "#b58840"

# Built-in schemes: Derby City's words (report 004's supporting notes).
BUILT_IN: dict[str, StatusScheme] = {
    "milestones": StatusScheme("Council Plan milestones", (
        Status("Completed", BLUE, "Completed", met=True),
        Status("On track", GREEN, "On track within agreed deadlines", met=True),
        Status("Some slippage", AMBER, "Some slippage against agreed deadlines"),
        Status("Major slippage", RED, "Major slippage against agreed deadlines"),
        Status("Retained", BLUE, "An accreditation retained", counted=False),
    )),
    "projects": StatusScheme("Priority projects", (
        Status("Green", GREEN, "All key criteria (time, cost, scope and benefits) are on "
               "track to be achieved", met=True),
        Status("Green / Amber", AMBER_GREEN, "One of the key criteria may not be delivered "
               "within tolerance", met=True),
        Status("Amber", AMBER, "Some of the key criteria may not be delivered within "
               "tolerance"),
        Status("Amber / Red", AMBER_RED, "Two or three of the key criteria may not be "
               "delivered within tolerance"),
        Status("Red", RED, "All four key criteria cannot be delivered without further "
               "significant intervention"),
        Status("N/A", GREY, "Project closed: no longer reported", counted=False, closed=True),
    ), new="NEW"),
}

DERBY_SCALE = RiskScale(
    impact=("Low", "Medium", "High", "Very high"),
    likelihood=("Remote", "Possible", "Probable", "Highly probable"),
    opportunity_impact=("Insignificant", "Minor", "Moderate", "Significant"),
    opportunity_likelihood=("Rare", "Unlikely", "Probable", "Highly probable"),
    levels=((12, "Significant", RED), (6, "Medium", AMBER), (1, "Low", GREEN)),
)
BUILT_IN_SCALES = {"4x4": DERBY_SCALE}  # plan.yaml's risk_scale: by name
