//! A scanned file's facts, parsed during the scan or on demand.
//!
//! A file the prefilter let through unparsed keeps its light facts (module declarations), the
//! words it may contain and what it takes to parse it later. Reading [`Facts`] through
//! `Deref` parses it then (once; the text is read again and must hash as it did in the scan),
//! so every lookup sees exactly the facts a full scan would have given; code that goes over
//! every file and may skip unparsed ones (their facts hold nothing it reads, see
//! `super::prefilter`) uses [`Facts::parsed`] instead.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use super::facts::{FileFacts, ModuleFacts};
use super::prefilter::Triggers;
use super::problems::FileProblem;
use super::source::{self, ParseProblem, ReadProblem};
use super::visit::FileContext;
use super::words::WordSet;

/// A file kept unparsed, and how to parse it when needed.
#[derive(Debug)]
struct Pending {
    light: FileFacts,
    words: WordSet,
    failure: Option<ParseProblem>,
    context: FileContext,
    path: PathBuf,
    hash: u128,
    triggers: Arc<Triggers>,
}

/// The facts of one scanned file.
#[derive(Debug)]
pub struct Facts {
    full: OnceLock<FileFacts>,
    pending: Option<Box<Pending>>,
    /// A problem found when parsing on demand.
    problem: OnceLock<FileProblem>,
}

impl Facts {
    /// Facts of a parsed file.
    pub fn parsed_from(facts: FileFacts) -> Self {
        Self {
            full: OnceLock::from(facts),
            pending: None,
            problem: OnceLock::new(),
        }
    }

    /// Facts of a file left unparsed; `hash` is its text's, `context` where it sits,
    /// `triggers` its crate's prefilter (for the lean parse).
    pub(crate) fn pending(
        light: FileFacts,
        words: WordSet,
        failure: Option<ParseProblem>,
        (context, path, hash): (FileContext, PathBuf, u128),
        triggers: Arc<Triggers>,
    ) -> Self {
        Self {
            full: OnceLock::new(),
            pending: Some(Box::new(Pending {
                light,
                words,
                failure,
                context,
                path,
                hash,
                triggers,
            })),
            problem: OnceLock::new(),
        }
    }

    /// The facts when the file has been parsed (in the scan or by a lookup), without parsing.
    pub fn parsed(&self) -> Option<&FileFacts> {
        self.full.get()
    }

    /// Its modules, known without parsing (paths and child modules only, for a file not
    /// parsed yet).
    pub fn modules_known(&self) -> &[ModuleFacts] {
        match (self.full.get(), &self.pending) {
            (Some(full), _) => &full.modules,
            (None, Some(pending)) => &pending.light.modules,
            (None, None) => &[],
        }
    }

    /// False when the file, not parsed yet, certainly does not contain `word`.
    pub fn may_contain(&self, word: &str) -> bool {
        match (&self.full.get(), &self.pending) {
            (None, Some(pending)) => pending.words.may_contain(word),
            _ => true,
        }
    }

    /// The problem met when the file was parsed on demand.
    pub fn problem(&self) -> Option<&FileProblem> {
        self.problem.get()
    }

    /// Every fact, parsing the file first if needed. A file that turns out not to parse (or
    /// changed since the scan) keeps its light facts, and the problem is reported.
    pub fn force(&self) -> &FileFacts {
        self.full.get_or_init(|| {
            let Some(pending) = &self.pending else {
                return FileFacts::default();
            };
            match parse_again(pending) {
                Ok(mut facts) => {
                    // The scan followed its `mod` items already; kept facts hold none.
                    facts.children = Vec::new();
                    facts.shrink_to_fit();
                    facts
                }
                Err(problem) => {
                    let _ = self.problem.set(problem);
                    pending.light.clone()
                }
            }
        })
    }
}

impl std::ops::Deref for Facts {
    type Target = FileFacts;

    fn deref(&self) -> &FileFacts {
        self.force()
    }
}

/// The 128-bit hash the scan and the cache know a file's text by.
pub(crate) fn text_hash(text: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

fn parse_again(pending: &Pending) -> Result<FileFacts, FileProblem> {
    let path = pending.path.clone();
    if let Some(problem) = &pending.failure {
        return Err(FileProblem::Unparsable {
            path,
            problem: problem.clone(),
        });
    }
    let text = source::read(&pending.path).map_err(|problem| FileProblem::Unreadable {
        path: path.clone(),
        problem,
    })?;
    if text_hash(&text) != pending.hash {
        return Err(FileProblem::Unreadable {
            path,
            problem: ReadProblem::Io("changed while it was being checked".to_owned()),
        });
    }
    super::reduce::scan_source_lean(&text, &pending.context, &pending.triggers)
        .map_err(|problem| FileProblem::Unparsable { path, problem })
}
