"""The packaged list of who restricts what, and coalitions drawn from it."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from asymmetry.errors import ScenarioError, UnknownCountryError
from asymmetry.levers.scenario import Scenario
from asymmetry.metrics import coalitions
from asymmetry.metrics.coalitions import (
    EU27,
    packaged_scopes,
    resolve_coalition,
    restrictions,
)


def test_the_cited_list_loads_and_every_row_has_its_source() -> None:
    table = restrictions()
    assert len(table) > 100
    for column in ("publisher", "title", "url", "quote", "since", "measure"):
        assert table[column].str.strip().ne("").all(), column
    assert table["url"].str.match(r"^https?://").all()
    assert all(date.fromisoformat(d) <= date(2026, 12, 31) for d in table["since"])
    # quotes are the few words that carry a fact, not prose
    assert table["quote"].str.split().str.len().max() <= 20
    # the EU's 27 members, each listed by ISO3
    eu = table[table["measure"].str.contains("2022/328")]
    assert sorted(eu["restricting"]) == sorted(EU27) and len(EU27) == 27


def test_scopes_by_product_group() -> None:
    scopes = packaged_scopes("RUS")
    assert scopes["DEU"] == ("84", "85", "8703", "88", "90")
    assert "87" not in (scopes["GBR"] or ())  # no cited British car ban
    assert set(scopes["SGP"] or ()) == {"84", "85"}
    # "unspecified" rows (Russia's list of unfriendly states) never exclude by product
    assert "KOR" not in scopes and "AUS" not in scopes
    assert set(packaged_scopes("BLR")) == {"TWN", "USA"}
    assert packaged_scopes("KAZ") == {}


def test_exclusion_by_hs_code_and_icio_sector() -> None:
    c = resolve_coalition(None, target="RUS", exclude=("CHN",))
    assert c.source == "packaged" and "CHN" not in c.members
    assert c.excludes("DEU", "847130") and c.excludes("DEU", "870323")
    assert not c.excludes("DEU", "870899")  # car parts: no cited EU ban
    assert not c.excludes("KAZ", "847130")
    assert c.excludes("DEU", "C29") and c.excludes("SGP", "C26") and not c.excludes("SGP", "C29")
    # BACI files Taiwan as S19
    assert c.excludes("S19", "854231") and c.excludes("TWN", "854231")
    mask = c.mask(
        pd.Series(["DEU", "KAZ", "DEU", "S19"]), pd.Series(["8471", "8471", "0101", "C26"])
    )
    assert mask.tolist() == [True, False, False, True]
    assert "33 states restricting RUS (EU," in c.label


def test_given_groups_none_and_errors() -> None:
    given = resolve_coalition("eu,g7,CHE", target="RUS", exclude=("USA",))
    assert given.source == "given" and "USA" not in given.members
    assert len(given.members) == 27 + 3 + 1  # the EU; CAN, GBR, JPN (USA sends); CHE
    assert given.excludes("CAN", "0101")  # a given member restricts every product
    assert resolve_coalition("none", target="RUS").members == ()
    assert resolve_coalition(None, target="KAZ").source == "none"
    assert "KOR" in resolve_coalition("unfriendly", target="RUS").members
    with pytest.raises(ScenarioError, match="stands alone"):
        resolve_coalition("auto,DEU", target="RUS")
    with pytest.raises(UnknownCountryError):
        resolve_coalition("Germny,XXQ", target="RUS")
    with pytest.raises(ScenarioError, match="names no state as sanctioning KAZ"):
        resolve_coalition("unfriendly", target="KAZ")


def test_scenario_keeps_auto_none_and_given_apart() -> None:
    def sc(coalition: object) -> Scenario:
        lever = {"type": "export-restriction", "products": "84"}
        return Scenario.from_dict(
            {"sender": "CHN", "target": "RUS", "levers": [lever], "coalition": coalition}
        )

    assert sc(None).coalition is None and sc("auto").coalition is None
    assert sc("none").coalition == ()
    assert sc("eu,CHN").coalition == EU27  # the sender is no member of its own coalition
    assert sc(["DEU", "JPN"]).senders == ("CHN", "DEU", "JPN")
    with pytest.raises(ScenarioError, match="cannot be in the sender's coalition"):
        sc("RUS")


def test_a_malformed_row_names_line_and_field(monkeypatch: pytest.MonkeyPatch) -> None:
    from asymmetry.errors import SchemaError

    good = ",".join(coalitions.COLUMNS)
    row = "DEU,RUS,ban,84;85,listed items,2022-02-25,EU,Title,https://x.eu,few words"
    bad = "DEU,RUS,ban,84x,listed items,2022-02-25,EU,Title,https://x.eu,few words"

    class Fake:
        def __init__(self, text: str) -> None:
            self.text = text

        def joinpath(self, _name: str) -> Fake:
            return self

        def read_text(self, encoding: str) -> str:
            return self.text

    for text, match in (
        (f"{good}\n{row}\n{bad}\n", "line 3, field 'hs'"),
        (f"{good}\n{row.replace('https://x.eu', '')}\n", "line 2, field 'url'"),
    ):
        monkeypatch.setattr(coalitions.resources, "files", lambda _pkg, t=text: Fake(t))
        restrictions.cache_clear()
        try:
            with pytest.raises(SchemaError, match=match):
                restrictions()
        finally:
            restrictions.cache_clear()
