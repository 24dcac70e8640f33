//! Python bindings of the `itl` library and the `itlctl` command (the `itlctl` package).
//!
//! No format logic lives here: every text and JSON shape comes from `itl` (`show`, `json`,
//! `diff`, `lint`, `devicetlinfo`), every command from `itlctl::run`. This crate only moves
//! bytes and verdicts between Python and Rust:
//! - a [`PyTrustList`] keeps the caller's `bytes` object alive and borrows it (no copy);
//!   accessors copy only the field they return;
//! - errors become `itlctl.Error` subclasses carrying the CLI's message; a Rust panic, which
//!   should never happen, becomes an `itlctl.Error` too;
//! - `verify_many` reads and verifies on a rayon pool with the GIL released.
#![deny(unsafe_code)]

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::OnceLock;

use itl::devicetlinfo::{reference_files, Counts, DevicesJson, Latest, ProbeRows, Reference, Served};
use itl::json::{FileErrorJson, HashesJson, RecordJson, ShowJson, UnknownTagJson, VerificationJson};
use itl::show::Show;
use itl::verify::{verify, Verification};
use itl::{Mode, Record, TrustList};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyIterator, PyList, PyMemoryView, PyString, PyTuple, PyType};
use rayon::prelude::*;

create_exception!(itlctl, Error, PyException, "Base class of every error the itlctl package raises.");

static PARSE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static READ_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Creates `class NAME(Error, BASE)` (the macros of PyO3 take one base only).
fn subclass(py: Python<'_>, name: &str, base: &Bound<'_, PyType>, doc: &str) -> PyResult<Py<PyType>> {
    let ns = PyDict::new(py);
    ns.set_item("__doc__", doc)?;
    ns.set_item("__module__", "itlctl")?;
    let bases = PyTuple::new(py, [py.get_type::<Error>().as_any(), base.as_any()])?;
    let t = py.get_type::<PyType>().call1((name, bases, ns))?;
    Ok(t.cast_into::<PyType>()?.unbind())
}

fn parse_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    PARSE_ERROR
        .get_or_try_init(py, || {
            subclass(
                py,
                "ParseError",
                &py.get_type::<PyValueError>(),
                "A malformed trust list. `str(e)` is the CLI's message (`<what> at byte <offset> (tag <n>)`);\n\
                 `.offset` and `.tag` locate the fault (None when not known), `.kind` names it\n\
                 (`truncated`, `length-overrun`, ...), `.file` is the path or URL read, if any.",
            )
        })
        .map(|t| t.bind(py))
}

fn read_error_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    READ_ERROR
        .get_or_try_init(py, || {
            subclass(
                py,
                "ReadError",
                &py.get_type::<PyOSError>(),
                "A file or URL that could not be read. `str(e)` is the CLI's message; `.file` names it.",
            )
        })
        .map(|t| t.bind(py))
}

/// `itlctl.ParseError` for `e`, with `.offset`, `.tag`, `.kind` and `.file`.
fn parse_error(py: Python<'_>, e: &itl::Error, file: Option<&str>) -> PyErr {
    parse_error_with(py, e, file, e.located())
}

/// As [`parse_error`] for `bytes` given where a trust list belongs: a signed file is named
/// as one, in the CLI's words.
fn list_error(py: Python<'_>, e: &itl::Error, file: Option<&str>, bytes: &[u8]) -> PyErr {
    parse_error_with(py, e, file, itl::document::not_a_trust_list(bytes, file, e))
}

fn parse_error_with(py: Python<'_>, e: &itl::Error, file: Option<&str>, message: String) -> PyErr {
    let make = || -> PyResult<PyErr> {
        let exc = parse_error_type(py)?.call1((message,))?;
        exc.setattr("offset", e.offset())?;
        exc.setattr("tag", e.tag())?;
        exc.setattr("kind", e.kind())?;
        exc.setattr("file", file)?;
        Ok(PyErr::from_value(exc))
    };
    make().unwrap_or_else(|err| err)
}

/// `itlctl.ReadError` with the CLI's message.
fn read_error(py: Python<'_>, message: &str, file: &str) -> PyErr {
    let make = || -> PyResult<PyErr> {
        let exc = read_error_type(py)?.call1((message,))?;
        exc.setattr("file", file)?;
        Ok(PyErr::from_value(exc))
    };
    make().unwrap_or_else(|err| err)
}

/// Runs `f`, turning a panic (a bug) into `itlctl.Error` instead of PyO3's `PanicException`.
fn guarded<T>(f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let what = p
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into());
            Err(Error::new_err(format!("internal error: {what}; please report this input")))
        }
    }
}

/// A file's bytes and "last modified" text, or the CLI's error message.
struct Loaded {
    bytes: Vec<u8>,
    modified: Option<String>,
}

/// Reads a path or a `tftp://`/`http(s)://` URL as the CLI does.
fn load(path: &str) -> Result<Loaded, String> {
    if itl_transport::is_url(path) {
        return itl_transport::download(path).map(|bytes| Loaded { bytes, modified: None }).map_err(String::from);
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}; check the path and permissions"))?;
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok().and_then(itl_transport::cucm_date);
    Ok(Loaded { bytes, modified })
}

/// `str` or `os.PathLike` as the string the user gave (what the CLI prints as FILE).
fn path_arg(obj: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Some(s.to_cow()?.into_owned()));
    }
    if obj.hasattr("__fspath__")? {
        let p: PathBuf = obj.extract()?;
        return Ok(Some(p.to_string_lossy().into_owned()));
    }
    Ok(None)
}

/// A bytes-like argument as a `bytes` object: the caller's own object for `bytes` (no copy),
/// one copy for `bytearray` and `memoryview`, which may change under us.
fn bytes_arg<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Option<Bound<'py, PyBytes>>> {
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Some(b.clone()));
    }
    if obj.is_instance_of::<PyByteArray>() || obj.is_instance_of::<PyMemoryView>() {
        let b = obj.py().get_type::<PyBytes>().call1((obj,))?;
        return Ok(Some(b.cast_into::<PyBytes>()?));
    }
    Ok(None)
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
}

self_cell::self_cell!(
    /// The caller's `bytes` object and the trust list parsed from it, borrowing it.
    struct Parsed {
        owner: Py<PyBytes>,
        #[covariant]
        dependent: TrustList,
    }
    impl {Debug}
);

