//! The contract's own names (element, type and attribute names, enumeration values), read
//! from the embedded schemas: words the tool prints whatever the secrets are. A Ticket that
//! happens to equal one (`Envelope`) must not cut that word out of element paths and
//! messages.

use std::collections::HashSet;
use std::sync::OnceLock;

const SCHEMAS: [&str; 4] = [
    include_str!("../../schemas/services85.xsd"),
    include_str!("../../schemas/serialization.xsd"),
    include_str!("../../schemas/soap11-envelope.xsd"),
    include_str!("../../schemas/soap12-envelope.xsd"),
];

/// Whether `word` is a name or enumeration value of the contract (with or without prefix).
pub(crate) fn is_contract_word(word: &str) -> bool {
    static WORDS: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let words = WORDS.get_or_init(|| {
        let mut set = HashSet::new();
        for xsd in SCHEMAS {
            for attr in ["name=\"", "value=\"", "type=\"", "base=\""] {
                for (at, _) in xsd.match_indices(attr) {
                    let rest = &xsd[at + attr.len()..];
                    let value = rest.split('"').next().unwrap_or_default();
                    set.insert(value);
                    set.insert(value.rsplit(':').next().unwrap_or(value));
                }
            }
        }
        set.remove("");
        set
    });
    let w = word.trim();
    words.contains(w) || words.contains(w.rsplit([':', '}']).next().unwrap_or(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_contract_s_names_and_values() {
        for w in [
            "Envelope",
            "Reversed",
            "ContactRelationEntity",
            "ResourceAssociate",
            "xs:short",
            "s:Body",
        ] {
            assert!(is_contract_word(w), "{w}");
        }
        assert!(!is_contract_word("7T:abc==") && !is_contract_word("valid"));
    }
}
