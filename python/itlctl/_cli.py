"""The `itlctl` command that `pip install` puts on PATH: the same program as the Rust binary."""

import signal
import sys

from . import run


def main() -> int:
    """Runs the command line of this process and returns its exit code."""
    # Ctrl-C ends the command as it ends the Rust binary (Python would only set a flag
    # while the Rust code runs).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # Output into a closed pipe (`itlctl show FILE | head -3`) ends the command quietly, as
    # it ends grep (docs/cli.md), instead of an error from the write.
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    return run(["itlctl", *sys.argv[1:]])
