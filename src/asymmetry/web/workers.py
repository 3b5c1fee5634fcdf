"""Claims extraction off the event loop: a small pool of worker processes with a time budget.

Why processes, not threads: extraction is pure-Python and regex work that holds the GIL
(a C-level regex match never lets it go), so a thread doing it slows or stalls the event
loop that answers `/healthz` and cached reads; and a thread cannot be stopped, while a
process can be killed the moment its client hangs up or its budget is spent. The price
is a worker's start-up (imports, ~2 s, once; workers are reused) and pickling the
document in and the claims out (a few ms). Verification needs the store and is fast: it
stays in the server, in a thread.

A request takes a worker or is refused at once with 503 and ``Retry-After`` (never
queued behind minutes of work); while it waits, the server checks every 0.2 s whether
the client is still there and whether the hard deadline (the extraction's own budget
plus a grace) has passed, and kills the worker if not. Workers run at a lower priority
(nice 10: on a busy machine the event loop is served first), ignore SIGINT (the server
decides) and exit when the server's end of their pipe closes or the server is gone.

Each worker's address space may grow by at most ``max_memory_mb`` past what it holds once
warm (``RLIMIT_AS``, Linux): a document that needs more raises MemoryError in that worker,
which answers 422 and exits, and is replaced; without a cap, a few such uploads grew the
server to 2.3 GB (issue 17) and the machine's OOM killer would choose what to stop. The cap
counts from the warm size, not from zero, because the imports map ~680 MB (shared
libraries, thread stacks and arenas, most of it never touched) whatever a check then needs.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

from asymmetry.claims.limits import Limits

if TYPE_CHECKING:  # not imported at run time: `asymmetry serve`'s options read this module
    from fastapi import FastAPI
    from fastapi.responses import JSONResponse

DEFAULT_WORKERS: Final = 2
DEFAULT_SECONDS: Final = 30.0
GRACE_SECONDS: Final = 5.0  # past the cooperative budget before a worker is killed
DEFAULT_MAX_MEMORY_MB: Final = 1024  # MiB a check may add to a warm worker (~170 MB resident)
T = TypeVar("T")
RETRY_AFTER: Final = 5  # seconds a refused client is told to wait
_POLL: Final = 0.2
_DIED: Final = "the claims checker's worker stopped unexpectedly; retry"
_STARTUP_SECONDS: Final = 120.0  # a worker's imports, on a loaded machine


class Refused(Exception):
    """A check the server will not finish: answered with ``status`` and the API's one JSON
    error shape (``{"detail": …}``, as `asymmetry.web.app`'s handlers answer)."""

    def __init__(self, status: int, detail: str, *, retry_after: int | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.retry_after = retry_after

    def response(self) -> JSONResponse:
        from fastapi.responses import JSONResponse

        headers = {"retry-after": str(self.retry_after)} if self.retry_after else None
        return JSONResponse({"detail": self.detail}, status_code=self.status, headers=headers)


@dataclass(frozen=True, slots=True)
class ClaimsSettings:
    """How many checks run at once and how long one may take (``asymmetry serve`` options)."""

    workers: int = DEFAULT_WORKERS
    seconds: float = DEFAULT_SECONDS
    limits: Limits = field(default_factory=Limits)
    grace: float = GRACE_SECONDS  # past ``seconds`` before a worker is killed
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB  # MiB past a warm worker's size; None: no cap

    @property
    def deadline(self) -> float:
        """Seconds a check may take in all before its worker is killed."""
        return self.seconds + self.grace

    def extraction_limits(self) -> Limits:
        """The limits a worker extracts under: the time budget is the request's."""
        return Limits(
            max_chars=self.limits.max_chars,
            max_claims=self.limits.max_claims,
            max_seconds=self.seconds,
            max_sentence_chars=self.limits.max_sentence_chars,
            raise_with="asymmetry serve --claims-max-",
        )


def memory_text(mb: int) -> str:
    """ "1 GiB", "200 MiB": a memory cap as `asymmetry serve --claims-max-memory-mb` sets it."""
    return f"{mb // 1024} GiB" if mb % 1024 == 0 else f"{mb} MiB"


def too_much_memory(mb: int | None) -> str:
    """The answer to a check that the memory cap stopped."""
    cap = f" ({memory_text(mb)})" if mb is not None else ""
    return (
        f"the document needs more memory than the server allows a claims check{cap}; send a "
        "smaller document or raise asymmetry serve --claims-max-memory-mb"
    )


def _cap_memory(mb: int | None) -> None:
    """Let this process's address space grow by at most ``mb`` MiB from now (`RLIMIT_AS`;
    Linux only: elsewhere the size is unknown or the limit not enforced, and nothing is set).
    A lower limit set by whoever started the server is kept."""
    if mb is None:
        return
    try:
        import resource

        pages = int(Path("/proc/self/statm").read_text().split()[0])
        size = pages * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError, IndexError):
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = size + mb * 1024 * 1024
    for given in (soft, hard):
        if given != resource.RLIM_INFINITY:
            limit = min(limit, given)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _out_of_memory() -> None:
    raise MemoryError


def _worker_main(conn: Connection, parent: int, max_memory_mb: int | None = None) -> None:
    """A worker's loop: run each job it is sent, answer ("ok", result) or ("error", status,
    message); after a MemoryError answer ("ended", 422, message) and exit (its heap is left
    fragmented and near the cap: a new worker is cleaner); exit when the pipe closes or the
    server process is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with suppress(OSError, AttributeError):  # the event loop, not a check, gets the CPU first
        os.nice(10)

    def watch_parent() -> None:  # a server killed with SIGKILL cannot tell us to stop
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()
    import asymmetry.claims.check  # noqa: F401  (warm: the first job does not pay the imports)
    from asymmetry.claims.extract import extract_text

    extract_text("A 5 km road cost $1 billion in 2021.")  # loads quantulum3's units (~1 s)
    from asymmetry.errors import AsymmetryError
    from asymmetry.web.errors import error_status

    _cap_memory(max_memory_mb)  # from the warm size: what a check adds is what is capped
    out_of_memory = ("ended", 422, too_much_memory(max_memory_mb))
    try:
        conn.send(("ready",))
    except OSError:
        return
    while True:
        answer: tuple[Any, ...]
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        except MemoryError:  # a job too large to unpickle under the cap
            job = _out_of_memory
        try:
            answer = ("ok", job())
        except AsymmetryError as exc:
            answer = ("error", error_status(exc), str(exc))
        except MemoryError:  # the job's memory is freed once the exception is handled
            answer = out_of_memory
        except Exception as exc:  # a bug: say so in one line, never a traceback to the client
            answer = ("error", 500, f"the claims checker failed: {type(exc).__name__}: {exc}")
        try:
            conn.send(answer)
        except MemoryError:  # a result too large to pickle under the cap
            answer = out_of_memory
            with suppress(OSError, ValueError):
                conn.send(answer)
        except (OSError, ValueError):
            return
        if answer[0] == "ended":
            return


@dataclass(slots=True, eq=False)  # compared by identity
class _Worker:
    process: BaseProcess
    conn: Connection
    ready: bool = False  # has imported what a check needs and said so
    busy: bool = False  # reserved by a request (warming up for it, or working)

    def kill(self) -> None:
        with suppress(OSError):
            self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=2)


def _blocking(conn: Connection) -> Connection:
    """``conn`` with its pipe in blocking mode, as `Connection.send` and `recv` need: an
    event loop's reader may leave it non-blocking (uvloop's does), and a message larger
    than the pipe's buffer then fails half-sent with BlockingIOError."""
    os.set_blocking(conn.fileno(), True)
    return conn


