//! The server-rendered pages (maud escapes every value), their stylesheet and the small
//! script that adds drag-and-drop. They work without JavaScript.

use axum::extract::{Path, Query, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use itl::devicetlinfo::{DeviceRow, Summary};
use itl::document::Document;
use itl::lint::Finding;
use itl::verify::Verification;
use maud::{html, Markup, DOCTYPE};

use crate::reply::unavailable;
use crate::store;
use crate::upload::{self, uploads, Reading};
use crate::{api, App, DevicesQuery};

const CSS: &str = include_str!("app.css");
const JS: &str = include_str!("app.js");

/// Rows a page of the fleet table shows.
pub const PAGE: i64 = 100;

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "max-age=3600")], CSS).into_response()
}

async fn js() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "max-age=3600")], JS)
        .into_response()
}

/// `2026-12-02 00:51 UTC`.
fn short_time(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms).map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()).unwrap_or_default()
}

pub(crate) fn page(title: &str, active: &str, body: Markup) -> Response {
    let nav = [("/", "Trust list"), ("/diff", "Compare"), ("/fleet", "Fleet"), ("/plan", "Plan")];
    let m = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · itlctl" }
                link rel="stylesheet" href="/static/app.css";
                script src="/static/app.js" defer {}
            }
            body {
                header.top {
                    a.brand href="/" { span.logo { "itl" } "ctl" }
                    nav {
                        @for (href, label) in nav {
                            a href=(href) class=[(active == href).then_some("active")] { (label) }
                        }
                    }
                }
                main { (body) }
                footer { "itlctl " (env!("CARGO_PKG_VERSION")) " · everything runs on this machine" }
            }
        }
    };
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], m.into_string()).into_response()
}

fn upload_form(action: &str, fields: &[(&str, &str)], multiple: bool, button: &str) -> Markup {
    html! {
        form.drop method="post" action=(action) enctype="multipart/form-data" {
            @for (name, label) in fields {
                label.file {
                    span { (label) }
                    input type="file" name=(name) multiple[multiple] accept=".tlv,.sgn,.enc.sgn,.sha512";
                }
            }
            p.hint { "Drop files here or choose them. Nothing leaves this machine." }
            button type="submit" { (button) }
        }
    }
}

async fn index() -> Response {
    page(
        "Trust list",
        "/",
        html! {
            h1 { "What does this trust list hold?" }
            p.lead { "Drop an " code { "ITLFile.tlv" } ", " code { "CTLFile.tlv" } ", " code { "ITLSEP<mac>.tlv" }
                " or a signed " code { ".sgn" } " file: the verdict, its checksums as phones show them, CUCM's "
                code { "show itl" } " text and what needs attention." }
            (upload_form("/", &[("file", "Files")], true, "Read"))
        },
    )
}

fn checksums_table(bytes: &[u8]) -> Markup {
    let c = itl::hash::Checksums::of(bytes);
    let rows: [(&str, &[u8]); 4] =
        [("MD5", &c.md5), ("SHA-1", &c.sha1), ("SHA-256", &c.sha256), ("SHA-512", &c.sha512)];
    html! {
        table.sums {
            @for (n, d) in rows {
                tr { th { (n) } td { code { (itl::text::spaced_hex(d)) } } }
            }
        }
    }
}

/// The verdict of a trust list: valid or INVALID, the token that signed it, the signer.
fn verdict(list: &itl::TrustList<'_>, v: &Verification, kind: itl::Kind) -> Markup {
    let ok = v.is_valid();
    let vj = itl::json::VerificationJson::new(list, v, None);
    html! {
        div class=(if ok { "verdict ok" } else { "verdict bad" }) data-verdict=(if ok { "valid" } else { "INVALID" }) {
            strong { (if ok { "valid" } else { "INVALID" }) }
            " " (kind.as_str()) ", "
            @if ok {
                "signed by " b { (v.token.as_str()) }
                @if let Some(r) = v.signer_record { " (record #" (r) ")" }
            } @else {
                (v.reason.as_ref().map_or_else(|| v.status.as_str().to_owned(), ToString::to_string))
            }
            div.signer {
                (vj.signer.as_deref().unwrap_or("?"))
                @if let Some(s) = &vj.serial { " · serial " code { (s) } }
                @if let Some(d) = &vj.digest { " · " (d) }
                " · " (list.records.len()) " records"
            }
        }
    }
}

