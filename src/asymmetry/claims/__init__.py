"""Claims checker: read a document, extract its numbers, verify them against data."""

from asymmetry.claims.check import ClaimsReport, check_claims, check_text
from asymmetry.claims.extract import Claim, extract_claims, extract_text
from asymmetry.claims.read import Document, read_document
from asymmetry.claims.references import Reference
from asymmetry.claims.verify import CheckedClaim

__all__ = [
    "CheckedClaim",
    "Claim",
    "ClaimsReport",
    "Document",
    "Reference",
    "check_claims",
    "check_text",
    "extract_claims",
    "extract_text",
    "read_document",
]
