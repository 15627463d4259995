//! Keeping only the source lines findings show.
//!
//! While lints run, a scanned file a finding points into is registered with empty text
//! ([`FileMap::loc`](super::files::FileMap::loc)). Once the findings are final, each such
//! file is read once and kept with only the lines its findings display (each finding's
//! labels, plus the one line of context the human report draws around them); every other
//! line is emptied but its line break kept, so line numbers stay right, and the findings'
//! byte spans are moved to the shortened text. A workspace with a finding in every file
//! then costs a few hundred bytes per file instead of its whole text.

use std::collections::BTreeMap;
use std::path::PathBuf;

use instr_schema::diag::{Diagnostic, FileId, LineIndex, Sources, Span};

/// Fills in the registered files and moves the findings' spans into them.
pub(crate) fn materialize(
    sources: Sources,
    files: &BTreeMap<FileId, PathBuf>,
    findings: &mut [Diagnostic],
) -> Sources {
    let mut texts: BTreeMap<FileId, (String, LineIndex)> = BTreeMap::new();
    let mut keep: BTreeMap<FileId, Vec<(usize, usize)>> = BTreeMap::new();
    for (id, path) in files {
        let text = std::fs::read(path)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default();
        let lines = LineIndex::new(&text);
        texts.insert(*id, (text, lines));
    }
    for finding in findings.iter() {
        let mut ranges: BTreeMap<FileId, (usize, usize)> = BTreeMap::new();
        for label in finding.primary.iter().chain(&finding.secondary) {
            let Some((text, lines)) = texts.get(&label.loc.file) else {
                continue;
            };
            let first = lines.line(label.loc.span.start.min(text.len()));
            let last = lines.line(label.loc.span.end.min(text.len()));
            let range = ranges.entry(label.loc.file).or_insert((first, last));
            range.0 = range.0.min(first);
            range.1 = range.1.max(last);
        }
        for (file, (first, last)) in ranges {
            keep.entry(file)
                .or_default()
                .push((first.saturating_sub(1), last + 1));
        }
    }
    // The shortened text of each file, and where each kept line now starts.
    let mut shortened: BTreeMap<FileId, (String, Vec<usize>)> = BTreeMap::new();
    for (id, (text, lines)) in &texts {
        let starts = lines.starts();
        let windows = keep.get(id).map(Vec::as_slice).unwrap_or(&[]);
        let kept = |line: usize| {
            windows
                .iter()
                .any(|(from, to)| (*from..=*to).contains(&line))
        };
        let mut out = String::new();
        let mut new_starts = Vec::with_capacity(starts.len());
        for (line, start) in starts.iter().enumerate() {
            new_starts.push(out.len());
            let end = starts.get(line + 1).copied().unwrap_or(text.len());
            let content = &text[*start..end];
            if kept(line) {
                out.push_str(content);
            } else if content.ends_with('\n') {
                out.push('\n');
            }
        }
        shortened.insert(*id, (out, new_starts));
    }
    let move_span = |file: FileId, span: Span| -> Span {
        let (Some((text, lines)), Some((_, new_starts))) = (texts.get(&file), shortened.get(&file))
        else {
            return span;
        };
        let move_offset = |offset: usize| {
            let offset = offset.min(text.len());
            let line = lines.line(offset);
            new_starts[line] + (offset - lines.start(line))
        };
        Span::new(move_offset(span.start), move_offset(span.end))
    };
    for finding in findings.iter_mut() {
        for label in finding
            .primary
            .iter_mut()
            .chain(finding.secondary.iter_mut())
        {
            label.loc.span = move_span(label.loc.file, label.loc.span);
        }
    }
    drop(texts);
    let mut rebuilt = Sources::new();
    for (id, file) in sources.iter() {
        let text = match shortened.remove(&id) {
            Some((text, _)) => text,
            None => file.text().to_owned(),
        };
        rebuilt.add(file.name(), file.path(), text);
    }
    rebuilt
}
