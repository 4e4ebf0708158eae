"""The chart stage: every chart's file, read from an on-disk cache or drawn in a process pool.

A chart's file depends only on its data and style (charts.chart_key), the format and the
drawing libraries' versions, so it is cached under that name outside the repository and an
unchanged chart is never redrawn. Charts that are not cached are drawn in worker processes
started as soon as the build knows it needs them; the PDF's URL fetcher waits for one only
when WeasyPrint reaches its <img>, so layout overlaps drawing. Nothing here imports
Matplotlib when every chart is cached.
"""

from __future__ import annotations

import base64
import functools
import logging
import multiprocessing
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from importlib import metadata
from pathlib import Path
from types import TracebackType

from reportgen.charts import lifeline
from reportgen.charts.draw import draw
from reportgen.charts.spec import STYLE_VERSION, Chart, chart_key
from reportgen.core.signals import ctrl_c_blocked

log = logging.getLogger("reportgen.charts.store")

# PNG, not SVG: WeasyPrint lays out the sample 1.8x faster with PNG charts and uses less
# memory, and at 150 dpi they look the same at 200% zoom (docs/performance.md).
FORMAT = "png"
MIME = {"png": "image/png", "svg": "image/svg+xml"}

# Imported once by the fork server, so each worker forked from it starts warm ("__main__"
# too, else every worker would run the main script again). The lifeline first: the fork
# server exits with the build, even a SIGKILLed one; ignore_interrupt leaves Ctrl+C to the
# command line. reportgen.charts.mpl before Matplotlib's own: it imports Matplotlib with our
# fonts only.
_PRELOAD = ["reportgen.charts.lifeline", "reportgen.charts.ignore_interrupt", "__main__",
            "reportgen.charts.store", "reportgen.charts.mpl",
            "matplotlib.backends.backend_agg", "matplotlib.figure", "matplotlib.textpath",
            "matplotlib.ticker", "PIL.PngImagePlugin"]


def cache_root() -> Path:
    """Return the cache directory: $REPORTGEN_CACHE_DIR, else the XDG cache directory."""
    if os.environ.get("REPORTGEN_CACHE_DIR"):
        return Path(os.environ["REPORTGEN_CACHE_DIR"])
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "reportgen" / "charts"


def cache_dir(root: Path) -> Path:
    """Return the cache's subdirectory for this style and these library versions.

    The versions are part of the name because a new Matplotlib or Pillow may draw or
    compress differently, and a cached chart must be the bytes a cold build would draw.
    """
    versions = "-".join(_version(name) for name in ("matplotlib", "pillow"))
    return root / f"{STYLE_VERSION}-{versions}"


@functools.cache  # looked up by the CLI and again by build(): ~5 ms each
def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "none"


