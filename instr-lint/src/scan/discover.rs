//! Finding and scanning the source files of the workspace's crates, in parallel.
//!
//! Each library and binary target is followed from its root file through `mod` items
//! (`#[path]` and inline modules included) exactly as rustc finds files; every file is read,
//! parsed, reduced to facts and dropped by a rayon task that then schedules the files its
//! `mod` items name. A walk of each member's directory afterwards reports `.rs` files no
//! module reaches. Nothing is built or run.
//!
//! Per file, the per-file cache is asked first (by the hash of the text); otherwise the file
//! is reduced to an [`Outcome`] by [`super::analyse`] (parsed, or left to the light scan by
//! the prefilter) and the outcome stored. Files of 256 KiB or more are reduced one at a
//! time, so two large generated files never hold their syntax trees at once.

use foldhash::{HashMap, HashSet, HashSetExt};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::cache::Cache;
use super::facts::{EmissionFacts, ModPath, ModuleFacts, Name};
use super::lazy::{Facts, Reparse, text_hash};
use super::options::ScanOptions;
use super::outcome::Outcome;
use super::prefilter::{Triggers, reads_items_of};
pub use super::problems::FileProblem;
use super::reduce::analyse;
use super::source;
use super::stored::{Contents, RecentModules};
use super::visit::FileContext;
use crate::globs::Globs;
use crate::workspace::{TargetKind, Workspace, lock};

/// A library or binary target being scanned.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Index of its member in [`Workspace::members`].
    pub member: usize,
    /// Its package's name.
    pub package: String,
    /// The target's crate name.
    pub crate_name: String,
    /// Library or binary.
    pub kind: TargetKind,
    /// The root file.
    pub root: PathBuf,
    /// Its package reaches, through its dependencies, a crate whose items detection reads
    /// (a web framework, `instr`, `metrics`; see [`super::prefilter::reads_items_of`]), or
    /// that cannot be known. When false, no code of it can register, mark or emit anything:
    /// its files are not parsed unless a lookup reaches them, and passes over every file
    /// skip them ([`Scan::modules_to_go_over`]).
    pub reaches_frameworks: bool,
}

/// One scanned file and its facts.
#[derive(Debug)]
pub struct ScannedFile {
    /// The file, as reached from its crate root (shared with the handlers found in it).
    pub path: Arc<Path>,
    /// Index into [`Scan::units`].
    pub unit: usize,
    /// What it holds (parsed on demand when the prefilter left it unparsed).
    pub facts: Facts,
}

/// Everything the scan found.
#[derive(Debug, Default)]
pub struct Scan {
    /// The targets scanned.
    pub units: Vec<Unit>,
    /// Scanned files, sorted by unit and path.
    pub files: Vec<ScannedFile>,
    /// Files that could not be scanned, or that nothing reaches.
    pub problems: Vec<FileProblem>,
    /// The modules of the files read last, decoded (see `super::stored`).
    recent: RecentModules,
}

impl Scan {
    /// The modules that a pass over every file reads: those of a parsed file of a unit that
    /// reaches a framework, `instr` or `metrics` ([`Unit::reaches_frameworks`]). Any other
    /// file holds nothing such a pass reads: it was left unparsed for that reason, and if a
    /// lookup parsed it since, or the prefilter is off, its facts are still not read, so that
    /// no answer depends on either.
    pub fn modules_to_go_over(&self, file: usize) -> Option<Arc<[ModuleFacts]>> {
        self.modules_holding(file, |_| true)
    }

    /// As [`Self::modules_to_go_over`], for a pass that reads only some facts: a file whose
    /// modules hold none of them (`reads` is false for its [`Contents`]) gives `None`, without
    /// being decoded.
    pub fn modules_holding(
        &self,
        file: usize,
        reads: impl FnOnce(Contents) -> bool,
    ) -> Option<Arc<[ModuleFacts]>> {
        let scanned = self.files.get(file)?;
        if !self.reaches(scanned) || !reads(scanned.facts.contents()?) {
            return None;
        }
        scanned.facts.parsed_modules(&self.recent, file)
    }

    /// The modules of file `file` when it has been parsed (in the scan or by a lookup),
    /// without parsing it.
    pub fn parsed_modules(&self, file: usize) -> Option<Arc<[ModuleFacts]>> {
        self.files
            .get(file)?
            .facts
            .parsed_modules(&self.recent, file)
    }

