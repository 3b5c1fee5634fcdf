"""Country and HS product codes: the project's knowledge of the nomenclatures.

Countries are ISO3 strings everywhere in the store. Reporting agencies use
their own numeric codes for a few economies (UN Comtrade's 842 for the USA,
251 for France ...) and a catch-all for Taiwan ("Other Asia, n.e.s.", 490),
which BACI maps to the pseudo-ISO3 ``S19``. Names in the many forms found in
trade files go through `country_converter`.
"""

from __future__ import annotations

import csv
import difflib
import logging
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final

import pandas as pd

from asymmetry.errors import AsymmetryError, IngestError, UnknownCountryError

# Pseudo-ISO3 used by CEPII BACI for code 490 (Taiwan in UN statistics).
OTHER_ASIA: Final = "S19"


@cache
def actor_table() -> tuple[re.Pattern[str], dict[str, str]]:
    """The words by which texts name a country or group as one pattern, and each word
    (lower case) -> ISO3: ``data/actors.csv`` (names, demonyms, capitals, metonyms, groups),
    then every other country by its CLDR English name and demonym
    (`asymmetry.claims.currencies`: "Kenya", "Moroccan")."""
    from asymmetry.claims.currencies import currencies

    path = resources.files("asymmetry.data").joinpath("actors.csv")
    with path.open(encoding="utf-8") as fh:
        curated = {row["term"]: row["iso3"] for row in csv.DictReader(fh)}
    taken = {t.lower() for t in curated}
    rows = {
        **{t: c for t, c in currencies().country_names.items() if t.lower() not in taken},
        **curated,
    }
    terms = sorted(rows, key=len, reverse=True)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(t) for t in terms) + r")(?:['’]s?)?(?!\w)"  # noqa: RUF001
    )
    return pattern, {k.lower(): v for k, v in rows.items()}


# Groups whose own agencies publish trade statistics (Eurostat for the EU):
# a cited figure may have one as its `country`.
REPORTING_GROUPS: Final = frozenset({"EU"})

# UN Comtrade reporter/partner codes that differ from ISO 3166 numeric.
# Source: UN Comtrade reference table "partnerAreas" (codes 842, 251, 381, 699,
# 757, 579 are the "including territories" variants Comtrade reports under).
COMTRADE_SPECIAL_CODES: Final[dict[str, tuple[str, str]]] = {
    "842": ("USA", "USA, incl. Puerto Rico and US Virgin Islands"),
    "251": ("FRA", "France, incl. Monaco and overseas departments"),
    "381": ("ITA", "Italy, incl. San Marino and the Holy See"),
    "699": ("IND", "India, incl. Sikkim"),
    "757": ("CHE", "Switzerland, incl. Liechtenstein"),
    "579": ("NOR", "Norway, incl. Svalbard and Jan Mayen"),
    "490": (OTHER_ASIA, "Other Asia, n.e.s."),
}

# HS sections by chapter range (World Customs Organization nomenclature).
# Chapter 77 is reserved; 98-99 are national special-use chapters.
HS_SECTIONS: Final[tuple[tuple[str, int, int, str], ...]] = (
    ("I", 1, 5, "Live animals; animal products"),
    ("II", 6, 14, "Vegetable products"),
    ("III", 15, 15, "Animal or vegetable fats and oils"),
    ("IV", 16, 24, "Prepared foodstuffs; beverages; tobacco"),
    ("V", 25, 27, "Mineral products (incl. fuels)"),
    ("VI", 28, 38, "Chemical products"),
    ("VII", 39, 40, "Plastics and rubber"),
    ("VIII", 41, 43, "Hides, skins, leather"),
    ("IX", 44, 46, "Wood and articles of wood"),
    ("X", 47, 49, "Pulp, paper and printed matter"),
    ("XI", 50, 63, "Textiles and textile articles"),
    ("XII", 64, 67, "Footwear, headgear"),
    ("XIII", 68, 70, "Stone, ceramic, glass"),
    ("XIV", 71, 71, "Precious stones and metals"),
    ("XV", 72, 83, "Base metals"),
    ("XVI", 84, 85, "Machinery and electrical equipment"),
    ("XVII", 86, 89, "Vehicles, aircraft, vessels"),
    ("XVIII", 90, 92, "Optical, medical, precision instruments"),
    ("XIX", 93, 93, "Arms and ammunition"),
    ("XX", 94, 96, "Miscellaneous manufactured articles"),
    ("XXI", 97, 97, "Works of art, antiques"),
    ("XXII", 98, 99, "Special classification provisions"),
)

