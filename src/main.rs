//! The `relation-contract` command: a thin layer that wires the library's stages together
//! and picks a printer.

mod cli;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use relation_contract::capture::walk;
use relation_contract::capture::{self as captures};
use relation_contract::compat;
use relation_contract::contract::{Contract, ContractChoice};
use relation_contract::fixtures::{self, FileReport, Options};
use relation_contract::import::{capture_secrets, import_document_among, Imported};
use relation_contract::report::{self, Format, Printer, Summary};
use relation_contract::{diff, Document, Profile};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// `eprintln!` that never panics: see [`say_line`].
macro_rules! say {
    ($($arg:tt)*) => {
        say_line(format_args!($($arg)*))
    };
}

/// A run over more files than this shows a progress bar (when stderr is a terminal).
const PROGRESS_ABOVE: usize = 8;

#[derive(Parser)]
#[command(
    name = "relation-contract",
    version,
    about = "Guards the SOAP contract of SuperOffice NetServer's Relation agent (Services85)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour on the terminal: `auto` (when stdout is a terminal and NO_COLOR is unset),
    /// `always` or `never`.
    #[arg(long, value_enum, global = true, default_value_t = ColorArg::Auto)]
    color: ColorArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

impl ColorArg {
    /// Whether to colour output on a stream that is (or is not) a terminal.
    fn on(self, is_terminal: bool) -> bool {
        match self {
            ColorArg::Auto => report::color_wanted(is_terminal),
            ColorArg::Always => true,
            ColorArg::Never => false,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Validate envelopes against the contract (XSD and envelope shape under a profile).
    ///
    /// Inputs are recognised by content: a bare envelope, a raw HTTP/1.1 message (request or
    /// response, chunked bodies decoded) or a HAR 1.2 file, whose entries that hold a SOAP
    /// envelope become documents named FILE.har#entries[N].request / .response. Documents
    /// from captures are also held to HTTP-level checks (SOAPAction, Content-Type, charset).
    ///
    /// Exit status: 0 when every document is valid, 1 when any is invalid (a file that is
    /// not XML at all is an invalid document), 2 for usage errors and unreadable paths.
    Validate {
        /// Which envelope shape documents are held to.
        #[arg(long, value_enum, default_value_t = ProfileArg::Auto)]
        profile: ProfileArg,
        /// Output format.
        #[arg(long, value_enum, default_value_t = FormatArg::Human)]
        format: FormatArg,
        /// The contract version (services84 ... services88), or auto: by the payload's namespace.
        #[arg(long, default_value = "auto", value_parser = parse_contract)]
        contract: ContractChoice,
        /// Worker threads (0: one per core). The output is the same for any number.
        #[arg(long, short = 'j', default_value_t = 0)]
        jobs: usize,
        /// Exit 0 when the paths hold no document at all (else that is exit 2: a folder a
        /// client was to record into and never did is no passing run).
        #[arg(long)]
        allow_empty: bool,
        /// Files or directories (walked in path order; *.xml, *.http and *.har are taken).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Compare a capture with the documented example of its operation and kind (or with
    /// another document), in canonical form.
    ///
    /// In shape mode the Header is a set of blocks: contract blocks are optional, blocks of
    /// other namespaces are listed as `extra-header` (see --strict-headers).
    ///
    /// Exit status: 0 when equal (extra-header entries alone leave it equal), 1 when
    /// different, 2 for usage errors and unreadable input.
    Diff {
        /// The capture to compare.
        capture: PathBuf,
        /// The document to compare against (default: the bundled documented example of the
        /// capture's operation and kind).
        #[arg(long)]
        against: Option<PathBuf>,
        /// `shape`: values compared by type only; `exact`: values compared too.
        #[arg(long, value_enum, default_value_t = ModeArg::Shape)]
        mode: ModeArg,
        /// Glob over element paths to leave out (`**/RelationId`, `/Envelope/Header/**`);
        /// repeatable. A `diff.rules` file beside the capture adds its globs.
        #[arg(long = "ignore", value_name = "GLOB")]
        ignore: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
        format: DiffFormat,
        /// Shape mode: count header blocks of other namespaces (WS-Addressing's, ...) as
        /// differences; without it they are listed as `extra-header` and leave the
        /// documents equal.
        #[arg(long)]
        strict_headers: bool,
    },
    /// Write every SOAP document found in captures as a bare, redacted envelope file.
    ///
    /// Files are named OPERATION.KIND.HASH.xml (HASH: SHA-256 of the written text), ready
    /// to become fixtures; Ticket and ApplicationToken values become [REDACTED]. An existing
    /// file is never overwritten. Exit status: 0, or 2 when a path cannot be read or a file
    /// cannot be written.
    Import {
        /// Capture files or directories.
        #[arg(required = true)]
        captures: Vec<PathBuf>,
        /// The folder to write into (created when missing).
        #[arg(long)]
        to: PathBuf,
        /// The contract version of each written document's verdict (auto: by its namespace).
        #[arg(long, default_value = "auto", value_parser = parse_contract)]
        contract: ContractChoice,
    },
    /// Review, accept or reject the pending goldens: the `NAME.new` files a failed golden
    /// assertion wrote beside `NAME`.
    ///
    /// `review` shows each as a diff against its golden (exit 1 when there are any);
    /// `accept` makes each the golden (a document the contract refuses is not taken);
    /// `reject` deletes each. Exit 2 when a file cannot be read or written.
    Golden {
        #[command(subcommand)]
        action: GoldenAction,
    },
    /// Validate every bundled fixture and hold each to what it is there to show.
    Check {
        /// The fixtures folder.
        #[arg(default_value = "fixtures")]
        dir: PathBuf,
        /// The contract version every fixture is held to (auto: by its namespace).
        #[arg(long, default_value = "auto", value_parser = parse_contract)]
        contract: ContractChoice,
    },
    /// What moving a client from one contract version to another changes.
    ///
    /// Without captures: every difference after renaming the namespace, judged for requests,
    /// for a strict XSD client's responses and a WCF client's. With captures (taken under
    /// --from): requests rewritten and validated under --to, and only the changes the
    /// traffic touches. Exit 0 when nothing breaking is touched, 1 otherwise, 2 unreadable.
    Compat {
        /// The client's contract version.
        #[arg(long, value_parser = parse_version)]
        from: Contract,
        /// The contract version it moves to.
        #[arg(long, value_parser = parse_version)]
        to: Contract,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CompatFormat::Human)]
        format: CompatFormat,
        /// Captures of the client's traffic (files or directories).
        captures: Vec<PathBuf>,
    },
    /// Run a contract stub of Relation.svc: checks every request, answers valid ones from a
    /// store; stops on Ctrl-C or SIGTERM.
    ///
    /// Prints `listening on http://ADDR/Remote/Services85/Relation.svc` as its first line.
    #[cfg(feature = "serve")]
    Serve(ServeArgs),
    /// Forward every request to --upstream and back, judging each request and response
    /// by the contract (and recording them with --record); stops on Ctrl-C or SIGTERM.
    #[cfg(feature = "serve")]
    Proxy(cli::proxy::ProxyArgs),
}

#[derive(Subcommand)]
enum GoldenAction {
    /// Show every pending golden under DIR as a diff against its golden.
    Review {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Make every pending golden under DIR the golden.
    Accept {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Delete every pending golden under DIR.
    Reject {
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

/// The `serve` command's arguments.
#[cfg(feature = "serve")]
#[derive(Debug, Clone, clap::Args)]
struct ServeArgs {
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
#[cfg(feature = "serve")]
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FaultsArg {
    /// As the real service (WCF BasicHttpBinding) answers.
    Wcf,
    /// One uniform HTTP 500 s:Client Fault naming the first violation.
    Contract,
}

// The library's enums, as the command line spells them (clap stays out of the library).

/// Which envelope shape documents are held to.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ProfileArg {
    /// SOAP 1.1 is held to `wire`, SOAP 1.2 to `documented`.
    Auto,
    /// What the service speaks: SOAP 1.1, header blocks inside Header.
    Wire,
    /// What the documentation shows: SOAP 1.2, header blocks loose under Envelope.
    Documented,
}

impl From<ProfileArg> for Profile {
    fn from(p: ProfileArg) -> Profile {
        match p {
            ProfileArg::Auto => Profile::Auto,
            ProfileArg::Wire => Profile::Wire,
            ProfileArg::Documented => Profile::Documented,
        }
    }
}

/// The output formats of `validate`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Human,
    Json,
    Junit,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Junit => Format::Junit,
        }
    }
}

/// How `diff` compares values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ModeArg {
    /// Values compared by type only (the documentation's values are placeholders).
    Shape,
    /// Values compared too.
    Exact,
}

impl From<ModeArg> for diff::Mode {
    fn from(m: ModeArg) -> diff::Mode {
        match m {
            ModeArg::Shape => diff::Mode::Shape,
            ModeArg::Exact => diff::Mode::Exact,
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help, version or a usage error: clap's own words, whose writing may fail too.
            let code = e.exit_code();
            return match e.print() {
                Err(err) if err.kind() != io::ErrorKind::BrokenPipe => ExitCode::from(2),
                _ => ExitCode::from(exit_byte(code)),
            };
        }
    };
    let code = match cli.command {
        Command::Validate {
            profile,
            format,
            contract,
            jobs,
            allow_empty,
            paths,
        } => validate(
            &paths,
            (profile.into(), contract),
            format.into(),
            jobs,
            allow_empty,
            cli.color,
        ),
        Command::Import {
            captures,
            to,
            contract,
        } => import(&captures, &to, contract),
        Command::Check { dir, contract } => run_check(&dir, contract, cli.color),
        Command::Compat {
            from,
            to,
            format,
            captures,
        } => run_compat(from, to, format, &captures),
        Command::Golden { action } => run_golden(&action),
        Command::Diff {
            capture,
            against,
            mode,
            ignore,
            format,
            strict_headers,
        } => run_diff(
            &capture,
            against.as_deref(),
            diff::Options {
                mode: mode.into(),
                ignore,
                strict_headers,
            },
            format,
            cli.color,
        ),
        #[cfg(feature = "serve")]
        Command::Serve(args) => Ok(serve(args)),
        #[cfg(feature = "serve")]
        Command::Proxy(args) => Ok(cli::proxy::run(args)),
    };
    let code = match code.and_then(|c| out().flush().map(|()| c)) {
        Ok(c) => c,
        // Stdout failed other than by a closed pipe (a full disk): said where it can be.
        Err(e) => {
            say!("error: cannot write the output: {e}");
            2
        }
    };
    if STDERR_FAILED.load(Ordering::Relaxed) {
        return ExitCode::from(2);
    }
    ExitCode::from(code)
}

/// Set when a line could not be written to stderr for another reason than a closed pipe
/// (`2>/dev/full`): the run then ends with exit 2, there being nowhere to say so.
static STDERR_FAILED: AtomicBool = AtomicBool::new(false);

/// Writes one line on stderr, its control characters made visible (a path or an error that
/// quotes one cannot colour the terminal or fake a line). Never panics (as `eprintln!` does
/// when stderr cannot be written): a closed pipe is quiet, any other failure makes the exit
/// status 2.
fn say_line(args: std::fmt::Arguments<'_>) {
    let line = args.to_string();
    let mut err = io::stderr().lock();
    let written = err
        .write_all(report::visible(&line).as_bytes())
        .and_then(|()| err.write_all(b"\n"));
    if let Err(e) = written {
        if e.kind() != io::ErrorKind::BrokenPipe {
            STDERR_FAILED.store(true, Ordering::Relaxed);
        }
    }
}

/// Stdout as every command writes it. When the reader has gone (a closed pipe: `| head`),
/// the rest of the output is dropped and the run goes on to its usual status; any other
/// failure (a full disk) is returned, and the command stops with exit 2.
struct Out {
    inner: io::Stdout,
    closed: bool,
}

/// The command's stdout (see [`Out`]); one per command.
fn out() -> Out {
    Out {
        inner: io::stdout(),
        closed: false,
    }
}

impl Out {
    /// Whether stdout is a terminal (for colour).
    fn is_terminal(&self) -> bool {
        self.inner.is_terminal()
    }

