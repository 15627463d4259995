//! Name resolution across the scanned files: which function a path written in some module
//! refers to, following `use` (with aliases and re-exports), `self`/`super`/`crate`, child
//! modules, glob imports and the workspace's own library crates. Anything else is external.

use std::cell::RefCell;
use std::collections::hash_map::Entry;
use std::ops::Deref;
use std::sync::Arc;
// foldhash: these tables are hashed on every lookup step; SipHash's resistance to chosen keys
// buys nothing here and cost a tenth of a re-check.
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::scan::discover::Scan;
use crate::scan::facts::{FnFact, ModPath, ModuleFacts, Name, WrittenPath};
use crate::workspace::{TargetKind, Workspace};

/// A function or method in the scanned code, by where its facts are. Ordered as files,
/// modules and functions are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct FnId {
    /// Index into the scan's files.
    pub file: usize,
    /// Index of its module among the file's modules.
    pub module: usize,
    /// Index among the module's functions.
    pub function: usize,
}

/// What a path refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// A function or method in the scanned code.
    Fn(FnId),
    /// Something outside the scanned code (another crate), as an absolute path.
    External(Vec<Name>),
    /// Nothing that could be found.
    Unresolved,
}

/// What a lookup found: the item, a method (functions only), something of another crate, or
/// nothing.
enum Found<T> {
    Item(T),
    Method(FnId),
    External(Vec<Name>),
    Unresolved,
}

/// Where one part of a module's facts is: `(file index, module index)`. A module is one
/// file or inline block, plus any `include!`d file.
type Part = (usize, usize);

