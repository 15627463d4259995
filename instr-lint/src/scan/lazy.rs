//! A scanned file's facts, parsed during the scan or on demand, and how they are kept.
//!
//! A parsed file keeps its modules encoded ([`StoredModules`]): they are decoded when a pass
//! or a lookup reads them, through the scan's [`RecentModules`]. What the file says about
//! emission, which the lints read for every file, is kept encoded too ([`Encoded`]) and
//! decoded by each pass that reads it.
//!
//! A file the prefilter let through unparsed keeps the paths of its modules, the words it may
//! contain and what it takes to parse it later. Reading its modules ([`Facts::modules`])
//! parses it then (once; the text is read again and must hash as it did in the scan), so
//! every lookup sees exactly the facts a full scan would have given; code that goes over
//! every file and may skip unparsed ones (their facts hold nothing it reads, see
//! `super::prefilter`) uses [`Facts::parsed_modules`] instead.

use std::borrow::Cow;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use super::facts::{EmissionFacts, FileFacts, ModPath, ModuleFacts};
use super::prefilter::Triggers;
use super::problems::FileProblem;
use super::source::{self, ParseProblem, ReadProblem};
use super::stored::{Contents, Encoded, RecentModules, StoredFile, StoredModules};
use super::visit::FileContext;
use super::words::WordSet;

/// A file kept unparsed, and how to parse it when needed. Most files of a published crate are
/// kept so to the end of the check: each field is paid once per such file.
#[derive(Debug)]
struct Pending {
    /// The light scan's modules, encoded: read only when the file, parsed on demand, fails.
    light: StoredModules,
    words: WordSet,
    failure: Option<ParseProblem>,
    reparse: Reparse,
    triggers: Arc<Triggers>,
    /// Its facts once a lookup parsed it (few files are): kept decoded.
    parsed: OnceLock<Decoded>,
}

/// Facts kept decoded.
#[derive(Debug)]
struct Decoded {
    modules: Arc<[ModuleFacts]>,
    emission: Option<Box<EmissionFacts>>,
    /// Why the file, parsed on demand, gave only its light facts.
    problem: Option<Box<FileProblem>>,
}

/// What parsing a file the scan left unparsed takes, besides its crate's prefilter.
#[derive(Debug)]
pub(crate) struct Reparse {
    /// The file (shared with the scan's record of it).
    pub(crate) path: Arc<Path>,
    /// The module it is.
    pub(crate) module: ModPath,
    /// It owns its directory (see [`FileContext::new`]).
    pub(crate) owns_dir: bool,
    /// The hash of its text when scanned: a text that changed since is not read.
    pub(crate) hash: u128,
}

/// How a file's facts are kept.
#[derive(Debug)]
enum Kept {
    /// Parsed in the scan: the modules encoded.
    Stored {
        modules: StoredModules,
        emission: Option<Encoded<EmissionFacts>>,
    },
    /// Left unparsed by the scan.
    Pending(Box<Pending>),
}

/// The facts of one scanned file.
#[derive(Debug)]
pub struct Facts {
    /// The path of each module the file is, in order: known without parsing.
    paths: Box<[ModPath]>,
    kept: Kept,
}

impl Facts {
    /// Facts of a parsed file (its `mod` items, which the scan follows, are not kept).
    pub fn parsed_from(stored: StoredFile) -> Self {
        Self {
            paths: stored.paths.into_boxed_slice(),
            kept: Kept::Stored {
                modules: stored.modules,
                emission: stored.emission,
            },
        }
    }

    /// Facts of a file left unparsed: `light` is what the light scan found (its `mod` items,
    /// which the scan follows, are not kept), `words` the words it may contain, `reparse`
    /// what parsing it later takes, with `triggers`, its crate's prefilter (for the lean
    /// parse).
    pub(crate) fn pending(
        light: StoredFile,
        words: WordSet,
        failure: Option<ParseProblem>,
        reparse: Reparse,
        triggers: Arc<Triggers>,
    ) -> Self {
        Self {
            paths: light.paths.into_boxed_slice(),
            kept: Kept::Pending(Box::new(Pending {
                light: light.modules,
                words,
                failure,
                reparse,
                triggers,
                parsed: OnceLock::new(),
            })),
        }
    }

    /// True when the file has been parsed (in the scan or by a lookup).
    pub fn is_parsed(&self) -> bool {
        match &self.kept {
            Kept::Stored { .. } => true,
            Kept::Pending(pending) => pending.parsed.get().is_some(),
        }
    }

