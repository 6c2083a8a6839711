//! Structural masking over the scan: each value replaced where it stands, the markup
//! around it kept, so what parsed still parses.

use super::scan::{spots, unescape_into, value_of, Kind};
use super::{Masker, MASK};
use crate::text::limits::MIN_SECRET_LEN;
use std::ops::Range;

/// How a text is masked.
struct Style<'m> {
    pub masker: &'m Masker,
    /// Keep the line structure (source lines for display): a masked value keeps its line
    /// breaks after the mask.
    pub lines: bool,
    /// A value (text, attribute) equal to a secret this long or longer is masked whole.
    pub min_exact: usize,
    /// Text is prose that may quote values (a fault string): the masker's quote rules apply.
    pub prose: bool,
    /// Text between tags may be an HTTP dump that was not recognised as one: its credential
    /// header lines and request target are masked.
    pub dump_lines: bool,
}

/// Masks `t` structurally: every secret element's content and secret attribute's value
/// becomes the mask; other values are masked whole when the masker says so.
fn mask_with(t: &str, style: &Style<'_>) -> String {
    let s = spots(t);
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for r in &s.regions {
        let raw = &t[r.clone()];
        let with_value = !value_of(raw).trim().is_empty();
        let replacement = if with_value {
            masked(style, raw)
        } else if raw.trim().is_empty() {
            continue;
        } else {
            // Only comments or empty CDATA: the value is empty and stays so.
            breaks(style, raw)
        };
        edits.push((r.clone(), replacement));
    }
    for r in &s.secret_attrs {
        if !t[r.clone()].is_empty() {
            edits.push((r.clone(), masked(style, &t[r.clone()])));
        }
    }
    for (r, kind) in &s.values {
        let raw = &t[r.clone()];
        if raw.trim().is_empty() {
            continue;
        }
        let mut value = String::new();
        if *kind == Kind::Cdata {
            value.push_str(raw);
        } else {
            unescape_into(&mut value, raw);
        }
        if style.masker.hides_value(&value, style.min_exact) {
            edits.push((r.clone(), masked(style, raw)));
        } else if style.prose {
            let m = style.masker.text(&value);
            if m != value {
                let m = match kind {
                    Kind::Cdata => m.replace("]]>", "]]]]><![CDATA[>"),
                    _ => crate::text::escape::escape(&m),
                };
                edits.push((r.clone(), m));
            }
        } else if style.dump_lines {
            // Text, CDATA or an attribute value alike: a dump logged inside CDATA keeps
            // its credential lines there.
            if let Some(m) = super::http::mask_dump_lines(raw) {
                edits.push((r.clone(), m));
            }
        }
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(t.len());
    let mut at = 0;
    for (r, rep) in edits {
        // The ranges come from one pass of the lexer and never overlap; were one to start
        // inside the last, it is passed over rather than sliced backwards.
        let Some(gap) = t.get(at..r.start) else {
            continue;
        };
        out.push_str(gap);
        out.push_str(&rep);
        at = r.end;
    }
    out.push_str(&t[at..]);
    out
}

/// The mask for a value, with its line breaks kept when lines are kept.
fn masked(style: &Style<'_>, raw: &str) -> String {
    let mut m = MASK.to_string();
    m.push_str(&breaks(style, raw));
    m
}

fn breaks(style: &Style<'_>, raw: &str) -> String {
    if style.lines {
        raw.chars().filter(|&c| c == '\n').collect()
    } else {
        String::new()
    }
}

/// A document (or a part of one) as a file may hold it: secret elements and attributes
/// masked where they stand, any other value that equals a secret (four characters or more)
/// or holds a piece of one masked whole, and credential lines of an HTTP dump that was not
/// recognised as one masked too. The markup stays as it was: what parsed still parses.
pub fn mask_document(text: &str, masker: &Masker) -> String {
    let masked = mask_with(
        text,
        &Style {
            masker,
            lines: false,
            min_exact: MIN_SECRET_LEN,
            prose: false,
            dump_lines: true,
        },
    );
    // A broken document can hold a secret where no value stands (a fuzz find: a cookie run
    // into an attribute's name): a run still holding a piece of one is masked whole.
    masker.runs(&masked)
}

/// A reply the tool wrote itself (a fault that may quote the request's values): as
/// [`mask_document`], and the text of every element read as prose that may quote values.
pub fn mask_reply(text: &str, masker: &Masker) -> String {
    let masked = mask_with(
        text,
        &Style {
            masker,
            lines: false,
            min_exact: MIN_SECRET_LEN,
            prose: true,
            dump_lines: false,
        },
    );
    masker.runs(&masked)
}

/// Source text for display (the lines a report shows): masked like [`mask_reply`], with the
/// lines kept where they were (a masked value keeps its line breaks, so line `n` of the
/// result is line `n` of the source), and any value equal to a secret masked whatever its
/// length.
pub fn mask_source(text: &str, masker: &Masker) -> String {
    let masked = mask_with(
        text,
        &Style {
            masker,
            lines: true,
            min_exact: 1,
            prose: true,
            dump_lines: true,
        },
    );
    if masker.is_empty() {
        return masked;
    }
    // A broken document can hold a secret where no value stands (a fuzz find: a cookie run
    // into an attribute's name in a malformed start tag). Shown lines are display only, so
    // each is read once more as text that may quote values: a run holding a piece of a
    // secret is masked whole there, the tool's and the contract's words are left alone.
    masked
        .split_inclusive('\n')
        .map(|l| masker.text(l))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::find;

    fn doc(t: &str) -> String {
        mask_document(t, &Masker::default())
    }

    #[test]
    fn secret_content_is_masked_whole_and_the_markup_stays() {
        for (input, out) in [
            (
                "<Ticket>A<!--</Ticket>-->B</Ticket><x>k</x>",
                "<Ticket>[REDACTED]</Ticket><x>k</x>",
            ),
            (
                "<Ticket><![CDATA[A</Ticket>B]]></Ticket>",
                "<Ticket>[REDACTED]</Ticket>",
            ),
            (
                "<a:Ticket><b>x</b></a:Ticket>",
                "<a:Ticket>[REDACTED]</a:Ticket>",
            ),
            (
                "<Ticket i:nil=\"true\"/><Ticket></Ticket><Ticket> </Ticket>",
                "<Ticket i:nil=\"true\"/><Ticket></Ticket><Ticket> </Ticket>",
            ),
            ("<Ticket><!--x--></Ticket>", "<Ticket></Ticket>"),
            (
                "<c Ticket=\"v\" k='1'/>",
                "<c Ticket=\"[REDACTED]\" k='1'/>",
            ),
            (
                "<?xml version=\"1.0\"?><Ticket>T</Ticket>",
                "<?xml version=\"1.0\"?><Ticket>[REDACTED]</Ticket>",
            ),
        ] {
            assert_eq!(doc(input), out, "{input}");
        }
    }

    #[test]
    fn broken_documents_mask_to_the_ancestor_s_end_or_the_end() {
        assert_eq!(
            doc("<C><Ticket>abc</C><d>k</d>"),
            "<C><Ticket>[REDACTED]</C><d>k</d>"
        );
        assert_eq!(
            doc("<Ticket>abc</b>def</Ticket>x"),
            "<Ticket>[REDACTED]</Ticket>x"
        );
        assert_eq!(doc("<C><Ticket>abc<d>k</d>"), "<C><Ticket>[REDACTED]");
        assert_eq!(
            doc("<a x=\"<Ticket>abc</Ticket>"),
            "<a x=\"<Ticket>[REDACTED]</Ticket>"
        );
        assert_eq!(doc("<Ticket attr=\"x>abc"), "<Ticket attr=\"x>[REDACTED]");
    }

    /// A reply's text is prose: a short secret it quotes is masked inside the quotes, the
    /// rest stays, escaped again as text (quotes too) and left alone inside CDATA (where a `]]>` the
    /// mask made is split so the section still closes where it did).
    #[test]
    fn a_reply_masks_the_values_its_prose_quotes() {
        let m = Masker::new(&["T1".to_string(), "ab cd".to_string()]);
        assert_eq!(
            mask_reply("<f>Ticket 'T1' &amp; more</f>", &m),
            "<f>Ticket &apos;[REDACTED]&apos; &amp; more</f>"
        );
        assert_eq!(
            mask_reply("<f><![CDATA[Ticket 'T1' & more]]></f>", &m),
            "<f><![CDATA[Ticket '[REDACTED]' & more]]></f>"
        );
        assert_eq!(
            mask_reply("<f><![CDATA[x ab cd]>]]></f>", &m),
            "<f><![CDATA[x [REDACTED]]]]><![CDATA[>]]></f>"
        );
        // A file's text is data, not prose: a short secret inside it stays.
        assert_eq!(
            mask_document("<f>Ticket 'T1' &amp; more</f>", &m),
            "<f>Ticket 'T1' &amp; more</f>"
        );
    }

    /// Edits that touch end to end are all made: a `<` that opens no markup starts a second
    /// text run right where the first ends.
    #[test]
    fn adjacent_values_are_each_masked() {
        let m = Masker::new(&["abcdefgh".to_string()]);
        assert_eq!(
            mask_document("<R>abcdefgh<1abcdefgh</R>", &m),
            "<R>[REDACTED][REDACTED]</R>"
        );
    }

    /// Credential lines of a dump are masked in text, in CDATA and in an attribute value.
    #[test]
    fn dump_lines_are_masked_in_every_kind_of_value() {
        for (input, out) in [
            ("<l>Cookie: sid=abc\n</l>", "<l>Cookie: [REDACTED]\n</l>"),
            (
                "<l><![CDATA[Cookie: sid=abc\n]]></l>",
                "<l><![CDATA[Cookie: [REDACTED]\n]]></l>",
            ),
            ("<l v='Cookie: sid=abc'/>", "<l v='Cookie: [REDACTED]'/>"),
        ] {
            assert_eq!(doc(input), out, "{input}");
        }
        // A reply's prose is not a dump.
        assert_eq!(
            mask_reply("<l>Cookie: sid=abc</l>", &Masker::default()),
            "<l>Cookie: sid=abc</l>"
        );
    }

    #[test]
    fn source_masking_keeps_the_lines() {
        let t = "<Ticket>abcd\nefgh</Ticket>\n<Reversed>T</Reversed>\n";
        let m = Masker::new(
            &find(t)
                .into_iter()
                .chain(["T".to_string()])
                .collect::<Vec<_>>(),
        );
        let out = mask_source(t, &m);
        assert_eq!(
            out,
            "<Ticket>[REDACTED]\n</Ticket>\n<Reversed>[REDACTED]</Reversed>\n"
        );
        // A file keeps a one-character value elsewhere: it cannot be told from data.
        assert_eq!(mask_document("<R>T</R>", &m), "<R>T</R>");
        assert_eq!(mask_document("<R>x abcdefgh</R>", &m), "<R>[REDACTED]</R>");
    }
}
