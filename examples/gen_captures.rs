//! Writes N generated captures into a folder, for measuring `validate` at scale:
//!
//! ```sh
//! cargo run --release --example gen_captures -- DIR [N]   # N defaults to 10000
//! /usr/bin/time -v target/release/relation-contract validate --format json DIR > /dev/null
//! ```
//!
//! The mix, by file: bare envelopes (requests, responses), raw HTTP requests, chunked HTTP
//! responses, HTTP 500 faults, a HAR file (two SOAP exchanges and a non-SOAP entry) every
//! 25th file, and one file in 20 made invalid (a value out of range). Files go into
//! subfolders of 1000. Values vary per file so no two envelopes are the same.

use std::path::{Path, PathBuf};

const ACTION: &str = "http://www.superoffice.net/ws/crm/NetServer/Services85/Relation/";

fn template(name: &str) -> std::io::Result<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/wire")
        .join(name);
    std::fs::read_to_string(path)
}

fn vary(text: &str, i: usize, invalid: bool) -> String {
    let reversed = if invalid { "40000" } else { "0" };
    text.replace(
        "<SourceContactId>1204</SourceContactId>",
        &format!("<SourceContactId>{}</SourceContactId>", 1000 + i),
    )
    .replace(
        "<Reversed>0</Reversed>",
        &format!("<Reversed>{reversed}</Reversed>"),
    )
    .replace(
        "<Reversed>1</Reversed>",
        &format!("<Reversed>{reversed}</Reversed>"),
    )
    .replace(
        "<RelationId>0</RelationId>",
        &format!("<RelationId>{i}</RelationId>"),
    )
    .replace("<Comment>", &format!("<Comment>#{i} "))
}

fn http_request(body: &str) -> String {
    format!(
        "POST /SuperOffice/Remote/Services85/Relation.svc HTTP/1.1\r\nHost: crm.example\r\n\
         Content-Type: text/xml; charset=utf-8\r\nSOAPAction: \"{ACTION}SaveContactRelation\"\r\n\
         Authorization: SOTicket 7T:Z2VuZXJhdGVkLXRpY2tldA==\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

fn http_response(status: &str, body: &str, chunked: bool) -> String {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/xml; charset=utf-8\r\nServer: Microsoft-IIS/10.0\r\n"
    );
    if !chunked {
        return format!("{head}Content-Length: {}\r\n\r\n{body}", body.len());
    }
    let mut out = format!("{head}Transfer-Encoding: chunked\r\n\r\n");
    let bytes = body.as_bytes();
    for chunk in bytes.chunks(700) {
        out.push_str(&format!("{:x}\r\n", chunk.len()));
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push_str("\r\n");
    }
    out.push_str("0\r\n\r\n");
    out
}

fn har(request: &str, response: &str) -> String {
    let exchange = serde_json::json!({
        "request": {"method": "POST", "url": "https://crm.example/Relation.svc",
            "headers": [{"name": "SOAPAction", "value": format!("\"{ACTION}SaveContactRelation\"")},
                        {"name": "Content-Type", "value": "text/xml; charset=utf-8"}],
            "cookies": [], "postData": {"mimeType": "text/xml; charset=utf-8", "text": request}},
        "response": {"status": 200, "headers": [{"name": "Content-Type", "value": "text/xml; charset=utf-8"}],
            "cookies": [], "content": {"mimeType": "text/xml; charset=utf-8", "text": response}}
    });
    let page = serde_json::json!({
        "request": {"method": "GET", "url": "https://crm.example/app.js", "headers": [], "cookies": []},
        "response": {"status": 200, "headers": [], "cookies": [],
            "content": {"mimeType": "text/javascript", "text": "var app = {};"}}
    });
    serde_json::json!({"log": {"version": "1.2", "creator": {"name": "gen_captures", "version": "1"},
        "entries": [exchange, page, exchange]}})
    .to_string()
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: gen_captures DIR [N]");
        std::process::exit(2);
    };
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let request = template("SaveContactRelation.request.wcf.xml")?;
    let rights = template("SaveContactRelation.request.rights.xml")?;
    let response = template("SaveContactRelation.response.wcf.xml")?;
    let fault = template("SaveContactRelation.fault.internal.xml")?;
    for i in 0..n {
        let sub = dir.join(format!("{:03}", i / 1000));
        std::fs::create_dir_all(&sub)?;
        let invalid = i % 20 == 7;
        let (name, bytes) = if i % 25 == 24 {
            (
                format!("{i:05}.session.har"),
                har(&vary(&request, i, invalid), &vary(&response, i, false)),
            )
        } else {
            match i % 6 {
                0 => (format!("{i:05}.request.xml"), vary(&request, i, invalid)),
                1 => (format!("{i:05}.response.xml"), vary(&response, i, invalid)),
                2 => (
                    format!("{i:05}.request.http"),
                    http_request(&vary(&request, i, invalid)),
                ),
                3 => (
                    format!("{i:05}.response.http"),
                    http_response("200 OK", &vary(&response, i, invalid), true),
                ),
                4 => (
                    format!("{i:05}.rights.http"),
                    http_request(&vary(&rights, i, invalid)),
                ),
                _ => (
                    format!("{i:05}.fault.http"),
                    http_response("500 Internal Server Error", &fault, false),
                ),
            }
        };
        std::fs::write(sub.join(name), bytes)?;
    }
    println!("{n} captures in {}", dir.display());
    Ok(())
}
