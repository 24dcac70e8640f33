//! The phones one run asks: the addresses of every `--probe ADDR|CIDR|@FILE` and of every
//! phone RIS lists, each address once, with the device name RIS gave it. The CLI, `serve` and
//! the Python package gather them here, then ask them with [`crate::probe::probe_all`].

use std::collections::{HashMap, HashSet};

use crate::ris::RisPhone;
use crate::Error;

/// The addresses to ask, in order, each once, and the device names RIS gave for some.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fleet {
    /// Each address once, in the order named (`--probe` first, then RIS).
    pub addresses: Vec<String>,
    /// Address → device name, for the phones RIS listed.
    pub names: HashMap<String, String>,
    seen: HashSet<String>,
}

/// A `--probe` value that names no phones: the value and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadTarget {
    /// The `ADDR|CIDR|@FILE` given.
    pub spec: String,
    /// What is wrong with it.
    pub error: Error,
}

impl std::fmt::Display for BadTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "--probe {}: {}", self.spec, self.error)
    }
}

impl Fleet {
    /// The addresses of every `--probe` value, each once; the first value that names no
    /// phones is an error (before any phone is asked).
    pub fn from_targets(specs: &[String]) -> Result<Fleet, BadTarget> {
        let mut f = Fleet::default();
        for spec in specs {
            let list = crate::probe::targets(spec).map_err(|error| BadTarget { spec: spec.clone(), error })?;
            for a in list {
                f.push(a);
            }
        }
        Ok(f)
    }

    /// Adds the phones RIS listed (an address already named keeps its place; its RIS name is
    /// kept).
    pub fn add_ris(&mut self, phones: Vec<RisPhone>) {
        for p in phones {
            let address = p.address.trim();
            if address.is_empty() {
                continue;
            }
            self.names.insert(address.to_owned(), p.name);
            self.push(address.to_owned());
        }
    }

    fn push(&mut self, address: String) {
        if self.seen.insert(address.clone()) {
            self.addresses.push(address);
        }
    }

    /// Number of addresses.
    pub fn len(&self) -> usize {
        self.addresses.len()
    }

    /// Whether no address was named.
    pub fn is_empty(&self) -> bool {
        self.addresses.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_once_with_its_ris_name() {
        let mut f = Fleet::from_targets(&["127.0.0.2".into(), "127.0.0.3".into(), "127.0.0.2".into()]).unwrap();
        f.add_ris(vec![
            RisPhone { name: "SEP1".into(), address: "127.0.0.3".into(), timestamp: 1 },
            RisPhone { name: "SEP2".into(), address: "127.0.0.4".into(), timestamp: 1 },
            RisPhone { name: "SEP3".into(), address: " ".into(), timestamp: 1 },
        ]);
        assert_eq!(f.addresses, ["127.0.0.2", "127.0.0.3", "127.0.0.4"]);
        assert_eq!(f.names.get("127.0.0.3").map(String::as_str), Some("SEP1"));
        assert_eq!(f.names.len(), 2);
    }
}
