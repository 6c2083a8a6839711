//! Scenarios: scripted answers for matching requests, so a client suite can drive its
//! unhappy paths on purpose (a Save that fails, a slow answer, a 503 from a load
//! balancer, a connection dropped).
//!
//! A scenario file is JSON: `{"rules": [RULE, ...]}`. A rule has a unique `name`, an
//! optional `operation`, optional `when` conditions on element paths (as the tool spells
//! them, `/Envelope/Body/SaveContactRelation/ContactRelationEntity/Comment`), optional
//! `calls` (`{"nth": N}`, `{"first": N}`, `{"from": N}`: which of its matches it applies
//! to) and an `answer`: `{"exception_info": {...}}`, `{"fault": {...}}`, `{"http": {...}}`,
//! `{"delay": {"ms": N, "then": ANSWER}}` or `"drop"`.
//!
//! A condition is `{"path": P, "equals": "TEXT"}` (the first element at P has this text,
//! entities and CDATA resolved, XML whitespace trimmed at both ends) or
//! `{"path": P, "present": BOOL}`. A `[1]` index in P is dropped, as the tool never writes
//! one.
//!
//! Rules apply to a request that honours the contract, after the contract check and
//! before the Ticket check and the store: a request that breaks the contract gets the
//! contract's answer whatever the rules say (a scripted answer must never hide a client's
//! break, and values are compared only once the request is known to be valid). Every rule
//! whose operation and conditions match counts the match; the first in file order whose
//! `calls` admit its count answers. Each rule's hits are counted
//! ([`super::StubServer::scenario_hits`], [`super::Stats::scenario_hits`]); a hit is told by
//! the rule's name only, never by the values it matched (a condition may name the Ticket).
//!
//! Bounds: a delay is at most [`MAX_DELAY_MS`]; a file at most [`MAX_FILE_BYTES`]; the
//! values a request holds are found in one pass over it, whatever the number of rules.
//! An HTTP answer's status is 200 to 599; a dropped connection is closed without a byte
//! and not recorded.

use crate::contract::Operation;
use crate::text::escape::{escape_into, is_xml_char};
use serde::Deserialize;

mod run;
pub(in crate::serve) use run::{dropped, play, unless_dropped, Runtime, Wire};
use std::fmt;
use std::num::NonZeroU64;
use std::path::Path;

/// The longest delay a rule may script, in milliseconds (one minute): longer than any
/// client timeout a test sets, short enough that a forgotten rule cannot hang a suite.
pub const MAX_DELAY_MS: u64 = 60_000;

/// The largest scenario file read (1 MiB).
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// A set of scenario rules, in the order they are tried. Built from JSON
/// ([`Scenarios::parse`], [`Scenarios::from_file`]); its `Debug` shows rule names only.
#[derive(Clone, Default)]
pub struct Scenarios {
    rules: Vec<Rule>,
}

impl fmt::Debug for Scenarios {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

/// Why a scenario file was refused: where (the file, and the line and column where the
/// JSON reader knows them) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file (or the name given to [`Scenarios::parse`]).
    pub origin: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ScenarioError {}

impl Scenarios {
    /// No rules: every request gets the stub's normal answer.
    pub fn new() -> Scenarios {
        Scenarios::default()
    }

    /// The rules of a scenario file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Scenarios, ScenarioError> {
        let path = path.as_ref();
        let origin = path.display().to_string();
        let fail = |message: String| ScenarioError {
            origin: origin.clone(),
            line: None,
            column: None,
            message,
        };
        let len = std::fs::metadata(path)
            .map_err(|e| fail(format!("cannot read it: {e}")))?
            .len();
        if len > MAX_FILE_BYTES {
            return Err(fail(format!(
                "{len} bytes: a scenario file may hold at most {MAX_FILE_BYTES}"
            )));
        }
        let text =
            std::fs::read_to_string(path).map_err(|e| fail(format!("cannot read it: {e}")))?;
        Scenarios::parse(&origin, &text)
    }

    /// The rules of a scenario file's text; `origin` names it in errors.
    pub fn parse(origin: &str, text: &str) -> Result<Scenarios, ScenarioError> {
        let file: File = serde_json::from_str(text).map_err(|e| ScenarioError {
            origin: origin.to_string(),
            line: (e.line() > 0).then_some(e.line()),
            column: (e.line() > 0).then_some(e.column()),
            message: e
                .to_string()
                .split(" at line ")
                .next()
                .unwrap_or("")
                .to_string(),
        })?;
        let mut s = Scenarios::default();
        s.add(origin, file.rules)?;
        Ok(s)
    }

