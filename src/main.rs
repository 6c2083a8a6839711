//! The `relation-contract` command: a thin layer that wires the library's stages together
//! and picks a printer. The commands' code is in `cli/`, one module each; this file holds
//! the outline of the command line (each command's help and arguments) and the dispatch.

mod cli;

use clap::{Parser, Subcommand};
use cli::out::{out, say, stderr_failed};
// What `cli::proxy` reaches as `crate::...` (it shares serve's arguments and stderr).
#[cfg(feature = "serve")]
use cli::parse_contract;
#[cfg(feature = "serve")]
use cli::serve::{serve_say, wait_for_signal, FaultsArg};
use cli::ColorArg;
use std::io::{self, Write};
use std::process::ExitCode;

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
    Validate(cli::validate::ValidateArgs),
    /// Compare a capture with the documented example of its operation and kind (or with
    /// another document), in canonical form.
    ///
    /// In shape mode the Header is a set of blocks: contract blocks are optional, blocks of
    /// other namespaces are listed as `extra-header` (see --strict-headers).
    ///
    /// Exit status: 0 when equal (extra-header entries alone leave it equal), 1 when
    /// different, 2 for usage errors and unreadable input.
    Diff(cli::diff::DiffArgs),
    /// Write every SOAP document found in captures as a bare, redacted envelope file.
    ///
    /// Files are named OPERATION.KIND.HASH.xml (HASH: SHA-256 of the written text), ready
    /// to become fixtures; Ticket and ApplicationToken values become [REDACTED]. An existing
    /// file is never overwritten. Exit status: 0, or 2 when a path cannot be read or a file
    /// cannot be written.
    Import(cli::import::ImportArgs),
    /// Review, accept or reject the pending goldens: the `NAME.new` files a failed golden
    /// assertion wrote beside `NAME`.
    ///
    /// `review` shows each as a diff against its golden (exit 1 when there are any);
    /// `accept` makes each the golden (a document the contract refuses is not taken);
    /// `reject` deletes each. Exit 2 when a file cannot be read or written.
    Golden {
        #[command(subcommand)]
        action: cli::golden::GoldenAction,
    },
    /// Validate every bundled fixture and hold each to what it is there to show.
    Check(cli::check::CheckArgs),
    /// What moving a client from one contract version to another changes.
    ///
    /// Without captures: every difference after renaming the namespace, judged for requests,
    /// for a strict XSD client's responses and a WCF client's. With captures (taken under
    /// --from): requests rewritten and validated under --to, and only the changes the
    /// traffic touches. Exit 0 when nothing breaking is touched, 1 otherwise, 2 unreadable.
    Compat(cli::compat::CompatArgs),
    /// Run a contract stub of Relation.svc: checks every request, answers valid ones from a
    /// store; stops on Ctrl-C or SIGTERM.
    ///
    /// Prints `listening on http://ADDR/Remote/Services85/Relation.svc` as its first line.
    #[cfg(feature = "serve")]
    Serve(cli::serve::ServeArgs),
    /// Forward every request to --upstream and back, judging each request and response
    /// by the contract (and recording them with --record); stops on Ctrl-C or SIGTERM.
    #[cfg(feature = "serve")]
    Proxy(cli::proxy::ProxyArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help, version or a usage error: clap's own words, whose writing may fail too.
            let code = e.exit_code();
            return match e.print() {
                Err(err) if err.kind() != io::ErrorKind::BrokenPipe => ExitCode::from(2),
                _ => ExitCode::from(cli::out::exit_byte(code)),
            };
        }
    };
    let code = match cli.command {
        Command::Validate(args) => cli::validate::run(args, cli.color),
        Command::Import(args) => cli::import::run(args),
        Command::Check(args) => cli::check::run(args, cli.color),
        Command::Compat(args) => cli::compat::run(args),
        Command::Golden { action } => cli::golden::run(&action),
        Command::Diff(args) => cli::diff::run(args, cli.color),
        #[cfg(feature = "serve")]
        Command::Serve(args) => Ok(cli::serve::run(args)),
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
    if stderr_failed() {
        return ExitCode::from(2);
    }
    ExitCode::from(code)
}
