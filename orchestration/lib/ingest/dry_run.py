"""Check landed files against the contract without loading anything (`abm validate`).

The very reading, contract and quarantine decisions of ingestion (`loader._Ingestor`), with
its two writes (the rejection log entry, the load itself) replaced by nothing: the same
messages, and no warehouse is opened.
"""

from __future__ import annotations

from pathlib import Path

from orchestration.lib import settings
from orchestration.lib.ingest.contracts import CONTRACT_TABLES, EXPECTATIONS_DIR, contract_for
from orchestration.lib.ingest.inventory import UnclaimedFile, unclaimed_files
from orchestration.lib.ingest.loader import (
    CHUNK_ROWS,
    FileResult,
    _Ingestor,
    _now,
    _previous_decision,
    _staging_connection,
    landed_files,
    sha256_of,
)
from orchestration.lib.ingest.warehouse import LoggedFile


class _DryIngestor(_Ingestor):
    def reject(self, rel: str, size: int, checksum: str, message: str) -> FileResult:
        return self._result(rel, "rejected", 0, 0, message)

    def _write(self, *args: object, **kwargs: object) -> None:
        return None


def validate_landing(
    landing_dir: Path,
    *,
    max_quarantine_share: float | None = None,
    max_field_chars: int | None = None,
    expectations_dir: Path = EXPECTATIONS_DIR,
) -> tuple[list[FileResult], list[UnclaimedFile]]:
    """Each landed file's verdict (loaded = would load), and files outside the contract.

    A file whose content repeats an earlier file of the same folder is reported as
    ingestion would report it (duplicate_content).
    """
    landing_dir = Path(landing_dir)
    share = (
        settings.max_quarantine_share() if max_quarantine_share is None else max_quarantine_share
    )
    chars = settings.max_field_chars() if max_field_chars is None else max_field_chars
    results: list[FileResult] = []
    with _staging_connection() as con:
        for source, table in CONTRACT_TABLES:
            contract = contract_for(source, table, expectations_dir)
            ingestor = _DryIngestor(con, landing_dir, contract, share, chars, CHUNK_ROWS)
            seen: list[LoggedFile] = []
            for path in landed_files(landing_dir, source, table):
                rel = path.relative_to(landing_dir).as_posix()
                checksum = sha256_of(path)
                decided = _previous_decision(rel, checksum, seen)
                if decided is not None:
                    results.append(FileResult(source, table, rel, decided[0], 0, 0, decided[1]))
                    continue
                result = ingestor.ingest(path, rel, path.stat().st_size, checksum)
                results.append(result)
                if result.status == "loaded":
                    seen.append(LoggedFile(rel, checksum, "loaded", _now(), result.message))
    return results, unclaimed_files(landing_dir)