    /// What a file says about emission, for a pass over every file: as
    /// [`Self::modules_to_go_over`], `None` for a file such a pass does not read.
    pub fn emission_to_go_over<'s>(
        &'s self,
        file: &'s ScannedFile,
    ) -> Option<std::borrow::Cow<'s, EmissionFacts>> {
        if !self.reaches(file) {
            return None;
        }
        file.facts.emission()
    }

    /// The modules of file `file` (an index into `files`), parsing it first if the scan left
    /// it unparsed (see `super::lazy`).
    pub fn modules(&self, file: usize) -> Arc<[ModuleFacts]> {
        match self.files.get(file) {
            Some(scanned) => scanned.facts.modules(&self.recent, file),
            None => Arc::from([]),
        }
    }

    fn reaches(&self, file: &ScannedFile) -> bool {
        self.units
            .get(file.unit)
            .is_none_or(|unit| unit.reaches_frameworks)
    }

    /// The scanned files' paths, by index, with everything else freed: what findings about
    /// handlers need of the scan once detection is done.
    pub fn into_paths(self) -> Vec<Arc<Path>> {
        let mut paths: Vec<Arc<Path>> = self.files.into_iter().map(|file| file.path).collect();
        // Collected in place, the paths would keep the files' list, five times their size,
        // to the end of the check.
        paths.shrink_to_fit();
        paths
    }

    /// Every problem: those of the scan, and those met since when a lookup parsed a file the
    /// prefilter had left unparsed; in the order of files and positions.
    pub fn all_problems(&self) -> Vec<&FileProblem> {
        let mut all: Vec<&FileProblem> = self
            .problems
            .iter()
            .chain(self.files.iter().filter_map(|file| file.facts.problem()))
            .collect();
        all.sort_by_key(|problem| problem_key(problem));
        all
    }
}

/// The path of the first module a file is (a file reached twice in a unit is two modules).
fn first_module(file: &ScannedFile) -> Option<&[Name]> {
    file.facts.module_paths().first().map(Vec::as_slice)
}

/// Which members to scan.
pub fn units_of(workspace: &Workspace, members: &[usize]) -> Vec<Unit> {
    // Configured handler attributes and modules may come from any crate: then every member
    // counts as reaching.
    let configured = !workspace.config.handler_attributes.is_empty()
        || !workspace.config.handler_modules.is_empty();
    let reaching = if configured {
        vec![true; workspace.members.len()]
    } else {
        lock::members_reaching(workspace, &reads_items_of)
    };
    let mut units = Vec::new();
    for &index in members {
        let Some(member) = workspace.members.get(index) else {
            continue;
        };
        for target in &member.targets {
            if target.kind != TargetKind::Other {
                units.push(Unit {
                    member: index,
                    package: member.name.clone(),
                    crate_name: target.crate_name.clone(),
                    kind: target.kind,
                    root: target.root.clone(),
                    reaches_frameworks: reaching.get(index).copied().unwrap_or(true),
                });
            }
        }
    }
    units
}

struct Shared<'w> {
    workspace: &'w Workspace,
    options: ScanOptions,
    cache: Option<Cache>,
    /// The prefilter of each unit.
    triggers: Vec<Arc<Triggers>>,
    /// Held while a large file is reduced.
    large: Mutex<()>,
    canonical: CanonicalDirs,
    /// `exclude` from configuration, compiled once.
    excluded: Globs,
    /// `(unit, file, module path)` already scanned ([`module_key`]): a file that two `mod`
    /// items name (one through `#[path]`) is two modules, as rustc compiles it, whichever
    /// task gets there first.
    visited: Mutex<HashSet<u128>>,
    /// The files reached ([`path_key`]).
    reached: Mutex<HashSet<u128>>,
    files: Mutex<Vec<ScannedFile>>,
    problems: Mutex<Vec<FileProblem>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic in another task cannot leave these collections half-updated in a way that
    // matters (each push is atomic), so a poisoned lock is still usable.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// Canonical paths of scanned files, resolving each directory once: a file that is no link,
/// named by a plain last component, is its directory's canonical path joined with its name
/// (one `lstat`, where resolving the whole path reads every component).
#[derive(Default)]
struct CanonicalDirs(Mutex<HashMap<PathBuf, PathBuf>>);

