//! The stub under abuse (issue 17): slow and fragmented bodies, more connections than
//! open files, floods of bad requests, two stubs on one state file, a state write that
//! fails, an unwritable stderr, an oversize body. Each runs the built binary as a child
//! (its memory is read from /proc), on loopback, with short timeouts
//! (`RELATION_CONTRACT_SERVE_TIMEOUT_MS`) and a deadline on every socket and child.
#![cfg(target_os = "linux")]

mod common;

use common::stub::*;
use relation_contract::model::Nillable;
use relation_contract::serve::{FaultStyle, ServeOptions, StubServer, MAX_BODY, SERVICE_PATH};
use relation_contract::text::limits::STUB_KEPT_REJECTIONS;
use relation_contract::Operation;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_relation-contract");

struct Running {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `serve ARGS` under `sh -c` (for a `ulimit`), connection timeouts of `timeout_ms`, stderr
/// where `stderr` says; waits (at most 20 s) for its URL.
fn spawn(args: &[&str], ulimit: Option<u32>, timeout_ms: u64, stderr: Stdio) -> Running {
    let mut script = String::new();
    if let Some(n) = ulimit {
        script.push_str(&format!("ulimit -n {n} || exit 99; "));
    }
    script.push_str("exec \"$0\" serve \"$@\"");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(BIN)
        .args(args)
        .env("RELATION_CONTRACT_SERVE_TIMEOUT_MS", timeout_ms.to_string())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(l) => l,
        Err(_) => {
            let _ = child.kill();
            panic!("the stub did not say where it listens");
        }
    };
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .and_then(|u| u.strip_suffix(SERVICE_PATH))
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .parse()
        .unwrap();
    Running { child, addr }
}

/// SIGTERM, then at most 15 s for the exit status.
fn terminate(mut r: Running) -> std::process::ExitStatus {
    common::process::sigterm(&r.child);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(status) = r.child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "the stub did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The child's resident memory, in MiB.
fn rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kib / 1024.0
}

/// A connection that has sent a POST's headers announcing `length` body bytes.
fn post_head(addr: SocketAddr, length: usize) -> TcpStream {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_nodelay(true).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let head = format!(
        "POST {SERVICE_PATH} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/xml; charset=utf-8\r\n\
         SOAPAction: {}\r\nContent-Length: {length}\r\n\r\n",
        action(Operation::SaveContactRelation)
    );
    s.write_all(head.as_bytes()).unwrap();
    s
}

/// A good request on a fresh connection, answered within `wait`: its status.
fn good_request(addr: SocketAddr, wait: Duration) -> Result<u16, String> {
    let mut body = Vec::new();
    relation_contract::codec::encode_request(
        &request(relation_contract::model::RequestBody::CreateDefaultContactRelationEntity),
        &mut body,
    )
    .unwrap();
    let mut s = TcpStream::connect_timeout(&addr, wait).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(wait)).unwrap();
    s.set_write_timeout(Some(wait)).unwrap();
    let head = format!(
        "POST {SERVICE_PATH} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: text/xml; charset=utf-8\r\nSOAPAction: {}\r\nContent-Length: {}\r\n\r\n",
        action(Operation::CreateDefaultContactRelationEntity),
        body.len()
    );
    s.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
    s.write_all(&body).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&raw);
    text.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| format!("no status line: {text:?}"))
}

#[test]
fn a_body_trickled_byte_by_byte_costs_no_memory_and_is_cut_at_the_timeout() {
    let stub = spawn(&[], None, 2000, Stdio::null());
    let pid = stub.child.id();
    let start = rss_mib(pid);
    let mut s = post_head(stub.addr, 3_000_000);
    let t0 = Instant::now();
    let (mut sent, mut peak, mut cut) = (0usize, start, None);
    // One byte per write, as fast as the loopback takes them, until the stub hangs up.
    while t0.elapsed() < Duration::from_secs(12) {
        if s.write_all(b"x").is_err() {
            cut = Some(t0.elapsed());
            break;
        }
        sent += 1;
        if sent.is_multiple_of(20_000) {
            peak = peak.max(rss_mib(pid));
        }
    }
    let cut = cut.unwrap_or_else(|| panic!("the stub did not close the connection ({sent} bytes)"));
    assert!(
        cut >= Duration::from_millis(1900) && cut < Duration::from_secs(6),
        "closed after {cut:?} (the body timeout is 2 s)"
    );
    assert!(sent > 10_000, "the test trickled only {sent} bytes");
    assert!(
        peak - start < 50.0,
        "{sent} one-byte pieces grew the stub from {start:.1} to {peak:.1} MiB"
    );
    // The stub is still there for others.
    assert_eq!(good_request(stub.addr, Duration::from_secs(10)), Ok(200));
}

