//! `relation-contract proxy`: the validating, recording proxy ([`relation_contract::proxy`])
//! run until Ctrl-C or SIGTERM, each message's verdict printed as it is judged.

use relation_contract::proxy::{Proxy, ProxyEvent, ProxyOptions, ProxyResult};
use relation_contract::report::{HumanPrinter, JsonPrinter, Printer, Summary};
use serde::Serialize;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

/// The `proxy` command's arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct ProxyArgs {
    /// The real service: http://HOST:PORT (the client's path is kept).
    #[arg(long, value_name = "URL")]
    upstream: String,
    /// Address to listen on; port 0 picks a free port (the first line on stdout names it).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: String,
    /// Write every exchange into DIR as raw HTTP/1.1 request and response files, redacted.
    #[arg(long, value_name = "DIR")]
    record: Option<PathBuf>,
    /// Answer a request that breaks the contract with the stub's contract Fault instead of
    /// forwarding it.
    #[arg(long)]
    enforce: bool,
    /// How each verdict is printed: human (as `validate` prints) or json (JSON lines with
    /// `direction` and `exchange`).
    #[arg(long, value_enum, default_value = "human")]
    format: ProxyFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ProxyFormat {
    Human,
    Json,
}

#[derive(Serialize)]
struct Line<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    result: &'a ProxyResult,
}

fn print_result(format: ProxyFormat, r: &ProxyResult) {
    let mut out = io::stdout().lock();
    // A closed stdout is no reason to stop proxying.
    let _ = match format {
        ProxyFormat::Human => HumanPrinter::new(&mut out, false).item(&r.item),
        ProxyFormat::Json => serde_json::to_writer(
            &mut out,
            &Line {
                kind: "document",
                result: r,
            },
        )
        .map_err(io::Error::other)
        .and_then(|()| out.write_all(b"\n")),
    };
    let _ = out.flush();
}

/// Runs the proxy: 0 when every message honoured the contract, 1 when one broke it, 2 when
/// the proxy cannot start.
///
/// `RELATION_CONTRACT_PROXY_TIMEOUT_MS`, when set, is the upstream timeout (for tests).
pub fn run(args: ProxyArgs) -> u8 {
    let format = args.format;
    let sink = move |event: &ProxyEvent| match event {
        ProxyEvent::Result(r) => print_result(format, r),
        ProxyEvent::Warning(w) => crate::serve_say(&format!("warning: {w}")),
    };
    let mut opts = ProxyOptions {
        addr: args.addr.clone(),
        upstream: args.upstream,
        record: args.record,
        enforce: args.enforce,
        events: Some(Arc::new(sink)),
        ..ProxyOptions::default()
    };
    if let Some(ms) = std::env::var("RELATION_CONTRACT_PROXY_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        opts.timeout = std::time::Duration::from_millis(ms);
    }
    let proxy = match Proxy::start(opts) {
        Ok(p) => p,
        Err(e) => {
            crate::serve_say(&format!(
                "error: cannot start the proxy on {}: {e}",
                args.addr
            ));
            return 2;
        }
    };
    {
        let mut out = io::stdout().lock();
        let _ = writeln!(out, "listening on {}", proxy.url());
        let _ = out.flush();
    }
    if let Err(e) = crate::wait_for_signal() {
        crate::serve_say(&format!(
            "warning: cannot wait for a signal ({e}); stopping"
        ));
    }
    let results = proxy.results();
    let stats = proxy.stop();
    let mut summary = Summary::default();
    for r in &results {
        summary.add(&r.item);
    }
    let mut out = io::stdout().lock();
    let _ = match format {
        ProxyFormat::Human => HumanPrinter::new(&mut out, false).finish(&summary),
        ProxyFormat::Json => JsonPrinter::new(&mut out).finish(&summary),
    };
    crate::serve_say(&format!(
        "stopped after {} exchanges ({} forwarded, {} refused, {} upstream errors), {} of {} messages broke the contract",
        stats.exchanges, stats.forwarded, stats.refused, stats.upstream_errors, stats.invalid, stats.messages
    ));
    u8::from(stats.invalid > 0)
}
