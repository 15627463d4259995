//! Lean parses: the body of a function that holds nothing detection reads is blanked (every
//! byte between its braces becomes a space, so every offset in the file stays the same)
//! before syn parses the file. Function bodies are most of a file's code, and a body matters
//! only for what is registered, emitted or declared in it, which always shows in its words:
//! a prefilter word, an item keyword (`fn`, `mod`, `use`, `impl`, ... declare what lookups
//! find), or a name the file imports from a crate the detectors read or binds as an alias
//! (checked after the parse, see `super::scan_source_lean`). Bodies inside macro invocations
//! are left alone; whatever the lexer is not sure of leaves the file as it is.

use super::light::{GiveUp, Lexer, Token};
use super::source::blank_preamble;

/// Keywords that declare something inside a body: the body is kept.
pub(crate) const ITEM_KEYWORDS: &[&str] = &[
    "fn",
    "mod",
    "use",
    "impl",
    "struct",
    "enum",
    "type",
    "union",
    "trait",
    "extern",
    "macro_rules",
    "include_proto",
];

/// A file's text with some function bodies blanked.
pub(crate) struct Blanked {
    /// The text, as long as the file's.
    pub(crate) text: String,
    /// The byte ranges blanked (between the braces).
    pub(crate) ranges: Vec<(usize, usize)>,
}

/// Blanks every function body of `text` for which `keep`, given the body's text in `search`
/// (the same text, comments blanked), is false; `None` when there is none or the lexer is not
/// sure of the file.
pub(crate) fn blank(text: &str, search: &str, keep: &dyn Fn(&str) -> bool) -> Option<Blanked> {
    let ranges = bodies(text, &|start, end| {
        keep(search.get(start..end).unwrap_or(&text[start..end]))
    })
    .ok()?;
    if ranges.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for &(start, end) in &ranges {
        bytes[start..end].fill(b' ');
    }
    let text = String::from_utf8(bytes).ok()?;
    Some(Blanked { text, ranges })
}

fn bodies(text: &str, keep: &dyn Fn(usize, usize) -> bool) -> Result<Vec<(usize, usize)>, GiveUp> {
    let prepared = blank_preamble(text);
    let lexed = prepared.as_deref().unwrap_or(text);
    let mut lexer = Lexer::new(lexed);
    let mut ranges = Vec::new();
    let mut previous = None;
    while let Some(token) = lexer.next()? {
        match token {
            // `name!(...)`: macro input is not code the lexer can read as such.
            Token::Punct(b'!', _) if matches!(previous, Some(Token::Ident { .. })) => {
                if let Some(Token::Open(open)) = lexer.peek()? {
                    lexer.next()?;
                    lexer.skip_group(open, None)?;
                    previous = None;
                    continue;
                }
            }
            Token::Ident {
                start,
                end,
                raw: false,
            } if lexer.slice(start, end) == "fn"
                && matches!(lexer.peek()?, Some(Token::Ident { .. })) =>
            {
                if let Some((body_start, after)) = body_of(&lexer)? {
                    let body_end = after.at - 1;
                    if !keep(body_start, body_end) {
                        ranges.push((body_start, body_end));
                        lexer = after;
                        previous = None;
                        continue;
                    }
                }
            }
            _ => {}
        }
        previous = Some(token);
    }
    Ok(ranges)
}

/// For a lexer just past `fn`: where the body's text starts, and a lexer just past its
/// closing brace; `None` for a function without a body.
fn body_of<'t>(lexer: &Lexer<'t>) -> Result<Option<(usize, Lexer<'t>)>, GiveUp> {
    let mut probe = lexer.clone();
    probe.next()?;
    loop {
        match probe.next()? {
            None | Some(Token::Punct(b';', _)) => return Ok(None),
            Some(Token::Open(b'{')) => {
                let start = probe.at;
                probe.skip_group(b'{', None)?;
                return Ok(Some((start, probe)));
            }
            Some(Token::Open(open)) => probe.skip_group(open, None)?,
            Some(Token::Close(_)) => return Err(GiveUp),
            Some(_) => {}
        }
    }
}
