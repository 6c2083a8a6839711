//! Masking text that quotes document values: violation messages, fault strings, stderr
//! lines, diff values, element paths.
//!
//! The tool's own words stand outside quotes; document values are quoted (`'40000'`,
//! `"abc"`). So:
//!
//! - a quoted value equal to a secret (whatever its length), or holding a [`PIECE`]-character
//!   piece of one, is masked whole, quotes kept: `Reversed: 'T' is not a valid value`
//!   becomes `Reversed: '[REDACTED]' is not a valid value`, and with a Ticket `s` the words
//!   `Reversed`, `xs:short` and `is` stay whole;
//! - outside quotes, a run of non-blank characters holding a piece of a secret is masked
//!   whole, unless the piece lies inside a plain word or a name of the contract (a Ticket
//!   `Envelope` leaves `/Envelope/Body` alone); a secret of four characters or more that is
//!   not a plain word or a number is masked where it stands alone;
//! - in an element path, a contract name (`Envelope`, `Reversed`) is never masked: it is the
//!   tool's word, whatever the Ticket is. A quoted value equal to the Ticket is masked even
//!   when it is such a word (`Reversed: 'Envelope' is not a valid value`).

use super::vocabulary::is_contract_word;
use super::MASK;
use crate::text::limits::MIN_SECRET_LEN;
use std::collections::{BTreeSet, HashSet};

/// The length of the pieces of a secret that count as the secret: any piece this long found
/// in an output is a leak.
pub const PIECE: usize = 6;

/// Knows a set of secret values and masks them in text that may quote them.
#[derive(Debug, Clone, Default)]
pub struct Masker {
    exact: HashSet<String>,
    pieces: HashSet<String>,
    /// The pieces of the secrets that hold no markup (`<`, `>`): a raw element content such
    /// as `A<!--</Ticket>-->B` is a secret too, but its pieces of markup are no credential
    /// and stand in every close tag.
    bare_pieces: HashSet<String>,
    /// The secrets [`Masker::inside`] replaces where they stand ([`MIN_SECRET_LEN`]
    /// characters or more), by length: a position is compared with one candidate per
    /// length, never with every secret.
    long: Lengths,
    /// The secrets of several words, which [`Masker::text`] masks as phrases, by length.
    phrase: Lengths,
}

/// The byte lengths of a class of secrets and the bytes they start with: at a position of
/// a text, the candidates are the prefixes of these lengths, each looked up in the secrets
/// once. The cost per position is the number of distinct lengths, not of secrets (a
/// thousand Tickets cost a thousand times less than a walk over all of them).
#[derive(Debug, Clone, Default)]
struct Lengths {
    lengths: BTreeSet<usize>,
    /// One bit per byte value a secret of the class starts with.
    starts: [u64; 4],
}

impl Lengths {
    fn add(&mut self, secret: &str) {
        if let Some(&b) = secret.as_bytes().first() {
            self.lengths.insert(secret.len());
            self.starts[usize::from(b >> 6)] |= 1 << (b & 63);
        }
    }

    /// Only a shortcut for [`Masker::phrases`] (mutation testing: `false` here is
    /// equivalent): with no lengths, [`Lengths::longest`] finds nothing anyway.
    fn is_empty(&self) -> bool {
        self.lengths.is_empty()
    }

    /// The longest secret of the class that `rest` starts with and `fits` accepts.
    fn longest<'r>(
        &self,
        exact: &HashSet<String>,
        rest: &'r str,
        fits: impl Fn(&str) -> bool,
    ) -> Option<&'r str> {
        let b = *rest.as_bytes().first()?;
        // Only a shortcut (mutation testing: `&` to `|` is equivalent): a candidate is
        // taken only when `exact` holds it, and no secret starts with a byte whose bit is
        // clear.
        if self.starts[usize::from(b >> 6)] & (1 << (b & 63)) == 0 {
            return None;
        }
        self.lengths
            .iter()
            .rev()
            .filter_map(|&len| rest.get(..len))
            .find(|c| exact.contains(*c) && fits(c))
    }
}

