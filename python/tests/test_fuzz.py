"""Hypothesis: whatever the bytes, parse returns a TrustList or raises ParseError, and every
function on a parsed list returns; nothing else escapes, nothing panics."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import itlctl
from conftest import TLV

SEEDS = [Path(p).read_bytes() for p in TLV]
FUZZ = settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def exercise(data: bytes) -> None:
    for lenient in (False, True):
        try:
            tl = itlctl.parse(data, lenient=lenient)
        except itlctl.ParseError as e:
            assert e.offset is None or 0 <= e.offset <= len(data) + 65535
            assert e.tag is None or 0 <= e.tag <= 255
            assert str(e)
            continue
        assert bytes(tl) == data
        v = tl.verify()
        assert v.status in ("valid", "invalid", "signer-not-found", "unsupported")
        assert isinstance(tl.show(), str)
        d = tl.to_dict()
        assert d["size"] == len(data)
        for r in tl.records:
            assert r.to_dict()["index"] == r.index
            _ = (r.role, r.role_name, r.subject, r.issuer, r.serial, r.dns_name, r.certificate)
            _ = (r.certificate_sha1, r.public_key, r.cert_hash, r.ip_address, r.unknown_tags)
        assert isinstance(itlctl.lint(tl, now=0), list)
        assert itlctl.diff(tl, tl)["added"] == []
        assert "sha256" in itlctl.hash(data)


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes(data: bytes) -> None:
    exercise(data)


@FUZZ
@given(
    st.sampled_from(SEEDS),
    st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), max_size=8),
    st.integers(min_value=0),
)
def test_mutated_fixtures(seed: bytes, flips: list[tuple[int, int]], cut: int) -> None:
    data = bytearray(seed)
    for at, value in flips:
        data[at % len(data)] = value
    exercise(bytes(data[: len(data) - cut % 64]))