impl CanonicalDirs {
    fn of(&self, path: &Path) -> PathBuf {
        let plain = matches!(path.components().next_back(), Some(Component::Normal(_)));
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return canonical(path);
        };
        if !plain
            || dir.as_os_str().is_empty()
            || path
                .symlink_metadata()
                .map_or(true, |meta| meta.file_type().is_symlink())
        {
            return canonical(path);
        }
        if let Some(known) = lock(&self.0).get(dir) {
            return known.join(name);
        }
        let Ok(resolved) = dir.canonicalize() else {
            return canonical(path);
        };
        let file = resolved.join(name);
        lock(&self.0).insert(dir.to_path_buf(), resolved);
        file
    }
}

/// Scans the lib and bin targets of `members` (indices into the workspace's members), with
/// the default [`ScanOptions`].
pub fn scan(workspace: &Workspace, members: &[usize]) -> Scan {
    scan_with(workspace, members, ScanOptions::default())
}

/// Scans the lib and bin targets of `members` with `options`.
pub fn scan_with(workspace: &Workspace, members: &[usize], options: ScanOptions) -> Scan {
    scan_units_with(workspace, units_of(workspace, members), members, options)
}

/// Scans the given units; `.rs` files under `members` that none of them reaches are reported
/// as unreached. (The real-code tests use this to scan example and test programs of
/// published framework crates, which hold their authors' handlers.)
pub fn scan_units(workspace: &Workspace, units: Vec<Unit>, members: &[usize]) -> Scan {
    scan_units_with(workspace, units, members, ScanOptions::default())
}

/// [`scan_units`] with `options`.
pub fn scan_units_with(
    workspace: &Workspace,
    units: Vec<Unit>,
    members: &[usize],
    options: ScanOptions,
) -> Scan {
    let triggers = units
        .iter()
        .map(|unit| {
            Arc::new(
                Triggers::new(
                    &workspace.config,
                    workspace.members.get(unit.member),
                    &unit.crate_name,
                )
                .reaching(unit.reaches_frameworks),
            )
        })
        .collect();
    let shared = Shared {
        workspace,
        options,
        cache: options
            .cache
            .then(|| Cache::open(&workspace.target_dir))
            .flatten(),
        triggers,
        large: Mutex::new(()),
        canonical: CanonicalDirs::default(),
        excluded: Globs::new(&workspace.config.exclude, '/'),
        visited: Mutex::new(HashSet::new()),
        reached: Mutex::new(HashSet::new()),
        files: Mutex::new(Vec::new()),
        problems: Mutex::new(Vec::new()),
    };
    let walked = Mutex::new(Vec::new());
    rayon::scope(|scope| {
        let (shared, walked) = (&shared, &walked);
        scope.spawn(move |_| {
            *lock(walked) = walked_files(workspace, &shared.excluded, members);
        });
        for (index, unit) in units.iter().enumerate() {
            let root = unit.root.clone();
            scope.spawn(move |scope| {
                scan_file(scope, shared, index, root, Vec::new(), true, Vec::new());
            });
        }
    });
    let reached = shared
        .reached
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut problems = shared
        .problems
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    problems.extend(
        walked
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .into_iter()
            .filter(|(_, key)| !reached.contains(key))
            .map(|(path, _)| FileProblem::Unreached { path }),
    );
    let mut files = shared
        .files
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // A file that is two modules sorts by its module path too: the order is the same on
    // every run.
    files.sort_by(|a, b| {
        (a.unit, &a.path)
            .cmp(&(b.unit, &b.path))
            .then_with(|| first_module(a).cmp(&first_module(b)))
    });
    problems.sort_by_key(problem_key);
    Scan {
        units,
        files,
        problems,
        recent: RecentModules::default(),
    }
}

/// Problems sort by file and position; two `mod` items of a file reached as two modules
/// by the files they tried, so the order is the same on every run.
fn problem_key(problem: &FileProblem) -> (PathBuf, usize, Vec<PathBuf>) {
    match problem {
        FileProblem::Unreadable { path, .. } | FileProblem::Unreached { path } => {
            (path.clone(), 0, Vec::new())
        }
        FileProblem::Unparsable { path, problem } => (path.clone(), problem.start, Vec::new()),
        FileProblem::MissingModule {
            path,
            span,
            candidates,
        } => (path.clone(), span.start, candidates.clone()),
    }
}

