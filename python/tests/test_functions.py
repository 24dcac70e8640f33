"""hash, diff, lint, devices and verify_many against the installed command and coreutils."""

from __future__ import annotations

import io
import json
import itertools
import shutil
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Union

import pytest

import itlctl
from conftest import SCENARIOS, TLV, WELL_FORMED, cli, cli_json, digest_of, names

NOW = "2026-11-23T12:00:00Z"
NOW_DT = datetime(2026, 11, 23, 12, 0, 0, tzinfo=timezone.utc)


def phone_format(hexdigest: str) -> str:
    """`1B A1 C9 ...` from lower-case hex, written independently of the library."""
    return " ".join(hexdigest[i : i + 2].upper() for i in range(0, len(hexdigest), 2))


@pytest.mark.parametrize("path", TLV, ids=names(TLV))
def test_hash_is_coreutils_and_the_cli(path: str) -> None:
    h = itlctl.hash(Path(path).read_bytes())
    for name, tool_name in [("md5", "md5sum"), ("sha1", "sha1sum"), ("sha256", "sha256sum"), ("sha512", "sha512sum")]:
        want = digest_of(tool_name, path)
        assert h[name] == want
        assert h["phone"][name] == phone_format(want)
    cli_row = cli_json("hash", "--json", path)[0]
    assert {k: v for k, v in h.items() if k != "phone"} == {k: v for k, v in cli_row.items() if k != "file"}
    assert itlctl.hash(path) == h


@pytest.mark.parametrize(
    "old,new",
    list(itertools.permutations(SCENARIOS, 2)),
    ids=[f"{Path(a).stem}->{Path(b).stem}" for a, b in itertools.permutations(SCENARIOS, 2)],
)
def test_diff_is_the_cli(old: str, new: str) -> None:
    out = cli("diff", old, new, "--json")
    want = json.loads(out.stdout)
    d = itlctl.diff(old, new)
    assert d == want
    assert itlctl.diff(itlctl.read(old), Path(new).read_bytes()) == want
    assert out.returncode == (1 if d["phone_trust"] == "reject" else 0)


def test_diff_of_a_broken_file_raises() -> None:
    with pytest.raises(itlctl.ParseError):
        itlctl.diff("testdata/itl-11x-cm-sha1.tlv", "testdata/err-truncated.tlv")


@pytest.mark.parametrize("path", WELL_FORMED, ids=names(WELL_FORMED))
def test_lint_is_the_cli(path: str) -> None:
    want = cli_json("lint", "--json", "--now", NOW, path)
    assert want[0]["file"] == path
    assert itlctl.lint(path, now=NOW_DT) == want[0]["findings"]
    assert itlctl.lint(itlctl.read(path), now=NOW_DT.timestamp()) == want[0]["findings"]
    want30 = cli_json("lint", "--json", "--now", NOW, "--days", "3650", path)
    assert itlctl.lint(path, now=NOW_DT, days=3650) == want30[0]["findings"]


def test_lint_finds_what_the_fixture_is_named_for() -> None:
    def codes(p: str) -> List[str]:
        return [f["code"] for f in itlctl.lint(p, now=NOW_DT)]

    assert "too-many-sast" in codes("testdata/lint-3-sast.tlv")
    assert "too-many-records" in codes("testdata/lint-40-records.tlv")
    assert "record-cert-mismatch" in codes("testdata/lint-cert-mismatch.tlv")
    assert "missing-itlrecovery" in codes("testdata/lint-no-itlrecovery.tlv")
    assert "itlrecovery-weak-key" in codes("testdata/lint-weak-itlrecovery.tlv")


def alarm(device: str, itl_hash: str, server: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<x-cisco-alarm>\n<Alarm Name="DeviceTLInfo">\n<ParameterList>\n'
        f'<String name="DeviceName">{device}</String>\n<String name="IPv4Address">10.1.1.1</String>\n'
        '<String name="CTL_Signature">Not Installed</String>\n<String name="CTL_TFTP_Server">N/A</String>\n'
        f'<String name="ITL_Signature">{itl_hash}</String>\n<String name="ITL_TFTP_Server">{server}</String>\n'
        '<Enum name="StatusCode">3</Enum>\n</ParameterList>\n</Alarm>\n</x-cisco-alarm>\n'
    )


