"""The `itlctl` command the wheel installs is the CLI program."""

from __future__ import annotations

import subprocess
import sys

import itlctl
from conftest import ITLCTL, cli


def test_version() -> None:
    out = cli("--version")
    assert out.returncode == 0
    assert out.stdout.decode().strip() == f"itlctl {itlctl.__version__}"


def test_show_runs() -> None:
    out = cli("show", "testdata/itl-11x-cm-sha1.tlv")
    assert out.returncode == 0
    assert out.stdout.decode() == itlctl.read("testdata/itl-11x-cm-sha1.tlv").show()


def test_exit_codes() -> None:
    assert cli("verify", "testdata/err-tampered.tlv").returncode == 1
    assert cli("verify", "testdata/err-truncated.tlv").returncode == 2
    assert cli("no-such-command").returncode == 2
    help_out = cli("--help")
    assert help_out.returncode == 0 and b"Usage" in help_out.stdout


def test_python_dash_m() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "itlctl", "hash", "testdata/itl-11x-cm-sha1.tlv"], capture_output=True, check=False
    )
    assert out.returncode == 0
    assert out.stdout == cli("hash", "testdata/itl-11x-cm-sha1.tlv").stdout


def test_run_in_process() -> None:
    assert itlctl.run(["itlctl", "verify", "testdata/itl-11x-cm-sha1.tlv"]) == 0
    assert itlctl.run(["itlctl", "verify", "testdata/err-tampered.tlv"]) == 1
    assert ITLCTL


def test_docstrings() -> None:
    for obj in (itlctl.parse, itlctl.read, itlctl.hash, itlctl.diff, itlctl.lint, itlctl.devices,
                itlctl.verify_many, itlctl.run, itlctl.TrustList, itlctl.Record, itlctl.Verification,
                itlctl.Error, itlctl.ParseError, itlctl.ReadError):
        assert obj.__doc__ and len(obj.__doc__) > 20, obj


def test_closed_pipe_is_quiet() -> None:
    shell = f"'{ITLCTL}' show testdata/itl-39-records.tlv | head -c 10 >/dev/null"
    out = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, check=False)
    assert out.stderr == b""
    assert out.returncode in (0, 141)  # 141: death by SIGPIPE, as for grep
