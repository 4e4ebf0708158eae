"""Measure how fast reportgen builds, against WeasyPrint alone (not a test).

    python benchmarks/run.py --json FILE [--runs N] [--quick]

Every measurement is a fresh process, timed from outside, with the runs of all the
measurements interleaved so that a busy machine slows them alike; the medians (with min
and max) go to FILE, and the ratios that the targets are about are printed.

  floor_s         WeasyPrint alone, tagged PDF/UA-1, in a fresh process: the exact HTML and
                  charts a build hands it (charts served from memory); none of our steps
  cold_s          `reportgen build` of the sample with an empty chart cache
  warm_s          the same after one comment changed, chart cache warm
  layout_s, write_s, finish_s, gc_s
                  the PDF steps of that warm build, timed inside it (`reportgen -v`):
                  WeasyPrint's layout, its writing of the PDF, our PDF/UA finishing, and
                  of those three the time Python's cyclic collector took
  first_run_s     a cold build as on a fresh machine: a new, empty HOME (no Matplotlib or
                  other caches of any kind), no XDG or MPLCONFIGDIR settings
  preview_s       the live preview's rebuild after one comment changed: `reportgen preview`
                  rebuilds in its long-lived process (serve.DraftBuilder), timed in one
  html_build_s    `reportgen build --format html` after one comment changed, in a fresh
                  process, cache warm (for comparison: start-up is most of it)
  validate_s      `reportgen validate` of the sample
  publish_s       `reportgen publish` of Exampleshire's 8 quarters (two plan years), chart
                  cache warm: one process, one PDF child and chart pool for every quarter
  builds8_s       the same 8 quarters as 8 separate `reportgen build` runs, added up
  scale_x1_s, scale_x10_s, scale_x1_peak_mb, scale_x10_peak_mb
                  cold builds of the sample and of a generated 10x dataset, and the peak
                  RSS of the largest process of each build (getrusage RUSAGE_CHILDREN)
  *_cpu_s         the CPU time of each, all its processes together (less noisy than wall
                  time on a shared machine, but it does not see parallelism)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "derbyshire" / "2025-26"
COUNCIL = ROOT / "data" / "exampleshire"  # 8 quarters: what publish_s and builds8_s build
BIN = Path(sys.executable).parent
REPORTGEN = str(BIN / "reportgen")

EDITED = "A new strategy is being developed"  # in a comment in place.yaml

TARGETS = [  # (key, limit, relative to): issue 19
    ("warm_s", 1.05, "floor_s"),
    ("cold_s", 1.2, "floor_s"),
    ("finish_s", 0.1, "layout_s"),
    ("first_run_s", 1.05, "cold_s"),  # "no more than a cold build", within noise
    ("preview_s", 0.02, "cold_s"),
    ("validate_s", 0.05, "cold_s"),
    ("scale_x10_s", 8.0, "scale_x1_s"),
    ("scale_x10_peak_mb", 3.5, "scale_x1_peak_mb"),
    ("publish_s", 0.7, "builds8_s"),
]

# Run in a wrapper process per measurement: it becomes the "subreaper" of the build, so
# that the fork server and pool workers, orphaned when the build exits, are reaped by it and
# counted in its RUSAGE_CHILDREN.
WRAPPER = r"""
import ctypes, json, os, resource, subprocess, sys, time
PR_SET_CHILD_SUBREAPER = 36
ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
seconds = time.perf_counter() - start
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "seconds": seconds, "peak_mb": usage.ru_maxrss / 1024,
                  "cpu_s": usage.ru_utime + usage.ru_stime}))
"""

# WeasyPrint alone, tagged PDF/UA-1: the HTML the build hands it, the charts served from
# memory by the build's guarded fetcher; none of our steps (no finisher, no finishing).
FLOOR = r"""
import sys
from pathlib import Path
import weasyprint
from reportgen.pdf.write import guarded_fetcher
saved, STYLES = Path(sys.argv[1]), Path(sys.argv[2])
charts = {p.name: p.read_bytes() for p in (saved / "charts").iterdir()}
html = (saved / "report.html").read_text(encoding="utf-8")
pdf = weasyprint.HTML(string=html, base_url=STYLES.resolve().as_uri() + "/",
                      url_fetcher=guarded_fetcher([STYLES], charts.__getitem__)).write_pdf(
                          pdf_variant="pdf/ua-1", pdf_tags=True)
