//! Keeping only the source lines findings show.
//!
//! While lints run, a scanned file a finding points into is registered with empty text
//! ([`FileMap::loc`](super::files::FileMap::loc)). Once the findings are final, each such
//! file is read once and kept with only the lines its findings display (each finding's
//! labels, plus the one line of context the human report draws around them); every other
//! line is emptied but its line break kept, so line numbers stay right, and the findings'
//! byte spans are moved to the shortened text. A workspace with a finding in every file
//! then costs a few hundred bytes per file instead of its whole text, and the files are read
//! one at a time on each core: only a whole text or two is held at once.

use std::collections::BTreeMap;
use std::path::PathBuf;

use instr_schema::diag::{Diagnostic, FileId, LineIndex, Sources, Span};
use rayon::prelude::*;

/// Where a label is: its finding, and `None` for the primary label or the index of a
/// secondary one.
type Slot = (usize, Option<usize>);

/// Labels of one finding in one file: where each is, and its span.
type Spans = Vec<(Slot, Span)>;

/// Fills in the registered files and moves the findings' spans into them.
pub(crate) fn materialize(
    sources: Sources,
    files: &BTreeMap<FileId, PathBuf>,
    findings: &mut [Diagnostic],
) -> Sources {
    // For each file, the spans of the labels pointing into it, grouped by finding.
    let mut groups: BTreeMap<FileId, BTreeMap<usize, Spans>> = BTreeMap::new();
    for (index, finding) in findings.iter().enumerate() {
        let labels = finding.primary.iter().map(|label| (None, label)).chain(
            finding
                .secondary
                .iter()
                .enumerate()
                .map(|(i, label)| (Some(i), label)),
        );
        for (slot, label) in labels {
            if files.contains_key(&label.loc.file) {
                groups
                    .entry(label.loc.file)
                    .or_default()
                    .entry(index)
                    .or_default()
                    .push(((index, slot), label.loc.span));
            }
        }
    }
    let work: Vec<(FileId, &PathBuf, Vec<Spans>)> = files
        .iter()
        .map(|(id, path)| {
            let by_finding = groups.remove(id).unwrap_or_default();
            (*id, path, by_finding.into_values().collect())
        })
        .collect();
    let done: Vec<(FileId, String, Spans)> = work
        .into_par_iter()
        .map(|(id, path, mut by_finding)| {
            let text = std::fs::read(path)
                .map(|bytes| {
                    String::from_utf8(bytes).unwrap_or_else(|error| {
                        String::from_utf8_lossy(error.as_bytes()).into_owned()
                    })
                })
                .unwrap_or_default();
            let shortened = shorten(&text, &mut by_finding);
            (id, shortened, by_finding.into_iter().flatten().collect())
        })
        .collect();
    let mut shortened: BTreeMap<FileId, String> = BTreeMap::new();
    for (id, text, moved) in done {
        for ((index, slot), span) in moved {
            let finding = &mut findings[index];
            let label = match slot {
                None => finding.primary.as_mut(),
                Some(i) => finding.secondary.get_mut(i),
            };
            if let Some(label) = label {
                label.loc.span = span;
            }
        }
        shortened.insert(id, text);
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

/// `text` with only the lines the spans show (each finding's lines, plus one line of context
/// around them), every other line before them emptied and those after them dropped; the
/// spans are moved into it.
fn shorten(text: &str, by_finding: &mut [Spans]) -> String {
    let lines = LineIndex::new(text);
    let mut kept = vec![false; lines.len()];
    let line_of = |offset: usize| lines.line(offset.min(text.len()));
    for spans in by_finding.iter() {
        let first = spans.iter().map(|(_, span)| line_of(span.start)).min();
        let last = spans.iter().map(|(_, span)| line_of(span.end)).max();
        if let (Some(first), Some(last)) = (first, last) {
            let from = first.saturating_sub(1);
            for line in kept.iter_mut().take(last + 2).skip(from) {
                *line = true;
            }
        }
    }
    // Lines after the last one kept are dropped rather than emptied: nothing points there.
    let shown = kept
        .iter()
        .rposition(|keep| *keep)
        .map_or(0, |last| last + 1);
    let mut out = String::new();
    let mut new_starts = Vec::with_capacity(shown);
    for (line, keep) in kept.iter().enumerate().take(shown) {
        new_starts.push(out.len());
        let start = lines.start(line);
        let end = if line + 1 < lines.len() {
            lines.start(line + 1)
        } else {
            text.len()
        };
        let content = &text[start..end];
        if *keep {
            out.push_str(content);
        } else if content.ends_with('\n') {
            out.push('\n');
        }
    }
    // Every span is on a kept line; the end of the text stands for any other.
    let end = out.len();
    let move_offset = |offset: usize| {
        let offset = offset.min(text.len());
        let line = lines.line(offset);
        new_starts
            .get(line)
            .map_or(end, |start| start + (offset - lines.start(line)))
    };
    for spans in by_finding.iter_mut() {
        for (_, span) in spans.iter_mut() {
            *span = Span::new(move_offset(span.start), move_offset(span.end));
        }
    }
    // Kept to the end of the check: without the room the string grew into.
    out.shrink_to_fit();
    out
}

#[cfg(test)]
mod tests {
    use super::{Span, shorten};

    #[test]
    fn keeps_the_lines_shown_and_moves_the_spans_into_them() {
        let text = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n";
        let at = |word: &str| {
            let start = text.find(word).unwrap();
            Span::new(start, start + word.len())
        };
        let mut by_finding = vec![vec![((0, None), at("five"))]];
        let short = shorten(text, &mut by_finding);
        // Lines before are emptied (their breaks kept, so line numbers hold), the finding's
        // line has one line of context each side, and the lines after those are gone.
        assert_eq!(short, "\n\n\nfour\nfive\nsix\n");
        let moved = by_finding[0][0].1;
        assert_eq!(&short[moved.start..moved.end], "five");
    }

    #[test]
    fn a_finding_on_the_last_line_keeps_the_end_of_the_text() {
        let text = "a\nb\nc";
        let mut by_finding = vec![vec![((0, None), Span::new(4, 5))]];
        let short = shorten(text, &mut by_finding);
        assert_eq!(short, "\nb\nc");
        let moved = by_finding[0][0].1;
        assert_eq!(&short[moved.start..moved.end], "c");
    }
}
