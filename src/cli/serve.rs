//! `relation-contract serve`: the contract stub, its events printed on stderr, run until
//! Ctrl-C or SIGTERM. Also the stderr line writer and the signal wait `proxy` shares.

use super::parse_contract;
use relation_contract::contract::{Contract, ContractChoice};
use relation_contract::report;
use std::io::{self, Write};
use std::path::PathBuf;

/// The `serve` command's arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the first line on stdout names it).
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: String,
    /// Write every exchange into DIR as raw HTTP/1.1 request and response files, redacted.
    #[arg(long, value_name = "DIR")]
    record: Option<PathBuf>,
    /// Keep the store in FILE across restarts (JSON, replaced atomically on every change).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// How a contract break is answered: `wcf` as the real WCF service does (415, 400,
    /// 413, ActionNotSupported, DeserializationFailed, ...), `contract` with one uniform
    /// HTTP 500 s:Client Fault.
    #[arg(long, value_enum, default_value = "wcf")]
    faults: FaultsArg,
    /// A Ticket the stub accepts (repeatable). With none, any non-empty Ticket is
    /// accepted; with some, any other gets NetServer's ExceptionInfo error.
    #[arg(long = "ticket", value_name = "VALUE")]
    tickets: Vec<String>,
    /// A scenario file (JSON; repeatable, rules tried in the order given): scripted
    /// answers for matching valid requests. A bad file keeps the stub from starting.
    #[arg(long = "scenario", value_name = "FILE")]
    scenarios: Vec<PathBuf>,
    /// The endpoints served: auto (the default) answers on all five
    /// (/Remote/Services84/Relation.svc ... /Remote/Services88/Relation.svc, each with its
    /// own WSDL, one store behind them); servicesNN on that version's only.
    #[arg(long, default_value = "auto", value_parser = parse_contract)]
    contract: ContractChoice,
}

/// How `serve` answers a contract break.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FaultsArg {
    /// As the real service (WCF BasicHttpBinding) answers.
    Wcf,
    /// One uniform HTTP 500 s:Client Fault naming the first violation.
    Contract,
}