fn is_long(s: &str) -> bool {
    s.chars().count() >= MIN_SECRET_LEN
}

fn is_phrase(s: &str) -> bool {
    s.contains(char::is_whitespace)
}

impl Masker {
    /// A masker for these secret values (blank ones are ignored).
    pub fn new(secrets: &[String]) -> Masker {
        let mut m = Masker::default();
        for s in secrets {
            m.add(s);
        }
        m
    }

    /// Learns one more secret value.
    pub fn add(&mut self, secret: &str) {
        let s = secret.trim();
        if s.is_empty() {
            return;
        }
        if !self.exact.insert(s.to_string()) {
            return;
        }
        if is_long(s) {
            self.long.add(s);
        }
        if is_phrase(s) {
            self.phrase.add(s);
        }
        // Pieces never span blanks: a value wrapped over lines is pieces of each line.
        for part in s.split_whitespace() {
            let idx: Vec<usize> = part
                .char_indices()
                .map(|(i, _)| i)
                .chain([part.len()])
                .collect();
            let bare = !part.contains(['<', '>']);
            for w in idx.windows(PIECE + 1) {
                let piece = &part[w[0]..w[PIECE]];
                self.pieces.insert(piece.to_string());
                if bare {
                    self.bare_pieces.insert(piece.to_string());
                }
            }
        }
    }

