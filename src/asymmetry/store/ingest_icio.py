"""The OECD ICIO 2022 input-output network shipped by `sanction-simulator`.

``bench_cache.npz`` holds, for N = 80 economies x 50 sectors = 4,000 nodes
(node = sector_index * 80 + country_index): the column-stochastic input
coefficient matrix ``A`` (A[i, j] = share of node j's intermediate inputs
bought from node i), the intermediate cost share ``omb`` and gross output
``s`` (USD million). The intermediate flow i -> j is A[i, j] * omb[j] * s[j].
These are intermediate-input flows only: final demand is not in the file.

Reference: OECD Inter-Country Input-Output tables, 2025 release (year 2022),
as pre-processed by Bhattathiripad & Veetil, "Political Power in
International Trade" (package `sanction-simulator`, MIT licence).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from asymmetry.errors import IngestError, NoDataError
from asymmetry.store.provenance import (
    IngestReport,
    Timer,
    previous_sha,
    record_dataset,
    sha256_file,
)
from asymmetry.store.schema import IO_TRADE_SQL
from asymmetry.store.store import ProgressCallback, Store

ICIO_DATASET = "icio:oecd-2022"
ICIO_NOTE = (
    "OECD ICIO 2025 release, year 2022, via sanction-simulator {version}; "
    "intermediate-input flows only (no final demand); USD"
)
_MILLION = 1e6


@dataclass(frozen=True, slots=True)
class IcioMatrices:
    """The network as matrices, for the lever engine (all money in USD).

    ``flows[i, j]`` is the intermediate sale from node i to node j; node
    ``k`` is country ``countries[k % n_countries]``, sector
    ``sectors[k // n_countries]``.
    """

    countries: tuple[str, ...]
    sectors: tuple[str, ...]
    flows: np.ndarray
    output: np.ndarray
    intermediate_share: np.ndarray

    @property
    def n_countries(self) -> int:
        return len(self.countries)

    def node(self, country: str, sector: str) -> int:
        return self.sectors.index(sector) * self.n_countries + self.countries.index(country)

    def node_countries(self) -> np.ndarray:
        """ISO3 of every node, in node order."""
        return np.array(self.countries)[np.arange(len(self.output)) % self.n_countries]

    def node_sectors(self) -> np.ndarray:
        """Sector code of every node, in node order."""
        return np.array(self.sectors)[np.arange(len(self.output)) // self.n_countries]

    def technical(self) -> np.ndarray:
        """Leontief technical coefficients T = flows / buyer's output (0 for idle nodes)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            t: np.ndarray = np.where(
                self.output[None, :] > 0, self.flows / self.output[None, :], 0.0
            )
        return t

    def coefficients(self) -> np.ndarray:
        """Input coefficients A = flows / (intermediate inputs of the buyer)."""
        inputs = self.flows.sum(axis=0)
        coefficients: np.ndarray = np.divide(
            self.flows, inputs[None, :], out=np.zeros_like(self.flows), where=inputs[None, :] > 0
        )
        return coefficients


def bundled_npz() -> Path:
    """Path of `sanction-simulator`'s ``bench_cache.npz``."""
    try:
        import sanction_simulator
    except ImportError as exc:  # pragma: no cover - it is a hard dependency
        raise IngestError(
            "the package sanction-simulator is not installed; pip install sanction-simulator"
        ) from exc
    return Path(sanction_simulator.bench_cache())


def _sector_names(npz: Path) -> dict[str, str]:
    mapping = npz.parent / "OECD_ICIO_2025_sector_code_mapping.csv"
    if not mapping.is_file():
        return {}
    frame = pd.read_csv(mapping, dtype=str, encoding="utf-8-sig")
    return dict(zip(frame["code"], frame["economic_activity"], strict=True))