/// The `serve` command: the library's stub with a sink that prints each event on stderr
/// (at most [`STUB_LOG_LINES_PER_SEC`](relation_contract::text::limits::STUB_LOG_LINES_PER_SEC)
/// lines a second, the rest summed up), run until Ctrl-C or SIGTERM. 0 after a clean stop,
/// 2 when the stub cannot start. Nothing it prints can fail it: an unwritable stderr (a
/// closed pipe, a full disk) loses the lines, never the stub.
///
/// `RELATION_CONTRACT_SERVE_TIMEOUT_MS`, when set, replaces both connection timeouts (for
/// tests that must see a timeout quickly).
pub fn run(args: ServeArgs) -> u8 {
    use relation_contract::serve::{
        ConnectionLimits, Event, FaultStyle, Scenarios, ServeOptions, StubServer,
    };
    let mut scenarios = Scenarios::new();
    for file in &args.scenarios {
        let loaded = Scenarios::from_file(file).and_then(|s| scenarios.extend(s));
        if let Err(e) = loaded {
            serve_say(&format!("error: bad scenario file: {e}"));
            return 2;
        }
    }
    let gate = std::sync::Arc::new(std::sync::Mutex::new(LogGate::default()));
    let sink_gate = gate.clone();
    let print = move |event: &Event| {
        let line = match event {
            Event::Rejected {
                operation,
                violation: v,
            } => {
                let op = operation.map_or("request", |o| o.name());
                let at = if v.element.is_empty() {
                    String::new()
                } else {
                    format!(" at {}", v.element)
                };
                format!("rejected {op}: {}{at}: {}", v.code, v.message)
            }
            Event::Warning(w) => format!("warning: {w}"),
            Event::Error(e) => format!("error: {e}"),
            Event::Scenario { rule, operation } => {
                format!("scenario `{rule}` answered {}", operation.name())
            }
        };
        let mut gate = sink_gate.lock().unwrap_or_else(|p| p.into_inner());
        gate.print(&line, std::time::Instant::now());
    };
    let mut limits = ConnectionLimits::default();
    if let Some(ms) = std::env::var("RELATION_CONTRACT_SERVE_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
    {
        limits.header_timeout = std::time::Duration::from_millis(ms);
        limits.body_timeout = std::time::Duration::from_millis(ms);
    }
    let addr = args.addr.clone();
    let opts = ServeOptions {
        addr: args.addr,
        record: args.record,
        state: args.state,
        workers: 0,
        events: Some(std::sync::Arc::new(print)),
        faults: match args.faults {
            FaultsArg::Wcf => FaultStyle::Wcf,
            FaultsArg::Contract => FaultStyle::Contract,
        },
        tickets: args.tickets,
        scenarios,
        limits,
        contract: args.contract,
    };
    let stub = match StubServer::start_with(opts) {
        Ok(s) => s,
        Err(e) => {
            serve_say(&format!("error: cannot start the stub on {addr}: {e}"));
            return 2;
        }
    };
    {
        let mut out = io::stdout().lock();
        // A closed stdout is no reason not to serve.
        let _ = writeln!(out, "listening on {}", stub.url());
        // The other endpoints, after the first line clients and tests read.
        for c in Contract::ALL {
            if let Some(url) = stub.url_as(c).filter(|u| u != stub.url()) {
                let _ = writeln!(out, "also on {url} ({})", c.name());
            }
        }
        let _ = out.flush();
    }
    if let Err(e) = wait_for_signal() {
        serve_say(&format!(
            "warning: cannot wait for a signal ({e}); stopping"
        ));
    }
    let stats = stub.stop();
    gate.lock().unwrap_or_else(|p| p.into_inner()).flush();
    serve_say(&format!(
        "stopped after {} requests ({} refused), {} relations stored",
        stats.requests, stats.refused, stats.stored
    ));
    if !stats.scenario_hits.is_empty() {
        let hits: Vec<String> = stats
            .scenario_hits
            .iter()
            .map(|(rule, n)| format!("{rule} {n}"))
            .collect();
        serve_say(&format!("scenario hits: {}", hits.join(", ")));
    }
    0
}

/// One line of `serve` on stderr, its control characters made visible (a client's
/// SOAPAction cannot colour the terminal). A line that cannot be written is lost, never a
/// panic, and, unlike [`say_line`](super::out::say_line), leaves the exit status alone: a
/// stub whose log cannot be written still serves, and stops with 0.
pub fn serve_say(line: &str) {
    let mut err = io::stderr().lock();
    let _ = err
        .write_all(report::visible(line).as_bytes())
        .and_then(|()| err.write_all(b"\n"));
}

/// Holds `serve`'s stderr to a number of lines a second: past it, lines are counted, and
/// the count is printed when the next second starts (or at the stop).
#[derive(Debug, Default)]
struct LogGate {
    second: Option<std::time::Instant>,
    printed: u32,
    held_back: u64,
}

impl LogGate {
    fn print(&mut self, line: &str, now: std::time::Instant) {
        let new_second = self
            .second
            .is_none_or(|s| now.duration_since(s) >= std::time::Duration::from_secs(1));
        if new_second {
            self.flush();
            self.second = Some(now);
            self.printed = 0;
        }
        if self.printed < relation_contract::text::limits::STUB_LOG_LINES_PER_SEC {
            self.printed += 1;
            serve_say(line);
        } else {
            self.held_back += 1;
        }
    }

    /// Says how many lines were held back, if any.
    fn flush(&mut self) {
        let n = std::mem::take(&mut self.held_back);
        if n > 0 {
            serve_say(&format!(
                "... {n} more lines not shown (over {} a second)",
                relation_contract::text::limits::STUB_LOG_LINES_PER_SEC
            ));
        }
    }
}

/// Blocks until Ctrl-C or (on Unix) SIGTERM.
pub fn wait_for_signal() -> io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let mut term = signal(SignalKind::terminate())?;
            tokio::select! {
                r = tokio::signal::ctrl_c() => r,
                _ = term.recv() => Ok(()),
            }
        }
        #[cfg(not(unix))]
        {
            tokio::signal::ctrl_c().await
        }
    })
}
