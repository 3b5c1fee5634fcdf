"""The reference search: independent sources, units converted, each figure its own period.

Each case is one the checker used to get wrong (issue "claims checker that checks"); the
expected values are worked by hand from the packaged facts' rows named in each test.
"""

from __future__ import annotations

import pytest

from asymmetry.claims import check_text
from asymmetry.claims.extract import extract_text
from asymmetry.claims.references import relate
from asymmetry.claims.units import BARRELS_PER_TONNE, convert, show
from asymmetry.store.store import Store


def _one(store: Store, text: str, quote: str | None = None):  # type: ignore[no-untyped-def]
    checked = check_text(store, text).checked
    return next(c for c in checked if quote is None or c.claim.quote == quote)


def test_tonnes_convert_to_barrels_per_day_with_the_factor_stated() -> None:
    # China GAC: 79.64 Mt of Russian crude in 2021 -> 79.64e6 * 7.33 / 365 b/d
    got = convert(79.64, None, None, "Mt", "b/d", year=2021, period="2021")
    assert not isinstance(got, str) and got is not None
    assert got.value == pytest.approx(79.64e6 * BARRELS_PER_TONNE / 365)
    assert "7.33 bbl/t" in got.how and "365 days" in got.how
    leap = convert(1.0, None, None, "Mt", "b/d", year=2020, period="2020")
    assert leap is not None and not isinstance(leap, str)
    assert leap.value == pytest.approx(1e6 * 7.33 / 366)
    months = convert(1.0, None, None, "Mt", "b/d", year=2021, period="2021-01..2021-08")
    assert months is not None and not isinstance(months, str)
    assert months.value == pytest.approx(1e6 * 7.33 / 243)  # Jan-Aug 2021: 243 days


def test_money_scales_convert_and_a_currency_needs_a_stored_rate() -> None:
    got = convert(1.251, None, None, "USD tn", "USD", year=2020, period="2020")
    assert got is not None and not isinstance(got, str) and got.value == pytest.approx(1.251e12)
    assert convert(5.0, None, None, "bcm", "USD", year=2020, period="2020") is None
    missing = convert(10.0, None, None, "CNY bn", "USD", year=2020, period="2020",
                      rate=lambda c, y: None)  # fmt: skip
    assert isinstance(missing, str) and "no CNY per USD rate for 2020" in missing
    rated = convert(69.0, None, None, "CNY bn", "USD", year=2020, period="2020",
                    rate=lambda c, y: (6.9, "Fed"))  # fmt: skip
    assert rated is not None and not isinstance(rated, str)
    assert rated.value == pytest.approx(10e9) and "÷ 6.9 CNY/USD (2020, Fed)" in rated.how


def test_product_codes_relate_as_parts_and_wholes() -> None:
    assert relate("27", "27") == "same"
    assert relate("27", "2709") == "lower"  # crude oil is a part of all fuels
    assert relate("25-27", "27") == "lower"
    assert relate("84", "84-85") == "upper"
    assert relate("87", "84-85") is None


def test_values_are_shown_as_people_write_them() -> None:
    assert show(1.469e11, "USD") == "USD 146.9 bn"
    assert show(38.923, "percent") == "38.9%"
    assert show(1.6e6, "b/d") == "1.60 mb/d"
    assert show(2.27e10, "m3") == "22.7 bcm"
    assert show(150.2, "USD per 1000 m3") == "USD 150.2 per 1,000 m³"


def test_pipeline_gas_in_2020_is_checked_against_gazprom(default_store: Store) -> None:
    """Atlantic Council (2021): "In 2020, Russia provided 4.1 billion cubic meters" — Gazprom
    (via TASS) 4.1 bcm; the partner comes from the sentence before (the pipeline to China)."""
    c = _one(
        default_store,
        "China canceled a deal with the Russian firm Rosneft and reneged on building the Power "
        "of Siberia pipeline. In 2020, Russia provided 4.1 billion cubic meters.",
    )
    assert (c.claim.country, c.claim.partner, c.claim.year) == ("RUS", "CHN", 2020)
    assert c.verdict == "consistent" and c.reference is not None
    assert c.reference.value == pytest.approx(4.1e9) and c.reference.tier == 1


