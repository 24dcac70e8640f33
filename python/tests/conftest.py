"""Shared helpers: where the fixtures are, and how to run the installed `itlctl` command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, List

ROOT = Path(__file__).resolve().parents[2]
TESTDATA = ROOT / "testdata"

# Every trust-list fixture, and the broken ones: those the CLI's `show --json` reports as an
# error (decided below, once `cli_json` exists).
TLV = sorted(str(p) for p in TESTDATA.glob("*.tlv"))
SCENARIOS = sorted(str(p) for p in TESTDATA.glob("scenario-*.tlv"))


def itlctl_command() -> str:
    """The `itlctl` console script installed next to this Python (the wheel's command)."""
    here = Path(sys.executable).parent / "itlctl"
    if here.exists():
        return str(here)
    found = shutil.which("itlctl")
    assert found, "the itlctl command is not installed"
    return found


ITLCTL = itlctl_command()


def cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Runs the installed command; never raises on a non-zero exit."""
    env = dict(os.environ, NO_COLOR="1")
    return subprocess.run([ITLCTL, *args], input=stdin, capture_output=True, env=env, timeout=120, check=False)


def cli_json(*args: str) -> Any:
    """The parsed JSON the command prints on stdout."""
    out = cli(*args)
    return json.loads(out.stdout)


BROKEN = sorted(p for p in TLV if "error" in cli_json("show", "--json", p))
WELL_FORMED = [p for p in TLV if p not in BROKEN]


def tool(*args: str) -> str:
    """Runs an outside tool (openssl, sha256sum, ...) and returns its stdout as text."""
    out = subprocess.run(list(args), capture_output=True, check=True, timeout=60)
    return out.stdout.decode()


def digest_of(tool_name: str, path: str) -> str:
    """A coreutils digest, lower-case hex."""
    return tool(tool_name, path).split()[0]


def names(paths: List[str]) -> List[str]:
    """File names, for readable test ids."""
    return [Path(p).name for p in paths]


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Relative fixture paths (`testdata/...`) work from wherever pytest starts."""
    monkeypatch.chdir(ROOT)
