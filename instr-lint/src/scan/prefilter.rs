//! The prefilter: which files need a syn parse, decided from their bytes.
//!
//! Detection reads two kinds of facts. Some are looked up by name (a function a route names,
//! a `use`, a type's methods, a module's `include_proto!`): a file holding only those is not
//! parsed during the scan; its module declarations come from the light scan
//! (`super::light`) and it is parsed on demand the first time a lookup reaches it
//! (`super::lazy`). The others are found by going over every file (route registrations,
//! mounts, route and instr attributes, tonic and hand-written handler impls, emitted
//! metrics, raw metrics macros, `instr::schema!`, functions in `handler-modules`): a file
//! holding any of them is parsed. Each of those facts can only come from a file in which one
//! of the words below occurs (in code, or for safety anywhere: comments and strings count),
//! so a file without any of them is left to the light scan. The words are kept here, grouped
//! by the detector they stand for; `tests/prefilter.rs` reads the detection code and fails
//! when a name it compares against is covered by none of them, and compares findings with and
//! without the prefilter on every fixture, on published crates and on generated code.

use std::collections::HashMap as StdHashMap;
use std::sync::{Arc, Mutex, OnceLock};

use foldhash::HashMap;
use instr_schema::model::HTTP_METHODS;
use xxhash_rust::xxh3::xxh3_64;

use super::bodies::ITEM_KEYWORDS;
use super::facts::{FileFacts, Name};
use super::words::{is_word_byte, word_runs};
use crate::globs::Globs;
use crate::workspace::Member;
use crate::workspace::config::Config;

/// Crates whose paths detection reads (`instr::handler`, `metrics::X`, `events::X`, an
/// attribute or a method router resolving into a framework, a hand-written handler trait).
/// A `use` that brings one of their items in under another name still names the crate.
pub const CRATES: &[&str] = &[
    "instr",
    "metrics",
    "events",
    "axum",
    "actix_web",
    "actix_files",
    "rocket",
    "poem",
    "poem_openapi",
    "tonic",
    "warp",
    "tower_http",
];

/// True for a package whose items detection reads (one of [`CRATES`], `-` read as `_`): a
/// crate that reaches none of them through its dependencies cannot register, mark or emit
/// anything the checker looks for.
pub fn reads_items_of(package: &str) -> bool {
    let as_crate = || package.bytes().map(|b| if b == b'-' { b'_' } else { b });
    CRATES.iter().any(|name| name.bytes().eq(as_crate()))
}

/// Methods that register routes, mount routers or serve endpoints, read only as method
/// calls (`.route(..)`, `.nest(..)`, `.service(..)`, `.at(..)`, `.fallback(..)`): they count
/// after a `.`, so `at` or `service` in prose does not.
pub const REGISTRATION_METHODS: &[&str] = &[
    "route",
    "route_service",
    "nest",
    "nest_service",
    "nest_no_strip",
    "merge",
    "configure",
    "service",
    "mount",
    "at",
    "fallback",
    "fallback_service",
    "default_service",
];

/// Functions and types that build registrations: `web::resource(..)`, `resource(..)`,
/// `Resource::new(..)`, and the static-file services.
pub const REGISTRATIONS: &[&str] = &["resource", "Resource", "ServeDir", "ServeFile", "Files"];

/// Words of a framework's own crate, which writes its traits without its name
/// (`impl crate::Endpoint for StaticFilesEndpoint`): the hand-written handler traits.
pub const OWN_CRATE_WORDS: &[&str] = &["Handler", "Endpoint"];

/// Other words that need a parse: `oai` marks poem-openapi operations.
pub const OTHER_WORDS: &[&str] = &["oai"];

/// Macros read by name, wherever they come from: warp's `path!`, rocket's `routes!`, and
/// item-level `include!`, which joins files into one module (its imports explain the
/// included file's attributes).
pub const MACROS: &[&str] = &["path", "routes", "include"];

