//! `GET /plan`: choose the certificates to regenerate and see the steps with their simulated
//! verdicts, on the reference trust lists the server holds (`--itl`, `--ctl`). The plan is
//! the library's ([`itl::plan::plan`], the call `itlctl plan` makes); this page only reads
//! the form and renders. A plain GET form: it works without JavaScript.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use itl::plan::{Cert, Plan, PlanError, Release, Served, Step, Verdict};
use maud::{html, Markup};

use crate::pages::page;
use crate::refs::Loaded;
use crate::App;

/// The releases `--release` takes, as the form offers them.
const RELEASES: [&str; 4] = ["11.5", "12.5", "14", "15"];

/// At most this many `regenerate` values are read (there are 8 certificates).
const MAX_VALUES: usize = 16;

/// A plan takes up to a second of key generation: one at a time.
static BUSY: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

/// What the form asked.
#[derive(Debug, Default)]
struct Form {
    /// Whether the form was sent (any query at all).
    sent: bool,
    /// The `regenerate` values as given (each cut to 64 characters).
    regenerate: Vec<String>,
    /// `release`, empty for "read from the files".
    release: String,
}

fn cut(s: &str) -> String {
    s.chars().take(64).collect()
}

impl Form {
    fn read(query: Option<&str>) -> Form {
        let mut f = Form { sent: query.is_some_and(|q| !q.is_empty()), ..Form::default() };
        for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            match &*k {
                "regenerate" if f.regenerate.len() < MAX_VALUES => {
                    // `regenerate=callmanager,tvs` works as on the command line.
                    for name in v.split(',').filter(|n| !n.trim().is_empty()).take(MAX_VALUES) {
                        f.regenerate.push(cut(name.trim()));
                    }
                }
                "release" => f.release = cut(v.trim()),
                _ => {}
            }
        }
        f
    }

    /// The certificates and release asked for, in the library's types.
    fn request(&self) -> Result<(Vec<Cert>, Option<Release>), PlanError> {
        let certs = Cert::parse_list(&self.regenerate.join(","))?;
        let release = match self.release.as_str() {
            "" => None,
            r => Some(Release::parse(r).ok_or_else(|| PlanError::UnknownRelease(r.to_owned()))?),
        };
        Ok((certs, release))
    }

    fn checked(&self, c: Cert) -> bool {
        self.regenerate.iter().any(|n| Cert::parse(n) == Some(c))
    }
}

/// The plan over the reference files, as `itlctl plan --itl HOST=FILE... --ctl FILE` makes it.
fn run(itls: &[Loaded], ctl: Option<&Loaded>, certs: &[Cert], release: Option<Release>) -> Result<Plan, String> {
    fn parse(l: &Loaded) -> Result<itl::TrustList<'_>, String> {
        itl::TrustList::parse(&l.bytes)
            .map_err(|e| format!("{}: not a well-formed trust list: {}", l.file, e.located()))
    }
    let lists = itls.iter().map(parse).collect::<Result<Vec<_>, _>>()?;
    let ctl_list = ctl.map(parse).transpose()?;
    let served: Vec<Served<'_, '_>> = itls
        .iter()
        .zip(&lists)
        .map(|(l, list)| Served { host: l.host.as_deref(), file: Some(&l.file), list })
        .collect();
    itl::plan::plan(&served, ctl_list.as_ref(), certs, release).map_err(|e| e.to_string())
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Accept | Verdict::AcceptViaTvs => "pv ok",
        Verdict::Unchanged => "pv same",
        Verdict::Reject => "pv bad",
    }
}

fn form(f: &Form) -> Markup {
    html! {
        form.plan-form method="get" action="/plan" {
            fieldset {
                legend { "Certificates to regenerate" }
                div.certs {
                    @for c in Cert::ALL {
                        label.cert {
                            input type="checkbox" name="regenerate" value=(c.as_str()) checked[f.checked(c)];
                            span { (c.cucm_name()) }
                        }
                    }
                }
            }
            label.release {
                span { "Release" }
                select name="release" {
                    option value="" selected[f.release.is_empty()] { "read from the files" }
                    @for r in RELEASES {
                        option value=(r) selected[f.release == r] { (r) }
                    }
                }
            }
            button type="submit" { "Plan" }
        }
    }
}

fn references(itls: &[&Loaded], ctl: &[&Loaded]) -> Markup {
    html! {
        p.meta.refs {
            @if itls.is_empty() {
                span.warn { "No reference ITL: start " code { "itlctl serve" } " with " code { "--itl [HOST=]FILE" }
                    " (the ITL each TFTP server serves) to plan on it." }
            } @else {
                "Simulated on "
                @for l in itls.iter().chain(ctl) {
                    span.ref title=(l.file) { (l.kind) @if let Some(h) = &l.host { " " (h) } " " code { (&l.sha1[..12]) "…" } }
                }
                @if ctl.len() > 1 { " (the first CTL is used)" }
                ". Nothing on the cluster is touched."
            }
        }
    }
}

fn step_card(s: &Step) -> Markup {
    let names: Vec<&str> = s.regenerate.iter().map(|c| c.cucm_name()).collect();
    html! {
        li.card.step data-step=(s.step) data-online=(s.phones.online.as_str()) data-offline=(s.phones.offline_since_start.as_str()) {
            div.step-head {
                h2 { "Step " (s.step) " · " (names.join(" + "))
                    @if s.second_half { span.half { "second half: the new ITLRecovery signs" } } }
                div.phones {
                    span.lbl { "online phones" } span class=(verdict_class(s.phones.online)) { (s.phones.online.as_str()) }
                    span.lbl { "off since before step 1" }
                    span class=(verdict_class(s.phones.offline_since_start)) { (s.phones.offline_since_start.as_str()) }
                }
            }
            p.meta { "ITL signed by " b { (s.itl_signer) } " after this step"
                @if s.ctl_update { " · the CTL is updated before any restart" } }
            ol.commands { @for c in &s.commands { li { (c) } } }
            h3 { "Gate before the next step" }
            ul.gate { @for g in &s.gate { li { code { (g) } } } }
        }
    }
}

