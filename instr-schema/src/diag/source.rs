//! Files that diagnostics point into, and byte spans within them.

use std::path::Path;
use std::sync::Arc;

/// Identifies one file in a [`Sources`] map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(u32);

/// A half-open byte range `start..end` in a file's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True when the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(range: std::ops::Range<usize>) -> Self {
        Self::new(range.start, range.end)
    }
}

/// A place in a file: the file and a span in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    /// The file.
    pub file: FileId,
    /// The bytes within it.
    pub span: Span,
}

impl Loc {
    /// A place in `file` covering `span`.
    pub fn new(file: FileId, span: impl Into<Span>) -> Self {
        Self {
            file,
            span: span.into(),
        }
    }
}

/// A 1-based line and column; the column counts characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineColumn {
    /// Line number, from 1.
    pub line: usize,
    /// Column number in characters, from 1.
    pub column: usize,
}

/// Where each line of a text starts, to turn byte offsets into line numbers.
///
/// Offsets are kept in 32 bits when the text allows it (any text under 4 GiB): the checker
/// keeps an index for every file a finding points into, a few hundred lines each, and 64-bit
/// offsets were half of what those files cost in memory.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Starts,
}

/// Byte offset of every line's first byte; the first line starts at 0.
#[derive(Clone, Debug)]
enum Starts {
    Narrow(Vec<u32>),
    Wide(Vec<usize>),
}

impl Default for LineIndex {
    fn default() -> Self {
        Self {
            starts: Starts::Narrow(vec![0]),
        }
    }
}

impl LineIndex {
    /// The lines of `text` (a `&str` or raw bytes): a new line starts after every `\n`.
    pub fn new(text: impl AsRef<[u8]>) -> Self {
        let bytes = text.as_ref();
        let breaks = memchr::memchr_iter(b'\n', bytes).map(|index| index + 1);
        let starts = if u32::try_from(bytes.len()).is_ok() {
            Starts::Narrow(
                std::iter::once(0)
                    .chain(breaks.map(|start| start as u32))
                    .collect(),
            )
        } else {
            Starts::Wide(std::iter::once(0).chain(breaks).collect())
        };
        Self { starts }
    }

    /// The 0-based line holding byte `offset` (the last line for offsets past the end).
    pub fn line(&self, offset: usize) -> usize {
        let found = match &self.starts {
            Starts::Narrow(starts) => match u32::try_from(offset) {
                Ok(offset) => starts.binary_search(&offset),
                Err(_) => Err(starts.len()),
            },
            Starts::Wide(starts) => starts.binary_search(&offset),
        };
        match found {
            Ok(index) => index,
            Err(index) => index.saturating_sub(1),
        }
    }

    /// The byte offset where 0-based `line` starts.
    ///
    /// # Panics
    /// When the text has no such line.
    pub fn start(&self, line: usize) -> usize {
        match &self.starts {
            Starts::Narrow(starts) => starts[line] as usize,
            Starts::Wide(starts) => starts[line],
        }
    }

    /// The number of lines (a text ending with `\n` has an empty last line).
    pub fn len(&self) -> usize {
        match &self.starts {
            Starts::Narrow(starts) => starts.len(),
            Starts::Wide(starts) => starts.len(),
        }
    }

    /// Always false: even an empty text has one (empty) line.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Texts up to this size find their lines by counting line breaks when asked; longer ones
/// keep a [`LineIndex`]. Counting through a few KiB costs less than a microsecond, and an
/// index costs 4 bytes a line for as long as the file is kept (the checker keeps every file a
/// finding points into until the report is written).
const INDEXED_FROM: usize = 64 * 1024;

/// One file's name, location on disk and text.
#[derive(Debug)]
pub struct SourceFile {
    name: String,
    /// Shared with whoever else holds the path (a checker holds every scanned file's).
    path: Arc<Path>,
    text: String,
    /// For texts of [`INDEXED_FROM`] bytes or more.
    lines: Option<LineIndex>,
}

impl SourceFile {
    fn new(name: String, path: Arc<Path>, text: String) -> Self {
        let mut file = Self {
            name,
            path,
            text: String::new(),
            lines: None,
        };
        file.replace_text(text);
        file
    }

    /// `text` in place of its text, indexed when it is long.
    fn replace_text(&mut self, text: String) {
        self.lines = (text.len() >= INDEXED_FROM).then(|| LineIndex::new(&text));
        self.text = text;
    }

