//! The proxy in front of an https upstream, on loopback: the project's stub behind a TLS
//! terminator made here (tokio-rustls), with a CA and a server certificate made by rcgen
//! in the test. Trusted through `--upstream-ca`, the exchange passes (SNI the URL's host,
//! the `/Cust...` path kept, one handshake for several exchanges); without it, a 502 naming the certificate problem; with
//! `--insecure`, it passes and the command says so, loudly.

mod common;

use common::stub::{action, entity, save, send, TICKET};
use relation_contract::codec;
use relation_contract::proxy::{Proxy, ProxyOptions};
use relation_contract::serve::{ServeOptions, StubServer};
use relation_contract::Operation;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CUST: &str = "/Cust12345/Remote/Services85/Relation.svc";

/// A CA, and a certificate for `localhost` and 127.0.0.1 it signed: the CA's PEM file
/// written into `dir`, the server's certificate and key.
fn certificates(dir: &Path) -> (PathBuf, CertificateDer<'static>, PrivateKeyDer<'static>) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "relation-contract test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let params =
        CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();
    let ca_file = dir.join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    (ca_file, cert.der().clone(), key)
}

/// A TLS terminator on loopback in front of `backend`: each connection's handshake done
/// with `cert`, its SNI kept, then its bytes copied to and from the backend.
struct Terminator {
    addr: SocketAddr,
    names: Arc<Mutex<Vec<Option<String>>>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

fn terminator(
    backend: SocketAddr,
    cert: CertificateDer<'static>,
    key: PrivateKeyDer<'static>,
) -> Terminator {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let names = Arc::new(Mutex::new(Vec::new()));
    let seen = names.clone();
    let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let (tcp, _) = tokio::select! {
                    a = listener.accept() => match a { Ok(a) => a, Err(_) => continue },
                    _ = &mut stopped => return,
                };
                let (acceptor, seen) = (acceptor.clone(), seen.clone());
                tokio::spawn(async move {
                    // A client that fails the handshake (it does not trust us) is let go.
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let name = tls.get_ref().1.server_name().map(str::to_string);
                    seen.lock().unwrap().push(name);
                    let Ok(mut back) = tokio::net::TcpStream::connect(backend).await else {
                        return;
                    };
                    let _ = tokio::time::timeout(
                        Duration::from_secs(20),
                        tokio::io::copy_bidirectional(&mut tls, &mut back),
                    )
                    .await;
                });
            }
        });
    });
    Terminator {
        addr,
        names,
        _stop: stop,
    }
}

/// A stub recording into `dir`, behind a TLS terminator; the CA file that trusts it.
fn tls_stub(dir: &Path) -> (StubServer, Terminator, PathBuf) {
    let stub = StubServer::start_with(ServeOptions {
        record: Some(dir.join("stub")),
        ..ServeOptions::default()
    })
    .unwrap();
    let (ca, cert, key) = certificates(dir);
    let term = terminator(stub.addr(), cert, key);
    (stub, term, ca)
}

fn proxy(upstream: String, tweak: impl FnOnce(&mut ProxyOptions)) -> Proxy {
    let mut opts = ProxyOptions {
        upstream,
        timeout: Duration::from_secs(10),
        ..ProxyOptions::default()
    };
    tweak(&mut opts);
    Proxy::start(opts).expect("the proxy starts")
}

/// A valid Save, POSTed through the proxy to the `/Cust12345/...` path.
fn save_through(proxy: &Proxy, comment: &str) -> common::stub::Reply {
    let mut body = Vec::new();
    codec::encode_request(&save(entity(comment)), &mut body).unwrap();
    send(
        proxy.addr(),
        "POST",
        CUST,
        &[
            ("Content-Type", "text/xml; charset=utf-8"),
            ("SOAPAction", &action(Operation::SaveContactRelation)),
        ],
        &body,
    )
}

#[test]
fn trusted_through_upstream_ca_the_exchange_passes_with_sni_and_the_cust_path_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (stub, term, ca) = tls_stub(dir.path());
    let p = proxy(format!("https://localhost:{}", term.addr.port()), |o| {
        o.upstream_ca = Some(ca)
    });
    let reply = save_through(&p, "over tls");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains("over tls"), "{}", reply.body);
    assert_eq!(stub.requests(), 1);
    assert_eq!(
        *term.names.lock().unwrap(),
        [Some("localhost".to_string())],
        "SNI is the upstream's host"
    );
    // Later exchanges reuse the connection: no second handshake.
    for i in 0..3 {
        assert_eq!(save_through(&p, &format!("again {i}")).status, 200);
    }
    assert_eq!(stub.requests(), 4);
    assert_eq!(term.names.lock().unwrap().len(), 1, "one TLS handshake");
    let results = p.results();
    assert_eq!(results.len(), 8);
    assert!(results.iter().all(|r| r.item.valid), "{results:?}");
    drop(p);
    drop(stub);
    // The stub behind the terminator saw the client's own path.
    let recorded: Vec<PathBuf> = std::fs::read_dir(dir.path().join("stub"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".request.http"))
        .collect();
    assert_eq!(recorded.len(), 4, "{recorded:?}");
    for file in &recorded {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.starts_with(&format!("POST {CUST} HTTP/1.1")), "{text}");
    }
}

#[test]
fn without_the_ca_the_client_gets_a_502_naming_the_certificate_and_insecure_passes() {
    let dir = tempfile::tempdir().unwrap();
    let (stub, term, _ca) = tls_stub(dir.path());
    let url = format!("https://127.0.0.1:{}", term.addr.port());
    let p = proxy(url.clone(), |_| {});
    let reply = save_through(&p, "untrusted");
    assert_eq!(reply.status, 502, "{}", reply.body);
    assert!(
        reply.body.contains("certificate") && reply.body.contains("UnknownIssuer"),
        "{}",
        reply.body
    );
    assert!(reply.body.contains("--upstream-ca"), "{}", reply.body);
    assert_eq!(stub.requests(), 0);
    assert_eq!(p.stop().upstream_errors, 1);

    let p = proxy(url, |o| o.insecure = true);
    let reply = save_through(&p, "insecure");
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains("insecure"), "{}", reply.body);
    assert_eq!(stub.requests(), 1);
    assert!(!reply.body.contains(TICKET));
}

#[test]
fn a_bad_ca_file_keeps_the_command_from_starting_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("not-a-ca.pem");
    std::fs::write(&bad, "this is no certificate\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_relation-contract"))
        .args([
            "proxy",
            "--upstream",
            "https://127.0.0.1:9",
            "--upstream-ca",
        ])
        .arg(&bad)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--upstream-ca")
            && err.contains("not-a-ca.pem")
            && err.contains("no certificate"),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "nothing listens");
}

#[test]
fn insecure_is_said_at_the_start_and_in_the_summary() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_relation-contract"))
        .args(["proxy", "--upstream", "https://127.0.0.1:9", "--insecure"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 13];
    stdout.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"listening on ");
    // The signal handler is set right after the first line.
    std::thread::sleep(Duration::from_millis(300));
    common::process::sigterm(&child);
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert_eq!(err.matches("NOT checked").count(), 2, "{err}");
    let (start, end) = (err.find("NOT checked"), err.find("stopped after"));
    assert!(start < end, "one line before the summary: {err}");
}
