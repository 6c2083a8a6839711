//! XSD validation through libxml2 (stub: being written).

use crate::capture::Document;
use crate::contract::{Kind, Operation, Profile, SoapVersion};
use crate::violation::Violation;

/// The verdict of validation for one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    /// The profile that was applied (never `Auto`: `Auto` is resolved by the envelope).
    pub profile: Profile,
    pub soap_version: Option<SoapVersion>,
    pub operation: Option<Operation>,
    pub kind: Option<Kind>,
    /// Sorted by line, then column.
    pub violations: Vec<Violation>,
}

impl Validation {
    pub fn is_valid(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Validates one document under a profile.
pub fn validate(doc: &Document, profile: Profile) -> Validation {
    let _ = doc;
    Validation {
        profile: profile.resolve(None),
        soap_version: None,
        operation: None,
        kind: None,
        violations: Vec::new(),
    }
}
