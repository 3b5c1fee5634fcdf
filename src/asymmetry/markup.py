"""Messages written for the terminal, shown on a page: one rule for every template."""

from __future__ import annotations

import re
from typing import Any

import markupsafe


def code_spans(text: Any) -> markupsafe.Markup:
    """A message's `command` spans as <code> (the rest escaped): messages are written for
    the terminal, where backticks mark what to type."""
    escaped = str(markupsafe.escape("" if text is None else text))
    return markupsafe.Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))