#[test]
fn past_the_open_file_limit_connections_wait_and_a_good_client_is_answered() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("stderr.log");
    let stub = spawn(
        &[],
        Some(256),
        2000,
        Stdio::from(std::fs::File::create(&log).unwrap()),
    );
    // 300 clients that send headers and one byte of a body, then nothing.
    let slow: Vec<TcpStream> = (0..300)
        .map(|_| {
            let mut s = post_head(stub.addr, 100_000);
            let _ = s.write_all(b"<");
            s
        })
        .collect();
    let t0 = Instant::now();
    assert_eq!(good_request(stub.addr, Duration::from_secs(20)), Ok(200));
    let waited = t0.elapsed();
    assert!(
        waited < Duration::from_secs(15),
        "answered after {waited:?}"
    );
    drop(slow);
    assert!(terminate(stub).success());
    let text = std::fs::read_to_string(&log).unwrap();
    let accept_failures = text.lines().filter(|l| l.contains("accept failed")).count();
    assert!(
        accept_failures <= 1,
        "accept failed {accept_failures} times:\n{text}"
    );
}

/// A request with a bad value: one `xsd.value`, its message quoting the value.
fn rejected_request(addr: SocketAddr) -> Vec<u8> {
    let mut e = entity("flood");
    e.comment = "x".repeat(200).into();
    let mut body = Vec::new();
    relation_contract::codec::encode_request(&save(e), &mut body).unwrap();
    let body = String::from_utf8(body).unwrap().replacen(
        "<Reversed>0</Reversed>",
        &format!("<Reversed>{}</Reversed>", "9".repeat(300)),
        1,
    );
    assert!(body.contains("999999"), "the request carries the bad value");
    let mut req = format!(
        "POST {SERVICE_PATH} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/xml; charset=utf-8\r\n\
         SOAPAction: {}\r\nContent-Length: {}\r\n\r\n",
        action(Operation::SaveContactRelation),
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body.as_bytes());
    req
}

/// Sends `n` copies of `req` on one keep-alive connection, reading each answer: their
/// statuses.
fn flood(addr: SocketAddr, req: &[u8], n: usize) -> Vec<u16> {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut w = s.try_clone().unwrap();
    let mut r = BufReader::new(s);
    let mut statuses = Vec::with_capacity(n);
    for _ in 0..n {
        w.write_all(req).unwrap();
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        statuses.push(
            line.split(' ')
                .nth(1)
                .and_then(|c| c.parse().ok())
                .unwrap_or(0),
        );
        let mut length = 0usize;
        loop {
            let mut h = String::new();
            r.read_line(&mut h).unwrap();
            if h == "\r\n" || h.is_empty() {
                break;
            }
            if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        r.read_exact(&mut body).unwrap();
    }
    statuses
}

#[test]
fn ten_thousand_rejections_keep_no_memory_and_few_lines() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("stderr.log");
    let stub = spawn(
        &[],
        None,
        10_000,
        Stdio::from(std::fs::File::create(&log).unwrap()),
    );
    let req = rejected_request(stub.addr);
    // Warm up: the allocator's arenas, the first 100 rejections kept in full.
    let warm = flood(stub.addr, &req, STUB_KEPT_REJECTIONS + 100);
    assert!(warm.iter().all(|s| *s == 500), "{:?}", &warm[..3]);
    let start = rss_mib(stub.child.id());
    let t0 = Instant::now();
    let addr = stub.addr;
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let req = req.clone();
            std::thread::spawn(move || flood(addr, &req, 5_000))
        })
        .collect();
    for t in threads {
        assert!(t.join().unwrap().iter().all(|s| *s == 500));
    }
    let secs = t0.elapsed().as_secs_f64();
    let grown = rss_mib(stub.child.id()) - start;
    assert!(
        grown < 20.0,
        "10,000 rejections grew the stub by {grown:.1} MiB"
    );
    assert!(terminate(stub).success());
    let text = std::fs::read_to_string(&log).unwrap();
    let lines = text.lines().count();
    // 50 lines a second, one summary per second, the stop's summary.
    let most = ((secs + 2.0) * 51.0) as usize + 2;
    assert!(
        lines <= most,
        "{lines} lines in {secs:.1} s:\n{}",
        &text[..2000.min(text.len())]
    );
    assert!(
        text.contains(" more lines not shown (over 50 a second)"),
        "{text}"
    );
    assert!(text
        .lines()
        .next()
        .unwrap()
        .starts_with("rejected SaveContactRelation: xsd.value"));
    assert!(
        text.contains("(10200 refused)"),
        "{}",
        &text[text.len().saturating_sub(500)..]
    );
}

