//! The validating, recording proxy (issue 15), on loopback: in front of the project's own
//! stub, and in front of hand-rolled upstreams for byte-exact and failure cases.

mod common;

use common::stub::{call, entity, save, send, APP_TOKEN, TICKET};
use relation_contract::codec;
use relation_contract::contract::{Contract, ContractChoice};
use relation_contract::model::{Message, Nillable};
use relation_contract::proxy::{Direction, Proxy, ProxyOptions};
use relation_contract::serve::{FaultStyle, ServeOptions, StubServer, SERVICE_PATH};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn proxy_to(upstream: &str, tweak: impl FnOnce(&mut ProxyOptions)) -> Proxy {
    let mut opts = ProxyOptions {
        upstream: upstream.to_string(),
        timeout: Duration::from_secs(10),
        ..ProxyOptions::default()
    };
    tweak(&mut opts);
    Proxy::start(opts).expect("the proxy starts")
}

fn stub_root(stub: &StubServer) -> String {
    format!("http://{}", stub.addr())
}

/// A hand-rolled upstream: each connection's request head and body are read (by
/// Content-Length), counted, kept, and answered with `answer` (or not answered at all,
/// for `None`, holding the connection for `hold`).
struct Raw {
    addr: std::net::SocketAddr,
    seen: Arc<std::sync::Mutex<Vec<String>>>,
    count: Arc<AtomicUsize>,
}

fn raw_upstream(answer: Option<Vec<u8>>, hold: Duration) -> Raw {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let (s2, c2) = (seen.clone(), count.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // Head, then Content-Length bytes of body.
            loop {
                let n = stream.read(&mut chunk).unwrap_or(0);
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).to_string();
                if let Some((head, body)) = text.split_once("\r\n\r\n") {
                    let len = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    if body.len() >= len {
                        break;
                    }
                }
            }
            c2.fetch_add(1, Ordering::SeqCst);
            s2.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&buf).to_string());
            match &answer {
                Some(a) => {
                    let _ = stream.write_all(a);
                }
                None => std::thread::sleep(hold),
            }
        }
    });
    Raw { addr, seen, count }
}

/// The whole answer to one raw request on a fresh connection.
fn raw_request(addr: std::net::SocketAddr, req: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
    s.write_all(req).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    out
}

#[test]
fn in_front_of_the_stub_every_message_is_judged_and_the_answer_passes() {
    let stub = StubServer::start().unwrap();
    let proxy = proxy_to(&stub_root(&stub), |_| {});
    let reply = call(proxy.addr(), &save(entity("through the proxy")));
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains("through the proxy"), "{}", reply.body);
    assert_eq!(stub.requests(), 1);
    let results = proxy.results();
    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(results[0].direction, Direction::Request);
    assert_eq!(results[1].direction, Direction::Response);
    assert!(
        results.iter().all(|r| r.exchange == 1 && r.item.valid),
        "{results:?}"
    );
    let json = serde_json::to_value(&results[1]).unwrap();
    assert_eq!(json["direction"], "response");
    assert_eq!(json["exchange"], 1);
    assert_eq!(json["valid"], true);
    assert!(json.get("violations").is_some() && json.get("profile").is_some());
    let stats = proxy.stop();
    assert_eq!((stats.exchanges, stats.forwarded, stats.invalid), (1, 1, 0));
}

#[test]
fn a_bad_request_is_reported_and_still_forwarded_without_enforce() {
    let stub = StubServer::start().unwrap();
    let proxy = proxy_to(&stub_root(&stub), |_| {});
    let mut body = Vec::new();
    codec::encode_request(&save(entity("x")), &mut body).unwrap();
    // No SOAPAction: the contract is broken.
    let reply = send(
        proxy.addr(),
        "POST",
        SERVICE_PATH,
        &[("Content-Type", "text/xml; charset=utf-8")],
        &body,
    );
    assert_ne!(reply.status, 200);
    assert_eq!(stub.requests(), 1, "forwarded without --enforce");
    let results = proxy.results();
    assert!(!results[0].item.valid);
    let codes: Vec<&str> = results[0]
        .item
        .violations
        .iter()
        .map(|f| f.violation.code.as_str())
        .collect();
    assert!(codes.iter().any(|c| c.starts_with("http.")), "{codes:?}");
    // Secrets are not in any verdict.
    let all = serde_json::to_string(&results).unwrap();
    assert!(!all.contains(TICKET) && !all.contains(APP_TOKEN));
    let invalid = results.iter().filter(|r| !r.item.valid).count() as u64;
    assert_eq!(proxy.stop().invalid, invalid);
}

