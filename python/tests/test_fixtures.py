"""Every fixture through parse/read, show, to_dict, verify and the record accessors, compared
with the installed `itlctl` command's output."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable, List

import pytest

import itlctl
from conftest import BROKEN, TLV, WELL_FORMED, cli, cli_json, names


@pytest.mark.parametrize("path", WELL_FORMED, ids=names(WELL_FORMED))
def test_to_dict_is_show_json(path: str) -> None:
    tl = itlctl.read(path)
    assert tl.to_dict() == cli_json("show", "--json", path)
    assert tl.file == path


@pytest.mark.parametrize("path", WELL_FORMED, ids=names(WELL_FORMED))
def test_pathlike_reads_the_same(path: str) -> None:
    tl = itlctl.read(Path(path))
    assert tl.to_dict() == cli_json("show", "--json", path)


@pytest.mark.parametrize("path", WELL_FORMED, ids=names(WELL_FORMED))
def test_show_is_the_cli_text(path: str) -> None:
    out = cli("show", path)
    assert itlctl.read(path).show() == out.stdout.decode()
    assert out.returncode in (0, 1)


@pytest.mark.parametrize("path", WELL_FORMED, ids=names(WELL_FORMED))
def test_parse_bytes_is_the_download_view(path: str) -> None:
    data = Path(path).read_bytes()
    tl = itlctl.parse(data)
    # The CLI reading standard input has no file date either: no "last modified" line.
    assert tl.show() == cli("show", "-", stdin=data).stdout.decode()
    want = cli_json("show", "--json", path)
    want["file"] = None
    assert tl.to_dict() == want
    assert tl.file is None


@pytest.mark.parametrize("path", TLV, ids=names(TLV))
def test_bytes_round_trip_without_copy(path: str) -> None:
    data = Path(path).read_bytes()
    try:
        tl = itlctl.parse(data, lenient=True)
    except itlctl.ParseError:
        assert path in BROKEN  # a header lenient mode cannot read either
        return
    assert bytes(tl) is data
    assert tl.to_bytes() is data
    assert len(tl) == len(data)
    # bytearray and memoryview are copied once, then the same.
    assert bytes(itlctl.parse(bytearray(data), lenient=True)) == data
    assert bytes(itlctl.parse(memoryview(data), lenient=True)) == data


@pytest.mark.parametrize("path", WELL_FORMED, ids=names(WELL_FORMED))
def test_verification_is_the_cli_verdict(path: str) -> None:
    tl = itlctl.read(path)
    want = cli_json("show", "--json", path)["verification"]
    v = tl.verify()
    assert v.to_dict() == want
    assert v.valid == (want["status"] == "valid") == bool(v)
    assert (v.status, v.token, v.signer_record, v.reason) == (
        want["status"],
        want["token"],
        want["signer_record"],
        want["reason"],
    )
    assert v.digest == want["digest"]
    code = cli("verify", path).returncode
    assert code == (0 if v.valid else 1)


@pytest.mark.parametrize("path", WELL_FORMED, ids=names(WELL_FORMED))
def test_record_accessors_are_the_json_fields(path: str) -> None:
    tl = itlctl.read(path)
    records = cli_json("show", "--json", path)["records"]
    assert len(tl.records) == len(records)
    for r, want in zip(tl.records, records):
        assert r.to_dict() == want
        assert r.index == want["index"]
        assert r.offset == want["offset"]
        assert r.length == want["length"]
        assert r.role == want["role"]
        assert r.role_name == want["role_name"]
        assert r.subject == want["subject"]
        assert r.issuer == want["issuer"]
        assert r.serial == want["serial"]
        assert r.dns_name == want["dns_name"]
        assert r.cert_hash == want["cert_hash"]
        assert r.ip_address == want["ip_address"]
        assert r.unknown_tags == want["unknown_tags"]
        cert = r.certificate
        if cert is None:
            assert want["certificate_length"] is None and r.certificate_sha1 is None
        else:
            assert len(cert) == want["certificate_length"]
            # hashlib is the outside reference for the certificate digest.
            assert r.certificate_sha1 == hashlib.sha1(cert).hexdigest() == want["certificate_sha1"]
        key = r.public_key
        assert (None if key is None else len(key)) == want["public_key_length"]


def test_kind_comes_from_the_header() -> None:
    assert itlctl.read("testdata/ctl-etoken.tlv").kind == "CTL"
    assert itlctl.read("testdata/itl-11x-cm-sha1.tlv").kind == "ITL"
    assert itlctl.read("testdata/itl-11x-cm-sha1.tlv").filename == "ITLFile.tlv"


@pytest.mark.parametrize("path", BROKEN, ids=names(BROKEN))
def test_broken_fixtures_raise_parse_error(path: str) -> None:
    data = Path(path).read_bytes()
    with pytest.raises(itlctl.ParseError) as info:
        itlctl.read(path)
    e = info.value
    assert isinstance(e, itlctl.Error) and isinstance(e, ValueError)
    want = cli_json("show", "--json", path)["error"]
    assert (e.offset, e.tag, e.kind) == (want["offset"], want["tag"], want["kind"])
    assert e.file == path
    # The CLI's one-line error is `itlctl: FILE: <message>`.
    assert cli("show", path).stderr.decode().splitlines()[-1] == f"itlctl: {path}: {e}"
    assert str(e).startswith(want["message"])
    # The location is right in the bytes themselves: a located TLV starts with its tag.
    assert e.offset is not None and 0 <= e.offset <= len(data)
    if e.tag is not None and e.kind != "missing-tag":
        assert data[e.offset] == e.tag
    with pytest.raises(itlctl.ParseError) as again:
        itlctl.parse(data)
    assert str(again.value) == str(e) and again.value.file is None


def test_error_locations_by_hand() -> None:
    # Hand-checked: HEADERLENGTH is the TLV after the 5-byte VERSION TLV; the trailing
    # fixture is a good file plus 3 bytes.
    with pytest.raises(itlctl.ParseError) as info:
        itlctl.read("testdata/err-header-length.tlv")
    assert (info.value.offset, info.value.tag) == (5, 2)
    size = os.path.getsize("testdata/err-trailing.tlv")
    with pytest.raises(itlctl.ParseError) as info:
        itlctl.read("testdata/err-trailing.tlv")
    assert (info.value.offset, info.value.tag) == (size - 3, None)
    assert str(info.value) == f"3 trailing bytes after the last record at byte {size - 3}"


@pytest.mark.parametrize("path", BROKEN, ids=names(BROKEN))
def test_lenient_show_is_the_cli_text(path: str) -> None:
    try:
        tl = itlctl.read(path, lenient=True)
    except itlctl.ParseError:
        return  # nothing to recover: the CLI prints only the preamble then
    assert tl.warnings, "lenient parsing forgave something"
    assert tl.show() == cli("show", path).stdout.decode()
    assert tl.to_dict()["warnings"] == tl.warnings


def test_read_errors() -> None:
    with pytest.raises(itlctl.ReadError) as info:
        itlctl.read("testdata/no-such-file.tlv")
    assert isinstance(info.value, OSError) and isinstance(info.value, itlctl.Error)
    assert info.value.file == "testdata/no-such-file.tlv"
    want = cli("show", "testdata/no-such-file.tlv").stderr.decode().strip()
    assert want == f"itlctl: testdata/no-such-file.tlv: {info.value}"


def test_wrong_types_are_type_errors() -> None:
    with pytest.raises(TypeError):
        itlctl.parse("testdata/itl-11x-cm-sha1.tlv")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        itlctl.parse(5)  # type: ignore[arg-type]


def test_no_exception_but_itlctl_error_escapes() -> None:
    # Wrong types and values are itlctl.Error too (UsageError), and still TypeError/ValueError.
    calls: List[Callable[[], object]] = [
        lambda: itlctl.parse("abc"),  # type: ignore[arg-type]
        lambda: itlctl.parse(None),  # type: ignore[arg-type]
        lambda: itlctl.read(3),  # type: ignore[arg-type]
        lambda: itlctl.lint("testdata/itl-11x-cm-sha1.tlv", now="2027-01-01T00:00:00Z"),  # type: ignore[arg-type]
        lambda: itlctl.verify_many(["testdata/itl-11x-cm-sha1.tlv"], threads=0),
    ]
    for call in calls:
        with pytest.raises(itlctl.Error) as info:
            call()
        assert isinstance(info.value, (TypeError, ValueError)), repr(info.value)


def test_to_dict_is_json_serialisable() -> None:
    d = itlctl.read("testdata/itl-12x-itlrecovery-sha512.tlv").to_dict()
    assert json.loads(json.dumps(d)) == d