    /// The name shown to users: the path relative to the base directory the caller chose.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The path the file was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text a span covers, or `""` when the span does not fall on character boundaries
    /// inside the text.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// The line and column of a byte offset (clamped to the text).
    pub fn line_column(&self, offset: usize) -> LineColumn {
        let offset = offset.min(self.text.len());
        let (line_index, line_start) = match &self.lines {
            Some(lines) => {
                let line = lines.line(offset);
                (line, lines.start(line))
            }
            None => {
                let before = &self.text.as_bytes()[..offset];
                let line = memchr::memchr_iter(b'\n', before).count();
                let start = memchr::memrchr(b'\n', before).map_or(0, |index| index + 1);
                (line, start)
            }
        };
        let column = match self.text.get(line_start..offset) {
            Some(prefix) => prefix.chars().count(),
            // The offset falls inside a multi-byte character: count the bytes instead.
            None => offset - line_start,
        };
        LineColumn {
            line: line_index + 1,
            column: column + 1,
        }
    }
}

/// The set of files that diagnostics point into.
///
/// Cheap to clone: files are shared.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    files: Vec<Arc<SourceFile>>,
}

impl Sources {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id. `name` is what users see (a path relative to the
    /// workspace root, say); `path` is where it was read from (an `Arc<Path>` is kept as it
    /// is, shared).
    pub fn add(
        &mut self,
        name: impl Into<String>,
        path: impl Into<Arc<Path>>,
        text: String,
    ) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files
            .push(Arc::new(SourceFile::new(name.into(), path.into(), text)));
        id
    }

    /// Replaces the text of file `id`: for a file added before its text was read. An id this
    /// map did not issue changes nothing.
    pub fn set_text(&mut self, id: FileId, text: String) {
        let Some(slot) = self.files.get_mut(id.0 as usize) else {
            return;
        };
        match Arc::get_mut(slot) {
            Some(file) => file.replace_text(text),
            // Shared with a reader: the reader keeps the old text.
            None => *slot = Arc::new(SourceFile::new(slot.name.clone(), slot.path.clone(), text)),
        }
    }

    /// The file behind an id.
    ///
    /// # Panics
    /// When the id was not issued by this map; ids are only made by [`Sources::add`].
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Every file with its id, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(index, file)| (FileId(index as u32), file.as_ref()))
    }

    /// The number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when no file was added.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The shared handle of a file, for readers that keep it past the map's borrow.
    pub(crate) fn shared_file(&self, id: FileId) -> Arc<SourceFile> {
        Arc::clone(&self.files[id.0 as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines and columns are 1-based and columns count characters, so a caret after a
    /// multi-byte character lands where an editor puts it.
    #[test]
    fn line_column_counts_characters() {
        let mut sources = Sources::new();
        let id = sources.add("a.toml", Path::new("a.toml"), "ab\nçé = 1\n".to_owned());
        let file = sources.get(id);
        assert_eq!(file.line_column(0), LineColumn { line: 1, column: 1 });
        assert_eq!(file.line_column(3), LineColumn { line: 2, column: 1 });
        // `=` sits after two 2-byte characters and a space.
        assert_eq!(file.line_column(8), LineColumn { line: 2, column: 4 });
        assert_eq!(file.line_column(999), LineColumn { line: 3, column: 1 });
    }

    /// A file added before its text was read gets it later, also when a reader holds the
    /// file (the reader keeps what it had).
    #[test]
    fn text_set_after_adding() {
        let mut sources = Sources::new();
        let id = sources.add("a.rs", Path::new("/w/a.rs"), String::new());
        let held = sources.shared_file(id);
        sources.set_text(id, "fn a() {}\nfn b() {}\n".to_owned());
        assert_eq!(sources.get(id).text(), "fn a() {}\nfn b() {}\n");
        assert_eq!(sources.get(id).name(), "a.rs");
        assert_eq!(sources.get(id).line_column(10).line, 2);
        assert_eq!(held.text(), "");
        sources.set_text(id, "x".to_owned());
        assert_eq!(sources.get(id).text(), "x");
    }

    /// A short text counts its line breaks, a long one keeps an index: both place every
    /// offset alike.
    #[test]
    fn counted_and_indexed_lines_agree() {
        let line = "let é = \"x\";\n\n  // ∑ done\n";
        let long = line.repeat(INDEXED_FROM / line.len() + 1);
        let short = &long[..line.len() * 3];
        let mut sources = Sources::new();
        let long_id = sources.add("long.rs", Path::new("long.rs"), long.clone());
        let short_id = sources.add("short.rs", Path::new("short.rs"), short.to_owned());
        let (long_file, short_file) = (sources.get(long_id), sources.get(short_id));
        assert!(long_file.lines.is_some() && short_file.lines.is_none());
        for offset in 0..=short.len() {
            assert_eq!(
                short_file.line_column(offset),
                long_file.line_column(offset),
                "offset {offset}"
            );
        }
        assert_eq!(
            long_file.line_column(long.len()),
            LineColumn {
                line: long.matches('\n').count() + 1,
                column: 1
            }
        );
    }
}