#[test]
fn enforce_answers_a_bad_request_and_the_upstream_sees_nothing() {
    let stub = StubServer::start().unwrap();
    let proxy = proxy_to(&stub_root(&stub), |o| o.enforce = true);
    let mut body = Vec::new();
    codec::encode_request(&save(entity("x")), &mut body).unwrap();
    let reply = send(
        proxy.addr(),
        "POST",
        SERVICE_PATH,
        &[("Content-Type", "text/xml; charset=utf-8")],
        &body,
    );
    // As `serve` answers it by default: WCF's dispatcher finds no action.
    assert_eq!(reply.status, 500);
    assert!(
        reply.body.contains("a:ActionNotSupported"),
        "{}",
        reply.body
    );
    assert!(!reply.body.contains(TICKET));
    assert_eq!(stub.requests(), 0, "the upstream saw the bad request");
    // A good one still goes through.
    assert_eq!(call(proxy.addr(), &save(entity("ok"))).status, 200);
    assert_eq!(stub.requests(), 1);
    let stats = proxy.stop();
    assert_eq!((stats.refused, stats.forwarded), (1, 1));
}

#[test]
fn the_path_is_kept_bytes_pass_unchanged_and_hop_by_hop_headers_are_dropped() {
    let body = b"<odd>  not SOAP at all \x01 </odd>";
    let mut answer = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nX-End: kept\r\nX-Hop: gone\r\nConnection: close, X-Hop\r\nKeep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    // Chunked, in two pieces.
    answer.extend_from_slice(format!("{:x}\r\n", 10).as_bytes());
    answer.extend_from_slice(&body[..10]);
    answer.extend_from_slice(format!("\r\n{:x}\r\n", body.len() - 10).as_bytes());
    answer.extend_from_slice(&body[10..]);
    answer.extend_from_slice(b"\r\n0\r\n\r\n");
    let up = raw_upstream(Some(answer), Duration::ZERO);
    let proxy = proxy_to(&format!("http://{}", up.addr), |_| {});
    let path = "/Cust12345/Remote/Services85/Relation.svc";
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close, X-Client-Hop\r\nX-Client-Hop: 1\r\nX-Client-End: 2\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    );
    let got = raw_request(proxy.addr(), req.as_bytes());
    let text = String::from_utf8_lossy(&got).to_string();
    let (head, rest) = text.split_once("\r\n\r\n").expect("an answer");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let lower = head.to_ascii_lowercase();
    assert!(lower.contains("x-end: kept"), "{head}");
    assert!(
        !lower.contains("x-hop") && !lower.contains("keep-alive"),
        "{head}"
    );
    assert!(
        got.ends_with(body) || rest.contains("not SOAP at all"),
        "{text}"
    );
    assert!(
        got.windows(body.len()).any(|w| w == body),
        "body not byte for byte: {text}"
    );
    let seen = up.seen.lock().unwrap()[0].clone();
    assert!(seen.starts_with(&format!("POST {path} HTTP/1.1")), "{seen}");
    let seen_lower = seen.to_ascii_lowercase();
    assert!(seen_lower.contains("x-client-end: 2"), "{seen}");
    assert!(!seen_lower.contains("x-client-hop"), "{seen}");
    assert!(
        seen.ends_with("abcde"),
        "the chunked body arrived whole: {seen}"
    );
}

#[test]
fn an_upstream_that_is_down_gives_502_and_one_that_stalls_504_and_the_proxy_stays_up() {
    let free = TcpListener::bind("127.0.0.1:0").unwrap();
    let down = free.local_addr().unwrap();
    drop(free);
    let proxy = proxy_to(&format!("http://{down}"), |_| {});
    let r = send(proxy.addr(), "POST", SERVICE_PATH, &[], b"<x/>");
    assert_eq!(r.status, 502);
    assert!(r.body.contains("cannot be reached"), "{}", r.body);
    let r = send(proxy.addr(), "POST", SERVICE_PATH, &[], b"<x/>");
    assert_eq!(r.status, 502, "still up after a failure");
    drop(proxy);

    let stall = raw_upstream(None, Duration::from_secs(3));
    let proxy = proxy_to(&format!("http://{}", stall.addr), |o| {
        o.timeout = Duration::from_millis(300)
    });
    let t = Instant::now();
    let r = send(proxy.addr(), "POST", SERVICE_PATH, &[], b"<x/>");
    assert_eq!(r.status, 504, "{}", r.body);
    assert!(r.body.contains("did not answer"), "{}", r.body);
    assert!(t.elapsed() < Duration::from_secs(3));
    assert_eq!(stall.count.load(Ordering::SeqCst), 1);
    let stats = proxy.stop();
    assert_eq!(stats.upstream_errors, 1);
}

