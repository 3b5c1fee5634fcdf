"""The command line: help everywhere, one-line errors with exit code 2, formats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from asymmetry.cli import app

runner = CliRunner()


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path, walking sub-groups (Typer vendors its own click)."""
    found = []
    for name, command in group.commands.items():
        path = (*prefix, name)
        if hasattr(command, "commands"):
            found += _commands(command, path)
        else:
            found.append(path)
    return found


COMMANDS = _commands(get_command(app))


def test_the_command_tree() -> None:
    names = {" ".join(c) for c in COMMANDS}
    assert {
        "ingest baci",
        "ingest csv",
        "ingest icio",
        "ingest facts",
        "synth baci",
        "profile",
        "report",
        "datasets",
        "facts",
        "info",
    } <= names


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output and len(result.output.splitlines()) > 3


def test_every_command_is_in_the_readme() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for command in COMMANDS:
        assert "asymmetry " + " ".join(command) in readme, command


def test_profile_json_has_the_documented_keys(store_env: Path) -> None:
    result = runner.invoke(app, ["profile", "RUS", "CHN", "--source", "icio", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"a", "b", "year", "source", "basis", "flows_usd", "shares", "composition"} <= set(data)
    assert set(data["flows_usd"]) == {"a_to_b", "b_to_a"}
    assert set(data["shares"]) >= {
        "b_in_a_imports",
        "b_in_a_exports",
        "a_in_b_imports",
        "a_in_b_exports",
    }
    assert {"code", "name", "value_usd", "share"} == set(data["composition"]["a_to_b"][0])


def test_report_prints_the_russia_china_headline(store_env: Path) -> None:
    result = runner.invoke(app, ["report", "RUS", "CHN"])
    assert result.exit_code == 0, result.output
    assert "CHN is 16.7% of RUS's imports" in result.stdout
    assert "intermediate inputs (ICIO)" in result.stdout


def test_unknown_country_is_one_line_and_exit_2(store_env: Path) -> None:
    result = runner.invoke(app, ["profile", "RUS", "Narnia"])
    assert result.exit_code == 2
    assert "unknown country 'Narnia'" in result.output
    assert "Traceback" not in result.output


def test_bad_ingest_is_one_line_and_exit_2(store_env: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("year,exporter,importer,product,value_usd\n2022,RUS,Atlantis,2709,1\n")
    result = runner.invoke(app, ["ingest", "csv", str(bad), "--hs-revision", "HS17"])
    assert result.exit_code == 2
    assert f"{bad}, line 2, field 'importer': unknown country (got 'Atlantis')" in " ".join(
        result.output.split()
    )


def test_ingest_then_list_datasets_as_csv(store_env: Path, shared_data: Path) -> None:
    sample = shared_data / "baci" / "BACI_sample_HS22_Y2023_k852352.csv"
    result = runner.invoke(app, ["ingest", "baci", str(sample)])
    assert result.exit_code == 0, result.output
    assert "loaded, 81 rows" in result.stdout
    listed = runner.invoke(app, ["datasets", "--format", "csv"])
    assert listed.stdout.splitlines()[0].startswith("id,kind,file,sha256,rows")
    assert "baci:BACI_sample_HS22_Y2023_k852352" in listed.stdout


def test_facts_filter(store_env: Path) -> None:
    result = runner.invoke(app, ["facts", "--indicator", "trade_turnover", "--format", "json"])
    rows = json.loads(result.stdout)
    assert {r["indicator"] for r in rows} == {"trade_turnover"} and len(rows) >= 8


def test_synth_writes_files(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "synth",
            "baci",
            "--rows",
            "2000",
            "--countries",
            "30",
            "--products",
            "200",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "BACI_HS22_Y2022_V202501.csv").is_file()
    bad = runner.invoke(
        app,
        [
            "synth",
            "baci",
            "--rows",
            "100000",
            "--countries",
            "10",
            "--products",
            "10",
            "--out",
            str(tmp_path),
        ],
    )
    assert bad.exit_code == 2 and "too dense" in bad.output


def test_dependencies_both_ways_as_json(store_env: Path) -> None:
    result = runner.invoke(
        app,
        [
            "dependencies",
            "RUS",
            "--on",
            "CHN",
            "--source",
            "icio",
            "--both",
            "--top",
            "3",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    first, second = json.loads(result.stdout)
    assert (first["country"], first["on"], second["country"], second["on"]) == (
        "RUS",
        "CHN",
        "CHN",
        "RUS",
    )
    assert len(first["items"]) == 3 and "dependence" in first["items"][0]


def test_exposure_table(store_env: Path) -> None:
    result = runner.invoke(app, ["exposure", "RUS", "--on", "CHN"])
    assert result.exit_code == 0, result.output
    assert "CHN supplies 16.7% of RUS's imported intermediate inputs" in " ".join(
        result.stdout.split()
    )


def test_mirror_rebuilds_a_non_reporter(store_env: Path, tmp_path: Path) -> None:
    path = tmp_path / "decl.csv"
    path.write_text(
        "year,reporter,partner,flow,product,value_usd\n"
        "2022,CHN,RUS,X,847130,100\n2022,CHN,RUS,M,270900,500\n"
    )
    assert (
        runner.invoke(app, ["ingest", "reported", str(path), "--hs-revision", "HS17"]).exit_code
        == 0
    )
    result = runner.invoke(app, ["mirror", "RUS", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    [row] = data["items"]
    assert row["partner"] == "CHN" and row["imports_mirror_usd"] == 100
    assert row["imports_declared_usd"] is None
    assert data["country"] == "RUS" and not data["reports_imports"]
    # two rows from one reporter: a slice, and said so (here, in the table, for the pair)
    assert any("declarations of 1 reporting countries" in w for w in data["warnings"])
    table = runner.invoke(app, ["mirror", "RUS"])
    assert "warning: coverage:" in table.stdout
    pair = json.loads(
        runner.invoke(app, ["mirror", "RUS", "--partner", "CHN", "-f", "json"]).stdout
    )
    assert pair["warnings"] == data["warnings"] and pair["items"]


def test_embedded_default_needs_no_source_flag(store_env: Path) -> None:
    deps = runner.invoke(app, ["dependencies", "RUS", "--on", "CHN", "--format", "json"])
    assert deps.exit_code == 0, deps.output
    assert json.loads(deps.stdout)["basis"] == "intermediate inputs (ICIO)"
    prof = runner.invoke(app, ["profile", "RUS", "CHN", "--format", "json"])
    assert json.loads(prof.stdout)["source"] == "aggregates"  # the basis ladder


def test_lever_json_has_the_documented_keys(store_env: Path) -> None:
    result = runner.invoke(
        app,
        [
            "lever",
            "--sender",
            "CHN",
            "--target",
            "RUS",
            "--price-discount",
            "fuels=10%:30%",
            "--currency",
            "6.2:6.4->7.0",
            "--holdings",
            "44e9",
            "--payment-friction",
            "2%:5%",
            "--draws",
            "200",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {
        "scenario",
        "sender",
        "target",
        "model",
        "cost_target_usd",
        "cost_sender_usd",
        "cost_target_share",
        "cost_sender_share",
        "leverage_ratio",
        "top_items",
    } <= set(data)
    assert set(data["cost_target_usd"]) == {"median", "p05", "p95"}
    bad = runner.invoke(
        app, ["lever", "--sender", "CHN", "--target", "RUS", "--payment-friction", "150%"]
    )
    assert bad.exit_code == 2 and "field 'rate'" in bad.output


def test_export_restriction_on_the_embedded_default(store_env: Path) -> None:
    result = runner.invoke(
        app,
        [
            "lever",
            "--sender",
            "CHN",
            "--target",
            "RUS",
            "--export-restriction",
            "84,85,87",
            "--draws",
            "1000",
        ],
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "partial equilibrium" in text and "leverage ratio:" in text
    assert "third countries selling more" in text
    # Germany restricts these exports to Russia itself: held out, not a taker
    assert "coalition: excluded as substitutes: 33 states restricting RUS (EU," in text
    takers = text.split("third countries selling more (USD bn, midpoints):")[1]
    assert "DEU" not in takers and "DEU" in text.split("largest held out")[1]
    off = runner.invoke(
        app,
        ["lever", "--sender", "CHN", "--target", "RUS", "--export-restriction", "84,85,87",
         "--draws", "50", "--coalition", "none"],
    )  # fmt: skip
    off_text = " ".join(off.stdout.split())
    assert "coalition: none" in off_text
    assert "DEU" in off_text.split("third countries selling more (USD bn, midpoints):")[1]
    unknown = runner.invoke(
        app, ["lever", "--sender", "CHN", "--target", "RUS", "--export-restriction", "84",
              "--coalition", "auto,DEU"],
    )  # fmt: skip
    assert unknown.exit_code == 2 and "stands alone" in unknown.output


def test_every_lever_type_on_baci_files(store_env: Path, tmp_path: Path) -> None:
    from asymmetry.synth.baci import generate_baci

    synth = generate_baci(tmp_path, rows=20_000, n_countries=30, n_products=300, seed=5)
    assert runner.invoke(app, ["ingest", "baci", str(synth.data)]).exit_code == 0
    common = ["lever", "--sender", "USA", "--target", "CHN", "--draws", "100", "-f", "json"]
    for flags in (
        ["--export-restriction", "all"],
        ["--import-restriction", "all=50%"],
        ["--price-discount", "all=10%:20%"],
        ["--currency", "6.3->7.0", "--holdings", "1e9"],
        ["--payment-friction", "2%:5%"],
    ):
        result = runner.invoke(app, [*common, *flags])
        assert result.exit_code == 0, (flags, result.output)
        data = json.loads(result.stdout)
        assert data["basis"] == "goods trade" and data["cost_target_usd"]["median"] > 0, flags


def test_version_prints_and_exits_0() -> None:
    from asymmetry import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == __version__


@pytest.mark.parametrize(
    ("args", "spread"),
    [
        (["--claims", "a", "b"], ["--claims", "a", "--claims", "b"]),
        (["--claims", "a", "--claims", "b"], ["--claims", "a", "--claims", "b"]),
        (["--claims=a", "b", "-o", "r.md"], ["--claims=a", "--claims", "b", "-o", "r.md"]),
        (["RUS", "CHN", "--top", "3", "x"], ["RUS", "CHN", "--top", "3", "x"]),
    ],
)
def test_list_options_take_several_values(args: list[str], spread: list[str]) -> None:
    from asymmetry.cli._shell import spread_values

    assert spread_values(args, frozenset({"--claims"})) == spread


def test_report_claims_takes_several_files(
    store_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asymmetry.report.build as build

    seen: dict[str, Any] = {}

    def fake_build(store: Any, a: str, b: str, **kwargs: Any) -> Any:
        seen.update(kwargs, a=a, b=b)
        raise build.AsymmetryError("stop here")

    monkeypatch.setattr(build, "build_report", fake_build)
    docs = [tmp_path / "a.txt", tmp_path / "b.txt"]
    result = runner.invoke(app, ["report", "RUS", "CHN", "--claims", *map(str, docs)])
    assert result.exit_code == 2 and "stop here" in result.output, result.output
    assert seen["claims"] == docs and (seen["a"], seen["b"]) == ("RUS", "CHN")


def test_profile_says_the_asymmetry_larger_side_first(store_env: Path) -> None:
    result = runner.invoke(app, ["profile", "USA", "MEX", "--source", "icio"])
    assert result.exit_code == 0, result.output
    assert "USA weighs 5.0x more in MEX's trade than MEX in USA's." in result.stdout
    assert "0.2x" not in result.stdout


def test_profile_on_a_slice_warns_in_table_and_json(store_env: Path, shared_data: Path) -> None:
    sample = shared_data / "baci" / "BACI_sample_HS22_Y2023_k852352.csv"
    assert runner.invoke(app, ["ingest", "baci", str(sample)]).exit_code == 0
    table = runner.invoke(app, ["profile", "KOR", "CHN"])
    assert table.exit_code == 0, table.output
    assert "warning: coverage: baci:BACI_sample_HS22_Y2023_k852352 holds 1 product" in " ".join(
        table.stdout.split()
    )
    data = json.loads(runner.invoke(app, ["profile", "KOR", "CHN", "-f", "json"]).stdout)
    assert len(data["warnings"]) == 2
    fresh = runner.invoke(app, ["profile", "RUS", "CHN", "-f", "json"])
    assert json.loads(fresh.stdout)["warnings"] == []


LEVER = ["lever", "--sender", "CHN", "--target", "RUS", "--export-restriction", "85"]
FLOWS_RESULTS = [
    ["profile", "RUS", "CHN"],
    ["dependencies", "RUS", "--on", "CHN"],
    ["indices", "RUS", "CHN"],
    ["complexity"],
    ["complexity", "--products"],
    ["rca", "RUS"],
    ["circumvention", "RUS"],
    [*LEVER, "--draws", "20"],
]


@pytest.fixture
def slice_env(store_env: Path, slice_table: Path) -> Path:
    """The CLI's store with a tidy table of five countries and four products loaded."""
    loaded = runner.invoke(app, ["ingest", "csv", str(slice_table), "--hs-revision", "HS17"])
    assert loaded.exit_code == 0, loaded.output
    return store_env


@pytest.mark.parametrize("args", FLOWS_RESULTS, ids=" ".join)
def test_results_on_a_slice_warn_in_table_and_json(slice_env: Path, args: list[str]) -> None:
    """Every command computing from goods flows says when they are a slice of the year."""
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    text = " ".join(table.stdout.split())
    assert "warning: coverage: table:slice holds 4 product code(s) for 202" in text
    assert "5 exporting and 5 importing countries" in text
    data = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    assert len(data["warnings"]) == 2, data["warnings"]
    assert data["warnings"][0].startswith("coverage: table:slice holds 4 product code(s)")


@pytest.mark.parametrize(
    "args",
    [
        ["profile", "RUS", "CHN"],  # official aggregates
        ["dependencies", "RUS", "--on", "CHN"],  # ICIO from here on
        ["indices", "RUS", "CHN"],
        ["complexity"],
        ["rca", "RUS"],
        ["exposure", "RUS", "--on", "CHN"],
        [*LEVER, "--draws", "20"],
        [*LEVER, "--draws", "20", "--model", "network"],
    ],
    ids=" ".join,
)
def test_results_on_whole_bases_have_no_warnings(store_env: Path, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["warnings"] == []


@pytest.mark.parametrize(
    "args",
    [["dependencies", "RUS", "--on", "CHN"], ["indices", "RUS", "CHN"], [*LEVER, "--draws", "20"]],
    ids=" ".join,
)
def test_a_partial_ingest_steps_down_the_ladder_for_pair_commands(
    store_env: Path, shared_data: Path, args: list[str]
) -> None:
    """After the 81-row sample (no Russia) `profile RUS CHN` stepped down and said so,
    `report` used ICIO for its tables, but `dependencies`, `indices`, `lever` errored."""
    sample = shared_data / "baci" / "BACI_sample_HS22_Y2023_k852352.csv"
    assert runner.invoke(app, ["ingest", "baci", str(sample)]).exit_code == 0
    why = "hold no trade of RUS; the ICIO network (2022 intermediate inputs) answers"
    table = runner.invoke(app, args)
    assert table.exit_code == 0, table.output
    assert why in " ".join(table.stdout.split())
    data = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    assert data["basis"] == "intermediate inputs (ICIO)" and why in data["notes"][0]
    assert data["warnings"] == []  # ICIO answers: the sample's slice is not read
    if args[0] == "dependencies":  # HS detail is asked of the flows, which say what they lack
        hs4 = runner.invoke(app, [*args, "--level", "hs4"])
        assert hs4.exit_code == 2 and "RUS imports nothing from CHN" in hs4.output


@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> int:
    """The CLI's console at 80 columns (a new user's terminal)."""
    from asymmetry.cli._shell import out

    monkeypatch.setattr(out, "width", 80)
    return 80


@pytest.mark.parametrize(
    "args",
    [
        ["facts", "--country", "RUS"],
        ["exposure", "RUS", "--on", "CHN"],
        ["dependencies", "RUS", "--on", "CHN", "--both"],
        ["datasets"],
    ],
    ids=" ".join,
)
def test_tables_fit_80_columns(store_env: Path, narrow: int, args: list[str]) -> None:
    """At 80 columns tables folded one word a line; `facts` printed 1,359 lines."""
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= narrow
    assert len(lines) < 80
    assert "e-0" not in result.stdout and "e+" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["circumvention", "RUS"],
        ["rca", "RUS"],
        ["complexity", "--products"],
        ["indices", "RUS", "CHN"],
    ],
    ids=" ".join,
)
def test_flows_tables_fit_80_columns(slice_env: Path, narrow: int, args: list[str]) -> None:
    """The circumvention screen folded codes and headers at 80 columns ('85423' / '1')."""
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert max(map(len, result.stdout.splitlines())) <= narrow
    if args[0] == "circumvention":
        assert "854231" in result.stdout and "via KAZ" in result.stdout


def test_facts_filter_limit_and_wide(store_env: Path, narrow: int) -> None:
    short = runner.invoke(app, ["facts", "--country", "RUS"])
    assert "showing 30 of" in " ".join(short.stdout.split())
    every = runner.invoke(app, ["facts", "--country", "RUS", "--limit", "0", "-f", "json"])
    assert len(json.loads(every.stdout)) > 30
    found = runner.invoke(app, ["facts", "--search", "power of siberia", "-f", "json"])
    rows = json.loads(found.stdout)
    searched = ("indicator", "product", "source", "locator", "quote")
    assert rows and all("siberia" in " ".join(r[k] or "" for k in searched).lower() for r in rows)
    assert len(json.loads(runner.invoke(app, ["facts", "--year", "2021", "-f", "json"]).stdout))
    wide = runner.invoke(app, ["facts", "--search", "power of siberia", "--wide"])
    assert "quote" in wide.stdout and "more column(s) with --wide" not in wide.stdout


def test_exposure_table_reads_for_people(store_env: Path, narrow: int) -> None:
    result = runner.invoke(app, ["exposure", "RUS", "--on", "CHN", "--top", "3"])
    assert "CHN in" in result.stdout and "%" in result.stdout
    assert "direct_input_share" not in result.stdout


def test_profile_says_beside_each_share_why_a_stated_one_differs(
    store_env: Path, narrow: int
) -> None:
    """Clingendael (2024) states 36.5% for China in Russia's imports; the customs aggregates
    give 110.97 / 285.1 = 38.9%. The lines right under the share name the stated figure and
    the denominator it implies (110.97 / 0.365 = 304 bn), wrapped under their indent at 80
    columns; China's trade share is in the headline."""
    result = runner.invoke(app, ["profile", "RUS", "CHN"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = next(i for i, line in enumerate(lines) if "CHN is 38.9% of RUS's imports" in line)
    beside = []
    for line in lines[at + 1 :]:
        if not line.startswith("    "):
            break
        beside.append(line.strip())
    said = " ".join(beside)
    assert "36.5% as stated by Clingendael" in said and "USD 304 bn" in said, said
    assert any("RUS is 5.0% of CHN's imports" in line and "4.0% of its trade" in line
               for line in lines)  # fmt: skip
