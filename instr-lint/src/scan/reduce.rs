//! One file's text reduced to what the scan keeps of it: parsed whole ([`scan_source`]),
//! parsed lean ([`scan_source_lean`]), or left to the light scan ([`analyse`]).

use super::bodies;
use super::facts;
use super::light;
use super::outcome::Outcome;
use super::prefilter::{self, Triggers};
use super::source::{self, ParseProblem, PieceOutcome};
use super::stored::StoredFile;
use super::visit::{FileContext, FileVisitor};
use super::words::WordSet;

/// Parses one file's text (in chunks when it is large) and reduces it to facts. The syntax
/// tree is dropped before this returns.
pub fn scan_source(text: &str, context: &FileContext) -> Result<facts::FileFacts, ParseProblem> {
    visit_text(text, context).map(|(facts, _)| facts)
}

/// [`scan_source`] with the bodies of functions that hold nothing detection reads blanked
/// first (`bodies`): the same facts for less parsing. A blanked body in which the parse
/// shows the file binds a name that matters (an alias of `metrics`, a name imported from a
/// crate the detectors read) is read after all: the file is parsed as it is. So is a file
/// whose blanked text does not parse, so the error is syn's on the real text.
pub fn scan_source_lean(
    text: &str,
    context: &FileContext,
    triggers: &Triggers,
) -> Result<facts::FileFacts, ParseProblem> {
    let stripped = light::without_comments(text);
    lean(text, stripped.as_deref().unwrap_or(text), context, triggers)
}

/// [`scan_source_lean`] with the text the words are looked for in (`search`: the text without
/// its comments, or the text).
fn lean(
    text: &str,
    search: &str,
    context: &FileContext,
    triggers: &Triggers,
) -> Result<facts::FileFacts, ParseProblem> {
    // What syn reads is `search`: its comments are spaces, so doc comments (the bulk of a
    // library's attributes, which no fact keeps, see `FileVisitor::attrs`) cost no parsing;
    // every offset is the text's, and every fact is taken from tokens, never from an item's
    // span that would start at its doc comment. When it does not parse, the text is parsed
    // as it is, so an error is always syn's on the real text.
    //
    // warp routes are values: what a function body does with a filter (binds, serves, returns
    // it) decides its handlers, and none of that needs a word (`super::warp`). A file that
    // may import warp keeps every body.
    if prefilter::has_word(search.as_bytes(), "warp") {
        return scan_source(search, context).or_else(|_| scan_source(text, context));
    }
    let Some(blanked) = bodies::blank(search, search, &|body| triggers.body_needed(body)) else {
        return scan_source(search, context).or_else(|_| scan_source(text, context));
    };
    let Ok((facts, mut names)) = visit_text(&blanked.text, context) else {
        return scan_source(text, context);
    };
    for module in &facts.modules {
        for import in &module.uses {
            if import
                .target
                .iter()
                .any(|segment| triggers.is_word(segment))
            {
                names.push(import.name.to_string());
            }
        }
    }
    let matters = blanked.ranges.iter().any(|&(start, end)| {
        let body = search.get(start..end).unwrap_or(&text[start..end]);
        names
            .iter()
            .any(|name| prefilter::has_word(body.as_bytes(), name))
    });
    if matters {
        return scan_source(search, context).or_else(|_| scan_source(text, context));
    }
    Ok(facts)
}

/// Parses and visits `text`; the facts and the names the file binds.
fn visit_text(
    text: &str,
    context: &FileContext,
) -> Result<(facts::FileFacts, Vec<String>), ParseProblem> {
    let mut visitor = FileVisitor::new(context);
    let outcome = source::parse_pieces(text, &mut |file, base| visitor.visit_piece(file, base));
    let outcome = match outcome {
        PieceOutcome::ChunkRejected => {
            visitor = FileVisitor::new(context);
            match source::parse_whole(text, &mut |file, base| visitor.visit_piece(file, base)) {
                Ok(()) => PieceOutcome::Parsed,
                Err(problem) => PieceOutcome::Failed(problem),
            }
        }
        other => other,
    };
    match outcome {
        PieceOutcome::Failed(problem) => Err(problem),
        _ => {
            let names = visitor.bound_names();
            Ok((visitor.finish(), names))
        }
    }
}

/// What the scan keeps of one file. With the prefilter, a file it finds nothing in is not
/// parsed (light facts), and the others are parsed lean ([`scan_source_lean`]). Without, every
/// file is parsed whole. Both ways a file counts as parsing when its lean parse does (a syntax
/// error confined to function bodies that hold nothing detection reads changes no fact; rustc
/// reports it), and a file that does not parse but that the prefilter would have left unparsed
/// keeps light facts and its error, reported only if a lookup needs the file: both ways
/// report the same findings.
pub fn analyse(text: &str, context: &FileContext, triggers: &Triggers, prefilter: bool) -> Outcome {
    if prefilter {
        // One reading of the file gives its modules and its text without comments.
        let (modules, stripped) = light::modules_and_search(text, context);
        let search = stripped.as_deref().unwrap_or(text);
        if let Some(light) = triggers.light_facts(search, modules) {
            return Outcome::Light {
                light: StoredFile::of(light),
                words: WordSet::of(text.as_bytes()),
                failure: None,
            };
        }
        return match lean(text, search, context, triggers) {
            Ok(facts) => Outcome::Parsed(StoredFile::of(facts)),
            Err(problem) => Outcome::Failed(problem),
        };
    }
    let stripped = light::without_comments(text);
    let search = stripped.as_deref().unwrap_or(text);
    let parsed = scan_source(text, context)
        .or_else(|problem| lean(text, search, context, triggers).map_err(|_| problem));
    match parsed {
        Ok(facts) => Outcome::Parsed(StoredFile::of(facts)),
        Err(problem) => triggers
            .light_facts(search, light::module_facts(text, context))
            .map_or(Outcome::Failed(problem.clone()), |light| Outcome::Light {
                light: StoredFile::of(light),
                words: WordSet::of(text.as_bytes()),
                failure: Some(problem),
            }),
    }
}
