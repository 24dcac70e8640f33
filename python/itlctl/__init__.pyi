"""Type stubs of the itlctl package (the native module itlctl._itlctl)."""

import datetime
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union, final

__version__: str
__all__ = [
    "Error",
    "ParseError",
    "ReadError",
    "UsageError",
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

_BytesLike = Union[bytes, bytearray, memoryview]
_StrPath = Union[str, "os.PathLike[str]"]
_ListSource = Union["TrustList", _BytesLike, _StrPath]
_JsonDict = Dict[str, Any]

class Error(Exception):
    """Base class of every error the itlctl package raises."""

class ParseError(Error, ValueError):
    """A malformed trust list; `str(e)` is the CLI's message."""

    offset: Optional[int]
    tag: Optional[int]
    kind: str
    file: Optional[str]

class UsageError(Error, TypeError, ValueError):
    """A function was called with an argument of the wrong type or value."""

class ReadError(Error, OSError):
    """A file or URL that could not be read."""

    file: str

@final
class Record:
    """One record of a trust list."""

    @property
    def index(self) -> int: ...
    @property
    def offset(self) -> int: ...
    @property
    def length(self) -> int: ...
    @property
    def role(self) -> Optional[int]: ...
    @property
    def role_name(self) -> Optional[str]: ...
    @property
    def subject(self) -> Optional[str]: ...
    @property
    def issuer(self) -> Optional[str]: ...
    @property
    def dns_name(self) -> Optional[str]: ...
    @property
    def serial(self) -> Optional[str]: ...
    @property
    def certificate(self) -> Optional[bytes]: ...
    @property
    def certificate_sha1(self) -> Optional[str]: ...
    @property
    def public_key(self) -> Optional[bytes]: ...
    @property
    def cert_hash(self) -> Optional[str]: ...
    @property
    def ip_address(self) -> Optional[str]: ...
    @property
    def unknown_tags(self) -> List[Dict[str, int]]: ...
    def to_dict(self) -> _JsonDict: ...

@final
class Verification:
    """The verdict on a trust list's signature."""

    @property
    def valid(self) -> bool: ...
    @property
    def status(self) -> str: ...
    @property
    def token(self) -> str: ...
    @property
    def signer_record(self) -> Optional[int]: ...
    @property
    def digest(self) -> Optional[str]: ...
    @property
    def reason(self) -> Optional[str]: ...
    @property
    def legacy_digest(self) -> bool: ...
    @property
    def signer(self) -> Optional[str]: ...
    @property
    def serial(self) -> Optional[str]: ...
    @property
    def file(self) -> Optional[str]: ...
    @property
    def error(self) -> Optional[Error]: ...
    def to_dict(self) -> _JsonDict: ...
    def __bool__(self) -> bool: ...

@final
class TrustList:
    """A parsed ITL or CTL file, borrowing the input bytes."""

    @property
    def kind(self) -> str: ...
    @property
    def records(self) -> List[Record]: ...
    @property
    def warnings(self) -> List[str]: ...
    @property
    def file(self) -> Optional[str]: ...
    @property
    def filename(self) -> Optional[str]: ...
    def verify(self) -> Verification: ...
    def show(self) -> str: ...
    def to_dict(self) -> _JsonDict: ...
    def to_bytes(self) -> bytes: ...
    def __bytes__(self) -> bytes: ...
    def __len__(self) -> int: ...

def parse(data: _BytesLike, lenient: bool = False) -> TrustList: ...
def read(path: _StrPath, lenient: bool = False) -> TrustList: ...
def hash(data: _ListSource) -> _JsonDict: ...
def diff(old: _ListSource, new: _ListSource) -> _JsonDict: ...
def lint(
    data: _ListSource,
    now: Union[datetime.datetime, float, None] = None,
    days: int = 90,
) -> List[_JsonDict]: ...
def devices(
    reports: Union[_StrPath, bytes, Sequence[_StrPath], Iterable[Union[str, bytes]], None] = None,
    itl: Union[Mapping[Any, _ListSource], _ListSource, Sequence[_ListSource], None] = None,
    ctl: Union[Mapping[Any, _ListSource], _ListSource, Sequence[_ListSource], None] = None,
    *,
    probe: Union[str, Sequence[str], None] = None,
    ris: Optional[str] = None,
    ris_user: Optional[str] = None,
    ris_password: Optional[str] = None,
    ris_ca: Union[_StrPath, bytes, None] = None,
    phone_port: Optional[int] = None,
    phone_https: bool = False,
    jobs: int = 64,
    timeout_ms: int = 3000,
) -> _JsonDict: ...
def plan(
    itl: Union[Mapping[Any, _ListSource], _ListSource, Sequence[_ListSource]],
    regenerate: Union[str, Sequence[str]],
    ctl: Optional[_ListSource] = None,
    release: Optional[str] = None,
) -> _JsonDict: ...
def verify_many(paths: Iterable[_StrPath], threads: Optional[int] = None) -> List[Verification]: ...
def run(args: Sequence[str]) -> int: ...