    /// Appends `other`'s rules after these (several files); names stay unique.
    pub fn extend(&mut self, other: Scenarios) -> Result<(), ScenarioError> {
        self.add("scenarios", other.rules)
    }

    fn add(&mut self, origin: &str, rules: Vec<Rule>) -> Result<(), ScenarioError> {
        for r in rules {
            if self.rules.iter().any(|o| o.name == r.name) {
                return Err(ScenarioError {
                    origin: origin.to_string(),
                    line: None,
                    column: None,
                    message: format!("two rules are named `{}`: names must be unique", r.name),
                });
            }
            self.rules.push(r);
        }
        Ok(())
    }

    /// The rules' names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| &*r.name)
    }

    /// How many rules there are.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

// ---------------------------------------------------------------- the format

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    rules: Vec<Rule>,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Rule {
    name: Name,
    #[serde(default)]
    operation: Option<Op>,
    #[serde(default)]
    when: Vec<Condition>,
    #[serde(default)]
    calls: Option<Calls>,
    answer: Answer,
}

/// A rule's name: 1 to 100 characters, no control characters.
#[derive(Clone, PartialEq, Eq)]
struct Name(String);

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let n = s.chars().count();
        if n == 0 || n > 100 || s.chars().any(char::is_control) {
            return Err(serde::de::Error::custom(
                "a rule's name is 1 to 100 characters without control characters",
            ));
        }
        Ok(Name(s))
    }
}

#[derive(Clone, Copy)]
struct Op(Operation);

impl<'de> Deserialize<'de> for Op {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Operation::ALL
            .iter()
            .find(|o| o.name() == s)
            .map(|o| Op(*o))
            .ok_or_else(|| {
                let names: Vec<&str> = Operation::ALL.iter().map(|o| o.name()).collect();
                serde::de::Error::custom(format!(
                    "unknown operation `{s}`, expected one of {}",
                    names.join(", ")
                ))
            })
    }
}

#[derive(Clone)]
struct Condition {
    path: String,
    test: Test,
}

#[derive(Clone)]
enum Test {
    Equals(String),
    Present(bool),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    path: String,
    #[serde(default)]
    equals: Option<String>,
    #[serde(default)]
    present: Option<bool>,
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawCondition::deserialize(d)?;
        let path = element_path(&raw.path).map_err(serde::de::Error::custom)?;
        let test = match (raw.equals, raw.present) {
            (Some(v), None) => Test::Equals(v),
            (None, Some(p)) => Test::Present(p),
            _ => {
                return Err(serde::de::Error::custom(format!(
                    "the condition on {path} needs exactly one of `equals` (a string) or \
                     `present` (true or false)"
                )))
            }
        };
        Ok(Condition { path, test })
    }
}

/// An element path as the tool spells it, from `/Envelope`; a `[1]` index is dropped (the
/// tool writes an index only from a second sibling on).
fn element_path(p: &str) -> Result<String, String> {
    let bad = |why: &str| Err(format!("`{p}` is not an element path: {why}"));
    let Some(rest) = p.strip_prefix('/') else {
        return bad("it starts with /Envelope");
    };
    let mut out = String::new();
    for (i, step) in rest.split('/').enumerate() {
        let (local, index) = match step.split_once('[') {
            Some((l, n)) => match n.strip_suffix(']').and_then(|n| n.parse::<u32>().ok()) {
                Some(n) if n >= 1 => (l, n),
                _ => return bad("an index is `[N]`, N from 1"),
            },
            None => (step, 1),
        };
        if i == 0 && (local, index) != ("Envelope", 1) {
            return bad("it starts with /Envelope");
        }
        if !is_ncname(local) {
            return bad("each step is an element's local name, no prefix");
        }
        crate::text::path::segment(&mut out, local, index);
    }
    Ok(out)
}

fn is_ncname(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Which of a rule's matches it applies to (1-based).
#[derive(Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Calls {
    /// Only the Nth.
    Nth(NonZeroU64),
    /// The first N.
    First(NonZeroU64),
    /// The Nth and every one after.
    From(NonZeroU64),
}

impl Calls {
    fn admits(self, n: u64) -> bool {
        match self {
            Calls::Nth(k) => n == k.get(),
            Calls::First(k) => n <= k.get(),
            Calls::From(k) => n >= k.get(),
        }
    }
}

