//! What a move from one contract version to another changes for a client: `compat`.
//!
//! [`differences`] lists every difference between two versions after renaming the
//! namespace (the contract table's [`DIFFERENCES`](crate::contract::versions::DIFFERENCES)
//! crossed by the move), each judged three ways: for the requests the client sends, for the
//! responses a strict XSD-validating client reads, and for the responses a WCF
//! DataContractSerializer client reads. [`with_captures`] answers "what breaks for us":
//! each captured request is rewritten to the new namespace and judged under the new
//! contract; every document's elements are typed by the contract, and a change is touched
//! when the traffic holds an element of the type it changes (the new version may send its
//! members or values there). [`render`] prints the report as text, JSON or Markdown.
//!
//! The library never prints; the CLI does.

pub mod render;
mod touch;

use crate::capture::Document;
use crate::contract::table::TypeRef;
use crate::contract::versions::{self, between, Change, Contract, Difference};
use crate::contract::{ContractChoice, Kind, Profile};
use crate::pipeline;
use crate::violation::Violation;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// How a change weighs on one side of the exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The client breaks.
    Breaking,
    /// Nothing the client does or reads changes.
    Safe,
    /// The client breaks when the server sends the new value (it may never).
    BreakingIfSent,
}

impl Verdict {
    /// The verdict as reports write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Breaking => "breaking",
            Verdict::Safe => "safe",
            Verdict::BreakingIfSent => "breaking-if-sent",
        }
    }
}

/// One side's verdict and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Judgement {
    /// Breaking, safe or breaking-if-sent.
    pub verdict: Verdict,
    /// One line that says why.
    pub reason: String,
}

fn judge(verdict: Verdict, reason: impl Into<String>) -> Judgement {
    Judgement {
        verdict,
        reason: reason.into(),
    }
}

/// One difference between the two versions, judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Where the change is: `Associate/UserName`, `ETableRight/Unused1`.
    pub path: String,
    /// The first version with the change.
    pub since: Contract,
    /// What changes, in one line.
    pub change: String,
    /// For the requests the client sends.
    pub request: Judgement,
    /// For the responses a strict XSD-validating client reads.
    pub response_xsd: Judgement,
    /// For the responses a WCF DataContractSerializer client reads.
    pub response_wcf: Judgement,
    /// With captures: whether the traffic touches the change (`None` without captures).
    pub touched: Option<bool>,
    /// With captures: the documents that touch it (at most a few, in input order).
    pub touched_by: Vec<String>,
}

impl Entry {
    /// Whether any side's verdict is other than safe.
    pub fn is_breaking(&self) -> bool {
        [&self.request, &self.response_xsd, &self.response_wcf]
            .iter()
            .any(|j| j.verdict != Verdict::Safe)
    }
}

/// A captured request, rewritten to the new namespace and judged under the new contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestCheck {
    /// The document's name.
    pub path: String,
    /// Whether the new contract takes it.
    pub valid: bool,
    /// Every finding under the new contract.
    pub violations: Vec<Violation>,
}

/// The whole answer of `compat`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The client's version.
    pub from: Contract,
    /// The version it moves to.
    pub to: Contract,
    /// Whether captures were given.
    pub captures: bool,
    /// Documents read from the captures.
    pub documents: usize,
    /// Every difference, in the table's order.
    pub changes: Vec<Entry>,
    /// With captures: every request, judged under the new contract.
    pub requests: Vec<RequestCheck>,
}

impl Report {
    /// Whether something breaking is touched: without captures, any change other than
    /// safe; with captures, a touched one, or a request the new contract refuses.
    pub fn is_breaking(&self) -> bool {
        let changes = self
            .changes
            .iter()
            .any(|e| e.touched != Some(false) && e.is_breaking());
        changes || self.requests.iter().any(|r| !r.valid)
    }

    /// The exit status `compat` gives: 0 when nothing breaking is touched, else 1.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.is_breaking())
    }
}

/// Every difference between `from` and `to`, judged (no captures).
pub fn differences(from: Contract, to: Contract) -> Report {
    Report {
        from,
        to,
        captures: false,
        documents: 0,
        changes: between(from, to).map(|d| entry(d, from, to)).collect(),
        requests: Vec::new(),
    }
}

