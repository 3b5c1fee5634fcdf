"""The claims checker's work, shared by the JSON API and the dashboard's form.

Both extract in the server's bounded pool of worker processes (`asymmetry.web.workers`:
503 with Retry-After when full, the work dropped when the client leaves, a deadline, the
server's `Limits` and memory cap) and verify against the store in the server. An upload
is written to a private temp file inside the worker and is named by its own name only:
the extraction that comes back holds the paragraphs the check read (`ReadDocument`), so
the result page shows the text without the file, and no answer carries a temp path.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.requests import Request

from asymmetry.claims.limits import Limits
from asymmetry.claims.read import Document, Paragraph
from asymmetry.errors import DocumentError
from asymmetry.web import workers

if TYPE_CHECKING:
    from asymmetry.claims.check import Extraction
    from asymmetry.claims.context import DocumentDate

UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")


def server_limits(request: Request) -> Limits:
    """The limits the server's claims checks extract under (`asymmetry serve --claims-max-*`)."""
    return workers.pool_of(request.app).settings.extraction_limits()


async def extracted(request: Request, job: Callable[[], Extraction]) -> Extraction:
    """``job()`` run in the server's claims pool; `workers.Refused` when the pool is full,
    the deadline passes, the client leaves or the job fails (each with its status)."""
    return await workers.pool_of(request.app).run(job, gone=request.is_disconnected)


@dataclass(frozen=True, slots=True)
class ReadDocument(Document):
    """A document as a check read it: named by its upload name, holding the paragraphs the
    check read (within its limits), so it can be shown once its temp file is gone."""

    held: tuple[Paragraph, ...] = ()

    def paragraphs(self, notes: list[str] | None = None) -> Iterator[Paragraph]:
        return iter(self.held)


def extract_upload(
    name: str, data: bytes, limits: Limits, *, as_of: DocumentDate | None = None
) -> Extraction:
    """The claims of uploaded bytes within ``limits`` (run in a worker): saved to a private
    temp file, read, extracted (dated ``as_of``, `extract_claims`); the document comes back
    as a `ReadDocument`."""
    from asymmetry.claims.check import Extraction
    from asymmetry.claims.extract import extract_claims
    from asymmetry.claims.limits import Budget
    from asymmetry.claims.read import read_document

    with saved_document(name, data) as path:
        document = read_document(path)
        budget = Budget(limits)
        read: list[Paragraph] = []
        paragraphs = _kept(document.paragraphs(budget.notes), limits.max_chars, read)
        claims = list(extract_claims(paragraphs, name=document.name, budget=budget, as_of=as_of))
    shown = ReadDocument(Path(document.name), document.kind, tuple(read))
    return Extraction([shown], claims, budget.all_notes())


def _kept(
    paragraphs: Iterable[Paragraph], max_chars: int, into: list[Paragraph]
) -> Iterator[Paragraph]:
    """``paragraphs``, each also appended to ``into`` as far as a check reads it: the first
    ``max_chars`` characters in all, cut where `Budget.take_text` cuts."""
    seen = 0
    for paragraph in paragraphs:
        room = max_chars - seen
        if room > 0:
            fits = len(paragraph.text) <= room
            into.append(paragraph if fits else replace(paragraph, text=paragraph.text[:room]))
        seen += len(paragraph.text)
        yield paragraph


@contextmanager
def saved_document(name: str, data: bytes) -> Iterator[Path]:
    """The bytes as a file in a private temp dir, deleted on exit.

    Only the base name's safe characters and an allowed suffix are kept, so a
    client's name ("../../x.txt") never chooses where the file goes. Documents
    are read lazily: use them (check, render) before leaving the block. A
    `DocumentError` about the file names it by that name, never by the server's
    temp path.
    """
    base = Path(name).name
    suffix = Path(base).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise DocumentError(
            f"cannot check a {suffix or 'suffix-less'} file; upload one of "
            + ", ".join(UPLOAD_SUFFIXES),
            file=base,
        )
    stem = re.sub(r"[^\w-]+", "_", Path(base).stem)[:80].strip("_") or "upload"
    with tempfile.TemporaryDirectory(prefix="asymmetry-upload-") as folder:
        path = Path(folder) / f"{stem}{suffix}"
        path.write_bytes(data)
        try:
            yield path
        except DocumentError as exc:
            if exc.file is None or Path(exc.file) != path:
                raise
            reason = exc.reason.replace(str(path), path.name).replace(folder, "")
            raise DocumentError(reason, file=path.name) from None
