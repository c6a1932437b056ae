"""The slow reading path, the host spelling and the landing inventory, as pure functions."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from orchestration.lib.ingest.hosts import unicode_host
from orchestration.lib.ingest.inventory import has_landed_files, unclaimed_files
from orchestration.lib.ingest.salvage import (
    Unreadable,
    decode_text,
    gunzip_salvage,
    salvage_csv,
    salvage_jsonl,
)


def test_csv_salvage_keeps_row_numbers_and_resynchronizes_after_an_open_quote(
    tmp_path: Path,
) -> None:
    text = 'id,name\na1,Acme\na2,"Beta\na3,Gamma,extra\na4,"Multi\nline"\na5,Echo\n'
    salvaged = salvage_csv(text, 2, tmp_path / "clean.csv")
    assert [(b.row_number, b.reason) for b in salvaged.bad] == [
        (2, "line 3: a quoted value opened on this line never closes"),
        (3, "line 4: it has 3 fields, the header has 2"),
    ]
    assert salvaged.bad[0].raw == 'a2,"Beta'
    rows = (tmp_path / "clean.csv").read_text().splitlines()
    # placeholders keep the file's row numbers: row 4 is still a4, row 5 a5
    assert rows == ["id,name", "a1,Acme", ",", ",", 'a4,"Multi', 'line"', "a5,Echo"]


def test_jsonl_salvage_names_the_line_and_skips_blank_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"a": 1}\n\n{"a": 2\n[1, 2]\n{"a": 3}\n')
    salvaged = salvage_jsonl(source, tmp_path / "clean.jsonl")
    assert [(b.row_number, b.reason.split(" (")[0]) for b in salvaged.bad] == [
        (2, "line 3: not valid JSON"),
        (3, "line 4: a JSON list, not an object"),
    ]
    assert (tmp_path / "clean.jsonl").read_text().splitlines() == [
        '{"a": 1}',
        "{}",
        "{}",
        '{"a": 3}',
    ]


def test_a_truncated_gzip_gives_what_it_has(tmp_path: Path) -> None:
    whole = gzip.compress(b"id\n" + b"".join(b"r%d\n" % i for i in range(5000)), mtime=0)
    (tmp_path / "cut.gz").write_bytes(whole[: len(whole) // 2])
    truncated, size = gunzip_salvage(tmp_path / "cut.gz", tmp_path / "out")
    assert truncated and size > 0
    assert (tmp_path / "out").read_bytes() == gzip.decompress(whole)[:size]
    (tmp_path / "junk.gz").write_bytes(b"not gzip at all")
    with pytest.raises(Unreadable, match="not a valid gzip file"):
        gunzip_salvage(tmp_path / "junk.gz", tmp_path / "out2")


def test_windows_1252_is_decoded_with_a_warning_and_other_bytes_name_the_line(
    tmp_path: Path,
) -> None:
    good = tmp_path / "excel.csv"
    good.write_bytes("id,name\nx,Soci\u00e9t\u00e9 \u20ac\n".encode("cp1252"))
    text, notes = decode_text(good)
    assert text == "id,name\nx,Soci\u00e9t\u00e9 \u20ac\n"
    assert notes and "line 2" in notes[0] and "CSV UTF-8" in notes[0]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"id,name\nx,ok\ny,\x81\n")
    with pytest.raises(Unreadable, match="line 3 is not UTF-8 text .* re-save it as 'CSV UTF-8'"):
        decode_text(bad)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("xn--mnchen-gmbh-thb.de", "münchen-gmbh.de"),
        ("MÜNCHEN-GMBH.DE", "münchen-gmbh.de"),
        (
            "https://www.XN--mnchen-gmbh-thb.de/kontakt?x=1",
            "https://www.münchen-gmbh.de/kontakt?x=1",
        ),
        ("Jörg@xn--mnchen-gmbh-thb.de", "Jörg@münchen-gmbh.de"),
        ("acme.com", "acme.com"),
        ("xn--broken-.de", "xn--broken-.de"),  # not a valid IDN: kept as delivered
        (None, None),
    ],
)
def test_hosts_take_their_unicode_spelling(value: str | None, expected: str | None) -> None:
    assert unicode_host(value) == expected


def test_unclaimed_files_get_the_nearest_contract_folder(tmp_path: Path) -> None:
    for rel in (
        "crm/account/ok.csv",
        "crm/accounts/x.csv",
        "intent/bombora/y.csv",
        "zzz/qqq/z.csv",
        "crm/account/_SUCCESS",
        ".hidden/a.csv",
    ):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("id\n")
    found = {u.path: u.suggestion for u in unclaimed_files(tmp_path)}
    assert found == {
        "crm/accounts/x.csv": "crm/account",
        "intent/bombora/y.csv": "intent/bombora_surge",
        "zzz/qqq/z.csv": None,
    }
    assert has_landed_files(tmp_path)
    assert not has_landed_files(tmp_path / "crm" / "accounts")