/// A parsed ITL or CTL file. Create one with `itlctl.parse(data)` or `itlctl.read(path)`.
///
/// The object keeps the input `bytes` alive and reads from them in place; `bytes(tl)` gives
/// them back. `tl.records` lists the records, `tl.verify()` checks the signature, `tl.show()`
/// prints what `itlctl show` prints, `tl.to_dict()` is `itlctl show --json` as a dict.
#[pyclass(frozen, module = "itlctl", name = "TrustList")]
struct PyTrustList {
    parsed: Parsed,
    file: Option<String>,
    modified: Option<String>,
    lenient: bool,
    verdict: OnceLock<Verification>,
}

impl PyTrustList {
    fn new(
        py: Python<'_>,
        data: Bound<'_, PyBytes>,
        lenient: bool,
        file: Option<String>,
        modified: Option<String>,
    ) -> PyResult<Self> {
        let mode = if lenient { Mode::Lenient } else { Mode::Strict };
        let data = data.unbind();
        let bytes = data.clone_ref(py);
        let parsed = Parsed::try_new(data, |o| TrustList::parse_with(o.as_bytes(py), mode))
            .map_err(|e| list_error(py, &e, file.as_deref(), bytes.as_bytes(py)))?;
        Ok(PyTrustList { parsed, file, modified, lenient, verdict: OnceLock::new() })
    }

    fn list(&self) -> &TrustList<'_> {
        self.parsed.borrow_dependent()
    }

    fn kind(&self) -> itl::Kind {
        self.list().kind(self.file.as_deref())
    }

    fn verdict(&self, py: Python<'_>) -> &Verification {
        if let Some(v) = self.verdict.get() {
            return v;
        }
        let list = self.list();
        let v = py.detach(|| verify(list));
        self.verdict.get_or_init(|| v)
    }
}

#[pymethods]
impl PyTrustList {
    /// "ITL" or "CTL": from the header FILENAME, else from the file name read, else ITL.
    #[getter(kind)]
    fn kind_py(&self) -> &'static str {
        self.kind().as_str()
    }

    /// The records, in file order.
    #[getter]
    fn records(slf: &Bound<'_, Self>) -> Vec<PyRecord> {
        let n = slf.get().list().records.len();
        (0..n).map(|index| PyRecord { list: slf.clone().unbind(), index }).collect()
    }

    /// What lenient parsing forgave, as located messages (always empty when strict).
    #[getter]
    fn warnings(&self) -> Vec<String> {
        self.list().warnings.iter().map(itl::Error::located).collect()
    }

    /// The path or URL read by `itlctl.read`, or None for `itlctl.parse`.
    #[getter]
    fn file(&self) -> Option<&str> {
        self.file.as_deref()
    }

    /// The header FILENAME (`ITLSEP001122334455.tlv`, ...), if any.
    #[getter]
    fn filename(&self) -> Option<Cow<'_, str>> {
        itl::json::name_text(self.list().header.filename)
    }

    /// Checks the signature (once; later calls return the same verdict) and says which
    /// token signed the file.
    fn verify(&self, py: Python<'_>) -> PyResult<PyVerification> {
        guarded(|| {
            let v = self.verdict(py);
            Ok(PyVerification::of(VerificationJson::new(self.list(), v, None), v.is_valid()))
        })
    }

    /// The text `itlctl show FILE` prints: CUCM's `show itl` / `show ctl`, then the verdict.
    ///
    /// For a list from `itlctl.parse` the "last modified" line is left out, as the CLI does for
    /// downloads. For a list parsed leniently from a file that strict parsing rejects, the text
    /// ends with the parse error, as the CLI's does.
    fn show(&self, py: Python<'_>) -> PyResult<String> {
        guarded(|| {
            let list = self.list();
            let v = self.verdict(py);
            let strict = if self.lenient { TrustList::parse(list.raw()).err() } else { None };
            Ok(Show::new(list, v)
                .kind(self.kind())
                .modified(self.modified.clone())
                .parse_error(strict.as_ref())
                .to_string())
        })
    }

    /// `itlctl show --json FILE` as a dict ("file" is None for a list from `itlctl.parse`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guarded(|| {
            let list = self.list();
            let j = ShowJson::new(self.file.as_deref().unwrap_or(""), self.kind(), list, self.verdict(py));
            let d = to_py(py, &j)?;
            if self.file.is_none() {
                d.set_item("file", py.None())?;
            }
            Ok(d.into_any())
        })
    }

    /// The input, byte for byte (the very `bytes` object parsed, not a copy).
    fn to_bytes(&self, py: Python<'_>) -> Py<PyBytes> {
        self.parsed.borrow_owner().clone_ref(py)
    }

    fn __bytes__(&self, py: Python<'_>) -> Py<PyBytes> {
        self.to_bytes(py)
    }

    fn __len__(&self) -> usize {
        self.list().raw().len()
    }

    fn __repr__(&self) -> String {
        let l = self.list();
        let name = itl::json::name_text(l.header.filename).unwrap_or(Cow::Borrowed("?"));
        format!(
            "<itlctl.TrustList {} {name}, {} records, {} bytes>",
            self.kind().as_str(),
            l.records.len(),
            l.raw().len()
        )
    }
}

/// One record of a trust list: a certificate (or certificate hash) with its role.
///
/// Each attribute is read from the file when asked for; None when the record lacks it.
#[pyclass(frozen, module = "itlctl", name = "Record")]
struct PyRecord {
    list: Py<PyTrustList>,
    index: usize,
}

impl PyRecord {
    fn rec(&self) -> &Record<'_> {
        &self.list.get().list().records[self.index]
    }
}

#[pymethods]
impl PyRecord {
    /// 1-based position in the file.
    #[getter]
    fn index(&self) -> usize {
        self.index + 1
    }

    /// Byte offset of the record in the file.
    #[getter]
    fn offset(&self) -> usize {
        self.rec().offset
    }

    /// RECORDLENGTH.
    #[getter]
    fn length(&self) -> usize {
        self.rec().length()
    }

