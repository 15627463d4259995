//! `cargo instr-check init`: a starter `instr.toml` from the handlers found, grouped into
//! features by route prefix or module. Owners and success metrics are left as placeholders
//! that the check reports, so nobody mistakes the starter for a finished schema.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{Failure, Global, note, open_workspace, write_atomic};
use crate::analysis::feature_guess::guess_feature;
use crate::analysis::frameworks;
use crate::analysis::handlers::{self, Handler};
use crate::exit;
use crate::lints;
use crate::workspace::Workspace;

/// Options of `init`.
#[derive(Debug, Clone, Args)]
pub(crate) struct InitArgs {
    /// Where to write the schema; the workspace's schema path (instr.toml at the root) by default.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Discovers the workspace, scans every member, writes the starter schema and says what it
/// wrote.
pub(crate) fn execute(global: &Global, args: &InitArgs) -> Result<i32, Failure> {
    let workspace = open_workspace(global)?;
    let path = match &args.output {
        Some(path) => path.clone(),
        None => workspace.root.join(
            workspace
                .config
                .schema
                .clone()
                .unwrap_or_else(|| PathBuf::from("instr.toml")),
        ),
    };
    if path.exists() && !args.force {
        return Err(Failure::usage(format!(
            "`{}` already exists; pass --force to replace it, or --output to write elsewhere",
            path.display()
        )));
    }
    let members: Vec<usize> = (0..workspace.members.len()).collect();
    let handlers = handlers::detect_in(&workspace, &members, global.scan);
    note(&lints::no_handlers_notes(&frameworks::silent_members(
        &workspace, &members, &handlers,
    )));
    let (text, features) = starter_schema(&workspace, &handlers);
    write_atomic(&path, &text)?;
    note(&format!(
        "wrote `{}`: {} feature{} mapping {} handler{}; give each feature an owner and a success metric, then run `cargo instr-check`\n",
        path.display(),
        features,
        if features == 1 { "" } else { "s" },
        handlers.len(),
        if handlers.len() == 1 { "" } else { "s" },
    ));
    Ok(exit::CLEAN)
}

/// The starter schema's text and the number of features in it.
fn starter_schema(workspace: &Workspace, handlers: &[Handler]) -> (String, usize) {
    let mut groups: BTreeMap<String, Vec<&Handler>> = BTreeMap::new();
    for handler in handlers {
        groups
            .entry(guess_feature(handler, &handler.routes.to_vec()))
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
            let handler_routes = handler.routes.to_vec();
            let routes_text: Vec<String> =
                handler_routes.iter().map(|route| route.display()).collect();
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
                for route in handler_routes.iter().filter(|route| route.path.is_some()) {
                    routes.push(format!(
                        "  \"{}\",  # {}",
                        route.display(),
                        handler.function
                    ));
                }
            } else {
                paths.push(format!("  \"{}\",  # {comment}", handler.item_path()));
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