def _died(worker: _Worker) -> Refused:
    """The refusal of a check whose worker stopped without an answer, with how it stopped
    when known (a signal: killed from outside or by the kernel; an exit code: a crash)."""
    worker.process.is_alive()  # reaps it if it has exited (never waits)
    code = worker.process.exitcode
    how = ""
    if code is not None and code < 0:
        with suppress(ValueError):
            how = f" (killed by {signal.Signals(-code).name})"
    elif code:
        how = f" (exit code {code})"
    return Refused(503, _DIED.replace("; ", f"{how}; "), retry_after=RETRY_AFTER)


class _Late(Exception):
    """No message from a worker before the deadline."""


class _Gone(Exception):
    """The client left while the server waited for a worker."""


class ClaimsPool:
    """``settings.workers`` worker processes, each running one check at a time.

    Workers start on the first check (not with the server: most runs never check claims)
    and are kept; one killed (its client left, its deadline passed) is replaced at once,
    so that the next request finds it warm. A client that leaves while its worker is still
    starting frees the slot and leaves the worker warming.
    """

    def __init__(self, settings: ClaimsSettings) -> None:
        self.settings = settings
        self._context = multiprocessing.get_context("spawn")  # fork is unsafe beside threads
        self._workers: list[_Worker] = []
        self._closed = False

    @property
    def running(self) -> int:
        return sum(w.busy for w in self._workers)

    def _fill(self) -> None:
        while len(self._workers) < self.settings.workers and not self._closed:
            ours, theirs = self._context.Pipe()
            process = self._context.Process(
                target=_worker_main,
                args=(theirs, os.getpid(), self.settings.max_memory_mb),
                daemon=True,
                name="claims-worker",
            )
            process.start()
            theirs.close()
            self._workers.append(_Worker(process, ours))

    def _drop(self, worker: _Worker, *, refill: bool = True) -> None:
        worker.kill()
        if worker in self._workers:
            self._workers.remove(worker)
        if refill:
            self._fill()

    async def run(self, job: Callable[[], T], *, gone: Callable[[], Awaitable[bool]]) -> T:
        """``job()`` in a worker (a picklable callable: a module-level function or a
        `functools.partial` of one); `Refused` when saturated (503), when the deadline passes
        (503, the worker killed), when ``gone()`` says the client left, when the job needs
        more memory than the cap (422, the worker replaced) or raises (its status)."""
        if self._closed:
            raise Refused(503, "the server is shutting down", retry_after=RETRY_AFTER)
        for dead in [w for w in self._workers if not w.busy and not w.process.is_alive()]:
            self._drop(dead, refill=False)  # died idle or warming (killed from outside, OOM)
        self._fill()
        free = [w for w in self._workers if not w.busy]
        if not free:
            raise Refused(
                503,
                f"the claims checker is busy ({self.running} check(s) running, the most the "
                f"server runs at once); retry in {RETRY_AFTER} s",
                retry_after=RETRY_AFTER,
            )
        worker = next((w for w in free if w.ready), free[0])
        worker.busy = True
        working = cancelled = False
        try:
            if not worker.ready:
                message = await self._next(worker, gone, _STARTUP_SECONDS)
                worker.ready = message == ("ready",)
                if not worker.ready:
                    working = True  # a worker that says something else is dropped
                    raise Refused(503, _DIED, retry_after=RETRY_AFTER)
            working = True
            try:  # in a thread: a 5 MB upload may not fit the pipe's buffer at once
                await asyncio.to_thread(_blocking(worker.conn).send, job)
            except (OSError, ValueError) as exc:  # the worker died while idle
                raise _died(worker) from exc
            answer = await self._next(worker, gone, self.settings.deadline)
            working = answer[0] == "ended"  # the worker exits after saying so: replaced
        except asyncio.CancelledError:  # the server is stopping: no new worker
            cancelled = True
            raise
        except _Gone:
            raise Refused(499, "the client closed the connection; the check was stopped") from None
        except _Late:
            raise Refused(
                503,
                f"the check took over {self.settings.deadline:g} s and was stopped; send a "
                "shorter text or raise asymmetry serve --claims-max-seconds",
                retry_after=RETRY_AFTER,
            ) from None
        finally:
            worker.busy = False
            if working or self._closed:  # gone, late, cancelled (shutdown): the work is dropped
                self._drop(worker, refill=not (cancelled or self._closed))
        if answer[0] == "ok":
            return answer[1]  # type: ignore[no-any-return]
        raise Refused(answer[1], answer[2])

    async def _next(
        self, worker: _Worker, gone: Callable[[], Awaitable[bool]], seconds: float
    ) -> Any:
        """The worker's next message; `_Gone`, `_Late` or `Refused` (the worker died)."""
        loop = asyncio.get_running_loop()
        readable = asyncio.Event()
        fd = worker.conn.fileno()
        loop.add_reader(fd, readable.set)
        deadline = time.monotonic() + seconds
        try:
            while not worker.conn.poll():
                if await gone():
                    raise _Gone
                if time.monotonic() > deadline:
                    raise _Late
                if not worker.process.is_alive():
                    raise _died(worker)
                readable.clear()
                with suppress(TimeoutError):
                    await asyncio.wait_for(readable.wait(), _POLL)
        finally:
            loop.remove_reader(fd)
        try:  # in a thread: a large answer (2,000 claims) arrives in pieces
            return await asyncio.to_thread(_blocking(worker.conn).recv)
        except (EOFError, OSError) as exc:
            raise _died(worker) from exc

    def close(self) -> None:
        """Kill every worker, busy or idle (server shutdown)."""
        self._closed = True
        for worker in self._workers:
            worker.kill()
        self._workers.clear()


def configure(app: FastAPI, settings: ClaimsSettings) -> None:
    """Set the claims pool's settings of ``app`` (before it starts serving)."""
    app.state.claims_settings = settings


def pool_of(app: Any) -> ClaimsPool:
    """The app's claims pool, made on first use with its settings (default ones if unset)."""
    pool = getattr(app.state, "claims_pool", None)
    if pool is None:
        pool = ClaimsPool(getattr(app.state, "claims_settings", None) or ClaimsSettings())
        app.state.claims_pool = pool
    return pool


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Close the claims pool when the server stops (a router lifespan, merged into the app's)."""
    try:
        yield
    finally:
        pool = getattr(app.state, "claims_pool", None)
        if pool is not None:
            pool.close()