    /// FUNCTION code (0 SAST, 1 CCM, 2 CCM+TFTP, 3 TFTP, 4 CAPF, 7 APP-SERVER, 21 TVS, ...).
    #[getter]
    fn role(&self) -> Option<u16> {
        self.rec().role().map(|r| r.0)
    }

    /// FUNCTION as CUCM prints it (`System Administrator Security Token`, `CCM+TFTP`, ...).
    #[getter]
    fn role_name(&self) -> Option<String> {
        self.rec().role().map(|r| r.to_string())
    }

    /// SUBJECTNAME.
    #[getter]
    fn subject(&self) -> Option<Cow<'_, str>> {
        itl::json::name_text(self.rec().subject_name)
    }

    /// ISSUERNAME.
    #[getter]
    fn issuer(&self) -> Option<Cow<'_, str>> {
        itl::json::name_text(self.rec().issuer_name)
    }

    /// DNSNAME.
    #[getter]
    fn dns_name(&self) -> Option<Cow<'_, str>> {
        itl::json::name_text(self.rec().dns_name)
    }

    /// SERIALNUMBER as CUCM prints it (`61:40:52:E9:...`).
    #[getter]
    fn serial(&self) -> Option<String> {
        self.rec().serial_text()
    }

    /// The DER certificate (CERTIFICATE), or None for a hash-only record.
    #[getter]
    fn certificate<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.rec().certificate_der().map(|d| PyBytes::new(py, d))
    }

    /// SHA-1 of the certificate, lower-case hex.
    #[getter]
    fn certificate_sha1(&self) -> Option<String> {
        self.rec().certificate_der().map(|d| hex::encode(itl::hash::sha1(d)))
    }

    /// PUBLICKEY (DER RSAPublicKey, or an X9.62 EC point).
    #[getter]
    fn public_key<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.rec().public_key().map(|d| PyBytes::new(py, d))
    }

    /// CERTHASH, lower-case hex.
    #[getter]
    fn cert_hash(&self) -> Option<String> {
        self.rec().cert_hash().map(hex::encode)
    }

    /// IPADDRESS.
    #[getter]
    fn ip_address(&self) -> Option<String> {
        self.rec().ip_address().map(|a| a.to_string())
    }

    /// Tags this library does not know: a list of {"tag", "offset", "length"}.
    #[getter]
    fn unknown_tags<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let tags: Vec<UnknownTagJson> = self
            .rec()
            .unknown_tags()
            .map(|t| UnknownTagJson { tag: t.tag, offset: t.offset, length: t.len() })
            .collect();
        to_py_any(py, &tags)
    }

    /// The record as in `itlctl show --json` ("records" entries).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guarded(|| to_py_any(py, &RecordJson::new(self.index + 1, self.rec())))
    }

    fn __repr__(&self) -> String {
        let r = self.rec();
        format!(
            "<itlctl.Record #{} {} {}>",
            self.index + 1,
            r.role().map(|x| x.to_string()).unwrap_or_else(|| "?".into()),
            itl::json::name_text(r.subject_name).unwrap_or(Cow::Borrowed("(no subject)"))
        )
    }
}

/// Why a file of `verify_many` has no verdict.
struct Failure {
    file: String,
    /// The parse error, or None when the file could not be read.
    parse: Option<itl::Error>,
    message: String,
}

/// The verdict on a trust list's signature.
///
/// `valid` (bool), `status` ("valid", "invalid", "signer-not-found", "unsupported"; "error"
/// when `verify_many` could not read or parse the file), `token` ("CallManager",
/// "ITLRecovery", "eToken", "SAST", "unknown"), `signer_record` (1-based or None), `digest`,
/// `reason` (None when valid). `to_dict()` is the "verification" object of
/// `itlctl show --json`, or an element of `itlctl verify --json`. True when valid.
#[pyclass(frozen, module = "itlctl", name = "Verification")]
struct PyVerification {
    json: Option<VerificationJson>,
    valid: bool,
    failure: Option<Failure>,
}

impl PyVerification {
    fn of(json: VerificationJson, valid: bool) -> Self {
        PyVerification { json: Some(json), valid, failure: None }
    }
}

#[pymethods]
impl PyVerification {
    /// Whether the signature verifies.
    #[getter]
    fn valid(&self) -> bool {
        self.valid
    }

    /// `valid`, `invalid`, `signer-not-found`, `unsupported` (or `error`, see the class).
    #[getter]
    fn status(&self) -> &'static str {
        self.json.as_ref().map_or("error", |j| j.status)
    }

    /// `CallManager`, `ITLRecovery`, `eToken`, `SAST` or `unknown`.
    #[getter]
    fn token(&self) -> &'static str {
        self.json.as_ref().map_or("unknown", |j| j.token)
    }

    /// The record (1-based) whose key signed, or None.
    #[getter]
    fn signer_record(&self) -> Option<usize> {
        self.json.as_ref().and_then(|j| j.signer_record)
    }

    /// The header digest: `SHA1`, `SHA256`, `SHA512` or `unknown(N)`.
    #[getter]
    fn digest(&self) -> Option<&str> {
        self.json.as_ref().and_then(|j| j.digest.as_deref())
    }

    /// Why the status is not `valid`; None when it is.
    #[getter]
    fn reason(&self) -> Option<&str> {
        match (&self.json, &self.failure) {
            (Some(j), _) => j.reason.as_deref(),
            (None, Some(f)) => Some(&f.message),
            (None, None) => None,
        }
    }

    /// Whether the digest is SHA-1 (it verifies, but is legacy).
    #[getter]
    fn legacy_digest(&self) -> bool {
        self.json.as_ref().is_some_and(|j| j.legacy_digest)
    }

    /// The signer's subject.
    #[getter]
    fn signer(&self) -> Option<&str> {
        self.json.as_ref().and_then(|j| j.signer.as_deref())
    }

    /// The signer's serial number, `61:40:...`.
    #[getter]
    fn serial(&self) -> Option<&str> {
        self.json.as_ref().and_then(|j| j.serial.as_deref())
    }

    /// The file (from `verify_many`), else None.
    #[getter]
    fn file(&self) -> Option<&str> {
        match (&self.json, &self.failure) {
            (Some(j), _) => j.file.as_deref(),
            (None, Some(f)) => Some(&f.file),
            (None, None) => None,
        }
    }

    /// The `itlctl.ParseError` or `itlctl.ReadError` when `verify_many` could not check the
    /// file, else None.
    #[getter]
    fn error(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        let f = self.failure.as_ref()?;
        let e = match &f.parse {
            Some(p) => parse_error(py, p, Some(&f.file)),
            None => read_error(py, &f.message, &f.file),
        };
        Some(e.into_value(py).into_any())
    }

    /// The verdict as in `itlctl show --json` ("verification") or `itlctl verify --json`
    /// (with "file"); a file that could not be parsed gives `{"file", "error": {...}}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match (&self.json, &self.failure) {
            (Some(j), _) => to_py_any(py, j),
            (None, Some(Failure { file, parse: Some(e), message })) => {
                let mut j = FileErrorJson::new(file, e);
                j.error.message.clone_from(message);
                to_py_any(py, &j)
            }
            (None, Some(Failure { file, message, .. })) => {
                let d = PyDict::new(py);
                d.set_item("file", file)?;
                let e = PyDict::new(py);
                e.set_item("kind", "read")?;
                e.set_item("offset", py.None())?;
                e.set_item("tag", py.None())?;
                e.set_item("message", message)?;
                d.set_item("error", e)?;
                Ok(d.into_any())
            }
            (None, None) => Ok(py.None().into_bound(py)),
        }
    }

    fn __bool__(&self) -> bool {
        self.valid
    }

    fn __repr__(&self) -> String {
        match &self.json {
            Some(j) => format!(
                "<itlctl.Verification {} token={} signer_record={}>",
                j.status,
                j.token,
                j.signer_record.map_or("None".into(), |n| n.to_string())
            ),
            None => format!("<itlctl.Verification error: {}>", self.reason().unwrap_or("")),
        }
    }
}