/// Attribute names read without a path: `#[get("/")]` is rocket's or actix-web's by the
/// package's dependencies; `#[route]`, `#[routes]`, `#[query]` likewise. (The HTTP methods in
/// lower case are added to these.)
pub const ATTRIBUTES: &[&str] = &["route", "routes", "query"];

/// Attribute names read as the last segment of any attribute path: the string options of
/// `#[...::handler(...)]` may name metrics.
pub const ATTRIBUTE_SEGMENTS: &[&str] = &["handler"];

/// Endings of words: tonic generates a `<service>_server` module, which a service impl names.
pub const SUFFIXES: &[&str] = &["_server"];

/// Functions that build a method router on their own (`let h = get(f);`, `routing::any(f)`,
/// `get_service(s)`), read as calls that are not method calls. (The HTTP methods in lower
/// case are added to these; `_service` is an ending.) Detection keeps such a router only when
/// its function resolves into axum or poem, whose names then show too, but the facts record
/// every one.
pub const ROUTER_FUNCTIONS: &[&str] = &["any", "on"];

/// warp's file services, read as calls that are not method calls: `fs::dir(..)` and
/// `fs::file(..)` start a filter chain of their own, also where `fs` comes from an import
/// elsewhere (a glob, a re-export) and the file names no `warp`.
pub const FILE_SERVICES: &[&str] = &["dir", "file"];

/// The ending of the `*_service` router functions.
pub const ROUTER_FUNCTION_SUFFIX: &str = "_service";

/// How a word must stand to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Stance {
    /// A whole word.
    Word,
    /// A whole word followed by `!`.
    Macro,
    /// A whole word after `.`: a method call.
    Method,
    /// A whole word called as a function, not as a method (`get(`, `routing::get(`).
    Call,
    /// The end of a word called as a function (`get_service(`).
    CallSuffix,
    /// A whole word right after `#[` or `#![`.
    Attribute,
    /// A whole word after `#[`, `#![` or `::`.
    AttributeSegment,
    /// The end of a word.
    Suffix,
}

/// The prefilter of one crate: the words above, the crate's renamed dependencies and
/// configured handler attributes, and its `handler-modules`.
#[derive(Debug)]
pub struct Triggers {
    matchers: Arc<Matchers>,
    handler_modules: Globs,
    crate_name: String,
    /// False for a crate that reaches no crate detection reads ([`reads_items_of`]): then no
    /// word makes a file parsed.
    reaches_frameworks: bool,
    fingerprint: u64,
}

/// The word tables of one set of words, built once per process for each set.
#[derive(Debug)]
struct Matchers {
    /// The words, as they must stand.
    file: WordTable,
    /// The words that keep a function body (`super::bodies`): the words above and the item
    /// keywords, with their stances (attribute names only stand in attributes, which in a
    /// body are on items, whose keyword keeps it).
    body: WordTable,
    /// The plain words, for imports.
    plain: Vec<String>,
}

/// The word tables built so far, by their words.
type Built = StdHashMap<Vec<(String, Stance)>, Arc<Matchers>>;

/// Words by their text, and endings, each with the stances it counts in.
#[derive(Debug, Default)]
struct WordTable {
    whole: HashMap<Box<[u8]>, Vec<Stance>>,
    /// Bit `n` set when some whole word is `n` bytes long (up to 63): most runs of a file
    /// are not looked up at all.
    lengths: u64,
    /// Bit `b` set when some whole word starts with byte `b`: with `lengths`, most runs are
    /// passed over without hashing them.
    firsts: [u64; 4],
    endings: Vec<(Box<[u8]>, Stance)>,
}

impl WordTable {
    fn of(words: &[(String, Stance)]) -> Self {
        let mut table = Self::default();
        for (word, stance) in words {
            match stance {
                Stance::Suffix | Stance::CallSuffix => {
                    table.endings.push((word.as_bytes().into(), *stance));
                }
                _ => {
                    table.lengths |= 1 << word.len().min(63);
                    if let Some(&first) = word.as_bytes().first() {
                        table.firsts[usize::from(first / 64)] |= 1 << (first % 64);
                    }
                    table
                        .whole
                        .entry(word.as_bytes().into())
                        .or_default()
                        .push(*stance);
                }
            }
        }
        table
    }

