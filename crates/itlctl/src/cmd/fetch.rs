//! `itlctl fetch URL... [-o DIR]`: trust lists from TFTP servers (tftp://, http://, https://),
//! saved byte for byte.

use clap::Args;
use itl_transport as transport;

use crate::exit::{FAILED, OK};
use crate::input::fail;
use crate::term::{self, outln};

// The arguments of `fetch` (no doc comment: see `Command` in lib.rs).
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// The URLs.
    #[arg(required = true)]
    urls: Vec<String>,
    /// The folder to save into.
    #[arg(short, long, default_value = ".")]
    output: String,
}

/// Runs `fetch`: saves each file as downloaded.
pub fn run(args: &FetchArgs) -> u8 {
    let (urls, dir) = (&args.urls, &args.output);
    let mut code = OK;
    let bar = term::fetch_bar(urls.len(), crate::jobs::many(urls));
    for url in urls {
        bar.set_message(url.clone());
        if !transport::is_url(url) {
            bar.suspend(|| fail(url, "not a tftp://, http:// or https:// URL"));
            code = FAILED;
            bar.inc(1);
            continue;
        }
        let name = transport::fetch::file_name(url);
        let clash = urls.iter().filter(|u| *u != url && transport::fetch::file_name(u) == name).count() > 0;
        let name = if clash { format!("{}_{name}", transport::fetch::host(url)) } else { name };
        let path = std::path::Path::new(dir).join(&name);
        let res = transport::download(url)
            .map_err(String::from)
            .and_then(|b| crate::output::write_atomic(path.to_str().unwrap_or(&name), &b).map(|_| b));
        match res {
            Ok(b) => bar.suspend(|| {
                outln!(
                    "{url} -> {} ({} bytes, SHA-1 {})",
                    path.display(),
                    b.len(),
                    hex::encode(itl::hash::Checksums::of(&b).sha1)
                );
                // Saved as it came; but a server's error page or folder listing is no trust list.
                let lower = name.to_ascii_lowercase();
                let binary = lower.ends_with(".tlv") || lower.ends_with(".sgn");
                if let Some(what) = itl::sniff::describe(&b).filter(|w| binary && *w != itl::sniff::IMAGE) {
                    fail(url, &format!("warning: saved, but it is {what}; check the URL"));
                }
            }),
            Err(e) => {
                bar.suspend(|| fail(url, &e));
                code = FAILED;
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    code
}