fn is_excluded(workspace: &Workspace, excluded: &Globs, path: &Path) -> bool {
    if excluded.is_empty() {
        return false;
    }
    let relative = path.strip_prefix(&workspace.root).unwrap_or(path);
    excluded.is_match(&relative.to_string_lossy().replace('\\', "/"))
}

fn scan_file<'s>(
    scope: &rayon::Scope<'s>,
    shared: &'s Shared<'s>,
    unit: usize,
    path: PathBuf,
    module: ModPath,
    owns_dir: bool,
    // The files of the modules above this one: a file that declares itself again is a
    // cycle rustc rejects, and is not followed ([`path_key`]s).
    mut ancestors: Vec<u128>,
) {
    let key = path_key(&shared.canonical.of(&path));
    if ancestors.contains(&key) || !lock(&shared.visited).insert(module_key(unit, key, &module)) {
        return;
    }
    ancestors.push(key);
    lock(&shared.reached).insert(key);
    if is_excluded(shared.workspace, &shared.excluded, &path) {
        return;
    }
    let text = match source::read(&path) {
        Ok(text) => text,
        Err(problem) => {
            lock(&shared.problems).push(FileProblem::Unreadable { path, problem });
            return;
        }
    };
    let context = FileContext::new(&path, module, owns_dir);
    let hash = text_hash(&text);
    let triggers = &shared.triggers[unit];
    let prefilter = shared.options.prefilter;
    let key = Cache::key(hash, &context, triggers.fingerprint(), prefilter);
    let cached = shared.cache.as_ref().and_then(|cache| cache.read(key));
    let outcome = cached.unwrap_or_else(|| {
        let _large = (text.len() >= source::CHUNKED_FROM).then(|| lock(&shared.large));
        let outcome = analyse(&text, &context, triggers, prefilter);
        if let Some(cache) = &shared.cache {
            cache.write(key, &outcome);
        }
        outcome
    });
    drop(text);
    // Shared by the scan's file, its facts, its handlers and the report.
    let shared_path: Arc<Path> = Arc::from(path.as_path());
    // The `mod` items are read here, to go on to their files, and by nothing after the scan:
    // they are taken out rather than kept with the facts (a file with many of them, a crate
    // root, keeps each one's candidate paths).
    let (facts, children) = match outcome {
        Outcome::Parsed(mut stored) => {
            let children = std::mem::take(&mut stored.children);
            (Facts::parsed_from(stored), children)
        }
        Outcome::Light {
            mut light,
            words,
            failure,
        } => {
            let children = std::mem::take(&mut light.children);
            let reparse = Reparse {
                path: Arc::clone(&shared_path),
                module: context.module,
                owns_dir,
                hash,
            };
            let facts = Facts::pending(light, words, failure, reparse, Arc::clone(triggers));
            (facts, children)
        }
        Outcome::Failed(problem) => {
            lock(&shared.problems).push(FileProblem::Unparsable { path, problem });
            return;
        }
    };
    for child in children {
        // A symlink loop is "there" (its read fails and is reported), not missing.
        let found = child.candidates.iter().find(|candidate| {
            candidate.is_file()
                || candidate
                    .symlink_metadata()
                    .is_ok_and(|meta| meta.file_type().is_symlink())
        });
        match found {
            Some(file) if child.test_only => mark_test_module(shared, file),
            Some(file) => {
                let owns =
                    child.from_path_attr || file.file_name().is_some_and(|name| name == "mod.rs");
                let file = file.clone();
                let module = child.path;
                let ancestors = ancestors.clone();
                scope.spawn(move |scope| {
                    scan_file(scope, shared, unit, file, module, owns, ancestors)
                });
            }
            None if child.conditional || child.test_only => {}
            None => lock(&shared.problems).push(FileProblem::MissingModule {
                path: path.clone(),
                span: child.span,
                candidates: child.candidates,
            }),
        }
    }
    lock(&shared.files).push(ScannedFile {
        path: shared_path,
        unit,
        facts,
    });
}