(saved / "floor.pdf").write_bytes(pdf)
"""

# Save the HTML and chart files that a build hands to WeasyPrint.
CAPTURE = r"""
import sys
from pathlib import Path
import reportgen.pipeline
from reportgen.pipeline import build
saved = Path(sys.argv[2])
real = reportgen.pipeline.render_pdf  # the build hands the sandboxed child the HTML and charts
def capture(html, *, base, roots, charts, later=None, **kwargs):
    (saved / "report.html").write_text(html, encoding="utf-8")
    (saved / "charts").mkdir(exist_ok=True)
    files = {**charts, **({name: later.get(name) for name in later.names} if later else {})}
    for name, data in sorted(files.items()):
        (saved / "charts" / name).write_bytes(data)
    return real(html, base=base, roots=roots, charts=charts, later=later, **kwargs)
reportgen.pipeline.render_pdf = capture
if __name__ == "__main__":
    build(Path(sys.argv[1]), saved / "out", formats=("pdf",))
"""

# A long-lived process rebuilding the draft on request, as `reportgen preview` does.
PREVIEW = r"""
import sys, time
from pathlib import Path
from reportgen.preview.draft import DraftBuilder
quarter, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
builder = DraftBuilder(quarter)
builder()
for line in sys.stdin:
    start = time.perf_counter()
    (out / "index.html").write_text(builder().html, encoding="utf-8")
    print(time.perf_counter() - start, flush=True)
"""


def main() -> None:
    """Run the benchmark and write the JSON file."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", required=True, type=Path, help="file to write the figures to")
    parser.add_argument("--runs", type=int, help="runs of each measurement (default 5; 1 quick)")
    parser.add_argument("--quick", action="store_true", help="one run each: a smoke test")
    parser.add_argument("--only", help="comma-separated measurements, e.g. floor,cold,warm")
    args = parser.parse_args()
    runs = args.runs or (1 if args.quick else 5)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as tmp:
        figures = Bench(Path(tmp)).run(runs, args.only.split(",") if args.only else None)
    figures["machine"] = machine()
    # how busy the machine was (other work than ours): 1-minute load at start and end
    figures["machine"]["load_average_at_start"] = [round(x, 2) for x in load_before]
    args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    report(figures)


