//! The trust lists CUCM would serve after each step, built in memory, and the phones'
//! verdict on them by `diff`'s phone-trust rule.
//!
//! Every certificate that signs a file in some step (the ITL and CTL signers, each file's
//! own CallManager certificate for `reset localkey`) is stood in for by a throwaway key with
//! the same record (same names, same serial and issuer: the same identity to a phone), in
//! today's files as in every later one, since the real private keys are not at hand.
//! A regenerated certificate gets a fresh throwaway key and certificate, with a new serial
//! under the same names. Signing keys are 1024-bit RSA (SHA-512 signatures fit), others
//! 512-bit RSA, ECDSA ones P-256: the verdicts depend on identities, not on key sizes.

use std::collections::{HashMap, HashSet};

use rsa::RsaPrivateKey;

use crate::build::{Builder, RecordBuilder, SignerId, Signing};
use crate::diff::{diff, PhoneTrust};
use crate::record::Record;
use crate::role::{Digest, Role};
use crate::tag;
use crate::trustlist::{Kind, TrustList};
use crate::verify::{find_signer, token_of, Token};

use super::cluster::cert_of;
use super::request::{Cert, Release};
use super::{PlanError, Verdict};

/// One served file.
pub(crate) struct File<'l, 'a> {
    pub list: &'l TrustList<'a>,
    pub kind: Kind,
    pub certs: Vec<Option<Cert>>,
    /// The record that signs it normally (release rule), and after `reset localkey`.
    pub normal_signer: Option<usize>,
    pub reset_signer: Option<usize>,
}

/// What has been done so far: the certificates regenerated (bits of [`Cert::bit`]) and
/// whether the files are, for now, signed by the `reset localkey` signer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct State {
    pub regenerated: u16,
    pub reset: bool,
}

impl State {
    pub const START: State = State { regenerated: 0, reset: false };
}

/// A certificate the simulation holds the key of.
pub(crate) struct Stand {
    key: Option<RsaPrivateKey>,
    der: Vec<u8>,
    serial: Vec<u8>,
    public_key: Vec<u8>,
    signature: Vec<u8>,
}

type Id = (Vec<u8>, String);

fn id_of(r: &Record<'_>) -> Option<Id> {
    let s = r.serial()?;
    let s = &s[s.iter().take_while(|&&b| b == 0).count()..];
    Some((s.to_vec(), r.issuer().unwrap_or("").to_ascii_lowercase()))
}

/// The simulation: the files, the throwaway keys, the files built so far.
pub(crate) struct World<'l, 'a> {
    pub files: Vec<File<'l, 'a>>,
    /// Bits of the certificates some record holds.
    touching: u16,
    signing: HashSet<Id>,
    fresh: HashMap<Id, Stand>,
    standin: HashMap<Id, Stand>,
    built: HashMap<State, Vec<Vec<u8>>>,
    verdicts: HashMap<(State, State), Verdict>,
}

fn own_call_manager(list: &TrustList<'_>, certs: &[Option<Cert>], host: Option<&str>) -> Option<usize> {
    let cands: Vec<usize> = (0..list.records.len())
        .filter(|&i| certs[i] == Some(Cert::CallManager) && list.records[i].role().is_some_and(Role::may_sign))
        .collect();
    let named = |i: &&usize| {
        host.is_some_and(|h| super::cluster::node_of(&list.records[**i]).is_some_and(|n| n.eq_ignore_ascii_case(h)))
    };
    let sast = |i: &&usize| list.records[**i].role() == Some(Role::SAST);
    cands
        .iter()
        .find(|i| named(i) && sast(i))
        .or_else(|| cands.iter().find(named))
        .or_else(|| cands.iter().find(sast))
        .or(cands.first())
        .copied()
}

impl<'l, 'a> World<'l, 'a> {
    pub fn new(itls: &[(Option<String>, &'l TrustList<'a>)], ctl: Option<&'l TrustList<'a>>, release: Release) -> Self {
        let mut files = Vec::new();
        let all = itls.iter().map(|(h, l)| (h.clone(), *l, Kind::Itl)).chain(ctl.map(|c| (None, c, Kind::Ctl)));
        for (host, list, kind) in all {
            let certs: Vec<Option<Cert>> = list.records.iter().map(|r| cert_of(list, r)).collect();
            let current = find_signer(list);
            let own_cm = own_call_manager(list, &certs, host.as_deref());
            let itl_recovery = (0..certs.len())
                .find(|&i| certs[i] == Some(Cert::ItlRecovery) && list.records[i].role() == Some(Role::SAST));
            let (normal_signer, reset_signer) = match kind {
                Kind::Itl => match release {
                    Release::V12 => (itl_recovery.or(current), own_cm.or(current)),
                    Release::Pre12 => {
                        let cm = current.filter(|&i| certs[i] == Some(Cert::CallManager)).or(own_cm).or(current);
                        (cm, cm)
                    }
                },
                Kind::Ctl => {
                    let etoken = token_of(list, current) == Token::EToken;
                    (current, if etoken { current } else { own_cm.or(current) })
                }
            };
            files.push(File { list, kind, certs, normal_signer, reset_signer });
        }
        let touching = files.iter().flat_map(|f| f.certs.iter().flatten()).fold(0, |m, c| m | c.bit());
        let signing = files
            .iter()
            .flat_map(|f| [f.normal_signer, f.reset_signer, find_signer(f.list)].map(|i| (f, i)))
            .filter_map(|(f, i)| id_of(&f.list.records[i?]))
            .collect();
        World {
            files,
            touching,
            signing,
            fresh: HashMap::new(),
            standin: HashMap::new(),
            built: HashMap::new(),
            verdicts: HashMap::new(),
        }
    }

