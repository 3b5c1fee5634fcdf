"""Read a document (plain text, Markdown, HTML, PDF) into body paragraphs.

Claims live in body text; footnote markers, citation text and reference lists
carry numbers (dates, pages, issue numbers, titles of cited articles) that are
not the author's claims. This module drops what it can tell apart: superscript
and bracketed note markers, note blocks ("12 Author, “Title,” …"), citations
glued into the text after a marker (web exports inline them up to their URL)
and everything under a references heading.

Paragraphs are yielded one at a time (a PDF page at a time), so a 300-page
report is read in constant memory.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

from asymmetry.errors import DocumentError

if TYPE_CHECKING:
    from pypdf import PageObject

DocumentKind = Literal["text", "markdown", "html", "pdf"]

MAX_BYTES: Final = 200 * 1024 * 1024  # a 300-page report is a few MB; refuse absurd inputs
# A PDF's text is drawn by content streams, and a few KB of Flate can inflate to many MB
# (a 53 KB one-page PDF held an 18 MB stream). pypdf's text extraction is super-linear in a
# stream's length (0.5 MB: 2.6 s, 1 MB: 7 s, 4 MB: 62 s), so a page whose content is over
# 1 MB inflated (a text page is 2-50 KB; a dense drawing a few hundred) is skipped, and a
# document stops after 32 MB of inflated content; the report says which pages.
MAX_PAGE_CONTENT: Final = 1_000_000
MAX_PDF_CONTENT: Final = 32_000_000

_SUFFIX_KIND: Final[dict[str, DocumentKind]] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
}

# Headings after which a document holds only references, notes or boilerplate.
_BACK_MATTER = re.compile(
    r"^\s*(#+\s*)?(references|bibliography|works cited|endnotes|notes|extended footnotes|"
    r"sources|acknowledge?ments|about the authors?)\s*:?\s*$",
    re.IGNORECASE,
)
_SUPERSCRIPTS = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u2079]+")
_BRACKET_NOTE = re.compile(r"\[(\d{1,3}(?:[,\u2013-]\s*\d{1,3})*)\](?!\()")
_URL = re.compile(r"https?://\S+|www\.\S+")
# A note block: "12 Author, …" / "- 12 [“Title,” …" at the start of a paragraph,
# with the marks of a citation (a quoted title, a URL, a publisher-date).
_NOTE_BLOCK = re.compile(r"^\s*(?:[-*]\s+)*\d{1,3}\s+\S")
_CITATION_MARKS = re.compile(
    r"[“\"]\s*\[?[A-Z].{3,200}?[,.]\s*[”\"]|https?://|\bIbid\b|\bop\. cit\b|"
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+\d{1,2},\s+\d{4}\b|\(\d{4}\):\s*\d|\bpp?\.\s*\d|\*[^*]{3,}\*|^See\b|"
    r"\((?:[A-Z][a-z]+\.? )?\d{4}\)"
)
# A note glued after sentence punctuation ("since.1I. V. Turitsyn … id=44600882.")
# runs to its URL; "…,” 102, June 16 (2021): 7, https://…" included.
_NOTE_END = (
    r"(?:https?://\S+|Ibid\.(?:,? [\d\u2013-]+\.?)?|See (?:extended footnote \d+|maps)\.?|"
    r"\b\d{1,4}(?:[\u2013-]\d{1,4})?\)?\.(?=\s+[A-Z“]|\s*$)|[.?]”(?=\s+[A-Z]|\s*$)|"
    r"(?<=[a-z]{3})\.(?=\s+[A-Z]))"
)
# …but "$62.6bn" and "1.5mb/d" are decimals with a unit, not a marker and a note
_UNIT_AFTER_DIGITS = (
    r"(?!(?:bn|bln|mn|mln|tn|b|k|m|b/d|mb/d|kb/d|bcm|tcm|mt|t|billion|million|trillion|"
    r"crore|lakh|pc)\b)"
)
_INLINE_NOTE = re.compile(
    # after a number's point only after a year or before a capital ("in 2020.57finanz.ru",
    # "$275.53Kommersant"): "$2.511b left" is $2.511 billion and "2.5x" a multiple, no note
    # (the pattern ignores case: hence (?-i:))
    r"(?<=[.,;:?!”\"’)])(?:(?<!\d[.,])|(?<=(?:19|20)\d\d\.)|(?=\d{1,3}(?:(?-i:[A-Z])|[“\"‘(\[])))"
    r"\d{1,3}"
    r"(?=[A-Za-z“\"‘(\[])"
    + _UNIT_AFTER_DIGITS
    + r"(?:(?!"
    + _NOTE_END
    + r").){0,900}?"
    + _NOTE_END,
    re.IGNORECASE,
)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# A citation left in the text: [Author, ]“Title,” Publisher, Month D, YYYY,
_CITATION = re.compile(
    r"(?:;\s*|\s+)(?:[A-Z][\w’'\-]*(?:\s[A-Z][\w’'.\-]*){0,4},\s)?"
    r"“[^”]{3,400}?[,.]”\s*(?:\[[^\]]{0,200}\]\s*)?"
    rf"[^“”.]{{0,120}}?{_MONTH}\s+\d{{1,2}},\s+\d{{4}}[,.]?"
)
_BARE_MARKER = re.compile(
    r"(?<=[a-z][.,;:?!”\"’)])\d{1,3}(?=\s|$)|(?<=[a-z.!?][.”])\d{1,3}(?=[A-Z])"
)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One body paragraph; `index` counts paragraphs in the document, from 0."""

    index: int
    text: str
    is_note: bool = False  # kept from a note block because it states something