@pytest.fixture()
def report(tmp_path: Path) -> Path:
    a = "testdata/itl-11x-cm-sha1.tlv"
    b = "testdata/itl-12x-itlrecovery-sha512.tlv"
    text = (
        alarm("SEP000000000001", phone_format(digest_of("sha1sum", a)), "tftp1")
        + alarm("SEP000000000002", digest_of("md5sum", a), "tftp1")
        + alarm("SEP000000000003", phone_format(digest_of("sha1sum", b)), "tftp1")
        + alarm("SEP000000000004", "Not Installed", "tftp2")
        + alarm("SEP000000000005", digest_of("sha256sum", b), "tftp2")
        + "a line that is no report\n"
    )
    p = tmp_path / "alarms.txt"
    p.write_text(text)
    return p


def test_devices_is_the_cli(report: Path) -> None:
    a = "testdata/itl-11x-cm-sha1.tlv"
    b = "testdata/itl-12x-itlrecovery-sha512.tlv"
    want = cli_json("devices", "--itl", f"tftp1={a}", "--itl", f"tftp2={b}", "--json", str(report))
    got = itlctl.devices(str(report), itl={"tftp1": a, "tftp2": b})
    assert got == want
    status: Dict[str, str] = {d["device"]: d["itl_status"] for d in got["devices"]}
    assert status == {
        "SEP000000000001": "Match",
        "SEP000000000002": "Match",
        "SEP000000000003": "Mismatch",
        "SEP000000000004": "Not Installed",
        "SEP000000000005": "Match",
    }
    assert got["summary"] == {"Match": 3, "Mismatch": 1, "Not Installed": 1, "Unknown": 0}
    # The same reports as a Path, a list of paths, text, lines, an open file.
    text = report.read_text()
    itl: Dict[str, Union[itlctl.TrustList, Path]] = {"tftp1": itlctl.read(a), "tftp2": Path(b)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert itlctl.devices(report, itl=itl) == want
        assert itlctl.devices([str(report)], itl=itl) == want
        assert itlctl.devices(text, itl=itl) == want
        assert itlctl.devices(text.encode(), itl=itl) == want
        assert itlctl.devices(text.splitlines(), itl=itl) == want
        assert itlctl.devices(io.StringIO(text), itl=itl) == want
        with open(report, "rb") as f:
            assert itlctl.devices(f, itl=itl) == want


def test_devices_any_server_and_ctl(report: Path) -> None:
    a = "testdata/itl-11x-cm-sha1.tlv"
    c = "testdata/ctl-etoken.tlv"
    want = cli_json("devices", "--itl", a, "--ctl", c, "--json", str(report))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert itlctl.devices(str(report), itl=a, ctl={None: c}) == want
        assert itlctl.devices(str(report), itl=[a], ctl=[c]) == want


def test_devices_takes_a_tftp_folder_and_host_equals_as_the_cli(report: Path, tmp_path: Path) -> None:
    tftp = tmp_path / "tftp"
    tftp.mkdir()
    shutil.copy("testdata/itl-11x-cm-sha1.tlv", tftp / "ITLFile.tlv")
    shutil.copy("testdata/itl-12x-itlrecovery-sha512.tlv", tftp / "ITLSEP001122334455.tlv")
    shutil.copy("testdata/ctl-etoken.tlv", tftp / "CTLFile.tlv")
    # Not a reference: phones report the ITL they installed; malformed, it would raise.
    (tftp / "ext_ITLSEP001122334455.tlv").write_bytes(b"not a trust list")
    want = cli_json("devices", "--itl", f"tftp1={tftp}", "--ctl", str(tftp), "--json", str(report))
    assert {d["itl_file"] for d in want["devices"] if d["itl_tftp_server"] == "tftp1"} == {str(tftp / "ITLFile.tlv")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert itlctl.devices(str(report), itl=f"tftp1={tftp}", ctl=str(tftp)) == want
        assert itlctl.devices(str(report), itl={"tftp1": tftp}, ctl=[tftp]) == want
        empty = tmp_path / "empty"
        empty.mkdir()
        with pytest.raises(itlctl.ReadError, match="holds no ITL"):
            itlctl.devices(str(report), itl=empty)


def test_devices_real_sample() -> None:
    sample = "testdata/reports/refer-sample.txt"
    a = "testdata/itl-11x-cm-sha1.tlv"
    want = cli_json("devices", "--itl", a, "--json", sample)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert itlctl.devices(sample, itl=a) == want


def test_devices_errors(report: Path) -> None:
    with pytest.raises(itlctl.ReadError):
        itlctl.devices("testdata/reports/missing.txt", itl="testdata/itl-11x-cm-sha1.tlv")
    with pytest.raises(itlctl.ParseError):
        itlctl.devices(str(report), itl="testdata/err-truncated.tlv")

    class Lines:
        def __iter__(self) -> "Lines":
            return self

        def __next__(self) -> str:
            raise KeyError("from the iterable")

    with pytest.raises(KeyError):
        itlctl.devices(Lines(), itl="testdata/itl-11x-cm-sha1.tlv")


def test_verify_many_is_cli_verify_json() -> None:
    want = cli_json("verify", "--json", *TLV)
    got = itlctl.verify_many(TLV)
    assert [v.to_dict() for v in got] == want
    assert [v.file for v in got] == TLV
    for v in got:
        if v.status == "error":
            assert isinstance(v.error, itlctl.ParseError) and not v.valid
        else:
            assert v.error is None


def test_verify_many_keeps_order_on_threads(tmp_path: Path) -> None:
    good = Path("testdata/itl-2048-sha1.tlv")
    bad = Path("testdata/err-tampered.tlv")
    paths: List[str] = []
    for i in range(400):
        p = tmp_path / f"ITLSEP{i:012X}.tlv"
        shutil.copy(good if i % 3 else bad, p)
        paths.append(str(p))
    paths.append(str(tmp_path / "missing.tlv"))
    one = itlctl.verify_many(paths, threads=1)
    two = itlctl.verify_many(paths, threads=2)
    many = itlctl.verify_many(paths)
    assert [v.to_dict() for v in one] == [v.to_dict() for v in two] == [v.to_dict() for v in many]
    assert [v.valid for v in one[:-1]] == [bool(i % 3) for i in range(400)]
    assert isinstance(one[-1].error, itlctl.ReadError)
    with pytest.raises(ValueError):
        itlctl.verify_many(paths, threads=0)


def test_python_threads_share_one_trust_list() -> None:
    data = Path("testdata/itl-12x-itlrecovery-sha512.tlv").read_bytes()
    tl = itlctl.parse(data)
    want = tl.to_dict()
    barrier = threading.Barrier(4)

    def work(_: int) -> bool:
        barrier.wait()
        ok = True
        for _ in range(20):
            ok &= itlctl.parse(data).verify().valid
            ok &= tl.to_dict() == want
            ok &= [r.subject for r in tl.records] == [r["subject"] for r in want["records"]]
        return ok

    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(work, range(4)))



def test_a_signed_file_given_as_a_trust_list_is_named_as_the_cli_names_it() -> None:
    path = "testdata/SEP001122334455.cnf.xml.sgn"
    with pytest.raises(itlctl.ParseError) as info:
        itlctl.read(path)
    message = str(info.value)
    assert message.startswith("a signed file, not a trust list: check it with `itlctl sgn verify")
    assert message in cli("verify", path).stderr.decode()
    with pytest.raises(itlctl.ParseError) as info:
        itlctl.parse(Path(path).read_bytes())
    assert "a signed file, not a trust list" in str(info.value)
