"""HS chapters and the ICIO (ISIC Rev.4) sectors that make those goods.

Shared by the levers (HS-based levers on the ICIO network) and the coalition
scopes (an HS-scoped restriction seen on ICIO sectors).
"""

from __future__ import annotations

# HS chapters -> the ICIO (ISIC Rev.4) sectors that make those goods; an
# approximate concordance at chapter level, so that HS-based levers also run
# on the ICIO network (e.g. chapter 27: coal B05, crude and gas B06, refined C19).
ICIO_BY_CHAPTER: dict[str, tuple[str, ...]] = {
    **{f"{c:02d}": ("A01",) for c in (1, 2, 4, 5, *range(6, 15))},
    "03": ("A03",),
    **{f"{c:02d}": ("C10T12",) for c in range(15, 25)},
    "25": ("B08",),
    "26": ("B07",),
    "27": ("B05", "B06", "C19"),
    **{f"{c:02d}": ("C20",) for c in (28, 29, 31, 32, 33, 34, 35, 36, 37, 38)},
    "30": ("C21",),
    "39": ("C22",),
    "40": ("C22",),
    **{f"{c:02d}": ("C13T15",) for c in (41, 42, 43, *range(50, 68))},
    "44": ("C16",),
    "45": ("C16",),
    "46": ("C16",),
    "47": ("C17_18",),
    "48": ("C17_18",),
    "49": ("C17_18",),
    "68": ("C23",),
    "69": ("C23",),
    "70": ("C23",),
    "71": ("C24B",),
    "72": ("C24A",),
    "73": ("C25",),
    **{f"{c:02d}": ("C24B",) for c in (74, 75, 76, 78, 79, 80, 81)},
    "82": ("C25",),
    "83": ("C25",),
    "93": ("C25",),
    "84": ("C28",),
    "85": ("C26", "C27"),
    "90": ("C26",),
    "91": ("C26",),
    "92": ("C31T33",),
    "86": ("C302T309",),
    "87": ("C29",),
    "88": ("C302T309",),
    "89": ("C301",),
    "94": ("C31T33",),
    "95": ("C31T33",),
    "96": ("C31T33",),
    "97": ("C31T33",),
}


def sectors_of(hs_prefix: str) -> tuple[str, ...]:
    """The ICIO sectors making the goods of an HS code or prefix (by its chapter)."""
    return ICIO_BY_CHAPTER.get(hs_prefix[:2], ())
