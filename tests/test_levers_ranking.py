"""The battery's ranking rule is said where the ranking is read, and followed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from fastapi.testclient import TestClient

from asymmetry.brief.sections import leverage_section
from asymmetry.levers.battery import DEFAULT_SIZES, RANKING_RULE, _rank, lever_battery
from asymmetry.store.store import Store


@pytest.fixture(scope="module")
def battery(default_store_file):  # type: ignore[no-untyped-def]
    import asymmetry

    with asymmetry.open(default_store_file, read_only=True) as store:
        yield lever_battery(store, "CHN", "RUS", draws=50)


def test_the_json_states_the_rule_and_the_items_follow_it(battery) -> None:  # type: ignore[no-untyped-def]
    data = battery.to_dict()
    assert data["ranking_rule"] == RANKING_RULE
    assert [i.key for i in battery.items] == [i.key for i in sorted(battery.items, key=_rank)]
    gains = [i for i in battery.items if i.result.cost_sender_usd["median"] <= 0]
    assert battery.items[: len(gains)] == gains  # levers the sender gains from first


def test_the_briefs_strongest_lever_is_the_first_by_the_stated_rule(battery) -> None:  # type: ignore[no-untyped-def]
    report = SimpleNamespace(
        names={"CHN": "China", "RUS": "Russia"}, levers={"b_over_a": battery}, skipped={}
    )
    section = leverage_section(report)  # type: ignore[arg-type]
    assert RANKING_RULE in section.answer
    assert f"is: {battery.items[0].title}" in section.answer
    assert section.numbers["ranking_rule"] == RANKING_RULE


def test_dashboard_and_battery_default_to_the_same_sizes(default_store: Store) -> None:
    from asymmetry.web.app import create_app

    path = default_store.path
    default_store.close()
    client = TestClient(create_app(path), base_url="http://localhost")  # a served Host
    page = client.get("/levers").text
    assert 'name="low" value="1.0"' in page and 'name="high" value="1.0"' in page
    assert DEFAULT_SIZES["export-restriction"] == (1.0, 1.0)
    friction = client.get("/levers?lever=payment-friction").text
    assert 'name="low" value="0.02"' in friction and 'name="high" value="0.05"' in friction


def test_currency_holdings_are_the_best_standing_figure_said_for_what_it_is(
    default_store: Store,
) -> None:
    """The papers' "$44 billion of yuan" (Atlantic Council, filed under 2020) is the Bank
    of Russia's purchase in Q2 2018: the agency's row answers, said as a purchase."""
    from asymmetry.levers.battery import holdings_usd

    found = holdings_usd(default_store, "RUS", "CHN")
    assert found is not None
    amount, origin = found
    assert amount == pytest.approx(44e9)
    assert origin.startswith("bought in 2018-Q2, Bank of Russia") and "floor" in origin
