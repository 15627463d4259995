//! Labels: closed value sets and open, capped strings.

use std::collections::BTreeMap;

use super::context::Ctx;
use crate::checks;
use crate::diag::Diagnostic;
use crate::model::{Label, LabelValues};
use crate::names::{is_snake_case, is_usable_field_name, reserved_label_name, upper_camel};
use crate::raw::RawLabel;
use crate::spanned::Spanned;

const EXAMPLES: &str = "declare either `values = [\"success\", \"error\"]` (a closed set) or `kind = \"string\"` with `max_values = 50` (an open label)";

pub(super) fn build(ctx: &mut Ctx<'_>, raw: RawLabel) -> Option<Label> {
    check_label_name(ctx, &raw.name);
    let values = match (raw.values, raw.kind) {
        (Some(values), None) => {
            if let Some(max) = &raw.max_values {
                ctx.push(
                    Diagnostic::new(
                        &checks::INVALID_LABEL,
                        max.loc,
                        format!(
                            "label `{}` has both `values` and `max_values`",
                            raw.name.value
                        ),
                    )
                    .with_label("`max_values` applies to open labels only")
                    .with_help("remove `max_values`: a closed label's size is its list of values"),
                );
            }
            LabelValues::Closed(check_closed_values(ctx, &raw.name, values)?)
        }
        (None, Some(_)) if raw.max_values.is_none() && raw.keys.has("max_values") => {
            return None;
        }
        (None, Some(kind)) => LabelValues::Open {
            max_values: check_open_label(ctx, &raw.name, &kind, raw.max_values)?,
        },
        (Some(values), Some(kind)) => {
            ctx.push(
                Diagnostic::new(
                    &checks::INVALID_LABEL,
                    kind.loc,
                    format!("label `{}` is both closed and open", raw.name.value),
                )
                .with_label("`kind` makes it open")
                .with_secondary(values.loc, "`values` makes it closed")
                .with_help(EXAMPLES),
            );
            return None;
        }
        // A `values` or `kind` of the wrong type was already reported.
        (None, None) if raw.keys.has("values") || raw.keys.has("kind") => return None,
        (None, None) => {
            ctx.push(
                Diagnostic::new(
                    &checks::INVALID_LABEL,
                    raw.name.loc,
                    format!(
                        "label `{}` does not say which values it takes",
                        raw.name.value
                    ),
                )
                .with_label("no `values` and no `kind`")
                .with_help(EXAMPLES),
            );
            return None;
        }
    };
    Some(Label {
        description: raw.description.map(|text| text.value),
        values,
        name: raw.name,
    })
}

/// A label's id is its Prometheus label name and a Rust field name: snake_case, not reserved
/// by Prometheus (`le`, `quantile`, `__*`) and not a word Rust cannot use as a field.
fn check_label_name(ctx: &mut Ctx<'_>, name: &Spanned<String>) {
    let problem = if !is_snake_case(&name.value) {
        "use lowercase letters, digits and `_`, starting with a letter"
    } else if reserved_label_name(&name.value) {
        "Prometheus reserves this label name"
    } else if !is_usable_field_name(&name.value) {
        "Rust cannot use this word as a field name"
    } else {
        return;
    };
    ctx.push(
        Diagnostic::new(
            &checks::LABEL_NAME,
            name.loc,
            format!("`{}` cannot be a label name", name.value),
        )
        .with_label(problem)
        .with_help("rename the label and the metrics that use it"),
    );
}

/// A closed set has at least one value; values are non-empty, distinct, and distinct once
/// turned into Rust enum variants.
fn check_closed_values(
    ctx: &mut Ctx<'_>,
    name: &Spanned<String>,
    values: Spanned<Vec<Spanned<String>>>,
) -> Option<Vec<String>> {
    if values.value.is_empty() {
        ctx.push(
            Diagnostic::new(&checks::INVALID_LABEL, values.loc, format!("label `{}` has no values", name.value))
                .with_label("empty")
                .with_help("list the values the label takes, or make it open with `kind = \"string\"` and `max_values`"),
        );
        return None;
    }
    let mut ok = true;
    let mut variants: BTreeMap<String, &Spanned<String>> = BTreeMap::new();
    for value in &values.value {
        let Some(variant) = upper_camel(&value.value) else {
            ctx.push(
                Diagnostic::new(
                    &checks::INVALID_LABEL,
                    value.loc,
                    format!("label `{}` has a value with no letter or digit", name.value),
                )
                .with_label("cannot become an enum variant")
                .with_help(
                    "values become Rust enum variants, so each needs at least one letter or digit",
                ),
            );
            ok = false;
            continue;
        };
        if let Some(first) = variants.get(&variant) {
            let (message, label) = if first.value == value.value {
                (
                    format!("label `{}` lists `{}` twice", name.value, value.value),
                    "listed again here".to_owned(),
                )
            } else {
                (
                    format!(
                        "label `{}` has values `{}` and `{}`, which both become `{variant}`",
                        name.value, first.value, value.value
                    ),
                    format!("also becomes `{variant}`"),
                )
            };
            ctx.push(
                Diagnostic::new(&checks::INVALID_LABEL, value.loc, message)
                    .with_label(label)
                    .with_secondary(first.loc, "first here")
                    .with_help("each value must be distinct, also after conversion to an UpperCamelCase enum variant"),
            );
            ok = false;
            continue;
        }
        variants.insert(variant, value);
    }
    ok.then(|| values.value.into_iter().map(|value| value.value).collect())
}

/// An open label is `kind = "string"` with `max_values` of at least 1.
fn check_open_label(
    ctx: &mut Ctx<'_>,
    name: &Spanned<String>,
    kind: &Spanned<String>,
    max_values: Option<Spanned<i64>>,
) -> Option<u32> {
    if kind.value != "string" {
        ctx.push(
            Diagnostic::new(
                &checks::INVALID_VALUE,
                kind.loc,
                format!("label kind `{}` is not supported", kind.value),
            )
            .with_label("the only open label kind is `string`")
            .with_help(EXAMPLES),
        );
        return None;
    }
    let Some(max) = max_values else {
        ctx.push(
            Diagnostic::new(&checks::INVALID_LABEL, name.loc, format!("open label `{}` has no `max_values`", name.value))
                .with_label("an open label needs a cap")
                .with_help("add `max_values = 50`: values past the first 50 distinct ones are reported as `other`, so a bug cannot create unbounded series"),
        );
        return None;
    };
    match u32::try_from(max.value) {
        Ok(value) if value >= 1 => Some(value),
        _ => {
            ctx.push(
                Diagnostic::new(
                    &checks::INVALID_LABEL,
                    max.loc,
                    format!(
                        "`max_values` of label `{}` must be between 1 and {}",
                        name.value,
                        u32::MAX
                    ),
                )
                .with_label("out of range"),
            );
            None
        }
    }
}