    fn outcome<T>(&mut self, r: io::Result<T>, quiet: T) -> io::Result<T> {
        match r {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(quiet)
            }
            r => r,
        }
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let r = self.inner.write(buf);
        self.outcome(r, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let r = self.inner.flush();
        self.outcome(r, ())
    }
}

/// A path as the messages show it: control characters made visible (see
/// [`report::visible`]).
fn shown(path: &Path) -> String {
    report::visible(&path.display().to_string()).into_owned()
}

fn validate(
    paths: &[PathBuf],
    (profile, contract): (Profile, ContractChoice),
    format: Format,
    jobs: usize,
    allow_empty: bool,
    color: ColorArg,
) -> io::Result<u8> {
    let stdout = out();
    let stdout_tty = stdout.is_terminal();
    let color = color.on(stdout_tty);
    let mut printer = report::printer(format, stdout, color);
    let mut summary = Summary::default();
    let bar = progress_bar(paths);
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let opts = Options {
        profile,
        jobs,
        chunk: 0,
    };
    fixtures::validate_as(paths, opts, contract, &tick, |file: FileReport| {
        let mut print = || -> io::Result<()> {
            if let Some(why) = &file.error {
                summary.unreadable += 1;
                say!("error: {}: cannot be read: {why}", shown(&file.path));
                printer.unreadable(&file.path.display().to_string(), why)?;
            }
            for item in &file.items {
                printer.item(item)?;
                summary.add(item);
            }
            summary.skipped += file.skipped.len();
            Ok(())
        };
        // The bar steps aside for lines only when they go to the same terminal.
        match &bar {
            Some(b) if stdout_tty => b.suspend(print),
            _ => print(),
        }
    })?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    printer.finish(&summary)?;
    if summary.documents == 0 && summary.unreadable == 0 && !allow_empty {
        say!(
            "error: the paths hold no document to validate ({} part(s) without a SOAP \
             envelope skipped); --allow-empty makes that exit 0",
            summary.skipped
        );
        return Ok(2);
    }
    Ok(exit_byte(summary.exit_code()))
}

/// A progress bar on stderr, only when stderr is a terminal and the run is more than a
/// handful of files (the files are counted first, by name only, in that case alone).
fn progress_bar(paths: &[PathBuf]) -> Option<ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let total = walk::count_files(paths);
    if total <= PROGRESS_ABOVE {
        return None;
    }
    let bar = ProgressBar::with_draw_target(
        Some(u64::try_from(total).unwrap_or(u64::MAX)),
        ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} files {per_sec} eta {eta}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

fn import(inputs: &[PathBuf], to: &Path, contract: ContractChoice) -> io::Result<u8> {
    if let Err(e) = std::fs::create_dir_all(to) {
        say!("error: {}: cannot be created: {e}", shown(to));
        return Ok(2);
    }
    let mut out = out();
    let (mut written, mut present, mut skipped, mut failed) = (0usize, 0usize, 0usize, 0usize);
    for item in walk::files(inputs) {
        let path = match item {
            Ok(p) => p,
            Err((p, why)) => {
                failed += 1;
                say!("error: {}: cannot be read: {why}", shown(&p));
                continue;
            }
        };
        let capture = match captures::open(&path) {
            Ok(c) => c,
            Err(e) => {
                failed += 1;
                say!("error: {}: cannot be read: {e}", shown(&path));
                continue;
            }
        };
        skipped += capture.skipped.len();
        let secrets = capture_secrets(&capture);
        for doc in &capture.documents {
            let verdict_as = |v| match contract {
                ContractChoice::Auto => v,
                c => relation_contract::pipeline::check_as(doc, Profile::Auto, c),
            };
            match import_document_among(doc, &secrets, to).map(|(i, v)| (i, verdict_as(v))) {
                Ok((Imported::Written(p), v)) => {
                    written += 1;
                    let v = verdict_words(&v);
                    let (p, from) = (shown(&p), report::visible(&doc.source));
                    writeln!(out, "wrote {p} (from {from}): {v}")?;
                }
                Ok((Imported::Present(p), v)) => {
                    present += 1;
                    let v = verdict_words(&v);
                    let (p, from) = (shown(&p), report::visible(&doc.source));
                    writeln!(out, "present {p} (from {from}): {v}")?;
                }
                Ok((Imported::NotText, _)) => {
                    skipped += 1;
                    writeln!(out, "skipped {} (not text)", report::visible(&doc.source))?;
                }
                Err(e) => {
                    failed += 1;
                    say!(
                        "error: {}: cannot be written: {e}",
                        report::visible(&doc.source)
                    );
                }
            }
        }
    }
    writeln!(
        out,
        "import: {written} written, {present} already present, {skipped} skipped, {failed} failed"
    )?;
    Ok(if failed > 0 { 2 } else { 0 })
}

fn run_check(dir: &Path, contract: ContractChoice, color: ColorArg) -> io::Result<u8> {
    if !dir.is_dir() {
        say!("error: {}: not a directory of fixtures", shown(dir));
        return Ok(2);
    }
    let outcome = fixtures::check_as(dir, contract);
    let mut out = out();
    let color = color.on(out.is_terminal());
    for row in outcome.rows.iter().filter(|r| !r.passed()) {
        let path = report::visible(&row.item.path);
        writeln!(out, "FAILED [{}] {path}", row.group.name())?;
        for p in &row.problems {
            writeln!(out, "  - {p}")?;
        }
        if row.group != fixtures::Group::Invalid {
            let mut printer = report::HumanPrinter::new(&mut out, color);
            printer.item(&row.item)?;
        }
    }
    for (path, why) in &outcome.unreadable {
        say!("error: {}: cannot be read: {why}", shown(path));
    }
    writeln!(out, "{}", outcome.table())?;
    let verdict = if outcome.passed() { "passed" } else { "FAILED" };
    writeln!(out, "check {verdict}: {}", shown(dir))?;
    Ok(if !outcome.unreadable.is_empty() {
        2
    } else if outcome.passed() {
        0
    } else {
        1
    })
}

/// The one SOAP document a file holds: a bare envelope, or an HTTP dump or HAR file with
/// exactly one SOAP message in it.
/// An imported document's verdict in a few words: `valid`, or its codes (each once, in the
/// pipeline's order). Codes are the tool's words: nothing of the document is quoted.
fn verdict_words(v: &relation_contract::pipeline::Verdict) -> String {
    if v.is_valid() {
        return format!("valid under {}", v.profile);
    }
    let mut codes: Vec<&str> = Vec::new();
    for c in v.violations.iter().map(|x| x.code.as_str()) {
        if !codes.contains(&c) {
            codes.push(c);
        }
    }
    format!("invalid under {}: {}", v.profile, codes.join(", "))
}

fn one_document(path: &Path) -> Result<Document, String> {
    let capture = captures::open(path).map_err(|e| e.to_string())?;
    let n = capture.documents.len();
    match <[Document; 1]>::try_from(capture.documents) {
        Ok([doc]) => Ok(doc),
        Err(_) if n == 0 => Err("holds no SOAP document".to_string()),
        Err(_) => Err(format!(
            "holds {n} SOAP documents; diff compares one (import them into single files first)"
        )),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    Human,
    Json,
}

fn run_diff(
    capture: &Path,
    against: Option<&Path>,
    mut opts: diff::Options,
    format: DiffFormat,
    color: ColorArg,
) -> io::Result<u8> {
    let fail = |what: &Path, e: &dyn std::fmt::Display| {
        say!("error: {}: {e}", shown(what));
        Ok(exit_byte(diff::EXIT_ERROR))
    };
    let doc = match one_document(capture) {
        Ok(d) => d,
        Err(e) => return fail(capture, &e),
    };
    match diff::rules_for(capture) {
        Ok(rules) => opts.ignore.extend(rules),
        Err(e) => {
            return fail(
                capture,
                &format!("cannot read {}: {e}", diff::RULES_FILE_NAME),
            )
        }
    }
    let report = match against {
        Some(path) => match one_document(path) {
            Ok(other) => diff::DiffReport::new(&doc, &other, &opts),
            Err(e) => return fail(path, &e),
        },
        None => diff::DiffReport::against_documented(&doc, &opts),
    };
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            say!("error: {}", report::visible(&e.to_string()));
            return Ok(exit_byte(e.exit_code()));
        }
    };
    let mut out = out();
    match format {
        DiffFormat::Json => writeln!(out, "{}", report.json())?,
        DiffFormat::Human => {
            let color = color.on(out.is_terminal());
            let text = report.human(color);
            write!(out, "{}", report::visible_text(&text, color))?;
        }
    }
    Ok(exit_byte(report.exit_code()))
}

