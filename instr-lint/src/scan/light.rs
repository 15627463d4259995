//! The light scan: the module declarations of a file, read by a small lexer instead of a syn
//! parse, for files the prefilter found nothing else in.
//!
//! The lexer knows what a Rust tokenizer knows (comments, nested block comments, strings,
//! raw strings, byte and C strings, chars against lifetimes, raw identifiers, delimiters) and
//! reads `mod` items only where they are items of a module body: at the top of the file or
//! of an inline module, after their attributes and visibility. Every decision about a `mod`
//! item is made by [`super::modules::declare`] on the item syn parses from its attributes and
//! name, exactly as the syntax walk makes it. Whatever the lexer is not sure of (a `mod` in a
//! function body, an impl or a macro; a delimiter that does not match; a literal or comment
//! that does not end; nesting deeper than [`MAX_MODULE_DEPTH`]) makes it give up, and the
//! file is parsed whole: the light scan never guesses.

use std::path::PathBuf;

use instr_schema::diag::Span;

use super::facts::{FileFacts, ModuleFacts};
use super::modules::{Declared, ModDir, declare};
use super::source::blank_preamble;
use super::visit::FileContext;

/// Inline modules nested deeper than this are left to syn.
const MAX_MODULE_DEPTH: usize = 64;

/// The modules a file declares (its own, its inline modules in source order, and its
/// out-of-line `mod` items as `children`), with nothing else filled in; `None` when the file
/// must be parsed to know.
pub(crate) fn module_facts(text: &str, context: &FileContext) -> Option<FileFacts> {
    read_modules(text, context, false).map(|(facts, _)| facts)
}

/// [`module_facts`] and [`without_comments`] from one reading of the file: the same facts,
/// and the same text without comments (when the scanner gives up, the text is read again
/// for its comments alone).
pub(crate) fn modules_and_search(
    text: &str,
    context: &FileContext,
) -> (Option<FileFacts>, Option<String>) {
    // A large (generated) file is read as it is: neither its comments nor a copy are kept.
    let small = text.len() < super::source::CHUNKED_FROM;
    match read_modules(text, context, small) {
        Some((facts, comments)) => {
            let search = small.then(|| blank_comments(text, comments)).flatten();
            (Some(facts), search)
        }
        None => (None, without_comments(text)),
    }
}

/// The modules of the file and, when `with_comments`, the byte ranges of its comments (the
/// scanner reads every token of the file before it succeeds).
fn read_modules(
    text: &str,
    context: &FileContext,
    with_comments: bool,
) -> Option<(FileFacts, Vec<(usize, usize)>)> {
    let prepared = blank_preamble(text);
    let text = prepared.as_deref().unwrap_or(text);
    let mut lexer = Lexer::new(text);
    lexer.comments = with_comments.then(Vec::new);
    let mut scanner = Scanner {
        lexer,
        facts: FileFacts {
            modules: vec![ModuleFacts {
                path: context.module.clone(),
                ..ModuleFacts::default()
            }],
            ..FileFacts::default()
        },
        file_dir: context.file_dir.clone(),
    };
    let dir = (context.child_dir.clone(), false);
    scanner.body(0, &dir, None, 0).ok()?;
    let comments = scanner.lexer.comments.take().unwrap_or_default();
    Some((scanner.facts, comments))
}

/// The lexer or the scanner gave up: the file is parsed instead.
pub(super) struct GiveUp;

/// A token, by its kind and (for identifiers and punctuation) where it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Token {
    /// An identifier or keyword, `r#` included in its range.
    Ident { start: usize, end: usize, raw: bool },
    /// One punctuation byte.
    Punct(u8, usize),
    /// `(`, `[` or `{`.
    Open(u8),
    /// `)`, `]` or `}`.
    Close(u8),
    /// A literal of any kind.
    Literal,
}

/// Rust's tokens, one at a time, without building them.
#[derive(Clone)]
pub(super) struct Lexer<'t> {
    text: &'t str,
    /// The byte after the last token read.
    pub(super) at: usize,
    peeked: Option<Option<Token>>,
    /// When set, the byte ranges of the comments passed.
    comments: Option<Vec<(usize, usize)>>,
}

