"""`reportgen init DIR`: a new council's data repository, ready to validate and build.

It writes one outcome, one objective and one measure as commented worked examples, the
first quarter with an update for each, the settings, .gitignore, pre-commit, a CI workflow
and a README for the council's own team. It never writes into a directory with anything
in it, and it checks what it wrote through the same pipeline every command uses.
"""

from __future__ import annotations

import datetime
import json
import re
import string
from pathlib import Path

from reportgen import __version__
from reportgen.core.errors import UsageError, display_path
from reportgen.core.output import write_all
from reportgen.core.ratings import BUILT_IN
from reportgen.core.resources import CI_TEMPLATES
from reportgen.data.layout import PLAN_FILE, REPORT_FILE
from reportgen.data.schema import SCHEMA_FILE, json_schema, schema_comment
from reportgen.pipeline import load_report

DEFAULT_SCHEME = "strong-good-review-action"
# Words that name the kind of council, left out of its data folder: data/exampleshire/
KINDS = {"council", "county", "borough", "district", "city", "metropolitan", "of", "the"}


def plan_year(today: datetime.date | None = None) -> str:
    """Return the plan year a date falls in: councils' years start in April (2026-27)."""
    today = today or datetime.date.today()
    start = today.year if today.month >= 4 else today.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def council_slug(council: str) -> str:
    """Return the data folder's name for a council: "Exampleshire County Council" ->
    "exampleshire" (the whole name when it is nothing but kind words)."""
    words = re.findall(r"[a-z0-9]+", council.lower())
    kept = [w for w in words if w not in KINDS] or words
    if not kept:
        raise UsageError(f"--council '{council}': give the council's name in letters, "
                         "such as 'Exampleshire County Council'")
    return "-".join(kept)


def init(target: Path, council: str, year: str | None = None,
         scheme: str = DEFAULT_SCHEME) -> list[str]:
    """Write a new data repository into `target` (absent or empty) and return what was
    done, line by line; raise UsageError when it cannot be done as asked."""
    year = year or plan_year()
    _check(target, council, year, scheme)
    quarter = Path("data") / council_slug(council) / year / "q1"
    files = _files(target, council.strip(), year, scheme, quarter)
    write_all(files)
    load_report(target / quarter)  # what init writes must check as it tells people it does
    return [f"wrote {display_path(target)}: {len(files)} files for {council.strip()}, "
            f"{year} Quarter 1",
            *(f"  {path.relative_to(target).as_posix()}" for path in sorted(files))]


def _check(target: Path, council: str, year: str, scheme: str) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{display_path(target)} is not empty: init only writes into a new "
                         "or empty directory, so nothing of yours is overwritten")
    if not council.strip():
        raise UsageError("--council: give the council's name, e.g. 'Exampleshire County "
                         "Council'")
    found = re.fullmatch(r"(\d{4})-(\d{2})", year)
    if found is None or (int(found.group(1)) + 1) % 100 != int(found.group(2)):
        raise UsageError(f"--year '{year}': write the plan year as YYYY-YY, such as "
                         f"{plan_year()}")
    if scheme not in BUILT_IN:
        raise UsageError(f"--scheme '{scheme}' is not a rating scheme; choose from "
                         f"{', '.join(BUILT_IN)}")


def _files(target: Path, council: str, year: str, scheme: str,
           quarter: Path) -> dict[Path, bytes]:
    """Return every file of the new repository by its path."""
    schema = target / SCHEMA_FILE
    texts = {
        "reportgen.toml": _settings_text(council, quarter),
        ".gitignore": GITIGNORE,
        ".pre-commit-config.yaml": PRE_COMMIT,
        ".vscode/settings.json": json.dumps(
            {"yaml.schemas": {f"./{SCHEMA_FILE.as_posix()}": ["data/**/*.yaml"]}}, indent=2) + "\n",
        ".github/workflows/reportgen.yml": _workflow(),
        "README.md": _readme(council, quarter),
        SCHEMA_FILE.as_posix(): json.dumps(json_schema(), indent=2) + "\n",
    }
    data = {
        quarter.parent / PLAN_FILE: _plan_text(council, year, scheme),
        quarter / REPORT_FILE: _report_text(council, year),
        quarter / "corporate-services.yaml": UPDATE,
    }
    for path, text in data.items():  # editor completion, as in the sample
        texts[path.as_posix()] = schema_comment(target / path, schema) + text
    return {target / name: text.encode("utf-8") for name, text in texts.items()}


def _settings_text(council: str, quarter: Path) -> str:
    return f'''# reportgen's settings for {council}: see reportgen's docs/configuration.md.
quarter = "{quarter.as_posix()}"   # the quarter in progress: commands use it when given none
output = "output"                         # where build and export write (not committed)

[branding]
# colour = "#1d3c6e"                      # headings, table heads, the cover's rule
# logo = "branding/logo.svg"              # SVG, PNG or JPEG, on the cover
# stylesheet = "branding/council.css"     # your CSS, added after reportgen's own
'''


