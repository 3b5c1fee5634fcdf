"""A document's date gives "last year", "this month", a bare "in June" or "the first half"
their year when the text around them gives none (`context.DocumentDate`): from the reader
(``--as-of``, the API's ``as_of``) or the document's own date line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asymmetry.claims.context import DocumentDate
from asymmetry.claims.extract import extract_text
from asymmetry.cli import app

JULY_2021 = DocumentDate(2021, 7)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("Exports fell 17.3% to $5.2 billion in June.", "2021-06"),
        ("Exports reached $5 billion last year.", "2020"),
        ("Exports reached $5 billion this year.", "2021"),
        ("Exports were $2 billion last month.", "2021-06"),
        # a month still to come at the document's date is last year's
        ("Exports in December were $3 billion.", "2020-12"),
        ("In the first half exports rose 12% to $40 billion.", "2021-01..2021-06"),
        ("Trade in the third quarter was $9 billion.", "2020-Q3"),
        ("In the first five months exports were $9 billion.", "2021-01..2021-05"),
    ],
)
def test_relative_periods_are_read_at_the_documents_date(text: str, period: str) -> None:
    claims = [c for c in extract_text(text, as_of=JULY_2021) if c.unit == "USD"]
    assert [c.period for c in claims] == [period]
    assert claims[0].year == int(period[:4])
    assert claims[0].year_note is not None and "document's date, 2021-07" in claims[0].year_note


def test_last_month_across_new_year() -> None:
    (claim,) = extract_text("Exports were $2 billion last month.", as_of=DocumentDate(2021, 1))
    assert claim.period == "2020-12"


def test_without_a_date_nothing_is_dated() -> None:
    (claim,) = extract_text("Exports reached $5 billion last year.")
    assert claim.year is None


def test_the_texts_own_year_comes_first() -> None:
    text = "In 2019 exports were $5 billion. In June they fell to $0.3 billion."
    claims = extract_text(text, as_of=JULY_2021)
    assert [(c.quote, c.period) for c in claims] == [
        ("$5 billion", "2019"),
        ("$0.3 billion", "2019-06"),
    ]
    assert all(c.year_note is None or "document" not in c.year_note for c in claims)


def test_that_year_and_the_past_year_are_not_the_documents() -> None:
    for text in ("Exports reached $5 billion that year.", "Exports were $5 billion the past year."):
        (claim,) = extract_text(text, as_of=JULY_2021)
        assert claim.year is None, text


def test_a_date_line_dates_the_document() -> None:
    text = "Published June 7, 2021\n\nExports reached $5 billion last year."
    (claim,) = extract_text(text)
    assert (claim.year, claim.period) == (2020, "2020")


def test_a_date_in_the_prose_is_not_the_documents() -> None:
    """ "… its fiscal year, which began on July 8, 2022": a date of the story, not the page's."""
    story = (
        "The company, whose new fiscal year began on July 8, 2022 after a long and costly "
        "restructuring of its export business, reported on its trade."
    )
    then = "\n\nIts exports reached $5 billion last year."
    (claim,) = extract_text(story + then)
    assert claim.year is None
    (dated,) = extract_text("Published: June 7, 2021 by the ministry's trade desk. " + story + then)
    assert dated.year == 2020


@pytest.mark.parametrize("text", ["2021-13", "21-06", "June 2021", "2021-02-30", ""])
def test_a_bad_date_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        DocumentDate.parse(text)


def test_dates_parse() -> None:
    assert DocumentDate.parse("2021-06-07") == DocumentDate(2021, 6)
    assert DocumentDate.parse("2021-06") == DocumentDate(2021, 6)
    assert DocumentDate.parse(" 2021 ") == DocumentDate(2021)
    assert str(DocumentDate(2021, 6)) == "2021-06" and str(DocumentDate(2021)) == "2021"


runner = CliRunner()