@dataclass(frozen=True, slots=True)
class Document:
    """A readable document: its name, kind and a way to stream its paragraphs."""

    path: Path
    kind: DocumentKind

    @property
    def name(self) -> str:
        return self.path.name

    def paragraphs(self, notes: list[str] | None = None) -> Iterator[Paragraph]:
        """Body paragraphs, with note markers and citations removed; what reading skipped
        (an oversized PDF page) is appended to ``notes``."""
        return body_paragraphs(_raw_paragraphs(self, notes if notes is not None else []))


def text_paragraphs(text: str) -> Iterator[Paragraph]:
    """`Document.paragraphs` for a string (pasted text): blank lines separate paragraphs."""
    return body_paragraphs(_split_paragraphs(text))


def body_paragraphs(raws: Iterable[str]) -> Iterator[Paragraph]:
    """Clean raw paragraphs; rejoin body text cut mid-sentence; stop at back matter."""
    index = 0
    pending = ""  # body text cut mid-sentence by a page break or a note block
    for raw in raws:
        if _BACK_MATTER.match(raw) and len(raw) < 60:
            break
        for text, is_note in _clean(raw):
            if is_note:
                yield Paragraph(index, text, is_note)
                index += 1
                continue
            if pending and (text[:1].islower() or text[:1] in '”"'):
                text = _CITATION.sub(" ", f"{pending} {text}")
            elif pending:
                yield Paragraph(index, pending)
                index += 1
            pending = "" if re.search(r"[.?!:”\"’)]$", text) else text
            if not pending:
                yield Paragraph(index, text)
                index += 1
    if pending:
        yield Paragraph(index, pending)


def read_document(path: str | Path) -> Document:
    """Open ``path`` as a document; `DocumentError` names what is wrong with it.

    >>> doc = read_document("paper.txt")  # doctest: +SKIP
    >>> [p.text for p in doc.paragraphs()][:1]  # doctest: +SKIP
    """
    p = Path(path)
    if not p.exists():
        raise DocumentError("no such file", file=p)
    if p.is_dir():
        raise DocumentError("is a directory, not a document", file=p)
    size = p.stat().st_size
    if size == 0:
        raise DocumentError("the file is empty", file=p)
    if size > MAX_BYTES:
        raise DocumentError(f"the file is {size / 1e6:.0f} MB; the limit is 200 MB", file=p)
    with p.open("rb") as fh:
        head = fh.read(4096)
    kind = _detect_kind(p, head)
    if kind != "pdf":
        _decode(head, p, partial=True)  # fail early on binaries
    doc = Document(p, kind)
    skipped: list[str] = []
    if not any(True for _ in _raw_paragraphs(doc, skipped)):
        why = "; ".join(note.split(": ", 1)[1] for note in skipped)
        reason = "the document holds no text"
        raise DocumentError(f"{reason} to read: {why}" if why else reason, file=p)
    return doc