/// `text` with every comment (doc comments included) turned into spaces, line breaks kept:
/// what the prefilter reads, so prose and examples in documentation do not count. `None`
/// when the lexer is not sure of the file, or the file is large (then the raw text is read).
pub(crate) fn without_comments(text: &str) -> Option<String> {
    // A large (generated) file is read as it is: no copy of it is made.
    if text.len() >= super::source::CHUNKED_FROM {
        return None;
    }
    let prepared = blank_preamble(text);
    let mut lexer = Lexer::new(prepared.as_deref().unwrap_or(text));
    lexer.comments = Some(Vec::new());
    while lexer.next().ok()?.is_some() {}
    blank_comments(text, lexer.comments.unwrap_or_default())
}

/// `text` with the bytes of `comments` turned into spaces, line breaks kept. Built from
/// slices of `text` (a comment starts at `/` and ends after `\n` or `*/`, so every range is
/// on character boundaries): nothing is copied twice or validated again.
fn blank_comments(text: &str, comments: Vec<(usize, usize)>) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (start, end) in comments {
        out.push_str(text.get(copied..start)?);
        for (index, line) in text.get(start..end)?.split('\n').enumerate() {
            if index > 0 {
                out.push('\n');
            }
            push_spaces(&mut out, line.len());
        }
        copied = end;
    }
    out.push_str(text.get(copied..)?);
    Some(out)
}

/// Appends `count` spaces, a slice at a time.
fn push_spaces(out: &mut String, mut count: usize) {
    const SPACES: &str = "                                                                ";
    while count > 0 {
        let now = count.min(SPACES.len());
        out.push_str(&SPACES[..now]);
        count -= now;
    }
}

fn is_ident_start(byte: u8) -> bool {
    is_ident_continue(byte) && !byte.is_ascii_digit()
}

fn is_ident_continue(byte: u8) -> bool {
    super::words::is_word_byte(byte)
}

impl<'t> Lexer<'t> {
    /// A lexer at the start of `text`.
    pub(super) fn new(text: &'t str) -> Self {
        Self {
            text,
            at: 0,
            peeked: None,
            comments: None,
        }
    }

    fn bytes(&self) -> &[u8] {
        self.text.as_bytes()
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes().get(at).copied()
    }

    pub(super) fn peek(&mut self) -> Result<Option<Token>, GiveUp> {
        if self.peeked.is_none() {
            let token = self.lex()?;
            self.peeked = Some(token);
        }
        Ok(self.peeked.flatten())
    }

    pub(super) fn next(&mut self) -> Result<Option<Token>, GiveUp> {
        match self.peeked.take() {
            Some(token) => Ok(token),
            None => self.lex(),
        }
    }

