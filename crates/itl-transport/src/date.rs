//! The date text CUCM prints: Java's `Date.toString()`, in the local time zone.
//!
//! The local zone is found as the C library finds it, without walking the zoneinfo tree
//! (which `jiff::tz::TimeZone::system` does to learn the zone's name, costing some 70 system
//! calls; CUCM's text needs only the abbreviation, which the zone's own data holds):
//! `TZ` (empty: UTC; a POSIX rule; a zone name under `TZDIR` or the usual zoneinfo folders;
//! a TZif file's path), else the TZif file `/etc/localtime` (or the file it links to).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::SystemTime;

use jiff::tz::TimeZone;

/// Where zone names are looked up when `TZDIR` does not say, in jiff's order.
const ZONEINFO: [&str; 3] = ["/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/etc/zoneinfo"];

/// The largest TZif file read: the biggest in tzdata is under 4 KiB.
const MAX_TZIF: u64 = 256 * 1024;

/// CUCM's "last modified" text: Java's `Date.toString()` in the local time zone,
/// `Wed Feb 26 10:24:27 PST 2014`; `None` for a time out of range.
pub fn cucm_date(t: SystemTime) -> Option<String> {
    static LOCAL: OnceLock<TimeZone> = OnceLock::new();
    let zone = LOCAL.get_or_init(|| {
        let (tz, tzdir) = (std::env::var_os("TZ"), std::env::var_os("TZDIR"));
        let env = Env { tz: tz.as_deref(), tzdir: tzdir.as_deref() };
        // What the lookup above cannot read (a zone name in another case), jiff can.
        local_zone(&env, Path::new("/etc/localtime")).unwrap_or_else(TimeZone::system)
    });
    cucm_date_in(t, zone)
}

/// [`cucm_date`] in the time zone `zone`.
pub fn cucm_date_in(t: SystemTime, zone: &TimeZone) -> Option<String> {
    let ts = jiff::Timestamp::try_from(t).ok()?;
    Some(ts.to_zoned(zone.clone()).strftime("%a %b %d %H:%M:%S %Z %Y").to_string())
}

/// The environment variables that choose the local zone.
#[derive(Debug, Clone, Copy, Default)]
pub struct Env<'a> {
    /// `TZ`.
    pub tz: Option<&'a OsStr>,
    /// `TZDIR`: the zoneinfo folder.
    pub tzdir: Option<&'a OsStr>,
}

/// The local time zone that `env` and the TZif file `localtime` (`/etc/localtime`) name, as
/// jiff's `TimeZone::system` finds it but without walking the zoneinfo tree; `None` when
/// neither can be read.
pub fn local_zone(env: &Env<'_>, localtime: &Path) -> Option<TimeZone> {
    let Some(tz) = env.tz else { return tzif_file(localtime, "Local") };
    if tz.is_empty() {
        return Some(TimeZone::UTC);
    }
    let tz = tz.to_str()?;
    let name = match tz.strip_prefix(':') {
        Some(name) => name,
        None => match TimeZone::posix(tz) {
            Ok(zone) => return Some(zone),
            Err(_) => tz,
        },
    };
    // `zoneinfo/America/New_York` in a path names the zone; a bare name is looked up.
    if !name.contains("zoneinfo/") && is_zone_name(name) {
        let dirs = env.tzdir.map(PathBuf::from).into_iter().chain(ZONEINFO.iter().map(PathBuf::from));
        if let Some(zone) = dirs.map(|d| d.join(name)).find_map(|p| tzif_file(&p, name)) {
            return Some(zone);
        }
    }
    tzif_file(Path::new(name), name)
}

/// Whether `name` can be an IANA zone name (`America/Argentina/Buenos_Aires`, `UTC`), not a
/// path that leaves the zoneinfo folder.
fn is_zone_name(name: &str) -> bool {
    !name.is_empty() && !name.starts_with('/') && name.split('/').all(|part| !part.is_empty() && part != "..")
}

/// A TZif file as a zone called `name`.
fn tzif_file(path: &Path, name: &str) -> Option<TimeZone> {
    use std::io::Read as _;
    let mut data = Vec::new();
    std::fs::File::open(path).ok()?.take(MAX_TZIF).read_to_end(&mut data).ok()?;
    TimeZone::tzif(name, &data).ok()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::*;

    /// The mtime of the seed 004 listing: `Wed Feb 26 10:24:27 PST 2014`.
    fn seed_004() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(1_393_439_067)
    }

    fn date_with_tz(tz: &str) -> Option<String> {
        let env = Env { tz: Some(OsStr::new(tz)), tzdir: None };
        cucm_date_in(seed_004(), &local_zone(&env, Path::new("/nonexistent"))?)
    }

    #[test]
    fn the_seed_listing_date_in_every_spelling_of_its_zone() {
        // CUCM's own text (seeds/004); the zone as a name, a path and a POSIX rule.
        let want = "Wed Feb 26 10:24:27 PST 2014";
        for tz in [
            "America/Los_Angeles",
            ":America/Los_Angeles",
            "/usr/share/zoneinfo/America/Los_Angeles",
            ":/usr/share/zoneinfo/America/Los_Angeles",
            "PST8PDT,M3.2.0,M11.1.0",
        ] {
            assert_eq!(date_with_tz(tz).as_deref(), Some(want), "TZ={tz}");
        }
    }

    #[test]
    fn empty_tz_is_utc_and_etc_localtime_is_read_when_tz_is_unset() {
        assert_eq!(date_with_tz("").as_deref(), Some("Wed Feb 26 18:24:27 UTC 2014"));
        // `date -d @1393439067 '+%a %b %d %H:%M:%S %Z %Y'` with TZ=Asia/Tokyo.
        let tokyo = Path::new("/usr/share/zoneinfo/Asia/Tokyo");
        let zone = local_zone(&Env::default(), tokyo).unwrap();
        assert_eq!(cucm_date_in(seed_004(), &zone).as_deref(), Some("Thu Feb 27 03:24:27 JST 2014"));
    }

    #[test]
    fn unknown_zones_and_paths_out_of_the_zoneinfo_folder_are_not_read() {
        assert!(date_with_tz("Not/A_Zone").is_none());
        assert!(!is_zone_name("../../etc/passwd"));
        assert!(!is_zone_name("America//New_York"));
        assert!(local_zone(&Env::default(), Path::new("/nonexistent")).is_none());
    }
}
