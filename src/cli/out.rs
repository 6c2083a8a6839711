//! The one stdout writer every command prints through, the one stderr line writer (`say!`),
//! and the exit codes they lead to.

use relation_contract::report;
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// `eprintln!` that never panics: see [`say_line`].
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::out::say_line(format_args!($($arg)*))
    };
}
pub(crate) use say;

/// Set when a line could not be written to stderr for another reason than a closed pipe
/// (`2>/dev/full`): the run then ends with exit 2, there being nowhere to say so.
static STDERR_FAILED: AtomicBool = AtomicBool::new(false);

/// Whether a line could not be written to stderr (see [`STDERR_FAILED`]).
pub fn stderr_failed() -> bool {
    STDERR_FAILED.load(Ordering::Relaxed)
}

/// Writes one line on stderr, its control characters made visible (a path or an error that
/// quotes one cannot colour the terminal or fake a line). Never panics (as `eprintln!` does
/// when stderr cannot be written): a closed pipe is quiet, any other failure makes the exit
/// status 2.
pub fn say_line(args: std::fmt::Arguments<'_>) {
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
pub struct Out {
    inner: io::Stdout,
    closed: bool,
}

/// The command's stdout (see [`Out`]); one per command.
pub fn out() -> Out {
    Out {
        inner: io::stdout(),
        closed: false,
    }
}

impl Out {
    /// Whether stdout is a terminal (for colour).
    pub fn is_terminal(&self) -> bool {
        self.inner.is_terminal()
    }

    /// `r`, or `quiet` when the reader of stdout has gone.
    pub fn outcome<T>(&mut self, r: io::Result<T>, quiet: T) -> io::Result<T> {
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
pub fn shown(path: &Path) -> String {
    report::visible(&path.display().to_string()).into_owned()
}

/// A library exit code as the process's status byte (2 for one out of range).
pub fn exit_byte(code: i32) -> u8 {
    u8::try_from(code).unwrap_or(2)
}
