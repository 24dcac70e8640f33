//! `GET /metrics`: the fleet and the server's counters in the Prometheus text format
//! (OpenMetrics), written by the `prometheus-client` crate from the database and the
//! writer's state at each scrape.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use crate::reply::unavailable;
use crate::{store, App};

/// `status="Match"`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: String,
}

/// `kind="ITL"`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: String,
}

/// `result="answered"`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabel {
    result: String,
}

/// The probe counters (only when something is probed): phones asked since start by result,
/// runs ended, the run under way.
fn probe_metrics(reg: &mut Registry, p: &crate::probe::Status) {
    let results = Family::<ResultLabel, Counter>::default();
    reg.register("itlctl_probe_results", "Phones asked directly since start, by result", results.clone());
    let t = &p.total;
    for (result, n) in [
        ("answered", t.answered),
        ("unreachable", t.unreachable),
        ("no-web-access", t.no_web_access),
        ("not-understood", t.not_understood),
    ] {
        results.get_or_create(&ResultLabel { result: result.into() }).inc_by(n);
    }
    counter(reg, "itlctl_probe_runs", "Probe runs ended since start", i64::try_from(p.runs).unwrap_or(i64::MAX));
    gauge(reg, "itlctl_probe_running", "1 while a probe run is under way", i64::from(p.running.is_some()));
    let failed = p.last.as_ref().map_or(0, |r| r.counts.failed());
    gauge(reg, "itlctl_probe_last_failed", "Phones the last probe run could not read", failed as i64);
}

/// What one scrape reads from the database.
struct Stored {
    summary: itl::devicetlinfo::Summary,
    counts: (i64, i64, i64, i64),
    lost: i64,
    history: i64,
}

fn counter(reg: &mut Registry, name: &str, help: &str, v: i64) {
    let c: Counter = Counter::default();
    c.inc_by(u64::try_from(v).unwrap_or(0));
    reg.register(name, help, c);
}

fn gauge(reg: &mut Registry, name: &str, help: &str, v: i64) {
    let g: Gauge = Gauge::default();
    g.set(v);
    reg.register(name, help, g);
}

/// The metrics text of `app` now.
async fn metrics(State(app): State<App>) -> Response {
    let shared = app.shared.clone();
    let res = tokio::task::spawn_blocking(move || {
        shared.pool.with(|c| {
            Ok(Stored {
                summary: store::summary(c)?,
                counts: store::health(c)?,
                lost: store::lost(c)?,
                history: store::history_rows(c)?,
            })
        })
    })
    .await;
    let Ok(Ok(s)) = res else {
        return unavailable("the database cannot be read");
    };
    let w = &app.shared.writer;
    let refs = app.shared.refs();
    let mut reg = Registry::default();
    let phones = Family::<StatusLabel, Gauge>::default();
    reg.register("itlctl_phones", "Phones per ITL status", phones.clone());
    for (status, n) in [
        ("Match", s.summary.matched),
        ("Mismatch", s.summary.mismatch),
        ("Not Installed", s.summary.not_installed),
        ("Unknown", s.summary.unknown),
    ] {
        phones.get_or_create(&StatusLabel { status: status.into() }).set(i64::try_from(n).unwrap_or(i64::MAX));
    }
    let (_, reports, other, skipped) = s.counts;
    counter(&mut reg, "itlctl_reports_received", "DeviceTLInfo reports received, duplicates included", reports);
    counter(&mut reg, "itlctl_reports_stored", "Report history rows ever stored", s.history);
    counter(&mut reg, "itlctl_messages_skipped", "Messages that could not be read or failed the checks", skipped);
    counter(&mut reg, "itlctl_messages_other", "Syslog messages that were not reports", other);
    let lost = s.lost + i64::try_from(w.lost_unsaved()).unwrap_or(0);
    counter(&mut reg, "itlctl_reports_lost", "Reports dropped because the database could not be written", lost);
    counter(
        &mut reg,
        "itlctl_write_failures",
        "Database writes that failed since start",
        i64::try_from(w.failures()).unwrap_or(0),
    );
    gauge(&mut reg, "itlctl_reports_held", "Reports held for retry while writes fail", w.held() as i64);
    gauge(&mut reg, "itlctl_database_writable", "1 when the last write succeeded", i64::from(w.error().is_none()));
    let loaded = Family::<KindLabel, Gauge>::default();
    reg.register("itlctl_references_loaded", "Reference files in force", loaded.clone());
    for kind in ["ITL", "CTL"] {
        let n = refs.loaded.iter().filter(|l| l.kind == kind).count();
        loaded.get_or_create(&KindLabel { kind: kind.into() }).set(n as i64);
    }
    gauge(
        &mut reg,
        "itlctl_reference_problems",
        "Reference files that cannot be used (see /api/health)",
        refs.problems.len() as i64,
    );
    if let Some(p) = app.shared.probe.status() {
        probe_metrics(&mut reg, &p);
    }
    let mut out = String::new();
    if prometheus_client::encoding::text::encode(&mut out, &reg).is_err() {
        return crate::reply::plain(StatusCode::INTERNAL_SERVER_ERROR, "500: the metrics could not be written");
    }
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], out).into_response()
}

/// The `/metrics` route.
pub(crate) fn routes() -> axum::Router<App> {
    axum::Router::new().route("/metrics", axum::routing::get(metrics))
}
