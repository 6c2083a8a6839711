//! Inputs recognised by their content: a bare envelope, a raw HTTP dump, a HAR file.

use super::{encoding_violation, har, http, read_limited, Document, SourceEncoding};
use crate::text::limits::MAX_SHARED_SECRETS;
use crate::violation::{Code, Violation};
use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// What one input holds: the SOAP documents found in it, and the names of the parts that
/// hold none (non-SOAP HAR entries, a WSDL fetch in a dump).
#[derive(Debug, Clone, Default)]
pub struct Capture {
    /// The SOAP documents, in the order they stand in the input.
    pub documents: Vec<Document>,
    /// The names of the parts that hold no SOAP envelope (`FILE.har#entries[2].request`).
    pub skipped: Vec<String>,
}

use crate::text::limits::SNIFF_BYTES as SNIFF;

/// What a file's first bytes say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// Anything else: one document, read as it is.
    Envelope,
    /// A raw HTTP/1.1 message or several back to back (a request line or a status line
    /// first).
    Http,
    /// A HAR 1.2 file (JSON with a `log` object).
    Har,
}

impl InputKind {
    /// The kind of input whose first bytes are `head` (at most `limits::SNIFF_BYTES` are looked
    /// at): an HTTP start line read to its end, or a `{` after any whitespace.
    pub fn sniff(head: &[u8]) -> InputKind {
        let head = &head[..head.len().min(SNIFF)];
        if http::looks_like_http(head) {
            InputKind::Http
        } else if har::looks_like_har(head) {
            InputKind::Har
        } else {
            InputKind::Envelope
        }
    }
}

/// Opens a file for reading when it is a regular file, symlinks followed: a FIFO, a device,
/// a socket or a directory is an error for that path. Opening never blocks: the type is
/// checked by metadata first, the file is opened with `O_NONBLOCK` on Unix (a FIFO opened
/// that way does not wait for a writer), and the opened descriptor's own type is checked
/// again, so a FIFO swapped in after the first check is refused too. On a regular file
/// `O_NONBLOCK` changes nothing.
pub fn open_file(path: &Path) -> io::Result<File> {
    regular(&std::fs::metadata(path)?)?;
    open_regular(path)
}

/// Opens without blocking, and keeps the file only when the opened descriptor is a regular
/// file: what was checked by name may have been swapped since.
fn open_regular(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    regular(&file.metadata()?)?;
    Ok(file)
}

/// `Ok` for a regular file, else the error that names what it is.
fn regular(meta: &std::fs::Metadata) -> io::Result<()> {
    let t = meta.file_type();
    if t.is_file() {
        return Ok(());
    }
    let what = if t.is_dir() {
        "a directory"
    } else {
        special_kind(t)
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("not a regular file ({what}): only regular files are read"),
    ))
}

/// What a file that is neither regular nor a directory is, in words. One function for
/// every platform, so that no copy of it goes uncompiled (and untested) where the tests run.
fn special_kind(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kinds = [
            (t.is_fifo(), "a FIFO"),
            (t.is_char_device(), "a character device"),
            (t.is_block_device(), "a block device"),
            (t.is_socket(), "a socket"),
        ];
        if let Some((_, what)) = kinds.iter().find(|(is, _)| *is) {
            return what;
        }
    }
    #[cfg(not(unix))]
    let _ = t;
    "a special file"
}

/// Reads a file (opened and read once) and takes it apart by its content; `Err` only when
/// the file cannot be read at all (or is not a regular file, see [`open_file`]).
pub fn open(path: &Path) -> io::Result<Capture> {
    let mut file = open_file(path)?;
    let mut bytes = Vec::new();
    // The head the kind is sniffed from; the rest is read on below, to the kind's limit.
    file.by_ref().take(SNIFF as u64).read_to_end(&mut bytes)?;
    let source = path.display().to_string();
    match InputKind::sniff(&bytes) {
        InputKind::Envelope => {
            let over = read_limited(&mut file, &mut bytes, super::MAX_DOCUMENT_BYTES)?;
            Ok(Capture {
                documents: vec![Document::from_read(path, &file, &bytes, over)],
                skipped: Vec::new(),
            })
        }
        InputKind::Http | InputKind::Har => {
            // A capture may hold many documents, so it may be larger than one document; it
            // is still read only up to its own limit (an endless file stops there).
            if read_limited(&mut file, &mut bytes, MAX_CAPTURE_BYTES)? {
                let doc = Document::too_large(
                    source,
                    format!("more than {MAX_CAPTURE_BYTES}"),
                    MAX_CAPTURE_BYTES,
                );
                return Ok(Capture {
                    documents: vec![doc],
                    skipped: Vec::new(),
                });
            }
            Ok(parse(&source, &bytes))
        }
    }
}

