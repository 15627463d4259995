//! Keeping only the source lines findings show.
//!
//! While lints run, a scanned file a finding points into is registered with empty text
//! ([`FileMap::loc`](super::files::FileMap::loc)). Once the findings are final, each such
//! file is read once and kept with only the lines its findings display (each finding's
//! labels, plus the one line of context the human report draws around them); every other
//! line is emptied but its line break kept, so line numbers stay right, and the findings'
//! byte spans are moved to the shortened text. A workspace with a finding in every file
//! then costs a few hundred bytes per file instead of its whole text, and the files are read
//! one at a time into one buffer: only one whole text is held at once.

use std::collections::BTreeSet;
use std::io::Read;

use instr_schema::diag::{FileId, LineIndex, Sources, Span};

use super::diags::KeyedFinding;

/// Where a label is: its finding, and `None` for the primary label or the index of a
/// secondary one.
type Slot = (usize, Option<usize>);

/// Fills in the registered files and moves the findings' spans into them.
pub(crate) fn materialize(
    sources: &mut Sources,
    files: &BTreeSet<FileId>,
    findings: &mut [KeyedFinding],
) {
    // Every label pointing into a registered file, by file and then by finding: one flat
    // list, read one file at a time.
    let mut labels: Vec<(FileId, Slot, Span)> = Vec::new();
    for (index, keyed) in findings.iter().enumerate() {
        for (slot, loc) in keyed.finding.label_locs() {
            if files.contains(&loc.file) {
                labels.push((loc.file, (index, slot), loc.span));
            }
        }
    }
    labels.sort_by_key(|(file, (index, _), _)| (*file, *index));
    // One file at a time into one buffer: a text is read whole and dropped at once. Reading
    // them side by side on every core left the allocator's memory scattered at the check's
    // peak, for a few milliseconds saved on thousands of files.
    let mut bytes = Vec::new();
    let mut rest = labels.as_mut_slice();
    for &id in files {
        let count = rest.iter().take_while(|(file, _, _)| *file == id).count();
        let (in_file, after) = std::mem::take(&mut rest).split_at_mut(count);
        rest = after;
        // Registered for a finding that configured levels then dropped: no line to show,
        // the text stays empty, and the file is not read.
        if in_file.is_empty() {
            continue;
        }
        bytes.clear();
        if std::fs::File::open(sources.get(id).path())
            .and_then(|mut file| file.read_to_end(&mut bytes))
            .is_err()
        {
            bytes.clear();
        }
        let shortened = shorten(&String::from_utf8_lossy(&bytes), in_file);
        for &mut (_, (index, slot), span) in in_file {
            if let Some(loc) = findings[index].finding.label_loc_mut(slot) {
                loc.span = span;
            }
        }
        sources.set_text(id, shortened);
    }
}

/// `text` with only the lines the labels show (each finding's lines, plus one line of
/// context around them), every other line before them emptied and those after them dropped;
/// the labels' spans are moved into it. `labels` are sorted by finding.
fn shorten(text: &str, labels: &mut [(FileId, Slot, Span)]) -> String {
    let lines = LineIndex::new(text);
    let mut kept = vec![false; lines.len()];
    let line_of = |offset: usize| lines.line(offset.min(text.len()));
    for finding in labels.chunk_by(|a, b| a.1.0 == b.1.0) {
        let first = finding.iter().map(|(_, _, span)| line_of(span.start)).min();
        let last = finding.iter().map(|(_, _, span)| line_of(span.end)).max();
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
    let line_text = |line: usize| {
        let end = if line + 1 < lines.len() {
            lines.start(line + 1)
        } else {
            text.len()
        };
        &text[lines.start(line)..end]
    };
    // What each line becomes: itself, its line break, or nothing (the last line, unbroken).
    let kept_text = |line: usize, keep: bool| {
        let content = line_text(line);
        match (keep, content.ends_with('\n')) {
            (true, _) => content,
            (false, true) => "\n",
            (false, false) => "",
        }
    };
    // Sized first: kept to the end of the check, the text holds no spare room.
    let size = (0..shown)
        .map(|line| kept_text(line, kept[line]).len())
        .sum();
    let mut out = String::with_capacity(size);
    let mut new_starts = Vec::with_capacity(shown);
    for (line, keep) in kept.iter().enumerate().take(shown) {
        new_starts.push(out.len());
        out.push_str(kept_text(line, *keep));
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
    for (_, _, span) in labels.iter_mut() {
        *span = Span::new(move_offset(span.start), move_offset(span.end));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{FileId, Sources, Span, shorten};

    fn file() -> FileId {
        Sources::new().add("a.rs", std::path::Path::new("a.rs"), String::new())
    }

    #[test]
    fn keeps_the_lines_shown_and_moves_the_spans_into_them() {
        let text = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n";
        let at = |word: &str| {
            let start = text.find(word).unwrap();
            Span::new(start, start + word.len())
        };
        let mut labels = vec![(file(), (0, None), at("five"))];
        let short = shorten(text, &mut labels);
        // Lines before are emptied (their breaks kept, so line numbers hold), the finding's
        // line has one line of context each side, and the lines after those are gone.
        assert_eq!(short, "\n\n\nfour\nfive\nsix\n");
        let moved = labels[0].2;
        assert_eq!(&short[moved.start..moved.end], "five");
    }

    #[test]
    fn each_finding_keeps_its_own_lines() {
        let text = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let at = |line: usize| Span::new(2 * (line - 1), 2 * (line - 1) + 1);
        // Finding 0 spans lines 2 to 3 (two labels); finding 1 is on line 7.
        let mut labels = vec![
            (file(), (0, None), at(2)),
            (file(), (0, Some(0)), at(3)),
            (file(), (1, None), at(7)),
        ];
        let short = shorten(text, &mut labels);
        assert_eq!(short, "1\n2\n3\n4\n\n6\n7\n8\n");
        for ((_, _, span), want) in labels.iter().zip(["2", "3", "7"]) {
            assert_eq!(&short[span.start..span.end], want);
        }
    }

    #[test]
    fn a_finding_on_the_last_line_keeps_the_end_of_the_text() {
        let text = "a\nb\nc";
        let mut labels = vec![(file(), (0, None), Span::new(4, 5))];
        let short = shorten(text, &mut labels);
        assert_eq!(short, "\nb\nc");
        let moved = labels[0].2;
        assert_eq!(&short[moved.start..moved.end], "c");
    }
}