def test_barrels_per_day_are_checked_against_tonnes(default_store: Store) -> None:
    c = _one(default_store, "Russia's exports of crude oil to China averaged 1.59 million "
             "barrels per day (mb/d) in 2021.")  # fmt: skip
    assert c.verdict == "consistent" and c.reference is not None
    assert "79.64 Mt × 7.33 bbl/t ÷ 365 days" in c.reference.how
    assert c.reference.value == pytest.approx(79.64e6 * 7.33 / 365)


def test_a_statements_date_is_not_its_datas_year(default_store: Store) -> None:
    """Said during a March 2021 visit, "bilateral trade reaching $107 billion" is 2020's
    (China GAC: USD 107.76 bn), and the repeated mention "in 2020" is checked too."""
    text = (
        "During a March 2021 visit to China, Lavrov spoke. Russia's ambassador to China "
        "stated that bilateral trade was reaching $107 billion.\n\n"
        "In the total bilateral trade of $107 billion in 2020, little was in rubles."
    )
    first, second = [c for c in check_text(default_store, text).checked if c.claim.unit == "USD"]
    assert first.claim.year == 2020 and first.claim.year_note and "2021-03" in first.claim.year_note
    assert first.verdict == second.verdict == "consistent"
    assert second.claim.partner is not None  # "bilateral": the document names the other side
    assert first.reference is not None and first.reference.value == pytest.approx(107.76e9)


def test_countries_are_attached_to_their_figures_in_a_list() -> None:
    prices = extract_text(
        "The average price for Uzbek gas was $180 per 1,000 cubic meters, Turkmen $210, "
        "and Myanmar $340. Nigeria and Malaysia were paid $200; Qatar $275."
    )
    assert [(c.value, c.country) for c in prices] == [
        (180, "UZB"), (210, "TKM"), (340, "MMR"), (200, "NGA"), (275, "QAT")
    ]  # fmt: skip
    assert all(c.unit == "USD per 1000 m3" for c in prices)
    volumes = extract_text("Turkmenistan supplied 2.8 bcm, Russia 0.9 bcm and Myanmar 0.36 bcm.")
    assert [c.country for c in volumes] == ["TKM", "RUS", "MMR"]
    invested = extract_text("During these years, Chinese invested $31 billion in Nigeria and "
                            "$34 billion in Brazil.")  # fmt: skip
    assert [(c.country, c.partner) for c in invested] == [("CHN", "NGA"), ("CHN", "BRA")]


def test_plain_turnover_is_a_trade_quantity(default_store: Store) -> None:
    c = _one(default_store, "Russia-China turnover was $241 billion in 2023.")
    assert c.claim.measure == "trade_turnover" and c.verdict == "consistent"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("China-Russia trade was $107.76bn in 2020 and $146.89bn in 2021, customs data show.",
         [(107.76e9, "USD", 2020, "2020"), (146.89e9, "USD", 2021, "2021")]),
        ("China imported 107 million tonnes of Russian crude in 2023.",
         [(107e6, "t", 2023, "2023")]),
        ("China accounted for 14.2% of Russian exports in January-August 2021.",
         [(14.2, "percent", 2021, "2021-01..2021-08")]),
        ("Russia supplied 83.57 Mt of crude oil to China in 2020.",
         [(83.57e6, "t", 2020, "2020")]),
        ("Imports rose to $3.9 billion in the first half of 2023.",
         [(3.9e9, "USD", 2023, "2023-01..2023-06")]),
    ],
)  # fmt: skip
def test_each_figure_has_its_own_period(
    text: str, expected: list[tuple[float, str, int, str]]
) -> None:
    got = [(c.value, c.unit, c.year, c.period) for c in extract_text(text)]
    assert got == expected


def test_a_partial_year_is_not_checked_against_the_year(default_store: Store) -> None:
    """Russian Export Center: China 14.2% of Russia's exports in Jan-Aug 2021 (packaged); the
    same share for the whole of 2021 is another quantity."""
    part = _one(default_store, "China accounted for 14.2% of Russia's exports in "
                "January-August 2021.")  # fmt: skip
    assert part.verdict == "consistent" and part.reference is not None
    assert part.reference.period == "2021-01..2021-08"
    whole = _one(default_store, "China accounted for 14.2% of Russia's exports in 2021.")
    assert whole.reference is None or whole.reference.period == "2021"


