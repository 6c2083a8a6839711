//! Body framing: where a message's body ends (`Content-Length`, the chunked coding, or the
//! end of the dump), and the codings the tool does not undo (`Content-Encoding`).

use super::cursor::Cursor;
use super::meta::{HttpMeta, StartLine};

/// Reads the body of the message whose head `meta` describes, from the cursor (which is left
/// where the next message may start). Sets `meta.body_line` when the body stands verbatim
/// in the dump. `ended`: whether the head ended with its empty line.
pub(super) fn read_body(
    cursor: &mut Cursor,
    meta: &mut HttpMeta,
    ended: bool,
) -> Result<Vec<u8>, String> {
    let no_body = match &meta.start {
        StartLine::Response { status, .. } => {
            (100..200).contains(status) || *status == 204 || *status == 304
        }
        StartLine::Request { .. } => false,
    };
    let chunked = meta
        .header("transfer-encoding")
        .is_some_and(|h| h.value.to_ascii_lowercase().contains("chunked"));
    let body = if !ended || no_body {
        Vec::new()
    } else if chunked {
        decode_chunked(cursor)?
    } else if let Some(h) = meta.header("content-length") {
        let len: usize = h
            .value
            .trim()
            .parse()
            .map_err(|_| format!("Content-Length `{}` is not a number", h.value))?;
        let available = cursor.rest().len();
        if available < len {
            return Err(format!(
                "the body has {available} bytes where Content-Length says {len}: the capture is truncated"
            ));
        }
        meta.body_line = Some(cursor.line());
        verbatim(cursor, len)
    } else {
        // No framing: the body runs to the end of the file.
        meta.body_line = Some(cursor.line());
        verbatim(cursor, cursor.rest().len())
    };
    if let Some(h) = meta.header("content-encoding") {
        let coding = h.value.trim().to_ascii_lowercase();
        if !coding.is_empty() && coding != "identity" {
            return Err(format!(
                "the body is compressed (Content-Encoding: {coding}): save the capture decoded"
            ));
        }
    }
    Ok(body)
}

/// The next `len` bytes (there are at least that many), the cursor moved past them.
fn verbatim(cursor: &mut Cursor, len: usize) -> Vec<u8> {
    let body = cursor.rest().get(..len).unwrap_or_default().to_vec();
    cursor.advance_to(cursor.pos() + len);
    body
}

/// Decodes a chunked body from the cursor: the data; the cursor is left after the trailer.
fn decode_chunked(cursor: &mut Cursor) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        if cursor.at_end() {
            return Err("the chunked body ends without its last (zero-size) chunk".into());
        }
        let text = String::from_utf8_lossy(cursor.read_line());
        let size_text = text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("`{size_text}` is not a chunk size (hexadecimal)"))?;
        if size == 0 {
            // Trailer fields up to an empty line (or the end of the file, where `read_line`
            // gives an empty line). Every line read but the last moves the cursor at least
            // one byte, so the loop is bounded by the bytes left.
            for _ in 0..=cursor.rest().len() {
                if cursor.read_line().is_empty() {
                    break;
                }
            }
            return Ok(out);
        }
        let data = cursor.rest().get(..size).ok_or_else(|| {
            format!(
                "a chunk of {size} bytes runs past the end of the file: the capture is truncated"
            )
        })?;
        out.extend_from_slice(data);
        cursor.advance_to(cursor.pos() + size);
        let rest = cursor.rest();
        if rest.starts_with(b"\r\n") {
            cursor.advance_to(cursor.pos() + 2);
        } else if rest.starts_with(b"\n") {
            cursor.advance_to(cursor.pos() + 1);
        } else if !rest.is_empty() {
            return Err(format!(
                "chunk data of {size} bytes is not followed by a line end: the chunk size is wrong"
            ));
        }
    }
}