/// Serializes a library JSON model into Python objects (dicts keep the field order).
fn to_py_any<'py, T: serde::Serialize>(py: Python<'py>, v: &T) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, v).map_err(|e| Error::new_err(format!("internal error: {e}")))
}

fn to_py<'py, T: serde::Serialize>(py: Python<'py>, v: &T) -> PyResult<Bound<'py, PyDict>> {
    Ok(to_py_any(py, v)?.cast_into::<PyDict>()?)
}

/// Parses a trust list from bytes-like `data` (strict unless `lenient`).
///
/// `bytes` are borrowed, not copied; a `bytearray` or `memoryview` is copied once.
/// Strict parsing rejects anything CUCM would not write; `lenient=True` recovers what it can
/// and lists the faults in `tl.warnings`. Raises `itlctl.ParseError` with `.offset`/`.tag`.
#[pyfunction]
#[pyo3(signature = (data, lenient = false))]
fn parse(py: Python<'_>, data: &Bound<'_, PyAny>, lenient: bool) -> PyResult<PyTrustList> {
    guarded(|| {
        let Some(b) = bytes_arg(data)? else {
            return Err(PyTypeError::new_err(format!(
                "parse() takes bytes, bytearray or memoryview, not {}",
                type_name(data)
            )));
        };
        PyTrustList::new(py, b, lenient, None, None)
    })
}

/// Reads and parses a trust list from a path (str or os.PathLike) or a `tftp://`,
/// `http://` or `https://` URL. Raises `itlctl.ReadError` or `itlctl.ParseError`.
#[pyfunction]
#[pyo3(signature = (path, lenient = false))]
fn read(py: Python<'_>, path: &Bound<'_, PyAny>, lenient: bool) -> PyResult<PyTrustList> {
    guarded(|| {
        let Some(p) = path_arg(path)? else {
            return Err(PyTypeError::new_err(format!("read() takes a path or URL, not {}", type_name(path))));
        };
        let loaded = py.detach(|| load(&p)).map_err(|m| read_error(py, &m, &p))?;
        let b = PyBytes::new(py, &loaded.bytes);
        PyTrustList::new(py, b, lenient, Some(p), loaded.modified)
    })
}

/// A trust-list argument: a `TrustList`, bytes-like data, or a path/URL.
enum ListArg<'py> {
    Parsed(Bound<'py, PyTrustList>),
    Bytes(Bound<'py, PyBytes>, Option<String>),
}

impl<'py> ListArg<'py> {
    fn from(py: Python<'py>, obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Self> {
        if let Ok(t) = obj.cast::<PyTrustList>() {
            return Ok(ListArg::Parsed(t.clone()));
        }
        if let Some(b) = bytes_arg(obj)? {
            return Ok(ListArg::Bytes(b, None));
        }
        if let Some(p) = path_arg(obj)? {
            let loaded = py.detach(|| load(&p)).map_err(|m| read_error(py, &m, &p))?;
            return Ok(ListArg::Bytes(PyBytes::new(py, &loaded.bytes), Some(p)));
        }
        Err(PyTypeError::new_err(format!("{what} takes a TrustList, bytes or a path, not {}", type_name(obj))))
    }

    /// The file name given, if any.
    fn file(&self) -> Option<String> {
        match self {
            ListArg::Parsed(t) => t.get().file.clone(),
            ListArg::Bytes(_, f) => f.clone(),
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            ListArg::Parsed(t) => t.get().list().raw(),
            ListArg::Bytes(b, _) => b.as_bytes(),
        }
    }

    /// The parsed list: the `TrustList` given, or the bytes parsed strictly.
    fn list(&self, py: Python<'_>) -> PyResult<Cow<'_, TrustList<'_>>> {
        match self {
            ListArg::Parsed(t) => Ok(Cow::Borrowed(t.get().list())),
            ListArg::Bytes(b, file) => TrustList::parse(b.as_bytes())
                .map(Cow::Owned)
                .map_err(|e| list_error(py, &e, file.as_deref(), b.as_bytes())),
        }
    }

    /// Runs `f` on the parsed list ([`ListArg::list`]).
    fn with<R>(&self, py: Python<'_>, f: impl FnOnce(&TrustList<'_>) -> R) -> PyResult<R> {
        Ok(f(&*self.list(py)?))
    }
}

