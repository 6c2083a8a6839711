//! Running the binary from a test: a file to hand it, and a clean stop.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Child, Command};

/// A temporary folder holding one file `name` with `text` (the folder lives as long as
/// the returned guard).
pub fn temp_with(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
    (dir, p)
}

/// Sends SIGTERM to the child (what a CI runner or `docker stop` sends).
pub fn sigterm(child: &Child) {
    let pid = child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status();
    assert!(
        sent.as_ref().is_ok_and(|s| s.success()),
        "kill -TERM {pid}: {sent:?}"
    );
}
