//! From raw files to the typed model: every cross-check of the schema.
//!
//! Each submodule builds one kind of item and runs the checks that concern it; each check is a
//! small function whose doc comment states the rule. Findings are collected, never returned
//! early, so one run reports everything. An item whose essential fields are missing is left out
//! of the model, but its name stays declared so references to it do not cause follow-up findings.

mod common;
mod context;
mod events;
mod features;
mod labels;
mod metrics;
mod objectives;
mod owners;

use context::{Ctx, Declared};

use crate::checks;
use crate::diag::{Diagnostic, FileId, Loc};
use crate::model::Schema;
use crate::options::LoadOptions;
use crate::raw::RawFile;
use crate::spanned::Spanned;

/// Validates the parsed files (root first) into a schema.
pub(crate) fn validate(
    files: Vec<(FileId, RawFile)>,
    options: &LoadOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Schema {
    let mut ctx = Ctx {
        diagnostics,
        options,
        today: options.today.unwrap_or_else(common::today),
        declared: Declared::default(),
    };
    let mut schema = Schema {
        version: 1,
        ..Schema::default()
    };
    check_versions(&mut ctx, &files);

    let mut owners = Vec::new();
    let mut labels = Vec::new();
    let mut metrics = Vec::new();
    let mut events = Vec::new();
    let mut features = Vec::new();
    let mut exempt = Vec::new();
    for (_, file) in files {
        owners.extend(file.owners);
        labels.extend(file.labels);
        metrics.extend(file.metrics);
        events.extend(file.events);
        features.extend(file.features);
        exempt.extend(file.exempt);
    }
    owners.retain(|item| declare(&mut ctx, Namespace::Owners, &item.name));
    labels.retain(|item| declare(&mut ctx, Namespace::Labels, &item.name));
    metrics.retain(|item| declare(&mut ctx, Namespace::Metrics, &item.name));
    events.retain(|item| declare(&mut ctx, Namespace::Events, &item.name));
    features.retain(|item| declare(&mut ctx, Namespace::Features, &item.name));

    for raw in owners {
        if let Some(owner) = owners::build(&mut ctx, raw) {
            schema.owners.insert(owner.name.value.clone(), owner);
        }
    }
    for raw in labels {
        if let Some(label) = labels::build(&mut ctx, raw) {
            schema.labels.insert(label.name.value.clone(), label);
        }
    }
    for raw in metrics {
        if let Some(metric) = metrics::build(&mut ctx, &schema.labels, raw) {
            schema.metrics.insert(metric.name.value.clone(), metric);
        }
    }
    for raw in events {
        if let Some(event) = events::build(&mut ctx, &schema.labels, raw) {
            schema.events.insert(event.name.value.clone(), event);
        }
    }
    for raw in features {
        if let Some(feature) = features::build(&mut ctx, &schema, raw) {
            schema.features.insert(feature.name.value.clone(), feature);
        }
    }
    for (target, reason) in exempt {
        if let Some(exemption) = features::build_exemption(&mut ctx, target, reason) {
            schema.exempt.push(exemption);
        }
    }
    schema
}

/// The root file declares `version = 1`; an included file may repeat it, but nothing else.
fn check_versions(ctx: &mut Ctx<'_>, files: &[(FileId, RawFile)]) {
    for (index, (file, raw)) in files.iter().enumerate() {
        match &raw.version {
            Some(version) if version.value == 1 => {}
            Some(version) => ctx.push(
                Diagnostic::new(&checks::VERSION, version.loc, format!("schema version {} is not supported", version.value))
                    .with_label("this tool understands version 1")
                    .with_help("set `version = 1`, or upgrade instr if the schema was written for a newer release"),
            ),
            None if index == 0 => ctx.push(
                Diagnostic::new(&checks::VERSION, Loc::new(*file, 0..0), "the schema does not declare its version")
                    .with_label("add `version = 1` here")
                    .with_help("the first line of instr.toml should be `version = 1`"),
            ),
            None => {}
        }
    }
}

#[derive(Clone, Copy)]
enum Namespace {
    Owners,
    Labels,
    Metrics,
    Events,
    Features,
}

/// A name is declared once per namespace across all files, and metrics and events share one
/// namespace (a feature's success metrics name either). Returns false for a duplicate, which
/// is then left out.
fn declare(ctx: &mut Ctx<'_>, namespace: Namespace, name: &Spanned<String>) -> bool {
    let (what, map) = match namespace {
        Namespace::Owners => ("owner", &mut ctx.declared.owners),
        Namespace::Labels => ("label", &mut ctx.declared.labels),
        Namespace::Metrics => ("metric", &mut ctx.declared.metrics),
        Namespace::Events => ("event", &mut ctx.declared.events),
        Namespace::Features => ("feature", &mut ctx.declared.features),
    };
    if let Some(first) = map.get(&name.value).copied() {
        ctx.push(
            Diagnostic::new(
                &checks::DUPLICATE_NAME,
                name.loc,
                format!("{what} `{}` is declared twice", name.value),
            )
            .with_label("declared again here")
            .with_secondary(first, "first declared here")
            .with_help(format!(
                "rename one of them, or remove the second `{what}` declaration"
            )),
        );
        return false;
    }
    map.insert(name.value.clone(), name.loc);
    let clash = match namespace {
        Namespace::Events => ctx
            .declared
            .metrics
            .get(&name.value)
            .map(|loc| ("metric", *loc)),
        _ => None,
    };
    if let Some((other, first)) = clash {
        ctx.push(
            Diagnostic::new(
                &checks::DUPLICATE_NAME,
                name.loc,
                format!("event `{}` has the same name as a {other}", name.value),
            )
            .with_label("event declared here")
            .with_secondary(first, format!("{other} declared here"))
            .with_help("features name metrics and events in one list, so their names must differ"),
        );
    }
    true
}