#[test]
fn an_upstream_that_resets_mid_body_gives_502() {
    // Promises 1000 bytes, sends 5, closes.
    let up = raw_upstream(
        Some(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nhello".to_vec()),
        Duration::ZERO,
    );
    let proxy = proxy_to(&format!("http://{}", up.addr), |_| {});
    let r = send(proxy.addr(), "POST", SERVICE_PATH, &[], b"<x/>");
    assert_eq!(r.status, 502, "{}", r.body);
}

#[test]
fn recorded_exchanges_validate_and_hold_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    let stub = StubServer::start().unwrap();
    let proxy = proxy_to(&stub_root(&stub), |o| {
        o.record = Some(dir.path().to_path_buf())
    });
    let mut body = Vec::new();
    codec::encode_request(&save(entity("recorded")), &mut body).unwrap();
    let auth = "Basic c2VjcmV0LXVzZXI6cGFzc3dvcmQ=";
    let r = send(
        proxy.addr(),
        "POST",
        SERVICE_PATH,
        &[
            ("Content-Type", "text/xml; charset=utf-8"),
            (
                "SOAPAction",
                &common::stub::action(relation_contract::Operation::SaveContactRelation),
            ),
            ("Authorization", auth),
        ],
        &body,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    proxy.stop();
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(
            !text.contains(TICKET) && !text.contains(APP_TOKEN),
            "{text}"
        );
        assert!(!text.contains("c2VjcmV0LXVzZXI6cGFzc3dvcmQ="), "{text}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_relation-contract"))
        .arg("validate")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_command_prints_json_lines_with_direction_and_exchange_and_fails_on_a_break() {
    use std::io::BufRead;
    let stub = StubServer::start().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_relation-contract"))
        .args(["proxy", "--upstream", &stub_root(&stub), "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let addr: std::net::SocketAddr = line
        .trim()
        .strip_prefix("listening on http://")
        .and_then(|u| u.strip_suffix(SERVICE_PATH))
        .unwrap_or_else(|| panic!("first line: {line:?}"))
        .parse()
        .unwrap();
    let mut body = Vec::new();
    codec::encode_request(&save(entity("x")), &mut body).unwrap();
    // No SOAPAction: a break.
    send(
        addr,
        "POST",
        SERVICE_PATH,
        &[("Content-Type", "text/xml; charset=utf-8")],
        &body,
    );
    common::process::sigterm(&child);
    let status = child.wait().unwrap();
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(1), "{rest}{err}");
    let lines: Vec<serde_json::Value> = rest
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["direction"], "request");
    assert_eq!(lines[0]["exchange"], 1);
    assert_eq!(lines[0]["valid"], false);
    assert_eq!(lines[1]["direction"], "response");
    assert_eq!(lines.last().unwrap()["type"], "summary");
    assert!(!rest.contains(TICKET) && !err.contains(TICKET) && !err.contains(APP_TOKEN));
}

/// A request by name: its headers and its body.
type Named = (&'static str, Vec<(&'static str, String)>, Vec<u8>);

