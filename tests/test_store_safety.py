"""Store semantics under bad input (issue 17): a several-file ingest is all or nothing,
idempotency keyed on the options too, dataset ids that cannot overwrite another kind,
read-only commands that never create or alter a store, foreign files refused, and lock
errors that name their holder. "Unchanged" is a fingerprint of every table."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest
from typer.testing import CliRunner

import asymmetry
from asymmetry.cli import app
from asymmetry.errors import (
    BatchIngestError,
    IngestError,
    NotAStoreError,
    StoreError,
    StoreLockedError,
)
from asymmetry.store import store as store_module
from asymmetry.store.ingest_baci import ingest_baci
from asymmetry.store.ingest_tidy import ingest_table
from asymmetry.store.locking import asymmetry_command
from asymmetry.store.schema import SCHEMA_VERSION
from asymmetry.store.store import Store
from tests.conftest import snapshot

runner = CliRunner()
SAMPLE = "BACI_sample_HS22_Y2023_k852352.csv"
HEADER = "t,i,j,k,v,q\n"
GOOD_ROW = "2023,410,36,852352,1.0,0.1\n"  # Korea -> Australia


def _baci_file(folder: Path, shared_data: Path, body: str, year: int = 2023) -> Path:
    """A BACI year file with the real V202501 code tables beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    for table in ("country_codes_V202501.csv", "product_codes_HS22_V202501.csv"):
        shutil.copy(shared_data / "baci" / table, folder / table)
    path = folder / f"BACI_HS22_Y{year}_V202501.csv"
    path.write_text(HEADER + body)
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- 1. several files: one transaction ------------------------------------------------
def test_a_bad_file_in_a_batch_loads_none_and_says_which_were_fine(
    empty_store: Store, shared_data: Path, tmp_path: Path
) -> None:
    good = shared_data / "baci" / SAMPLE
    bad = _baci_file(tmp_path / "b", shared_data, GOOD_ROW + "2023,999,36,852352,1.0,0.1\n")
    later = _baci_file(tmp_path / "c", shared_data, GOOD_ROW, year=2023)
    before = snapshot(empty_store)
    with pytest.raises(BatchIngestError) as caught:
        ingest_baci(empty_store, [good, bad, later])
    assert snapshot(empty_store) == before  # the good first file is not committed either
    error = caught.value
    assert (error.file, error.line, error.field, error.value) == (str(bad), 3, "i", 999)
    assert error.fine == [str(good)] and error.unread == [str(later)]
    message = str(error)
    assert message.startswith("nothing was loaded")
    assert f"{SAMPLE} was fine" in message and f"{bad}, line 3, field 'i'" in message


def test_an_unparsable_row_in_a_batch_is_named_and_nothing_loads(
    empty_store: Store, shared_data: Path, tmp_path: Path
) -> None:
    """The fast pass fails inside DuckDB (aborting the transaction): the batch is run again
    with the reject log, which names the line."""
    good = shared_data / "baci" / SAMPLE
    bad = _baci_file(tmp_path, shared_data, GOOD_ROW * 5 + "2023,410,36,852352,abc,0.1\n")
    before = snapshot(empty_store)
    with pytest.raises(BatchIngestError, match=r"was fine; .*line 7, field 'v'") as caught:
        ingest_baci(empty_store, [good, bad])
    assert caught.value.line == 7 and caught.value.unread == []
    assert snapshot(empty_store) == before


def test_good_files_in_a_batch_all_load(
    empty_store: Store, shared_data: Path, tmp_path: Path
) -> None:
    other = _baci_file(tmp_path, shared_data, GOOD_ROW)
    reports = ingest_baci(empty_store, [shared_data / "baci" / SAMPLE, other])
    assert [r.status for r in reports] == ["loaded", "loaded"]
    assert empty_store.scalar("SELECT count(*) FROM flows") == 82
    again = ingest_baci(empty_store, [shared_data / "baci" / SAMPLE, other])
    assert [r.status for r in again] == ["unchanged", "unchanged"]


