"""Money in any currency: CLDR's codes, names and symbols, told apart by the countries named."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from asymmetry.claims.currencies import TABLE_FILE, build_table, currencies, is_money, resolve
from asymmetry.claims.extract import extract_text
from asymmetry.claims.quantities import domain_quantities
from asymmetry.store.codes import actor_table


def test_the_packaged_table_is_what_cldr_gives() -> None:
    """`data/currencies.json` is `build_table()` as written by tools/build_currencies.py;
    a babel upgrade that changes CLDR's data fails here until the tool is run again."""
    shipped = json.loads(files("asymmetry").joinpath("data", TABLE_FILE).read_text("utf-8"))
    built = json.loads(json.dumps(build_table()))
    assert shipped == built, "run `python tools/build_currencies.py`"


def test_every_code_names_itself() -> None:
    table = currencies()
    assert len(table.codes) > 140 and {"USD", "KES", "MYR", "ZMW", "INR", "JPY"} <= table.codes
    for code in table.codes:
        assert is_money(code) and resolve(code, (), symbol=True) == code
    assert not is_money("USD per t") and not is_money("percent")


@pytest.mark.parametrize(
    ("surface", "countries", "symbol", "expected"),
    [
        ("RM", (), True, "MYR"),  # one currency's symbol (ms_MY)
        ("Sh", ("KEN",), True, "KES"),  # shared by KES, TZS, UGX, SOS: the country named
        ("Sh", (), True, None),
        ("K", ("ZMB",), True, "ZMW"),  # a letter: only with its country named
        ("K", (), True, None),
        ("Rs", ("IND",), True, "INR"),
        ("Rs", ("PAK",), True, "PKR"),
        ("Rs", (), True, None),
        ("¥", ("JPN",), True, "JPY"),
        ("¥", ("JPN", "CHN"), True, "JPY"),  # the first named country's: the text's subject
        ("¥", ("CHN", "JPN"), True, "CNY"),
        ("Rs", ("NPL", "IND"), True, "NPR"),  # "Nepal sold India power worth Rs 13.4 billion"
        ("¥", (), True, "CNY"),
        ("$", ("NZL",), True, "USD"),  # a local dollar is written NZ$, C$
        ("NZ$", (), True, "NZD"),
        ("ringgit", (), False, "MYR"),
        ("dirhams", ("MAR",), False, "MAD"),
        ("dirhams", (), False, None),  # AED or MAD
        ("Swiss francs", (), False, "CHF"),
        ("francs", (), False, None),
        ("pounds", (), False, None),  # pounds of coffee, unless a country says otherwise
        ("Egyptian pounds", (), False, "EGP"),
        ("rubles", (), False, "RUB"),  # BYN's rubles are "Belarusian rubles"
        ("won", ("KOR",), False, "KRW"),  # also a verb: only with Korea named
        ("won", (), False, None),
    ],
)
def test_a_shared_surface_is_the_named_countrys_currency(
    surface: str, countries: tuple[str, ...], symbol: bool, expected: str | None
) -> None:
    assert resolve(surface, countries, symbol=symbol) == expected


