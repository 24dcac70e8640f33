"""Verdicts and certificate fields checked against openssl, which knows nothing of this code."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Tuple

import pytest

import itlctl
from conftest import tool

# Header TLVs that hold nested TLVs (SIGNERID, SIGNATUREINFO, SIGNATUREALGOINFO), the
# SIGNATURE tag and the one-byte PADDING tag, from the format description (docs/format.md).
CONTAINERS = {3, 7, 9}
SIGNATURE = 12
PADDING = 13


def signature_span(data: bytes) -> Tuple[int, int]:
    """Offset of the SIGNATURE TLV and its value length: an independent walk of the header."""
    assert data[0] == 1 and data[5] == 2
    header_length = int.from_bytes(data[8:10], "big")
    pos = 0
    while pos < header_length:
        tag = data[pos]
        if tag == PADDING:
            pos += 1
            continue
        length = int.from_bytes(data[pos + 1 : pos + 3], "big")
        if tag == SIGNATURE:
            return pos, length
        pos += 3 if tag in CONTAINERS else 3 + length
    raise AssertionError("no SIGNATURE")


def openssl_verdict(tmp: Path, data: bytes, cert_der: bytes, digest: str) -> bool:
    """Whether `openssl dgst -verify` accepts the file's signature under `cert_der`."""
    at, n = signature_span(data)
    (tmp / "sig.bin").write_bytes(data[at + 3 : at + 3 + n])
    (tmp / "signed.bin").write_bytes(data[:at] + data[at + 3 + n :])
    (tmp / "cert.der").write_bytes(cert_der)
    pub = tool("openssl", "x509", "-inform", "DER", "-in", str(tmp / "cert.der"), "-pubkey", "-noout")
    (tmp / "pub.pem").write_text(pub)
    out = subprocess.run(
        ["openssl", "dgst", f"-{digest}", "-verify", str(tmp / "pub.pem"), "-signature", str(tmp / "sig.bin"),
         str(tmp / "signed.bin")],
        capture_output=True,
        check=False,
    )
    return out.returncode == 0 and b"Verified OK" in out.stdout


@pytest.mark.parametrize(
    "name,valid",
    [
        ("itl-11x-cm-sha1.tlv", True),
        ("itl-12x-itlrecovery-sha512.tlv", True),
        ("ctl-tokenless-sha256.tlv", True),
        ("itl-2048-sha1.tlv", True),
        ("itl-11x-reset-itlrecovery.tlv", True),
        ("err-tampered.tlv", False),
    ],
)
def test_verdict_agrees_with_openssl(tmp_path: Path, name: str, valid: bool) -> None:
    path = f"testdata/{name}"
    data = Path(path).read_bytes()
    tl = itlctl.parse(data)
    v = tl.verify()
    assert v.signer_record is not None and v.digest is not None
    cert = tl.records[v.signer_record - 1].certificate
    assert cert is not None
    digest = v.digest.lower()
    assert openssl_verdict(tmp_path, data, cert, digest) is valid
    assert v.valid is valid


def test_one_flipped_signed_byte_fails_both(tmp_path: Path) -> None:
    data = bytearray(Path("testdata/itl-2048-sha1.tlv").read_bytes())
    tl = itlctl.parse(bytes(data))
    v = tl.verify()
    assert v.signer_record is not None
    cert = tl.records[v.signer_record - 1].certificate
    assert cert is not None
    data[-10] ^= 0x01  # inside the last record's certificate bytes
    flipped = bytes(data)
    assert openssl_verdict(tmp_path, flipped, cert, "sha1") is False
    assert itlctl.parse(flipped).verify().valid is False


@pytest.mark.parametrize("name", ["itl-11x-cm-sha1.tlv", "ctl-etoken.tlv", "itl-12x-itlrecovery-sha512.tlv"])
def test_record_fields_agree_with_openssl_x509(tmp_path: Path, name: str) -> None:
    for r in itlctl.read(f"testdata/{name}").records:
        cert = r.certificate
        if cert is None:
            continue
        (tmp_path / "c.der").write_bytes(cert)
        serial = tool("openssl", "x509", "-inform", "DER", "-in", str(tmp_path / "c.der"), "-noout", "-serial")
        want = serial.strip().split("=", 1)[1].lstrip("0")
        assert r.serial is not None
        assert r.serial.replace(":", "").lstrip("0") == want
        fp = tool("openssl", "x509", "-inform", "DER", "-in", str(tmp_path / "c.der"), "-noout", "-fingerprint", "-sha1")
        assert r.certificate_sha1 == fp.strip().split("=", 1)[1].replace(":", "").lower()