    /// True when one of the words occurs in `bytes` as it must stand. `bytes` is read one
    /// run of word bytes at a time: every word starts and ends a run.
    fn found(&self, bytes: &[u8]) -> bool {
        for (start, end) in word_runs(bytes) {
            let run = &bytes[start..end];
            let first = run[0];
            if self.lengths & (1 << run.len().min(63)) != 0
                && self.firsts[usize::from(first / 64)] & (1 << (first % 64)) != 0
                && let Some(stances) = self.whole.get(run)
                && stances
                    .iter()
                    .any(|stance| stands(bytes, start, end, *stance))
            {
                return true;
            }
            // Most runs end in none of the endings: their last byte says so before any compare.
            let last = bytes[end - 1];
            if self.endings.iter().any(|(ending, stance)| {
                ending.last() == Some(&last)
                    && run.ends_with(ending)
                    && stands(bytes, end - ending.len(), end, *stance)
            }) {
                return true;
            }
        }
        false
    }
}

impl Matchers {
    fn of(words: &[(String, Stance)]) -> Arc<Self> {
        static BUILT: OnceLock<Mutex<Built>> = OnceLock::new();
        let built = BUILT.get_or_init(|| Mutex::new(StdHashMap::new()));
        let mut built = built
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(known) = built.get(words) {
            return Arc::clone(known);
        }
        let mut body_words: Vec<(String, Stance)> = words
            .iter()
            .filter(|(_, stance)| !matches!(stance, Stance::Attribute | Stance::AttributeSegment))
            .cloned()
            .collect();
        for keyword in ITEM_KEYWORDS {
            if !body_words.iter().any(|(word, _)| word == keyword) {
                body_words.push(((*keyword).to_owned(), Stance::Word));
            }
        }
        let matchers = Arc::new(Self {
            file: WordTable::of(words),
            body: WordTable::of(&body_words),
            plain: words
                .iter()
                .filter(|(_, stance)| *stance == Stance::Word)
                .map(|(word, _)| word.clone())
                .collect(),
        });
        built.insert(words.to_vec(), Arc::clone(&matchers));
        matchers
    }
}

impl Triggers {
    /// The prefilter for crate `crate_name` of `member`, under `config`.
    pub fn new(config: &Config, member: Option<&Member>, crate_name: &str) -> Self {
        // A word may stand several ways (`route`: a method call or an attribute).
        let mut words: Vec<(String, Stance)> = Vec::new();
        let mut add = |word: &str, stance: Stance| {
            if !word.is_empty() && !words.iter().any(|(w, s)| w == word && *s == stance) {
                words.push((word.to_owned(), stance));
            }
        };
        for word in CRATES.iter().chain(REGISTRATIONS).chain(OTHER_WORDS) {
            add(word, Stance::Word);
        }
        for word in REGISTRATION_METHODS {
            add(word, Stance::Method);
        }
        for word in MACROS {
            add(word, Stance::Macro);
        }
        let methods: Vec<String> = HTTP_METHODS
            .iter()
            .map(|m| m.to_ascii_lowercase())
            .collect();
        for word in ATTRIBUTES
            .iter()
            .copied()
            .chain(methods.iter().map(String::as_str))
        {
            add(word, Stance::Attribute);
        }
        for word in ROUTER_FUNCTIONS
            .iter()
            .chain(FILE_SERVICES)
            .copied()
            .chain(methods.iter().map(String::as_str))
        {
            add(word, Stance::Call);
        }
        add(ROUTER_FUNCTION_SUFFIX, Stance::CallSuffix);
        for word in ATTRIBUTE_SEGMENTS {
            add(word, Stance::AttributeSegment);
        }
        for word in SUFFIXES {
            add(word, Stance::Suffix);
        }
        // A configured attribute is recognised by its last segment, or by its whole path whose
        // last segment is then written too.
        for attribute in &config.handler_attributes {
            add(
                attribute.rsplit("::").next().unwrap_or(attribute),
                Stance::Word,
            );
        }
        if CRATES.contains(&crate_name) {
            for word in OWN_CRATE_WORDS {
                add(word, Stance::Word);
            }
        }
        // `web = { package = "actix-web" }`: code names the crate `web`.
        for (used, package) in member.map(|m| m.dependencies.as_slice()).unwrap_or(&[]) {
            if *used != package.replace('-', "_") {
                add(used, Stance::Word);
            }
        }
        words.sort();
        let mut fingerprint_input = String::new();
        for (word, stance) in &words {
            fingerprint_input.push_str(&format!("{word}:{stance:?};"));
        }
        fingerprint_input.push_str(&format!(
            "modules:{:?};crate:{crate_name}",
            config.handler_modules
        ));
        Self {
            matchers: Matchers::of(&words),
            handler_modules: Globs::new(&config.handler_modules, ':'),
            crate_name: crate_name.to_owned(),
            reaches_frameworks: true,
            fingerprint: xxh3_64(fingerprint_input.as_bytes()),
        }
    }

