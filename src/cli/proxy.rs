//! `relation-contract proxy`: the validating, recording proxy ([`relation_contract::proxy`])
//! run until Ctrl-C or SIGTERM, each message's verdict printed as it is judged.

use relation_contract::proxy::{Proxy, ProxyEvent, ProxyOptions, ProxyResult};
use relation_contract::report::{HumanPrinter, JsonPrinter, Printer};
use relation_contract::serve::FaultStyle;
use serde::Serialize;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

/// What `--insecure` says, at the start and in the summary.
const INSECURE: &str = "--insecure: the upstream's TLS certificate is NOT checked; anyone between the proxy and the upstream can read and change this traffic";

/// The `proxy` command's arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct ProxyArgs {
    /// The real service: http://HOST[:PORT] or https://HOST[:PORT] (the client's path is
    /// kept: /Cust12345/Remote/Services85/Relation.svc goes to the same path upstream).
    #[arg(long, value_name = "URL")]
    upstream: String,
    /// Trust the CA certificates of this PEM file for an https upstream, besides the
    /// system's roots.
    #[arg(long, value_name = "FILE")]
    upstream_ca: Option<PathBuf>,
    /// Check no certificate of an https upstream (a sandbox with a self-signed one). Said
    /// loudly at the start and in the summary.
    #[arg(long)]
    insecure: bool,
    /// Address to listen on; port 0 picks a free port (the first line on stdout names it).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: String,
    /// Write every exchange into DIR as raw HTTP/1.1 request and response files, redacted.
    #[arg(long, value_name = "DIR")]
    record: Option<PathBuf>,
    /// Answer a request that breaks the contract as `serve` answers it (see --faults)
    /// instead of forwarding it: the upstream never sees it.
    #[arg(long)]
    enforce: bool,
    /// How --enforce answers, as `serve` does: `wcf` as the real WCF service does (415,
    /// 400, ActionNotSupported, DeserializationFailed, ...), `contract` with one uniform
    /// HTTP 500 s:Client Fault.
    #[arg(long, value_enum, default_value = "wcf")]
    faults: crate::FaultsArg,
    /// The contract version messages are held to: auto (the default: the one each
    /// message's namespace names) or services84 ... services88.
    #[arg(long, default_value = "auto", value_parser = crate::parse_contract)]
    contract: relation_contract::contract::ContractChoice,
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

/// Runs the proxy: 0 when every message honoured the contract, 1 when one broke it (or was
/// too large to judge: `capture.too-large`), 2 when the proxy cannot start (a bad
/// upstream URL or CA file, an address taken).
///
/// `RELATION_CONTRACT_PROXY_TIMEOUT_MS`, when set, is the upstream timeout (for tests).
pub fn run(args: ProxyArgs) -> u8 {
    let format = args.format;
    let sink = move |event: &ProxyEvent| match event {
        ProxyEvent::Result(r) => print_result(format, r),
        ProxyEvent::Warning(w) => crate::serve_say(&format!("warning: {w}")),
    };
    let insecure = args.insecure;
    let mut opts = ProxyOptions {
        addr: args.addr.clone(),
        upstream: args.upstream,
        upstream_ca: args.upstream_ca,
        insecure,
        record: args.record,
        enforce: args.enforce,
        faults: match args.faults {
            crate::FaultsArg::Wcf => FaultStyle::Wcf,
            crate::FaultsArg::Contract => FaultStyle::Contract,
        },
        contract: args.contract,
        events: Some(Arc::new(sink)),
        ..ProxyOptions::default()
    };
    if let Some(ms) = std::env::var("RELATION_CONTRACT_PROXY_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        let ms = std::time::Duration::from_millis(ms);
        opts.timeout = ms;
        opts.limits.header_timeout = ms;
        opts.limits.body_timeout = ms;
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
    if insecure {
        crate::serve_say(&format!("warning: {INSECURE}"));
    }
    if let Err(e) = crate::wait_for_signal() {
        crate::serve_say(&format!(
            "warning: cannot wait for a signal ({e}); stopping"
        ));
    }
    let stats = proxy.stop();
    let summary = &stats.summary;
    let mut out = io::stdout().lock();
    let _ = match format {
        ProxyFormat::Human => HumanPrinter::new(&mut out, false).finish(summary),
        ProxyFormat::Json => JsonPrinter::new(&mut out).finish(summary),
    };
    crate::serve_say(&format!(
        "stopped after {} exchanges ({} forwarded, {} refused, {} upstream errors), {} of {} messages broke the contract",
        stats.exchanges, stats.forwarded, stats.refused, stats.upstream_errors, stats.invalid, stats.messages
    ));
    if insecure {
        crate::serve_say(&format!("warning: {INSECURE}"));
    }
    u8::from(stats.invalid > 0)
}
