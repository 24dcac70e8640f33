"""Read, verify and explain Cisco Unified CM trust lists (ITLFile.tlv, CTLFile.tlv).

>>> import itlctl
>>> tl = itlctl.read("ITLFile.tlv")          # or itlctl.parse(data), a tftp:// or http:// URL
>>> v = tl.verify()                          # v.valid, v.token, v.signer_record, v.reason
>>> print(tl.show())                         # what `itlctl show ITLFile.tlv` prints
>>> tl.to_dict()                             # what `itlctl show --json ITLFile.tlv` prints

The functions are thin bindings over the Rust library the `itlctl` command is built on, and the
package installs that command too. Every error is an `itlctl.Error`.
"""

import functools as _functools
from typing import Any as _Any, Callable as _Callable, TypeVar as _TypeVar

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
    plan,
    read,
    run,
    verify_many,
)


class UsageError(Error, TypeError, ValueError):  # type: ignore[misc]
    """A function was called with an argument of the wrong type or value (a path that is not
    a string, ``threads=0``): an ``itlctl.Error``, and a ``TypeError``/``ValueError`` too."""


_F = _TypeVar("_F", bound=_Callable[..., _Any])


def _guarded(f: _F) -> _F:
    @_functools.wraps(f)
    def call(*args: _Any, **kwargs: _Any) -> _Any:
        try:
            return f(*args, **kwargs)
        except Error:
            raise
        except (TypeError, ValueError, OverflowError) as e:
            # OverflowError: an int out of the argument's range (phone_port=70000, jobs=-1).
            raise UsageError(str(e)) from e

    return call  # type: ignore[return-value]


devices = _guarded(devices)
diff = _guarded(diff)
hash = _guarded(hash)
lint = _guarded(lint)
parse = _guarded(parse)
plan = _guarded(plan)
read = _guarded(read)
verify_many = _guarded(verify_many)

__all__ = [
    "Error",
    "UsageError",
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
    "plan",
    "read",
    "run",
    "verify_many",
]
