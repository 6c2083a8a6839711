//! The stub's metadata over loopback HTTP: `?wsdl`, `?singleWsdl`, `?xsd=xsd0`, `?xsd=xsd1`
//! in any case, every URL in them rewritten to the one the request came in on; and the WSDL
//! held to the contract: every part names a global element of the schema the validator
//! uses, every operation is there with its SOAPAction, wrappers and header blocks (the
//! check is shown to catch each kind of edit on mutated copies), and the inlined schemas are
//! the embedded ones.

mod common;

use common::stub::{send, Reply};
use common::tree::{parse, Node};
use relation_contract::contract::table::{self, REQUEST_HEADER_BLOCKS, RESPONSE_HEADER_BLOCKS};
use relation_contract::contract::NS_SERVICES85;
use relation_contract::serve::{StubServer, SERVICE_PATH};
use relation_contract::{schema, Operation};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

const NS_WSDL: &str = "http://schemas.xmlsoap.org/wsdl/";
const NS_WSDL_SOAP11: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
const NS_WSAW: &str = "http://www.w3.org/2006/05/addressing/wsdl";
const NS_XS: &str = "http://www.w3.org/2001/XMLSchema";
const NS_SERIALIZATION: &str = "http://schemas.microsoft.com/2003/10/Serialization/";

fn embedded(name: &str) -> &'static str {
    schema::schemas()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| t)
        .unwrap_or_else(|| panic!("{name} is embedded"))
}

fn get(addr: SocketAddr, target: &str) -> Reply {
    send(addr, "GET", target, &[], b"")
}

