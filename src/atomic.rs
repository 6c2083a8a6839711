//! The one atomic file writer: goldens, the stub's state file, recordings. A temporary file
//! in the target's folder (`tempfile`), written and synced, then renamed over the target,
//! then the folder synced, so after a crash the file is the old content or the new, never
//! half of either.

use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` atomically, creating the folder if need be.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // A bare file name has the empty path as its parent: the current folder. (Mutation
    // testing: taking the empty path as the folder behaves the same with `tempfile`; an
    // equivalent mutant, kept for the folder sync, which needs a name it can open.)
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if path.file_name().is_none() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} names no file", path.display()),
        ));
    }
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".relation-contract-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// Like [`write`], for a file its one writer keeps locked: the new file takes an exclusive
/// lock (advisory, `flock` on Unix) before it replaces the old one, and is returned holding
/// it, so that whoever opens `path` finds it locked for as long as the writer holds the
/// returned file (drop the previous one only after this returns). With `create_new`, `path`
/// must not exist yet (`AlreadyExists` otherwise: another writer came first). The temporary
/// file is named after the target (`.NAME.XXXXXX.tmp` beside it), for
/// [`remove_leftovers`].
pub fn write_locked(path: &Path, bytes: &[u8], create_new: bool) -> io::Result<std::fs::File> {
    let (dir, name) = dir_and_name(path)?;
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(&name))
        .suffix(TEMP_SUFFIX)
        .rand_bytes(TEMP_RAND)
        .tempfile_in(dir)?;
    lock(tmp.as_file())?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    let file = if create_new {
        tmp.persist_noclobber(path)
    } else {
        tmp.persist(path)
    }
    .map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(file)
}

/// Takes the exclusive lock on `file` without waiting: `WouldBlock` when another holds it.
pub fn lock(file: &std::fs::File) -> io::Result<()> {
    match file.try_lock() {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => Err(io::ErrorKind::WouldBlock.into()),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Removes the temporary files [`write_locked`] left beside `path` (a writer killed
/// between creating one and renaming it); how many. Only for the writer holding the lock:
/// no other may be writing them.
pub fn remove_leftovers(path: &Path) -> io::Result<usize> {
    let (dir, name) = dir_and_name(path)?;
    let prefix = temp_prefix(&name);
    let mut removed = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let file_name = entry.file_name();
        let Some(n) = file_name.to_str() else {
            continue;
        };
        let Some(middle) = n
            .strip_prefix(prefix.as_str())
            .and_then(|rest| rest.strip_suffix(TEMP_SUFFIX))
        else {
            continue;
        };
        let ours = middle.len() == TEMP_RAND && middle.bytes().all(|b| b.is_ascii_alphanumeric());
        if ours && entry.file_type().is_ok_and(|t| t.is_file()) {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

const TEMP_SUFFIX: &str = ".tmp";
const TEMP_RAND: usize = 6;

fn temp_prefix(name: &str) -> String {
    format!(".{name}.")
}

/// The folder a file is in (the current one for a bare name) and its name.
fn dir_and_name(path: &Path) -> io::Result<(&Path, String)> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match path.file_name() {
        Some(name) => Ok((dir, name.to_string_lossy().into_owned())),
        None => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} names no file", path.display()),
        )),
    }
}

/// Makes a rename in `dir` durable, where the platform lets a folder be opened and synced.
///
/// (Mutation testing: removing this call survives every test, as it must: durability after
/// a power cut is not observable from a running process. An equivalent mutant.)
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        // A folder that cannot be synced (some file systems) leaves the rename as durable as
        // the platform makes it; the write itself succeeded.
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_whole_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { panic!("no temp dir") };
        let target = dir.path().join("sub").join("golden.xml");
        assert!(write(&target, b"first").is_ok());
        assert!(write(&target, b"second").is_ok());
        assert_eq!(std::fs::read(&target).ok().as_deref(), Some(&b"second"[..]));
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .map(|r| r.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(names.len(), 1, "{names:?}");
        assert!(write(Path::new(""), b"x").is_err());
    }

    #[test]
    fn a_locked_write_keeps_the_lock_and_its_leftovers_are_found() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("no temp dir")
        };
        let target = dir.path().join("state.json");
        let first = write_locked(&target, b"one", true);
        assert!(first.is_ok(), "{first:?}");
        let again = write_locked(&target, b"two", true).map(|_| ());
        assert_eq!(
            again.map_err(|e| e.kind()),
            Err(io::ErrorKind::AlreadyExists)
        );
        // Whoever opens the path now finds it locked, also after a replacing write.
        let second = write_locked(&target, b"three", false);
        assert!(second.is_ok(), "{second:?}");
        drop(first);
        let other = std::fs::File::open(&target).map_err(|e| e.to_string());
        let Ok(other) = other else {
            panic!("{other:?}")
        };
        assert_eq!(
            lock(&other).map_err(|e| e.kind()),
            Err(io::ErrorKind::WouldBlock)
        );
        drop(second);
        assert!(lock(&other).is_ok(), "free once the writer lets go");
        assert_eq!(std::fs::read(&target).ok().as_deref(), Some(&b"three"[..]));
        // A kill between create and rename leaves `.state.json.XXXXXX.tmp`; only such
        // names are removed.
        for name in [
            ".state.json.a1B2c3.tmp",
            ".state.json.toolong7.tmp",
            ".other.json.a1B2c3.tmp",
        ] {
            assert!(std::fs::write(dir.path().join(name), b"x").is_ok());
        }
        assert_eq!(remove_leftovers(&target).ok(), Some(1));
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .map(|r| r.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        names.sort();
        assert_eq!(
            names,
            [
                ".other.json.a1B2c3.tmp",
                ".state.json.toolong7.tmp",
                "state.json"
            ]
        );
    }
}