/// Every SOAP document of the captures the paths name (files or directories, walked in
/// path order); the first path that cannot be read, with why, refuses them all.
pub fn read_captures(paths: &[PathBuf]) -> Result<Vec<Document>, (PathBuf, String)> {
    let mut docs = Vec::new();
    for item in crate::capture::walk::files(paths) {
        let path = item?;
        match crate::capture::open(&path) {
            Ok(c) => docs.extend(c.documents),
            Err(e) => return Err((path, e.to_string())),
        }
    }
    Ok(docs)
}

/// The differences between `from` and `to` that these documents (captured under `from`)
/// touch, and every request judged under `to`.
pub fn with_captures(from: Contract, to: Contract, docs: &[Document]) -> Report {
    let mut report = differences(from, to);
    report.captures = true;
    report.documents = docs.len();
    let mut seen: Vec<(String, BTreeSet<&'static str>)> = Vec::new();
    for doc in docs {
        let Some(text) = doc.text() else { continue };
        seen.push((doc.source.clone(), touch::types(text, to)));
        let verdict = pipeline::check(doc, Profile::Auto);
        if verdict.kind == Some(Kind::Request) {
            report
                .requests
                .push(rewritten(doc, text, verdict.contract, to));
        }
    }
    for e in &mut report.changes {
        let types = touched_types(&e.path, to);
        let by: Vec<String> = seen
            .iter()
            .filter(|(_, t)| types.iter().any(|ty| t.contains(ty)))
            .map(|(name, _)| name.clone())
            .collect();
        e.touched = Some(!by.is_empty());
        e.touched_by = by.into_iter().take(3).collect();
    }
    report
}

/// The request with its namespace renamed to `to`'s, judged under `to`. The body only:
/// the HTTP metadata names the old SOAPAction, which the client's upgrade changes anyway.
fn rewritten(doc: &Document, text: &str, was: Contract, to: Contract) -> RequestCheck {
    let text = text.replace(was.namespace(), to.namespace());
    let new = Document::from_bytes(doc.source.clone(), text.as_bytes());
    let verdict = pipeline::check_as(&new, Profile::Auto, ContractChoice::Fixed(to));
    let masker = crate::secrets::Masker::new(&doc.secrets);
    RequestCheck {
        path: doc.source.clone(),
        valid: verdict.violations.is_empty(),
        violations: verdict
            .violations
            .into_iter()
            .map(|v| Violation {
                message: masker.text(&v.message),
                element: masker.path(&v.element),
                ..v
            })
            .collect(),
    }
}

/// The types whose elements touch a change: the type a member or value is added to; for a
/// new type, the owners of the members of that type.
fn touched_types(path: &str, to: Contract) -> Vec<&'static str> {
    let Some(d) = versions::DIFFERENCES.iter().find(|d| d.path() == path) else {
        return Vec::new();
    };
    match d.change {
        Change::Member { owner, .. } | Change::Value { owner, .. } => vec![owner],
        Change::Type { ty, .. } => to
            .differences()
            .filter_map(|d| match d.change {
                Change::Member { owner, member, .. } if member.ty.name() == ty.name => Some(owner),
                _ => None,
            })
            .collect(),
        Change::Import { .. } => Vec::new(),
    }
}

/// One difference, judged for a move from `from` to `to`.
fn entry(d: &Difference, from: Contract, to: Contract) -> Entry {
    let upgrade = from < to;
    let (request, response_xsd, response_wcf) = if upgrade {
        added(d, from, to)
    } else {
        removed(d, from, to)
    };
    Entry {
        path: d.path(),
        since: d.since,
        change: describe(d, upgrade),
        request,
        response_xsd,
        response_wcf,
        touched: None,
        touched_by: Vec::new(),
    }
}