/// A file's canonical path as the scan's bookkeeping knows it: a 128-bit hash (two paths
/// share one with a chance far below that of any hardware fault). The sets of files visited
/// and reached grow with the workspace and are freed when the scan ends, after the facts
/// were made among them: as paths, one or two allocations each, they left the scanning
/// threads' memory in small pieces that later allocations did not fit in.
fn path_key(path: &Path) -> u128 {
    xxhash_rust::xxh3::xxh3_128(path.as_os_str().as_encoded_bytes())
}

/// A module of a unit, as [`Shared::visited`] knows it: the unit, the file's [`path_key`]
/// and the module path, hashed.
fn module_key(unit: usize, file: u128, module: &[Name]) -> u128 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&(unit as u64).to_le_bytes());
    hasher.update(&file.to_le_bytes());
    for name in module {
        hasher.update(name.as_bytes());
        // No name holds this byte (it is not UTF-8): `a::bc` and `ab::c` differ.
        hasher.update(&[0xff]);
    }
    hasher.digest128()
}

/// A `#[cfg(test)] mod x;` file and everything under its directory count as reached.
fn mark_test_module(shared: &Shared<'_>, file: &Path) {
    let mut reached = lock(&shared.reached);
    reached.insert(path_key(&shared.canonical.of(file)));
    let dir = if file.file_name().is_some_and(|name| name == "mod.rs") {
        file.parent().map(Path::to_path_buf)
    } else {
        file.parent()
            .zip(file.file_stem())
            .map(|(parent, stem)| parent.join(stem))
    };
    if let Some(dir) = dir.filter(|dir| dir.is_dir()) {
        for entry in walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(Result::ok)
        {
            reached.insert(path_key(&canonical(entry.path())));
        }
    }
}

/// `.rs` files under the scanned members that a module may reach, with their canonical
/// paths' [`path_key`]: the walk skips `target/`, hidden directories, nested packages, excluded paths, and
/// the directories of test, bench, example and build-script targets (which are not scanned
/// for handlers). It does not depend on the scan, and runs beside it; those no module
/// reached are reported.
fn walked_files(
    workspace: &Workspace,
    excluded: &Globs,
    members: &[usize],
) -> Vec<(PathBuf, u128)> {
    let mut out = Vec::new();
    let target_dir = canonical(&workspace.target_dir);
    for &index in members {
        let Some(member) = workspace.members.get(index) else {
            continue;
        };
        let mut other_roots = HashSet::new();
        let mut other_dirs = Vec::new();
        for target in &member.targets {
            if target.kind == TargetKind::Other {
                other_roots.insert(canonical(&target.root));
                if let Some(parent) = target.root.parent()
                    && canonical(parent) != canonical(&member.dir)
                    && !parent.ends_with("src")
                {
                    other_dirs.push(canonical(parent));
                }
            }
        }
        let member_dir = canonical(&member.dir);
        // Links are not followed, so below the member's (canonical) directory a path that is
        // not itself a link is canonical as it stands: no system call per file.
        let canonical_entry =
            |entry: &walkdir::DirEntry| match entry.path().strip_prefix(&member.dir) {
                Ok(relative) if !entry.path_is_symlink() => member_dir.join(relative),
                _ => canonical(entry.path()),
            };
        let walker = walkdir::WalkDir::new(&member.dir)
            .follow_links(false)
            .into_iter()
            .filter_entry(|entry| {
                let path = entry.path();
                if entry.depth() == 0 {
                    return true;
                }
                let name = entry.file_name().to_string_lossy();
                if entry.file_type().is_dir() {
                    let canonical_dir = canonical_entry(entry);
                    return !(name.starts_with('.')
                        || canonical_dir == target_dir
                        || path.join("CACHEDIR.TAG").is_file()
                        || (canonical_dir != member_dir && path.join("Cargo.toml").is_file())
                        || other_dirs.iter().any(|dir| canonical_dir.starts_with(dir)));
                }
                true
            });
        for entry in walker.filter_map(Result::ok) {
            let path = entry.path();
            if !entry.file_type().is_file() || path.extension().is_none_or(|ext| ext != "rs") {
                continue;
            }
            let key = canonical_entry(&entry);
            if other_roots.contains(&key) || is_excluded(workspace, excluded, path) {
                continue;
            }
            out.push((path.to_path_buf(), path_key(&key)));
        }
    }
    out
}