/// The lookup tables, built once per scan.
pub(crate) struct Index<'s> {
    scan: &'s Scan,
    /// `(unit, module path)` to where its facts are: the first part. Keys borrow from the
    /// scan: the index costs no copy of any name.
    modules: HashMap<(usize, &'s [Name]), Part>,
    /// The parts after the first, for the few modules that have more than one: a list for
    /// every module took an allocation per file at the peak of detection.
    more_parts: HashMap<(usize, &'s [Name]), Vec<Part>>,
    /// Every method among the files parsed when the index was built, by a hash of `(unit,
    /// type name, method)` and then in declaration order: [`Self::method`] takes the first
    /// whose names match. A sorted list of 16-byte entries, not a map: a workspace declares
    /// a method or several per file, and a map's entries (the names borrowed, the id, the
    /// table's slack) cost the peak of detection about 70 bytes each.
    methods: Vec<MethodEntry>,
    /// Per unit, the files not parsed when the index was built, in order: a method is looked
    /// for in those that may contain both names, parsing them then.
    unparsed: Vec<Vec<usize>>,
    /// Library crate names of scanned members, to their unit.
    libs: HashMap<String, usize>,
    /// Per unit: dependency names as used in code, to the package name with `_`.
    deps: Vec<HashMap<String, String>>,
    /// The glob imports being followed: `(unit, module, glob)`.
    expanding: RefCell<HashSet<(usize, ModPath, WrittenPath)>>,
    /// Per unit: type names a `Middleware` impl gives as its `Output`, and structs holding
    /// an endpoint (types whose `impl Endpoint` serves through another endpoint), among the
    /// files parsed when the index was built; the others are read by lookup.
    wrappers: HashMap<usize, Vec<Name>>,
}

const MAX_DEPTH: usize = 24;

impl<'s> Index<'s> {
    /// Builds the tables for `scan`.
    pub(crate) fn new(workspace: &Workspace, scan: &'s Scan) -> Self {
        let mut modules: HashMap<(usize, &'s [Name]), Part> = HashMap::new();
        let mut more_parts: HashMap<(usize, &'s [Name]), Vec<Part>> = HashMap::new();
        let mut methods: Vec<MethodEntry> = Vec::new();
        let mut unparsed = vec![Vec::new(); scan.units.len()];
        let mut wrappers: HashMap<usize, Vec<Name>> = HashMap::new();
        for (file_index, file) in scan.files.iter().enumerate() {
            // Module paths are known without parsing; the light scan finds the same ones.
            for (module_index, path) in file.facts.module_paths().iter().enumerate() {
                let key = (file.unit, path.as_slice());
                let part = (file_index, module_index);
                match modules.entry(key) {
                    Entry::Vacant(first) => {
                        first.insert(part);
                    }
                    Entry::Occupied(_) => more_parts.entry(key).or_default().push(part),
                }
            }
            let Some(facts) = scan.parsed_modules(file_index) else {
                if let Some(list) = unparsed.get_mut(file.unit) {
                    list.push(file_index);
                }
                continue;
            };
            for module in facts.iter() {
                wrappers
                    .entry(file.unit)
                    .or_default()
                    .extend(wrapper_types(module).cloned());
            }
            let functions = facts.iter().flat_map(|module| &module.fns);
            for (nth, function) in functions.enumerate() {
                if let Some(ty) = &function.self_ty
                    && let Some(entry) =
                        MethodEntry::new(method_key(file.unit, ty, &function.name), file_index, nth)
                {
                    methods.push(entry);
                }
            }
        }
        // Ids grow with files, modules and functions: within one key, the first declared
        // comes first.
        methods.sort_unstable();
        methods.shrink_to_fit();
        let libs = scan
            .units
            .iter()
            .enumerate()
            .filter(|(_, unit)| unit.kind == TargetKind::Lib)
            .map(|(index, unit)| (unit.crate_name.clone(), index))
            .collect();
        let deps = scan
            .units
            .iter()
            .map(|unit| {
                workspace
                    .members
                    .get(unit.member)
                    .map(|member| {
                        member
                            .dependencies
                            .iter()
                            .map(|(used, package)| (used.clone(), package.replace('-', "_")))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        Self {
            scan,
            modules,
            more_parts,
            methods,
            unparsed,
            libs,
            deps,
            expanding: RefCell::new(HashSet::new()),
            wrappers,
        }
    }

    /// True when `ty`, a type of `unit`, wraps an endpoint: a `Middleware` impl names it as its
    /// `Output`, or a field of it holds an endpoint. Files not parsed yet are read when they
    /// may name `ty` (both facts name it), so the answer is the one of a full scan.
    pub(crate) fn wraps_endpoint(&self, unit: usize, ty: &str) -> bool {
        if self
            .wrappers
            .get(&unit)
            .is_some_and(|types| types.iter().any(|name| name == ty))
        {
            return true;
        }
        self.unparsed
            .get(unit)
            .into_iter()
            .flatten()
            .filter(|&&file| self.scan.files[file].facts.may_contain(ty))
            .any(|&file| {
                self.scan
                    .modules(file)
                    .iter()
                    .any(|module| wrapper_types(module).any(|name| name == ty))
            })
    }

    /// The value of the string constant `path` (written in `module` of `unit`) names, found
    /// the way a function is: through `use`, `self`/`super`/`crate`, child modules, globs and
    /// the workspace's library crates. `None` when it is not a module-level string constant
    /// of the scanned code.
    pub(crate) fn resolve_const(
        &self,
        unit: usize,
        module: &ModPath,
        path: &[Name],
    ) -> Option<String> {
        // Looked up in the module the path leads to, as a function is: only the files of
        // that module are parsed (a file holding only constants is left to the light scan).
        let find = |unit: usize, module: &ModPath, name: &str| {
            self.first_in_module(unit, module, |parts| {
                let constant = parts
                    .str_consts
                    .iter()
                    .find(|constant| constant.name == name)?;
                Some(constant.value.clone())
            })
        };
        match self.lookup(unit, module, path, 0, &find, false) {
            Found::Item(value) => Some(value),
            _ => None,
        }
    }

    /// The id of the `nth` function of `file`, counting through its modules in order.
    fn fn_id(&self, file: usize, mut nth: usize) -> Option<FnId> {
        for (module, facts) in self.scan.modules(file).iter().enumerate() {
            if nth < facts.fns.len() {
                return Some(FnId {
                    file,
                    module,
                    function: nth,
                });
            }
            nth -= facts.fns.len();
        }
        None
    }

    /// The function behind an id.
    pub(crate) fn function(&self, id: FnId) -> FnRef {
        FnRef {
            module: self.module(id.file, id.module),
            function: id.function,
        }
    }

    /// Module `index` of file `file`.
    pub(crate) fn module(&self, file: usize, index: usize) -> ModuleRef {
        ModuleRef {
            modules: self.scan.modules(file),
            index,
        }
    }

    /// Where the parts of `module` are, in order.
    fn parts<'a>(&'a self, unit: usize, module: &'a [Name]) -> impl Iterator<Item = Part> + 'a {
        let key = (unit, module);
        // Most workspaces have no module of several parts: the second map is then empty, and
        // a lookup in an empty map returns before hashing.
        self.modules
            .get(&key)
            .into_iter()
            .chain(self.more_parts.get(&key).into_iter().flatten())
            .copied()
    }

    fn module_parts<'a>(
        &'a self,
        unit: usize,
        module: &'a [Name],
    ) -> impl Iterator<Item = ModuleRef> + 'a {
        self.parts(unit, module)
            .map(|(file, index)| self.module(file, index))
    }

    /// The first answer `pick` finds in the parts of `module` (its files and inline blocks),
    /// owned: each part is decoded for the look only.
    fn first_in_module<T>(
        &self,
        unit: usize,
        module: &[Name],
        pick: impl Fn(&ModuleFacts) -> Option<T>,
    ) -> Option<T> {
        self.module_parts(unit, module)
            .find_map(|parts| pick(&parts))
    }

    /// What `name` is imported as in `module`, as written.
    fn use_target(&self, unit: usize, module: &[Name], name: &str) -> Option<WrittenPath> {
        self.first_in_module(unit, module, |parts| {
            let used = parts.uses.iter().find(|used| used.name == name)?;
            Some(used.target.clone())
        })
    }

    fn is_module(&self, unit: usize, module: &ModPath) -> bool {
        self.modules.contains_key(&(unit, module.as_slice()))
    }

    /// The function named `name` (with `self_ty`) declared in `module`.
    pub(crate) fn find_fn(
        &self,
        unit: usize,
        module: &ModPath,
        self_ty: Option<&str>,
        name: &str,
    ) -> Option<FnId> {
        for (file, index) in self.parts(unit, module) {
            let facts = self.module(file, index);
            if let Some(position) = facts
                .fns
                .iter()
                .position(|function| function.is(self_ty, name))
            {
                return Some(FnId {
                    file,
                    module: index,
                    function: position,
                });
            }
        }
        None
    }

    /// The package a dependency name used in `unit`'s code stands for (`_` spelling).
    pub(crate) fn dependency_package(&self, unit: usize, name: &str) -> Option<&str> {
        self.deps
            .get(unit)
            .and_then(|deps| deps.get(name))
            .map(String::as_str)
    }

    /// Resolves `path`, written in `module` of `unit`, to a function.
    pub(crate) fn resolve(&self, unit: usize, module: &ModPath, path: &[Name]) -> Resolved {
        let find =
            |unit: usize, module: &ModPath, name: &str| self.find_fn(unit, module, None, name);
        match self.lookup(unit, module, path, 0, &find, true) {
            Found::Item(id) | Found::Method(id) => Resolved::Fn(id),
            Found::External(path) => Resolved::External(path),
            Found::Unresolved => Resolved::Unresolved,
        }
    }

    /// Resolves `path` to an item that `find` looks up by name in a module; `methods`: a
    /// `Type::name` path may name a method (functions only).
    fn lookup<T>(
        &self,
        unit: usize,
        module: &ModPath,
        path: &[Name],
        depth: usize,
        find: &impl Fn(usize, &ModPath, &str) -> Option<T>,
        methods: bool,
    ) -> Found<T> {
        if depth > MAX_DEPTH || path.is_empty() {
            return Found::Unresolved;
        }
        let walk = |module: &ModPath, rest: &[Name], in_scope: bool| {
            self.walk(unit, module, rest, in_scope, depth, find, methods)
        };
        match path[0].as_str() {
            "" => self.extern_crate(&path[1..], depth, find, methods),
            "crate" => walk(&Vec::new(), &path[1..], false),
            "self" => walk(module, &path[1..], false),
            "super" => {
                let mut current = module.clone();
                let mut rest = path;
                while rest.first().is_some_and(|s| s == "super") {
                    current.pop();
                    rest = &rest[1..];
                }
                walk(&current, rest, false)
            }
            _ => walk(module, path, true),
        }
    }

    fn extern_crate<T>(
        &self,
        path: &[Name],
        depth: usize,
        find: &impl Fn(usize, &ModPath, &str) -> Option<T>,
        methods: bool,
    ) -> Found<T> {
        match path.split_first() {
            Some((name, rest)) => match self.libs.get(name.as_str()) {
                Some(&lib) if !rest.is_empty() => {
                    self.walk(lib, &Vec::new(), rest, false, depth + 1, find, methods)
                }
                _ => Found::External(path.to_vec()),
            },
            None => Found::Unresolved,
        }
    }

    /// Looks `path[0]` up in `module` (and, when `in_scope`, among crate names and globs).
    #[allow(clippy::too_many_arguments)]
    fn walk<T>(
        &self,
        unit: usize,
        module: &ModPath,
        path: &[Name],
        in_scope: bool,
        depth: usize,
        find: &impl Fn(usize, &ModPath, &str) -> Option<T>,
        methods: bool,
    ) -> Found<T> {
        let Some((name, rest)) = path.split_first() else {
            return Found::Unresolved;
        };
        if depth > MAX_DEPTH {
            return Found::Unresolved;
        }
        let name = name.trim_start_matches("r#");
        let mut child = module.clone();
        child.push(Name::new(name));
        // Modules and functions live in different namespaces: `mod blurhash;` and
        // `fn blurhash` may sit side by side.
        if self.is_module(unit, &child) && !rest.is_empty() {
            return self.walk(unit, &child, rest, false, depth + 1, find, methods);
        }
        if rest.is_empty()
            && let Some(item) = find(unit, module, name)
        {
            return Found::Item(item);
        }
        if methods && rest.len() == 1 {
            let declared = self
                .module_parts(unit, module)
                .any(|m| m.types.iter().any(|t| t == name));
            if declared && let Some(id) = self.method(unit, name, &rest[0]) {
                return Found::Method(id);
            }
        }
        let used: Option<WrittenPath> = self.use_target(unit, module, name);
        if let Some(target) = used {
            let mut full = target;
            full.extend(rest.iter().cloned());
            let resolved = self.lookup(unit, module, &full, depth + 1, find, methods);
            if !matches!(resolved, Found::Unresolved) {
                return resolved;
            }
            // Edition 2015: `use` paths start at the crate root.
            return self.walk(unit, &Vec::new(), &full, false, depth + 1, find, methods);
        }
        if in_scope && let Some(&lib) = self.libs.get(name) {
            if rest.is_empty() {
                return Found::Unresolved;
            }
            return self.walk(lib, &Vec::new(), rest, false, depth + 1, find, methods);
        }
        let globs: Vec<WrittenPath> = self
            .module_parts(unit, module)
            .flat_map(|m| m.globs.clone())
            .collect();
        for glob in globs {
            // A glob met again while its own path is being resolved (`use self::Kind::*;`,
            // then `Kind` looked up through the same glob) imports nothing more: going round
            // it until `MAX_DEPTH`, once per glob of the module at every turn, made one lookup
            // cost minutes on real code.
            let key = (unit, module.clone(), glob.clone());
            if !self.expanding.borrow_mut().insert(key.clone()) {
                continue;
            }
            let mut full = glob;
            full.extend(path.iter().cloned());
            let resolved = self.lookup(unit, module, &full, depth + 1, find, methods);
            self.expanding.borrow_mut().remove(&key);
            if let found @ (Found::Item(_) | Found::Method(_)) = resolved {
                return found;
            }
        }
        if methods
            && rest.len() == 1
            && name.starts_with(|c: char| c.is_ascii_uppercase())
            && let Some(id) = self.method(unit, name, &rest[0])
        {
            return Found::Method(id);
        }
        if in_scope {
            Found::External(path.to_vec())
        } else {
            Found::Unresolved
        }
    }

    fn method(&self, unit: usize, ty: &str, name: &str) -> Option<FnId> {
        let key = method_key(unit, ty, name);
        let from = self.methods.partition_point(|entry| entry.key < key);
        let mut first = self.methods[from..]
            .iter()
            .take_while(|entry| entry.key == key)
            .filter_map(|entry| self.fn_id(entry.file as usize, entry.nth as usize))
            // The hash may collide: the names and the unit decide.
            .find(|id| {
                self.scan.files[id.file].unit == unit && self.function(*id).is(Some(ty), name)
            });
        for &file in self.unparsed.get(unit).into_iter().flatten() {
            if first.is_some_and(|found| found.file < file) {
                break;
            }
            let facts = &self.scan.files[file].facts;
            if !(facts.may_contain(ty) && facts.may_contain(name)) {
                continue;
            }
            let found = self
                .scan
                .modules(file)
                .iter()
                .enumerate()
                .find_map(|(module, facts)| {
                    facts
                        .fns
                        .iter()
                        .position(|function| function.is(Some(ty), name))
                        .map(|function| FnId {
                            file,
                            module,
                            function,
                        })
                });
            if let Some(found) = found {
                first = Some(first.map_or(found, |known| known.min(found)));
            }
        }
        first
    }

    /// The absolute form of a path written in `module`, following `use` for its first
    /// segment: `handler` under `use poem::handler` is `["poem", "handler"]`; `h` under
    /// `use instr::handler as h` is `["instr", "handler"]`. Renamed dependencies are given
    /// their package name. Paths into the crate start with `crate`.
    pub(crate) fn expand(&self, unit: usize, module: &ModPath, path: &[Name]) -> Vec<Name> {
        let mut current: Vec<Name> = path.to_vec();
        let mut context = module.clone();
        for _ in 0..MAX_DEPTH {
            let Some(first) = current.first().cloned() else {
                break;
            };
            match first.as_str() {
                "" => {
                    current.remove(0);
                    break;
                }
                "crate" => break,
                "self" => {
                    let mut out = vec![Name::new("crate")];
                    out.extend(context.iter().cloned());
                    out.extend(current[1..].iter().cloned());
                    current = out;
                    break;
                }
                "super" => {
                    let mut ctx = context.clone();
                    let mut rest = &current[..];
                    while rest.first().is_some_and(|s| s == "super") {
                        ctx.pop();
                        rest = &rest[1..];
                    }
                    let mut out = vec![Name::new("crate")];
                    out.extend(ctx);
                    out.extend(rest.iter().cloned());
                    current = out;
                    break;
                }
                name => {
                    let mut child = context.clone();
                    child.push(Name::new(name));
                    if self.is_module(unit, &child) {
                        let mut out = vec![Name::new("crate")];
                        out.extend(child);
                        out.extend(current[1..].iter().cloned());
                        current = out;
                        break;
                    }
                    let used = self.use_target(unit, &context, name);
                    match used {
                        Some(target)
                            if target.first().map(Name::as_str) != Some(name)
                                || target.len() > 1 =>
                        {
                            let mut out = target;
                            out.extend(current[1..].iter().cloned());
                            current = out;
                            // The use path is read in the same module.
                            context = module.clone();
                        }
                        _ => break,
                    }
                }
            }
        }
        if let Some(first) = current.first_mut()
            && let Some(package) = self.dependency_package(unit, first)
        {
            *first = Name::new(package);
        }
        current
    }

    /// Module paths declared for `unit`, with the protobuf package of `include_proto!`.
    pub(crate) fn proto_package(&self, unit: usize, module: &ModPath) -> Option<Name> {
        self.first_in_module(unit, module, |parts| parts.proto_package.clone())
    }

    /// Glob imports of `module`, expanded.
    pub(crate) fn globs(&self, unit: usize, module: &ModPath) -> Vec<Vec<Name>> {
        let globs: Vec<WrittenPath> = self
            .module_parts(unit, module)
            .flat_map(|m| m.globs.clone())
            .collect();
        globs
            .iter()
            .map(|glob| self.expand(unit, module, glob))
            .collect()
    }
}

/// A module's facts, decoded: holds a share of its file's modules, which a lookup may have
/// decoded only for this.
pub(crate) struct ModuleRef {
    modules: Arc<[ModuleFacts]>,
    index: usize,
}

impl Deref for ModuleRef {
    type Target = ModuleFacts;

    fn deref(&self) -> &ModuleFacts {
        // Ids come from the same facts, decoded the same way each time: a module is always
        // there. The empty module only keeps this from panicking if that ever broke.
        self.modules.get(self.index).unwrap_or(ModuleFacts::none())
    }
}

/// A function's facts, decoded (see [`ModuleRef`]).
pub(crate) struct FnRef {
    module: ModuleRef,
    function: usize,
}

impl Deref for FnRef {
    type Target = FnFact;

    fn deref(&self) -> &FnFact {
        self.module.fns.get(self.function).unwrap_or(FnFact::none())
    }
}

/// A method in [`Index::methods`]: its key, then its file and its place among the file's
/// functions (counted through the file's modules), so that sorting keeps declaration order
/// within a key.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct MethodEntry {
    key: u64,
    file: u32,
    nth: u32,
}

impl MethodEntry {
    /// `None` past 2^32 files or functions in a file, which cannot happen: a file is read
    /// only up to `source::MAX_FILE_BYTES` (64 MiB), and a function takes more than 8 bytes.
    fn new(key: u64, file: usize, nth: usize) -> Option<Self> {
        Some(Self {
            key,
            file: u32::try_from(file).ok()?,
            nth: u32::try_from(nth).ok()?,
        })
    }
}

/// The hash [`Index::methods`] is sorted by: equal for equal names, and rarely for others
/// (every match is checked against the names).
fn method_key(unit: usize, ty: &str, name: &str) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = foldhash::fast::FixedState::with_seed(0).build_hasher();
    hasher.write_usize(unit);
    hasher.write(ty.as_bytes());
    hasher.write_u8(0xff);
    hasher.write(name.as_bytes());
    hasher.finish()
}

/// The types of a module that wrap an endpoint: `Middleware` outputs and endpoint holders.
fn wrapper_types(module: &ModuleFacts) -> impl Iterator<Item = &Name> {
    module
        .middleware_outputs
        .iter()
        .chain(&module.endpoint_holders)
}