fn describe(d: &Difference, upgrade: bool) -> String {
    let (gains, gain) = if upgrade {
        ("gains", "adds")
    } else {
        ("loses", "drops")
    };
    match d.change {
        Change::Member {
            owner,
            after,
            member,
        } => format!(
            "{owner} {gains} {} ({}, minOccurs {}{}) after {after}",
            member.name,
            match member.ty {
                TypeRef::Xs(b) => format!("xs:{}", b.name()),
                other => other.name().to_string(),
            },
            member.min_occurs,
            if member.nillable { ", nillable" } else { "" }
        ),
        Change::Value {
            owner,
            value,
            explicit,
        } => match explicit {
            Some(n) => format!("{owner} {gains} {value} (EnumerationValue {n})"),
            None => format!("{owner} {gains} {value}"),
        },
        Change::Type { ty, .. } => format!(
            "the schema {gain} the type {} (IsDictionary: StringKeyValuePair 0..unbounded of Key/Value strings)",
            ty.name
        ),
        Change::Import { namespace } => {
            format!("the main schema imports the Serialization namespace ({namespace})")
        }
    }
}

/// The three judgements of a change the new version adds.
fn added(d: &Difference, from: Contract, to: Contract) -> (Judgement, Judgement, Judgement) {
    use Verdict::*;
    match d.change {
        Change::Member { member, owner, .. } => (
            judge(
                Safe,
                format!(
                    "optional in {to}: requests without {} stay valid",
                    member.name
                ),
            ),
            judge(
                Breaking,
                format!(
                    "{to} writes {} in every {owner} of a response (WCF writes a null member as a \
                     nil element); {from}'s {owner} has no place for it",
                    member.name
                ),
            ),
            judge(
                Safe,
                format!(
                    "DataContractSerializer skips the unknown element {}; its value is lost on a \
                     Save round trip",
                    member.name
                ),
            ),
        ),
        Change::Value { owner, value, .. } => {
            let keep = judge(
                Safe,
                format!("every {from} value of {owner} is still in {to}"),
            );
            let n = versions::flag_value(to, owner, value).unwrap_or(0);
            match versions::alias_of(to, owner, value) {
                Some(first) => {
                    let why = format!(
                        "{value} is an alias of {first} ({n}): WCF writes the first name with a \
                         value, so {value} never reaches the wire"
                    );
                    (keep, judge(Safe, why.clone()), judge(Safe, why))
                }
                None => (
                    keep,
                    judge(
                        BreakingIfSent,
                        format!(
                            "{from}'s schema rejects {value} ({n}) in an {owner} mask, when the \
                             server sets that flag"
                        ),
                    ),
                    judge(
                        BreakingIfSent,
                        format!(
                            "DataContractSerializer throws on the unknown enumeration name {value} \
                             (InvalidEnumValueOnRead), when the server sets that flag ({n})"
                        ),
                    ),
                ),
            }
        }
        Change::Type { ty, .. } => {
            let why = format!(
                "a new type, on the wire only inside the members of type {} (judged on their own)",
                ty.name
            );
            (
                judge(Safe, why.clone()),
                judge(Safe, why.clone()),
                judge(Safe, why),
            )
        }
        Change::Import { .. } => {
            let why = "schema structure only: no element or value on the wire changes";
            (judge(Safe, why), judge(Safe, why), judge(Safe, why))
        }
    }
}

/// The three judgements of a change the client's version has and the new one lacks (a
/// move to an older version).
fn removed(d: &Difference, from: Contract, to: Contract) -> (Judgement, Judgement, Judgement) {
    use Verdict::*;
    let gone = |what: &str| {
        (
            judge(
                BreakingIfSent,
                format!("{to} has no {what}: a request that sends it is refused"),
            ),
            judge(
                Safe,
                format!("{to} never sends {what}; {from}'s schema lets it be absent"),
            ),
            judge(
                Safe,
                format!("{to} never sends {what}; DataContractSerializer leaves it unset"),
            ),
        )
    };
    match d.change {
        Change::Member { owner, member, .. } => gone(&format!("{owner}/{}", member.name)),
        Change::Value { owner, value, .. } => gone(&format!("the {owner} value {value}")),
        Change::Type { .. } | Change::Import { .. } => {
            let why = "schema structure only: judged with the members that use it";
            (judge(Safe, why), judge(Safe, why), judge(Safe, why))
        }
    }
}