_RESERVED_CHAPTER = 77  # kept free for possible future use by the WCO
_log = logging.getLogger(__name__)
_HS_DIGITS = re.compile(r"^\d{1,6}$")


def hs_section(chapter: str | int) -> str | None:
    """The HS section (roman numeral) of a 2-digit chapter, or None if reserved."""
    number = int(chapter)
    if number == _RESERVED_CHAPTER:
        return None
    for roman, first, last, _ in HS_SECTIONS:
        if first <= number <= last:
            return roman
    return None


@cache
def hs_sections() -> dict[str, tuple[str, str]]:
    """HS chapter ("01"-"99") -> (its section's roman numeral, the section's name)."""
    return {
        f"{c:02d}": (roman, name)
        for roman, first, last, name in HS_SECTIONS
        for c in range(first, last + 1)
        if c != _RESERVED_CHAPTER
    }


def hs_sections_frame() -> pd.DataFrame:
    """One row per HS chapter 01-99 with its section (`hs_sections`); for SQL joins."""
    rows = [
        {"chapter": chapter, "section": roman, "section_name": name}
        for chapter, (roman, name) in hs_sections().items()
    ]
    return pd.DataFrame(rows)


def pad_hs(code: str) -> str | None:
    """Pad an HS code that lost its leading zero; None if it is not 2/4/6 digits.

    Spreadsheets and BACI's HS92 table store codes as integers, so ``10111``
    means ``010111`` and ``101`` means ``0101``. Odd lengths get one zero.
    """
    code = code.strip()
    if not _HS_DIGITS.match(code):
        return None
    if len(code) % 2:
        code = "0" + code
    return code


def refuse_duplicate_codes(
    codes: pd.Series, raw: pd.Series, *, file: str | Path, field: str, what: str
) -> None:
    """`IngestError` naming the first repeated code of a code table (header = line 1).

    A country code listed twice would join every flow of that country twice
    (2,000 rows in, 2,005 stored); two descriptions of one product code cannot
    both be right.
    """
    repeated = codes.duplicated(keep=False) & codes.notna()
    if not repeated.any():
        return
    lines = repeated.to_numpy().nonzero()[0]
    first_code = codes.iloc[lines[0]]
    same = [int(i) for i in lines if codes.iloc[i] == first_code]
    raise IngestError(
        f"{what} {first_code} is listed twice (first on line {same[0] + 2}); "
        "each code must appear once",
        file=file,
        line=same[1] + 2,
        field=field,
        value=raw.iloc[same[1]],
        count=int(codes[repeated].duplicated().sum()),
    )


@cache
def _converter() -> object:
    import country_converter as coco

    # country_converter logs one warning per unmatched name; we report our own.
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


def reference_countries() -> pd.DataFrame:
    """ISO3, ISO numeric and short name of every country `country_converter` knows."""
    data = _converter().data  # type: ignore[attr-defined]
    frame = pd.DataFrame(
        {
            "iso3": data["ISO3"].astype(str),
            "iso_numeric": pd.to_numeric(data["ISOnumeric"], errors="coerce").astype("Int64"),
            "name": data["name_short"].astype(str),
        }
    )
    extra = pd.DataFrame(
        {
            "iso3": [OTHER_ASIA],
            "iso_numeric": pd.array([pd.NA], dtype="Int64"),
            "name": ["Other Asia, n.e.s."],
        }
    )
    return pd.concat([frame, extra], ignore_index=True).drop_duplicates("iso3")