def _detect_kind(path: Path, head: bytes) -> DocumentKind:
    if head.startswith(b"%PDF-"):
        return "pdf"
    kind = _SUFFIX_KIND.get(path.suffix.lower())
    if kind == "pdf":
        raise DocumentError("named .pdf but is not a PDF (no %PDF- header)", file=path)
    if kind is None:
        sniff = head.lstrip()[:100].lower()
        kind = "html" if sniff.startswith((b"<!doctype html", b"<html")) else "text"
    return kind


def _decode(data: bytes, path: Path, *, partial: bool = False) -> str:
    """UTF-8 (with or without BOM), else UTF-16 with a BOM, else Windows-1252; never binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data:
        raise DocumentError("looks binary (NUL bytes), not a text, HTML or PDF document", file=path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if partial and exc.start >= len(data) - 3:  # a character cut by the 4 KB probe
            return data[: exc.start].decode("utf-8-sig")
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise DocumentError(
                f"not valid UTF-8 (byte {exc.start}) nor Windows-1252; re-save it as UTF-8",
                file=path,
            ) from exc
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t\f")
    if controls > 8:
        raise DocumentError("looks binary (control characters), not text", file=path)
    return text


def _raw_paragraphs(doc: Document, notes: list[str]) -> Iterator[str]:
    if doc.kind == "pdf":
        yield from _pdf_paragraphs(doc.path, notes)
        return
    text = _decode(doc.path.read_bytes(), doc.path)
    if doc.kind == "html":
        text = _html_text(text)
    elif doc.kind == "markdown":
        text = _markdown_text(text)
    yield from _split_paragraphs(text)


_SPACE_RUN: Final = re.compile(r"[^\S\n]{2,}")


def _split_paragraphs(text: str) -> Iterator[str]:
    # Blank lines separate paragraphs; a line ending mid-sentence joins the next. Runs of
    # spaces become one first: the patterns that start with \s* or \s+ (the line join
    # here, citations in `_clean`) would rescan a run from each of its spaces (8 KB of
    # spaces: 4 s, 32 KB: 44 s); a paragraph's spaces are collapsed in the end anyway.
    text = _SPACE_RUN.sub(" ", text.replace("\r\n", "\n"))
    text = re.sub(r"\n[ \t]*(?=[•●▪◦]\s)", "\n\n", text)  # each bullet is a paragraph
    for block in re.split(r"\n\s*\n", text):
        block = re.sub(r"^\s*[•●▪◦]\s+", "", block)
        joined = re.sub(r"\s*\n\s*", " ", block).strip()
        if joined:
            yield joined


def _pdf_paragraphs(path: Path, notes: list[str]) -> Iterator[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        pages = reader.pages
        n_pages = len(pages)
    except (PdfReadError, OSError, ValueError) as exc:
        raise DocumentError(f"cannot read the PDF: {exc}", file=path) from exc
    found = False
    inflated = 0
    skipped: list[int] = []
    for number in range(n_pages):
        try:
            size = _page_content_size(pages[number])
            if size is None:
                skipped.append(number + 1)
                continue
            inflated += size
            if inflated > MAX_PDF_CONTENT:
                notes.append(
                    f"{path.name}: read pages 1-{number} of {n_pages}; the rest is over "
                    f"{MAX_PDF_CONTENT / 1e6:.0f} MB of inflated page content"
                )
                break
            with _pdf_limits():
                text = pages[number].extract_text() or ""
        except Exception as exc:  # pypdf raises many types on damaged pages
            raise DocumentError(f"cannot read page {number + 1}: {exc}", file=path) from exc
        if text.strip():
            found = True
            # pypdf gives one line per text line; hyphenated line breaks rejoin.
            yield from _split_paragraphs(re.sub(r"-\n(?=[a-z])", "", text))
    if skipped:
        listed = ", ".join(map(str, skipped[:10])) + (" …" if len(skipped) > 10 else "")
        notes.append(
            f"{path.name}: skipped {len(skipped)} page(s) ({listed}) whose content is over "
            f"{MAX_PAGE_CONTENT / 1e6:g} MB inflated (a text page is a few KB)"
        )
    if not found and not skipped:
        raise DocumentError(
            f"the PDF has {n_pages} page(s) but no text layer (a scan?); run OCR first",
            file=path,
        )


def _pdf_limits() -> AbstractContextManager[object]:
    """pypdf's own limits on one stream's inflated size and parsing work, set to a page's."""
    from pypdf import apply_configuration

    return apply_configuration(
        zlib_maximum_output_length=MAX_PAGE_CONTENT,
        array_based_stream_maximum_output_length=MAX_PAGE_CONTENT,
        stream_decoding_work_maximum_length=4 * MAX_PAGE_CONTENT,
    )


