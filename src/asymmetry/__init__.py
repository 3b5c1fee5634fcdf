"""asymmetry: two-sided trade dependence between countries, from real data."""

from asymmetry.errors import AsymmetryError
from asymmetry.store.store import Store, open

__version__ = "0.1.0"

__all__ = ["AsymmetryError", "Store", "__version__", "open"]