    /// Whether some file is normally signed by ITLRecovery: regenerating it then takes
    /// the Security Guide's two halves.
    pub fn itlrecovery_signs(&self) -> bool {
        self.files.iter().any(|f| f.normal_signer.is_some_and(|i| f.certs[i] == Some(Cert::ItlRecovery)))
    }

    /// Whether some record of the CTL holds one of `certs`.
    pub fn ctl_holds(&self, certs: &[Cert]) -> bool {
        self.files.iter().any(|f| f.kind == Kind::Ctl && f.certs.iter().flatten().any(|c| certs.contains(c)))
    }

    /// Whether a file holds one of `certs`.
    pub fn holds(&self, cert: Cert) -> bool {
        self.touching & cert.bit() != 0
    }

    /// Who signs the first ITL in `state`: `ITLRecovery` or `CallManager`.
    pub fn itl_signer(&self, state: State) -> &'static str {
        let f = self.files.iter().find(|f| f.kind == Kind::Itl).or(self.files.first());
        let i = f.and_then(|f| if state.reset { f.reset_signer } else { f.normal_signer });
        match f.zip(i).and_then(|(f, i)| f.certs[i]) {
            Some(Cert::ItlRecovery) => "ITLRecovery",
            _ => "CallManager",
        }
    }

    fn normalise(&self, s: State) -> State {
        State { regenerated: s.regenerated & self.touching, reset: s.reset }
    }

    fn make(id: &Id, r: &Record<'_>, bits: usize, ecdsa: bool, keep_serial: bool) -> Result<Stand, PlanError> {
        let fail = |e: String| PlanError::Simulation(e);
        let cn = r.subject().and_then(crate::name::common_name).unwrap_or("throwaway").to_owned();
        let (key, der) = if ecdsa {
            let m = crate::mint::mint(&crate::mint::NewCertificate {
                common_name: cn,
                organization: "throwaway".into(),
                unit: "plan".into(),
                locality: None,
                state: None,
                country: None,
                key: crate::mint::KeyKind::P256,
                years: 1,
                digest: None,
            })
            .map_err(|e| fail(e.to_string()))?;
            (None, m.cert_der)
        } else {
            let t =
                crate::mint::throwaway(&cn, Some("plan"), Some("throwaway"), bits).map_err(|e| fail(e.to_string()))?;
            (Some(t.key), t.cert_der)
        };
        let cert = crate::cert::parse(&der).map_err(|e| fail(e.to_string()))?;
        let serial = if keep_serial { id.0.clone() } else { crate::cert::serial_bytes(cert.raw_serial()) };
        let public_key = cert.public_key().subject_public_key.data.to_vec();
        let signature = cert.signature_value.data.to_vec();
        drop(cert);
        Ok(Stand { key, der, serial, public_key, signature })
    }

    /// Makes the throwaway keys `state` needs.
    fn ensure_keys(&mut self, state: State) -> Result<(), PlanError> {
        for fi in 0..self.files.len() {
            for ri in 0..self.files[fi].list.records.len() {
                let r = &self.files[fi].list.records[ri];
                let Some(id) = id_of(r) else { continue };
                let cert = self.files[fi].certs[ri];
                let bits = if self.signing.contains(&id) { 1024 } else { 512 };
                if cert.is_some_and(|c| state.regenerated & c.bit() != 0) {
                    if let std::collections::hash_map::Entry::Vacant(slot) = self.fresh.entry(id) {
                        let s = Self::make(slot.key(), r, bits, cert == Some(Cert::CallManagerEcdsa), false)?;
                        slot.insert(s);
                    }
                } else if self.signing.contains(&id) && !self.standin.contains_key(&id) {
                    let s = Self::make(&id, r, bits, false, true)?;
                    self.standin.insert(id, s);
                }
            }
        }
        Ok(())
    }

    fn replacement(&self, f: &File<'_, '_>, ri: usize, state: State) -> Option<&Stand> {
        let id = id_of(&f.list.records[ri])?;
        if f.certs[ri].is_some_and(|c| state.regenerated & c.bit() != 0) {
            self.fresh.get(&id)
        } else {
            self.standin.get(&id)
        }
    }

    fn build_file(&self, f: &File<'_, '_>, state: State) -> Result<Vec<u8>, PlanError> {
        let signer = if state.reset { f.reset_signer } else { f.normal_signer };
        let Some(si) = signer else { return Ok(f.list.raw().to_vec()) };
        let mut records = Vec::with_capacity(f.list.records.len());
        for (ri, r) in f.list.records.iter().enumerate() {
            records.push(rebuild(r, self.replacement(f, ri, state)));
        }
        let r = &f.list.records[si];
        let Some(stand) = self.replacement(f, si, state) else { return Ok(f.list.raw().to_vec()) };
        let Some(key) = stand.key.as_ref() else { return Ok(f.list.raw().to_vec()) };
        let id = SignerId {
            name: r.subject().unwrap_or("").to_owned(),
            serial: stand.serial.clone(),
            issuer: r.issuer().unwrap_or("").to_owned(),
        };
        sign_file(f.list, records, &id, key)
    }

    /// The files served in `state`, in [`World::files`] order.
    fn build(&mut self, state: State) -> Result<&Vec<Vec<u8>>, PlanError> {
        let state = self.normalise(state);
        if !self.built.contains_key(&state) {
            self.ensure_keys(state)?;
            let files = self.files.iter().map(|f| self.build_file(f, state)).collect::<Result<Vec<_>, _>>()?;
            self.built.insert(state, files);
        }
        Ok(&self.built[&state])
    }

    /// The verdict of phones holding the files of `from` on those of `to`: the worst over
    /// the files, `unchanged` when every file is byte for byte the same.
    pub fn verdict(&mut self, from: State, to: State) -> Result<Verdict, PlanError> {
        let (from, to) = (self.normalise(from), self.normalise(to));
        if let Some(v) = self.verdicts.get(&(from, to)) {
            return Ok(*v);
        }
        self.build(from)?;
        self.build(to)?;
        let (a, b) = (&self.built[&from], &self.built[&to]);
        let mut worst = Verdict::Unchanged;
        for (x, y) in a.iter().zip(b) {
            if x == y {
                continue;
            }
            let (Ok(old), Ok(new)) = (TrustList::parse(x), TrustList::parse(y)) else {
                return Err(PlanError::Simulation("a simulated trust list does not parse".into()));
            };
            let v = match diff(&old, &new).phone_trust {
                PhoneTrust::Accept => Verdict::Accept,
                PhoneTrust::AcceptViaTvs => Verdict::AcceptViaTvs,
                PhoneTrust::Reject => Verdict::Reject,
            };
            worst = worst.max(v);
        }
        self.verdicts.insert((from, to), worst);
        Ok(worst)
    }
}

