//! Product events and their typed properties.

use std::collections::BTreeMap;

use super::common::{check_description, check_owner, check_snake_name, unknown_reference};
use super::context::Ctx;
use crate::checks;
use crate::diag::Diagnostic;
use crate::model::{Event, Label, Property, PropertyType};
use crate::names::is_usable_field_name;
use crate::raw::RawEvent;
use crate::spanned::Spanned;
use crate::suggest::did_you_mean;

const BUILT_IN_TYPES: [&str; 5] = ["bool", "i64", "u64", "f64", "string"];

pub(super) fn build(
    ctx: &mut Ctx<'_>,
    labels: &BTreeMap<String, Label>,
    raw: RawEvent,
) -> Option<Event> {
    check_snake_name(ctx, "event", &raw.name);
    let description =
        check_description(ctx, "event", &raw.name, &raw.keys, raw.description.as_ref());
    let owner = check_owner(ctx, "event", &raw.name, &raw.keys, raw.owner);
    let mut properties = Vec::new();
    let mut ok = true;
    for (name, ty) in raw.properties {
        let name_ok = check_property_name(ctx, &raw.name, &name);
        match check_property_type(ctx, labels, &name, &ty) {
            Some((ty, optional)) if name_ok => properties.push(Property { name, ty, optional }),
            _ => ok = false,
        }
    }
    if !ok {
        return None;
    }
    Some(Event {
        description,
        owner: owner?,
        properties,
        name: raw.name,
    })
}

/// Property names become struct fields: snake_case and usable as a Rust field.
fn check_property_name(ctx: &mut Ctx<'_>, event: &Spanned<String>, name: &Spanned<String>) -> bool {
    if !check_snake_name(ctx, "property", name) {
        return false;
    }
    if is_usable_field_name(&name.value) {
        return true;
    }
    ctx.push(
        Diagnostic::new(
            &checks::INVALID_NAME,
            name.loc,
            format!(
                "event `{}` has a property named `{}`",
                event.value, name.value
            ),
        )
        .with_label("Rust cannot use this word as a field name")
        .with_help("rename the property"),
    );
    false
}

/// A property type is a built-in type (bool, i64, u64, f64, string) or a declared label, and
/// may end in `?` to make it optional.
fn check_property_type(
    ctx: &mut Ctx<'_>,
    labels: &BTreeMap<String, Label>,
    property: &Spanned<String>,
    ty: &Spanned<String>,
) -> Option<(PropertyType, bool)> {
    let text = ty.value.trim();
    let (base, optional) = match text.strip_suffix('?') {
        Some(base) => (base.trim_end(), true),
        None => (text, false),
    };
    let parsed = match base {
        "bool" => PropertyType::Bool,
        "i64" => PropertyType::I64,
        "u64" => PropertyType::U64,
        "f64" => PropertyType::F64,
        "string" => PropertyType::String,
        label if labels.contains_key(label) => PropertyType::Label(label.to_owned()),
        // Declared but broken: its own finding says why.
        label if ctx.declared.labels.contains_key(label) => return None,
        other => {
            let diagnostic = if let Some(suggestion) = did_you_mean(other, BUILT_IN_TYPES) {
                Diagnostic::new(
                    &checks::INVALID_VALUE,
                    ty.loc,
                    format!("property `{}` has unknown type `{other}`", property.value),
                )
                .with_label(format!("did you mean `{suggestion}`?"))
            } else {
                let reference = Spanned::new(other.to_owned(), ty.loc);
                let message = format!(
                    "property `{}` has type `{other}`, which is neither a built-in type nor a declared label",
                    property.value
                );
                unknown_reference(
                    &checks::UNKNOWN_LABEL,
                    &reference,
                    message,
                    "labels",
                    &ctx.declared.labels,
                )
            };
            ctx.push(diagnostic.with_more_help(
                "built-in types: bool, i64, u64, f64, string; add `?` for an optional property",
            ));
            return None;
        }
    };
    Some((parsed, optional))
}
