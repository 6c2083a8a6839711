use relation_contract::codec::{decode, encode, encode_to_string, DecodeError, EncodeError};
use relation_contract::model::*;
use relation_contract::{Code, Kind, Operation, SoapVersion};

fn fixture(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/documented").join(name);
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn documented_request_decodes() {
    let m = decode(&fixture("SaveContactRelation.request.xml")).unwrap();
    assert_eq!(m.kind(), Kind::Request);
    assert_eq!(m.operation(), Some(Operation::SaveContactRelation));
    assert_eq!(m.version(), SoapVersion::V12);
    assert_eq!(m.header_placement(), HeaderPlacement::Loose);
    println!("{m:#?}");
}