def _page_content_size(page: PageObject) -> int | None:
    """The inflated size of a page's content streams; None when over `MAX_PAGE_CONTENT`
    (pypdf stops inflating at the limit, so a bomb is never inflated whole)."""
    from pypdf.errors import LimitReachedError

    try:
        with _pdf_limits():
            contents = page.get_contents()
            size = len(contents.get_data()) if contents is not None else 0
    except LimitReachedError:
        return None
    return size if size <= MAX_PAGE_CONTENT else None


class _TextOfHtml(HTMLParser):
    """Body text of an HTML page: block elements become paragraphs; notes are dropped."""

    _BLOCKS: Final = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br",
                      "section", "article", "blockquote", "figcaption", "td"}  # fmt: skip
    _SKIP: Final = {"script", "style", "nav", "footer", "header", "sup", "noscript", "aside"}
    _VOID: Final = {"br", "img", "hr", "meta", "link", "input", "wbr", "source", "area", "col"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipping:  # depth inside a skipped element; void tags have no end tag
            self._skipping += tag not in self._VOID
            return
        classes = " ".join(v or "" for k, v in attrs if k in ("class", "id", "role")).lower()
        if tag in self._SKIP or "footnote" in classes or "endnote" in classes:
            self._skipping = 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            self._skipping -= 1
        elif tag in self._BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


# A "<" that no ">" closes before the next "<" is text: html.parser rescans the rest of the
# input from each such "<" ("<a <a <a …" of 32 KB: 34 s); the lookahead stops at the next
# angle bracket, so the substitution itself is linear.
_UNCLOSED_TAG: Final = re.compile(r"<(?![^<>]*>)")


def _html_text(source: str) -> str:
    parser = _TextOfHtml()
    parser.feed(_UNCLOSED_TAG.sub("&lt;", source))
    parser.close()
    return html.unescape("".join(parser.parts))


def _markdown_text(source: str) -> str:
    # Bracketed spans are bounded: "[" with no "]" after it would otherwise be scanned to the
    # end of the text from every "[", which is quadratic in "[[[[…".
    text = re.sub(r"^\[\^[^\]]{1,100}\]:.*$", "", source, flags=re.MULTILINE)  # footnotes
    text = re.sub(r"\[\^[^\]]{1,100}\]", "", text)  # footnote references
    text = re.sub(r"!?\[([^\]]{0,500})\]\([^)]{0,2000}\)", r"\1", text)  # links keep their text
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.MULTILINE)
    return re.sub(r"[*_`]{1,3}", "", text)


def _clean(raw: str) -> Iterator[tuple[str, bool]]:
    """The body text of one raw paragraph; a note block keeps only its statements."""
    text = _SUPERSCRIPTS.sub("", raw)
    text = _BRACKET_NOTE.sub("", text)
    text = re.sub(r"\[([^\]]{1,500})\]\((?:#|https?://)[^)]{0,2000}\)", r"\1", text)  # links
    text = re.sub(r"\\([$*_\[\]()#])", r"\1", text)  # Markdown escapes
    if _NOTE_BLOCK.match(text) and _CITATION_MARKS.search(text):
        kept = [s for s in _sentences_of_note(text) if not _CITATION_MARKS.search(s)]
        if kept:
            yield " ".join(kept), True
        return
    text = _INLINE_NOTE.sub("", text)
    text = _CITATION.sub(" ", text)
    text = _BARE_MARKER.sub("", text)
    text = _URL.sub("", text)
    text = re.sub(r"\s{2,}", " ", text).strip()
    if text:
        yield text, False


def _sentences_of_note(text: str) -> list[str]:
    """Sentences of a note block that state a figure (citations are dropped by the caller)."""
    notes = re.split(r"(?:^|\s)(?:[-*]\s+)*\d{1,3}\s+(?=\S)", text)
    return [
        s for note in notes for s in re.split(r"(?<=[.;])\s+(?=[A-Z])", note) if re.search(r"\d", s)
    ]
