"""Packaging metadata: what `pip install` reads."""

from __future__ import annotations

import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).parents[1] / "pyproject.toml"


def test_license_is_an_spdx_expression() -> None:
    """A TOML table (`{ text = "MIT" }`) makes setuptools warn it is deprecated (PEP 639)."""
    data = tomllib.loads(PYPROJECT.read_text())
    assert data["project"]["license"] == "MIT"
    assert "setuptools>=77" in data["build-system"]["requires"][0]