def load_npz(npz: Path) -> tuple[pd.DataFrame, pa.Table]:
    """Nodes and non-zero intermediate flows (USD) from the npz, as tables."""
    try:
        data = np.load(npz, allow_pickle=False)
        A, omb, s = data["A"], data["omb"], data["s"]
        countries = [str(c) for c in data["countries"]]
        sectors = [str(c) for c in data["sectors"]]
    except (OSError, KeyError, ValueError) as exc:
        raise IngestError(f"not an ICIO benchmark cache: {exc}", file=npz) from exc
    n_c, n_s = len(countries), len(sectors)
    n = n_c * n_s
    if A.shape != (n, n) or omb.shape != (n,) or s.shape != (n,):
        raise IngestError(
            f"inconsistent shapes: A {A.shape}, omb {omb.shape}, s {s.shape} "
            f"for {n_c} countries x {n_s} sectors",
            file=npz,
        )
    names = _sector_names(npz)
    node = np.arange(n)
    nodes = pd.DataFrame(
        {
            "node": node.astype(np.int16),
            "country": [countries[k % n_c] for k in node],
            "sector": [sectors[k // n_c] for k in node],
            "sector_name": [names.get(sectors[k // n_c]) for k in node],
            "output_usd": s * _MILLION,
            "intermediate_share": omb,
            "value_added_usd": s * (1.0 - omb) * _MILLION,
        }
    )
    flows = A * (omb * s * _MILLION)[None, :]
    seller, buyer = np.nonzero(flows)
    table = pa.table(
        {
            "seller": pa.array(seller.astype(np.int16)),
            "buyer": pa.array(buyer.astype(np.int16)),
            "value_usd": pa.array(flows[seller, buyer]),
        }
    )
    return nodes, table


def ingest_icio(
    store: Store, npz: str | Path | None = None, *, progress: ProgressCallback | None = None
) -> IngestReport:
    """Load the ICIO network (the one bundled with sanction-simulator by default)."""
    timer = Timer()
    path = Path(npz) if npz is not None else bundled_npz()
    if not path.is_file():
        raise IngestError("file not found", file=path)
    sha = sha256_file(path, progress)
    if previous_sha(store.con, ICIO_DATASET) == sha:
        rows = int(store.scalar("SELECT count(*) FROM io_network"))
        return IngestReport(ICIO_DATASET, "icio", str(path), "unchanged", rows, seconds=timer())
    replaced = previous_sha(store.con, ICIO_DATASET) is not None
    if progress:
        progress("reading ICIO network", 0.0)
    nodes, flows = load_npz(path)
    try:
        version = metadata.version("sanction-simulator")
    except metadata.PackageNotFoundError:
        version = "unknown"
    with store.transaction() as con:
        con.execute("DELETE FROM io_network")
        con.execute("DELETE FROM io_nodes")
        con.register("_nodes", nodes)
        con.execute("INSERT INTO io_nodes SELECT * FROM _nodes")
        con.unregister("_nodes")
        con.register("_flows", flows)
        con.execute("INSERT INTO io_network SELECT * FROM _flows")
        con.unregister("_flows")
        con.execute(IO_TRADE_SQL)
        record_dataset(
            con,
            dataset_id=ICIO_DATASET,
            kind="icio",
            file=path,
            sha256=sha,
            rows=flows.num_rows,
            note=ICIO_NOTE.format(version=version),
        )
    if progress:
        progress("reading ICIO network", 1.0)
    return IngestReport(
        ICIO_DATASET,
        "icio",
        str(path),
        "replaced" if replaced else "loaded",
        flows.num_rows,
        seconds=timer(),
    )


def icio_matrices(store: Store) -> IcioMatrices:
    """The stored network as dense matrices (reads the store, not the npz).

    Read once per read-only connection (`Store.memo`): densifying the
    ~3,600-node network takes a second or more, and a server asks for it on
    every exposure and network lever. The arrays are then frozen, as they are
    shared.
    """
    return store.memo(
        ("icio_matrices",), lambda: _read_icio_matrices(store, frozen=store.read_only)
    )


def _read_icio_matrices(store: Store, *, frozen: bool) -> IcioMatrices:
    nodes = store.query("SELECT * FROM io_nodes ORDER BY node")
    if nodes.empty:
        raise NoDataError("the store holds no ICIO network; run `asymmetry ingest icio`")
    n = len(nodes)
    countries = tuple(dict.fromkeys(nodes["country"]))
    sectors = tuple(dict.fromkeys(nodes["sector"]))
    edges = store.con.execute("SELECT seller, buyer, value_usd FROM io_network").fetchnumpy()
    flows = np.zeros((n, n))
    seller = np.asarray(edges["seller"], dtype=np.intp)
    buyer = np.asarray(edges["buyer"], dtype=np.intp)
    flows[seller, buyer] = np.asarray(edges["value_usd"], dtype=float)
    output = nodes["output_usd"].to_numpy()
    intermediate_share = nodes["intermediate_share"].to_numpy()
    if frozen:
        for array in (flows, output, intermediate_share):
            array.flags.writeable = False
    return IcioMatrices(countries, sectors, flows, output, intermediate_share)
