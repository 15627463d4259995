//! Reading a source file and parsing it with syn, bounded in memory.
//!
//! A syntax tree costs tens of times its file's size. Small files are parsed whole; a file
//! past [`CHUNKED_FROM`] (generated code, usually) is split at top-level item boundaries by a
//! small lexer and parsed a group of items at a time, so its peak cost is that of its largest
//! item rather than of the whole file. If the split ever produces a chunk syn rejects, the
//! file is parsed whole, so the answer never depends on the split.

use std::io::Read;
use std::path::Path;

/// Files at least this large are parsed in chunks.
pub const CHUNKED_FROM: usize = 256 * 1024;
/// Chunks are grown to about this size before parsing, to keep per-parse overhead low.
const CHUNK_TARGET: usize = 64 * 1024;
/// Files larger than this are not read at all.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Why a file could not be scanned.
#[derive(Debug, Clone)]
pub enum ReadProblem {
    /// An I/O error.
    Io(String),
    /// The bytes are not UTF-8; the offset of the first bad byte.
    NotUtf8(usize),
    /// Larger than [`MAX_FILE_BYTES`].
    TooLarge(u64),
}

impl std::fmt::Display for ReadProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io(error) => write!(f, "could not be read: {error}"),
            Self::NotUtf8(offset) => {
                write!(f, "is not valid UTF-8 (first bad byte at offset {offset})")
            }
            Self::TooLarge(size) => write!(
                f,
                "is {} MiB, over the {} MiB limit",
                size / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        }
    }
}

/// Reads a file as UTF-8 text.
pub fn read(path: &Path) -> Result<String, ReadProblem> {
    let file = std::fs::File::open(path).map_err(|error| ReadProblem::Io(error.to_string()))?;
    let size = file.metadata().map(|meta| meta.len()).unwrap_or(0);
    if size > MAX_FILE_BYTES {
        return Err(ReadProblem::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| ReadProblem::Io(error.to_string()))?;
    String::from_utf8(bytes).map_err(|error| ReadProblem::NotUtf8(error.utf8_error().valid_up_to()))
}

/// A parse error: the message and byte offset.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ParseProblem {
    /// syn's message.
    pub message: String,
    /// Byte range in the file.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
}

/// How parsing in pieces went.
#[derive(Debug)]
pub enum PieceOutcome {
    /// Every piece parsed and was visited.
    Parsed,
    /// The file does not parse.
    Failed(ParseProblem),
    /// A chunk of a large file did not parse on its own: discard what was visited and call
    /// [`parse_whole`], which gives the real answer.
    ChunkRejected,
}

/// Parses `text` and hands each piece of it to `visit` with the byte offset the piece starts
/// at. Spans inside a piece are relative to that piece. Span bookkeeping of proc-macro2 is
/// released after every piece, so the caller must take what it needs inside `visit`.
pub fn parse_pieces(text: &str, visit: &mut dyn FnMut(&syn::File, usize)) -> PieceOutcome {
    if text.len() >= CHUNKED_FROM {
        let prepared = blank_preamble(text);
        let text = prepared.as_deref().unwrap_or(text);
        let pieces = split_items(text);
        if pieces.len() > 1 {
            for (start, end) in pieces {
                let result = syn::parse_str::<syn::File>(&text[start..end]);
                if let Ok(file) = &result {
                    visit(file, start);
                }
                let ok = result.is_ok();
                drop(result);
                proc_macro2::extra::invalidate_current_thread_spans();
                if !ok {
                    return PieceOutcome::ChunkRejected;
                }
            }
            return PieceOutcome::Parsed;
        }
    }
    match parse_whole(text, visit) {
        Ok(()) => PieceOutcome::Parsed,
        Err(problem) => PieceOutcome::Failed(problem),
    }
}

/// Parses the whole file at once (the fallback when chunks did not parse on their own).
pub fn parse_whole(
    text: &str,
    visit: &mut dyn FnMut(&syn::File, usize),
) -> Result<(), ParseProblem> {
    let prepared = blank_preamble(text);
    let text = prepared.as_deref().unwrap_or(text);
    let result = syn::parse_str::<syn::File>(text);
    let outcome = match &result {
        Ok(file) => {
            visit(file, 0);
            Ok(())
        }
        Err(error) => {
            let range = error.span().byte_range();
            Err(ParseProblem {
                message: error.to_string(),
                start: range.start,
                end: range.end,
            })
        }
    };
    drop(result);
    proc_macro2::extra::invalidate_current_thread_spans();
    outcome
}

