"""Ingestion: landed files into the raw layer, each file checked by its table's GX suite."""

from orchestration.lib.ingest.contracts import CONTRACT_TABLES, TableContract, contract_for
from orchestration.lib.ingest.headers import normalize_header
from orchestration.lib.ingest.loader import FileResult, TableIngestResult, ingest_all, ingest_table

__all__ = [
    "CONTRACT_TABLES",
    "FileResult",
    "TableContract",
    "TableIngestResult",
    "contract_for",
    "ingest_all",
    "ingest_table",
    "normalize_header",
]