pub use crate::text::limits::MAX_CAPTURE_BYTES;

/// Takes bytes apart by their content (see [`open`]).
pub fn parse(source: &str, bytes: &[u8]) -> Capture {
    let mut capture = match InputKind::sniff(bytes) {
        InputKind::Http => http::parse_dump(source, bytes),
        InputKind::Har => har::parse(source, bytes),
        InputKind::Envelope => {
            return Capture {
                documents: vec![Document::from_bytes(source, bytes)],
                skipped: Vec::new(),
            }
        }
    };
    share_across(&mut capture);
    capture
}

/// Gives every document of a capture the secrets of all the others: a body may quote the
/// credentials of any message in the file, not only of its own exchange. Bounded: when
/// documents times distinct secrets pass `MAX_SHARED_SECRETS`, only each request and its
/// response share theirs (done while parsing).
fn share_across(capture: &mut Capture) {
    let mut seen: HashSet<&str> = HashSet::new();
    let all: Vec<String> = capture
        .documents
        .iter()
        .flat_map(|d| &d.secrets)
        .filter(|s| seen.insert(s.as_str()))
        .cloned()
        .collect();
    if all.len().saturating_mul(capture.documents.len()) > MAX_SHARED_SECRETS {
        return;
    }
    for d in &mut capture.documents {
        http::share_secrets(&mut d.secrets, &all);
    }
}

