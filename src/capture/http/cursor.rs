//! A position in a dump that knows its line: one pass over the bytes, whatever the number of
//! messages and headers (the line of every header and body is known without a rescan).

/// Reads a dump forward; `line` is the 1-based line of `pos`, kept up to date by counting
/// the line ends of each byte passed over, once.
#[derive(Debug, Clone)]
pub(super) struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Cursor {
            bytes,
            pos: 0,
            line: 1,
        }
    }

    pub(super) fn pos(&self) -> usize {
        self.pos
    }

    /// 1-based line of the current position.
    pub(super) fn line(&self) -> u32 {
        u32::try_from(self.line).unwrap_or(u32::MAX)
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// The bytes from the current position to the end.
    pub(super) fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or(&[])
    }

    /// Moves forward to `to` (clamped to the end; never backward), counting line ends.
    pub(super) fn advance_to(&mut self, to: usize) {
        let to = to.min(self.bytes.len());
        // `>=` here is an equivalent mutant: at `to == pos` the slice is empty, no line end
        // is counted, and `pos` is set to itself.
        if to > self.pos {
            self.line += self.bytes[self.pos..to]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.pos = to;
        }
    }

    /// Passes over whitespace (line ends included).
    pub(super) fn skip_ws(&mut self) {
        let n = self
            .rest()
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(self.rest().len());
        self.advance_to(self.pos + n);
    }

    /// One line from the current position, without its line end (LF or CRLF); the cursor
    /// moves to the start of the next line (or the end).
    pub(super) fn read_line(&mut self) -> &'a [u8] {
        let rest = self.rest();
        match rest.iter().position(|&b| b == b'\n') {
            Some(n) => {
                self.pos += n + 1;
                self.line += 1;
                let line = &rest[..n];
                line.strip_suffix(b"\r").unwrap_or(line)
            }
            None => {
                self.pos = self.bytes.len();
                rest
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_once_as_the_cursor_moves() {
        let mut c = Cursor::new(b"a\r\nb\n\n  \n c\nd");
        assert_eq!((c.read_line(), c.line()), (&b"a"[..], 2));
        assert_eq!((c.read_line(), c.line()), (&b"b"[..], 3));
        c.skip_ws();
        assert_eq!((c.rest(), c.line()), (&b"c\nd"[..], 5));
        c.advance_to(100);
        assert!(c.at_end());
        assert_eq!(c.line(), 6);
        assert_eq!(c.read_line(), b"");
    }
}
