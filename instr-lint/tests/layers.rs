//! The module structure, enforced: every crate of the workspace is read with syn, its module
//! tree followed from the crate root as rustc does, and every path that names a module of the
//! crate (`use crate::…`, `use super::…`, a child module's name, or such a path in code) is an
//! import edge from the module it is written in to the deepest module it names.
//!
//! - No crate may have an import circle between its modules.
//! - In instr-lint, a module may import only from its own top-level module or from a layer
//!   below it ([`LAYERS`]); importing sideways or upwards fails. Every top-level module must
//!   have a layer, so a new one has to be placed.
//!
//! `cargo test -p instr-lint --test layers -- --nocapture` prints instr-lint's module graph by
//! layer, as `docs/architecture.md` draws it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// instr-lint's layers, top first. A module may import from a layer further down the list,
/// or from inside its own top-level module; modules of one layer are independent.
const LAYERS: &[&[&str]] = &[
    &["cli"],
    &["commands"],
    &["report"],
    &["lints"],
    &["analysis", "schema_diff"],
    &["scan"],
    &["workspace"],
    &["sealed"],
    &["registry", "globs", "atomic", "exit"],
];

/// The crates whose modules may not import in a circle, by their root files.
const CRATES: &[&str] = &[
    "instr/src/lib.rs",
    "instr-emissions/src/lib.rs",
    "instr-macros/src/lib.rs",
    "instr-schema/src/lib.rs",
    "instr-artifacts/src/lib.rs",
    "instr-lint/src/lib.rs",
    "instr-lint/src/main.rs",
    "examples/shop/src/lib.rs",
    "examples/shop/src/main.rs",
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A module's path inside its crate: `[]` is the root, `["scan", "visit"]` is `scan::visit`.
type ModPath = Vec<String>;

fn name(module: &[String]) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

/// One crate's modules and the imports between them.
#[derive(Default)]
struct Graph {
    /// Every module, with the modules it imports.
    edges: BTreeMap<ModPath, BTreeSet<ModPath>>,
}

impl Graph {
    fn is_module(&self, module: &[String]) -> bool {
        self.edges.contains_key(module)
    }
}

/// Reads the crate whose root file is `root`.
fn read_crate(root: &Path) -> Graph {
    let mut graph = Graph::default();
    let mut files = Vec::new();
    collect_modules(root, true, Vec::new(), &mut graph, &mut files);
    for (module, file) in files {
        let mut collector = Imports {
            graph: &graph,
            scope: vec![module.clone()],
            found: Vec::new(),
        };
        collector.visit_file(&file);
        for (from, to) in collector.found {
            if from != to {
                graph.edges.entry(from).or_default().insert(to);
            }
        }
    }
    graph
}

/// Follows `mod` items from `path` (which holds module `module`); `owns_dir` when its child
/// modules live next to it (crate roots and `mod.rs`).
fn collect_modules(
    path: &Path,
    owns_dir: bool,
    module: ModPath,
    graph: &mut Graph,
    files: &mut Vec<(ModPath, syn::File)>,
) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|error| {
        panic!("{}: {error}", path.display());
    });
    let file = syn::parse_file(&text).unwrap_or_else(|error| {
        panic!("{}: {error}", path.display());
    });
    let dir = if owns_dir {
        path.parent().unwrap().to_path_buf()
    } else {
        path.with_extension("")
    };
    graph.edges.entry(module.clone()).or_default();
    collect_items(&file.items, &dir, &module, graph, files);
    files.push((module, file));
}

fn collect_items(
    items: &[syn::Item],
    dir: &Path,
    module: &ModPath,
    graph: &mut Graph,
    files: &mut Vec<(ModPath, syn::File)>,
) {
    for item in items {
        let syn::Item::Mod(item) = item else { continue };
        let mut child = module.clone();
        child.push(item.ident.to_string());
        match &item.content {
            Some((_, items)) => {
                graph.edges.entry(child.clone()).or_default();
                collect_items(
                    items,
                    &dir.join(item.ident.to_string()),
                    &child,
                    graph,
                    files,
                );
            }
            None => {
                let flat = dir.join(format!("{}.rs", item.ident));
                let nested = dir.join(item.ident.to_string()).join("mod.rs");
                if flat.is_file() {
                    collect_modules(&flat, false, child, graph, files);
                } else if nested.is_file() {
                    collect_modules(&nested, true, child, graph, files);
                } else {
                    panic!("no file for `mod {}` in {}", item.ident, dir.display());
                }
            }
        }
    }
}