class Bench:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.env = dict(os.environ)
        # Python's own bytecode cache, kept out of the repository: what a user's machine has.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        self.env["REPORTGEN_CACHE_DIR"] = str(tmp / "cache-warm")
        self.x1 = copy_sample(tmp / "x1", 1)
        self.x10 = copy_sample(tmp / "x10", 10)
        self.council = tmp / "council"
        shutil.copytree(COUNCIL, self.council)
        self.quarters = sorted(q.parent for q in self.council.glob("*/q*/report.yaml"))
        self.comment = self.x1 / "place.yaml"
        self.original = self.comment.read_text(encoding="utf-8")
        assert self.original.count(EDITED) == 1
        self.edits = 0

    def run(self, runs: int, only: list[str] | None = None) -> dict[str, object]:
        """Interleave `runs` rounds of every measurement and return medians, min and max."""
        self.prepare()
        samples: dict[str, list[float]] = {}
        measures = {k: v for k, v in self.measures().items() if not only or k in only}
        for round_ in range(runs):
            for measure in measures.values():
                for name, value in measure().items():
                    samples.setdefault(name, []).append(value)
            print(f"round {round_ + 1}/{runs}: " + ", ".join(
                f"{k} {v[-1]:.2f}" for k, v in samples.items() if "_cpu" not in k),
                file=sys.stderr)
        self.preview.stdin.close()
        self.preview.wait()
        out: dict[str, object] = {k: round(statistics.median(v), 3) for k, v in samples.items()}
        out["spread"] = {k: [round(min(v), 3), round(max(v), 3)] for k, v in samples.items()}
        out["ratios"] = paired_ratios(samples)
        out["runs"] = runs
        return out

    def prepare(self) -> None:
        """Warm the chart cache and Python's bytecode, save the floor's input, start the
        long-lived preview process."""
        self.call([REPORTGEN, "build", str(self.x1), "-o", str(self.tmp / "warm")])
        self.saved = self.tmp / "floor"
        self.saved.mkdir()
        self.call([sys.executable, "-c", CAPTURE, str(self.x1), str(self.saved)])
        self.call([REPORTGEN, "validate", str(self.x1)])
        self.call([REPORTGEN, "publish", str(self.council), "-o", str(self.tmp / "site")])
        self.preview = subprocess.Popen(  # noqa: S603 - our interpreter, our script
            [sys.executable, "-c", PREVIEW, str(self.x1), str(self.tmp / "preview")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=self.env)

    def measures(self) -> dict[str, Callable[[], dict[str, float]]]:
        return {
            "floor": lambda: self.timed("floor_s", [sys.executable, "-c", FLOOR,
                                                    str(self.saved), str(ROOT / "styles")]),
            "cold": lambda: self.timed("cold_s", self.build(self.x1), cold=True),
            "warm": self.warm,
            "first_run": lambda: self.timed("first_run_s", self.build(self.x1),
                                            fresh_home=True),
            "html_build": lambda: self.timed(
                "html_build_s", self.build(self.x1, "--format", "html"), edit=True),
            "preview": self.preview_rebuild,
            "validate": lambda: self.timed("validate_s", [REPORTGEN, "validate", str(self.x1)]),
            "scale_x1": lambda: self.scaled("scale_x1", self.x1),
            "scale_x10": lambda: self.scaled("scale_x10", self.x10),
            "publish": lambda: self.timed("publish_s", [REPORTGEN, "publish", str(self.council),
                                                        "-o", str(self.tmp / "site")]),
            "builds8": self.separate_builds,
        }

    def separate_builds(self) -> dict[str, float]:
        """Return the time of building each of the council's quarters in its own process."""
        runs = [self.wrapped(self.build(quarter)) for quarter in self.quarters]
        return {"builds8_s": sum(r["seconds"] for r in runs),
                "builds8_cpu_s": sum(r["cpu_s"] for r in runs)}

    def build(self, quarter: Path, *extra: str) -> list[str]:
        return [REPORTGEN, "build", str(quarter), "-o", str(self.tmp / "out"), *extra]

    def timed(self, name: str, argv: list[str], *, cold: bool = False,
              edit: bool = False, fresh_home: bool = False) -> dict[str, float]:
        """Return the wall time (and CPU time, all processes) of a fresh-process run."""
        result = self.wrapped(argv, cold=cold, edit=edit, fresh_home=fresh_home)
        return {name: result["seconds"], name.replace("_s", "_cpu_s"): result["cpu_s"]}

    def warm(self) -> dict[str, float]:
        """Time a warm build, and read the PDF steps' times it reports with --verbose."""
        argv = self.build(self.x1)
        result = self.wrapped([argv[0], "--verbose", *argv[1:]], edit=True)
        steps = next((line.split(":", 1)[1] for line in result["stderr"].splitlines()
                      if line.strip().startswith("PDF steps:")), "")
        out = {"warm_s": result["seconds"], "warm_cpu_s": result["cpu_s"]}
        for item in steps.split(","):
            if item.strip():
                key, value = item.split()
                out[key] = float(value)
        if "finish_s" not in out:
            raise SystemExit(f"the build did not report its PDF steps: {result['stderr']}")
        return out

    def scaled(self, name: str, quarter: Path) -> dict[str, float]:
        result = self.wrapped(self.build(quarter), cold=True)
        return {f"{name}_s": result["seconds"], f"{name}_peak_mb": result["peak_mb"],
                f"{name}_cpu_s": result["cpu_s"]}

    def wrapped(self, argv: list[str], *, cold: bool = False, edit: bool = False,
                fresh_home: bool = False) -> dict[str, Any]:
        """Run argv under the wrapper; cold: with an empty chart cache; edit: after
        changing one comment; fresh_home: as on a fresh machine, with a new empty HOME and
        no cache settings (so an empty chart cache too). Return the wrapper's figures and
        the run's stderr."""
        env = dict(self.env)
        scratch = None
        if cold or fresh_home:
            scratch = Path(tempfile.mkdtemp(dir=self.tmp, prefix="cold-"))
            env["REPORTGEN_CACHE_DIR"] = str(scratch)
        if fresh_home:
            for name in ("REPORTGEN_CACHE_DIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME",
                         "XDG_DATA_HOME", "MPLCONFIGDIR"):
                env.pop(name, None)
            env["HOME"] = str(scratch)
        if edit:
            self.edit_comment()
        run = subprocess.run([sys.executable, "-c", WRAPPER, *argv], env=env,  # noqa: S603
                             capture_output=True, text=True, check=True)
        result: dict[str, Any] = json.loads(run.stdout)
        if result["code"] != 0:
            raise SystemExit(f"failed ({result['code']}): {' '.join(argv)}\n{run.stderr}")
        if scratch is not None:
            shutil.rmtree(scratch)
        result["stderr"] = run.stderr
        return result

    def preview_rebuild(self) -> dict[str, float]:
        self.edit_comment()
        self.preview.stdin.write("go\n")
        self.preview.stdin.flush()
        return {"preview_s": float(self.preview.stdout.readline())}

    def edit_comment(self) -> None:
        """Change one objective's comment, as a service officer does between builds."""
        self.edits += 1
        self.comment.write_text(self.original.replace(EDITED, f"{EDITED} (edit {self.edits})"),
                                encoding="utf-8")

    def call(self, argv: list[str]) -> None:
        subprocess.run(argv, env=self.env, check=True, stdout=subprocess.DEVNULL,  # noqa: S603
                       stderr=subprocess.DEVNULL)


def copy_sample(target: Path, times: int) -> Path:
    """Copy the sample year into target, each outcome `times` times with new ids (and
    measure titles, so that every copy's charts differ); return the quarter directory."""
    year = target / SAMPLE.name
    quarter = year / "q1"
    if times == 1:  # byte for byte: YAML read and written again loses how numbers were typed
        shutil.copytree(SAMPLE, year)
        return quarter
    quarter.mkdir(parents=True)
    plan = load(SAMPLE / "plan.yaml")
    plan["outcomes"] = [renamed(o, copy) for copy in range(1, times + 1)
                        for o in plan["outcomes"]]
    dump(plan, year / "plan.yaml")
    text = load(SAMPLE / "q1" / "report.yaml")
    text["achievements"] = {f"{k}{suffix(c)}": v for c in range(1, times + 1)
                            for k, v in text["achievements"].items()}
    dump(text, quarter / "report.yaml")
    for path in sorted((SAMPLE / "q1").glob("*.yaml")):
        if path.name == "report.yaml":
            continue
        update = load(path)
        for copy in range(1, times + 1):
            dump({part: {f"{k}{suffix(copy)}": v for k, v in (update.get(part) or {}).items()}
                  for part in ("objectives", "measures")},
                 quarter / f"{path.stem}{suffix(copy)}.yaml")
    return quarter


def renamed(outcome: dict, copy: int) -> dict:
    """Return a copy of a plan outcome with every id (and measure title) made unique."""
    s = suffix(copy)
    objectives = [{**o, "id": o["id"] + s, "measures": [
        {**m, "id": m["id"] + s, "title": m["title"] + (f" ({copy})" if copy > 1 else "")}
        for m in o.get("measures", [])]} for o in outcome["objectives"]]
    return {**outcome, "id": outcome["id"] + s, "objectives": objectives}


def suffix(copy: int) -> str:
    return "" if copy == 1 else f"-c{copy}"


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:  # reportgen refuses anchors and aliases
        return True


def dump(data: dict, path: Path) -> None:
    path.write_text(yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def machine() -> dict[str, Any]:
    """Return what the figures were measured on."""
    model = ""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True,  # noqa: S603, S607
                               text=True).stdout
        model = next((line.split(":", 1)[1].strip() for line in lscpu.splitlines()
                      if line.startswith("Model name")), "")
    except OSError:
        pass
    from importlib import metadata

    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(),
            "versions": {name: metadata.version(name) for name in
                         ("weasyprint", "pydyf", "pikepdf", "matplotlib", "pillow")},
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def paired_ratios(samples: dict[str, list[float]]) -> dict[str, float]:
    """Return, for each target, the median of its ratio within each round: the two were
    measured a minute apart, so a machine busier in one round than another cancels out."""
    out = {}
    for key, _limit, base in TARGETS:
        pairs = list(zip(samples.get(key, []), samples.get(base, []), strict=False))
        if pairs:
            out[f"{key}/{base}"] = round(statistics.median(a / b for a, b in pairs), 3)
    return out


def report(figures: dict[str, Any]) -> None:
    """Print each target's ratio (the median of the rounds' ratios) and whether it holds."""
    ratios = figures.get("ratios", {})
    for key, limit, base in TARGETS:
        if key not in figures or base not in figures:
            continue
        ratio = ratios.get(f"{key}/{base}", figures[key] / figures[base])
        verdict = "holds" if ratio <= limit else "MISSED"
        cpu, cpu_base = key.replace("_s", "_cpu_s"), base.replace("_s", "_cpu_s")
        by_cpu = (f"; CPU time {figures[cpu] / figures[cpu_base]:.2f} x"
                  if key.endswith("_s") and cpu in figures and cpu_base in figures else "")
        print(f"{key:18} {figures[key]:8.3f} = {ratio:5.2f} x {base:17} "
              f"(target <= {limit}): {verdict}{by_cpu}")
    if "html_build_s" not in figures or "cold_s" not in figures:
        return
    ratio = figures["html_build_s"] / figures["cold_s"]
    print(f"{'html_build_s':18} {figures['html_build_s']:8.3f} = {ratio:5.2f} "
          f"x cold_s            (a fresh process, for comparison)")


if __name__ == "__main__":
    main()