def test_cli_as_of(store_env: Path, tmp_path: Path) -> None:
    doc = tmp_path / "note.txt"
    doc.write_text("Sino-Russian trade turnover was $147 billion last year.")
    dated = runner.invoke(app, ["claims", str(doc), "--as-of", "2022-03-01", "-f", "json"])
    assert dated.exit_code == 0, dated.output
    (claim,) = json.loads(dated.stdout)["claims"]
    assert claim["year"] == 2021 and claim["verdict"] == "consistent"  # China GAC: 146.9 bn
    bad = runner.invoke(app, ["claims", str(doc), "--as-of", "March 2022"])
    assert bad.exit_code == 2 and "--as-of" in bad.output and "not a date" in bad.output


def test_last_year_counts_from_the_date_whatever_year_the_text_is_on() -> None:
    text = (
        "Trade between Central Asia and China exceeded $32 billion in 2022. Trade between "
        "Kazakhstan and China exceeded $24 billion last year. The following year it was "
        "$26 billion."
    )
    claims = extract_text(text, as_of=DocumentDate(2023, 4))
    assert [(c.quote, c.year) for c in claims] == [
        ("$32 billion", 2022),
        ("$24 billion", 2022),  # written in April 2023: not 2021, the year before 2022
        ("$26 billion", 2023),  # "the following year" counts from the text's
    ]


def test_what_follows_a_dated_phrase_is_read_at_the_date_too() -> None:
    text = "Trade was $147 billion last year. In January it rose 3% to $19 billion."
    claims = extract_text(text, as_of=DocumentDate(2022, 3))
    assert [(c.quote, c.period) for c in claims] == [
        ("$147 billion", "2021"),
        ("3%", "2022-01"),  # January of 2022, not of "last year"
        ("$19 billion", "2022-01"),
    ]


def test_a_month_the_date_gave_is_data_not_a_statements_date() -> None:
    """ "The preliminary June figures …" (written in July): June's figures, not a statement
    made in June about the last full year."""
    text = "The preliminary June figures show exports rose. Iron ore exports were $9.92 billion."
    claims = extract_text(text, as_of=DocumentDate(2020, 7))
    assert [(c.quote, c.year) for c in claims] == [("$9.92 billion", 2020)]  # not 2019
    assert "last full year" not in (claims[0].year_note or "")


@pytest.mark.parametrize(
    ("text", "years"),
    [
        # the base's "last year" dates the base; the level compared and the change are of
        # the year after (held-out 20: both figures were read as last year's)
        (
            "Exports were recorded at $27.744 billion against $31.782 billion last year, "
            "showing a decline of 12.71 percent.",
            [("$27.744 billion", 2021), ("$31.782 billion", 2020), ("12.71 percent", 2021)],
        ),
        (
            "Exports in June stood at $22.70 billion from $25.99 billion exported during the "
            "like period of the previous year.",
            [("$22.70 billion", 2021), ("$25.99 billion", 2020)],
        ),
        # a change "over the same period last year" is of this period; its base is not
        (
            "Exports during April-June 2021 were $125.06 billion, a growth of 21.43 per cent "
            "over the same period last year.",
            [("$125.06 billion", 2021), ("21.43 per cent", 2021)],
        ),
        # "last year" of the whole statement, no comparison: every figure is last year's
        (
            "Exports rose 5% to $5 billion last year.",
            [("5%", 2020), ("$5 billion", 2020)],
        ),
    ],
)
def test_a_comparisons_base_dates_only_itself(text: str, years: list[tuple[str, int]]) -> None:
    assert [(c.quote, c.year) for c in extract_text(text, as_of=JULY_2021)] == years


def test_a_figure_a_year_earlier_than_the_paragraphs_period() -> None:
    text = (
        "In May 2011 the surplus was 120 billion yen. It compares with a 729.2 billion yen "
        "surplus logged a year earlier."
    )
    claims = {c.quote: c for c in extract_text(text)}
    assert claims["729.2 billion yen"].year == 2010
    assert claims["729.2 billion yen"].year_note == "a year before 2011-05: 2010"


