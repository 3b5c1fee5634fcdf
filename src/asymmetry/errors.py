"""Exception hierarchy: every failure a user can cause is an `AsymmetryError`.

The CLI turns these into a one-line message and exit code 2; anything else
reaching a user is a bug. Each class carries its context as attributes so
callers (web app, tests) need not parse messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class AsymmetryError(Exception):
    """Base class of every error the library raises on purpose."""


class StoreError(AsymmetryError):
    """The store cannot be opened, created or read."""


class OutdatedStoreError(StoreError):
    """The store was written by an older version and is open read-only, so not upgraded."""


class IngestError(AsymmetryError):
    """Input data was rejected; the store is unchanged.

    Attributes name the culprit: the file, the 1-based line in that file
    (header = line 1), the field, the offending value and the reason.
    """

    def __init__(
        self,
        reason: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        value: object = None,
        count: int = 1,
    ) -> None:
        self.reason = reason
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.value = value
        self.count = count
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        prefix = ", ".join(where)
        text = f"{prefix}: {self.reason}" if prefix else self.reason
        if self.value is not None:
            text += f" (got {self.value!r})"
        if self.count > 1:
            text += f"; {self.count - 1} more row(s) have the same problem"
        return text


class SchemaError(IngestError):
    """A file lacks a required column or has the wrong layout."""


class UnknownCountryError(AsymmetryError):
    """A country name or code could not be resolved to ISO3."""

    def __init__(self, value: str, suggestions: Sequence[str] = ()) -> None:
        self.value = value
        self.suggestions = list(suggestions)
        hint = f"; did you mean {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown country {value!r}{hint}")


class ScenarioError(AsymmetryError):
    """A lever or scenario is malformed; names the lever and the field."""

    def __init__(
        self,
        reason: str,
        *,
        lever: str | None = None,
        field: str | None = None,
        value: object = None,
    ) -> None:
        self.reason, self.lever, self.field, self.value = reason, lever, field, value
        where = ", ".join(
            x
            for x in (f"lever {lever!r}" if lever else "", f"field {field!r}" if field else "")
            if x
        )
        text = f"{where}: {reason}" if where else reason
        if value is not None:
            text += f" (got {value!r})"
        super().__init__(text)


class ServeError(AsymmetryError):
    """The web server cannot start: its port is taken or its address cannot be used."""


class NoDataError(AsymmetryError):
    """The store holds no data for what was asked (year, pair, source)."""


class NotApplicableError(NoDataError):
    """The question does not apply to the pair (Russia's gas question asked of Germany)."""


class DocumentError(AsymmetryError):
    """A document cannot be read as text (binary, empty, no text layer, bad encoding)."""

    def __init__(self, reason: str, *, file: str | Path | None = None) -> None:
        self.reason = reason
        self.file = str(file) if file is not None else None
        super().__init__(f"{self.file}: {reason}" if self.file else reason)


class NotAStoreError(StoreError):
    """A file exists at the store path but is not an asymmetry store (or not DuckDB at all)."""

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(
            f"{self.path} is not an asymmetry store ({reason}); it is left untouched. Name "
            "another --store path (a new one is created by `asymmetry init`)"
        )


class StoreLockedError(StoreError):
    """Another process holds the store's DuckDB lock; names that process and what to do."""

    def __init__(self, path: str | Path, *, pid: int, holder: str, hint: str) -> None:
        self.path = str(path)
        self.pid = pid
        self.holder = holder
        self.hint = hint
        super().__init__(f"cannot open store {self.path}: held by PID {pid} ({holder}): {hint}")


class BatchIngestError(IngestError):
    """One file of a several-file ingest was refused, so none of them was loaded.

    ``file``/``line``/``field``/``value`` are those of the refused file's error
    (``cause``); ``fine`` lists the files that passed, ``unread`` the ones never reached.
    """

    def __init__(
        self, cause: IngestError, *, fine: Sequence[str | Path], unread: Sequence[str | Path]
    ) -> None:
        self.cause = cause
        self.fine = [str(f) for f in fine]
        self.unread = [str(f) for f in unread]
        super().__init__(
            cause.reason,
            file=cause.file,
            line=cause.line,
            field=cause.field,
            value=cause.value,
            count=cause.count,
        )

    def _format(self) -> str:
        parts = [f"{Path(f).name} was fine" for f in self.fine]
        parts.append(str(self.cause))
        if self.unread:
            parts.append(f"not read: {', '.join(Path(f).name for f in self.unread)}")
        return "nothing was loaded (the files are one transaction); " + "; ".join(parts)