/// Collects the import edges of one file: every `use` tree and every path in code.
struct Imports<'g> {
    graph: &'g Graph,
    /// The module being read, innermost last (inline modules push onto it).
    scope: Vec<ModPath>,
    found: Vec<(ModPath, ModPath)>,
}

impl Imports<'_> {
    fn current(&self) -> &ModPath {
        self.scope.last().unwrap()
    }

    /// The deepest module of this crate that `segments`, written in the current module, names.
    fn resolve(&self, segments: &[String]) -> Option<ModPath> {
        let (mut at, rest) = match segments.first().map(String::as_str)? {
            "crate" => (Vec::new(), &segments[1..]),
            "self" => (self.current().clone(), &segments[1..]),
            "super" => {
                let mut at = self.current().clone();
                let mut rest = segments;
                while rest.first().is_some_and(|segment| segment == "super") {
                    at.pop();
                    rest = &rest[1..];
                }
                (at, rest)
            }
            first => {
                let mut child = self.current().clone();
                child.push(first.to_owned());
                if !self.graph.is_module(&child) {
                    return None;
                }
                (child, &segments[1..])
            }
        };
        for segment in rest {
            let mut child = at.clone();
            child.push(segment.clone());
            if !self.graph.is_module(&child) {
                break;
            }
            at = child;
        }
        Some(at)
    }

    fn record(&mut self, segments: &[String]) {
        if let Some(target) = self.resolve(segments) {
            let from = self.current().clone();
            self.found.push((from, target));
        }
    }

    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.use_tree(&path.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(name) => {
                let mut full = prefix.clone();
                if name.ident != "self" {
                    full.push(name.ident.to_string());
                }
                self.record(&full);
            }
            syn::UseTree::Rename(rename) => {
                let mut full = prefix.clone();
                if rename.ident != "self" {
                    full.push(rename.ident.to_string());
                }
                self.record(&full);
            }
            syn::UseTree::Glob(_) => {
                let full = prefix.clone();
                self.record(&full);
            }
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.use_tree(tree, prefix);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Imports<'_> {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&item.tree, &mut Vec::new());
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.segments.len() > 1 {
            let segments: Vec<String> = path
                .segments
                .iter()
                .map(|segment| segment.ident.to_string())
                .collect();
            self.record(&segments);
        }
        syn::visit::visit_path(self, path);
    }

    /// A `#[macro_export]` macro lives at the crate root whichever module defines it, so
    /// `crate::declare_rules!` is no import of the root.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let segments: Vec<String> = mac
            .path
            .segments
            .iter()
            .map(|segment| segment.ident.to_string())
            .collect();
        if self
            .resolve(&segments)
            .is_some_and(|target| !target.is_empty())
        {
            self.record(&segments);
        }
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if let Some((_, items)) = &item.content {
            let mut inner = self.current().clone();
            inner.push(item.ident.to_string());
            self.scope.push(inner);
            for item in items {
                self.visit_item(item);
            }
            self.scope.pop();
        }
    }
}