/// MD5, SHA-1, SHA-256 and SHA-512 of bytes-like `data` (or of the file at a path, or of a
/// `TrustList`'s bytes): lower-case hex under "md5", "sha1", "sha256", "sha512", and under
/// "phone" as phones show them (`1B A1 C9 ...`), as `itlctl hash` prints them.
#[pyfunction]
fn hash<'py>(py: Python<'py>, data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    guarded(|| {
        let arg = ListArg::from(py, data, "hash()")?;
        let bytes = arg.bytes();
        let h = py.detach(|| HashesJson::of(bytes));
        to_py_any(py, &h)
    })
}

/// Compares two trust lists (TrustList, bytes or path each) and says whether phones holding
/// `old` accept `new`: == `json.loads(itlctl diff OLD NEW --json)`.
#[pyfunction]
fn diff<'py>(py: Python<'py>, old: &Bound<'py, PyAny>, new: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    guarded(|| {
        let (a, b) = (ListArg::from(py, old, "diff()")?, ListArg::from(py, new, "diff()")?);
        let d = a.with(py, |la| b.with(py, |lb| itl::diff::diff(la, lb)))??;
        to_py_any(py, &d)
    })
}

/// Plans a certificate regeneration, simulated step by step:
/// == `json.loads(itlctl plan --itl ... [--ctl ...] --regenerate ... --json)`.
///
/// `itl`: the ITL each TFTP server serves (a TrustList, bytes or a path), a list of them,
/// or `{host: data}`; `regenerate`: CUCM's certificate names, any case (`["callmanager",
/// "tvs"]` or `"callmanager,tvs"`); `ctl`: the CTL in mixed mode; `release`: `"11.5"`,
/// `"12.5"`, `"14"` or `"15"` instead of what the files show. Unknown names raise ValueError.
#[pyfunction]
#[pyo3(signature = (itl, regenerate, ctl = None, release = None))]
fn plan<'py>(
    py: Python<'py>,
    itl: &Bound<'py, PyAny>,
    regenerate: &Bound<'py, PyAny>,
    ctl: Option<&Bound<'py, PyAny>>,
    release: Option<&str>,
) -> PyResult<Bound<'py, PyAny>> {
    use itl::plan::{Cert, PlanError, Release};
    guarded(|| {
        let names = match regenerate.extract::<String>() {
            Ok(s) => s,
            Err(_) => regenerate.extract::<Vec<String>>()?.join(","),
        };
        let certs = Cert::parse_list(&names).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let release = match release {
            None => None,
            Some(r) => Some(
                Release::parse(r)
                    .ok_or_else(|| PyValueError::new_err(PlanError::UnknownRelease(r.into()).to_string()))?,
            ),
        };
        let mut args: Vec<(Option<String>, ListArg<'py>)> = Vec::new();
        if let Ok(d) = itl.cast::<PyDict>() {
            for (k, v) in d.iter() {
                let host = if k.is_none() { None } else { Some(k.extract::<String>()?).filter(|h| !h.is_empty()) };
                args.push((host, ListArg::from(py, &v, "plan()")?));
            }
        } else if itl.is_instance_of::<PyList>() || itl.is_instance_of::<PyTuple>() {
            for v in itl.try_iter()? {
                args.push((None, ListArg::from(py, &v?, "plan()")?));
            }
        } else {
            args.push((None, ListArg::from(py, itl, "plan()")?));
        }
        let ctl = ctl.filter(|c| !c.is_none()).map(|c| ListArg::from(py, c, "plan()")).transpose()?;
        let lists = args.iter().map(|(_, a)| a.list(py)).collect::<PyResult<Vec<_>>>()?;
        let ctl_list = ctl.as_ref().map(|c| c.list(py)).transpose()?;
        let files: Vec<Option<String>> = args.iter().map(|(_, a)| a.file()).collect();
        let served: Vec<itl::plan::Served<'_, '_>> = args
            .iter()
            .zip(&lists)
            .zip(&files)
            .map(|(((h, _), l), f)| itl::plan::Served { host: h.as_deref(), file: f.as_deref(), list: l })
            .collect();
        let p = itl::plan::plan(&served, ctl_list.as_deref(), &certs, release)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        to_py_any(py, &p)
    })
}

/// Unix seconds of `now`: a datetime (naive ones are local time, as `datetime.timestamp()`
/// takes them), a number of seconds, or None for the current time.
fn unix_seconds(now: Option<&Bound<'_, PyAny>>) -> PyResult<i64> {
    let Some(now) = now.filter(|n| !n.is_none()) else {
        return Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0));
    };
    let secs: f64 = if now.hasattr("timestamp")? { now.call_method0("timestamp")?.extract()? } else { now.extract()? };
    if !secs.is_finite() {
        return Err(PyValueError::new_err("now must be a finite time"));
    }
    Ok(secs.floor() as i64)
}

/// Lints a trust list (TrustList, bytes or path): == the "findings" of `itlctl lint --json`,
/// a list of {"code", "severity", "record", "message"}. `now` (datetime or Unix seconds,
/// default the current time) and `days` (warn about certificates expiring within, default 90)
/// are the CLI's `--now` and `--days`.
#[pyfunction]
#[pyo3(signature = (data, now = None, days = 90))]
fn lint<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    now: Option<&Bound<'py, PyAny>>,
    days: i64,
) -> PyResult<Bound<'py, PyAny>> {
    guarded(|| {
        let now = unix_seconds(now)?;
        let arg = ListArg::from(py, data, "lint()")?;
        let file = arg.file();
        let findings = arg.with(py, |l| {
            let opts = itl::lint::Options { now, days, kind: l.kind(file.as_deref()) };
            py.detach(|| itl::lint::lint(l, &opts))
        })?;
        to_py_any(py, &findings)
    })
}

/// A Python iterable of lines (`str` or `bytes`) as a byte stream, a line at a time.
struct PyLines<'py> {
    iter: Bound<'py, PyIterator>,
    buf: Vec<u8>,
    pos: usize,
    error: Option<PyErr>,
}

impl Read for PyLines<'_> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.fill_buf()?.len().min(out.len());
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl BufRead for PyLines<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.pos >= self.buf.len() {
            self.buf.clear();
            self.pos = 0;
            let Some(item) = self.iter.next() else { break };
            let line = item.and_then(|l| match bytes_arg(&l)? {
                Some(b) => Ok(b.as_bytes().to_vec()),
                None => Ok(l.extract::<String>()?.into_bytes()),
            });
            match line {
                Ok(l) => {
                    self.buf = l;
                    if self.buf.last() != Some(&b'\n') {
                        self.buf.push(b'\n');
                    }
                }
                Err(e) => {
                    self.error = Some(e);
                    return Err(std::io::Error::other("the iterable of lines raised"));
                }
            }
        }
        Ok(&self.buf[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.buf.len());
    }
}

