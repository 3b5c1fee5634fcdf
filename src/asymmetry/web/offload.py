"""Heavy page results (reports, briefs, dependence tables, lever runs) in a worker process.

Why a process: a report is ~0.5 s of pandas, plotly and Python around DuckDB queries,
and a thread doing it holds the GIL most of that time, so every request the server
answers meanwhile (a 20 ms API profile, a cached page) waits its turn for the
interpreter. In a process of its own, at a lower priority (nice 10: the kernel gives the
server's threads the CPU first), a report takes nothing from the server but a core it
would share anyway. Measured with 20 clients for 60 s on a just-started server
(`bench_web_mixed.py`, benchmarks/RESULTS.md): API p95 3.3 s with the first reports
computed in server threads, 91 ms with them in the worker.

The worker opens the snapshot's copy of the store read-only (DuckDB lets several
processes read one file), keeps it with its memo (`Store.memo`: the ICIO matrices,
the year's aggregates) and moves to a newer snapshot when a job names one, carrying
the ICIO results over when the network is unchanged (`state.warm_store`). A job names
the snapshot its request holds, so the copy exists while the job runs.

A library error in the worker is raised again in the server, as the same class with the
same message and attributes (its ``__init__`` is not called again: some reformat their
argument). A worker that dies (killed, out of memory) fails its jobs with `WorkerStopped`
(503) and is replaced by the next job.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

from asymmetry.errors import AsymmetryError

if TYPE_CHECKING:
    from asymmetry.store.store import Store

T = TypeVar("T")
# One per core but the server's own, at most 4 (each holds the ICIO matrices: ~0.5 GB)
DEFAULT_WORKERS: Final = max(1, min(4, (os.cpu_count() or 2) - 1))
_opened: dict[str, Store] = {}  # in a worker: the snapshot it reads (one at a time)


class WorkerStopped(AsymmetryError):
    """The worker process computing a result stopped before answering (503: retry)."""


def _context() -> multiprocessing.context.BaseContext:
    """Workers forked from a fork server (a clean, single-threaded process; forking the
    threaded server itself is unsafe), else spawned where there is none (not POSIX)."""
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method)


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when its workers stop
    with suppress(OSError, AttributeError):
        os.nice(10)
    import asymmetry.report.build
    import asymmetry.report.render  # noqa: F401


def _store_for(path: str) -> Store:
    """The worker's store on the snapshot at ``path``, opened on first use with what the
    previous one computed of an unchanged ICIO network."""
    from asymmetry.store.store import Store
    from asymmetry.web.state import warm_store

    found = _opened.get(path)
    if found is None:
        found = Store(Path(path), read_only=True)
        previous = next(iter(_opened.values()), None)
        try:
            warm_store(found, previous, compute=False)
        finally:
            for old in _opened.values():
                old.close()
            _opened.clear()
            _opened[path] = found
    return found


def _run(path: str, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """In the worker: ``fn(store, *args, **kwargs)``; a library error comes back as its
    parts, ("error", class, args, attributes), which always pickle."""
    try:
        return ("ok", fn(_store_for(path), *args, **kwargs))
    except AsymmetryError as exc:
        return ("error", type(exc), exc.args, dict(vars(exc)))


def _warm(store: Store) -> None:
    """The job `Offload.prepare` sends: what every report's exposure needs, computed."""
    from asymmetry.web.state import warm_store

    warm_store(store)


def _raise(kind: type[AsymmetryError], args: tuple[Any, ...], state: dict[str, Any]) -> None:
    exc = kind.__new__(kind)
    exc.args = args
    exc.__dict__.update(state)
    raise exc


class Offload:
    """``workers`` processes computing heavy results for the server's request threads.

    The processes start on the first job (`prepare` sends one when a snapshot is
    ready, so the first report does not also pay the worker's start-up and the ICIO
    warm-up) and are kept; jobs beyond the workers wait in the pool's queue.
    """

    def __init__(self, workers: int = DEFAULT_WORKERS) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise WorkerStopped("the server is shutting down")
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    self.workers,
                    mp_context=_context(),
                    initializer=_start_worker,
                )
            return self._pool

    def _submit(
        self, path: Path, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Any
    ) -> Future[Any]:
        try:
            return self._executor().submit(_run, str(path), fn, args, kwargs)
        except BrokenProcessPool:  # died since the last job: a new pool for this one
            self._discard()
            return self._executor().submit(_run, str(path), fn, args, kwargs)

    def prepare(self, path: Path) -> None:
        """Open and warm the snapshot at ``path`` in the workers ahead of their first job
        (one warm-up each: it takes seconds, so each idle worker takes one)."""
        with suppress(AsymmetryError, RuntimeError):
            for _ in range(self.workers):
                self._submit(path, _warm, (), {})

    def run(self, path: Path, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(store, *args, **kwargs)`` in a worker, on the snapshot copy at ``path``
        (``fn`` a module-level function; its arguments and result picklable)."""
        future = self._submit(path, fn, args, kwargs)
        try:
            answer = future.result()
        except BrokenProcessPool:
            self._discard()
            raise WorkerStopped(
                "the worker process computing this result stopped unexpectedly; retry"
            ) from None
        if answer[0] == "error":
            _raise(*answer[1:])
        result: T = answer[1]
        return result

    def _discard(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            _stop(pool)

    def close(self) -> None:
        """Stop the workers, running jobs included (server shutdown)."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            _stop(pool)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Kill ``pool``'s processes (a report in progress is not worth waiting for) and
    release it; `shutdown` alone would wait for the running jobs."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with suppress(OSError, ValueError):
            process.kill()
    for process in processes:
        with suppress(OSError, ValueError, AssertionError):
            process.join(timeout=2)