class ChartStore:
    """Every chart's file by key: cached ones read at once, the others drawn in a pool."""

    def __init__(self, charts: Iterable[Chart], *, cache: Path | None, jobs: int | None = None,
                 fmt: str = FORMAT, pool: SharedPool | None = None) -> None:
        self.fmt = fmt
        self._shared = pool
        self._cache = cache
        self._ready: dict[str, bytes] = {}
        self._todo: dict[str, Chart] = {}
        self._futures: dict[str, Future[bytes]] = {}
        self._pool: ProcessPoolExecutor | None = None
        self._starter: threading.Thread | None = None
        # Matplotlib's settings are global: one drawing at a time in this process (the PDF's
        # chart feeder and the HTML file's renderer may both ask for charts at once).
        self._drawing = threading.Lock()
        for chart in charts:
            key = chart_key(chart)
            if key in self._ready or key in self._todo:
                continue
            cached = _read(cache, key, fmt) if cache is not None else None
            if cached is None:
                self._todo[key] = chart
            else:
                self._ready[key] = cached
        if self._todo and (jobs or _cores()) > 1:
            self._start(jobs or _cores())

    def _start(self, jobs: int) -> None:
        """Submit every chart still to draw to a pool of worker processes, from a thread:
        starting the first worker waits for the fork server to import Matplotlib (~0.5 s),
        and the build has better things to do meanwhile."""
        try:
            # each worker exits when this process does, however it ends (charts.lifeline)
            self._pool = (self._shared.get() if self._shared is not None else
                          ProcessPoolExecutor(min(jobs, len(self._todo)), mp_context=_context(),
                                              initializer=lifeline.watch,
                                              initargs=(os.getpid(),)))
        except (OSError, ImportError) as exc:  # no semaphores here (no /dev/shm, a sandbox)
            log.warning("drawing charts in this process: %s", exc)
            return
        self._starter = threading.Thread(target=self._submit, args=(self._pool,),
                                         name="reportgen-charts", daemon=True)
        self._starter.start()

    def _submit(self, pool: ProcessPoolExecutor) -> None:
        try:
            for key, chart in self._todo.items():
                self._futures[key] = pool.submit(_draw_and_cache, chart, self.fmt, self._cache)
        except (OSError, RuntimeError, EOFError, ImportError) as exc:  # no worker started
            log.warning("drawing charts in this process: %s", exc)
            self._futures.clear()

    def name(self, chart: Chart) -> str:
        """Return the chart's file name, as the PDF's HTML refers to it: <key>.png."""
        return f"{chart_key(chart)}.{self.fmt}"

    def file(self, name: str) -> bytes:
        """Return the bytes of the chart file `name`, waiting for it to be drawn."""
        return self.get(name.removesuffix(f".{self.fmt}"))

    def get(self, key: str) -> bytes:
        """Return the chart's bytes by key, waiting for (or doing) the drawing if need be."""
        if key not in self._ready:
            self._ready[key] = self._result(key)
        return self._ready[key]

    def split(self) -> tuple[dict[str, bytes], list[str]]:
        """Return the files in hand by name (cached, or drawn and collected), and the names
        of the others, still being drawn."""
        ready = dict(self._ready)  # a copy: another thread may be adding to it
        ready_names = {f"{key}.{self.fmt}": data for key, data in ready.items()}
        return ready_names, [f"{key}.{self.fmt}" for key in self._todo if key not in ready]

    def _result(self, key: str) -> bytes:
        """Return the drawing of a chart that was not cached: the pool's, else our own. Two
        threads may wait for the same chart."""
        starter = self._starter
        if starter is not None:
            starter.join()
        future = self._futures.get(key)
        if future is not None:
            try:
                return future.result()
            except BrokenExecutor as exc:  # a worker died (killed, out of memory)
                log.warning("drawing charts in this process: %s", exc)
                if self._shared is not None:
                    self._shared.broken()
                self.close()
        with self._drawing:
            if key in self._ready:  # the other thread drew it meanwhile
                return self._ready[key]
            return _draw_and_cache(self._todo[key], self.fmt, self._cache)

    def data_uri(self, key: str) -> str:
        """Return the chart as a data: URI, for the self-contained HTML."""
        return data_uri(self.get(key), self.fmt)

    def inline(self, html: str) -> str:
        """Return the HTML with our charts' <img src="chart:<key>.png"> made data: URIs.
        Only templates make <img> tags: in user text "<" is escaped or sanitised away."""
        def swap(match: re.Match[str]) -> str:
            key = match[2]
            known = key in self._ready or key in self._todo
            return f'{match[1]}{self.data_uri(key)}"' if known else match[0]

        return re.sub(rf'(<img\b[^>]*?\ssrc=")chart:([0-9a-f]{{16}})\.{self.fmt}"', swap, html)

    def finish(self) -> None:
        """Wait for every chart, raising the first drawing error (the PDF only warns)."""
        for key in list(self._todo):
            self.get(key)

    def close(self) -> None:
        """Stop the pool, dropping drawings nobody waited for."""
        starter, self._starter = self._starter, None
        if starter is not None and starter is not threading.current_thread():
            starter.join()
        if self._pool is not None and self._shared is not None:  # not ours to stop
            for future in self._futures.values():
                future.cancel()
        elif self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None
        self._futures.clear()

    def __enter__(self) -> ChartStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class SharedPool:
    """One pool of chart workers for many ChartStores, as `reportgen publish` builds every
    quarter in one process: started when a store first has charts to draw, then kept warm."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs or _cores()
        self._pool: ProcessPoolExecutor | None = None

    def get(self) -> ProcessPoolExecutor:
        """Return the pool, starting it the first time."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.jobs, mp_context=_context(),
                                             initializer=lifeline.watch,
                                             initargs=(os.getpid(),))
        return self._pool

    def broken(self) -> None:
        """Forget a pool whose worker died; the next store starts a new one."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None

    def close(self) -> None:
        """Stop the workers."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> SharedPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def data_uri(data: bytes, fmt: str = FORMAT) -> str:
    """Return chart bytes as a data: URI, for HTML that stands alone."""
    return f"data:{MIME[fmt]};base64,{base64.b64encode(data).decode('ascii')}"


def workers(jobs: int | None, pdf: bool) -> int:
    """Return how many processes draw charts: `jobs` if given, else one a core, less one
    for the PDF child when there is one. The child lays out while the charts are drawn and
    needs them only when it writes the PDF, seconds later, so it gets a core of its own
    rather than sharing every core with chart workers; on two cores the build's own
    process draws them (no fork server, no workers), idle as it otherwise is."""
    return jobs or max(1, _cores() - 1 if pdf else _cores())


def prestart(cache: Path | None, jobs: int | None = None) -> None:
    """Start the fork server now if the cache has nothing for this style and these versions
    (a first build, --no-cache), so that Matplotlib is imported while the build imports
    and loads the rest; a build with charts in the cache starts nothing."""
    if (jobs or _cores()) < 2 or (cache is not None and cache.is_dir()):
        return
    _context()  # starts the fork server


def _cores() -> int:
    """Return how many cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _context() -> multiprocessing.context.BaseContext:
    """Return a fork server context: forking a threaded process (WeasyPrint, the pool's own
    threads) can deadlock, and a fork server imports Matplotlib once for all workers."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    from multiprocessing import forkserver, resource_tracker

    # the resource tracker first: starting it unblocks SIGINT in this thread on its way out
    resource_tracker.ensure_running()
    with ctrl_c_blocked():  # the fork server and its workers leave Ctrl+C to the CLI
        forkserver.ensure_running()
    return context


def _draw_and_cache(chart: Chart, fmt: str, cache: Path | None) -> bytes:
    """Draw the chart and, if caching, store it (in a worker process or this one)."""
    data = draw(chart, fmt)
    if cache is not None:
        _write(cache, chart_key(chart), fmt, data)
    return data


def _read(cache: Path, key: str, fmt: str) -> bytes | None:
    """Return the cached file, or None if it is missing or not whole."""
    try:
        data = (cache / f"{key}.{fmt}").read_bytes()
    except OSError:
        return None
    return data if _whole(data, fmt) else None


def _whole(data: bytes, fmt: str) -> bool:
    """Tell whether a cached file is complete (a crash may leave a short one)."""
    if fmt == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82")
    return data.rstrip().endswith(b"</svg>")


def _write(cache: Path, key: str, fmt: str, data: bytes) -> None:
    """Store a chart file: a temporary file renamed into place, so two builds writing the
    same chart at once each leave a whole file. A cache that cannot be written is skipped."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache, prefix=f".{key}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, cache / f"{key}.{fmt}")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("could not cache a chart in %s: %s", cache, exc)
