//! `relation-contract validate`: every document of the paths through the pipeline, printed
//! by the chosen printer, with a progress bar on a terminal.

use super::out::{exit_byte, out, say, shown};
use super::{parse_contract, parse_engine, ColorArg};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use relation_contract::capture::walk;
use relation_contract::contract::ContractChoice;
use relation_contract::fixtures::{self, FileReport, Options};
use relation_contract::pipeline::Engine;
use relation_contract::report::{self, Format, Summary};
use relation_contract::Profile;
use std::io::{self, IsTerminal};
use std::path::PathBuf;

/// A run over more files than this shows a progress bar (when stderr is a terminal).
const PROGRESS_ABOVE: usize = 8;

/// The `validate` command's arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct ValidateArgs {
    /// Which envelope shape documents are held to.
    #[arg(long, value_enum, default_value_t = ProfileArg::Auto)]
    profile: ProfileArg,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
    /// The contract version (services84 ... services88), or auto: by the payload's namespace.
    #[arg(long, default_value = "auto", value_parser = parse_contract)]
    contract: ContractChoice,
    /// The engine of the schema stage. fast: the strict decoder decides, and hands what it
    /// refuses or cannot be sure of to libxml2, whose findings are reported; xsd: libxml2
    /// alone; both: libxml2's verdict, plus an engine.disagree finding wherever the
    /// decoder's differs. The verdicts are the same (tests/engines.rs holds them to it).
    #[arg(long, default_value = "fast", value_parser = parse_engine)]
    engine: Engine,
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

/// Runs `validate`: 0 when every document is valid, 1 when one is not, 2 for an unreadable
/// path or no document at all.
pub fn run(args: ValidateArgs, color: ColorArg) -> io::Result<u8> {
    let (profile, contract) = (Profile::from(args.profile), args.contract);
    let stdout = out();
    let stdout_tty = stdout.is_terminal();
    let color = color.on(stdout_tty);
    let mut printer = report::printer(args.format.into(), stdout, color);
    let mut summary = Summary::default();
    let bar = progress_bar(&args.paths);
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let opts = Options {
        profile,
        jobs: args.jobs,
        chunk: 0,
        engine: args.engine,
    };
    fixtures::validate_as(&args.paths, opts, contract, &tick, |file: FileReport| {
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
    if summary.documents == 0 && summary.unreadable == 0 && !args.allow_empty {
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