fn findings_table(findings: &[Finding]) -> Markup {
    html! {
        h3 { "Findings" }
        @if findings.is_empty() {
            p.none { "No findings." }
        } @else {
            table.findings {
                tr { th { "severity" } th { "code" } th { "record" } th { "message" } }
                @for f in findings {
                    @let sev = f.severity.as_str();
                    tr {
                        td { span class={ "sev " (sev) } { (sev) } }
                        td { code { (f.code) } }
                        td { @if let Some(r) = f.record { "#" (r) } }
                        td { (f.message) }
                    }
                }
            }
        }
    }
}

fn file_card(i: usize, r: &Reading<'_>) -> Markup {
    let u = r.upload;
    let name = u.name.as_deref();
    let (_, json) = api::show_json(r);
    let json_text = itl::json::to_string(&json);
    let show = r.doc.show(name, None).to_string();
    let body = match &r.doc {
        Document::TrustList(list, v) => html! {
            (verdict(list, v, r.kind()))
            h3 { "Checksums (as phones show them)" }
            (checksums_table(&u.bytes))
            (findings_table(r.findings.as_deref().unwrap_or_default()))
            h3 { "itlctl show" }
            pre.show id={ "show-" (i) } { (show) }
        },
        Document::Signed(f) => html! {
            div.verdict.info data-verdict="signed" {
                strong { "signed file" } " by " (f.header.signer_name().unwrap_or("?"))
                div.signer { "Its signature is checked against the ITL that holds the signer: "
                    code { "itlctl sgn verify FILE --itl ITLFile.tlv" } }
            }
            h3 { "Checksums (as phones show them)" }
            (checksums_table(&u.bytes))
            h3 { "itlctl show" }
            pre.show id={ "show-" (i) } { (show) }
        },
        Document::Image(img) => html! {
            @if img.payload_matches() {
                div.verdict.info data-verdict="cisco-image" {
                    strong { "Cisco phone image" } " " (img.file_name().unwrap_or("?"))
                    div.signer { "The payload has the SHA-256 its header gives; the signature is Cisco's own, \
                        which phones check with the key in their firmware." }
                }
            } @else {
                div.verdict.bad data-verdict="invalid" {
                    strong { "INVALID" } " the payload does not have the SHA-256 its header gives"
                }
            }
            h3 { "Checksums (as phones show them)" }
            (checksums_table(&u.bytes))
            h3 { "itlctl show" }
            pre.show id={ "show-" (i) } { (show) }
        },
        Document::Broken { error, .. } => html! {
            div.verdict.bad data-verdict="malformed" { strong { "INVALID" } " not a trust list: "
                (error.located()) }
            h3 { "Checksums" }
            (checksums_table(&u.bytes))
            @if !show.is_empty() {
                h3 { "itlctl show" }
                pre.show id={ "show-" (i) } { (show) }
            }
        },
    };
    html! {
        section.card {
            h2 { (u.label()) span.size { (u.bytes.len()) " bytes" } }
            (body)
            details id={ "json-" (i) } {
                summary { "JSON (" code { "itlctl show --json" } ")" }
                pre.json { (json_text) }
            }
        }
    }
}

async fn index_post(State(app): State<App>, req: Request) -> Response {
    let ups = match uploads(req, &app.bodies).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    page(
        "Trust list",
        "/",
        html! {
            @if ups.is_empty() {
                div.verdict.bad { "No file was sent: choose one or more files." }
            }
            @for (i, u) in ups.iter().enumerate() { (file_card(i, &u.read(Some(90)))) }
            h2.again { "Another file" }
            (upload_form("/", &[("file", "Files")], true, "Read"))
        },
    )
}

