//! The scanner never panics, whatever the text: property tests on real fixture sources
//! mutated at random (bytes deleted, inserted, replaced; halves swapped), and on random
//! sequences of Rust-looking tokens. `fuzz/fuzz_targets/scanner.rs` runs the same check under
//! cargo-fuzz. To add a property, add a `proptest!` case feeding `scan_source`.

// Test helpers panic on failure by design, like the tests themselves.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use instr_lint::scan::scan_source;
use instr_lint::scan::visit::FileContext;
use proptest::prelude::*;

fn corpus() -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lint");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.path().extension().is_some_and(|ext| ext == "rs") {
            out.push(std::fs::read_to_string(entry.path()).unwrap());
        }
    }
    out.sort();
    out
}

fn context() -> FileContext {
    FileContext::new(Path::new("/nowhere/src/lib.rs"), Vec::new(), true)
}

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, String),
    Replace(usize, u8),
    Swap,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Edit::Delete(at, len)),
        (any::<usize>(), "[{}()\\[\\]<>;:,.#!\"'/*a-z_ \n]{1,12}")
            .prop_map(|(at, text)| Edit::Insert(at, text)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Edit::Replace(at, byte)),
        Just(Edit::Swap),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for edit in edits {
        let len = bytes.len().max(1);
        match edit {
            Edit::Delete(at, count) => {
                let start = at % len;
                let end = (start + count).min(bytes.len());
                if start < end {
                    bytes.drain(start..end);
                }
            }
            Edit::Insert(at, text) => {
                let at = (at % len).min(bytes.len());
                bytes.splice(at..at, text.bytes());
            }
            Edit::Replace(at, byte) => {
                if !bytes.is_empty() {
                    let at = at % bytes.len();
                    bytes[at] = *byte;
                }
            }
            Edit::Swap => {
                let middle = bytes.len() / 2;
                bytes.rotate_left(middle);
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Mutated real sources: a finding or facts, never a panic.
    #[test]
    fn mutated_sources_never_panic(file in any::<prop::sample::Index>(), edits in prop::collection::vec(edit(), 1..6)) {
        let corpus = corpus();
        let text = apply(&corpus[file.index(corpus.len())], &edits);
        let _ = scan_source(&text, &context());
    }

    /// Token soup: deeply nested delimiters, stray quotes, lifetimes and raw strings.
    #[test]
    fn token_soup_never_panics(text in "([{}()\\[\\]<>;:,.#!\"'/*&|=+r#a-zA-Z0-9_ \n]|fn |mod |impl |use |r#\"|\\.route\\(|get\\(|#\\[get\\(){0,200}") {
        let _ = scan_source(&text, &context());
    }
}

/// A large file made of many copies of real sources goes through chunked parsing; the facts
/// are those of the same text parsed whole (a chunk boundary never changes the answer).
#[test]
fn chunked_parsing_finds_what_whole_parsing_finds() {
    let corpus = corpus();
    let unit: String = corpus
        .iter()
        .filter(|text| {
            syn::parse_file(text).is_ok() && !text.contains("//!") && !text.contains("#![")
        })
        .cloned()
        .collect::<Vec<_>>()
        .join("\n");
    let mut big = String::new();
    let mut copy = 0;
    while big.len() < instr_lint::scan::source::CHUNKED_FROM * 2 {
        // Each copy in its own inline module, so names do not clash.
        big.push_str(&format!("pub mod copy{copy} {{\n{unit}\n}}\n"));
        copy += 1;
    }
    // The split is sound here (so the chunked path is what runs, not its whole-file fallback).
    let pieces = instr_lint::scan::source::split_items(&big);
    assert!(pieces.len() > 4, "{}", pieces.len());
    for (start, end) in &pieces {
        syn::parse_str::<syn::File>(&big[*start..*end]).unwrap();
    }
    let chunked = scan_source(&big, &context()).unwrap();
    let mut whole = instr_lint::scan::visit::FileVisitor::new(&context());
    instr_lint::scan::source::parse_whole(&big, &mut |file, base| whole.visit_piece(file, base))
        .unwrap();
    let whole = whole.finish();
    let summary = |facts: &instr_lint::scan::facts::FileFacts| {
        facts
            .modules
            .iter()
            .map(|module| {
                (
                    module.path.clone(),
                    module
                        .fns
                        .iter()
                        .map(|f| (f.name.clone(), f.name_span))
                        .collect::<Vec<_>>(),
                    module.routes.len(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert!(chunked.modules.len() > 10);
    assert_eq!(summary(&chunked), summary(&whole));
}
