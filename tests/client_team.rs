//! A client team's test file, as the README shows it (whole: the README's copy is checked
//! against this file). It validates the requests the client builds, keeps a golden of one,
//! and runs the client against the contract stub.

use relation_contract::assert::assert_request_valid;
use relation_contract::diff::{assert_golden, Options};
use relation_contract::serve::StubServer;
use std::io::{Read, Write};
use std::net::TcpStream;

const ACTION: &str =
    "http://www.superoffice.net/ws/crm/NetServer/Services85/Relation/DeleteContactRelation";

/// The request your client builds (here: a stand-in for it).
fn delete_request(id: u32, ticket: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
  <s:Header>
    <Credentials xmlns="http://www.superoffice.net/ws/crm/NetServer/Services85">
      <Ticket>{ticket}</Ticket>
    </Credentials>
  </s:Header>
  <s:Body>
    <DeleteContactRelation xmlns="http://www.superoffice.net/ws/crm/NetServer/Services85">
      <ContactRelationEntityId>{id}</ContactRelationEntityId>
    </DeleteContactRelation>
  </s:Body>
</s:Envelope>"#
    )
}

/// What your client does on the wire (here: a bare HTTP/1.1 POST); the status it gets.
fn post(url_addr: std::net::SocketAddr, body: &str) -> u16 {
    let mut s = TcpStream::connect(url_addr).expect("connect");
    let head = format!(
        "POST /Remote/Services85/Relation.svc HTTP/1.1\r\nHost: {url_addr}\r\n\
         Content-Type: text/xml; charset=utf-8\r\nSOAPAction: \"{ACTION}\"\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).expect("send");
    s.write_all(body.as_bytes()).expect("send");
    let mut answer = String::new();
    s.read_to_string(&mut answer).expect("read");
    answer[9..12].parse().expect("a status")
}

#[test]
fn the_requests_my_client_builds_honour_the_contract() {
    // Panics with the rustc-style report (file, line, the source line, the element) if not.
    assert_request_valid(delete_request(42, "7T:my-test-ticket"));
}

#[test]
fn the_delete_request_matches_its_golden() {
    // A mismatch leaves tests/goldens/delete.request.xml.new for `relation-contract golden
    // review`; the Ticket is masked in the golden, and a masked value matches any Ticket.
    let golden = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/goldens/delete.request.xml"
    );
    assert_golden(
        &delete_request(42, "7T:another-ticket"),
        golden,
        &Options::exact(),
    );
}

#[test]
fn my_client_against_the_contract_stub() {
    let stub = StubServer::start().expect("the stub starts");
    assert_eq!(
        post(stub.addr(), &delete_request(42, "7T:my-test-ticket")),
        200
    );
    // Panics listing every contract violation the client committed.
    stub.assert_clean();
}

/// (This repository's own check, not part of the example: the README shows this file.)
#[test]
fn the_readme_shows_this_file_whole() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let this = include_str!("client_team.rs");
    let example = this
        .split("/// (This repository's own check")
        .next()
        .expect("the example part")
        .trim_end();
    assert!(
        readme.contains(&format!("```rust\n{example}\n```")),
        "the README's client-team example must be tests/client_team.rs up to its own check"
    );
}