    fn lex(&mut self) -> Result<Option<Token>, GiveUp> {
        loop {
            // Whitespace is most of a file's bytes: passed over before anything is matched.
            let bytes = self.text.as_bytes();
            let mut at = self.at;
            while bytes
                .get(at)
                .is_some_and(|byte| matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
            {
                at += 1;
            }
            self.at = at;
            let Some(byte) = self.byte(self.at) else {
                return Ok(None);
            };
            let next = self.byte(self.at + 1);
            match byte {
                b'/' if next == Some(b'/') => {
                    let start = self.at;
                    self.at = memchr::memchr(b'\n', &self.bytes()[self.at..])
                        .map_or(self.bytes().len(), |offset| self.at + offset + 1);
                    if let Some(comments) = &mut self.comments {
                        comments.push((start, self.at));
                    }
                }
                b'/' if next == Some(b'*') => {
                    let start = self.at;
                    self.block_comment()?;
                    if let Some(comments) = &mut self.comments {
                        comments.push((start, self.at));
                    }
                }
                b'"' => {
                    self.string(self.at + 1)?;
                    return Ok(Some(Token::Literal));
                }
                b'r' if matches!(next, Some(b'"' | b'#')) && self.raw_string_ahead(self.at + 1) => {
                    self.raw_string(self.at + 1)?;
                    return Ok(Some(Token::Literal));
                }
                b'b' | b'c' if next == Some(b'"') => {
                    self.string(self.at + 2)?;
                    return Ok(Some(Token::Literal));
                }
                b'b' | b'c'
                    if next == Some(b'r')
                        && matches!(self.byte(self.at + 2), Some(b'"' | b'#'))
                        && self.raw_string_ahead(self.at + 2) =>
                {
                    self.raw_string(self.at + 2)?;
                    return Ok(Some(Token::Literal));
                }
                b'b' if next == Some(b'\'') => {
                    self.at += 1;
                    self.char_or_lifetime()?;
                    return Ok(Some(Token::Literal));
                }
                b'\'' => {
                    self.char_or_lifetime()?;
                    return Ok(Some(Token::Literal));
                }
                b'0'..=b'9' => {
                    self.at += 1;
                    while self.byte(self.at).is_some_and(is_ident_continue) {
                        self.at += 1;
                    }
                    return Ok(Some(Token::Literal));
                }
                b'r' if next == Some(b'#')
                    && self.byte(self.at + 2).is_some_and(is_ident_start) =>
                {
                    let start = self.at;
                    self.at += 2;
                    self.ident_rest();
                    return Ok(Some(Token::Ident {
                        start,
                        end: self.at,
                        raw: true,
                    }));
                }
                byte if is_ident_start(byte) => {
                    let start = self.at;
                    self.ident_rest();
                    return Ok(Some(Token::Ident {
                        start,
                        end: self.at,
                        raw: false,
                    }));
                }
                b'(' | b'[' | b'{' => {
                    self.at += 1;
                    return Ok(Some(Token::Open(byte)));
                }
                b')' | b']' | b'}' => {
                    self.at += 1;
                    return Ok(Some(Token::Close(byte)));
                }
                _ => {
                    self.at += 1;
                    return Ok(Some(Token::Punct(byte, self.at - 1)));
                }
            }
        }
    }

    fn ident_rest(&mut self) {
        self.at += self.bytes()[self.at..]
            .iter()
            .position(|byte| !is_ident_continue(*byte))
            .unwrap_or(self.bytes().len() - self.at);
    }

    fn block_comment(&mut self) -> Result<(), GiveUp> {
        let mut depth = 0usize;
        while let Some(byte) = self.byte(self.at) {
            let next = self.byte(self.at + 1);
            if byte == b'/' && next == Some(b'*') {
                depth += 1;
                self.at += 2;
            } else if byte == b'*' && next == Some(b'/') {
                depth -= 1;
                self.at += 2;
                if depth == 0 {
                    return Ok(());
                }
            } else {
                self.at += 1;
            }
        }
        Err(GiveUp)
    }

    /// A string whose body starts at `from` (escapes honoured); then any suffix.
    fn string(&mut self, from: usize) -> Result<(), GiveUp> {
        let mut i = from;
        loop {
            match self.byte(i) {
                None => return Err(GiveUp),
                Some(b'\\') => i += 2,
                Some(b'"') => break,
                Some(_) => i += 1,
            }
        }
        self.at = i + 1;
        self.ident_rest();
        Ok(())
    }

    /// True when hashes from `from` end in a quote: `r#"`, not the raw identifier `r#x`.
    fn raw_string_ahead(&self, from: usize) -> bool {
        let mut i = from;
        while self.byte(i) == Some(b'#') {
            i += 1;
        }
        self.byte(i) == Some(b'"')
    }

    /// A raw string whose hashes start at `from`.
    fn raw_string(&mut self, from: usize) -> Result<(), GiveUp> {
        let mut hashes = 0;
        let mut i = from;
        while self.byte(i) == Some(b'#') {
            hashes += 1;
            i += 1;
        }
        i += 1;
        let bytes = self.bytes();
        while i < bytes.len() {
            if bytes[i] == b'"'
                && bytes.len() >= i + 1 + hashes
                && bytes[i + 1..i + 1 + hashes]
                    .iter()
                    .all(|byte| *byte == b'#')
            {
                self.at = i + 1 + hashes;
                self.ident_rest();
                return Ok(());
            }
            i += 1;
        }
        Err(GiveUp)
    }

    /// At a `'`: a char literal (`'a'`, `'\n'`, `'\u{1F600}'`, `'é'`) or a lifetime or label.
    fn char_or_lifetime(&mut self) -> Result<(), GiveUp> {
        let start = self.at + 1;
        if self.byte(start) == Some(b'\\') {
            let mut i = start + 2;
            while let Some(byte) = self.byte(i) {
                if byte == b'\'' {
                    self.at = i + 1;
                    self.ident_rest();
                    return Ok(());
                }
                if byte == b'\n' {
                    break;
                }
                i += 1;
            }
            return Err(GiveUp);
        }
        let Some(first) = self.text.get(start..).and_then(|rest| rest.chars().next()) else {
            return Err(GiveUp);
        };
        let after = start + first.len_utf8();
        if self.byte(after) == Some(b'\'') {
            self.at = after + 1;
            self.ident_rest();
            return Ok(());
        }
        if first.is_ascii() && !is_ident_start(first as u8) {
            return Err(GiveUp);
        }
        self.at = start;
        if self.text[start..].starts_with("r#") {
            self.at += 2;
        }
        self.ident_rest();
        Ok(())
    }

    /// Skips a group whose opening delimiter was just read; the keyword `forbidden` (not as
    /// a raw identifier) inside it makes the lexer give up.
    pub(super) fn skip_group(&mut self, open: u8, forbidden: Option<&str>) -> Result<(), GiveUp> {
        let mut expected = vec![closer(open)];
        while let Some(&want) = expected.last() {
            match self.next()? {
                None => return Err(GiveUp),
                Some(Token::Open(open)) => expected.push(closer(open)),
                Some(Token::Close(byte)) if byte == want => {
                    expected.pop();
                }
                Some(Token::Close(_)) => return Err(GiveUp),
                Some(Token::Ident {
                    start,
                    end,
                    raw: false,
                }) if forbidden.is_some_and(|word| self.slice(start, end) == word) => {
                    return Err(GiveUp);
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    pub(super) fn slice(&self, start: usize, end: usize) -> &'t str {
        &self.text[start..end]
    }
}

pub(super) fn closer(open: u8) -> u8 {
    match open {
        b'(' => b')',
        b'[' => b']',
        _ => b'}',
    }
}

struct Scanner<'t> {
    lexer: Lexer<'t>,
    facts: FileFacts,
    file_dir: PathBuf,
}

impl Scanner<'_> {
    /// The items of one module body, up to its closing brace (`close`) or the end of file.
    fn body(
        &mut self,
        module: usize,
        dir: &ModDir,
        close: Option<u8>,
        depth: usize,
    ) -> Result<(), GiveUp> {
        if depth > MAX_MODULE_DEPTH {
            return Err(GiveUp);
        }
        // Byte ranges of the outer attributes of the item being read.
        let mut attrs: Vec<(usize, usize)> = Vec::new();
        let mut at_item_start = true;
        loop {
            let Some(token) = self.lexer.next()? else {
                return if close.is_none() { Ok(()) } else { Err(GiveUp) };
            };
            match token {
                Token::Close(byte) => {
                    return if Some(byte) == close {
                        Ok(())
                    } else {
                        Err(GiveUp)
                    };
                }
                Token::Punct(b'#', start) => match self.lexer.peek()? {
                    Some(Token::Open(b'[')) => {
                        self.lexer.next()?;
                        self.skip_group(b'[', false)?;
                        if at_item_start {
                            attrs.push((start, self.lexer.at));
                        }
                    }
                    Some(Token::Punct(b'!', _)) => {
                        self.lexer.next()?;
                        if self.lexer.peek()? == Some(Token::Open(b'[')) {
                            self.lexer.next()?;
                            self.skip_group(b'[', false)?;
                        }
                    }
                    _ => {
                        at_item_start = false;
                        attrs.clear();
                    }
                },
                Token::Punct(b';', _) => {
                    at_item_start = true;
                    attrs.clear();
                }
                Token::Open(open) => {
                    self.skip_group(open, true)?;
                    at_item_start = open == b'{';
                    attrs.clear();
                }
                Token::Ident {
                    start,
                    end,
                    raw: false,
                } => match self.lexer.slice(start, end) {
                    "pub" if at_item_start => {
                        if self.lexer.peek()? == Some(Token::Open(b'(')) {
                            self.lexer.next()?;
                            self.skip_group(b'(', false)?;
                        }
                    }
                    "unsafe" if at_item_start => {}
                    "mod" if at_item_start => {
                        self.module_item(module, dir, start, &attrs, depth)?;
                        at_item_start = true;
                        attrs.clear();
                    }
                    "mod" => return Err(GiveUp),
                    _ => {
                        at_item_start = false;
                        attrs.clear();
                    }
                },
                _ => {
                    at_item_start = false;
                    attrs.clear();
                }
            }
        }
    }

    /// Skips a group whose opening delimiter was just read. With `no_mod`, a `mod` keyword
    /// inside makes the scan give up: it would be a module the lexer cannot place.
    fn skip_group(&mut self, open: u8, no_mod: bool) -> Result<(), GiveUp> {
        self.lexer.skip_group(open, no_mod.then_some("mod"))
    }

    /// A `mod` item at module level, the keyword at byte `mod_start`.
    fn module_item(
        &mut self,
        module: usize,
        dir: &ModDir,
        mod_start: usize,
        attrs: &[(usize, usize)],
        depth: usize,
    ) -> Result<(), GiveUp> {
        let Some(Token::Ident {
            start: name_start,
            end: name_end,
            ..
        }) = self.lexer.next()?
        else {
            return Err(GiveUp);
        };
        let inline = match self.lexer.next()? {
            Some(Token::Punct(b';', _)) => false,
            Some(Token::Open(b'{')) => true,
            _ => return Err(GiveUp),
        };
        // The item as syn sees it, without its items: the same attributes (an inline
        // module's inner attributes, `#![cfg(test)]`, are its attributes too) and name.
        let mut header = String::new();
        for &(start, end) in attrs {
            header.push_str(self.lexer.slice(start, end));
            header.push('\n');
        }
        header.push_str("mod ");
        header.push_str(self.lexer.slice(name_start, name_end));
        if inline {
            header.push_str(" {\n");
            let mut probe = self.lexer.clone();
            // The probe only looks ahead: the comments are recorded by the lexer itself.
            probe.comments = None;
            while let Some(Token::Punct(b'#', start)) = probe.next()? {
                if !matches!(probe.next()?, Some(Token::Punct(b'!', _)))
                    || probe.next()? != Some(Token::Open(b'['))
                {
                    break;
                }
                probe.skip_group(b'[', None)?;
                header.push_str(self.lexer.slice(start, probe.at));
                header.push('\n');
            }
            header.push('}');
        } else {
            header.push(';');
        }
        let item = syn::parse_str::<syn::ItemMod>(&header).map_err(|_| GiveUp)?;
        proc_macro2::extra::invalidate_current_thread_spans();
        let span = Span::new(mod_start, name_end);
        let parent = self.facts.modules[module].path.clone();
        match declare(&item, &parent, dir, &self.file_dir, span) {
            Declared::TestInline => self.skip_group(b'{', false),
            Declared::OutOfLine { name, decl } => {
                self.facts.modules[module].child_modules.push(name);
                self.facts.children.push(decl);
                Ok(())
            }
            Declared::Inline { name, path, dir } => {
                self.facts.modules[module].child_modules.push(name);
                self.facts.modules.push(ModuleFacts {
                    path,
                    ..ModuleFacts::default()
                });
                let index = self.facts.modules.len() - 1;
                self.body(index, &dir, Some(b'}'), depth + 1)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{module_facts, modules_and_search, without_comments};
    use crate::scan::visit::FileContext;

    /// One reading gives what the two separate ones give, on every file of this repository
    /// (real code: doc comments, inline modules with attributes, strings holding `//`) and on
    /// texts the scanner gives up on.
    #[test]
    fn one_reading_gives_modules_and_search() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut texts: Vec<(std::path::PathBuf, String)> = walkdir::WalkDir::new(&root)
            .into_iter()
            .filter_entry(|entry| {
                let name = entry.file_name().to_string_lossy();
                !(name == "target" || name.starts_with('.'))
            })
            .filter_map(Result::ok)
            .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "rs"))
            .filter_map(|entry| {
                let text = std::fs::read_to_string(entry.path()).ok()?;
                Some((entry.path().to_path_buf(), text))
            })
            .collect();
        assert!(texts.len() > 100, "{} files", texts.len());
        for text in [
            "mod a { fn f() { \"}\" } }\n/* unclosed",
            "#[cfg(test)]\n/// doc\nmod t { #![allow(x)] // c\n }\nmod x;",
            "fn f() { let s = \"// not a comment\"; } /* a /* nested */ one */",
        ] {
            texts.push((root.join("src/lib.rs"), text.to_owned()));
        }
        for (path, text) in &texts {
            let context = FileContext::new(path, Vec::new(), true);
            let (modules, search) = modules_and_search(text, &context);
            let separate = module_facts(text, &context);
            assert_eq!(modules, separate, "{}", path.display());
            assert_eq!(search, without_comments(text), "{}", path.display());
        }
    }
}
