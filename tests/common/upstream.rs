//! A hand-rolled HTTP/1.1 upstream for the proxy's tests: each connection's request is
//! read (Content-Length or chunked, in linear time, without ever holding more than the
//! body), its body bytes counted as they arrive, and the request handed to a handler that
//! writes the answer. Loopback only; every socket has a deadline.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A request as the upstream read it.
pub struct Seen {
    /// Start line and header lines, as sent.
    pub head: String,
    /// The body, de-chunked.
    pub body: Vec<u8>,
}

/// The upstream's address, and the body bytes it has read so far (over all requests).
pub struct Upstream {
    pub addr: SocketAddr,
    pub received: Arc<AtomicUsize>,
}

/// Starts an upstream; `answer` writes the answer to each request on its stream.
pub fn start(answer: impl Fn(Seen, &mut TcpStream) + Send + Sync + 'static) -> Upstream {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let received = Arc::new(AtomicUsize::new(0));
    let counter = received.clone();
    let answer = Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let (counter, answer) = (counter.clone(), answer.clone());
            std::thread::spawn(move || {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
                let Ok(mut out) = stream.try_clone() else {
                    return;
                };
                let mut r = BufReader::with_capacity(64 * 1024, stream);
                if let Some(seen) = read_request(&mut r, &counter) {
                    answer(seen, &mut out);
                }
            });
        }
    });
    Upstream { addr, received }
}

fn read_request(r: &mut BufReader<TcpStream>, counter: &AtomicUsize) -> Option<Seen> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let lower = head.to_ascii_lowercase();
    let length = lower.lines().find_map(|l| {
        l.strip_prefix("content-length:")
            .and_then(|v| v.trim().parse::<usize>().ok())
    });
    let chunked = lower.contains("transfer-encoding: chunked");
    let mut body = Vec::new();
    if chunked {
        loop {
            let mut size = String::new();
            r.read_line(&mut size).ok()?;
            let n = usize::from_str_radix(size.trim().split(';').next()?, 16).ok()?;
            if n == 0 {
                let mut end = String::new();
                r.read_line(&mut end).ok()?;
                break;
            }
            read_counted(r, n, &mut body, counter)?;
            let mut crlf = [0u8; 2];
            r.read_exact(&mut crlf).ok()?;
        }
    } else if let Some(n) = length {
        read_counted(r, n, &mut body, counter)?;
    }
    Some(Seen { head, body })
}

/// Reads `n` bytes onto `body`, counting them as they come.
fn read_counted(
    r: &mut BufReader<TcpStream>,
    n: usize,
    body: &mut Vec<u8>,
    counter: &AtomicUsize,
) -> Option<()> {
    let mut left = n;
    let mut piece = vec![0u8; 64 * 1024];
    while left > 0 {
        let k = r.read(&mut piece[..left.min(64 * 1024)]).ok()?;
        if k == 0 {
            return None;
        }
        body.extend_from_slice(&piece[..k]);
        counter.fetch_add(k, Ordering::SeqCst);
        left -= k;
    }
    Some(())
}

/// `200 OK` with `body` as `text/xml`, Content-Length framed.
pub fn ok(out: &mut TcpStream, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = out.write_all(head.as_bytes());
    let _ = out.write_all(body);
}

/// Waits (at most 20 s) until `cond` holds; whether it did.
pub fn eventually(mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

/// Reads one answer's head (status and lower-cased header lines) and its body, framed by
/// Content-Length or chunked.
pub fn read_answer(r: &mut BufReader<TcpStream>) -> (u16, String, Vec<u8>) {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let lower = head.to_ascii_lowercase();
    let mut body = Vec::new();
    if lower.contains("transfer-encoding: chunked") {
        loop {
            let mut size = String::new();
            r.read_line(&mut size).unwrap();
            let n = usize::from_str_radix(size.trim(), 16).unwrap();
            if n == 0 {
                break;
            }
            let mut chunk = vec![0u8; n + 2];
            r.read_exact(&mut chunk).unwrap();
            body.extend_from_slice(&chunk[..n]);
        }
    } else if let Some(n) = lower.lines().find_map(|l| {
        l.strip_prefix("content-length:")
            .and_then(|v| v.trim().parse::<usize>().ok())
    }) {
        let mut b = vec![0u8; n];
        r.read_exact(&mut b).unwrap();
        body = b;
    }
    (status, lower, body)
}
