//! The one line/column index: byte offsets to 1-based lines and columns (in characters).
//! Built once per text (one pass over its bytes); every lookup after that is a binary search,
//! so positions of many findings cost no rescans from byte 0.

/// Maps byte offsets in a text to 1-based line and column (columns count characters).
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the line starts of `text` (one pass; lines end at `\n`).
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// 1-based (line, column) of a byte offset (clamped to the text).
    pub fn position(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        (to_u32(line), to_u32(column))
    }

    /// The position just after the last character.
    pub fn end_position(&self) -> (u32, u32) {
        self.position(self.text.len())
    }

    /// The text of a 1-based line, without its line end.
    pub fn line(&self, line: u32) -> Option<&'a str> {
        let i = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.starts.get(i)?;
        let end = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        Some(self.text[start..end].trim_end_matches(['\n', '\r']))
    }

    /// Byte offset of a 1-based line's start.
    pub fn line_start(&self, line: u32) -> Option<usize> {
        let i = usize::try_from(line).ok()?.checked_sub(1)?;
        self.starts.get(i).copied()
    }

    /// The number of lines: one more than the number of `\n` (an empty text has one line).
    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters() {
        let t = "ab\nçd<e\r\nf";
        let idx = LineIndex::new(t);
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(3), (2, 1));
        let lt = t.find('<').unwrap_or(0);
        assert_eq!(idx.position(lt), (2, 3));
        assert_eq!(idx.line(2), Some("çd<e"));
        assert_eq!(idx.line(3), Some("f"));
        assert_eq!(idx.line(4), None);
    }
}
