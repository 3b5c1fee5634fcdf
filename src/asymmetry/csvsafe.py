"""CSV that a spreadsheet opens as data: text cells cannot start a formula.

Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula (and tab or carriage return can smuggle one in), so a
product name such as ``=HYPERLINK("http://evil.example", "x")`` from a trade file
would run on the reader's machine. OWASP's remedy, used here: prefix such a
text cell with a single quote, which the spreadsheet shows as text
(https://owasp.org/www-community/attacks/CSV_Injection). Numbers are left
alone: numeric columns are not touched, and a text cell that is exactly a
number ("-3.2") is a number, not a formula. Every CSV the CLI prints and the
dashboard serves is written by `csv_text`.

>>> import pandas as pd
>>> print(csv_text(pd.DataFrame({"name": ["=1+1", "-3.2", "steel"], "x": [-3.2, 1.0, 2.0]})))
name,x
'=1+1,-3.2
-3.2,1.0
steel,2.0
<BLANKLINE>
"""

from __future__ import annotations

import pandas as pd
from pandas.api.types import is_numeric_dtype

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """``value`` with a leading ``'`` if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are `neutralise`d."""
    safe = frame.copy()
    for index in range(frame.shape[1]):  # by position: column names may repeat
        values = frame.iloc[:, index]
        if not is_numeric_dtype(values.dtype):
            safe.isetitem(index, values.astype(object).map(neutralise).to_numpy())
    safe.columns = [neutralise(c) for c in frame.columns]
    return safe


def csv_text(frame: pd.DataFrame, *, header: bool = True) -> str:
    """``frame`` as CSV text (no index), safe to open in a spreadsheet."""
    return str(safe_frame(frame).to_csv(index=False, header=header))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text and "_" not in text
