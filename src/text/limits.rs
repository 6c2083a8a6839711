//! Every limit the tool holds input to, with its number written once. Hostile input meets
//! these before it can cost memory or time; each limit's refusal is a finding (`xml.limit`,
//! `capture.malformed`) or an HTTP status, never a panic.

/// The largest document the tool reads, in bytes (8 MiB). A Relation agent message is a few
/// kilobytes; a larger document gets an `xml.limit` verdict without being parsed, and a file
/// is never read further than this. The limit also keeps every text node below the
/// 10,000,000 bytes libxml2 parses without `XML_PARSE_HUGE`.
pub const MAX_DOCUMENT_BYTES: usize = 8 * 1024 * 1024;

/// The largest HTTP dump or HAR file read: eight times the largest document.
pub const MAX_CAPTURE_BYTES: usize = 8 * MAX_DOCUMENT_BYTES;

/// The largest request body the stub reads (WCF's own default is far smaller: 64 KiB).
pub const MAX_REQUEST_BODY: usize = MAX_DOCUMENT_BYTES;

/// The most distinct secret values (Ticket, ApplicationToken) a document may hold. A message
/// has one or two; a document with more is refused with `xml.limit` (and reported without
/// any of its text).
pub const MAX_SECRETS: usize = 1000;

/// Elements nest at most this deep, the `Envelope` being level 1 (only `InnerException` can
/// recurse; SOAP messages of this contract nest about ten levels): the validator, the
/// decoder and `diff` hold documents to the same rule, with the same words
/// ([`too_deep`]), at the first element of level `MAX_DEPTH + 1`. libxml2's own limit (256
/// levels) is never what a document is refused for.
pub const MAX_DEPTH: usize = 100;

/// The finding for a document nested deeper than [`MAX_DEPTH`], in the tool's words: the
/// validator, the decoder and `diff` say the same.
pub fn too_deep() -> String {
    format!(
        "elements nest deeper than {MAX_DEPTH} levels (the Envelope being level 1), the \
         deepest nesting the tool reads: the document is not read further"
    )
}

/// Most violations reported per document; more are summed up in one `xml.limit` finding.
pub const MAX_VIOLATIONS: usize = 100;

/// Most libxml2 errors kept per document: hostile input must not grow the list without
/// bound (each error later costs a walk over its element's siblings to name its path).
pub const MAX_LIBXML_ERRORS: usize = 200;

/// Longest source line (bytes) shown with a finding; a longer one (a document on one line)
/// is left out, and the finding keeps its line and column.
pub const MAX_SOURCE_LINE: usize = 4096;

/// How many bytes are read to tell a capture from a bare envelope (64 KiB): an HTTP dump's
/// start line (an absolute-form URL may be long; RFC 9112 asks for at least 8,000 bytes) and
/// a HAR file's leading whitespace must end within them.
pub const SNIFF_BYTES: usize = 64 * 1024;

/// Secret parts of HTTP credential headers shorter than this are not collected for
/// redaction; header values themselves are never printed.
pub const MIN_SECRET_LEN: usize = 4;

/// How much work `diff` spends aligning one list (the children of one element, or the
/// lines of two canonical texts) exactly, in steps of Myers' algorithm. Past it the
/// alignment is found in O(n log n) instead and may not be the shortest; the verdict and
/// the classified differences stay complete, and the unified text says it is approximate.
pub const DIFF_ALIGN_WORK: usize = 2_000_000;

/// Most lines of a unified text diff shown; the rest is cut, and the diff says so.
pub const DIFF_MAX_LINES: usize = 2_000;

/// Every document of a capture carries the secrets of all the others (a body may quote
/// another message's credentials) while documents times distinct secrets stay below this;
/// past it, a request and its response still share theirs.
pub const MAX_SHARED_SECRETS: usize = 1_000_000;