/// Reads every report of `input` into `latest` and `counts`; returns the warnings the CLI
/// would print and a read error.
fn read_reports(
    label: &str,
    input: impl BufRead,
    latest: &mut Latest,
    counts: &mut Counts,
) -> (Vec<String>, Option<String>) {
    let c = itl::devicetlinfo::collect(input);
    counts.add(c.counts);
    if latest.is_empty() {
        *latest = c.latest;
    } else {
        latest.merge(c.latest);
    }
    (c.messages.iter().map(|m| format!("{label}: {m}")).collect(), c.error)
}

fn warn(py: Python<'_>, message: &str) -> PyResult<()> {
    let category = py.get_type::<pyo3::exceptions::PyUserWarning>();
    PyErr::warn(py, &category, &std::ffi::CString::new(message.replace('\0', " "))?, 1)
}

/// The `--itl` / `--ctl` files: a dict {host: data}, one data or a list of them (any server);
/// data is a TrustList, bytes, a path or a folder (its trust lists of `kind`). A str outside a
/// dict is read as the CLI reads `--itl`: `[HOST=]FILE|DIR` ([`Reference`]). Host None or ""
/// means any server.
fn served<'py>(py: Python<'py>, arg: Option<&Bound<'py, PyAny>>, kind: itl::Kind) -> PyResult<Vec<Served>> {
    // A str outside a dict is `[HOST=]FILE|DIR`; anything else is data for any server.
    let any_server = |v: Bound<'py, PyAny>| -> PyResult<(Option<String>, Bound<'py, PyAny>)> {
        match v.cast::<PyString>() {
            Ok(s) => {
                let r = Reference::parse(&s.to_cow()?);
                Ok((r.host, PyString::new(py, &r.path.to_string_lossy()).into_any()))
            }
            Err(_) => Ok((None, v)),
        }
    };
    let mut entries: Vec<(Option<String>, Bound<'py, PyAny>)> = Vec::new();
    match arg {
        None => {}
        Some(a) if a.is_none() => {}
        Some(a) => {
            if let Ok(d) = a.cast::<PyDict>() {
                for (k, v) in d.iter() {
                    let host: Option<String> = k.extract()?;
                    // A key names the host: the value is a path, never `HOST=FILE`.
                    entries.push((host.filter(|h| !h.is_empty()), v));
                }
            } else if a.is_instance_of::<PyList>() || a.is_instance_of::<PyTuple>() {
                for v in a.try_iter()? {
                    entries.push(any_server(v?)?);
                }
            } else {
                entries.push(any_server(a.clone())?);
            }
        }
    }
    let mut out = Vec::new();
    for (host, v) in entries {
        // A folder: its trust lists of `kind`, as `itlctl devices` reads one.
        let files = match path_arg(&v)? {
            Some(p) if std::path::Path::new(&p).is_dir() => {
                let files = reference_files(std::path::Path::new(&p), kind)
                    .map_err(|e| read_error(py, &format!("cannot read the folder: {e}"), &p))?;
                if files.is_empty() {
                    return Err(read_error(py, &format!("holds no {}*.tlv file", kind.as_str()), &p));
                }
                files.iter().map(|f| PyString::new(py, &f.to_string_lossy()).into_any()).collect()
            }
            _ => vec![v],
        };
        for v in files {
            out.push(served_one(py, host.clone(), &v)?);
        }
    }
    Ok(out)
}

/// One reference file: read, its signature checked (a warning when it does not hold).
fn served_one(py: Python<'_>, host: Option<String>, v: &Bound<'_, PyAny>) -> PyResult<Served> {
    let arg = ListArg::from(py, v, "devices()")?;
    let label = match arg.file() {
        Some(f) => f,
        None => arg
            .with(py, |l| itl::json::name_text(l.header.filename).map(Cow::into_owned))?
            .unwrap_or_else(|| "<bytes>".into()),
    };
    let bad = arg.with(py, |l| {
        let v = verify(l);
        (!v.is_valid()).then(|| v.reason.map(|r| r.to_string()).unwrap_or_default())
    })?;
    if let Some(why) = bad {
        warn(py, &format!("{label}: warning: its signature does not verify ({why}); phones reject this file"))?;
    }
    Ok(Served { host, label, checksums: itl::hash::Checksums::of(arg.bytes()) })
}

/// One source of reports.
enum Source<'py> {
    Path(String),
    Text(Vec<u8>),
    Lines(Bound<'py, PyIterator>),
}

/// Sorts out `reports` (see `devices`).
fn sources<'py>(reports: &Bound<'py, PyAny>) -> PyResult<Vec<Source<'py>>> {
    if let Ok(s) = reports.cast::<PyString>() {
        let s = s.to_cow()?;
        return Ok(vec![if s.contains('\n') {
            Source::Text(s.as_bytes().to_vec())
        } else {
            Source::Path(s.into_owned())
        }]);
    }
    if let Some(p) = path_arg(reports)? {
        return Ok(vec![Source::Path(p)]);
    }
    if let Some(b) = bytes_arg(reports)? {
        return Ok(vec![Source::Text(b.as_bytes().to_vec())]);
    }
    if reports.is_instance_of::<PyList>() || reports.is_instance_of::<PyTuple>() {
        let items: Vec<Bound<'py, PyAny>> = reports.try_iter()?.collect::<PyResult<_>>()?;
        let first_is_path = match items.first() {
            Some(f) if f.is_instance_of::<PyString>() => {
                let s: String = f.extract()?;
                std::path::Path::new(&s).is_file()
            }
            Some(f) => path_arg(f)?.is_some(),
            None => false,
        };
        if first_is_path {
            return items
                .iter()
                .map(|i| {
                    path_arg(i)?.map(Source::Path).ok_or_else(|| {
                        PyTypeError::new_err(format!("devices(): a list of paths holds a {}", type_name(i)))
                    })
                })
                .collect();
        }
        return Ok(vec![Source::Lines(reports.try_iter()?)]);
    }
    Ok(vec![Source::Lines(reports.try_iter().map_err(|_| {
        PyTypeError::new_err(format!("devices() takes paths or an iterable of lines, not {}", type_name(reports)))
    })?)])
}