/// The command line that prints the same plan.
fn command_line(itls: &[&Loaded], ctl: Option<&Loaded>, certs: &[Cert], release: Option<&str>) -> String {
    let mut out = String::from("itlctl plan");
    for l in itls {
        match &l.host {
            Some(h) => out.push_str(&format!(" --itl {h}={}", l.file)),
            None => out.push_str(&format!(" --itl {}", l.file)),
        }
    }
    if let Some(c) = ctl {
        out.push_str(&format!(" --ctl {}", c.file));
    }
    let mut sorted = certs.to_vec();
    sorted.sort();
    let names: Vec<&str> = sorted.iter().map(|c| c.as_str()).collect();
    out.push_str(&format!(" --regenerate {}", names.join(",")));
    if let Some(r) = release.filter(|r| !r.is_empty()) {
        out.push_str(&format!(" --release {r}"));
    }
    out
}

fn plan_body(p: &Plan, cmd: &str) -> Markup {
    let ok = p.keeps_online_phones();
    html! {
        div class=(if ok { "verdict ok" } else { "verdict bad" }) data-verdict=(if ok { "keeps-online-phones" } else { "online-reject" }) {
            @if ok {
                strong { "Safe" } " Every step keeps the phones that follow it accepting the new trust lists."
            } @else {
                strong { "Reject" } " A step makes online phones reject the new trust lists, whatever the order: see the findings for the recovery."
            }
            div.signer {
                "CUCM " (p.release) @if p.release_assumed { " (assumed)" } " · "
                @match p.ctl_signer { Some(s) => { "mixed mode, CTL signed by " (s) }, None => { "non-secure (no CTL)" } }
                " · nodes: " @if p.nodes.is_empty() { "none named in the files" } @else { (p.nodes.join(", ")) }
            }
        }
        ol.steps { @for s in &p.steps { (step_card(s)) } }
        section.card {
            h3 { "Findings" }
            table.findings {
                tr { th { "severity" } th { "code" } th { "step" } th { "message" } }
                @for f in &p.findings {
                    @let sev = f.severity.as_str();
                    tr {
                        td { span class={ "sev " (sev) } { (sev) } }
                        td { code { (f.code) } }
                        td { @if let Some(n) = f.step { (n) } }
                        td { (f.message) }
                    }
                }
            }
            p.meta { "The same plan on the command line: " code { (cmd) } }
            details { summary { "JSON (" code { "itlctl plan --json" } ")" } pre.json { (p.to_json()) } }
        }
    }
}

fn with_status(status: StatusCode, mut r: Response) -> Response {
    *r.status_mut() = status;
    r
}

async fn plan_page(State(app): State<App>, RawQuery(query): RawQuery) -> Response {
    let f = Form::read(query.as_deref());
    let refs = app.shared.refs();
    let itls: Vec<&Loaded> = refs.loaded.iter().filter(|l| l.kind == "ITL").collect();
    let ctls: Vec<&Loaded> = refs.loaded.iter().filter(|l| l.kind == "CTL").collect();
    let head = html! {
        h1 { "Plan a certificate regeneration" }
        p.lead { "Choose the certificates to regenerate: the steps in the order Cisco's procedures give, CUCM's commands, the "
            "check before each next step, and the simulated verdict of the phones, as " code { "itlctl plan" } " prints them." }
        (references(&itls, &ctls))
        (form(&f))
    };
    let show = |status: StatusCode, body: Markup| with_status(status, page("Plan", "/plan", html! { (head) (body) }));
    if !f.sent {
        return show(StatusCode::OK, html! {});
    }
    let (certs, release) = match f.request() {
        Ok(r) => r,
        Err(e) => {
            return show(
                StatusCode::BAD_REQUEST,
                html! { div.verdict.bad role="alert" data-verdict="error" { strong { "Not planned" } " " (e.to_string()) } },
            )
        }
    };
    if itls.is_empty() {
        return show(
            StatusCode::CONFLICT,
            html! {
                div.verdict.bad role="alert" data-verdict="error" { strong { "Not planned" } " this server holds no reference ITL (--itl)" }
            },
        );
    }
    let cmd = command_line(&itls, ctls.first().copied(), &certs, Some(&f.release));
    let (itl_owned, ctl_owned): (Vec<Loaded>, Option<Loaded>) =
        (itls.iter().map(|l| (*l).clone()).collect(), ctls.first().map(|l| (*l).clone()));
    let Ok(_permit) = BUSY.acquire().await else {
        return show(StatusCode::SERVICE_UNAVAILABLE, html! { div.verdict.bad { "the planner is not available" } });
    };
    let res = tokio::task::spawn_blocking(move || run(&itl_owned, ctl_owned.as_ref(), &certs, release)).await;
    match res {
        Ok(Ok(p)) => show(StatusCode::OK, plan_body(&p, &cmd)),
        Ok(Err(e)) => show(
            StatusCode::UNPROCESSABLE_ENTITY,
            html! { div.verdict.bad role="alert" data-verdict="error" { strong { "Not planned" } " " (e) } },
        ),
        Err(_) => show(
            StatusCode::INTERNAL_SERVER_ERROR,
            html! { div.verdict.bad role="alert" data-verdict="error" { strong { "Not planned" } " the planner stopped" } },
        ),
    }
}

/// The page's route.
pub(crate) fn routes() -> axum::Router<App> {
    axum::Router::new().route("/plan", axum::routing::get(plan_page))
}