/// One raw request, written as given (no Host header added): the answer's status and body.
fn raw(addr: SocketAddr, request: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text.split(' ').nth(1).unwrap_or("0").parse().unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

fn raw_status(addr: SocketAddr, request: &str) -> u16 {
    raw(addr, request).0
}

/// A GET with this Host header, on a connection closed after it.
fn get_as(addr: SocketAddr, host: &str, target: &str) -> (u16, String) {
    raw(
        addr,
        &format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
}

// ---------------------------------------------------------------- the WSDL held to the contract

fn tns(local: &str) -> String {
    format!("{{{NS_SERVICES85}}}{local}")
}

/// The (name, element) of each part of the message `name`; empty if there is none.
fn parts_of(defs: &Node, name: &str) -> Vec<(String, String)> {
    defs.named(NS_WSDL, "message", name)
        .map_or(Vec::new(), |m| {
            m.all(NS_WSDL, "part")
                .map(|p| {
                    let part = p.attr("name").unwrap_or("").to_string();
                    (part, p.qname_attr("element").unwrap_or_default())
                })
                .collect()
        })
}

/// The parts a header message must have: one per header block, named as the block.
fn blocks(decls: &[table::ElementDecl]) -> Vec<(String, String)> {
    decls
        .iter()
        .map(|d| (d.name.to_string(), tns(d.name)))
        .collect()
}

fn operation_names(n: &Node) -> Vec<String> {
    n.all(NS_WSDL, "operation")
        .map(|o| o.attr("name").unwrap_or("").to_string())
        .collect()
}

/// Every way the WSDL `wsdl` departs from the contract table and from the schema `xsd`
/// (services85.xsd): one line per mismatch, empty when they agree.
fn contract_mismatches(wsdl: &str, xsd: &str) -> Vec<String> {
    let mut out = Vec::new();
    let defs = parse(wsdl);
    if !defs.is(NS_WSDL, "definitions") || defs.attr("targetNamespace") != Some(NS_SERVICES85) {
        out.push("the root is not wsdl:definitions of the payload namespace".into());
    }
    parts_name_global_elements(&defs, &parse(xsd), &mut out);
    let port_type = defs.named(NS_WSDL, "portType", "Relation");
    let binding = defs.named(NS_WSDL, "binding", "BasicHttpBinding_Relation");
    let (Some(port_type), Some(binding)) = (port_type, binding) else {
        out.push("no portType Relation or no binding BasicHttpBinding_Relation".into());
        return out;
    };
    if binding.qname_attr("type") != Some(tns("Relation")) {
        out.push("the binding is not of portType Relation".into());
    }
    let transport = binding.all(NS_WSDL_SOAP11, "binding").next();
    if transport.and_then(|b| b.attr("transport")) != Some("http://schemas.xmlsoap.org/soap/http") {
        out.push("the binding is not SOAP 1.1 over HTTP".into());
    }
    let want: Vec<String> = Operation::ALL
        .iter()
        .map(|o| o.name().to_string())
        .collect();
    for (what, n) in [("portType", port_type), ("binding", binding)] {
        if operation_names(n) != want {
            out.push(format!(
                "{what} has operations {:?}, not {want:?}",
                operation_names(n)
            ));
        }
    }
    for op in Operation::ALL {
        messages_hold(&defs, op, &mut out);
        if let Some(o) = port_type.named(NS_WSDL, "operation", op.name()) {
            port_type_operation_holds(o, op, &mut out);
        }
        if let Some(o) = binding.named(NS_WSDL, "operation", op.name()) {
            binding_operation_holds(o, op, &mut out);
        }
    }
    let port = defs
        .all(NS_WSDL, "service")
        .flat_map(|s| s.all(NS_WSDL, "port"))
        .find(|p| p.attr("name") == Some("BasicHttpBinding_Relation"));
    let address = port.and_then(|p| p.all(NS_WSDL_SOAP11, "address").next());
    if port.and_then(|p| p.qname_attr("binding")) != Some(tns("BasicHttpBinding_Relation"))
        || address.and_then(|a| a.attr("location")).is_none()
    {
        out.push("no port BasicHttpBinding_Relation with a soap:address".into());
    }
    out
}

/// Every part names a global element of the schema and of the contract table.
fn parts_name_global_elements(defs: &Node, schema: &Node, out: &mut Vec<String>) {
    let globals: Vec<String> = schema
        .all(NS_XS, "element")
        .filter_map(|e| e.attr("name").map(tns))
        .collect();
    for m in defs.all(NS_WSDL, "message") {
        for p in m.all(NS_WSDL, "part") {
            let el = p.qname_attr("element").unwrap_or_default();
            let local = el.rsplit('}').next().unwrap_or("");
            if !globals.contains(&el) || table::element_decl(local).is_none() {
                out.push(format!(
                    "message {:?}: part {el} is no global element",
                    m.attr("name")
                ));
            }
        }
    }
}

/// The operation's four messages: the wrappers as `parameters`, the header blocks in order.
fn messages_hold(defs: &Node, op: Operation, out: &mut Vec<String>) {
    let name = op.name();
    for (msg, wrapper) in [
        (format!("{name}Request"), op.name()),
        (format!("{name}Response"), op.response_name()),
    ] {
        if parts_of(defs, &msg) != [("parameters".to_string(), tns(wrapper))] {
            out.push(format!(
                "message {msg}: not the one part `parameters` = {wrapper}"
            ));
        }
    }
    if parts_of(defs, &format!("{name}Request_Headers")) != blocks(&REQUEST_HEADER_BLOCKS) {
        out.push(format!(
            "{name}: the request header parts are not the contract's"
        ));
    }
    if parts_of(defs, &format!("{name}Response_Headers")) != blocks(&RESPONSE_HEADER_BLOCKS) {
        out.push(format!(
            "{name}: the response header parts are not the contract's"
        ));
    }
}

/// The portType's operation: its input and output messages and Actions, no fault.
fn port_type_operation_holds(o: &Node, op: Operation, out: &mut Vec<String>) {
    let name = op.name();
    for (io, action, msg) in [
        ("input", op.soap_action(), format!("{name}Request")),
        (
            "output",
            op.response_soap_action(),
            format!("{name}Response"),
        ),
    ] {
        let io_node = o.all(NS_WSDL, io).next();
        if io_node.and_then(|n| n.qname_attr("message")) != Some(tns(&msg)) {
            out.push(format!("portType {name}: the {io} is not message {msg}"));
        }
        if io_node.and_then(|n| n.attr(&wsaw_attr(n))) != Some(action.as_str()) {
            out.push(format!(
                "portType {name}: the {io}'s Action is not {action}"
            ));
        }
    }
    if o.all(NS_WSDL, "fault").next().is_some() {
        out.push(format!(
            "portType {name}: a wsdl:fault the service never sends"
        ));
    }
}

/// The binding's operation: document style, its SOAPAction, literal bodies, and the header
/// blocks as literal soap:headers in the contract's order.
fn binding_operation_holds(o: &Node, op: Operation, out: &mut Vec<String>) {
    let name = op.name();
    let soap_op = o.all(NS_WSDL_SOAP11, "operation").next();
    if soap_op.and_then(|s| s.attr("soapAction")) != Some(op.soap_action().as_str())
        || soap_op.and_then(|s| s.attr("style")) != Some("document")
    {
        out.push(format!(
            "binding {name}: not document style with SOAPAction {}",
            op.soap_action()
        ));
    }
    for (io, kind, decls) in [
        ("input", "Request", &REQUEST_HEADER_BLOCKS[..]),
        ("output", "Response", &RESPONSE_HEADER_BLOCKS[..]),
    ] {
        let Some(io_node) = o.all(NS_WSDL, io).next() else {
            out.push(format!("binding {name}: no {io}"));
            continue;
        };
        let headers: Vec<(String, String)> = io_node
            .all(NS_WSDL_SOAP11, "header")
            .map(|h| {
                let lit = h.attr("use") == Some("literal");
                let msg = h.qname_attr("message").unwrap_or_default();
                let part = h.attr("part").unwrap_or("").to_string();
                (if lit { msg } else { "encoded".into() }, part)
            })
            .collect();
        let want: Vec<(String, String)> = decls
            .iter()
            .map(|d| (tns(&format!("{name}{kind}_Headers")), d.name.to_string()))
            .collect();
        if headers != want {
            out.push(format!(
                "binding {name}: the {io}'s soap:headers are {headers:?}"
            ));
        }
        let body = io_node.all(NS_WSDL_SOAP11, "body").next();
        if body.and_then(|b| b.attr("use")) != Some("literal") {
            out.push(format!("binding {name}: the {io}'s body is not literal"));
        }
    }
}

/// The attribute name the wsaw namespace is bound to on this node (`wsaw:Action`).
fn wsaw_attr(n: &Node) -> String {
    let prefix = n
        .scope
        .iter()
        .rev()
        .find(|(_, u)| u == NS_WSAW)
        .map_or("wsaw", |(p, _)| p.as_str());
    format!("{prefix}:Action")
}

// ---------------------------------------------------------------- tests

#[test]
fn each_metadata_url_answers_200_with_xml() {
    let stub = StubServer::start().unwrap();
    for (query, ns, root) in [
        ("wsdl", NS_WSDL, "definitions"),
        ("singleWsdl", NS_WSDL, "definitions"),
        ("xsd=xsd0", NS_XS, "schema"),
        ("xsd=xsd1", NS_XS, "schema"),
    ] {
        let r = get(stub.addr(), &format!("{SERVICE_PATH}?{query}"));
        assert_eq!(r.status, 200, "?{query}: {}", r.body);
        assert_eq!(
            r.header("content-type"),
            Some("text/xml; charset=UTF-8"),
            "?{query}"
        );
        assert!(parse(&r.body).is(ns, root), "?{query}");
    }
    let tns_of = |q: &str| {
        parse(&get(stub.addr(), &format!("{SERVICE_PATH}?{q}")).body)
            .attr("targetNamespace")
            .map(str::to_string)
    };
    assert_eq!(tns_of("xsd=xsd0").as_deref(), Some(NS_SERVICES85));
    assert_eq!(tns_of("xsd=xsd1").as_deref(), Some(NS_SERIALIZATION));
    // Metadata GETs are not SOAP requests: not counted, nothing refused.
    assert_eq!(stub.requests(), 0);
    stub.assert_clean();
}

#[test]
fn every_url_names_the_one_the_request_came_in_on() {
    let stub = StubServer::start().unwrap();
    // A virtual-directory prefix, the path's case and the Host as the client wrote them.
    let path = "/SuperOffice/remote/Services85/relation.SVC";
    let base = format!("http://relation.test:9000{path}");
    let host = "relation.test:9000";
    let (status, wsdl) = get_as(stub.addr(), host, &format!("{path}?wsdl"));
    assert_eq!(status, 200, "{wsdl}");
    let defs = parse(&wsdl);
    let location = defs
        .all(NS_WSDL, "service")
        .flat_map(|s| s.all(NS_WSDL, "port"))
        .flat_map(|p| p.all(NS_WSDL_SOAP11, "address"))
        .find_map(|a| a.attr("location").map(str::to_string));
    assert_eq!(location.as_deref(), Some(base.as_str()));
    let imports: Vec<(String, String)> = defs
        .all(NS_WSDL, "types")
        .flat_map(|t| t.all(NS_XS, "schema"))
        .flat_map(|s| s.all(NS_XS, "import"))
        .map(|i| {
            (
                i.attr("namespace").unwrap_or("").to_string(),
                i.attr("schemaLocation").unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        imports,
        [
            (NS_SERVICES85.to_string(), format!("{base}?xsd=xsd0")),
            (NS_SERIALIZATION.to_string(), format!("{base}?xsd=xsd1")),
        ]
    );
    assert!(!wsdl.contains("localhost"), "no placeholder left");

    let (_, single) = get_as(stub.addr(), host, &format!("{path}?singleWsdl"));
    assert!(single.contains(&format!("<soap:address location=\"{base}\" />")));

    // The payload schema names the serialization schema by its URL at the same place.
    let (_, xsd0) = get_as(stub.addr(), host, &format!("{path}?xsd=xsd0"));
    let imports: Vec<Option<String>> = parse(&xsd0)
        .all(NS_XS, "import")
        .map(|i| i.attr("schemaLocation").map(str::to_string))
        .collect();
    assert_eq!(imports, [Some(format!("{base}?xsd=xsd1"))]);

    // Without the prefix, on the stub's own address.
    let r = get(stub.addr(), &format!("{SERVICE_PATH}?wsdl"));
    let own = format!("location=\"http://{}{SERVICE_PATH}\"", stub.addr());
    assert!(r.body.contains(&own), "{}", r.body);
}

#[test]
fn the_query_is_matched_in_any_case() {
    let stub = StubServer::start().unwrap();
    let body = |q: &str| {
        let r = get(stub.addr(), &format!("{SERVICE_PATH}?{q}"));
        assert_eq!(r.status, 200, "?{q}");
        r.body
    };
    assert_eq!(body("WSDL"), body("wsdl"));
    assert_eq!(body("Wsdl"), body("wsdl"));
    assert_eq!(body("singlewsdl"), body("singleWsdl"));
    assert_eq!(body("SINGLEWSDL"), body("singleWsdl"));
    assert_eq!(body("XSD=XSD0"), body("xsd=xsd0"));
    assert_eq!(body("Xsd=Xsd1"), body("xsd=xsd1"));
    assert_ne!(body("wsdl"), body("singleWsdl"));
    assert_ne!(body("xsd=xsd0"), body("xsd=xsd1"));
}

#[test]
fn any_other_get_stays_405_and_a_missing_host_is_400() {
    let stub = StubServer::start().unwrap();
    for target in [
        SERVICE_PATH.to_string(),
        format!("{SERVICE_PATH}?"),
        format!("{SERVICE_PATH}?xsd=xsd2"),
        format!("{SERVICE_PATH}?wsdl=wsdl0"),
        format!("{SERVICE_PATH}?wsdl&x=1"),
        format!("{SERVICE_PATH}?disco"),
    ] {
        let r = get(stub.addr(), &target);
        assert_eq!(r.status, 405, "{target}");
        assert_eq!(r.header("allow"), Some("POST"), "{target}");
    }
    assert_eq!(
        get(stub.addr(), "/Remote/Services89/Relation.svc?wsdl").status,
        404
    );
    // Other methods on a metadata URL are not metadata.
    assert_eq!(
        send(
            stub.addr(),
            "PUT",
            &format!("{SERVICE_PATH}?wsdl"),
            &[],
            b""
        )
        .status,
        405
    );
    // HTTP/1.0 without a Host, and a Host that is no host[:port], cannot be rewritten into.
    let addr = stub.addr();
    assert_eq!(
        raw_status(addr, &format!("GET {SERVICE_PATH}?wsdl HTTP/1.0\r\n\r\n")),
        400
    );
    for bad in ["a\"b", "evil.test/x", "h:99999999", "a<b>"] {
        let (status, body) = get_as(addr, bad, &format!("{SERVICE_PATH}?wsdl"));
        assert_eq!(status, 400, "{bad}");
        assert!(!body.contains(bad), "{bad}");
    }
    let ok = format!("GET {SERVICE_PATH}?wsdl HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    assert_eq!(raw_status(addr, &ok), 200);
    assert_eq!(stub.requests(), 0);
}

#[test]
fn the_wsdl_is_the_contract() {
    let stub = StubServer::start().unwrap();
    let xsd = embedded("services85.xsd");
    for q in ["wsdl", "singleWsdl"] {
        let wsdl = get(stub.addr(), &format!("{SERVICE_PATH}?{q}")).body;
        assert_eq!(
            contract_mismatches(&wsdl, xsd),
            Vec::<String>::new(),
            "?{q}"
        );
    }
}

#[test]
fn the_contract_check_catches_each_kind_of_edit() {
    let stub = StubServer::start().unwrap();
    let wsdl = get(stub.addr(), &format!("{SERVICE_PATH}?wsdl")).body;
    let xsd = embedded("services85.xsd");
    let a = |op: Operation| op.soap_action();
    let mutations: Vec<(&str, String, String)> = vec![
        (
            "a part naming no global element",
            "element=\"tns:Succeeded\"".into(),
            "element=\"tns:Success\"".into(),
        ),
        (
            "another SOAPAction",
            format!("soapAction=\"{}\"", a(Operation::DeleteContactRelation)),
            format!("soapAction=\"{}X\"", a(Operation::DeleteContactRelation)),
        ),
        (
            "another wsaw:Action",
            format!("wsaw:Action=\"{}Response\"", a(Operation::SaveContactRelation)),
            format!("wsaw:Action=\"{}\"", a(Operation::SaveContactRelation)),
        ),
        (
            "a header block dropped",
            "<soap:header message=\"tns:GetContactRelationEntityRequest_Headers\" part=\"TimeZone\" use=\"literal\" />".into(),
            String::new(),
        ),
        (
            "a header message's part renamed",
            "<wsdl:part name=\"ExtraInfo\" element=\"tns:ExtraInfo\" />".into(),
            "<wsdl:part name=\"Extra\" element=\"tns:ExtraInfo\" />".into(),
        ),
        (
            "a wrapper swapped",
            "<wsdl:part name=\"parameters\" element=\"tns:DeleteContactRelationResponse\" />".into(),
            "<wsdl:part name=\"parameters\" element=\"tns:DeleteContactRelation\" />".into(),
        ),
        (
            "an operation renamed",
            "<wsdl:operation name=\"GetContactRelationEntity\">".into(),
            "<wsdl:operation name=\"GetContactRelation\">".into(),
        ),
        (
            "encoded instead of literal",
            "<soap:body use=\"literal\" />".into(),
            "<soap:body use=\"encoded\" />".into(),
        ),
        (
            "SOAP 1.2 instead of 1.1",
            "xmlns:soap=\"http://schemas.xmlsoap.org/wsdl/soap/\"".into(),
            "xmlns:soap=\"http://schemas.xmlsoap.org/wsdl/soap12/\"".into(),
        ),
        (
            "a fault declared",
            "<wsdl:output wsaw:Action".into(),
            "<wsdl:fault name=\"F\" message=\"tns:F\" /><wsdl:output wsaw:Action".into(),
        ),
    ];
    for (what, from, to) in mutations {
        assert!(wsdl.contains(&from), "{what}: {from} is in the WSDL");
        let mutated = wsdl.replacen(&from, &to, 1);
        assert!(
            !contract_mismatches(&mutated, xsd).is_empty(),
            "{what} goes unnoticed"
        );
    }
    // And the schema side: an element the WSDL names, gone from the schema.
    let xsd_less = xsd.replacen("name=\"ExtraInfo\"", "name=\"ExtraInformation\"", 1);
    assert_ne!(xsd_less, xsd);
    assert!(!contract_mismatches(&wsdl, &xsd_less).is_empty());
}

#[test]
fn the_single_wsdl_inlines_the_validators_schemas() {
    let stub = StubServer::start().unwrap();
    let single = get(stub.addr(), &format!("{SERVICE_PATH}?singleWsdl")).body;
    let types = single
        .split_once("<wsdl:types>")
        .and_then(|(_, rest)| rest.split_once("</wsdl:types>"))
        .map(|(types, _)| types.trim())
        .expect("a wsdl:types");
    let body = |name: &str| {
        let text = embedded(name);
        let end = text.find("?>").expect("an XML declaration") + 2;
        text[end..].trim().to_string()
    };
    // services85.xsd as the validator has it, but for its import's location: the
    // serialization schema stands right beside it.
    let location = " schemaLocation=\"serialization.xsd\"";
    let xsd0 = body("services85.xsd");
    assert_eq!(xsd0.matches(location).count(), 1);
    let want = format!(
        "{}\n{}",
        xsd0.replace(location, ""),
        body("serialization.xsd")
    );
    assert_eq!(types, want);
    let root = parse(&single);
    let schemas: Vec<Option<&str>> = root
        .all(NS_WSDL, "types")
        .flat_map(|t| t.all(NS_XS, "schema"))
        .map(|s| s.attr("targetNamespace"))
        .collect();
    assert_eq!(schemas, [Some(NS_SERVICES85), Some(NS_SERIALIZATION)]);
    assert!(!single.contains("schemaLocation="));

    // ?xsd=xsd1 is the serialization schema byte for byte; ?xsd=xsd0 the payload schema
    // with only its import's location changed.
    let xsd1 = get(stub.addr(), &format!("{SERVICE_PATH}?xsd=xsd1")).body;
    assert_eq!(xsd1, embedded("serialization.xsd"));
    let served = get(stub.addr(), &format!("{SERVICE_PATH}?xsd=xsd0")).body;
    let url = format!("http://{}{SERVICE_PATH}?xsd=xsd1", stub.addr());
    assert_eq!(
        served,
        embedded("services85.xsd").replace(location, &format!(" schemaLocation=\"{url}\""))
    );
}
