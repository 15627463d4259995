//! Thousands of random and mutated schemas through the parser, the validator and the
//! renderer: any input yields findings, never a panic.
//!
//! Mutations start from the good schemas of the corpus (and the example shop) and apply
//! edits people make by accident: deleting or duplicating lines, cutting the file short,
//! inserting TOML punctuation or schema words at random places, flipping bytes.
//! To reproduce a failure, proptest prints the minimal input and stores its seed in
//! `proptest-regressions/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use instr_schema::diag::{RenderOptions, Sources, render_human};
use instr_schema::{LoadOptions, Loaded, load_with};
use proptest::prelude::*;

/// Text that schema files are made of, for insertions.
const TOKENS: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "\"",
    "'",
    "=",
    ",",
    ".",
    "\n",
    "#",
    "?",
    "`",
    "\\",
    "-",
    "0",
    "1e999",
    "-0.0",
    "nan",
    "inf",
    "true",
    "2027-02-30",
    "1979-05-27T07:32:00Z",
    "0x7fffffffffffffff",
    "99999999999999999999",
    "version",
    "include",
    "owners",
    "labels",
    "metrics",
    "events",
    "features",
    "objectives",
    "kind",
    "values",
    "max_values",
    "counter",
    "histogram",
    "gauge",
    "buckets",
    "unit",
    "owner",
    "contact",
    "success_metrics",
    "guardrail_metrics",
    "routes",
    "handlers",
    "good",
    "total",
    "metric",
    "threshold",
    "target",
    "window",
    "labels = [\"outcome\"]",
    "[metrics.x_total]",
    "[[features.checkout.objectives]]",
    "include = [\"a.toml\"]",
    "include = [\"../../x\"]",
    "deprecated",
    "stability",
    "expires",
    "é",
    "\u{0}",
    "\u{feff}",
];

/// The good schemas, as seeds for mutation.
fn seeds() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = root.join("..");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join("tests/fixtures/schemas/good"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    paths.push(repo.join("examples/shop/instr.toml"));
    paths.sort();
    paths
        .iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect()
}

/// One accidental edit.
#[derive(Clone, Debug)]
enum Edit {
    DeleteLine(usize),
    DuplicateLine(usize),
    Truncate(usize),
    Insert(usize, usize),
    FlipByte(usize, u8),
    SwapLines(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::DeleteLine),
        any::<usize>().prop_map(Edit::DuplicateLine),
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), any::<usize>()).prop_map(|(at, token)| Edit::Insert(at, token)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Edit::FlipByte(at, byte)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
    ]
}

fn apply(text: &[u8], edit: &Edit) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = text
        .split(|byte| *byte == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    let count = lines.len().max(1);
    match *edit {
        Edit::DeleteLine(at) => {
            if !lines.is_empty() {
                lines.remove(at % count);
            }
        }
        Edit::DuplicateLine(at) => {
            if let Some(line) = lines.get(at % count).cloned() {
                lines.insert(at % count, line);
            }
        }
        Edit::SwapLines(a, b) => {
            if !lines.is_empty() {
                lines.swap(a % count, b % count);
            }
        }
        Edit::Truncate(at) => return text[..at % (text.len() + 1)].to_vec(),
        Edit::Insert(at, token) => {
            let mut out = text.to_vec();
            let at = at % (out.len() + 1);
            let token = TOKENS[token % TOKENS.len()].as_bytes();
            out.splice(at..at, token.iter().copied());
            return out;
        }
        Edit::FlipByte(at, byte) => {
            let mut out = text.to_vec();
            if !out.is_empty() {
                let at = at % out.len();
                out[at] = byte;
            }
            return out;
        }
    }
    lines.join(&b'\n')
}

/// Loads `root` with an in-memory file system in which every include resolves to `include`,
/// then renders every finding and computes every position, as the CLI does.
fn load_and_render(root: &[u8], include: &[u8]) -> Loaded {
    let mut sources = Sources::new();
    let mut read = |path: &Path| -> std::io::Result<Vec<u8>> {
        Ok(if path == Path::new("instr.toml") {
            root.to_vec()
        } else {
            include.to_vec()
        })
    };
    let loaded = load_with(
        Path::new("instr.toml"),
        Path::new(""),
        &LoadOptions::default(),
        &mut sources,
        &mut read,
    )
    .unwrap();
    let _ = render_human(&loaded.diagnostics, &sources, &RenderOptions::plain());
    for finding in &loaded.diagnostics {
        for label in finding.primary.iter().chain(&finding.secondary) {
            let file = sources.get(label.loc.file);
            let _ = (
                file.line_column(label.loc.span.start),
                file.line_column(label.loc.span.end),
            );
        }
    }
    loaded
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3_000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Good schemas after one to four accidental edits, each also used as an included file.
    #[test]
    fn mutated_schemas_never_panic(seed in any::<usize>(), edits in prop::collection::vec(edit(), 1..5)) {
        let seeds = seeds();
        let mut text = seeds[seed % seeds.len()].clone().into_bytes();
        for edit in &edits {
            text = apply(&text, edit);
        }
        let included = apply(seeds[(seed + 1) % seeds.len()].as_bytes(), &edits[0]);
        load_and_render(&text, &included);
    }

    /// Arbitrary text, including control characters and invalid UTF-8.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        load_and_render(&bytes, &bytes);
    }

    /// Arbitrary strings built from schema tokens, which reach deeper than random bytes.
    #[test]
    fn token_soup_never_panics(tokens in prop::collection::vec(0..TOKENS.len(), 0..60)) {
        let text: String = tokens.iter().map(|index| TOKENS[*index]).collect::<Vec<_>>().join(" ");
        load_and_render(text.as_bytes(), b"version = 1\ninclude = [\"instr.toml\"]\n");
    }
}

/// An include cycle, a self-include and a deeply nested value end in findings.
#[test]
fn hostile_shapes_end_in_findings() {
    let cycle = load_and_render(
        b"version = 1\ninclude = [\"a.toml\"]\n",
        b"include = [\"instr.toml\", \"a.toml\"]\n",
    );
    assert!(cycle.has_errors());
    let deep = format!(
        "version = 1\nx = {}{}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(load_and_render(deep.as_bytes(), b"").has_errors());
    let wide = format!("version = 1\n{}", "[metrics.a]\n".repeat(10_000));
    assert!(load_and_render(wide.as_bytes(), b"").has_errors());
}
