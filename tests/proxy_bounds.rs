//! The proxy holds under abuse as the stub does, on loopback: a body over the limit goes
//! through byte for byte, streamed (the far side has the first bytes before the near side
//! has sent the last) and reported as `capture.too-large`, either way; the connection cap
//! and the body timeout are the stub's; the results kept are bounded; and the cost of an
//! exchange is linear in its body (a doubling test).

mod common;

use common::stub::{action, entity, save, send};
use common::upstream::{self, eventually, read_answer};
use relation_contract::codec;
use relation_contract::proxy::{Direction, Proxy, ProxyOptions};
use relation_contract::serve::{ConnectionLimits, StubServer, SERVICE_PATH};
use relation_contract::testkit::timing::assert_linear;
use relation_contract::violation::Code;
use relation_contract::Operation;
use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The limit these tests set (the default is 8 MiB), and a body 64 times over it.
const LIMIT: usize = 64 * 1024;
const BIG: usize = 64 * LIMIT;

fn big_body() -> Vec<u8> {
    (0..BIG).map(|i| (i % 251) as u8).collect()
}

fn proxy_to(addr: std::net::SocketAddr, tweak: impl FnOnce(&mut ProxyOptions)) -> Proxy {
    let mut opts = ProxyOptions {
        upstream: format!("http://{addr}"),
        timeout: Duration::from_secs(20),
        max_body: LIMIT,
        ..ProxyOptions::default()
    };
    tweak(&mut opts);
    Proxy::start(opts).expect("the proxy starts")
}

fn connect(addr: std::net::SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s
}

fn codes(proxy: &Proxy, direction: Direction) -> Vec<Code> {
    proxy
        .results()
        .iter()
        .filter(|r| r.direction == direction)
        .flat_map(|r| r.item.violations.iter().map(|f| f.violation.code))
        .collect()
}

#[test]
fn a_request_body_over_the_limit_is_streamed_through_byte_for_byte_either_framing() {
    for chunked in [false, true] {
        let got = Arc::new(Mutex::new(Vec::new()));
        let keep = got.clone();
        let up = upstream::start(move |seen, out| {
            *keep.lock().unwrap() = seen.body;
            upstream::ok(out, b"<done/>");
        });
        let proxy = proxy_to(up.addr, |_| {});
        let body = big_body();
        let mut s = connect(proxy.addr());
        let framing = if chunked {
            "Transfer-Encoding: chunked".to_string()
        } else {
            format!("Content-Length: {BIG}")
        };
        let head = format!("POST {SERVICE_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n{framing}\r\n\r\n");
        s.write_all(head.as_bytes()).unwrap();
        let write = |s: &mut TcpStream, part: &[u8]| {
            for piece in part.chunks(16 * 1024) {
                if chunked {
                    s.write_all(format!("{:x}\r\n", piece.len()).as_bytes())
                        .unwrap();
                    s.write_all(piece).unwrap();
                    s.write_all(b"\r\n").unwrap();
                } else {
                    s.write_all(piece).unwrap();
                }
            }
        };
        // Four times the limit, then a pause: a proxy that held the body whole would
        // forward nothing until the client is done.
        let (first, rest) = body.split_at(4 * LIMIT);
        write(&mut s, first);
        assert!(
            eventually(|| up.received.load(Ordering::SeqCst) > 2 * LIMIT),
            "chunked {chunked}: the upstream had {} bytes while the client paused",
            up.received.load(Ordering::SeqCst)
        );
        write(&mut s, rest);
        if chunked {
            s.write_all(b"0\r\n\r\n").unwrap();
        }
        let (status, _, answer) = read_answer(&mut BufReader::new(s));
        assert_eq!((status, answer.as_slice()), (200, &b"<done/>"[..]));
        assert!(
            *got.lock().unwrap() == body,
            "chunked {chunked}: not byte for byte"
        );
        assert_eq!(codes(&proxy, Direction::Request), [Code::CaptureTooLarge]);
        let stats = proxy.stop();
        assert_eq!((stats.exchanges, stats.forwarded), (1, 1));
        assert!(stats.invalid >= 1, "{stats:?}");
    }
}

#[test]
fn a_response_body_over_the_limit_is_streamed_back_byte_for_byte() {
    let body = Arc::new(big_body());
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let go_rx = Mutex::new(go_rx);
    let sent = body.clone();
    let up = upstream::start(move |_, out| {
        let head =
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {BIG}\r\n\r\n");
        let _ = out.write_all(head.as_bytes());
        let (first, rest) = sent.split_at(4 * LIMIT);
        let _ = out.write_all(first);
        // The rest only once the client has read past the limit.
        let _ = go_rx.lock().unwrap().recv_timeout(Duration::from_secs(20));
        let _ = out.write_all(rest);
    });
    let proxy = proxy_to(up.addr, |_| {});
    let mut s = connect(proxy.addr());
    s.write_all(
        format!("POST {SERVICE_PATH} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 4\r\n\r\n<x/>")
            .as_bytes(),
    )
    .unwrap();
    let mut got = Vec::new();
    let mut piece = vec![0u8; 64 * 1024];
    let started = Instant::now();
    while got.len() < 2 * LIMIT && started.elapsed() < Duration::from_secs(20) {
        let n = s.read(&mut piece).unwrap();
        assert!(n > 0, "the answer ended early");
        got.extend_from_slice(&piece[..n]);
    }
    assert!(got.len() >= 2 * LIMIT, "the answer was held back");
    go_tx.send(()).unwrap();
    s.read_to_end(&mut got).unwrap();
    let split = got.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8_lossy(&got[..split]).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains(&format!("content-length: {BIG}")), "{head}");
    assert!(got[split..] == body[..], "not byte for byte");
    assert_eq!(codes(&proxy, Direction::Response), [Code::CaptureTooLarge]);
}

