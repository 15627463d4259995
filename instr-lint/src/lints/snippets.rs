//! Keeping only the source lines findings show.
//!
//! While lints run, a scanned file a finding points into is registered with empty text
//! ([`FileMap::loc`](super::files::FileMap::loc)). Once the findings are final, each such
//! file is read once and kept with only the lines its findings display (each finding's
//! labels, plus the one line of context the human report draws around them); every other
//! line is emptied but its line break kept, so line numbers stay right, and the findings'
//! byte spans are moved to the shortened text. A workspace with a finding in every file
//! then costs a few hundred bytes per file instead of its whole text, and the files are read
//! one at a time: only one whole text is held at once.

use std::collections::BTreeMap;
use std::path::PathBuf;

use instr_schema::diag::{Diagnostic, FileId, Label, LineIndex, Sources, Span};

/// Fills in the registered files and moves the findings' spans into them.
pub(crate) fn materialize(
    sources: Sources,
    files: &BTreeMap<FileId, PathBuf>,
    findings: &mut [Diagnostic],
) -> Sources {
    // For each file, the labels pointing into it, by finding.
    let mut labels: BTreeMap<FileId, BTreeMap<usize, Vec<&mut Label>>> = BTreeMap::new();
    for (index, finding) in findings.iter_mut().enumerate() {
        for label in finding
            .primary
            .iter_mut()
            .chain(finding.secondary.iter_mut())
        {
            if files.contains_key(&label.loc.file) {
                labels
                    .entry(label.loc.file)
                    .or_default()
                    .entry(index)
                    .or_default()
                    .push(label);
            }
        }
    }
    let mut shortened: BTreeMap<FileId, String> = BTreeMap::new();
    for (id, path) in files {
        let text = std::fs::read(path)
            .map(|bytes| {
                String::from_utf8(bytes)
                    .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned())
            })
            .unwrap_or_default();
        let mut by_finding = labels.remove(id).unwrap_or_default();
        shortened.insert(*id, shorten(&text, by_finding.values_mut()));
    }
    let mut rebuilt = Sources::new();
    for (id, file) in sources.iter() {
        let text = match shortened.remove(&id) {
            Some(text) => text,
            None => file.text().to_owned(),
        };
        rebuilt.add(file.name(), file.path(), text);
    }
    rebuilt
}

/// `text` with only the lines the labels show (each finding's lines, plus one line of context
/// around them) and every other line emptied; the labels' spans moved into it.
fn shorten<'l, 'f: 'l>(
    text: &str,
    by_finding: impl Iterator<Item = &'l mut Vec<&'f mut Label>>,
) -> String {
    let lines = LineIndex::new(text);
    let starts = lines.starts();
    let mut kept = vec![false; starts.len()];
    let line_of = |offset: usize| lines.line(offset.min(text.len()));
    let mut all: Vec<&mut &mut Label> = Vec::new();
    for labels in by_finding {
        let first = labels
            .iter()
            .map(|label| line_of(label.loc.span.start))
            .min();
        let last = labels.iter().map(|label| line_of(label.loc.span.end)).max();
        if let (Some(first), Some(last)) = (first, last) {
            let from = first.saturating_sub(1);
            for line in kept.iter_mut().take(last + 2).skip(from) {
                *line = true;
            }
        }
        all.extend(labels.iter_mut());
    }
    let mut out = String::new();
    let mut new_starts = Vec::with_capacity(starts.len());
    for (line, start) in starts.iter().enumerate() {
        new_starts.push(out.len());
        let end = starts.get(line + 1).copied().unwrap_or(text.len());
        let content = &text[*start..end];
        if kept[line] {
            out.push_str(content);
        } else if content.ends_with('\n') {
            out.push('\n');
        }
    }
    let move_offset = |offset: usize| {
        let offset = offset.min(text.len());
        let line = lines.line(offset);
        new_starts[line] + (offset - lines.start(line))
    };
    for label in all {
        label.loc.span = Span::new(
            move_offset(label.loc.span.start),
            move_offset(label.loc.span.end),
        );
    }
    out
}
