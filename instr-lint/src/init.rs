//! `cargo instr-check init`: a starter `instr.toml` from the handlers found, grouped into
//! features by route prefix or module. Owners and success metrics are left as placeholders
//! that the check reports, so nobody mistakes the starter for a finished schema.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::discover;
use crate::handlers::{self, Handler};
use crate::lint::guess_feature;
use crate::workspace::{self, Workspace};

/// What `init` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// The manifest to start from.
    pub manifest_path: Option<PathBuf>,
    /// Where to write; the workspace's schema path when `None`.
    pub output: Option<PathBuf>,
    /// Replace an existing file.
    pub force: bool,
}

/// What `init` wrote.
#[derive(Debug)]
pub struct InitOutcome {
    /// The file written.
    pub path: PathBuf,
    /// How many features it declares.
    pub features: usize,
    /// How many handlers it maps.
    pub handlers: usize,
}

/// Discovers the workspace, scans every member and writes the starter schema.
pub fn run(options: &InitOptions) -> Result<InitOutcome, String> {
    let workspace =
        workspace::discover(options.manifest_path.as_deref()).map_err(|error| error.to_string())?;
    let path = match &options.output {
        Some(path) => path.clone(),
        None => workspace.root.join(
            workspace
                .config
                .schema
                .clone()
                .unwrap_or_else(|| PathBuf::from("instr.toml")),
        ),
    };
    if path.exists() && !options.force {
        return Err(format!(
            "`{}` already exists; pass --force to replace it, or --output to write elsewhere",
            path.display()
        ));
    }
    let members: Vec<usize> = (0..workspace.members.len()).collect();
    let scan = discover::scan(&workspace, &members);
    let handlers = handlers::detect(&workspace, &scan);
    let (text, features) = starter_schema(&workspace, &handlers);
    crate::atomic::write(&path, text.as_bytes())
        .map_err(|error| format!("could not write `{}`: {error}", path.display()))?;
    Ok(InitOutcome {
        path,
        features,
        handlers: handlers.len(),
    })
}

/// The starter schema's text and the number of features in it.
pub fn starter_schema(workspace: &Workspace, handlers: &[Handler]) -> (String, usize) {
    let mut groups: BTreeMap<String, Vec<&Handler>> = BTreeMap::new();
    for handler in handlers {
        groups
            .entry(guess_feature(handler))
            .or_default()
            .push(handler);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Starter schema written by `cargo instr-check init` from the {} handler{} found in {}.",
        handlers.len(),
        if handlers.len() == 1 { "" } else { "s" },
        display_root(&workspace.root)
    );
    out.push_str(
        "# Handlers are grouped into features by route prefix or module: rename and regroup them.\n\
         # Every feature needs a real owner and at least one success metric; until then\n\
         # `cargo instr-check` reports each placeholder (owner \"todo\" is not declared,\n\
         # `success_metrics` is empty).\n\
         version = 1\n\n\
         # Declare the teams that own features, metrics and events, for example:\n\
         # [owners.payments]\n\
         # description = \"Payments team\"\n\
         # contact = \"#payments-oncall\"\n\
         #\n\
         # and the metrics that say whether a feature works, for example:\n\
         # [metrics.checkout_completed_total]\n\
         # kind = \"counter\"\n\
         # description = \"Checkouts that reached a final state.\"\n\
         # owner = \"payments\"\n",
    );
    for (feature, members) in &groups {
        let _ = write!(
            out,
            "\n[features.{feature}]\n\
             description = \"TODO: what `{feature}` does for users.\"\n\
             owner = \"todo\"\n\
             success_metrics = []\n"
        );
        let mut paths = Vec::new();
        let mut routes = Vec::new();
        for handler in members {
            let routes_text: Vec<String> =
                handler.routes.iter().map(|route| route.display()).collect();
            let comment = format!(
                "{} ({})",
                if routes_text.is_empty() {
                    "no route".to_owned()
                } else {
                    routes_text.join(", ")
                },
                handler.framework().as_str()
            );
            if handler.function.starts_with('<') {
                // A closure has no path to name: map its routes instead.
                for route in handler.routes.iter().filter(|route| route.path.is_some()) {
                    routes.push(format!(
                        "  \"{}\",  # {}",
                        route.display(),
                        handler.function
                    ));
                }
            } else {
                paths.push(format!("  \"{}\",  # {comment}", handler.item_path));
            }
        }
        if !paths.is_empty() {
            let _ = write!(out, "handlers = [\n{}\n]\n", paths.join("\n"));
        }
        if !routes.is_empty() {
            let _ = write!(out, "routes = [\n{}\n]\n", routes.join("\n"));
        }
    }
    (out, groups.len())
}

fn display_root(root: &Path) -> String {
    root.file_name().map_or_else(
        || root.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}
