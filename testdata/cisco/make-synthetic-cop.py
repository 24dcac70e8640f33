#!/usr/bin/env python3
"""Writes synthetic.cop.sgn: a SYNTHETIC stand-in for a Cisco COP package (no real
.cop.sgn file could be found in public repositories).

The header has the layout of the real Cisco files in this folder (version 1.1, SIGNERID
container holding SIGNERNAME, SERIALNUMBER, CANAME; SIGNATUREINFO; SIGNATURE; FILENAME;
PADDING to a multiple of 4), but the signer name only follows the `PT=...;KT=...` form COP
packages are said to use: the values, the serial, the issuer and the signature bytes are
invented. The payload is a gzip of one line (gzip mtime 0, so the output is reproducible).

Run from this folder: python3 make-synthetic-cop.py
"""
import gzip


def tlv(tag, value):
    return bytes([tag]) + len(value).to_bytes(2, "big") + value


def container(tag, inner):
    return bytes([tag]) + len(inner).to_bytes(2, "big") + inner


def build(payload):
    signer = container(3, tlv(4, b"PT=SYNTHETIC;KT=TEST\0")
                       + tlv(5, bytes(range(8)))
                       + tlv(6, b"CN=synthetic;OU=itlctl test;O=not Cisco\0"))
    siginfo = container(7, tlv(8, b"\x01") + container(9, tlv(10, b"\x00") + tlv(11, b"\x02")))
    body = signer + siginfo + tlv(12, b"\x5a" * 256) + tlv(14, b"synthetic.cop\0")
    length = 5 + 5 + len(body)
    pad = (-length) % 4
    length += pad
    header = tlv(1, b"\x01\x01") + tlv(2, length.to_bytes(2, "big")) + body + b"\x0d" * pad
    assert len(header) == length
    return header + payload


if __name__ == "__main__":
    payload = gzip.compress(b"synthetic COP payload, not from Cisco\n", mtime=0)
    with open("synthetic.cop.sgn", "wb") as f:
        f.write(build(payload))