@cache
def _iso_tables() -> tuple[frozenset[str], dict[str, str]]:
    """ISO3 codes and ISO numeric -> ISO3, built once (resolution runs per request)."""
    reference = reference_countries()
    by_numeric = {
        str(int(n)): c
        for n, c in zip(reference["iso_numeric"], reference["iso3"], strict=True)
        if not pd.isna(n)
    }
    return frozenset(reference["iso3"]), by_numeric


def resolve_countries(
    values: Iterable[str], *, scheme_codes: dict[str, str] | None = None
) -> dict[str, str | None]:
    """Map each distinct country spelling to ISO3 (None when unresolvable).

    Tried in order: the dataset's own code table (``scheme_codes``), Comtrade's
    special numeric codes, ISO3, ISO numeric, then names via `country_converter`
    ("Russia", "Russian Federation", "China, People's Rep.").
    """
    iso3, by_numeric = _iso_tables()
    scheme_codes = scheme_codes or {}
    out: dict[str, str | None] = {}
    names: list[str] = []
    for raw in set(values):
        value = str(raw).strip()
        numeric = (value.lstrip("0") or "0") if value.isdigit() else None
        if value in scheme_codes:
            out[raw] = scheme_codes[value]
        elif numeric is not None and numeric in COMTRADE_SPECIAL_CODES:
            out[raw] = COMTRADE_SPECIAL_CODES[numeric][0]
        elif value.upper() in iso3 and len(value) == 3:
            out[raw] = value.upper()
        elif numeric is not None:
            out[raw] = by_numeric.get(numeric)
        else:
            names.append(raw)
    if names:
        converted = _converter().convert(  # type: ignore[attr-defined]
            names=names, to="ISO3", not_found="", enforce_list=True
        )
        for raw, iso in zip(names, converted, strict=True):
            found = iso[0] if isinstance(iso, list) else iso
            out[raw] = found if isinstance(found, str) and found in iso3 else None
    return out


def resolve_country(value: str) -> str:
    """ISO3 for one user-supplied country, or `UnknownCountryError` with suggestions."""
    found = resolve_countries([value]).get(value)
    if found is None:
        raise UnknownCountryError(value, suggest_countries(value))
    return found


def resolve_pair(a: str, b: str) -> tuple[str, str]:
    """ISO3 codes of two different countries (errors name the culprit)."""
    first, second = resolve_country(a), resolve_country(b)
    if first == second:
        raise AsymmetryError(f"a pair needs two different countries, got {first} twice")
    return first, second


@cache
def _country_names() -> dict[str, tuple[str, tuple[str, ...]]]:
    """ISO3 -> (short name, every spelling to compare: names and their long words)."""
    data = _converter().data  # type: ignore[attr-defined]
    names: dict[str, tuple[str, tuple[str, ...]]] = {}
    for iso3, short, official in zip(
        data["ISO3"], data["name_short"], data["name_official"], strict=True
    ):
        spellings = {str(short).casefold(), str(official).casefold()}
        # "Corea" is nearest to the word "korea" in "republic of korea".
        spellings |= {w for n in tuple(spellings) for w in re.findall(r"[^\W\d_]{4,}", n)}
        names[str(iso3)] = (str(short), tuple(sorted(spellings)))
    names[OTHER_ASIA] = ("Other Asia, n.e.s.", ("other asia, n.e.s.",))
    return names


def suggest_countries(value: str, n: int = 3) -> list[str]:
    """Nearest countries by name similarity ("Rusia" -> RUS first), for error messages.

    A value of up to three characters is also compared with the ISO3 codes (swapped
    letters, "RSU", rank RUS first); a longer one only with names, so "Rusia" does not
    rank USA for sharing the letters of its code.
    """
    typed = value.strip().casefold()
    scored: list[tuple[float, str, str]] = []
    for iso3, (short, spellings) in _country_names().items():
        options = (*spellings, iso3.casefold()) if len(typed) <= 3 else spellings
        score = max(difflib.SequenceMatcher(None, typed, o).ratio() for o in options)
        if len(typed) == 3 and sorted(typed) == sorted(iso3.casefold()):
            score = max(score, 0.9)
        if score >= 0.6:
            scored.append((-score, iso3, short))
    return [f"{iso3} ({short})" for _, iso3, short in sorted(scored)[:n]]