async fn diff_page() -> Response {
    page(
        "Compare",
        "/diff",
        html! {
            h1 { "Will my phones accept the new trust list?" }
            p.lead { "The old file is the one the phones hold now; the new one is what the TFTP servers will serve." }
            (upload_form("/diff", &[("old", "Old (held by the phones)"), ("new", "New (to be served)")], false, "Compare"))
        },
    )
}

fn rec(r: &itl::diff::RecordRef) -> Markup {
    html! {
        td { "#" (r.index) } td { (r.role) } td { (r.subject.as_deref().unwrap_or("(no subject)")) }
        td { code { (r.serial.as_deref().unwrap_or("-")) } }
    }
}

async fn diff_post(State(app): State<App>, req: Request) -> Response {
    let ups = match uploads(req, &app.bodies).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let Some((old, new)) = upload::pair(&ups) else {
        return page(
            "Compare",
            "/diff",
            html! {
                div.verdict.bad { "Choose two files: the old one and the new one." }
                (upload_form("/diff", &[("old", "Old (held by the phones)"), ("new", "New (to be served)")], false, "Compare"))
            },
        );
    };
    let body = match upload::diff(old, new) {
        Err(e) => html! {
            div.verdict.bad { strong { "INVALID" } " " (e.file) ": " (e.error.message) }
        },
        Ok(d) => {
            use itl::diff::PhoneTrust as P;
            let (class, words) = match d.phone_trust {
                P::Accept => ("verdict ok", "Phones holding the old file accept the new one directly."),
                P::AcceptViaTvs => ("verdict ok", "Phones holding the old file accept the new one after asking TVS."),
                P::Reject => ("verdict bad", "Phones holding the old file reject the new one: they show \"Trust List Update Failed\" and need utils itl reset or a manual ITL deletion."),
            };
            let json_text = itl::json::to_string(&d);
            html! {
                div class=(class) data-verdict=(d.phone_trust.as_str()) {
                    strong { (d.phone_trust.as_str()) } " " (words)
                    div.signer { (d.reason) }
                }
                p { "Signer " (if d.signer_changed { "changed" } else { "unchanged" }) ". "
                    (d.added.len()) " added, " (d.removed.len()) " removed, " (d.changed.len()) " changed." }
                @if !(d.added.is_empty() && d.removed.is_empty() && d.changed.is_empty()) {
                    table.findings {
                        tr { th { "" } th { "#" } th { "role" } th { "subject" } th { "serial" } th { "what" } }
                        @for r in &d.added { tr.added { td { "added" } (rec(r)) td {} } }
                        @for r in &d.removed { tr.removed { td { "removed" } (rec(r)) td {} } }
                        @for c in &d.changed { tr.changed { td { "changed" } (rec(&c.new)) td { (c.what.join(", ")) } } }
                    }
                }
                details { summary { "JSON (" code { "itlctl diff --json" } ")" } pre.json { (json_text) } }
            }
        }
    };
    page(
        "Compare",
        "/diff",
        html! {
            h1 { (old.name.as_deref().unwrap_or("old")) " → " (new.name.as_deref().unwrap_or("new")) }
            (body)
            h2.again { "Compare others" }
            (upload_form("/diff", &[("old", "Old (held by the phones)"), ("new", "New (to be served)")], false, "Compare"))
        },
    )
}

fn status_class(s: &str) -> &'static str {
    match s {
        "Match" => "st match",
        "Mismatch" => "st mismatch",
        "Not Installed" => "st notinst",
        _ => "st unknown",
    }
}