    /// The same prefilter for a crate that reaches (`true`) or does not reach a crate
    /// detection reads, through its dependencies (`Unit::reaches_frameworks`).
    #[must_use]
    pub fn reaching(mut self, reaches_frameworks: bool) -> Self {
        if !reaches_frameworks {
            self.fingerprint =
                xxh3_64(&[&self.fingerprint.to_le_bytes()[..], b"unreached"].concat());
        }
        self.reaches_frameworks = reaches_frameworks;
        self
    }

    /// A digest of everything that decides the prefilter's answers, for cache keys.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// True when one of the words occurs in `bytes` as it must stand.
    pub fn present(&self, bytes: &[u8]) -> bool {
        self.matchers.file.found(bytes)
    }

    /// True when a function body must be parsed: it holds a word, or an item keyword.
    pub(crate) fn body_needed(&self, body: &str) -> bool {
        self.matchers.body.found(body.as_bytes())
    }

    /// True when `word` is one of the plain words (a crate, a registration, a configured
    /// attribute, a renamed dependency).
    pub(crate) fn is_word(&self, word: &str) -> bool {
        self.matchers.plain.iter().any(|known| known == word)
    }

    /// The light facts of a file that needs no parse (its module declarations, `modules` as
    /// `light::module_facts` reads them), or `None` when it must be parsed. `search` is the
    /// text the words are looked for in: the file without its comments, when the lexer could
    /// tell them (`light::without_comments`).
    pub(crate) fn light_facts(
        &self,
        search: &str,
        modules: Option<FileFacts>,
    ) -> Option<FileFacts> {
        if self.reaches_frameworks && self.present(search.as_bytes()) {
            return None;
        }
        let facts = modules?;
        let configured = !self.handler_modules.is_empty()
            && facts.modules.iter().any(|module| {
                module_matches(&self.handler_modules, &self.crate_name, &module.path)
            });
        (!configured).then_some(facts)
    }
}

/// True when `module` of crate `crate_name` matches `handler-modules` (written with the
/// crate's name or `crate`).
pub(crate) fn module_matches(globs: &Globs, crate_name: &str, module: &[Name]) -> bool {
    let with = |head: &str| {
        let mut text = head.to_owned();
        for segment in module {
            text.push_str("::");
            text.push_str(segment);
        }
        text
    };
    globs.is_match(&with(crate_name)) || globs.is_match(&with("crate"))
}

/// True when `word` occurs in `bytes` as a whole word.
pub(crate) fn has_word(bytes: &[u8], word: &str) -> bool {
    let word = word.strip_prefix("r#").unwrap_or(word);
    if word.is_empty() {
        return false;
    }
    memchr::memmem::find_iter(bytes, word.as_bytes())
        .any(|start| stands(bytes, start, start + word.len(), Stance::Word))
}