/// The record with its certificate (serial, key, certificate signature, certificate, hash)
/// replaced by `by`, every other TLV as it was.
pub(crate) fn rebuild(r: &Record<'_>, by: Option<&Stand>) -> RecordBuilder {
    let mut b = RecordBuilder::new();
    for t in r.tlvs().flatten() {
        let hash;
        let value: &[u8] = match (by, t.tag) {
            (_, tag::RECORD_LENGTH) => continue,
            (Some(s), tag::RECORD_SERIAL_NUMBER) => &s.serial,
            (Some(s), tag::PUBLIC_KEY) => &s.public_key,
            (Some(s), tag::RECORD_SIGNATURE) => &s.signature,
            (Some(s), tag::CERTIFICATE) => &s.der,
            (Some(s), tag::CERT_HASH) => {
                hash = crate::hash::digest_parts(r.hash_algorithm().unwrap_or(Digest::Sha1), &[&s.der])
                    .unwrap_or_default();
                &hash
            }
            _ => t.value,
        };
        b = b.tlv(t.tag, value);
    }
    b
}

/// The one place the builder is called: `list`'s header fields, `records`, signed by `key`
/// as `signer`.
fn sign_file(
    list: &TrustList<'_>,
    records: Vec<RecordBuilder>,
    signer: &SignerId,
    key: &RsaPrivateKey,
) -> Result<Vec<u8>, PlanError> {
    let h = &list.header;
    let digest = match h.digest() {
        Some(d @ (Digest::Sha1 | Digest::Sha256 | Digest::Sha512)) => d,
        _ => Digest::Sha1,
    };
    let b = Builder {
        version: h.version().unwrap_or((1, 2)),
        signer_version: h.signer_version(),
        digest,
        filename: h.file_name().unwrap_or("ITLFile.tlv").to_owned(),
        timestamp: h.timestamp().unwrap_or(0),
        records,
    };
    b.build(&Signing::rsa(signer, key)).map_err(|e| PlanError::Simulation(e.to_string()))
}
