//! The one error type of every transport.

use std::fmt;

/// What went wrong with a transfer, for a caller that acts on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The URL cannot be parsed, names no host or uses a scheme this crate does not fetch.
    Url,
    /// The host name does not resolve.
    Resolve,
    /// No answer, or the connection failed or broke.
    Network,
    /// The server answered with an error (TFTP error packet, HTTP status).
    Server,
    /// The file is larger than the caller allows.
    TooLarge,
    /// The server refused the credentials (HTTP 401) or the user's roles (HTTP 403).
    Auth,
    /// The server's certificate did not verify, or the TLS handshake failed.
    Tls,
    /// A SOAP service answered with a fault that persisted, or with XML it should not.
    Soap,
    /// The caller's input is not what it should be (a `--probe` target, a file of
    /// addresses).
    Input,
}

/// A failed transfer: its kind and a message that says what to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error { kind, message: message.into() }
    }

    /// What went wrong.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<Error> for String {
    fn from(e: Error) -> String {
        e.message
    }
}
