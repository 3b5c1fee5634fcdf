from __future__ import annotations

import pytest

from asymmetry.errors import UnknownCountryError
from asymmetry.store.codes import (
    hs_section,
    pad_hs,
    resolve_countries,
    resolve_country,
    suggest_countries,
)
from asymmetry.store.store import Store


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10111", "010111"),
        ("010111", "010111"),
        ("101", "0101"),
        ("1", "01"),
        ("27", "27"),
        ("852352", "852352"),
        ("1234567", None),
        ("12a4", None),
        ("", None),
        (" 2709 ", "2709"),
    ],
)
def test_pad_hs(raw: str, expected: str | None) -> None:
    assert pad_hs(raw) == expected


@pytest.mark.parametrize(
    ("chapter", "section"),
    [
        ("01", "I"),
        ("05", "I"),
        ("06", "II"),
        ("15", "III"),
        ("27", "V"),
        ("84", "XVI"),
        ("85", "XVI"),
        ("87", "XVII"),
        ("93", "XIX"),
        ("97", "XXI"),
        ("77", None),
    ],
)
def test_hs_section(chapter: str, section: str | None) -> None:
    assert hs_section(chapter) == section


def test_country_spellings_resolve_to_iso3() -> None:
    spellings = [
        "Russia",
        "Russian Federation",
        "RUS",
        "643",
        "China, People's Rep.",
        "CHN",
        "156",
        "842",
        "251",
        "699",
        "381",
        "490",
        "Korea, Rep.",
        "Viet Nam",
    ]
    got = resolve_countries(spellings)
    assert [got[s] for s in spellings] == [
        "RUS",
        "RUS",
        "RUS",
        "RUS",
        "CHN",
        "CHN",
        "CHN",
        "USA",
        "FRA",
        "IND",
        "ITA",
        "S19",
        "KOR",
        "VNM",
    ]


def test_unknown_country_suggests_names() -> None:
    with pytest.raises(UnknownCountryError) as info:
        resolve_country("Rusia")
    assert any("RUS" in s for s in info.value.suggestions)
    assert "unknown country 'Rusia'" in str(info.value)


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("Rusia", "RUS"),
        ("Germny", "DEU"),
        ("United Staes", "USA"),
        ("Corea", "KOR"),
        ("Brasil", "BRA"),
        ("RSU", "RUS"),
    ],
)
def test_suggestions_rank_by_name_similarity(typed: str, first: str) -> None:
    """ "Rusia" once suggested USA first, for sharing letters with its code."""
    assert suggest_countries(typed)[0].startswith(f"{first} (")


def test_new_store_knows_comtrade_codes(empty_store: Store) -> None:
    codes = empty_store.query(
        "SELECT code, iso3 FROM country_codes WHERE scheme = 'comtrade' ORDER BY code"
    )
    mapping = dict(zip(codes["code"], codes["iso3"], strict=True))
    expected = {"842": "USA", "251": "FRA", "381": "ITA", "699": "IND", "490": "S19"}
    assert expected.items() <= mapping.items()
    assert empty_store.scalar("SELECT name FROM countries WHERE iso3 = 'S19'") == (
        "Other Asia, n.e.s."
    )