def test_cli_batch_failure_says_nothing_was_loaded(
    empty_store: Store, shared_data: Path, tmp_path: Path
) -> None:
    good = shared_data / "baci" / SAMPLE
    bad = _baci_file(tmp_path / "b", shared_data, "2023,999,36,852352,1.0,0.1\n")
    path = empty_store.path
    before = snapshot(empty_store)
    empty_store.close()
    result = runner.invoke(app, ["--store", str(path), "ingest", "baci", str(good), str(bad)])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert f"nothing was loaded (the files are one transaction); {SAMPLE} was fine" in said
    with asymmetry.open(path) as store:
        assert snapshot(store) == before


# -- 2. idempotency keyed on the options -----------------------------------------------
def test_lenient_then_strict_is_not_unchanged(empty_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    path.write_text(
        "year,exporter,importer,product,value_usd\n"
        "2022,RUS,CHN,270900,5\n2022,RUS,ATLANTIS,270900,5\n2022,CHN,RUS,847130,2\n"
    )
    lenient = ingest_table(empty_store, path, hs_revision="HS17", strict=False)
    assert lenient.status == "loaded" and lenient.rows == 2 and lenient.rows_skipped == 1
    after_lenient = snapshot(empty_store)
    with pytest.raises(IngestError, match=r"line 3.*unknown country") as caught:
        ingest_table(empty_store, path, hs_revision="HS17", strict=True)
    assert caught.value.line == 3
    assert snapshot(empty_store) == after_lenient
    # the same options again: a no-op
    again = ingest_table(empty_store, path, hs_revision="HS17", strict=False)
    assert again.status == "unchanged"
    assert snapshot(empty_store) == after_lenient


def test_strict_twice_is_unchanged_and_another_revision_reloads(
    empty_store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "flows.csv"
    path.write_text("year,exporter,importer,product,value_usd\n2022,RUS,CHN,270900,5\n")
    assert ingest_table(empty_store, path, hs_revision="HS17").status == "loaded"
    before = snapshot(empty_store)
    assert ingest_table(empty_store, path, hs_revision="HS17").status == "unchanged"
    assert snapshot(empty_store) == before
    assert ingest_table(empty_store, path, hs_revision="HS12").status == "replaced"
    assert empty_store.scalar("SELECT DISTINCT hs_revision FROM flows") == "HS12"


def test_year_check_and_code_tables_are_part_of_the_key(
    empty_store: Store, shared_data: Path, tmp_path: Path
) -> None:
    path = _baci_file(tmp_path, shared_data, GOOD_ROW + "2022,410,36,852352,1.0,0.1\n")
    [checked] = ingest_baci(empty_store, [path], strict=False)
    assert checked.rows == 1
    [unchecked] = ingest_baci(empty_store, [path], strict=False, check_year=False)
    assert unchecked.status == "replaced" and unchecked.rows == 2
    [same] = ingest_baci(empty_store, [path], strict=False, check_year=False)
    assert same.status == "unchanged"
    # another country table (here: a name) is another load of the same data file
    table = tmp_path / "country_codes_V202501.csv"
    table.write_text(table.read_text(encoding="utf-8-sig").replace("Rep. of Korea", "Korea"))
    [recoded] = ingest_baci(empty_store, [path], strict=False, check_year=False)
    assert recoded.status == "replaced"


# -- 3. dataset ids ---------------------------------------------------------------------
def test_an_id_of_another_kind_is_refused(default_store: Store, tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    path.write_text("year,exporter,importer,product,value_usd\n2022,RUS,CHN,270900,5\n")
    before = snapshot(default_store)
    with pytest.raises(IngestError, match=r"names a 'icio' dataset.*'table:'") as caught:
        ingest_table(default_store, path, hs_revision="HS17", dataset_id="icio:oecd-2022")
    assert caught.value.field == "dataset" and caught.value.value == "icio:oecd-2022"
    assert snapshot(default_store) == before
    assert default_store.scalar("SELECT kind FROM datasets WHERE id = 'icio:oecd-2022'") == "icio"


def test_a_bare_id_held_by_another_kind_is_refused(empty_store: Store, tmp_path: Path) -> None:
    from asymmetry.store.ingest_tidy import ingest_reported

    table = tmp_path / "flows.csv"
    table.write_text("year,exporter,importer,product,value_usd\n2022,RUS,CHN,270900,5\n")
    ingest_table(empty_store, table, hs_revision="HS17", dataset_id="mine")
    reported = tmp_path / "declared.csv"
    reported.write_text(
        "year,reporter,partner,flow,product,value_usd\n2022,RUS,CHN,export,270900,5\n"
    )
    before = snapshot(empty_store)
    with pytest.raises(IngestError, match="'mine' is a 'table' dataset"):
        ingest_reported(empty_store, reported, hs_revision="HS17", dataset_id="mine")
    assert snapshot(empty_store) == before


def test_baci_flows_cannot_be_replaced_by_a_table(
    empty_store: Store, shared_data: Path, tmp_path: Path
) -> None:
    ingest_baci(empty_store, [shared_data / "baci" / SAMPLE])
    path = tmp_path / "flows.csv"
    path.write_text("year,exporter,importer,product,value_usd\n2022,RUS,CHN,270900,5\n")
    before = snapshot(empty_store)
    with pytest.raises(IngestError, match="'baci' dataset"):
        ingest_table(empty_store, path, dataset_id="baci:BACI_sample_HS22_Y2023_k852352")
    assert snapshot(empty_store) == before


def test_replacing_a_dataset_from_another_file_needs_replace(
    store_env: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text("year,exporter,importer,product,value_usd\n2022,RUS,CHN,270900,5\n")
    second.write_text("year,exporter,importer,product,value_usd\n2022,RUS,CHN,270900,7\n")
    common = ["ingest", "csv", "--hs-revision", "HS17", "--dataset", "table:mine"]
    assert runner.invoke(app, [*common, str(first)]).exit_code == 0
    with asymmetry.open(store_env) as store:
        before = snapshot(store)
    refused = runner.invoke(app, [*common, str(second)])
    assert refused.exit_code == 2
    assert "holds first.csv, another file; pass --replace" in " ".join(refused.output.split())
    with asymmetry.open(store_env) as store:
        assert snapshot(store) == before
    replaced = runner.invoke(app, [*common, str(second), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert "replaced" in replaced.output
    with asymmetry.open(store_env) as store:
        assert store.scalar("SELECT value_usd FROM flows WHERE source = 'table:mine'") == 7


# -- 4. no store created or altered by accident -----------------------------------------
def _foreign_duckdb(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE readings AS SELECT range AS i FROM range(1000)")
    con.close()
    return path


READ_COMMANDS = (
    ["info"],
    ["datasets"],
    ["facts", "--country", "RUS"],
    ["profile", "RUS", "CHN", "--source", "icio"],
)


@pytest.mark.parametrize(
    "command",
    [*READ_COMMANDS, ["init"], ["ingest", "facts", "FACTS"], ["ingest", "icio"]],
    ids=" ".join,
)
def test_a_foreign_duckdb_file_is_refused_by_every_command(
    command: list[str], tmp_path: Path
) -> None:
    foreign = _foreign_duckdb(tmp_path / "other.duckdb")
    facts = tmp_path / "facts.csv"
    facts.write_text("indicator,value,unit,source\nx,1,USD,me\n")
    sha = _sha(foreign)
    argv = [str(facts) if a == "FACTS" else a for a in command]
    result = runner.invoke(app, ["--store", str(foreign), *argv])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert f"{foreign} is not an asymmetry store" in said
    assert _sha(foreign) == sha
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.csv", "other.duckdb"]


def test_a_file_that_is_not_duckdb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("hello " * 1000)
    with pytest.raises(NotAStoreError, match="not a DuckDB database file"):
        asymmetry.open(path)
    assert path.read_text() == "hello " * 1000


EVERY_READ_COMMAND = (
    *READ_COMMANDS,
    ["dependencies", "RUS", "--on", "CHN"],
    ["exposure", "RUS", "--on", "CHN"],
    ["indices", "RUS", "CHN"],
    ["complexity", "--top", "5"],
    ["rca", "RUS"],
    ["circumvention", "RUS", "--break-year", "2022"],
    ["mirror", "RUS"],
    ["lever", "--sender", "CHN", "--target", "RUS", "--embargo", "--draws", "1"],
    ["report", "RUS", "CHN", "-o", "OUT/r.md"],
    ["brief", "RUS", "CHN", "-o", "OUT/b.md"],
    ["claims", "DOC"],
    ["serve", "--port", "1"],
)


def test_read_commands_refuse_a_missing_named_store(tmp_path: Path) -> None:
    missing = tmp_path / "nested" / "dir" / "store.duckdb"
    document = tmp_path / "doc.txt"
    document.write_text("Trade was USD 100 billion in 2021.")
    for command in EVERY_READ_COMMAND:
        argv = [
            str(document) if a == "DOC" else a.replace("OUT", str(tmp_path / "out"))
            for a in command
        ]
        result = runner.invoke(app, ["--store", str(missing), *argv])
        assert result.exit_code == 2
        said = " ".join(result.output.split())
        assert f"no store at {missing}; `asymmetry --store {missing} init` creates one" in said
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.txt"]


def test_read_commands_leave_a_named_store_untouched(
    default_store_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "store.duckdb"
    shutil.copy(default_store_file, path)
    sha = _sha(path)
    for command in READ_COMMANDS:
        result = runner.invoke(app, ["--store", str(path), *command])
        assert result.exit_code == 0, result.output
    assert _sha(path) == sha
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.duckdb"]


def test_an_outdated_named_store_is_upgraded_by_init_only(
    empty_store: Store, tmp_path: Path
) -> None:
    path = empty_store.path
    empty_store.con.execute("ALTER TABLE datasets DROP COLUMN options")
    empty_store.con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    empty_store.close()
    sha = _sha(path)
    result = runner.invoke(app, ["--store", str(path), "info"])
    assert result.exit_code == 2
    assert "older version (schema 6, now" in result.output and "init` upgrades it" in " ".join(
        result.output.split()
    )
    assert _sha(path) == sha
    assert runner.invoke(app, ["--store", str(path), "init"]).exit_code == 0
    with asymmetry.open(path, read_only=True) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert "options" in set(store.query("SELECT * FROM datasets LIMIT 0").columns)


def _tiny_icio(path: Path) -> Path:
    """A 2-country, 2-sector network in the bench_cache.npz layout."""
    a = np.array([[0.1, 0.2, 0, 0], [0, 0.1, 0.3, 0], [0.2, 0, 0, 0.1], [0, 0, 0.1, 0.2]])
    np.savez(
        path,
        A=a,
        omb=np.full(4, 0.5),
        s=np.array([10.0, 20.0, 30.0, 40.0]),
        countries=np.array(["CHN", "RUS"]),
        sectors=np.array(["A01", "B05"]),
    )
    return path


def test_the_default_store_is_still_built_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make run` on a fresh clone: no --store, no $ASYMMETRY_STORE, no store yet."""
    import asymmetry.store.ingest_icio as icio

    npz = _tiny_icio(tmp_path / "tiny.npz")
    monkeypatch.setattr(icio, "bundled_npz", lambda: npz)  # a 92 MB build is not the point
    monkeypatch.delenv("ASYMMETRY_STORE", raising=False)
    work = tmp_path / "clone"
    work.mkdir()
    monkeypatch.chdir(work)
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0, result.output
    assert "creating store .asymmetry/store.duckdb" in result.output
    assert sorted(p.name for p in (work / ".asymmetry").iterdir()) == ["store.duckdb"]
    with asymmetry.open(work / ".asymmetry" / "store.duckdb", read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM io_nodes") == 4


def test_the_default_store_is_kept_up_to_date_by_read_commands(
    empty_store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The package's own store is upgraded in place (a named one is not: see above)."""
    empty_store.con.execute("ALTER TABLE datasets DROP COLUMN options")
    empty_store.con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    empty_store.close()
    work = tmp_path / "clone"
    (work / ".asymmetry").mkdir(parents=True)
    shutil.copy(empty_store.path, work / ".asymmetry" / "store.duckdb")
    monkeypatch.delenv("ASYMMETRY_STORE", raising=False)
    monkeypatch.chdir(work)
    result = runner.invoke(app, ["info"])
    assert result.exit_code == 0, result.output
    with asymmetry.open(work / ".asymmetry" / "store.duckdb", read_only=True) as store:
        assert store.schema_version() == SCHEMA_VERSION


def test_an_interrupted_creation_leaves_no_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asymmetry.store.ingest_icio as icio

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(icio, "ingest_icio", interrupted)
    path = tmp_path / "store.duckdb"
    with pytest.raises(KeyboardInterrupt):
        asymmetry.open(path)
    assert list(tmp_path.iterdir()) == []


def test_init_creates_a_named_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import asymmetry.store.ingest_icio as icio

    npz = _tiny_icio(tmp_path / "tiny.npz")
    monkeypatch.setattr(icio, "bundled_npz", lambda: npz)
    path = tmp_path / "new" / "trade.duckdb"
    result = runner.invoke(app, ["--store", str(path), "init"])
    assert result.exit_code == 0, result.output
    assert "datasets" in result.output
    assert runner.invoke(app, ["--store", str(path), "info"]).exit_code == 0


# -- 5. lock errors name their holder ---------------------------------------------------
_HOLD = (
    "import duckdb, sys, time\n"
    "con = duckdb.connect(sys.argv[1], read_only=True)\n"
    "print('ready', flush=True)\n"
    "time.sleep(60)\n"
)


@pytest.fixture
def short_lock_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    """A held lock is reported after 0.3 s, not the 10 s a user's writer waits."""
    monkeypatch.setattr(store_module, "LOCK_WAIT_SECONDS", 0.3)


def _holder(path: Path, *argv: str) -> subprocess.Popen[str]:
    """A process holding ``path`` open read-only, as `asymmetry serve` does."""
    process = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(path), *argv], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def test_a_lock_held_by_serve_says_to_stop_the_server(
    empty_store: Store, short_lock_wait: None
) -> None:
    path = empty_store.path
    empty_store.close()
    # argv as the dashboard's: [..., "asymmetry", "--store", path, "serve", ...]
    server = _holder(path, "asymmetry", "--store", str(path), "serve", "--port", "8000")
    try:
        with pytest.raises(StoreLockedError) as caught:
            asymmetry.open(path)
    finally:
        server.kill()
        server.wait(10)
    error = caught.value
    assert error.pid == server.pid and error.holder == "asymmetry serve"
    assert f"held by PID {server.pid} (asymmetry serve): " in str(error)
    assert "stop the server" in str(error)
    assert "Is another asymmetry process writing" not in str(error)


def test_a_lock_held_by_another_program_says_so(empty_store: Store, short_lock_wait: None) -> None:
    path = empty_store.path
    empty_store.close()
    other = _holder(path)
    try:
        result = runner.invoke(app, ["--store", str(path), "ingest", "icio"])
    finally:
        other.kill()
        other.wait(10)
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert f"held by PID {other.pid} (" in said and "close the store in that program" in said
    assert "stop the server" not in said


def test_errors_that_are_not_about_locks_get_no_lock_hint(tmp_path: Path) -> None:
    folder = tmp_path / "dir.duckdb"
    folder.mkdir()
    with pytest.raises(StoreError) as caught:
        asymmetry.open(folder)
    assert not isinstance(caught.value, StoreLockedError)
    assert "cannot open store" in str(caught.value)
    assert "another" not in str(caught.value) and "lock" not in str(caught.value).lower()


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["/venv/bin/asymmetry", "serve", "--port", "8000"], "asymmetry serve"),
        (["python", "/venv/bin/asymmetry", "--store", "s.db", "serve"], "asymmetry serve"),
        (["python", "-m", "asymmetry", "-v", "ingest", "baci", "a.csv"], "asymmetry ingest baci"),
        (["/usr/bin/python3", "notebook.py"], None),
    ],
)
def test_the_holders_command_is_read_from_its_argv(argv: list[str], command: str | None) -> None:
    assert asymmetry_command(argv) == command
