"""asymmetry: two-sided trade dependence between countries, from real data.

>>> import asymmetry
>>> with asymmetry.open() as store:  # doctest: +SKIP
...     asymmetry.profile(store, "RUS", "CHN").shares
"""

from asymmetry.errors import AsymmetryError
from asymmetry.store.store import Store, open

__version__ = "0.1.0"

# Imported after __version__: provenance records it.
from asymmetry.claims.check import check_claims
from asymmetry.levers.engine import simulate
from asymmetry.levers.scenario import Scenario
from asymmetry.metrics.dependence import dependencies
from asymmetry.metrics.io_exposure import io_exposure
from asymmetry.metrics.profile import profile
from asymmetry.report.build import build_report
from asymmetry.report.render import write_report

__all__ = [
    "AsymmetryError",
    "Scenario",
    "Store",
    "__version__",
    "build_report",
    "check_claims",
    "dependencies",
    "io_exposure",
    "open",
    "profile",
    "simulate",
    "write_report",
]