/// A copy of `text` with a byte-order mark and a shebang line blanked out (same length, so
/// offsets stay those of the file), or `None` when there is neither. `syn::parse_file`
/// strips them instead, which would shift every span.
pub(crate) fn blank_preamble(text: &str) -> Option<String> {
    let bom = text.starts_with('\u{feff}');
    let rest = if bom { &text[3..] } else { text };
    let shebang = rest.starts_with("#!") && !rest[2..].trim_start().starts_with('[');
    if !bom && !shebang {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    if bom {
        out.push_str("   ");
    }
    if shebang {
        let line_end = rest.find('\n').unwrap_or(rest.len());
        out.extend(std::iter::repeat_n(' ', line_end));
        out.push_str(&rest[line_end..]);
    } else {
        out.push_str(rest);
    }
    Some(out)
}

/// Splits source text into runs of whole top-level items, each about `CHUNK_TARGET` bytes,
/// as `(start, end)` byte ranges covering the text. Inner attributes and items are never cut;
/// the lexer knows comments, strings, raw strings, byte strings, and chars vs. lifetimes.
pub fn split_items(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut boundaries = Vec::new();
    let mut depth: i64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = memchr_newline(bytes, i);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = skip_block_comment(bytes, i);
                continue;
            }
            b'"' => {
                i = skip_string(bytes, i + 1);
                continue;
            }
            b'r' if is_raw_string_start(bytes, i) => {
                i = skip_raw_string(bytes, i + 1);
                continue;
            }
            b'b' | b'c' if bytes.get(i + 1) == Some(&b'r') && is_raw_string_start(bytes, i + 1) => {
                i = skip_raw_string(bytes, i + 2);
                continue;
            }
            b'\'' => {
                i = skip_char_or_lifetime(text, i);
                continue;
            }
            b'{' | b'(' | b'[' => depth += 1,
            b'}' | b')' | b']' => {
                depth -= 1;
                if depth == 0 && bytes[i] == b'}' {
                    let next = next_significant(bytes, i + 1);
                    match next.map(|at| bytes[at]) {
                        Some(b';') => {
                            if let Some(at) = next {
                                boundaries.push(at + 1);
                                i = at + 1;
                                continue;
                            }
                        }
                        // `S { .. }.method()`, `if a {} else {}` and friends continue the item.
                        Some(
                            b'.' | b'?' | b',' | b')' | b'+' | b'-' | b'*' | b'&' | b'|' | b'='
                            | b'e' | b'a',
                        ) => {}
                        _ => boundaries.push(i + 1),
                    }
                }
            }
            b';' if depth == 0 => boundaries.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    for boundary in boundaries {
        if boundary - start >= CHUNK_TARGET {
            pieces.push((start, boundary));
            start = boundary;
        }
    }
    if start < text.len() {
        pieces.push((start, text.len()));
    }
    pieces
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|byte| *byte == b'\n')
        .map_or(bytes.len(), |at| from + at + 1)
}

fn skip_block_comment(bytes: &[u8], from: usize) -> usize {
    let mut depth = 0usize;
    let mut i = from;
    while i + 1 < bytes.len() {
        if bytes[i] == b'/' && bytes[i + 1] == b'*' {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes[i + 1] == b'/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// Skips to just past the closing quote of a string whose body starts at `from`.
fn skip_string(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// True when `bytes[at]` is the `r` of `r"` or `r#"` that is not part of an identifier.
fn is_raw_string_start(bytes: &[u8], at: usize) -> bool {
    let before_is_ident = at
        .checked_sub(1)
        .and_then(|before| bytes.get(before))
        .is_some_and(|byte| byte.is_ascii_alphanumeric() || *byte == b'_');
    let prefix_ok = match at.checked_sub(1).and_then(|before| bytes.get(before)) {
        // `br"..."` / `cr"..."`: the `r` follows the prefix letter.
        Some(b'b' | b'c') => true,
        _ => !before_is_ident,
    };
    if !prefix_ok {
        return false;
    }
    let mut i = at + 1;
    while bytes.get(i) == Some(&b'#') {
        i += 1;
    }
    bytes.get(i) == Some(&b'"')
}

/// Skips a raw string whose hashes start at `from` (just past the `r`).
fn skip_raw_string(bytes: &[u8], from: usize) -> usize {
    let mut hashes = 0;
    let mut i = from;
    while bytes.get(i) == Some(&b'#') {
        hashes += 1;
        i += 1;
    }
    i += 1; // the opening quote
    while i < bytes.len() {
        if bytes[i] == b'"'
            && bytes[i + 1..]
                .iter()
                .take(hashes)
                .filter(|b| **b == b'#')
                .count()
                == hashes
        {
            return i + 1 + hashes;
        }
        i += 1;
    }
    bytes.len()
}

/// Skips a char literal (`'a'`, `'\n'`, `'é'`) or just the quote of a lifetime (`'a`).
fn skip_char_or_lifetime(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    if bytes.get(at + 1) == Some(&b'\\') {
        let mut i = at + 2;
        while i < bytes.len() && bytes[i] != b'\'' {
            i += 1;
        }
        return (i + 1).min(bytes.len());
    }
    let next_len = text[at + 1..].chars().next().map_or(0, char::len_utf8);
    if bytes.get(at + 1 + next_len) == Some(&b'\'') {
        at + 2 + next_len
    } else {
        at + 1
    }
}

fn next_significant(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = memchr_newline(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = skip_block_comment(bytes, i),
            _ => return Some(i),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chunks cover the text exactly, never cut an item, and each parses on its own.
    #[test]
    fn splits_at_item_boundaries() {
        let mut text = String::from("#![allow(dead_code)]\n");
        for index in 0..3000 {
            text.push_str(&format!(
                "/// doc {{\nconst C{index}: &str = \"}}\\\"{{\";\nstatic S{index}: S = S {{ a: '}}' }};\nfn f{index}<'a>(x: &'a str) -> &'a str {{ if true {{ x }} else {{ r#\"}}\"# }} }}\nimpl T for U{index} {{}}\n"
            ));
        }
        let pieces = split_items(&text);
        assert!(pieces.len() > 2, "{}", pieces.len());
        let mut expected_start = 0;
        for (start, end) in &pieces {
            assert_eq!(*start, expected_start);
            expected_start = *end;
            syn::parse_str::<syn::File>(&text[*start..*end]).unwrap();
        }
        assert_eq!(expected_start, text.len());
    }

    /// A shebang and a byte-order mark do not shift spans.
    #[test]
    fn keeps_offsets_past_preamble() {
        let text = "\u{feff}#!/usr/bin/env run\nfn main() {}\n";
        let mut at = None;
        parse_whole(text, &mut |file, base| {
            if let Some(syn::Item::Fn(item)) = file.items.first() {
                at = Some(base + item.sig.ident.span().byte_range().start);
            }
        })
        .unwrap();
        assert_eq!(at, text.find("main"));
    }
}