def test_a_month_that_dated_data_stays_data_across_a_sentence_without_a_date() -> None:
    """The month a figure was dated by is data, not a statement's date: after a sentence
    that dates nothing it still is (held-out 20: the third sentence's A$11.0B was read as
    the last full year's, 2019)."""
    text = (
        "The surplus bounced back to A$7.5B in October 2020. The rise was driven by a 5.4% "
        "increase in exports. Iron ore exports reached another record high of A$11.0B."
    )
    claims = {c.quote: c for c in extract_text(text)}
    assert claims["A$11.0B"].year == 2020 and claims["A$11.0B"].year_note is None


def test_the_rate_a_story_converts_at_is_of_its_date() -> None:
    text = (
        "Gas exports stood at 48.7 billion Norwegian crowns in September. "
        "($1 = 8.4344 Norwegian crowns)"
    )
    rate = next(
        c for c in extract_text(text, as_of=DocumentDate(2021, 10)) if c.unit == "NOK per USD"
    )
    assert (rate.value, rate.year) == (8.4344, 2021) and "converts at" in (rate.year_note or "")


@pytest.mark.parametrize(
    ("text", "years"),
    [
        # a change that reaches a level takes the level's period (held-out 21)
        (
            "Turkey's exports soared 12.2 percent to reach $13.96 billion in May 2018.",
            [("12.2 percent", 2018), ("$13.96 billion", 2018)],
        ),
        (
            "Irish exports rose by 23% to hit a new monthly record high of €22.2 billion in "
            "September 2024.",
            [("23%", 2024), ("€22.2 billion", 2024)],
        ),
        (
            "Earnings increased by 10.24 % y-o-y to US$ 1,213.7 million in August 2022.",
            [("10.24 %", 2022), ("US$ 1,213.7 million", 2022)],
        ),
        # two changes listed, one period: "… and exports by about 100,000 b/d in Q1 2009"
        (
            "Oil revenues dropped by 57.6 percent and exports by about 100,000 barrels a day "
            "in the first quarter of 2009.",
            [("57.6 percent", 2009), ("100,000 barrels a day", 2009)],
        ),
    ],
)
def test_a_change_takes_the_period_of_what_it_reached(
    text: str, years: list[tuple[str, int]]
) -> None:
    assert [(c.quote, c.year) for c in extract_text(text)] == years


@pytest.mark.parametrize(
    ("text", "years"),
    [
        # a whole year's figures are published after it: "last year" is that year
        ("Exports reached $44 billion in 2017. Mining shipments rose to $32 billion last year.",
         [2017, 2017]),
        # a month's figures are published in its year: "last year" is the one before
        ("Exports reached $4 billion in October 2017. A year's shipments were $32 billion "
         "last year.", [2017, 2016]),
        # "the previous year" counts from the text, whatever it is on
        ("Exports reached $44 billion in 2017. They were $36 billion the previous year.",
         [2017, 2016]),
    ],
)  # fmt: skip
def test_last_year_in_an_undated_text_follows_the_year_in_play(text: str, years: list[int]) -> None:
    assert [c.year for c in extract_text(text) if c.unit == "USD"] == years


def test_a_base_named_after_during_is_not_the_year_in_play() -> None:
    """ "compared to $11.21 billion during the first half of 2017" dates that base only: the
    next sentence's "the current year" is the paragraph's 2018, not the base's 2017."""
    text = (
        "Exports increased 14 percent during the first half of 2018, recording $12.75 billion, "
        "compared to $11.21 billion during the first half of 2017. Exports rose by $1.53 "
        "billion during the first half of the current year."
    )
    claims = [c for c in extract_text(text) if c.unit == "USD"]
    assert [(c.quote, c.period) for c in claims] == [
        ("$12.75 billion", "2018-01..2018-06"),
        ("$11.21 billion", "2017-01..2017-06"),
        ("$1.53 billion", "2018-01..2018-06"),
    ]