    /// Whether the masker knows no secret. Where the methods below ask it first, it is
    /// only a shortcut (mutation testing: `false` here is equivalent): an empty masker has
    /// no exact value, no phrase and no piece, so every rule finds nothing
    /// (`an_empty_masker_changes_nothing`).
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty()
    }

    /// Whether a value (a whole text node, attribute, header or parameter value) must be
    /// hidden: it equals a secret at least `min_exact` characters long, or holds a piece of
    /// one outside the contract's names.
    pub fn hides_value(&self, value: &str, min_exact: usize) -> bool {
        if self.is_empty() {
            return false;
        }
        // A blank value is no secret: `add` keeps none, and it holds no piece.
        let t = value.trim();
        (t.chars().count() >= min_exact && self.exact.contains(t)) || self.has_piece(t, true)
    }

    /// A value as it may be shown: the mask when it must be hidden, else itself.
    pub fn value(&self, value: &str) -> String {
        if self.hides_value(value, 1) {
            MASK.to_string()
        } else {
            value.to_string()
        }
    }

    /// Text that quotes document values (a message): see the module documentation.
    pub fn text(&self, text: &str) -> String {
        if self.is_empty() {
            return text.to_string();
        }
        let phrased = self.phrases(text);
        let text = phrased.as_str();
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let closing = closing_quotes(&chars);
        let mut out = String::with_capacity(text.len());
        let mut piece_start: Option<usize> = None;
        let mut k = 0;
        while k < chars.len() {
            let (at, c) = chars[k];
            let opens = (c == '\'' || c == '"')
                && (k == 0 || !chars[k - 1].1.is_alphanumeric())
                && closing[k].is_some();
            if opens || is_delimiter(c) {
                if let Some(s) = piece_start.take() {
                    self.push_piece(&mut out, &text[s..at]);
                }
            }
            if let (true, Some(close)) = (opens, closing[k]) {
                let inner_end = chars[close].0;
                let inner = &text[at + c.len_utf8()..inner_end];
                out.push(c);
                if self.hides_value(inner, 1) {
                    out.push_str(MASK);
                } else {
                    out.push_str(inner);
                }
                out.push(c);
                k = close + 1;
                continue;
            }
            if is_delimiter(c) {
                out.push(c);
            } else if piece_start.is_none() {
                piece_start = Some(at);
            }
            k += 1;
        }
        if let Some(s) = piece_start {
            self.push_piece(&mut out, &text[s..]);
        }
        out
    }

    /// A document value (a leaf's text, an attribute value, a namespace) that may echo a
    /// secret inside it: each occurrence of a secret of at least [`MIN_SECRET_LEN`]
    /// characters is replaced where it stands (the value is the document's data, not the
    /// tool's words, so no word is spared), and a value still holding a piece of a secret is
    /// masked whole. Shorter secrets are masked only where they stand as the whole value (a
    /// Ticket `1` inside every number would mangle them all).
    pub fn inside(&self, value: &str) -> String {
        if self.is_empty() {
            return value.to_string();
        }
        let mut out = String::with_capacity(value.len());
        let mut rest = value;
        while let Some(c) = rest.chars().next() {
            // Longest first, so a secret holding another is masked whole.
            let hit = self.long.longest(&self.exact, rest, is_long);
            match hit {
                Some(s) => {
                    out.push_str(MASK);
                    rest = &rest[s.len()..];
                }
                None => {
                    out.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        if self.has_piece(&out, true) {
            return MASK.to_string();
        }
        out
    }

    /// Text of a file that has already been masked structurally (an imported envelope, a
    /// recording): a run between delimiters that still holds a piece of a secret (a value
    /// run into a name of a broken tag, where no value stands) is masked whole. Nothing
    /// else changes: a short secret or one equal to a word is no piece, so a value `1` or a
    /// name `Envelope` stays, and what parsed still parses.
    pub fn runs(&self, text: &str) -> String {
        if self.bare_pieces.is_empty() {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut start: Option<usize> = None;
        for (at, c) in text.char_indices() {
            if is_delimiter(c) {
                if let Some(s) = start.take() {
                    self.push_run(&mut out, &text[s..at]);
                }
                out.push(c);
            } else if start.is_none() {
                start = Some(at);
            }
        }
        if let Some(s) = start {
            self.push_run(&mut out, &text[s..]);
        }
        out
    }

    fn push_run(&self, out: &mut String, run: &str) {
        if self.has_piece_of(&self.bare_pieces, run, false) {
            out.push_str(MASK);
        } else {
            out.push_str(run);
        }
    }

    /// `text` with every secret made of several words (a cookie `Fjordline Logistikk AS`)
    /// masked where it stands as a whole phrase, between word boundaries: its words one by
    /// one are plain words, which the run rules leave alone. A secret of one word is left
    /// to those rules.
    fn phrases(&self, text: &str) -> String {
        if self.phrase.is_empty() {
            return text.to_string();
        }
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let before = out.chars().next_back();
            // The longest phrase that stands here between word boundaries.
            let hit = self.phrase.longest(&self.exact, rest, |p| {
                is_phrase(p) && boundary(before) && boundary(rest[p.len()..].chars().next())
            });
            match hit {
                Some(p) => {
                    out.push_str(MASK);
                    rest = &rest[p.len()..];
                }
                None => {
                    out.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        out
    }

    /// An element path: a segment whose name is a secret (four characters or more) or holds
    /// a piece of one is masked, the others, and the `[n]` counts, stay.
    pub fn path(&self, path: &str) -> String {
        if self.is_empty() {
            return path.to_string();
        }
        path.split('/')
            .map(|seg| {
                let name_end = seg.find('[').unwrap_or(seg.len());
                let name = &seg[..name_end];
                // A name of the contract is the tool's word, whatever the Ticket is.
                if !is_contract_word(name) && self.hides_value(name, MIN_SECRET_LEN) {
                    format!("{MASK}{}", &seg[name_end..])
                } else {
                    seg.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    fn push_piece(&self, out: &mut String, piece: &str) {
        let bare = piece.trim_end_matches(['.', ',', ':', ';', '!', '?']);
        let standalone = bare.chars().count() >= MIN_SECRET_LEN
            && self.exact.contains(bare)
            && !bare.chars().all(char::is_alphabetic)
            && !bare.chars().all(|c| c.is_ascii_digit())
            && !is_contract_word(bare);
        if standalone || self.has_piece(piece, false) {
            out.push_str(MASK);
            out.push_str(&piece[bare.len()..]);
        } else {
            out.push_str(piece);
        }
    }

    /// Whether `s` holds a piece of a secret that is not part of the tool's words: a piece
    /// inside one alphanumeric run that is a contract name (or, outside quotes, any plain
    /// word) does not count.
    fn has_piece(&self, s: &str, quoted: bool) -> bool {
        self.has_piece_of(&self.pieces, s, quoted)
    }

    /// [`Masker::has_piece`] over one set of pieces.
    fn has_piece_of(&self, pieces: &HashSet<String>, s: &str, quoted: bool) -> bool {
        if pieces.is_empty() {
            return false;
        }
        let chars: Vec<(usize, char)> = s.char_indices().collect();
        // The alphanumeric run each character belongs to (start, end as char indexes).
        let mut run = vec![(0usize, 0usize); chars.len()];
        let mut k = 0;
        while k < chars.len() {
            let mut e = k + 1;
            if chars[k].1.is_alphanumeric() {
                while e < chars.len() && chars[e].1.is_alphanumeric() {
                    e += 1;
                }
            }
            for r in run.iter_mut().take(e).skip(k) {
                *r = (k, e);
            }
            k = e;
        }
        let byte = |k: usize| chars.get(k).map_or(s.len(), |c| c.0);
        // Whether a run is the tool's word, decided once per run.
        let mut judged: Option<((usize, usize), bool)> = None;
        // Every window of PIECE characters (none in a shorter text).
        chars.windows(PIECE).enumerate().any(|(k, _)| {
            let w = &s[byte(k)..byte(k + PIECE)];
            if !pieces.contains(w) {
                return false;
            }
            let (a, e) = run[k];
            let inside_one_word = chars[k].1.is_alphanumeric() && e >= k + PIECE;
            if inside_one_word {
                let tool_word = match judged {
                    Some((r, w)) if r == (a, e) => w,
                    _ => {
                        let word = &s[byte(a)..byte(e)];
                        let plain = !quoted && word.chars().all(|c| c.is_ascii_alphabetic());
                        let w = plain || is_contract_word(word);
                        judged = Some(((a, e), w));
                        w
                    }
                };
                if tool_word {
                    return false;
                }
            }
            true
        })
    }
}

/// Characters that end a run outside quotes.
fn is_delimiter(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\'' | '"' | '<' | '>' | '(' | ')' | '{' | '}' | ',' | ';'
        )
}

/// For each quote character, the index of the quote that closes it (the next same quote
/// not followed by an alphanumeric character), found in one backward pass.
fn closing_quotes(chars: &[(usize, char)]) -> Vec<Option<usize>> {
    let mut out = vec![None; chars.len()];
    let (mut next_single, mut next_double) = (None, None);
    for k in (0..chars.len()).rev() {
        let c = chars[k].1;
        match c {
            '\'' => out[k] = next_single,
            '"' => out[k] = next_double,
            _ => {}
        }
        let closes = chars.get(k + 1).is_none_or(|n| !n.1.is_alphanumeric());
        if closes {
            match c {
                '\'' => next_single = Some(k),
                '"' => next_double = Some(k),
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {

    /// The text is unchanged by a masker that knows nothing, whatever it holds.
    #[test]
    fn an_empty_masker_changes_nothing() {
        let m = Masker::default();
        let t = "Ticket 'abcdef' \"x\" ab cd <a b='c'>, 7T:abc== /a/b[2]";
        assert_eq!(m.text(t), t);
        assert_eq!(m.inside(t), t);
        assert_eq!(m.runs(t), t);
        assert_eq!(m.path(t), t);
        assert!(!m.hides_value(t, 1) && !m.hides_value("", 1));
    }

    /// A value of exactly one piece's length that is a piece of a secret is hidden; a
    /// blank one never is.
    #[test]
    fn a_value_as_long_as_a_piece_is_hidden() {
        let m = Masker::new(&["abcdefgh".to_string()]);
        assert!(m.hides_value("abcdef", 4));
        assert!(m.hides_value(" bcdefg ", 4));
        assert!(!m.hides_value("abcde", 4));
        assert!(!m.hides_value("  ", 1));
        assert_eq!(m.inside(""), "");
    }

    /// A short secret in quotes is masked in single and in double quotes; a quote right
    /// after a letter is an apostrophe and opens nothing, and a quote followed by a letter
    /// closes nothing.
    #[test]
    fn quoted_values_and_apostrophes() {
        let m = Masker::new(&["T1".to_string(), "ab'cd".to_string()]);
        assert_eq!(m.text("Ticket 'T1' bad"), "Ticket '[REDACTED]' bad");
        assert_eq!(m.text("Ticket \"T1\" bad"), "Ticket \"[REDACTED]\" bad");
        assert_eq!(m.text("'T1' first"), "'[REDACTED]' first");
        assert_eq!(m.text("x'T1' y"), "x'T1' y");
        assert_eq!(m.text("see 'ab'cd' now"), "see '[REDACTED]' now");
        assert_eq!(m.text("see \"ab\"cd\" now"), "see \"ab\"cd\" now");
    }

    /// Outside quotes a plain word holding a piece is the tool's word, but a piece that
    /// runs on past a short word counts, and each alphanumeric run is judged on its own.
    #[test]
    fn pieces_are_judged_per_alphanumeric_run() {
        let m = Masker::new(&["ab-cdefg".to_string()]);
        assert_eq!(m.text("see zab-cdeq now"), "see [REDACTED] now");
        let m = Masker::new(&["abcdefgh12".to_string()]);
        assert_eq!(m.text("see abcdefgh now"), "see abcdefgh now");
        assert_eq!(m.text("see abcdefgh-xabcdef9 now"), "see [REDACTED] now");
    }

    #[test]
    fn a_secret_of_several_words_is_masked_as_a_phrase() {
        let m = Masker::new(&["Fjordline Logistikk AS".to_string()]);
        assert_eq!(
            m.text("expected a value, found Fjordline Logistikk AS in it"),
            format!("expected a value, found {MASK} in it")
        );
        // Only whole words: a phrase inside a longer word, and its words alone, stay.
        assert_eq!(
            m.text("xFjordline Logistikk AS; Fjordline alone"),
            "xFjordline Logistikk AS; Fjordline alone"
        );
    }

    #[test]
    fn runs_holding_a_piece_are_masked_whole_and_nothing_else() {
        let m = Masker::new(&["ufq2kx5mz1w0sd3b".to_string(), "1".into()]);
        assert_eq!(
            m.runs("<faultstring xml:lanufq2kx5mz1w0 unable>x</faultstring>"),
            format!("<faultstring {MASK} unable>x</faultstring>")
        );
        let plain = "<a mustUnderstand=\"1\">Envelope 1</a>";
        assert_eq!(m.runs(plain), plain);
        assert_eq!(Masker::new(&["1".into()]).runs(plain), plain);
    }

    #[test]
    fn inside_a_value_each_long_secret_is_replaced_where_it_stands() {
        let m = Masker::new(&[r#""\"\\"#.to_string(), "valid".into(), "T".into()]);
        let q = r#""\"\\"#;
        assert_eq!(
            m.inside(&format!("{q}{q}x{q} end")),
            format!("{MASK}{MASK}x{MASK} end")
        );
        // A value is data: a Ticket `valid` inside it is masked, a short Ticket is not.
        assert_eq!(m.inside("not valid. Tea"), format!("not {MASK}. Tea"));
        assert_eq!(m.inside("T"), "T");
        assert_eq!(m.inside(""), "");
        assert_eq!(Masker::default().inside("valid"), "valid");
        // Longest first: a secret holding another is masked whole; non-ASCII text is kept.
        let m = Masker::new(&["abcd".into(), "abcdefgh".into()]);
        assert_eq!(m.inside("é abcdefgh abcd"), format!("é {MASK} {MASK}"));
        // A piece of a long secret left in the value hides it whole.
        let m = Masker::new(&["Zq81xWv0Lm".into()]);
        assert_eq!(m.inside("pre Zq81xWv0 post"), MASK);
        assert_eq!(m.inside("pre Zq81x post"), "pre Zq81x post");
    }
    use super::*;

    fn m(secrets: &[&str]) -> Masker {
        Masker::new(&secrets.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    const MSG: &str = "Reversed: 's' is not a valid value of the atomic type 'xs:short' \
                       (xs:short holds whole numbers from -32768 to 32767)";

    #[test]
    fn a_short_secret_is_masked_where_it_is_the_quoted_value_only() {
        assert_eq!(m(&["s"]).text(MSG), MSG.replace("'s'", "'[REDACTED]'"));
        let t = "T: the request breaks the contract: 'T'";
        assert_eq!(
            m(&["T"]).text(t),
            "T: the request breaks the contract: '[REDACTED]'"
        );
        let v = "Reversed: 'valid' is not a valid value";
        assert_eq!(
            m(&["valid"]).text(v),
            "Reversed: '[REDACTED]' is not a valid value"
        );
        assert_eq!(
            m(&["s"]).path("/Envelope/Body/Reversed"),
            "/Envelope/Body/Reversed"
        );
    }

    #[test]
    fn long_secrets_and_their_pieces_are_masked_whole() {
        let k = m(&["7T:abcdefghij=="]);
        assert_eq!(
            k.text("Comment: 'my ticket 7T:abcdefghij== here' and Bearer 7T:abcdefgh."),
            "Comment: '[REDACTED]' and Bearer [REDACTED]."
        );
        assert_eq!(k.text("don't 7T:a the 'it's' x"), "don't 7T:a the 'it's' x");
        assert_eq!(k.value("x abcdef"), MASK);
        assert_eq!(
            m(&["7T:ab"]).text("value 7T:ab, seen"),
            "value [REDACTED], seen"
        );
    }

    #[test]
    fn contract_words_and_plain_words_stay() {
        let e = m(&["Envelope"]);
        assert_eq!(e.path("/Envelope/Body[2]"), "/Envelope/Body[2]");
        assert_eq!(
            e.text("Envelope: 'Envelope' is /Envelope/Header"),
            "Envelope: '[REDACTED]' is /Envelope/Header"
        );
        let d = m(&["documentation1"]);
        assert_eq!(
            d.text("the document is not valid"),
            "the document is not valid"
        );
        assert_eq!(d.text("Comment: 'documentation1'"), "Comment: '[REDACTED]'");
        assert_eq!(
            m(&["abcdefgh"]).path("/Envelope/xabcdefghx[3]"),
            "/Envelope/[REDACTED][3]"
        );
    }

    #[test]
    fn linear_in_secrets_times_values() {
        // A thousand distinct Tickets (some of several words) and as many values that quote
        // text: masking each value must not walk every secret the masker knows.
        let doc = |n: usize| {
            let mut t = String::from("<r>");
            for i in 0..n {
                let ticket = if i % 2 == 0 {
                    format!("7T:tk-{i:06}-abcdef==")
                } else {
                    format!("7 ticket words {i}")
                };
                t.push_str(&format!(
                    "<Ticket>{ticket}</Ticket><v>'7T: value {i} 7x' is 7 not valid</v>"
                ));
            }
            t.push_str("</r>");
            t
        };
        let (small, large) = (doc(400), doc(800));
        crate::testkit::timing::assert_linear(
            "secrets x values",
            small.as_str(),
            large.as_str(),
            |t| {
                let m = Masker::new(&crate::secrets::find(t));
                std::hint::black_box(crate::secrets::mask_reply(t, &m));
                for v in t.split("<v>").skip(1) {
                    std::hint::black_box(m.inside(v));
                }
            },
        );
    }

    #[test]
    fn linear_on_quote_soup() {
        let k = m(&["7T:abcdefghij=="]);
        for unit in ["'a ", "\"", "x'", "abcdef"] {
            let (small, large) = (unit.repeat(50_000), unit.repeat(100_000));
            crate::testkit::timing::assert_linear(unit, small.as_str(), large.as_str(), |t| {
                std::hint::black_box(k.text(t));
            });
        }
    }
}