/// `--contract`: a version's name or `auto`; `--from` / `--to`: a version's name.
fn parse_contract(word: &str) -> Result<ContractChoice, String> {
    ContractChoice::from_arg(word).ok_or_else(|| format!("`{word}`: services84 ... 88 or auto"))
}

fn parse_version(word: &str) -> Result<Contract, String> {
    Contract::from_arg(word).ok_or_else(|| format!("`{word}`: services84 ... services88"))
}

/// The output formats of `compat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CompatFormat {
    Human,
    Json,
    Markdown,
}

fn run_compat(
    from: Contract,
    to: Contract,
    format: CompatFormat,
    inputs: &[PathBuf],
) -> io::Result<u8> {
    let report = if inputs.is_empty() {
        compat::differences(from, to)
    } else {
        match compat::read_captures(inputs) {
            Ok(docs) => compat::with_captures(from, to, &docs),
            Err((p, why)) => {
                say!("error: {}: cannot be read: {why}", shown(&p));
                return Ok(2);
            }
        }
    };
    let text = match format {
        CompatFormat::Human => compat::render::human(&report),
        CompatFormat::Json => compat::render::json(&report),
        CompatFormat::Markdown => compat::render::markdown(&report),
    };
    let mut out = out();
    let written = out.write_all(text.as_bytes());
    out.outcome(written, ())?;
    Ok(exit_byte(report.exit_code()))
}

