//! Walking many inputs: a streaming walk, parallel work on the files, results in a stable
//! order. Names only: what each file is judged for is the caller's (`crate::fixtures`).
//!
//! The walk yields files one at a time (directories in name order, which is path order);
//! files are taken in chunks of a bounded size, each chunk is handed to the caller's
//! function in parallel on a rayon pool (libxml2's contexts are per thread, see `schema`),
//! and the chunk's results are handed on in walk order before the next chunk is read. Memory is bounded by the
//! chunk, never by the number of files; the order, and so the output, does not depend on
//! the number of threads.

#[cfg(feature = "parallel")]
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// File extensions taken from a directory: envelopes, raw HTTP dumps, HAR files.
pub const DOCUMENT_EXTENSIONS: [&str; 3] = ["xml", "http", "har"];

/// Whether a path names a document by its extension.
pub fn is_document(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        DOCUMENT_EXTENSIONS
            .iter()
            .any(|d| d.eq_ignore_ascii_case(e))
    })
}

/// One step of the walk: a file to read, or a path the walk could not enter.
pub type WalkItem = Result<PathBuf, (PathBuf, String)>;

/// The files the paths name, lazily: a file as it is (whatever its name), a directory
/// walked in name order for the regular files whose extension names a document or a
/// capture (`.xml`, `.http`, `.har`). Symlinks are followed, to files and into folders; a
/// link that leads back to a folder above it (a loop) or nowhere is an error for that path,
/// and the walk goes on. FIFOs, devices and sockets inside a folder are passed over; named
/// on the command line, such a file is handed on as it is, and opening it is an error
/// ([`super::open_file`]).
pub fn files(paths: &[PathBuf]) -> impl Iterator<Item = WalkItem> + '_ {
    paths.iter().flat_map(|path| {
        let walk: Box<dyn Iterator<Item = WalkItem>> = if path.is_dir() {
            Box::new(
                walkdir::WalkDir::new(path)
                    .follow_links(true)
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

/// Hands every file the paths name to `judge`, `jobs` threads at a time (0: one per core),
/// `chunk` files at a time (0 picks a size), and each result to `sink` in walk order. Stops
/// at the first error of `sink`. What a file is judged for is the caller's business: the
/// walk reads names only.
pub fn run<T: Send, E>(
    paths: &[PathBuf],
    jobs: usize,
    chunk: usize,
    judge: &(dyn Fn(&WalkItem) -> T + Sync),
    mut sink: impl FnMut(T) -> Result<(), E>,
) -> Result<(), E> {
    #[cfg(feature = "parallel")]
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("validate-{i}"))
        .build();
    #[cfg(feature = "parallel")]
    let threads = pool
        .as_ref()
        .map_or(1, rayon::ThreadPool::current_num_threads);
    // Without the `parallel` feature every file is judged on this thread.
    #[cfg(not(feature = "parallel"))]
    let threads: usize = {
        let _ = jobs;
        1
    };
    let chunk_size = if chunk > 0 {
        chunk
    } else {
        threads.saturating_mul(64).max(64)
    };
    let work = |chunk: &[WalkItem]| -> Vec<T> {
        #[cfg(feature = "parallel")]
        if let Ok(pool) = &pool {
            return pool.install(|| chunk.par_iter().map(judge).collect());
        }
        // No pool (no `parallel`, or none could be built): judge on this thread.
        chunk.iter().map(judge).collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn documents_are_named_by_their_extension_in_any_case() {
        for (name, is) in [
            ("a.xml", true),
            ("b.HTTP", true),
            ("c.Har", true),
            ("d.txt", false),
            ("xml", false),
            ("e.xml.bak", false),
        ] {
            assert_eq!(is_document(Path::new(name)), is, "{name}");
        }
    }

    /// A folder yields its regular files named as documents, in name order, sub-folders
    /// walked in place; a path named as a file is yielded whatever its name.
    #[test]
    fn a_folder_yields_its_documents_in_name_order() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let root = dir.path();
        for name in [
            "b.xml",
            "a.http",
            "notes.txt",
            "sub/c.har",
            "sub/d.md",
            "z.xml",
        ] {
            let p = root.join(name);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).expect("folder");
            }
            std::fs::write(&p, "x").expect("written");
        }
        // A folder whose name looks like a document is walked, not yielded.
        std::fs::create_dir_all(root.join("dir.xml")).expect("folder");
        let named_txt = root.join("notes.txt");
        let paths = vec![root.to_path_buf(), named_txt.clone()];
        let got: Vec<PathBuf> = files(&paths).filter_map(Result::ok).collect();
        let want: Vec<PathBuf> = ["a.http", "b.xml", "sub/c.har", "z.xml"]
            .iter()
            .map(|n| root.join(n))
            .chain([named_txt])
            .collect();
        assert_eq!(got, want);
        assert_eq!(count_files(&paths), 5);
        assert_eq!(count_files(&[]), 0);
    }

    /// Results reach the sink in walk order, a chunk at a time: every file of a chunk is
    /// judged before the first of its results is handed on, and no file of the next chunk.
    #[test]
    fn results_go_out_in_order_a_chunk_at_a_time() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        for i in 0..5 {
            std::fs::write(dir.path().join(format!("{i}.xml")), "x").expect("written");
        }
        let paths = vec![dir.path().to_path_buf()];
        let name = |item: &WalkItem| {
            item.as_ref()
                .ok()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
        };
        for (chunk, judged_at_first) in [(2, 2), (3, 3), (0, 5)] {
            let judged = AtomicUsize::new(0);
            let judge = |item: &WalkItem| {
                judged.fetch_add(1, Ordering::SeqCst);
                name(item)
            };
            let mut seen = Vec::new();
            let mut at_first = None;
            let r: Result<(), ()> = run(&paths, 2, chunk, &judge, |n| {
                at_first.get_or_insert(judged.load(Ordering::SeqCst));
                seen.push(n);
                Ok(())
            });
            assert_eq!(r, Ok(()));
            let want: Vec<Option<String>> = (0..5).map(|i| Some(format!("{i}.xml"))).collect();
            assert_eq!(seen, want, "chunk {chunk}");
            assert_eq!(at_first, Some(judged_at_first), "chunk {chunk}");
        }
        // The sink's first error ends the run, and is the run's.
        let mut taken = 0;
        let r = run(&paths, 1, 1, &|_: &WalkItem| (), |()| {
            taken += 1;
            if taken == 2 {
                Err("stop")
            } else {
                Ok(())
            }
        });
        assert_eq!((r, taken), (Err("stop"), 2));
    }
}