@pytest.mark.parametrize(
    ("text", "periods"),
    [
        # an undated span compared with "the same period of 2023" is of 2024
        ("Ghana posted a surplus of $1.81 billion for the first half of the year, up from "
         "$1.60 billion in the same period of 2023.",
         {"$1.81 billion": "2024-01..2024-06", "$1.60 billion": "2023-01..2023-06"}),
        # the change measured on that base is of the sentence's own span
        ("Exports for the first nine months of the year amounted to almost €166 billion, an "
         "increase of 12% on the same time of 2023.",
         {"€166 billion": "2024-01..2024-09", "12%": "2024-01..2024-09"}),
        ("Exports rose 5% to $4 billion in the first quarter, compared with $3.8 billion in "
         "the same quarter of 2019.",
         {"5%": "2020-Q1", "$4 billion": "2020-Q1", "$3.8 billion": "2019-Q1"}),
        # a bare month, which an undated text gives no year, takes the year after the base
        ("Exports totaled $33.1 billion in May, up 11.6% from the same month in 2022.",
         {"$33.1 billion": "2023-05", "11.6%": "2023-05"}),
        # a span the sentence dates itself keeps its year
        ("Exports came to US$4,695 million in January 2023, 14.5% below the same month of "
         "2022.", {"US$4,695 million": "2023-01", "14.5%": "2023-01"}),
    ],
)  # fmt: skip
def test_a_span_compared_with_the_same_period_of_a_year_is_of_the_year_after(
    text: str, periods: dict[str, str]
) -> None:
    assert {c.quote: c.period for c in extract_text(text)} == periods


def test_a_figure_in_the_same_month_last_year_is_of_that_month() -> None:
    """ "… down from 25,031 tonnes in January but up from 9,246 tonnes in the same month last
    year" (written in March 2011 about February): 9,246 tonnes is February 2010's."""
    text = (
        "Exports for February reached 10,086 tonnes, down from 25,031 tonnes in January but "
        "up from 9,246 tonnes in the same month last year."
    )
    claims = {c.quote: c.period for c in extract_text(text, as_of=DocumentDate(2011, 3))}
    assert claims == {"10,086 tonnes": "2011-02", "25,031 tonnes": "2011-01",
                      "9,246 tonnes": "2010-02"}  # fmt: skip


def test_a_figure_measured_on_the_same_month_last_year_is_of_this_year() -> None:
    """ "up $371 million from the same month last year" (written in December 2019) is a
    change of 2019, and "up 21.7 percent compared to the same period last year" too: the
    words after the figure are its base, not its period."""
    text = (
        "Exports reached $5.2 billion in November, up $371 million from the same month last "
        "year. Grain exports were 1.2 billion USD, up 21.7 percent compared to the same "
        "period last year."
    )
    claims = {c.quote: c.year for c in extract_text(text, as_of=DocumentDate(2019, 12))}
    assert claims == {"$5.2 billion": 2019, "$371 million": 2019, "1.2 billion USD": 2019,
                      "21.7 percent": 2019}  # fmt: skip


@pytest.mark.parametrize(
    ("text", "years"),
    [
        # "the comparable period in 2019" is a base: the next sentence is still on 2020
        ("The trade surplus of $167.45 billion in January-September 2020 is an improvement "
         "from the $0.48 billion surplus for the comparable period in 2019. Exports increased "
         "by 23.2% year-on-year.", [2020, 2019, 2020]),
        # "than that of April 2022" is the base; "tallied a year earlier" a year back
        ("In April 2023 the surplus was 903 million dollars higher than that of April 2022.",
         [2023]),
        ("Exports reached $34.13 billion in March 2024, compared with $30.69 billion tallied "
         "a year earlier.", [2024, 2023]),
        # "hit a record high of €14.2 billion in October": the record's own month, which
        # the next sentence is on (not a past extreme it is measured against)
        ("Irish exports hit a record high of €14.2 billion in October 2019. Exports rose by "
         "11 per cent to €1.45 billion.", [2019, 2019, 2019]),
        ("Exports of €10 billion in 2019 were below the record high of €14.2 billion in "
         "2017. Imports rose by 11 per cent to €1.45 billion.", [2019, 2017, 2019, 2019]),
        # the records a total is ranked behind are not the year in play
        ("Through the first seven months of 2020 exports were 51.3 million tonnes, the "
         "third-highest, only behind 54.78 million tonnes in 2017 and 54.23 million tonnes in "
         "2018. Receipts totaled $301.45 million in July.", [2020, 2017, 2018, 2020]),
        # "in comparison with December 2014": the month a change is measured on
        ("In January 2015 goods worth EUR 89.9 bn were exported. Exports fell by 2.1% in "
         "comparison with December 2014.", [2015, 2015]),
    ],
)  # fmt: skip
def test_a_base_is_not_the_year_in_play(text: str, years: list[int]) -> None:
    assert [c.year for c in extract_text(text)] == years