fn bar_chart(s: &Summary) -> Markup {
    let bars = [
        ("Match", s.matched, "match"),
        ("Mismatch", s.mismatch, "mismatch"),
        ("Not Installed", s.not_installed, "notinst"),
        ("Unknown", s.unknown, "unknown"),
    ];
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let (w, h, left, bh, gap) = (520.0, 176.0, 110.0, 30.0, 14.0);
    html! {
        svg.chart.bars viewBox={ "0 0 " (w) " " (h) } role="img" aria-label="Phones per ITL status" {
            @for (i, (label, n, class)) in bars.iter().enumerate() {
                @let y = 8.0 + i as f64 * (bh + gap);
                @let len = ((w - left - 70.0) * (*n as f64) / max).max(if *n > 0 { 2.0 } else { 0.0 });
                a href={ "/fleet?status=" (label.replace(' ', "+")) } {
                    text x=(left - 10.0) y=(y + bh / 2.0 + 5.0) text-anchor="end" class="lbl" { (label) }
                    rect x=(left) y=(y) width=(w - left - 70.0) height=(bh) rx="4" class="track" {}
                    rect x=(left) y=(y) width=(format!("{len:.1}")) height=(bh) rx="4" class={ "bar " (class) } data-status=(label) data-count=(n) {}
                    text x=(left + len + 8.0) y=(y + bh / 2.0 + 5.0) class="num" { (n) }
                }
            }
        }
    }
}

fn line_chart(points: &[(i64, i64, i64)]) -> Markup {
    let (w, h, l, r, t, b) = (520.0, 176.0, 44.0, 12.0, 10.0, 28.0);
    let pw = w - l - r;
    let ph = h - t - b;
    if points.is_empty() {
        return html! { p.none { "No reports yet: the chart starts with the first one." } };
    }
    let (t0, t1) = (points[0].0, points.last().map_or(0, |p| p.0).max(points[0].0 + 3600));
    let x = |ts: i64| l + pw * (ts - t0) as f64 / (t1 - t0) as f64;
    let y = |share: f64| t + ph * (1.0 - share);
    let share = |p: &(i64, i64, i64)| if p.1 > 0 { p.2 as f64 / p.1 as f64 } else { 0.0 };
    let path: Vec<String> = points.iter().map(|p| format!("{:.1},{:.1}", x(p.0), y(share(p)))).collect();
    let fmt =
        |ts: i64| jiff::Timestamp::from_second(ts).map(|t| t.strftime("%b %d %H:00").to_string()).unwrap_or_default();
    let last = points.last().map(share).unwrap_or(0.0);
    html! {
        svg.chart.line viewBox={ "0 0 " (w) " " (h) } role="img" aria-label="Share of phones on the current ITL, per hour" {
            @for pct in [0, 25, 50, 75, 100] {
                @let yy = y(f64::from(pct) / 100.0);
                line x1=(l) x2=(w - r) y1=(yy) y2=(yy) class="grid" {}
                text x=(l - 6.0) y=(yy + 4.0) text-anchor="end" class="axis" { (pct) "%" }
            }
            text x=(l) y=(h - 8.0) class="axis" { (fmt(t0)) }
            text x=(w - r) y=(h - 8.0) text-anchor="end" class="axis" { (fmt(t1)) }
            @if points.len() > 1 {
                polyline points=(path.join(" ")) class="share" {}
            }
            @for p in points {
                circle cx=(format!("{:.1}", x(p.0))) cy=(format!("{:.1}", y(share(p)))) r="3" class="pt" {
                    title { (fmt(p.0)) ": " (format!("{:.1}", share(p) * 100.0)) "% of " (p.1) " phones" }
                }
            }
            text x=(w - r) y=(t + 14.0) text-anchor="end" class="big" { (format!("{:.0}", last * 100.0)) "%" }
        }
    }
}