def _plan_text(council: str, year: str, scheme: str) -> str:
    start = int(year[:4])
    return f'''# The plan: what {council} promised to do and measure in {year}. One outcome, one
# strategic objective and one measure to start from: copy a block to add more, keeping
# the indentation (spaces, never tabs). docs/data-format.md describes every field.
council: {council}
plan: Council Plan {start}-{str(start + 4)[2:]}
year: {year}                      # the plan year, YYYY-YY
ratings: {scheme}   # how a measure's value and target become a rating
outcomes:
  - id: place                     # a short id in lower case; report.yaml uses it
    name: Place                   # printed before the title: "Place: A prosperous ..."
    title: A prosperous and green county
    objectives:
      - id: SO-01                 # unique in the plan; update files use it
        title: Fix more potholes within the target time
        expected_completion: "{start + 1}-03"   # YYYY-MM, printed "Mar {start + 1}"
        owner: Corporate Services   # the service that updates it (`reportgen status`)
        measures:
          - id: potholes-in-time  # stable from year to year: lower case and hyphens
            title: Percentage of potholes fixed within the target time
            unit: percent         # count | percent | currency | number
            better: higher        # higher | lower: which way is better
            reporting: quarterly  # quarterly or annual: which table it is in
            frequency: Monthly    # printed as the Reporting Frequency
            benchmark_group: Local Measure
'''


def _report_text(council: str, year: str) -> str:
    return f'''# The quarter's report text (Markdown). `reportgen new-quarter` starts the next
# quarter from this one.
quarter: 1                        # 1 to 4; Quarter 1 is April to June
introduction: |
  Welcome to {council}'s performance report for Quarter 1 {year}.
achievements_intro: |
  Highlights from Quarter 1 include:
achievements:
  place:                          # an outcome id from plan.yaml
    - More potholes were fixed within the target time than last quarter.
'''


UPDATE = '''# Corporate Services' update for the quarter: one file per service, any name.
objectives:
  SO-01:                          # an objective id from plan.yaml
    progress: Good                # Complete, Good, Review or Action; leave out until known
    comment: |                    # Markdown: paragraphs, lists with "- ", **bold**, links
      Repairs are on track for the quarter.
measures:
  potholes-in-time:               # a measure id from plan.yaml
    value: "84.1%"                # the latest figure, year to date
    target: "90.0%"               # the rating comes from the value and the target
'''

GITIGNORE = """# What reportgen builds: made again from the data, never committed.
output/
# Local tools.
.venv/
__pycache__/
"""

PRE_COMMIT = """# Check the report data on every commit:
#   pip install pre-commit && pre-commit install
# This uses the reportgen installed on the machine (see README.md).
repos:
  - repo: local
    hooks:
      - id: reportgen-validate
        name: reportgen validate
        entry: reportgen validate
        language: system
        files: ^data/.*\\.ya?ml$
        require_serial: true
"""


def _workflow() -> str:
    """Return the GitHub Actions workflow of docs/ci, installing this version of reportgen."""
    text = (CI_TEMPLATES / "github-actions.yml").read_text(encoding="utf-8")
    return text.replace("@v0.1.0", f"@v{__version__}")


def _readme(council: str, quarter: Path) -> str:
    return README.substitute(council=council, quarter=quarter.as_posix(),
                             year_dir=quarter.parent.as_posix(),
                             update=(quarter / "corporate-services.yaml").as_posix(),
                             version=__version__, schema=SCHEMA_FILE.as_posix())


README = string.Template('''# $council: performance report data

The data of $council's quarterly performance report, kept as YAML and made into an
accessible PDF and HTML by [reportgen](https://github.com/YOUR-ORG/reportgen).

| where | what |
|---|---|
| `$year_dir/plan.yaml` | the plan: outcomes, strategic objectives, measures |
| `$quarter/report.yaml` | the quarter's introduction and achievements |
| `$quarter/*.yaml` | one update file per service: progress, comments, figures |
| `reportgen.toml` | the quarter in progress, branding |

## Each quarter

Service leads: edit your file, check it, look at it, then open a pull request.

```sh
reportgen validate $update   # every problem with file:line
reportgen preview                                   # the draft in your browser, live
```

The policy team:

```sh
reportgen new-quarter $quarter $year_dir/q2   # start the next quarter
reportgen status                                    # what still awaits an update
reportgen build                                     # the PDF and HTML, into output/
```

After `new-quarter`, change `quarter` in `reportgen.toml` to the new quarter.

## Set up once

- Install reportgen $version (Python 3.11 or newer) on each machine that edits data.
- `pip install pre-commit && pre-commit install`: every commit is then checked.
- `.github/workflows/reportgen.yml` checks every pull request: set `REPORTGEN` in it to
  where your council installs reportgen from.
- `.vscode/settings.json` gives VS Code completion from `$schema`.
''')