/// Every import circle of a graph, each as the modules on it (strongly connected components
/// of more than one module, by Tarjan's algorithm).
fn circles(graph: &Graph) -> Vec<Vec<ModPath>> {
    struct State<'g> {
        graph: &'g Graph,
        index: BTreeMap<&'g ModPath, usize>,
        low: BTreeMap<&'g ModPath, usize>,
        stack: Vec<&'g ModPath>,
        on_stack: BTreeSet<&'g ModPath>,
        next: usize,
        found: Vec<Vec<ModPath>>,
    }
    fn connect<'g>(state: &mut State<'g>, module: &'g ModPath) {
        state.index.insert(module, state.next);
        state.low.insert(module, state.next);
        state.next += 1;
        state.stack.push(module);
        state.on_stack.insert(module);
        let graph = state.graph;
        for target in &graph.edges[module] {
            if !state.index.contains_key(target) {
                connect(state, target);
                let low = state.low[module].min(state.low[target]);
                state.low.insert(module, low);
            } else if state.on_stack.contains(target) {
                let low = state.low[module].min(state.index[target]);
                state.low.insert(module, low);
            }
        }
        if state.low[module] == state.index[module] {
            let mut component = Vec::new();
            while let Some(top) = state.stack.pop() {
                state.on_stack.remove(top);
                component.push(top.clone());
                if top == module {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for module in graph.edges.keys() {
        if !state.index.contains_key(module) {
            connect(&mut state, module);
        }
    }
    state.found
}

/// No crate has an import circle between its modules.
#[test]
fn no_import_circles() {
    let mut problems = Vec::new();
    let mut modules = 0;
    for root in CRATES {
        let graph = read_crate(&repo().join(root));
        modules += graph.edges.len();
        for circle in circles(&graph) {
            let names: Vec<String> = circle.iter().map(|module| name(module)).collect();
            let mut edges = Vec::new();
            for from in &circle {
                for to in graph.edges[from].iter().filter(|to| circle.contains(to)) {
                    edges.push(format!("{} -> {}", name(from), name(to)));
                }
            }
            problems.push(format!(
                "{root}: {}\n    through {}",
                names.join(", "),
                edges.join("; ")
            ));
        }
    }
    assert!(modules > 100, "only {modules} modules found");
    assert!(
        problems.is_empty(),
        "import circles:\n{}",
        problems.join("\n")
    );
}

/// The layer of a top-level module of instr-lint.
fn layer(top: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&top))
}

/// Every import in instr-lint goes down the layers (or stays inside a top-level module), and
/// every top-level module has a layer.
#[test]
fn instr_lint_imports_go_down_the_layers() {
    let graph = read_crate(&repo().join("instr-lint/src/lib.rs"));
    let mut problems = Vec::new();
    for module in graph.edges.keys().filter(|module| module.len() == 1) {
        if layer(&module[0]).is_none() {
            problems.push(format!(
                "`{}` has no layer: add it to LAYERS in tests/layers.rs and to docs/architecture.md",
                name(module)
            ));
        }
    }
    for (from, targets) in &graph.edges {
        let Some(from_top) = from.first() else {
            continue;
        };
        for to in targets {
            let Some(to_top) = to.first() else {
                problems.push(format!("`{}` imports from the crate root", name(from)));
                continue;
            };
            if from_top == to_top {
                continue;
            }
            match (layer(from_top), layer(to_top)) {
                (Some(a), Some(b)) if b > a => {}
                (Some(a), Some(b)) => problems.push(format!(
                    "`{}` (layer {}) imports `{}` (layer {}): imports go down the layers only",
                    name(from),
                    a + 1,
                    name(to),
                    b + 1
                )),
                _ => {}
            }
        }
    }
    println!("{}", describe(&graph));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The graph by layer: each module with the modules it imports.
fn describe(graph: &Graph) -> String {
    let mut out = String::from("instr-lint modules by layer (module -> what it imports):\n");
    for (index, layer) in LAYERS.iter().enumerate() {
        let _ = writeln!(out, "\nlayer {}: {}", index + 1, layer.join(", "));
        for (module, targets) in &graph.edges {
            if module
                .first()
                .is_some_and(|top| layer.contains(&top.as_str()))
            {
                let targets: Vec<String> = targets.iter().map(|target| name(target)).collect();
                let _ = writeln!(out, "  {} -> {}", name(module), targets.join(", "));
            }
        }
    }
    out
}

/// The reader finds what it should: a made-up crate with a circle and an upward import.
#[test]
fn the_reader_sees_circles_and_layers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("lib.rs"),
        "mod scan;\nmod commands { pub fn run() { crate::scan::go(); } }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("scan.rs"),
        "use crate::commands::run;\nmod inner { use super::go as g; }\npub fn go() { run() }\n",
    )
    .unwrap();
    let graph = read_crate(&dir.path().join("lib.rs"));
    let scan = vec!["scan".to_owned()];
    let commands = vec!["commands".to_owned()];
    let inner = vec!["scan".to_owned(), "inner".to_owned()];
    assert!(graph.edges[&scan].contains(&commands));
    assert!(graph.edges[&commands].contains(&scan));
    assert!(graph.edges[&inner].contains(&scan));
    assert_eq!(circles(&graph), vec![vec![commands, scan]]);
}
