"""itlctl.plan: the same plan as `itlctl plan --json`, and Cisco's rules on the fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

import itlctl
from conftest import TESTDATA, cli, cli_json

PRE12 = str(TESTDATA / "scenario-11x-before.tlv")
V12 = str(TESTDATA / "itl-12x-itlrecovery-sha512.tlv")
TOKENLESS = str(TESTDATA / "ctl-tokenless-sha256.tlv")


def test_plan_is_the_cli_json() -> None:
    got = itlctl.plan(PRE12, regenerate=["CallManager", "TVS"])
    assert got == cli_json("plan", "--json", "--itl", PRE12, "--regenerate", "CallManager,TVS")


def test_pre12_callmanager_then_tvs() -> None:
    # TAC 214231: before 12.0 never CallManager and TVS together, TVS last; the unchanged TVS
    # vouches for the new CallManager signer (accept-via-tvs); phones off throughout reject.
    p = itlctl.plan(Path(PRE12).read_bytes(), regenerate="callmanager,tvs")
    assert p["release"] == "8.x-11.5"
    assert [s["regenerate"] for s in p["steps"]] == [["callmanager"], ["tvs"]]
    assert [s["phones"]["online"] for s in p["steps"]] == ["accept-via-tvs", "accept"]
    assert p["steps"][1]["phones"]["offline_since_start"] == "reject"


def test_mixed_mode_with_a_parsed_list_and_a_host() -> None:
    p = itlctl.plan({"cucm-pub": itlctl.read(PRE12)}, regenerate=["callmanager"], ctl=TOKENLESS)
    assert p["mixed_mode"] is True and p["ctl_signer"] == "tokenless"
    assert p["steps"][0]["ctl_update"] is True
    assert any("tftp://cucm-pub/ITLFile.tlv" in g for g in p["steps"][0]["gate"])
    assert p == cli_json("plan", "--json", "--itl", f"cucm-pub={PRE12}", "--ctl", TOKENLESS, "--regenerate", "callmanager")


def test_unknown_certificate_is_a_usage_error_like_exit_2() -> None:
    with pytest.raises(itlctl.UsageError, match='unknown certificate "webex"'):
        itlctl.plan(V12, regenerate=["webex"])
    assert cli("plan", "--itl", V12, "--regenerate", "webex").returncode == 2


def test_a_pem_is_not_a_trust_list() -> None:
    with pytest.raises(itlctl.ParseError, match="PEM"):
        itlctl.plan(str(TESTDATA / "keys" / "cm12pub.pem"), regenerate=["tvs"])