#[test]
fn a_stub_keeps_the_first_rejections_in_full_and_counts_the_rest() {
    let stub = StubServer::start_with(ServeOptions {
        faults: FaultStyle::Contract,
        ..ServeOptions::default()
    })
    .unwrap();
    let n = STUB_KEPT_REJECTIONS + 25;
    let statuses = flood(stub.addr(), &rejected_request(stub.addr()), n);
    assert!(statuses.iter().all(|s| *s == 500));
    assert_eq!(stub.refused(), n);
    assert_eq!(stub.rejections().len(), STUB_KEPT_REJECTIONS);
    assert_eq!(stub.violations().len(), STUB_KEPT_REJECTIONS);
    assert_eq!(
        stub.not_kept()
            .into_iter()
            .map(|(c, k)| (c.as_str().to_string(), k))
            .collect::<Vec<_>>(),
        [("xsd.value".to_string(), 25)]
    );
    let told = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| stub.assert_clean()));
    let message = match told {
        Err(p) => p.downcast_ref::<String>().cloned().unwrap_or_default(),
        Ok(()) => panic!("assert_clean passed a stub that refused {n} requests"),
    };
    assert!(message.starts_with(&format!("{n} request(s)")), "{message}");
    assert!(
        message.contains("... and 25 more, not kept; their violations: xsd.value 25"),
        "{message}"
    );
    assert_eq!(stub.stop().refused, n);
}

#[test]
fn a_second_stub_on_the_same_state_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap();
    let first = spawn(&["--state", state_arg], None, 10_000, Stdio::null());
    let r = call(first.addr, &save(entity("first")));
    let id = id_of(
        entity_of(ok_body(&r, Operation::SaveContactRelation))
            .value()
            .unwrap(),
    );
    let out = Command::new("timeout")
        .args(["20", BIN, "serve", "--state", state_arg])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("state.json: in use by another stub"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "it never listened");
    // The first one goes on, its file untouched by the second.
    let got = call(first.addr, &get(id));
    assert!(
        entity_of(ok_body(&got, Operation::GetContactRelationEntity))
            .value()
            .is_some()
    );
    assert!(terminate(first).success());
    // Once it is gone the file is free.
    let again = spawn(&["--state", state_arg], None, 10_000, Stdio::null());
    let got = call(again.addr, &get(id));
    assert!(
        entity_of(ok_body(&got, Operation::GetContactRelationEntity))
            .value()
            .is_some()
    );
    assert!(terminate(again).success());
}

