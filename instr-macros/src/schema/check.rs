//! Checks only code generation needs: every schema name must become a distinct Rust name.
//! Each function states its rule; findings are ordinary diagnostics pointing into the schema.

use std::collections::BTreeMap;

use instr_schema::diag::{
    Diagnostic, Loc, RenderOptions, RuleInfo, Severity, Sources, render_human_one,
};
use instr_schema::model::{Label, Metric};
use proc_macro2::Ident;

/// Names that generated code cannot use.
pub(crate) static GENERATED_NAME: RuleInfo = RuleInfo {
    code: "instr::codegen::name",
    summary: "a schema name that cannot become a distinct Rust name",
    explanation: "`instr::schema!` names generated types and variants in UpperCamelCase of the \
schema's names and values, and fields after them. Two names that convert to the same Rust name, \
or a name with no letter or digit, cannot be generated: rename one of them.",
    default_severity: Severity::Error,
};

/// Rule: a name must have a letter or digit and must not convert to `Self`.
pub(crate) fn unnamable(loc: Loc, what: &str, name: &str) -> Diagnostic {
    Diagnostic::new(
        &GENERATED_NAME,
        loc,
        format!("{what} `{name}` cannot be turned into a Rust name"),
    )
    .with_label("no usable Rust identifier")
    .with_help("use letters, digits and `_`; `self`, `super`, `crate` and `Self` are reserved")
}

/// Rule: every closed value must convert to a variant name.
pub(crate) fn unnamable_value(label: &Label, value: &str) -> Diagnostic {
    Diagnostic::new(
        &GENERATED_NAME,
        label.name.loc,
        format!(
            "value `{value}` of label `{}` cannot be turned into an enum variant",
            label.name.value
        ),
    )
    .with_label("this label")
    .with_help("values need at least one letter or digit, and must not be `self`")
}

/// Rule: the values of a closed label convert to distinct variant names.
pub(crate) fn unique_variants(
    label: &Label,
    variants: &[(&str, Ident)],
    errors: &mut Vec<Diagnostic>,
) -> bool {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    let mut unique = true;
    for (value, ident) in variants {
        if let Some(first) = seen.insert(ident.to_string(), value) {
            unique = false;
            errors.push(
                Diagnostic::new(
                    &GENERATED_NAME,
                    label.name.loc,
                    format!(
                        "values `{first}` and `{value}` of label `{}` both become variant `{ident}`",
                        label.name.value
                    ),
                )
                .with_label("in this label")
                .with_help("rename one of the values"),
            );
        }
    }
    unique
}

/// Rule: items of one kind convert to distinct type names.
pub(crate) fn unique_type_names<'a>(
    items: impl Iterator<Item = (&'a Ident, Loc)>,
    what: &str,
    errors: &mut Vec<Diagnostic>,
) {
    let mut seen: BTreeMap<String, Loc> = BTreeMap::new();
    for (ident, loc) in items {
        let name = ident.to_string();
        match seen.get(&name) {
            Some(first) => errors.push(
                Diagnostic::new(
                    &GENERATED_NAME,
                    loc,
                    format!("two {what}s become the Rust type `{name}`"),
                )
                .with_label("this one")
                .with_secondary(*first, "and this one")
                .with_help("rename one of them"),
            ),
            None => {
                seen.insert(name, loc);
            }
        }
    }
}

/// Rule: a metric's series must be countable (validation caps them far lower).
pub(crate) fn too_many_series(metric: &Metric) -> Diagnostic {
    Diagnostic::new(
        &GENERATED_NAME,
        metric.name.loc,
        format!(
            "metric `{}` has too many series to store",
            metric.name.value
        ),
    )
    .with_help("use fewer or smaller labels")
}

/// Each finding rendered as the checker renders it.
pub(crate) fn render(findings: &[Diagnostic], sources: &Sources) -> Vec<String> {
    let options = RenderOptions::plain();
    findings
        .iter()
        .map(|finding| render_human_one(finding, sources, &options))
        .collect()
}