@pytest.mark.parametrize(
    ("sentence", "countries", "expected"),
    [
        ("Kenyan earnings rose to Sh153 billion in 2018.", ("KEN",), [(153e9, "KES")]),
        ("Exports were Rs 6,702.52 crore in April-May 2023.", ("IND",), [(6.70252e10, "INR")]),
        ("Spice exports rose to 3.78 lakh tonnes.", ("IND",), [(378_000, "t")]),
        ("Earnings rose to over K10.5 billion in August.", ("ZMB",), [(10.5e9, "ZMW")]),
        ("Earnings rose to over K10.5 billion in August.", (), []),
        ("Exports fell to RM252.8 billion.", (), [(252.8e9, "MYR")]),
        ("Sales rose to MAD 25.4 billion.", (), [(25.4e9, "MAD")]),
        ("Revenue fell to 42.47 billion dirhams.", ("MAR",), [(42.47e9, "MAD")]),
        ("Trade grew to ¥15.67 trillion.", ("JPN",), [(15.67e12, "JPY")]),
        ("Exports reached $18.8b.", (), [(18.8e9, "USD")]),
        ("It shipped 1.2 million pounds of coffee.", ("GBR",), []),
        ("The TOP 10 exporters; PM2.5 levels; in Q3 2024.", (), []),
        # a change and the level it reached, not a range: "rose $1.1 billion to $10 billion"
        ("Milk powder rose $1.1 billion to $10 billion.", (), [(1.1e9, "USD"), (10e9, "USD")]),
        ("Prices rose 5 to 7 percent.", (), [(6.0, "percent")]),
        # the change given both ways, then the level (held-out 20 read a range's midpoint)
        (
            "Iron ore rose 8% or $757 million to $9.92 billion.",
            (),
            [(8.0, "percent"), (757e6, "USD"), (9.92e9, "USD")],
        ),
        # the rate a story converts at: that currency per dollar, and no "$1"
        ("($1 = 8.4344 Norwegian crowns)", (), [(8.4344, "NOK per USD")]),
        ("(one U.S. dollar is equivalent to 82 yen)", ("JPN",), [(82.0, "JPY per USD")]),
        ("The rupee closed at Rs 67.19 a dollar.", ("IND",), [(67.19, "INR per USD")]),
        # barrels the words before call a daily level are barrels a day
        ("Exports averaged a daily level slightly over 1.8 million barrels.", (), [(1.8e6, "b/d")]),
        ("Iraq exported 107.53 million barrels in October.", (), [(107.53e6, "bbl")]),
        # "$US": Australian press's US dollar
        ("Iron ore prices stayed over $US100 a tonne.", (), [(100.0, "USD per t")]),
        # Hong Kong's statistics department writes its own dollar as "$"
        ("Hong Kong's exports fell to $321.5 billion.", ("HKG",), [(321.5e9, "HKD")]),
        # an amount without its unit takes the one before it, but not a count of bottles
        (
            "Sales hit £4.27 billion though 1.19 billion bottles were shipped.",
            (),
            [(4.27e9, "GBP")],
        ),
    ],
)
def test_money_in_local_currencies(
    sentence: str, countries: tuple[str, ...], expected: list[tuple[float, str]]
) -> None:
    found = [(q.value, q.unit) for q in domain_quantities(sentence, countries=countries)]
    assert found == [(pytest.approx(v), u) for v, u in expected]


def test_the_countries_a_text_names_tell_its_currency() -> None:
    """End to end: the paragraph names Kenya, so "Sh" and "shillings" are Kenya's."""
    claims = extract_text(
        "Kenya earned 138 billion shillings from tea exports in 2022. Flowers brought in "
        "Sh113 billion."
    )
    assert [(c.value, c.unit) for c in claims] == [(138e9, "KES"), (113e9, "KES")]


def test_every_country_is_an_actor() -> None:
    """CLDR's names and demonyms name every country; the curated table keeps its words."""
    pattern, table = actor_table()
    assert table["kenya"] == "KEN" and table["moroccan"] == "MAR" and table["zambian"] == "ZMB"
    assert table["russia"] == "RUS" and table["the west"] == "WEST"  # curated rows
    assert pattern.search("Zambia's copper")[1] == "Zambia"  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("Qatar's trade surplus hit 24.5 billion rials in November 2021.", "QAR"),
        ("Oman's exports reached 12.1 billion rials in 2022.", "OMR"),
        ("Nepal's exports reached NRs 158.17 billion in 2024.", "NPR"),
        ("Mexican exports amounted to USD$ 30,730 million in January 2018.", "USD"),
        ("Norway's gas exports stood at 48.7 billion crowns in September 2021.", "NOK"),
        ("Sweden's exports rose to 150 billion crowns in 2022.", "SEK"),
    ],
)
def test_press_currencies_of_the_gulf_nepal_and_mexico(text: str, unit: str) -> None:
    (claim,) = [c for c in extract_text(text) if c.unit != "percent"]
    assert claim.unit == unit