def test_a_unit_price_is_computed_from_value_and_volume(default_store: Store) -> None:
    """China GAC 2020: Russian LNG 5 Mt for USD 1.72 bn -> 1.72e9 / (5 * 1.36e9 m3) * 1,000."""
    c = _one(default_store, "In 2020, China's LNG imports from Russia averaged $230 per "
             "1,000 cubic meters.")  # fmt: skip
    assert c.verdict == "discrepant" and c.reference is not None
    assert c.reference.value == pytest.approx(1.72e9 / (5 * 1.36e9) * 1000)


def test_sources_that_disagree_are_each_named(default_store: Store) -> None:
    """2020 turnover: China GAC USD 107.76 bn, Putin's USD 104 bn; the agency decides."""
    c = _one(default_store, "China-Russia trade turnover was $107.8 billion in 2020.")
    assert c.verdict == "consistent"
    assert "discrepant with USD 104 bn" in c.reason
    assert "Decided by" in c.reason and "statistical agency ranks above" in c.reason


def test_a_wrong_figure_is_told_the_period_it_fits(default_store: Store) -> None:
    """US Treasury TIC: Russia held USD 9.97 bn at end-2019, USD 6.15 bn at end-2020."""
    c = _one(default_store, "By the end of 2019 Russia's holdings of US government debt "
             "were a bit over $6 billion.")  # fmt: skip
    assert c.verdict == "discrepant"
    assert "fits 2020-12 instead" in c.reason


def test_a_partners_share_of_one_products_trade_is_not_the_products_share(
    default_store: Store,
) -> None:
    """China GAC 2023: crude oil USD 60.6 bn of Russia's USD 129.14 bn exports to China is
    46.9% of those exports; "20% of China's crude imports" is another quantity."""
    share = _one(default_store, "Crude oil made up 46.9% of Russia's exports to China in 2023.")
    assert share.claim.product == "2709" and share.verdict == "consistent"
    assert share.reference is not None and share.reference.value == pytest.approx(
        100 * 60.6 / 129.14, rel=1e-3
    )
    other = _one(default_store, "Russia supplied 20% of China's crude oil imports in 2023.")
    assert other.verdict == "unverifiable" and "share of CHN's imports of HS 2709" in other.reason


def test_a_share_with_no_part_is_not_checked_against_its_whole(default_store: Store) -> None:
    """FDI stock of RUS, USD 407 bn, divided by itself is not a reference for any share."""
    c = _one(default_store, "In 2018, foreign companies held 30% of Russia's FDI stock.")
    assert c.reference is None or c.reference.value != pytest.approx(100.0)


def test_lpg_is_not_converted_as_natural_gas() -> None:
    lpg = convert(20.0, None, None, "Mt", "m3", year=2023, period="2023",
                  product="liquefied petroleum gas")  # fmt: skip
    assert lpg is None
    lng = convert(5.0, None, None, "Mt", "m3", year=2020, period="2020", product="LNG")
    assert lng is not None and not isinstance(lng, str) and lng.value == pytest.approx(6.8e9)


def test_small_and_large_values_never_read_as_scientific_notation() -> None:
    assert show(123_500, "USD") == "USD 123,500"
    assert show(0.00001, "percent") == "<0.01%"
    assert "e+" not in show(1.6e6, "t") and "e-" not in show(2e-5, "percent")


def test_one_routes_part_of_a_flow_only_bounds_it(default_store: Store) -> None:
    """Transneft's 40 Mt by pipeline (2023) is a part of China's 107 Mt of Russian crude."""
    c = _one(default_store, "Russia's exports of crude oil to China averaged 2.14 mb/d in 2023.")
    assert c.verdict == "consistent"
    pipeline = [r for r in c.others if "Transneft" in r.source]
    assert pipeline and all(r.bound == "lower" for r in pipeline)
    assert "discrepant with 0.80 mb/d" not in c.reason