@pytest.mark.parametrize(
    ("text", "period"),
    [
        # a change measured from a month is of the month the text is on
        ("Exports were $3 billion in September, up 116% from September 2020.", "2021-09"),
        # from a year: of the year after, when the text names no other
        ("Exports grew 5% from 2022.", "2023"),
        # "from … to …" is the change's span
        ("Exports rose 20% from January 2022 to March 2023.", "2022-01..2023-03"),
    ],
)
def test_a_change_from_a_period_is_of_the_period_after(text: str, period: str) -> None:
    claims = {c.quote: c.period for c in extract_text(text, as_of=DocumentDate(2021, 10))}
    assert next(v for k, v in claims.items() if k.endswith("%")) == period


@pytest.mark.parametrize(
    ("text", "as_of", "year"),
    [
        # a season written about in its first year has that year's data only
        ("Grain exports have risen to 2.56 million tonnes so far in the 2023/24 season.",
         DocumentDate(2023, 8), 2023),
        # written in the year it ends in: of that year
        ("Grain exports have risen to 40.1 million tonnes so far in the 2023/24 season.",
         DocumentDate(2024, 5), 2024),
        ("Grain exports have fallen 14.9% so far in the season that runs from July 2020 to "
         "June 2021, to 12.3 million tonnes.", DocumentDate(2020, 10), 2020),
        # a forecast speaks of the whole season
        ("Exports could decline to 47.4 million tonnes in 2020/21.", DocumentDate(2020, 10),
         2021),
    ],
)  # fmt: skip
def test_a_season_in_progress_is_of_the_year_written(
    text: str, as_of: DocumentDate, year: int
) -> None:
    claims = extract_text(text, as_of=as_of)
    assert claims and all(c.year == year for c in claims)


@pytest.mark.parametrize(
    ("as_of", "year"),
    [
        (DocumentDate(2023, 7), 2023),  # Bangladesh's 2022-23 ended in June
        (DocumentDate(2024, 4), 2024),  # India's 2023-24 ended in March
        (DocumentDate(2024, 2), 2023),  # none has ended yet in 2024
    ],
)
def test_the_last_fiscal_is_the_one_ended_most_recently(as_of: DocumentDate, year: int) -> None:
    (claim,) = extract_text(
        "The export revenue in the last fiscal was USD 58 billion.", as_of=as_of
    )
    assert claim.year == year


def test_a_pages_lead_figures_are_its_latest_data() -> None:
    """A report's lead gives no period ("exports grew by 11.4 percent year-on-year, reaching
    USD57.9 billion", published 2 September 2024): the latest data at its date, so 2024,
    and 2023 in January or February (the year just ended). Once a period is given, or
    past the lead, or in a general statement ("90 percent of the chips"), nothing is."""
    lead = "Exports grew by 11.4 percent year-on-year, reaching USD57.9 billion."
    assert [c.year for c in extract_text(lead, as_of=DocumentDate(2024, 9))] == [2024, 2024]
    assert [c.year for c in extract_text(lead, as_of=DocumentDate(2024, 2))] == [2023, 2023]
    claim = extract_text(lead, as_of=DocumentDate(2024, 9))[1]
    assert claim.year_note is not None and "latest data" in claim.year_note
    later = "Intro.\n\nMore.\n\nContext.\n\n" + lead  # the fourth paragraph: not the lead
    assert [c.year for c in extract_text(later, as_of=DocumentDate(2024, 9))] == [None, None]
    general = "About 80 percent of the chips Russia uses come from China."
    assert [c.year for c in extract_text(general, as_of=DocumentDate(2024, 9))] == [None]
    assert [c.year for c in extract_text(lead)] == [None, None]  # no date, no year
