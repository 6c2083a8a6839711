//! Validating many inputs: a streaming walk, parallel validation, output in a stable order.
//!
//! The walk yields files one at a time (directories in name order, which is path order);
//! files are taken in chunks of a bounded size, each chunk is validated in parallel on a
//! rayon pool (libxml2's contexts are per thread, see `schema`), and the chunk's results
//! are handed on in walk order before the next chunk is read. Memory is bounded by the
//! chunk, never by the number of files; the order, and so the output, does not depend on
//! the number of threads.

use super::{http, open, Document};
use crate::check::is_document;
use crate::contract::Profile;
use crate::report::ReportItem;
use crate::schema;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// How a run validates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub profile: Profile,
    /// Worker threads; 0 takes one per core.
    pub jobs: usize,
    /// Files validated together before their results are handed on; 0 picks a size.
    pub chunk: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            profile: Profile::Auto,
            jobs: 0,
            chunk: 0,
        }
    }
}

/// The outcome for one input file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: PathBuf,
    /// One per SOAP document the file holds, in the file's order.
    pub items: Vec<ReportItem>,
    /// Names of the parts that hold no SOAP envelope.
    pub skipped: Vec<String>,
    /// Why the file could not be read, when it could not.
    pub error: Option<String>,
}

/// Validates one document: the envelope and payload (`schema`), then the HTTP-level checks
/// when the document came out of a capture; redacted and ready to print.
pub fn check_document(doc: &Document, profile: Profile) -> ReportItem {
    let mut validation = schema::validate(doc, profile);
    let extra = http::check(doc, &validation);
    if !extra.is_empty() {
        validation.violations.extend(extra);
        // Header findings first (they name the file's head), then by position.
        validation
            .violations
            .sort_by_key(|v| (!v.code.is_http(), v.line, v.column));
    }
    ReportItem::new(doc, validation)
}

/// Reads and validates one file.
pub fn check_file(path: &Path, profile: Profile) -> FileReport {
    match open(path) {
        Ok(capture) => FileReport {
            path: path.to_path_buf(),
            items: capture
                .documents
                .iter()
                .map(|d| check_document(d, profile))
                .collect(),
            skipped: capture.skipped,
            error: None,
        },
        Err(e) => FileReport {
            path: path.to_path_buf(),
            items: Vec::new(),
            skipped: Vec::new(),
            error: Some(e.to_string()),
        },
    }
}

/// One step of the walk: a file to read, or a path the walk could not enter.
pub type WalkItem = Result<PathBuf, (PathBuf, String)>;

/// The files the paths name, lazily: a file as it is (whatever its name), a directory
/// walked in name order for the files whose extension names a document or a capture
/// (`.xml`, `.http`, `.har`).
pub fn files(paths: &[PathBuf]) -> impl Iterator<Item = WalkItem> + '_ {
    paths.iter().flat_map(|path| {
        let walk: Box<dyn Iterator<Item = WalkItem>> = if path.is_dir() {
            Box::new(
                walkdir::WalkDir::new(path)
                    .sort_by_file_name()
                    .into_iter()
                    .filter_map(move |entry| match entry {
                        Ok(e) if e.file_type().is_file() && is_document(e.path()) => {
                            Some(Ok(e.into_path()))
                        }
                        Ok(_) => None,
                        Err(e) => {
                            let p = e.path().unwrap_or(path).to_path_buf();
                            Some(Err((p, e.to_string())))
                        }
                    }),
            )
        } else {
            Box::new(std::iter::once(Ok(path.clone())))
        };
        walk
    })
}

/// Counts the files a run will read (a walk of names only).
pub fn count_files(paths: &[PathBuf]) -> usize {
    files(paths).count()
}

/// Validates every file the paths name, `opts.jobs` threads at a time, and hands each
/// file's report to `sink` in walk order. `on_done` is called from the workers as each
/// file is finished (for a progress bar). Stops at the first error of `sink`.
pub fn run<E>(
    paths: &[PathBuf],
    opts: Options,
    on_done: &(dyn Fn() + Sync),
    mut sink: impl FnMut(FileReport) -> Result<(), E>,
) -> Result<(), E> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs)
        .thread_name(|i| format!("validate-{i}"))
        .build();
    let threads = pool
        .as_ref()
        .map_or(1, rayon::ThreadPool::current_num_threads);
    let chunk_size = if opts.chunk > 0 {
        opts.chunk
    } else {
        threads.saturating_mul(64).max(64)
    };
    let work = |chunk: &[WalkItem]| -> Vec<FileReport> {
        let one = |item: &WalkItem| {
            let report = match item {
                Ok(path) => check_file(path, opts.profile),
                Err((path, why)) => FileReport {
                    path: path.clone(),
                    items: Vec::new(),
                    skipped: Vec::new(),
                    error: Some(why.clone()),
                },
            };
            on_done();
            report
        };
        match &pool {
            Ok(pool) => pool.install(|| chunk.par_iter().map(one).collect()),
            // No pool could be built: validate on this thread.
            Err(_) => chunk.iter().map(one).collect(),
        }
    };
    let mut walk = files(paths);
    let mut chunk: Vec<WalkItem> = Vec::with_capacity(chunk_size);
    loop {
        chunk.clear();
        chunk.extend(walk.by_ref().take(chunk_size));
        if chunk.is_empty() {
            return Ok(());
        }
        for report in work(&chunk) {
            sink(report)?;
        }
    }
}