/// How `devices` asks phones directly: its keyword arguments.
struct PhoneSources {
    probe: Vec<String>,
    ris: Option<itl_transport::ris::Options>,
    opts: itl_transport::probe::Options,
}

use itl_transport::ris::PASSWORD_VAR;

/// Sorts out `devices`' phone arguments; a bad `--probe` value or a missing password is a
/// `ValueError` (`itlctl.UsageError`), before anything is asked.
#[allow(clippy::too_many_arguments)]
fn phone_sources(
    py: Python<'_>,
    probe: Option<&Bound<'_, PyAny>>,
    ris: Option<String>,
    ris_user: Option<String>,
    ris_password: Option<String>,
    ris_ca: Option<&Bound<'_, PyAny>>,
    phone_port: Option<u16>,
    phone_https: bool,
    jobs: usize,
    timeout_ms: u64,
) -> PyResult<Option<PhoneSources>> {
    let probe: Vec<String> = match probe {
        None => Vec::new(),
        Some(p) if p.is_none() => Vec::new(),
        Some(p) if p.is_instance_of::<PyString>() => vec![p.extract()?],
        Some(p) => p.try_iter()?.map(|i| i.and_then(|i| i.extract::<String>())).collect::<PyResult<_>>()?,
    };
    if probe.is_empty() && ris.is_none() {
        return Ok(None);
    }
    if jobs == 0 || timeout_ms == 0 || phone_port == Some(0) {
        return Err(PyValueError::new_err("devices(): jobs, timeout_ms and phone_port must be at least 1"));
    }
    let ris = match ris {
        None => None,
        Some(url) => {
            let user = ris_user.ok_or_else(|| PyValueError::new_err("devices(): ris= needs ris_user="))?;
            let password = match ris_password.or_else(|| std::env::var(PASSWORD_VAR).ok()) {
                Some(p) => p,
                None => {
                    return Err(PyValueError::new_err(format!(
                        "devices(): no RIS password: pass ris_password= or set {PASSWORD_VAR}"
                    )))
                }
            };
            let ca_pem = match ris_ca {
                None => None,
                Some(c) if c.is_none() => None,
                Some(c) => match bytes_arg(c)? {
                    Some(b) => Some(b.as_bytes().to_vec()),
                    None => {
                        let p = path_arg(c)?.ok_or_else(|| {
                            PyTypeError::new_err(format!(
                                "devices(): ris_ca is a path or PEM bytes, not {}",
                                type_name(c)
                            ))
                        })?;
                        Some(std::fs::read(&p).map_err(|e| {
                            read_error(py, &format!("cannot read the RIS CA certificate: {e}; check the path"), &p)
                        })?)
                    }
                },
            };
            Some(itl_transport::ris::Options { url, user, password, ca_pem })
        }
    };
    let opts = itl_transport::probe::Options {
        port: phone_port.unwrap_or(itl_transport::probe::default_port(phone_https)),
        https: phone_https,
        jobs,
        timeout: std::time::Duration::from_millis(timeout_ms),
    };
    Ok(Some(PhoneSources { probe, ris, opts }))
}

/// Asks the phones (the GIL released): RIS's list first, then every address.
fn ask_phones(py: Python<'_>, src: PhoneSources, itl: &[Served], ctl: &[Served]) -> PyResult<ProbeRows> {
    let mut fleet = itl_transport::fleet::Fleet::from_targets(&src.probe)
        .map_err(|e| PyValueError::new_err(format!("devices(): probe {}: {}", e.spec, e.error)))?;
    if let Some(opts) = &src.ris {
        let phones = py
            .detach(|| itl_transport::ris::list_phones(opts))
            .map_err(|e| Error::new_err(format!("{}: RIS: {e}", itl_transport::ris::shown_url(&opts.url))))?;
        fleet.add_ris(phones);
    }
    let probed = py.detach(|| itl_transport::probe::probe_all(&fleet.addresses, &src.opts, &|_| {}));
    Ok(ProbeRows::new(&probed, &fleet.names, itl, ctl))
}