    /// The path of each module the file is (a file and the inline modules in it), in order;
    /// known without parsing.
    pub fn module_paths(&self) -> &[ModPath] {
        &self.paths
    }

    /// What the file says about emission, when it has been parsed (without parsing).
    pub fn emission(&self) -> Option<Cow<'_, EmissionFacts>> {
        Some(match &self.kept {
            Kept::Stored {
                emission: Some(stored),
                ..
            } => Cow::Owned(stored.load().unwrap_or_default()),
            Kept::Stored { emission: None, .. } => Cow::Borrowed(EmissionFacts::none()),
            Kept::Pending(pending) => Cow::Borrowed(
                pending
                    .parsed
                    .get()?
                    .emission
                    .as_deref()
                    .unwrap_or(EmissionFacts::none()),
            ),
        })
    }

    /// What its modules hold, when it has been parsed (without parsing or decoding).
    pub fn contents(&self) -> Option<Contents> {
        match &self.kept {
            Kept::Stored { modules, .. } => Some(modules.contents()),
            Kept::Pending(pending) => Some(Contents::of(&pending.parsed.get()?.modules)),
        }
    }

    /// Its modules when the file has been parsed, without parsing; `recent` keeps the
    /// modules of the files read last decoded, `file` is this file's index in the scan.
    pub fn parsed_modules(
        &self,
        recent: &RecentModules,
        file: usize,
    ) -> Option<Arc<[ModuleFacts]>> {
        match &self.kept {
            Kept::Stored { modules, .. } => Some(recent.get(file, || modules.load())),
            Kept::Pending(pending) => pending
                .parsed
                .get()
                .map(|decoded| Arc::clone(&decoded.modules)),
        }
    }

    /// Its modules, parsing the file first if needed. A file that turns out not to parse (or
    /// changed since the scan) keeps its light facts (module paths and child modules), and
    /// the problem is reported.
    pub fn modules(&self, recent: &RecentModules, file: usize) -> Arc<[ModuleFacts]> {
        let Kept::Pending(pending) = &self.kept else {
            return self.parsed_modules(recent, file).unwrap_or_default();
        };
        let decoded = pending.parsed.get_or_init(|| match parse_again(pending) {
            Ok(mut facts) => {
                facts.shrink_to_fit();
                // Its `mod` items, which the scan followed already, are dropped.
                let (modules, emission) = facts.split();
                Decoded {
                    modules: modules.into(),
                    emission,
                    problem: None,
                }
            }
            Err(problem) => Decoded {
                modules: pending.light.load().into(),
                emission: None,
                problem: Some(Box::new(problem)),
            },
        });
        Arc::clone(&decoded.modules)
    }

    /// False when the file, not parsed yet, certainly does not contain `word`.
    pub fn may_contain(&self, word: &str) -> bool {
        match &self.kept {
            Kept::Pending(pending) if pending.parsed.get().is_none() => {
                pending.words.may_contain(word)
            }
            _ => true,
        }
    }

    /// The problem met when the file was parsed on demand.
    pub fn problem(&self) -> Option<&FileProblem> {
        match &self.kept {
            Kept::Pending(pending) => pending.parsed.get()?.problem.as_deref(),
            Kept::Stored { .. } => None,
        }
    }
}

/// The 128-bit hash the scan and the cache know a file's text by.
pub(crate) fn text_hash(text: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

fn parse_again(pending: &Pending) -> Result<FileFacts, FileProblem> {
    let reparse = &pending.reparse;
    let path = || reparse.path.to_path_buf();
    if let Some(problem) = &pending.failure {
        return Err(FileProblem::Unparsable {
            path: path(),
            problem: problem.clone(),
        });
    }
    let text = source::read(&reparse.path).map_err(|problem| FileProblem::Unreadable {
        path: path(),
        problem,
    })?;
    if text_hash(&text) != reparse.hash {
        return Err(FileProblem::Unreadable {
            path: path(),
            problem: ReadProblem::Io("changed while it was being checked".to_owned()),
        });
    }
    // The context the scan read the file in, made again: kept, its directories took two
    // allocations per unparsed file.
    let context = FileContext::new(&reparse.path, reparse.module.clone(), reparse.owns_dir);
    super::reduce::scan_source_lean(&text, &context, &pending.triggers).map_err(|problem| {
        FileProblem::Unparsable {
            path: path(),
            problem,
        }
    })
}
