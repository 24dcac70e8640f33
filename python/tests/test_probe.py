"""itlctl.devices(probe=..., ris=...): phones asked on their own web page, against fake phones
served by Python's http.server on loopback addresses, and against the installed command."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator, List, Tuple

import pytest

import itlctl

from conftest import cli, digest_of

ITL = "testdata/itl-11x-cm-sha1.tlv"
OTHER = "testdata/ctl-tokenless-sha256.tlv"


def phone_format(hex_digest: str) -> str:
    """`1B A1 C9 …`, as a phone shows a hash."""
    return " ".join(hex_digest[i : i + 2].upper() for i in range(0, len(hex_digest), 2))


def page_7800(host: str, model: str, itl: str, tvs: List[str], tftp: str) -> str:
    """A phone page in the 7800 layout (shared/spec/phones.md): bold label and value cells."""

    def row(label: str, value: str) -> str:
        return f"<TR><TD><B>{label}</B></TD><td width=20></TD><TD><B>{value}</B></TD></TR>\n"

    rows = row("Model number", model) + row("Host name", host) + row("TFTP server 1", tftp)
    rows += row("CTL file", "Not Installed") + row("ITL file", "Installed") + row("ITL signature", itl)
    rows += "".join(row("TVS", t) for t in tvs)
    return f"<HTML><HEAD><TITLE>Cisco IP Phone {model} ( {host} )</TITLE></HEAD><BODY><TABLE>\n{rows}</TABLE></BODY></HTML>"


class FakePhone:
    """One phone on a loopback address, answering every GET with `page` (or `status`)."""

    def __init__(self, address: str, port: int, page: str, status: int = 200) -> None:
        self.requests: List[str] = []
        phone = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                phone.requests.append(f"GET {self.path}")
                body = page.encode() if status == 200 else b""
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((address, port), Handler)
        self.server.timeout = 1
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def phones() -> Iterator[Tuple[FakePhone, FakePhone]]:
    """SEP5006AB806306 at 127.0.0.2 holding ITL; 127.0.0.3 with web access disabled (403)."""
    page = page_7800(
        "SEP5006AB806306", "CP-7841", phone_format(digest_of("sha1sum", ITL)), ["cucm1.example.com"], "172.19.74.90"
    )
    good = FakePhone("127.0.0.2", 0, page)
    try:
        bad = FakePhone("127.0.0.3", good.port, "", status=403)
    except OSError:
        good.close()
        pytest.skip("127.0.0.3 cannot take the port of 127.0.0.2")
    yield good, bad
    good.close()
    bad.close()


def test_probe_is_the_cli(phones: Tuple[FakePhone, FakePhone]) -> None:
    good, _ = phones
    port = str(good.port)
    args = ["--itl", f"172.19.74.90={ITL}", "--probe", "127.0.0.2", "--probe", "127.0.0.3", "--phone-port", port]
    out = cli("devices", "--json", *args)
    assert out.returncode == 0, out.stderr
    want = json.loads(out.stdout)
    got = itlctl.devices(itl={"172.19.74.90": ITL}, probe=["127.0.0.2", "127.0.0.3"], phone_port=good.port)
    assert got == want
    by_name = {d["device"]: d for d in got["devices"]}
    d = by_name["SEP5006AB806306"]
    assert (d["itl_status"], d["source"], d["address"], d["model"]) == ("Match", "probe", "127.0.0.2", "CP-7841")
    assert d["itl_hash"] == digest_of("sha1sum", ITL)
    assert d["tvs"] == ["cucm1.example.com"]
    assert by_name["127.0.0.3"]["reason"] == "no-web-access"
    assert got["probe"] == {"asked": 2, "answered": 1, "unreachable": 0, "no_web_access": 1, "not_understood": 0}
    assert all(r.startswith("GET ") for r in good.requests) and good.requests


def test_a_report_and_a_probe_are_one_row(phones: Tuple[FakePhone, FakePhone], tmp_path: Path) -> None:
    good, _ = phones
    report = tmp_path / "r.txt"
    stale = phone_format(digest_of("sha1sum", OTHER))
    report.write_text(f"x [DeviceName=SEP5006AB806306][ITL_Signature={stale}][ITL_TFTP_Server=172.19.74.90]\n")
    got = itlctl.devices(str(report), itl={"172.19.74.90": ITL}, probe="127.0.0.2", phone_port=good.port)
    assert [(d["device"], d["source"], d["itl_status"]) for d in got["devices"]] == [
        ("SEP5006AB806306", "probe", "Match")
    ]
    assert got["reports_read"] == 1
    # Without the probe the report stands, with no probe object.
    alone = itlctl.devices(str(report), itl={"172.19.74.90": ITL})
    assert alone["devices"][0]["itl_status"] == "Mismatch"
    assert alone["devices"][0]["source"] == "report"
    assert "probe" not in alone


def test_bad_sources_are_usage_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ITLCTL_RIS_PASSWORD", raising=False)
    with pytest.raises(itlctl.UsageError, match="ITLCTL_RIS_PASSWORD"):
        itlctl.devices(itl=ITL, ris="https://127.0.0.1:1", ris_user="admin")
    with pytest.raises(itlctl.UsageError):
        itlctl.devices(itl=ITL, probe=["10.0.0.0/8"])
    with pytest.raises(itlctl.UsageError):
        itlctl.devices(itl=ITL)
    with pytest.raises(itlctl.UsageError):
        itlctl.devices(itl=ITL, probe="127.0.0.2", jobs=0)
    # Out of an argument's range: a UsageError too, not a bare OverflowError.
    with pytest.raises(itlctl.UsageError):
        itlctl.devices(itl=ITL, probe="127.0.0.2", phone_port=70000)
    with pytest.raises(itlctl.UsageError):
        itlctl.devices(itl=ITL, probe="127.0.0.2", jobs=-1)


def test_an_unreachable_cucm_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ITLCTL_RIS_PASSWORD", "from-the-environment")
    with pytest.raises(itlctl.Error) as e:
        itlctl.devices(itl=ITL, ris="https://127.0.0.1:1", ris_user="admin", timeout_ms=1000)
    assert "127.0.0.1" in str(e.value)
    assert "from-the-environment" not in str(e.value)