/// A document for a capture that could not be taken apart: its text is the violation.
pub(crate) fn malformed_capture(source: String, why: &str, bytes: &[u8]) -> Document {
    let secrets = crate::secrets::find(&String::from_utf8_lossy(bytes));
    let v: Violation = encoding_violation(why, 1, 1);
    Document {
        source,
        text: Err(Violation {
            code: Code::CaptureMalformed,
            line: None,
            column: None,
            ..v
        }),
        encoding: SourceEncoding::Unknown,
        secrets,
        http: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A FIFO that stands where a regular file was checked is opened without waiting for a
    /// writer and refused by the opened descriptor's type.
    #[cfg(unix)]
    #[test]
    fn a_fifo_swapped_in_after_the_check_is_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let fifo = dir.path().join("swapped.xml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        let (tx, rx) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || {
            let _ = tx.send(open_regular(&path).map(|_| ()).map_err(|e| e.to_string()));
        });
        let opened = rx.recv_timeout(std::time::Duration::from_secs(10));
        let Ok(result) = opened else {
            // Unblock the opener before failing, so the test run can end.
            let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
            panic!("opening a FIFO blocked");
        };
        let err = result.expect_err("a FIFO is no regular file");
        assert!(err.contains("not a regular file (a FIFO)"), "{err}");
        // By name, the check before opening says the same.
        let err = open_file(&fifo).map(|_| ()).expect_err("refused");
        assert!(err.to_string().contains("(a FIFO)"), "{err}");
        let err = open_file(dir.path()).map(|_| ()).expect_err("refused");
        assert!(err.to_string().contains("(a directory)"), "{err}");
        // A socket and a character device, each by its name.
        let socket = dir.path().join("s.xml");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).expect("a socket");
        let err = open_file(&socket).map(|_| ()).expect_err("refused");
        assert!(err.to_string().contains("(a socket)"), "{err}");
        let err = open_file(Path::new("/dev/null"))
            .map(|_| ())
            .expect_err("refused");
        assert!(err.to_string().contains("(a character device)"), "{err}");
    }

    /// A capture's documents share their secrets while documents times distinct secrets
    /// stay within `MAX_SHARED_SECRETS`, and not past it.
    #[test]
    fn secrets_are_shared_up_to_the_bound_and_not_past_it() {
        let capture = |n: usize| Capture {
            documents: (0..n)
                .map(|i| Document {
                    source: format!("d{i}"),
                    text: Ok(String::new()),
                    encoding: SourceEncoding::Utf8,
                    secrets: vec![format!("t{i}")],
                    http: None,
                })
                .collect(),
            skipped: Vec::new(),
        };
        let edge = (1..).find(|n| n * n > MAX_SHARED_SECRETS).unwrap_or(0) - 1;
        assert!(edge > 1 && edge * edge <= MAX_SHARED_SECRETS);
        let mut at = capture(edge);
        share_across(&mut at);
        assert!(at.documents.iter().all(|d| d.secrets.len() == edge));
        assert_eq!(
            at.documents[0].secrets[..2],
            ["t0".to_string(), "t1".to_string()]
        );
        // One document more passes the bound: each keeps its own.
        let mut over = capture(edge + 1);
        share_across(&mut over);
        assert!(over.documents.iter().all(|d| d.secrets.len() == 1));
    }

    #[test]
    fn a_capture_that_cannot_be_taken_apart_is_one_finding_without_a_position() {
        let doc = malformed_capture("c.har".into(), "not JSON", b"{<Ticket>sec</Ticket>");
        let v = doc.text.expect_err("malformed");
        assert_eq!(
            (v.code, v.line, v.column),
            (Code::CaptureMalformed, None, None)
        );
        assert_eq!(v.message, "not JSON");
        assert_eq!(doc.secrets, ["sec".to_string()]);
    }

    /// `open` sniffs a head and reads on: an envelope longer than the head is read whole, an
    /// envelope past the document limit is refused for its size (not read on to the larger
    /// capture limit), a dump is taken apart.
    #[test]
    fn open_reads_on_past_the_sniffed_head_to_the_kinds_limit() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let write = |name: &str, bytes: &[u8]| {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).expect("written");
            p
        };
        let long = format!("<a>{}</a>", "x".repeat(SNIFF + 10));
        let c = open(&write("long.xml", long.as_bytes())).expect("opened");
        assert_eq!(c.documents.len(), 1);
        assert_eq!(c.documents[0].text(), Some(long.as_str()));
        let big = vec![b' '; super::super::MAX_DOCUMENT_BYTES + 5];
        let c = open(&write("big.xml", &big)).expect("opened");
        let v = c.documents[0].text.clone().expect_err("too large");
        assert_eq!(v.code, Code::XmlLimit);
        assert!(
            v.message.contains(&format!("is {} bytes", big.len())),
            "{}",
            v.message
        );
        let env = "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body/></s:Envelope>";
        let dump = format!(
            "POST /r HTTP/1.1\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{env}",
            env.len()
        );
        let c = open(&write("d.http", dump.as_bytes())).expect("opened");
        assert_eq!(c.documents.len(), 1);
        assert_eq!(c.documents[0].text(), Some(env));
        assert!(c.documents[0].http.is_some());
    }

    #[test]
    fn long_start_lines_and_padded_hars_are_captures() {
        let post = "POST https://sod.superoffice.com/Cust12345/Remote/Services85/Relation.svc HTTP/1.1\r\n";
        assert!(post.len() > 64);
        assert_eq!(InputKind::sniff(post.as_bytes()), InputKind::Http);
        let padded = format!("{}{{\"log\":{{}}}}", " \r\n\t".repeat(1000));
        assert_eq!(InputKind::sniff(padded.as_bytes()), InputKind::Har);
        assert_eq!(InputKind::sniff(b"\n <s:Envelope/>"), InputKind::Envelope);
    }

    #[test]
    fn sniffing_looks_at_a_bounded_prefix_only() {
        // The start line (or the HAR's `{`) must stand within the prefix; beyond it the
        // bytes are one document, read as they are.
        let line = format!("POST /{} HTTP/1.1\r\n", "a".repeat(SNIFF));
        assert_eq!(InputKind::sniff(line.as_bytes()), InputKind::Envelope);
        let har = format!("{}{{}}", " ".repeat(SNIFF));
        assert_eq!(InputKind::sniff(har.as_bytes()), InputKind::Envelope);
        let har = format!("{}{{}}", " ".repeat(SNIFF - 1));
        assert_eq!(InputKind::sniff(har.as_bytes()), InputKind::Har);
    }
}