/// What a rule answers.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Answer {
    ExceptionInfo(ExceptionInfo),
    Fault(Fault),
    Http(Http),
    Delay(Delay),
    Drop,
}

/// NetServer's service error: HTTP 200, `ExceptionInfo`, `Succeeded` false.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExceptionInfo {
    message: XmlText,
    exception_type: XmlText,
    #[serde(default)]
    friendly_text: Option<XmlText>,
}

/// Text XML can carry.
#[derive(Clone)]
struct XmlText(String);

impl<'de> Deserialize<'de> for XmlText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.chars().find(|c| !is_xml_char(*c)) {
            Some(c) => Err(serde::de::Error::custom(format!(
                "U+{:04X} cannot be carried in XML",
                u32::from(c)
            ))),
            None => Ok(XmlText(s)),
        }
    }
}

/// A SOAP 1.1 Fault, HTTP 500.
#[derive(Clone)]
struct Fault {
    /// The faultcode element, namespace declared on it where needed.
    faultcode: String,
    faultstring: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFault {
    faultcode: String,
    faultstring: XmlText,
    #[serde(default)]
    namespace: Option<String>,
}

impl<'de> Deserialize<'de> for Fault {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawFault::deserialize(d)?;
        let (prefix, local) = raw
            .faultcode
            .split_once(':')
            .unwrap_or(("s", &raw.faultcode));
        let err = |m: String| Err(serde::de::Error::custom(m));
        if !is_ncname(prefix) || !is_ncname(local) {
            return err(format!(
                "faultcode `{}` is not a QName (`s:Server`, `Server`, `a:Code` with `namespace`)",
                raw.faultcode
            ));
        }
        let faultcode = match (prefix, raw.namespace) {
            ("s", None) => format!("<faultcode>s:{local}</faultcode>"),
            ("s", Some(_)) => {
                return err("prefix `s` is the envelope's own: give no `namespace`".into())
            }
            (p, Some(ns)) if !ns.is_empty() && !p.starts_with("xml") => {
                let mut el = format!("<faultcode xmlns:{p}=\"");
                escape_into(&mut el, &ns);
                el.push_str(&format!("\">{p}:{local}</faultcode>"));
                el
            }
            (p, _) => {
                return err(format!(
                    "faultcode prefix `{p}` needs a `namespace` (and may not start with `xml`)"
                ))
            }
        };
        Ok(Fault {
            faultcode,
            faultstring: raw.faultstring.0,
        })
    }
}

/// Any HTTP status with a body.
#[derive(Clone)]
struct Http {
    status: u16,
    body: String,
    content_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHttp {
    status: u16,
    #[serde(default)]
    body: String,
    #[serde(default)]
    content_type: Option<String>,
}

impl<'de> Deserialize<'de> for Http {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawHttp::deserialize(d)?;
        let err = |m: String| Err(serde::de::Error::custom(m));
        if !(200..=599).contains(&raw.status) {
            return err(format!("status {} is not from 200 to 599", raw.status));
        }
        if matches!(raw.status, 204 | 304) && !raw.body.is_empty() {
            return err(format!("status {} carries no body", raw.status));
        }
        if let Some(ct) = &raw.content_type {
            if ct.is_empty()
                || !ct
                    .chars()
                    .all(|c| c == ' ' || c == '\t' || c.is_ascii_graphic())
            {
                return err(format!("content_type `{ct}` is not a header value"));
            }
        }
        let content_type = raw
            .content_type
            .or_else(|| (!raw.body.is_empty()).then(|| "text/plain; charset=utf-8".to_string()));
        Ok(Http {
            status: raw.status,
            body: raw.body,
            content_type,
        })
    }
}

/// A wait, then another answer (none: the stub's normal answer).
#[derive(Clone)]
struct Delay {
    ms: u64,
    then: Option<Box<Answer>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDelay {
    ms: u64,
    #[serde(default)]
    then: Option<Box<Answer>>,
}

impl<'de> Deserialize<'de> for Delay {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawDelay::deserialize(d)?;
        if raw.ms > MAX_DELAY_MS {
            return Err(serde::de::Error::custom(format!(
                "a delay of {} ms is over the maximum, {MAX_DELAY_MS} ms",
                raw.ms
            )));
        }
        if matches!(raw.then.as_deref(), Some(Answer::Delay(_))) {
            return Err(serde::de::Error::custom(
                "a delay's `then` is not another delay: add the times up",
            ));
        }
        Ok(Delay {
            ms: raw.ms,
            then: raw.then,
        })
    }
}