fn run_golden(action: &GoldenAction) -> io::Result<u8> {
    let dir = match action {
        GoldenAction::Review { dir }
        | GoldenAction::Accept { dir }
        | GoldenAction::Reject { dir } => dir,
    };
    let pending = match diff::pending(dir) {
        Ok(p) => p,
        Err(e) => {
            say!("error: {}: {e}", shown(dir));
            return Ok(2);
        }
    };
    let mut out = out();
    if pending.is_empty() {
        writeln!(out, "no pending golden under {}", shown(dir))?;
        return Ok(0);
    }
    let mut failed = 0usize;
    for p in &pending {
        let (new, golden) = (shown(&p.new), shown(&p.golden));
        match action {
            GoldenAction::Review { .. } => match p.diff() {
                Ok(d) => {
                    let d = report::visible_text(&d, false);
                    writeln!(out, "pending: {new} (for {golden})\n{d}")?;
                }
                Err(e) => {
                    failed += 1;
                    say!("error: {new}: {e}");
                }
            },
            GoldenAction::Accept { .. } => match diff::accept(p) {
                Ok(()) => writeln!(out, "accepted: {new} -> {golden}")?,
                Err(e) => {
                    failed += 1;
                    say!("error: {new} was not accepted: {e}");
                }
            },
            GoldenAction::Reject { .. } => match diff::reject(p) {
                Ok(()) => writeln!(out, "rejected: {new} (removed; {golden} unchanged)")?,
                Err(e) => {
                    failed += 1;
                    say!("error: {new}: {e}");
                }
            },
        }
    }
    Ok(match (failed, action) {
        (0, GoldenAction::Review { .. }) => 1,
        (0, _) => 0,
        _ => 2,
    })
}

