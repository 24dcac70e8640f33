//! The date text CUCM prints: Java's `Date.toString()`.

use std::time::SystemTime;

/// CUCM's "last modified" text: Java's `Date.toString()` in the local time zone,
/// `Wed Feb 26 10:24:27 PST 2014`; `None` for a time out of range.
pub fn cucm_date(t: SystemTime) -> Option<String> {
    let ts = jiff::Timestamp::try_from(t).ok()?;
    let zoned = ts.to_zoned(jiff::tz::TimeZone::system());
    Some(zoned.strftime("%a %b %d %H:%M:%S %Z %Y").to_string())
}