#[test]
fn a_state_path_that_cannot_be_written_refuses_at_start() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the state file's folder should be; and a folder no one may create
    // files in, root included (procfs).
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"").unwrap();
    let cases = [
        (
            blocker.join("state.json"),
            "state.json: cannot be read: Not a directory",
        ),
        (
            Path::new("/proc").join("relation-contract-state.json"),
            "relation-contract-state.json: cannot be kept there",
        ),
    ];
    for (state, told) in cases {
        let out = Command::new("timeout")
            .args(["20", BIN, "serve", "--state", state.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(out.stdout.is_empty(), "it never listened");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(told), "{stderr}");
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_failed_state_write_is_not_applied_and_the_client_gets_the_fault() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let state_arg = state.to_str().unwrap();
    // A killed stub's temporary file: gone once the next one starts.
    std::fs::write(dir.path().join(".state.json.k1LLed.tmp"), b"{\"half").unwrap();
    let stub = spawn(&["--state", state_arg], None, 10_000, Stdio::null());
    assert_eq!(names_in(dir.path()), ["state.json"]);
    let r = call(stub.addr, &save(entity("acknowledged")));
    let kept = id_of(
        entity_of(ok_body(&r, Operation::SaveContactRelation))
            .value()
            .unwrap(),
    );
    // A folder where the state file goes: the next write's rename fails.
    let aside = dir.path().join("aside");
    std::fs::rename(&state, &aside).unwrap();
    std::fs::create_dir(&state).unwrap();
    let refused = call(stub.addr, &save(entity("told it failed")));
    assert_eq!(refused.status, 500, "{}", refused.body);
    assert!(
        refused.body.contains("could not write its state file"),
        "{}",
        refused.body
    );
    assert!(!refused.body.contains(TICKET));
    // Not applied: the id it would have had holds nothing.
    let lost = kept + 1;
    let got = call(stub.addr, &get(lost));
    assert!(entity_of(ok_body(&got, Operation::GetContactRelationEntity)).is_nil());
    std::fs::remove_dir(&state).unwrap();
    std::fs::rename(&aside, &state).unwrap();
    assert!(terminate(stub).success());
    let text = std::fs::read_to_string(&state).unwrap();
    assert!(!text.contains("told it failed"), "{text}");
    // After a restart: the acknowledged save is there, the failed one is not.
    let again = spawn(&["--state", state_arg], None, 10_000, Stdio::null());
    let got = call(again.addr, &get(kept));
    assert_eq!(
        entity_of(ok_body(&got, Operation::GetContactRelationEntity))
            .value()
            .map(|e| e.comment.clone()),
        Some("acknowledged".into())
    );
    let got = call(again.addr, &get(lost));
    assert_eq!(
        entity_of(ok_body(&got, Operation::GetContactRelationEntity)),
        Nillable::Nil
    );
    assert!(terminate(again).success());
}

#[test]
fn an_unwritable_stderr_loses_lines_not_answers_and_sigterm_is_exit_0() {
    for target in ["/dev/full", "a closed pipe"] {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state.json");
        let (stderr, reader) = if target == "/dev/full" {
            let full = std::fs::OpenOptions::new()
                .write(true)
                .open(target)
                .unwrap();
            (Stdio::from(full), None)
        } else {
            (Stdio::piped(), Some(()))
        };
        let mut stub = spawn(&["--state", state.to_str().unwrap()], None, 10_000, stderr);
        if reader.is_some() {
            drop(stub.child.stderr.take()); // closed: every write fails with EPIPE
        }
        // Rejections (each a line that cannot be written), saves (the writer task), gets.
        for i in 0..20 {
            let bad = flood(stub.addr, &rejected_request(stub.addr), 3);
            assert_eq!(bad, [500, 500, 500], "{target}");
            let r = call(stub.addr, &save(entity(&format!("saved {i}"))));
            ok_body(&r, Operation::SaveContactRelation);
        }
        let status = terminate(stub);
        assert_eq!(status.code(), Some(0), "{target}: {status:?}");
        assert!(std::fs::read_to_string(&state)
            .unwrap()
            .contains("saved 19"));
    }
}

#[test]
fn an_oversize_body_gets_413_in_either_style() {
    for faults in ["wcf", "contract"] {
        let stub = spawn(&["--faults", faults], None, 10_000, Stdio::null());
        for chunked in [false, true] {
            let mut s = TcpStream::connect(stub.addr).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
            let framing = if chunked {
                "Transfer-Encoding: chunked".to_string()
            } else {
                format!("Content-Length: {}", MAX_BODY + 1)
            };
            let head = format!(
                "POST {SERVICE_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nSOAPAction: {}\r\n{framing}\r\n\r\n",
                action(Operation::SaveContactRelation)
            );
            s.write_all(head.as_bytes()).unwrap();
            let mut w = s.try_clone().unwrap();
            let writer = std::thread::spawn(move || {
                let piece = vec![b' '; 64 * 1024];
                let mut left = MAX_BODY + 1;
                while left > 0 {
                    let n = left.min(piece.len());
                    let sent = if chunked {
                        let mut c = format!("{n:x}\r\n").into_bytes();
                        c.extend_from_slice(&piece[..n]);
                        c.extend_from_slice(b"\r\n");
                        w.write_all(&c)
                    } else {
                        w.write_all(&piece[..n])
                    };
                    if sent.is_err() {
                        return; // the stub has answered and hung up
                    }
                    left -= n;
                }
                let _ = w.write_all(if chunked { b"0\r\n\r\n" } else { b"" });
            });
            let mut line = String::new();
            BufReader::new(&s).read_line(&mut line).unwrap();
            assert!(
                line.starts_with("HTTP/1.1 413 "),
                "{faults}, chunked {chunked}: {line:?}"
            );
            drop(s);
            writer.join().unwrap();
        }
        assert!(terminate(stub).success());
    }
}
