//! Globs over element paths, and the rules files that hold them for a fixtures folder.
//!
//! A path is the local names from the root, `/Envelope/Body/SaveContactRelation/...`,
//! with `[n]` after a sibling that is not the first of its name. In a glob, `*` matches
//! one segment (or any run of characters inside a segment, `Source*Id`), `**` any number
//! of segments, including none. A glob segment without `[n]` matches every sibling of
//! that name; a glob that does not start with `/` or `**` matches anywhere (as if it
//! started with `**/`).

use std::io;
use std::path::{Path, PathBuf};

/// The rules file a fixtures folder may hold: one glob per line, `#` starts a comment.
pub const RULES_FILE_NAME: &str = "diff.rules";

/// Whether an element path matches a glob.
pub fn glob_matches(glob: &str, path: &str) -> bool {
    let glob = glob.trim();
    if glob.is_empty() {
        return false;
    }
    let anchored = glob.starts_with('/');
    let mut pattern: Vec<&str> = glob.split('/').filter(|s| !s.is_empty()).collect();
    if !anchored && pattern.first() != Some(&"**") {
        pattern.insert(0, "**");
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match_segments(&pattern, &segments)
}

/// Matches segment lists by dynamic programming (no backtracking blow-up on many `**`):
/// `ok[i][j]` says whether `pattern[i..]` matches `segments[j..]`.
fn match_segments(pattern: &[&str], segments: &[&str]) -> bool {
    let (np, ns) = (pattern.len(), segments.len());
    let mut ok = vec![vec![false; ns + 1]; np + 1];
    ok[np][ns] = true;
    for i in (0..np).rev() {
        for j in (0..=ns).rev() {
            ok[i][j] = if pattern[i] == "**" {
                ok[i + 1][j] || (j < ns && ok[i][j + 1])
            } else {
                j < ns && segment_matches(pattern[i], segments[j]) && ok[i + 1][j + 1]
            };
        }
    }
    ok[0][0]
}

/// One segment: `*` inside it matches any run of characters; without an explicit `[n]`
/// the segment's index is not looked at.
fn segment_matches(pattern: &str, segment: &str) -> bool {
    let segment = if pattern.contains('[') {
        segment
    } else {
        segment.split('[').next().unwrap_or(segment)
    };
    wildcard(pattern.as_bytes(), segment.as_bytes())
}

/// `*`-only wildcard matching, iterative with one backtrack point.
fn wildcard(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if pi < p.len() && p[pi] == s[si] {
            pi += 1;
            si += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&b| b == b'*')
}

/// The globs of a rules text: one per line, blank lines and `#` comments skipped.
pub fn parse_rules(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_once('#').map_or(l, |(before, _)| before).trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// Loads a rules file.
pub fn load_rules(path: &Path) -> io::Result<Vec<String>> {
    Ok(parse_rules(&std::fs::read_to_string(path)?))
}

/// The rules of the folder a fixture lives in: its `diff.rules`, or none when the folder
/// has no such file.
pub fn rules_for(fixture: &Path) -> io::Result<Vec<String>> {
    let dir = fixture
        .parent()
        .map_or_else(PathBuf::new, Path::to_path_buf);
    let file = dir.join(RULES_FILE_NAME);
    match std::fs::read_to_string(&file) {
        Ok(text) => Ok(parse_rules(&text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "/Envelope/Body/SaveContactRelation/ContactRelationEntity/RelationId";

    #[test]
    fn double_star_spans_segments() {
        assert!(glob_matches("**/RelationId", P));
        assert!(glob_matches("RelationId", P));
        assert!(glob_matches("/Envelope/**", P));
        assert!(glob_matches("/Envelope/Body/**/RelationId", P));
        assert!(!glob_matches("/Envelope/Header/**", P));
        assert!(glob_matches(
            "/Envelope/Header/**",
            "/Envelope/Header/Credentials/Ticket"
        ));
        assert!(glob_matches("/Envelope/Header/**", "/Envelope/Header"));
    }

    #[test]
    fn single_star_is_one_segment() {
        assert!(glob_matches(
            "/Envelope/Body/*/ContactRelationEntity/RelationId",
            P
        ));
        assert!(!glob_matches("/Envelope/*/RelationId", P));
        assert!(glob_matches("**/*Date", "/a/UpdatedDate"));
        assert!(!glob_matches("**/*Date", "/a/UpdatedBy"));
    }

    #[test]
    fn indexes() {
        assert!(glob_matches("**/Pair", "/a/Pair[2]"));
        assert!(glob_matches("**/Pair[2]", "/a/Pair[2]"));
        assert!(!glob_matches("**/Pair[3]", "/a/Pair[2]"));
    }

    #[test]
    fn rules_text() {
        let r = parse_rules("# volatile\n**/RelationId\n\n  /Envelope/Header/**  # headers\n");
        assert_eq!(r, vec!["**/RelationId", "/Envelope/Header/**"]);
    }
}
