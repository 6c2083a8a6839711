//! What a stub keeps of the requests it refused: bounded, whatever the flood.

use super::Rejection;
use crate::violation::Code;
use std::collections::BTreeMap;

/// The refused requests a stub keeps: the first
/// [`STUB_KEPT_REJECTIONS`](crate::text::limits::STUB_KEPT_REJECTIONS) in full, of the rest
/// only counts, so a flood of bad requests keeps nothing once each is answered.
#[derive(Debug, Default)]
pub(super) struct Refusals {
    pub(super) kept: Vec<Rejection>,
    /// Every refused request, kept or not.
    pub(super) total: usize,
    /// The violations of the requests not kept, by code.
    pub(super) not_kept: BTreeMap<Code, u64>,
}

impl Refusals {
    pub(super) fn add(&mut self, rejection: Rejection) {
        self.total += 1;
        if self.kept.len() < crate::text::limits::STUB_KEPT_REJECTIONS {
            self.kept.push(rejection);
            return;
        }
        for v in &rejection.violations {
            *self.not_kept.entry(v.code).or_default() += 1;
        }
    }

    /// What `assert_clean` says: every violation of the requests kept, the counts of the
    /// rest.
    pub(super) fn report(&self) -> String {
        let mut s = format!(
            "{} request(s) to the Relation.svc stub broke the contract:\n",
            self.total
        );
        for r in &self.kept {
            let op = r.operation.map_or("request", |o| o.name());
            for v in &r.violations {
                s.push_str(&format!(
                    "  {op}: {} at {}: {}\n",
                    v.code, v.element, v.message
                ));
            }
        }
        let more = self.total - self.kept.len();
        if more > 0 {
            let counts: Vec<String> = self
                .not_kept
                .iter()
                .map(|(code, n)| format!("{code} {n}"))
                .collect();
            s.push_str(&format!(
                "  ... and {more} more, not kept; their violations: {}\n",
                counts.join(", ")
            ));
        }
        s
    }
}
