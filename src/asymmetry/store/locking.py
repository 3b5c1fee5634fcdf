"""Why DuckDB would not open a store, said in the user's terms.

DuckDB lets one process write a database file, or several read it, never both;
its lock error names the holder ("Conflicting lock is held in /usr/bin/python3
(PID 1234)"). That program path says little, so the holder's command line is read
(``/proc/<pid>/cmdline`` on Linux) to tell a running ``asymmetry serve`` from an
ingest or another program, and give the advice that fits it. Any other open
error is passed on as it is, with no guessed hint.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from asymmetry.errors import NotAStoreError, StoreError, StoreLockedError

_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")
_NOT_DUCKDB = "not a valid DuckDB database file"
# Options of the `asymmetry` command that take a value (so the value is not the command).
_VALUED_OPTIONS = frozenset({"--store"})


def open_error(path: Path, exc: duckdb.Error) -> StoreError:
    """The `StoreError` to raise for DuckDB's failure to open ``path``."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    found = _HOLDER.search(text)
    if found:
        pid = int(found["pid"])
        holder = holder_command(pid) or found["program"]
        return StoreLockedError(path, pid=pid, holder=holder, hint=lock_hint(holder, pid))
    if _NOT_DUCKDB in text:
        return NotAStoreError(path, "not a DuckDB database file")
    return StoreError(f"cannot open store {path}: {text}")


def holder_command(pid: int) -> str | None:
    """``asymmetry <command>`` when the process runs the asymmetry CLI, else its command line
    (None when the process cannot be inspected: gone, another user's, not Linux)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    argv = [a for a in raw.decode(errors="replace").split("\0") if a]
    if not argv:
        return None
    return asymmetry_command(argv) or " ".join(argv)[:120]


def asymmetry_command(argv: list[str]) -> str | None:
    """``asymmetry serve`` from ``[".../bin/asymmetry", "--store", "s.duckdb", "serve", ...]``
    or ``["python", "-m", "asymmetry", "serve"]``; None for any other program."""
    start = None
    for i, arg in enumerate(argv):
        if Path(arg).name == "asymmetry":
            start = i + 1
            break
    if start is None:
        return None
    words: list[str] = []
    skip = False
    for arg in argv[start:]:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = arg in _VALUED_OPTIONS
        else:
            words.append(arg)
            if arg not in ("ingest", "fetch", "synth"):  # command groups take one more word
                break
    return " ".join(["asymmetry", *words])


def lock_hint(holder: str, pid: int) -> str:
    """What to do about the holder of the lock."""
    if holder == "asymmetry serve":
        return (
            "the dashboard keeps the store open while it runs; stop the server (Ctrl-C in "
            f"its terminal, or `kill {pid}`) and run this command again, or use another --store"
        )
    if holder.startswith("asymmetry"):
        return "wait for that command to finish, then run this one again"
    return "close the store in that program (or stop it), then run this command again"
