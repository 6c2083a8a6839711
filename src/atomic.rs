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
}
