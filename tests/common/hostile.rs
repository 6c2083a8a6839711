//! The hostile inputs of `tests/hostile.rs`, shared with `tests/one_verdict.rs` (which feeds
//! each through every command and compares the verdicts).
#![allow(dead_code)]

use relation_contract::Code;
use std::path::Path;

pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const S85: &str = "http://www.superoffice.net/ws/crm/NetServer/Services85";
pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

pub fn open_env() -> String {
    format!("<s:Envelope xmlns:s=\"{SOAP11}\"><s:Body>")
}

pub const CLOSE_ENV: &str = "</s:Body></s:Envelope>";

/// A valid wire request (with the Ticket the service needs).
pub fn minimal_request() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<s:Envelope xmlns:s=\"{SOAP11}\">\n\
         <s:Header><Credentials xmlns=\"{S85}\"><Ticket>7T:aG9zdGlsZQ==</Ticket></Credentials>\
         </s:Header>\n<s:Body>\n<SaveContactRelation xmlns=\"{S85}\">\n<ContactRelationEntity>\n\
         <SourceContactId>42</SourceContactId>\n<DestinationContactId>43</DestinationContactId>\n\
         <RelationDefinitionId>1</RelationDefinitionId>\n</ContactRelationEntity>\n\
         </SaveContactRelation>\n</s:Body>\n</s:Envelope>\n"
    )
}

/// Deterministic pseudo-random bytes (xorshift), so a failure can be reproduced.
pub fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out.extend_from_slice(&seed.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// One hostile input: a file name, its bytes, and the code its verdict must carry.
pub struct Input {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    pub code: Code,
}

/// The list of hostile inputs. `marker_file` holds a secret the tool must never
/// read; `remote` is a base URL (`http://127.0.0.1:PORT`) nobody may connect to.
pub fn inputs(marker_file: &Path, remote: &str) -> Vec<Input> {
    let marker_url = format!("file://{}", marker_file.display());
    let env = open_env();
    let laughs = {
        let mut d =
            String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 \"lol\">\n");
        for i in 1..10 {
            let prev = format!("&lol{};", i - 1).repeat(10);
            d.push_str(&format!("<!ENTITY lol{i} \"{prev}\">\n"));
        }
        d.push_str(&format!("]>\n{env}<lolz>&lol9;</lolz>{CLOSE_ENV}"));
        d
    };
    let utf16: Vec<u8> = minimal_request()
        .replace("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n", "")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let mut bad_utf8 = format!("{env}<a>caf").into_bytes();
    bad_utf8.extend_from_slice(&[0xE9, 0xFF, 0xC0, 0x80]);
    bad_utf8.extend_from_slice(format!("</a>{CLOSE_ENV}").as_bytes());
    let big_text = {
        let mut s = String::with_capacity(30_000_100);
        s.push_str(&env);
        s.push_str("<a>");
        s.push_str(&"x".repeat(30_000_000));
        s.push_str("</a>");
        s.push_str(CLOSE_ENV);
        s
    };
    let schema_location = format!(
        "<s:Envelope xmlns:s=\"{SOAP11}\" xmlns:xsi=\"{XSI}\" \
         xsi:schemaLocation=\"{SOAP11} {remote}/envelope.xsd\"><s:Body>\
         <SaveContactRelation xmlns=\"{S85}\"><ContactRelationEntity>\
         <SourceContactId>42</SourceContactId><DestinationContactId>43</DestinationContactId>\
         <RelationDefinitionId>1</RelationDefinitionId></ContactRelationEntity>\
         </SaveContactRelation></s:Body></s:Envelope>"
    );
    vec![
        Input {
            name: "xxe-file.xml",
            bytes: format!(
                "<?xml version=\"1.0\"?>\n<!DOCTYPE s:Envelope [\n  <!ENTITY x SYSTEM \"{marker_url}\">\n]>\n\
                 {env}<Leak>&x;</Leak>{CLOSE_ENV}"
            )
            .into_bytes(),
            code: Code::XmlDoctype,
        },
        Input {
            name: "xxe-http.xml",
            bytes: format!(
                "<?xml version=\"1.0\"?>\n<!DOCTYPE s:Envelope SYSTEM \"{remote}/envelope.dtd\" [\n  \
                 <!ENTITY x SYSTEM \"{remote}/entity\">\n  <!ENTITY % p SYSTEM \"{remote}/param\"> %p;\n]>\n\
                 {env}<Leak>&x;</Leak>{CLOSE_ENV}"
            )
            .into_bytes(),
            code: Code::XmlDoctype,
        },
        Input {
            name: "billion-laughs.xml",
            bytes: laughs.into_bytes(),
            code: Code::XmlDoctype,
        },
        Input {
            name: "deep-200000.xml",
            bytes: format!("{env}{}{}{CLOSE_ENV}", "<a>".repeat(200_000), "</a>".repeat(200_000))
                .into_bytes(),
            code: Code::XmlLimit,
        },
        Input {
            name: "truncated.xml",
            bytes: minimal_request().as_bytes()[..200].to_vec(),
            code: Code::XmlMalformed,
        },
        Input {
            name: "mismatched.xml",
            bytes: format!(
                "{env}<SaveContactRelation xmlns=\"{S85}\"><ContactRelationEntity>\
                 </SaveContactRelation></ContactRelationEntity>{CLOSE_ENV}"
            )
            .into_bytes(),
            code: Code::XmlMalformed,
        },
        Input {
            name: "binary.xml",
            bytes: noise(64 * 1024, 0x9E37_79B9_7F4A_7C15),
            code: Code::XmlEncoding,
        },
        Input {
            name: "empty.xml",
            bytes: Vec::new(),
            code: Code::XmlEmpty,
        },
        Input {
            name: "invalid-utf8.xml",
            bytes: bad_utf8,
            code: Code::XmlEncoding,
        },
        Input {
            name: "utf16-no-bom.xml",
            bytes: utf16,
            code: Code::XmlEncoding,
        },
        Input {
            name: "text-30mb.xml",
            bytes: big_text.into_bytes(),
            code: Code::XmlLimit,
        },
        Input {
            name: "schema-location-http.xml",
            bytes: schema_location.into_bytes(),
            code: Code::XsdSchemaLocation,
        },
    ]
}