fn query_string(status: Option<&str>, q: Option<&str>, page: Option<i64>) -> String {
    let enc = enc_path;
    let mut parts = Vec::new();
    if let Some(s) = status.filter(|s| !s.is_empty()) {
        parts.push(format!("status={}", enc(s)));
    }
    if let Some(s) = q.filter(|s| !s.is_empty()) {
        parts.push(format!("q={}", enc(s)));
    }
    if let Some(p) = page.filter(|&p| p > 1) {
        parts.push(format!("page={p}"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

async fn fleet(State(app): State<App>, Query(q): Query<DevicesQuery>) -> Response {
    let refs = app.shared.refs();
    let problems = app.shared.problems();
    let pageno = q.page.unwrap_or(1).max(1);
    let f = q.filter();
    let shared = app.shared.clone();
    let res = tokio::task::spawn_blocking(move || {
        shared.pool.with(|c| {
            let total = store::summary(c)?;
            let n = store::count_phones(c, &f)?;
            let stored = store::phones(c, &f, (pageno - 1) * PAGE, PAGE)?;
            let since = jiff::Timestamp::now().as_second() - 14 * 86_400;
            let points = store::hourly(c, since)?;
            Ok((total, n, stored, points))
        })
    })
    .await;
    let Ok(Ok((total, n, stored, mut points))) = res else {
        return unavailable("the database cannot be read");
    };
    let phones = total.matched + total.mismatch + total.not_installed + total.unknown;
    // The current hour's point is the live count, not the last snapshot of it (taken every
    // 10 s), so the chart follows the bars from the first report on.
    let hour = jiff::Timestamp::now().as_second().div_euclid(3600) * 3600;
    points.retain(|p| p.0 < hour);
    if phones > 0 || !points.is_empty() {
        points.push((hour, phones as i64, total.matched as i64));
    }
    // The page's rows, through the library (as `devices` would print them).
    let mut latest = itl::devicetlinfo::Latest::default();
    let mut seen = Vec::with_capacity(stored.len());
    for p in stored {
        seen.push((p.last_seen, p.probe));
        latest.add(p.report);
    }
    let (rows, _) = latest.rows(&refs.itl, &refs.ctl);
    let rows: Vec<(DeviceRow, (i64, store::Extra))> = rows.into_iter().zip(seen).collect();
    let probe = app.shared.probe.status();
    let pages = ((n + PAGE - 1) / PAGE).max(1);
    let status = q.status.as_deref().unwrap_or("");
    let qtext = q.q.as_deref().unwrap_or("");
    let body = html! {
        @for p in &problems {
            div.verdict.bad.problem role="alert" { strong { "Attention" } " " (p) }
        }
        div.fleet-head {
            h1 { "Fleet" }
            div.meta {
                (phones) " phones · "
                @if refs.loaded.is_empty() { span.warn { "no reference ITL given (--itl): every status is Unknown" } }
                @for l in &refs.loaded {
                    span.ref title=(l.file) { (l.kind) @if let Some(h) = &l.host { " " (h) } " " code { (&l.sha1[..12]) "…" } }
                }
            }
        }
        div.charts {
            section.card {
                h2 { "Phones per ITL status" }
                (bar_chart(&total))
            }
            section.card {
                h2 { "On the current ITL, per hour" }
                (line_chart(&points))
            }
        }
        (crate::probe_view::card(probe.as_ref()))
        section.card {
            form.filter method="get" action="/fleet" {
                select name="status" {
                    option value="" selected[status.is_empty()] { "Every status" }
                    @for s in ["Match", "Mismatch", "Not Installed", "Unknown"] {
                        option value=(s) selected[status == s] { (s) }
                    }
                }
                input type="search" name="q" value=(qtext) placeholder="Device name contains…";
                button type="submit" { "Filter" }
                span.count { (n) " phones" }
                span.links {
                    a href={ "/api/devices.csv" (query_string(Some(status), Some(qtext), None)) } { "CSV" }
                    a href={ "/api/devices" (query_string(Some(status), Some(qtext), None)) } { "JSON" }
                }
            }
            table.phones {
                thead { tr { th { "Device" } th { "IPv4" } th { "TFTP server" } th { "ITL hash" } th { "ITL" } th { "CTL" } th { "Source" } th { "Last report" } } }
                tbody {
                    @for (r, (t, extra)) in &rows {
                        tr {
                            td { a href={ "/fleet/" (enc_path(&r.device)) } { (r.device) } }
                            td { (r.ipv4.as_deref().unwrap_or("")) }
                            td { (r.itl_tftp_server.as_deref().unwrap_or("")) }
                            td.hash { (phone_hash(r.itl_hash.as_deref())) }
                            td { span class=(status_class(r.itl_status.as_str())) { (r.itl_status.as_str()) } }
                            td { span class=(status_class(r.ctl_status.as_str())) { (r.ctl_status.as_str()) } }
                            td.source { (crate::probe_view::source_cell(extra, short_time)) }
                            td.time { (short_time(*t)) }
                        }
                    }
                    @if rows.is_empty() {
                        tr { td colspan="8" .none { "No phone matches. Point CUCM's remote syslog here, or POST reports to /api/reports." } }
                    }
                }
            }
            @if pages > 1 {
                nav.pager {
                    @if pageno > 1 { a href={ "/fleet" (query_string(Some(status), Some(qtext), Some(pageno - 1))) } { "← previous" } }
                    span { "page " (pageno) " of " (pages) }
                    @if pageno < pages { a href={ "/fleet" (query_string(Some(status), Some(qtext), Some(pageno + 1))) } { "next →" } }
                }
            }
        }
    };
    page("Fleet", "/fleet", body)
}

/// A hash in the phone's format (`1B A1 C9 …`), or the phone's words.
fn phone_hash(h: Option<&str>) -> String {
    match h {
        Some(x) => match hex::decode(x) {
            Ok(b) if !b.is_empty() => itl::text::spaced_hex(&b),
            _ => x.to_owned(),
        },
        None => String::new(),
    }
}

/// Percent-encodes `s` for a path segment or a query value (all but `A-Z a-z 0-9 - _ . ~`).
fn enc_path(s: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
    percent_encoding::utf8_percent_encode(s, KEEP).to_string()
}

async fn phone(State(app): State<App>, Path(device): Path<String>) -> Response {
    let refs = app.shared.refs();
    let d = device.clone();
    let res = tokio::task::spawn_blocking(move || app.shared.pool.with(|c| store::history(c, &d, 500))).await;
    let Ok(Ok(rows)) = res else {
        return unavailable("the database cannot be read");
    };
    page(
        &device,
        "/fleet",
        html! {
            p.back { a href="/fleet" { "← Fleet" } }
            h1 { (device) }
            p.meta { (rows.len()) " reports, newest first · " a href={ "/api/devices/" (enc_path(&device)) } { "JSON" } }
            section.card {
                table.phones {
                    thead { tr { th { "Received" } th { "Via" } th { "IPv4" } th { "TFTP server" } th { "ITL hash" } th { "ITL" } th { "CTL" } } }
                    tbody {
                        @for h in &rows {
                            @let (is, cs) = store::statuses(&h.report, &refs.itl, &refs.ctl);
                            tr {
                                td.time { (short_time(h.received)) }
                                td { (h.source.as_deref().unwrap_or("")) @if let Some(r) = &h.probe.reason { " (" (r) ")" } }
                                td { (h.report.ipv4.as_deref().unwrap_or("")) }
                                td { (h.report.itl_tftp_server.as_deref().unwrap_or("")) }
                                td.hash { (h.report.itl_signature.as_deref().unwrap_or("")) }
                                td { span class=(status_class(is)) { (is) } }
                                td { span class=(status_class(cs)) { (cs) } }
                            }
                        }
                        @if rows.is_empty() { tr { td colspan="7" .none { "No report from this phone." } } }
                    }
                }
            }
        },
    )
}

/// The pages' routes.
pub(crate) fn routes() -> axum::Router<App> {
    use axum::routing::get;
    axum::Router::new()
        .route("/", get(index).post(index_post))
        .route("/diff", get(diff_page).post(diff_post))
        .route("/fleet", get(fleet))
        .route("/fleet/{device}", get(phone))
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(js))
}