/// Which phones hold a stale ITL or CTL, from their DeviceTLInfo reports:
/// == `json.loads(itlctl devices --itl HOST=FILE ... --ctl ... --json REPORT...)`.
///
/// `reports`: a path (str or os.PathLike), a list of paths, report text (a str holding a
/// newline, or bytes), or an iterable of lines (an open file, `text.splitlines()`); a list
/// is taken as paths when its first item names an existing file. Read as a stream.
/// `itl`, `ctl`: `{host: data}` as phones report ITL_TFTP_Server (host None or "" for any
/// server), or one data / a list of them for any server; data is a TrustList, bytes, a path
/// or a TFTP folder (its ITL*.tlv / CTL*.tlv, `ITLFile.tlv` first). A str outside a dict is
/// read as `itlctl devices --itl` reads it: `[HOST=]FILE|DIR`. Lines not understood and badly
/// signed files are reported as warnings.
///
/// Phones asked directly, as `itlctl devices --probe/--ris` asks them: `probe` a list of
/// `ADDR|CIDR|@FILE` (or one str), `ris` CUCM's URL with `ris_user` and `ris_password` (else
/// the `ITLCTL_RIS_PASSWORD` environment variable), `ris_ca` a path or PEM bytes; then
/// `phone_port`, `phone_https`, `jobs`, `timeout_ms`. `reports` may then be None.
#[pyfunction]
#[pyo3(signature = (
    reports = None, itl = None, ctl = None, *, probe = None, ris = None, ris_user = None,
    ris_password = None, ris_ca = None, phone_port = None, phone_https = false, jobs = 64, timeout_ms = 3000
))]
#[allow(clippy::too_many_arguments)]
fn devices<'py>(
    py: Python<'py>,
    reports: Option<&Bound<'py, PyAny>>,
    itl: Option<&Bound<'py, PyAny>>,
    ctl: Option<&Bound<'py, PyAny>>,
    probe: Option<&Bound<'py, PyAny>>,
    ris: Option<String>,
    ris_user: Option<String>,
    ris_password: Option<String>,
    ris_ca: Option<&Bound<'py, PyAny>>,
    phone_port: Option<u16>,
    phone_https: bool,
    jobs: usize,
    timeout_ms: u64,
) -> PyResult<Bound<'py, PyAny>> {
    guarded(|| {
        let (itl, ctl) = (served(py, itl, itl::Kind::Itl)?, served(py, ctl, itl::Kind::Ctl)?);
        let phones =
            phone_sources(py, probe, ris, ris_user, ris_password, ris_ca, phone_port, phone_https, jobs, timeout_ms)?;
        let reports = match reports {
            Some(r) if !r.is_none() => sources(r)?,
            _ if phones.is_some() => Vec::new(),
            _ => return Err(PyTypeError::new_err("devices() needs reports, probe= or ris=")),
        };
        let mut latest = Latest::default();
        let mut counts = Counts::default();
        for src in reports {
            let (label, (warnings, failed)) = match src {
                Source::Path(p) => {
                    let f = std::fs::File::open(&p).map_err(|e| {
                        read_error(py, &format!("cannot read: {e}; check the path and permissions"), &p)
                    })?;
                    let r = py
                        .detach(|| read_reports(&p, BufReader::with_capacity(256 * 1024, f), &mut latest, &mut counts));
                    (p, r)
                }
                Source::Text(t) => {
                    ("<text>".to_owned(), py.detach(|| read_reports("<text>", &t[..], &mut latest, &mut counts)))
                }
                Source::Lines(iter) => {
                    let mut lines = PyLines { iter, buf: Vec::new(), pos: 0, error: None };
                    let r = read_reports("<lines>", &mut lines, &mut latest, &mut counts);
                    if let Some(e) = lines.error.take() {
                        return Err(e);
                    }
                    ("<lines>".to_owned(), r)
                }
            };
            if let Some(f) = failed {
                return Err(read_error(py, &f, &label));
            }
            for w in warnings {
                warn(py, &w)?;
            }
        }
        match phones {
            None => {
                let (rows, _) = latest.rows(&itl, &ctl);
                to_py_any(py, &DevicesJson::new(&rows, counts))
            }
            Some(src) => {
                let probed = ask_phones(py, src, &itl, &ctl)?;
                let probe_counts = probed.counts;
                let rows: Vec<_> = probed.merge(latest.sorted_rows(&itl, &ctl)).collect();
                to_py_any(py, &DevicesJson::new(&rows, counts).with_probe(Some(probe_counts)))
            }
        }
    })
}

/// The verdict on one file of `verify_many`.
fn verify_path(path: &str) -> Result<(VerificationJson, bool), Failure> {
    let bytes = load(path).map_err(|message| Failure { file: path.to_owned(), parse: None, message })?;
    let list = TrustList::parse(&bytes.bytes).map_err(|e| {
        // As `itlctl verify` says it: a signed file gets a pointer to `sgn verify`.
        let message = itl::document::not_a_trust_list(&bytes.bytes, Some(path), &e);
        Failure { file: path.to_owned(), message, parse: Some(e) }
    })?;
    let v = verify(&list);
    Ok((VerificationJson::new(&list, &v, Some(path)), v.is_valid()))
}

/// Verifies many files (paths or URLs) in parallel, with the GIL released: a list of
/// Verification objects in input order, each with `.file`. A file that cannot be read or
/// parsed gives a verdict with status "error" and `.error` set, instead of raising.
/// `threads`: how many threads (default: one per core).
#[pyfunction]
#[pyo3(signature = (paths, threads = None))]
fn verify_many(py: Python<'_>, paths: &Bound<'_, PyAny>, threads: Option<usize>) -> PyResult<Vec<PyVerification>> {
    guarded(|| {
        let mut list = Vec::new();
        for p in paths.try_iter()? {
            let p = p?;
            list.push(
                path_arg(&p)?
                    .ok_or_else(|| PyTypeError::new_err(format!("verify_many() takes paths, not {}", type_name(&p))))?,
            );
        }
        let run = |paths: &[String]| -> Vec<Result<(VerificationJson, bool), Failure>> {
            paths.par_iter().map(|p| verify_path(p)).collect()
        };
        let results = match threads {
            Some(0) => return Err(PyValueError::new_err("threads must be at least 1")),
            Some(1) => py.detach(|| list.iter().map(|p| verify_path(p)).collect()),
            Some(n) => {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(|e| Error::new_err(format!("cannot start {n} threads: {e}")))?;
                py.detach(|| pool.install(|| run(&list)))
            }
            None => py.detach(|| run(&list)),
        };
        Ok(results
            .into_iter()
            .map(|r| match r {
                Ok((j, valid)) => PyVerification::of(j, valid),
                Err(f) => PyVerification { json: None, valid: false, failure: Some(f) },
            })
            .collect())
    })
}

/// Runs the `itlctl` command line in this process (`args[0]` is the program name) and
/// returns its exit code: what the `itlctl` command the package installs does.
#[pyfunction]
fn run(py: Python<'_>, args: Vec<String>) -> PyResult<u8> {
    guarded(|| {
        Ok(py.detach(|| {
            let code = itlctl::run(args);
            let _ = std::io::Write::flush(&mut std::io::stdout());
            code
        }))
    })
}

/// The native half of the `itlctl` package; import `itlctl` instead.
#[pymodule]
fn _itlctl(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("Error", py.get_type::<Error>())?;
    m.add("ParseError", parse_error_type(py)?)?;
    m.add("ReadError", read_error_type(py)?)?;
    m.add_class::<PyTrustList>()?;
    m.add_class::<PyRecord>()?;
    m.add_class::<PyVerification>()?;
    m.add_function(wrap_pyfunction!(parse, m)?)?;
    m.add_function(wrap_pyfunction!(read, m)?)?;
    m.add_function(wrap_pyfunction!(hash, m)?)?;
    m.add_function(wrap_pyfunction!(diff, m)?)?;
    m.add_function(wrap_pyfunction!(lint, m)?)?;
    m.add_function(wrap_pyfunction!(plan, m)?)?;
    m.add_function(wrap_pyfunction!(devices, m)?)?;
    m.add_function(wrap_pyfunction!(verify_many, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