#[test]
fn connections_past_the_cap_wait_and_are_served_once_one_ends() {
    let stub = StubServer::start().unwrap();
    let proxy = proxy_to(stub.addr(), |o| {
        o.limits = ConnectionLimits {
            max_connections: 1,
            ..ConnectionLimits::default()
        }
    });
    let idle = connect(proxy.addr());
    std::thread::sleep(Duration::from_millis(100));
    let mut waiting = connect(proxy.addr());
    let mut body = Vec::new();
    codec::encode_request(&save(entity("after the cap")), &mut body).unwrap();
    let head = format!(
        "POST {SERVICE_PATH} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: {}\r\nContent-Length: {}\r\n\r\n",
        action(Operation::SaveContactRelation),
        body.len()
    );
    waiting.write_all(head.as_bytes()).unwrap();
    waiting.write_all(&body).unwrap();
    waiting
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut byte = [0u8; 1];
    assert!(
        waiting.read(&mut byte).is_err(),
        "answered past the cap of one connection"
    );
    assert_eq!(stub.requests(), 0);
    drop(idle);
    waiting
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let (status, _, answer) = read_answer(&mut BufReader::new(waiting));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
    assert_eq!(stub.requests(), 1);
}

#[test]
fn a_body_that_stops_arriving_gets_408_at_the_body_timeout() {
    let up = upstream::start(|_, out| upstream::ok(out, b"<x/>"));
    let proxy = proxy_to(up.addr, |o| {
        o.limits = ConnectionLimits {
            body_timeout: Duration::from_millis(300),
            ..ConnectionLimits::default()
        }
    });
    let mut s = connect(proxy.addr());
    s.write_all(
        format!("POST {SERVICE_PATH} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
            .as_bytes(),
    )
    .unwrap();
    let t = Instant::now();
    let (status, head, _) = read_answer(&mut BufReader::new(s));
    assert_eq!(status, 408);
    assert!(head.contains("connection: close"), "{head}");
    assert!(t.elapsed() < Duration::from_secs(10));
    assert_eq!(up.received.load(Ordering::SeqCst), 0, "nothing forwarded");
}

#[test]
fn the_first_results_are_kept_and_the_rest_counted() {
    let stub = StubServer::start().unwrap();
    let proxy = proxy_to(stub.addr(), |o| o.kept_results = 3);
    for i in 0..5 {
        let reply = common::stub::call(proxy.addr(), &save(entity(&format!("n{i}"))));
        assert_eq!(reply.status, 200);
    }
    // One bad one last (no SOAPAction): counted in the totals though not kept.
    let mut bad = Vec::new();
    codec::encode_request(&save(entity("bad")), &mut bad).unwrap();
    send(
        proxy.addr(),
        "POST",
        SERVICE_PATH,
        &[("Content-Type", "text/xml; charset=utf-8")],
        &bad,
    );
    let results = proxy.results();
    assert_eq!(results.len(), 3);
    assert_eq!(
        results.iter().map(|r| r.exchange).collect::<Vec<_>>(),
        [1, 1, 2]
    );
    let stats = proxy.stop();
    // Five valid exchanges of two messages, then the bad request and its fault.
    assert_eq!(stats.messages, 12, "{stats:?}");
    assert_eq!(stats.not_kept, stats.messages - 3);
    assert_eq!(stats.summary.documents as u64, stats.messages);
    // The stub's fault answer honours the contract; the request did not.
    assert_eq!((stats.summary.valid, stats.summary.invalid), (11, 1));
}

/// A valid Save whose body is about `n` bytes (a long comment).
fn save_of(n: usize) -> Vec<u8> {
    let mut body = Vec::new();
    codec::encode_request(&save(entity(&"x".repeat(n))), &mut body).unwrap();
    body
}

#[test]
fn the_cost_of_an_exchange_is_linear_in_its_body() {
    // The upstream echoes the body back: both messages grow.
    let up = upstream::start(|seen, out| upstream::ok(out, &seen.body));
    let proxy = proxy_to(up.addr, |o| {
        o.max_body = relation_contract::proxy::MAX_BODY;
        o.kept_results = 0;
    });
    let (small, large) = (save_of(1 << 20), save_of(2 << 20));
    let headers = [
        ("Content-Type", "text/xml; charset=utf-8"),
        ("SOAPAction", &action(Operation::SaveContactRelation)),
    ];
    let exchange = |body: &[u8]| {
        let reply = send(proxy.addr(), "POST", SERVICE_PATH, &headers, body);
        assert_eq!((reply.status, reply.body.len()), (200, body.len()));
    };
    let ratio = assert_linear(
        "an exchange through the proxy",
        small.as_slice(),
        large.as_slice(),
        exchange,
    );
    eprintln!("1 MiB -> 2 MiB bodies: ratio {ratio:.2}");
    let stats = proxy.stop();
    assert!(stats.messages >= 2 * stats.exchanges && stats.not_kept == stats.messages);
}