fn exit_byte(code: i32) -> u8 {
    u8::try_from(code).unwrap_or(2)
}

#[cfg(feature = "serve")]
/// The `serve` command: the library's stub with a sink that prints each event on stderr
/// (at most [`STUB_LOG_LINES_PER_SEC`](relation_contract::text::limits::STUB_LOG_LINES_PER_SEC)
/// lines a second, the rest summed up), run until Ctrl-C or SIGTERM. 0 after a clean stop,
/// 2 when the stub cannot start. Nothing it prints can fail it: an unwritable stderr (a
/// closed pipe, a full disk) loses the lines, never the stub.
///
/// `RELATION_CONTRACT_SERVE_TIMEOUT_MS`, when set, replaces both connection timeouts (for
/// tests that must see a timeout quickly).
fn serve(args: ServeArgs) -> u8 {
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
/// panic, and, unlike [`say_line`], leaves the exit status alone: a stub whose log cannot
/// be written still serves, and stops with 0.
#[cfg(feature = "serve")]
fn serve_say(line: &str) {
    let mut err = io::stderr().lock();
    let _ = err
        .write_all(report::visible(line).as_bytes())
        .and_then(|()| err.write_all(b"\n"));
}

/// Holds `serve`'s stderr to a number of lines a second: past it, lines are counted, and
/// the count is printed when the next second starts (or at the stop).
#[cfg(feature = "serve")]
#[derive(Debug, Default)]
struct LogGate {
    second: Option<std::time::Instant>,
    printed: u32,
    held_back: u64,
}

#[cfg(feature = "serve")]
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
#[cfg(feature = "serve")]
fn wait_for_signal() -> io::Result<()> {
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