/// Bad requests of each kind serve answers differently: the headers and the body.
fn bad_requests() -> Vec<Named> {
    let save_action = common::stub::action(relation_contract::Operation::SaveContactRelation);
    let xml = ("Content-Type", "text/xml; charset=utf-8".to_string());
    let good = |env: &relation_contract::model::RequestEnvelope| {
        let mut body = Vec::new();
        codec::encode_request(env, &mut body).unwrap();
        body
    };
    let valid = good(&save(entity("x")));
    let mut no_ticket = save(entity("x"));
    no_ticket.headers.credentials = Nillable::Absent;
    let text = String::from_utf8(valid.clone()).unwrap();
    let unknown_member = text.replacen("<Comment>", "<Nonsense>1</Nonsense><Comment>", 1);
    assert_ne!(unknown_member, text, "the Save has a Comment");
    vec![
        ("no SOAPAction", vec![xml.clone()], valid.clone()),
        (
            "SOAP 1.2 media type",
            vec![
                ("Content-Type", "application/soap+xml; charset=utf-8".into()),
                ("SOAPAction", save_action.clone()),
            ],
            valid.clone(),
        ),
        (
            "malformed XML",
            vec![xml.clone(), ("SOAPAction", save_action.clone())],
            b"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>".to_vec(),
        ),
        (
            "no Ticket",
            vec![xml.clone(), ("SOAPAction", save_action.clone())],
            good(&no_ticket),
        ),
        (
            "an unknown member",
            vec![xml, ("SOAPAction", save_action)],
            unknown_member.into_bytes(),
        ),
    ]
}

#[test]
fn enforce_answers_every_bad_request_exactly_as_serve_does_in_either_style() {
    for (style, name) in [(FaultStyle::Wcf, "wcf"), (FaultStyle::Contract, "contract")] {
        let direct = StubServer::start_with(ServeOptions {
            faults: style,
            ..ServeOptions::default()
        })
        .unwrap();
        let behind = StubServer::start().unwrap();
        let proxy = proxy_to(&stub_root(&behind), |o| {
            o.enforce = true;
            o.faults = style;
        });
        let mut statuses = Vec::new();
        for (what, headers, body) in bad_requests() {
            let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let want = send(direct.addr(), "POST", SERVICE_PATH, &h, &body);
            let got = send(proxy.addr(), "POST", SERVICE_PATH, &h, &body);
            assert_eq!(got.status, want.status, "{name}, {what}: {}", got.body);
            assert_eq!(got.body, want.body, "{name}, {what}");
            assert_eq!(
                got.header("content-type"),
                want.header("content-type"),
                "{name}, {what}"
            );
            assert!(!got.body.contains(TICKET), "{name}, {what}");
            statuses.push(got.status);
        }
        assert_eq!(
            direct.refused(),
            statuses.len(),
            "{name}: serve refused each"
        );
        assert_eq!(
            behind.requests(),
            0,
            "{name}: the upstream saw a bad request"
        );
        let stats = proxy.stop();
        assert_eq!(stats.refused, statuses.len() as u64);
        match style {
            // WCF's answers differ by what broke: 500, 415, 400, NetServer's 200.
            FaultStyle::Wcf => assert_eq!(statuses, [500, 415, 400, 200, 500]),
            FaultStyle::Contract => assert!(statuses.iter().all(|s| *s == 500)),
        }
    }
}

/// A Save encoded in `c`'s namespace with `c`'s SOAPAction, to `c`'s endpoint path.
fn save_as(addr: std::net::SocketAddr, c: Contract) -> common::stub::Reply {
    let mut body = Vec::new();
    codec::encode_as(&Message::Request(save(entity("as 88"))), c, &mut body).unwrap();
    let a = format!("\"{}SaveContactRelation\"", c.action_prefix());
    send(
        addr,
        "POST",
        c.endpoint_path(),
        &[
            ("Content-Type", "text/xml; charset=utf-8"),
            ("SOAPAction", &a),
        ],
        &body,
    )
}

#[test]
fn a_services88_exchange_is_judged_as_88_by_default_and_breaks_a_fixed_85() {
    let stub = StubServer::start().unwrap();
    let proxy = proxy_to(&stub_root(&stub), |_| {});
    let reply = save_as(proxy.addr(), Contract::Services88);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains(Contract::Services88.namespace()));
    let results = proxy.results();
    assert_eq!(results.len(), 2);
    for r in &results {
        assert!(r.item.valid, "{r:?}");
        assert_eq!(r.item.contract, Contract::Services88);
        assert_eq!(serde_json::to_value(r).unwrap()["contract"], "Services88");
    }
    drop(proxy);

    let proxy = proxy_to(&stub_root(&stub), |o| {
        o.contract = ContractChoice::Fixed(Contract::Services85)
    });
    let reply = save_as(proxy.addr(), Contract::Services88);
    assert_eq!(
        reply.status, 200,
        "forwarded without --enforce: {}",
        reply.body
    );
    let results = proxy.results();
    assert!(
        results
            .iter()
            .all(|r| !r.item.valid && r.item.contract == Contract::Services85),
        "{results:?}"
    );
}
