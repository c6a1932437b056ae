"""Ingestion: landed files into the raw layer, each file checked by its table's GX suite."""

from orchestration.ingest.config import IngestSettings, ingest_settings, max_quarantine_share
from orchestration.ingest.contracts import CONTRACT_TABLES, TableContract, contract_for
from orchestration.ingest.headers import normalize_header
from orchestration.ingest.loader import FileResult, TableIngestResult, ingest_all, ingest_table

__all__ = [
    "CONTRACT_TABLES",
    "FileResult",
    "IngestSettings",
    "TableContract",
    "TableIngestResult",
    "contract_for",
    "ingest_all",
    "ingest_settings",
    "ingest_table",
    "max_quarantine_share",
    "normalize_header",
]