/// The last byte before `at` that is not whitespace. The end of a block comment reads as
/// `*`: whatever the comment hides may be the byte looked for, so a stance accepts `*`.
fn before(bytes: &[u8], at: usize) -> Option<(usize, u8)> {
    bytes[..at]
        .iter()
        .rposition(|byte| !byte.is_ascii_whitespace())
        .map(|index| match bytes[index] {
            b'/' if index > 0 && bytes[index - 1] == b'*' => (index, b'*'),
            byte => (index, byte),
        })
}

fn after(bytes: &[u8], at: usize) -> Option<u8> {
    bytes[at..]
        .iter()
        .copied()
        .find(|byte| !byte.is_ascii_whitespace())
}

/// After `#[` or `#![`; a block comment in between counts, to be safe.
fn after_attribute_open(bytes: &[u8], at: usize) -> bool {
    match before(bytes, at) {
        Some((_, b'*')) => true,
        Some((open, b'[')) => match before(bytes, open) {
            Some((_, b'#' | b'*')) => true,
            Some((bang, b'!')) => matches!(before(bytes, bang), Some((_, b'#' | b'*'))),
            _ => false,
        },
        _ => false,
    }
}

fn stands(bytes: &[u8], start: usize, end: usize, stance: Stance) -> bool {
    let left = start == 0 || !is_word_byte(bytes[start - 1]);
    let right = end == bytes.len() || !is_word_byte(bytes[end]);
    let called = || {
        matches!(after(bytes, end), Some(b'(' | b'/'))
            && !matches!(before(bytes, start), Some((_, b'.')))
    };
    match stance {
        Stance::Suffix => right,
        Stance::CallSuffix => right && called(),
        _ if !(left && right) => false,
        Stance::Call => called(),
        Stance::Word => true,
        // A comment after the name may hide the `!`.
        Stance::Macro => matches!(after(bytes, end), Some(b'!' | b'/')),
        Stance::Method => matches!(before(bytes, start), Some((_, b'.' | b'*'))),
        Stance::Attribute => after_attribute_open(bytes, start),
        Stance::AttributeSegment => {
            after_attribute_open(bytes, start)
                || matches!(before(bytes, start), Some((_, b':' | b'*')))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn triggers() -> Triggers {
        Triggers::new(&Config::default(), None, "app")
    }

    /// Each stance: where a word counts and where it does not.
    #[test]
    fn words_count_where_they_stand() {
        let t = triggers();
        for text in [
            "use axum::Router;",
            "x.route(\"/\", get(h))",
            "Route::new()\n    .at(\"/\", ep)",
            "include!(\"x.rs\");",
            "warp::path!(\"a\")",
            "path !(\"a\")",
            "#[get(\"/\")]",
            "# [ post (\"/\") ]",
            "#![get]",
            "#[poem::handler]",
            "#[ handler ]",
            "impl pb::greeter_server::Greeter for S {}",
            "// mentions rocket in a comment",
            "#[/* sneaky */ get(\"/\")]",
        ] {
            assert!(t.present(text.as_bytes()), "{text}");
        }
        for text in [
            "map.get(&key)",
            "let routes_total = 0;",
            "fn path() -> PathBuf { todo!() }",
            "struct ErrorHandler; fn handler() {}",
            "let servers_server1 = 1;",
            "let serviceable = true;",
            "// at the end, the service is mounted: merge it",
            "fn include() {}",
            "",
        ] {
            assert!(!t.present(text.as_bytes()), "{text}");
        }
    }

    /// Configured attributes and renamed dependencies are words of their crate.
    #[test]
    fn configuration_adds_words() {
        let config = Config {
            handler_attributes: vec!["my_web::endpoint".to_owned()],
            ..Config::default()
        };
        let t = Triggers::new(&config, None, "app");
        assert!(t.present(b"#[endpoint] fn f() {}"));
        assert!(!triggers().present(b"#[endpoint] fn f() {}"));
        assert_ne!(t.fingerprint(), triggers().fingerprint());
    }
}
