"""Read, verify and explain Cisco Unified CM trust lists (ITLFile.tlv, CTLFile.tlv).

>>> import itlctl
>>> tl = itlctl.read("ITLFile.tlv")          # or itlctl.parse(data), a tftp:// or http:// URL
>>> v = tl.verify()                          # v.valid, v.token, v.signer_record, v.reason
>>> print(tl.show())                         # what `itlctl show ITLFile.tlv` prints
>>> tl.to_dict()                             # what `itlctl show --json ITLFile.tlv` prints

The functions are thin bindings over the Rust library the `itlctl` command is built on, and the
package installs that command too. Every error is an `itlctl.Error`.
"""

from ._itlctl import (
    Error,
    ParseError,
    ReadError,
    Record,
    TrustList,
    Verification,
    __version__,
    devices,
    diff,
    hash,
    lint,
    parse,
    read,
    run,
    verify_many,
)

__all__ = [
    "Error",
    "ParseError",
    "ReadError",
    "Record",
    "TrustList",
    "Verification",
    "__version__",
    "devices",
    "diff",
    "hash",
    "lint",
    "parse",
    "read",
    "run",
    "verify_many",
]
