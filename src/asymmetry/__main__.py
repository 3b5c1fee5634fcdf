"""`python -m asymmetry` runs the command line (same as the `asymmetry` script)."""

from asymmetry.cli import app

app()
