"""What has landed: files no contract table claims, whether anything landed at all, and a
fingerprint that changes when a file lands."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path

from orchestration.lib.ingest.contracts import CONTRACT_TABLES


@dataclass(frozen=True)
class UnclaimedFile:
    path: str  # relative to the landing dir, '/'-separated
    suggestion: str | None  # the nearest contract folder, e.g. 'crm/account'

    @property
    def message(self) -> str:
        hint = f" (did you mean {self.suggestion}/?)" if self.suggestion else ""
        known = "a <source>/<table>/ folder of the contract"
        return f"{self.path} is not in {known}, so nothing loads it{hint}"


def visible_files(folder: Path) -> list[Path]:
    """Files under a folder, except hidden ones and markers (`_SUCCESS`), sorted."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not any(part.startswith((".", "_")) for part in path.relative_to(folder).parts)
    )


def _nearest_folder(parts: tuple[str, ...]) -> str | None:
    known = [f"{source}/{table}" for source, table in CONTRACT_TABLES]
    candidates = []
    if len(parts) >= 3:
        candidates.append("/".join(parts[:2]))
    candidates.append(parts[0])
    for candidate in candidates:
        found = difflib.get_close_matches(candidate.lower(), known, n=1, cutoff=0.6)
        if found:
            return found[0]
    # A known table under an unknown source (hubspot/companies -> enrichment/company?)
    if len(parts) >= 3:
        tables = {table: f"{source}/{table}" for source, table in CONTRACT_TABLES}
        found = difflib.get_close_matches(parts[1].lower(), list(tables), n=1, cutoff=0.6)
        if found:
            return tables[found[0]]
    return None


def unclaimed_files(landing_dir: Path) -> list[UnclaimedFile]:
    """Landed files outside every <source>/<table>/ folder of the contract."""
    claimed = {(source, table) for source, table in CONTRACT_TABLES}
    found = []
    for path in visible_files(landing_dir):
        parts = path.relative_to(landing_dir).parts
        if len(parts) >= 3 and (parts[0], parts[1]) in claimed:
            continue
        found.append(UnclaimedFile("/".join(parts), _nearest_folder(parts)))
    return found


def has_landed_files(landing_dir: Path) -> bool:
    claimed = {(source, table) for source, table in CONTRACT_TABLES}
    return any(
        len(parts) >= 3 and (parts[0], parts[1]) in claimed
        for parts in (p.relative_to(landing_dir).parts for p in visible_files(landing_dir))
    )


LANDED_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".jsonl")


def landing_fingerprint(landing_dir: Path) -> str:
    """A digest of every landed file's path, size and mtime: it changes when a file lands."""
    digest = hashlib.sha256()
    if landing_dir.is_dir():
        for path in sorted(p for p in landing_dir.rglob("*") if p.is_file()):
            if path.name.endswith(LANDED_SUFFIXES):
                stat = path.stat()
                rel = path.relative_to(landing_dir).as_posix()
                digest.update(f"{rel}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()
