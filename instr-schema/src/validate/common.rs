//! Checks shared by several kinds of item.

use std::collections::BTreeMap;

use super::context::Ctx;
use crate::checks;
use crate::diag::{Diagnostic, Loc, RuleInfo};
use crate::model::Date;
use crate::names::is_snake_case;
use crate::raw::Keys;
use crate::spanned::Spanned;
use crate::suggest::{did_you_mean, list_names};

/// Today's date in UTC.
pub(super) fn today() -> Date {
    let now = jiff::tz::Offset::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    Date {
        year: now.year(),
        month: now.month(),
        day: now.day(),
    }
}

/// Parses `YYYY-MM-DD`, refusing dates that do not exist (`2027-02-30`).
pub(super) fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let date: jiff::civil::Date = text.parse().ok()?;
    Some(Date {
        year: date.year(),
        month: date.month(),
        day: date.day(),
    })
}

/// Metrics, events and features say what they are: a description that is missing or blank is
/// a finding.
/// `keys` tells a missing description from one of the wrong type (already reported).
pub(super) fn check_description(
    ctx: &mut Ctx<'_>,
    what: &str,
    name: &Spanned<String>,
    keys: &Keys,
    description: Option<&Spanned<String>>,
) -> String {
    match description {
        Some(text) if !text.value.trim().is_empty() => text.value.trim().to_owned(),
        Some(text) => {
            ctx.push(
                Diagnostic::new(&checks::EMPTY_DESCRIPTION, text.loc, format!("{what} `{}` has an empty description", name.value))
                    .with_label("blank")
                    .with_help("write one sentence saying what it measures; it becomes the HELP text and the doc comment"),
            );
            String::new()
        }
        None if keys.has("description") => String::new(),
        None => {
            ctx.push(
                Diagnostic::new(&checks::EMPTY_DESCRIPTION, name.loc, format!("{what} `{}` has no description", name.value))
                    .with_label("add `description = \"...\"` to this table")
                    .with_help("write one sentence saying what it measures; it becomes the HELP text and the doc comment"),
            );
            String::new()
        }
    }
}

/// Every metric, event and feature names an owner, and that owner is declared.
/// Returns the owner when it is usable.
pub(super) fn check_owner(
    ctx: &mut Ctx<'_>,
    what: &str,
    name: &Spanned<String>,
    keys: &Keys,
    owner: Option<Spanned<String>>,
) -> Option<Spanned<String>> {
    let Some(owner) = owner else {
        if keys.has("owner") {
            return None;
        }
        let help = match ctx.declared.owners.keys().next() {
            Some(first) => format!("add `owner = \"{first}\"` (or another declared owner) to this table"),
            None => "declare an owner under `[owners.<id>]` with a `contact`, then name it with `owner = \"<id>\"`".to_owned(),
        };
        ctx.push(
            Diagnostic::new(
                &checks::MISSING_OWNER,
                name.loc,
                format!("{what} `{}` has no owner", name.value),
            )
            .with_label("nobody owns this")
            .with_help(help),
        );
        return None;
    };
    if ctx.declared.owners.contains_key(&owner.value) {
        return Some(owner);
    }
    let message = format!(
        "{what} `{}` names owner `{}`, which is not declared",
        name.value, owner.value
    );
    ctx.push(unknown_reference(
        &checks::UNKNOWN_OWNER,
        &owner,
        message,
        "owners",
        &ctx.declared.owners,
    ));
    // Keep the item: its other checks are still worth reporting.
    Some(owner)
}

/// A finding for a name that refers to nothing, with a did-you-mean and the declared names.
pub(super) fn unknown_reference(
    rule: &'static RuleInfo,
    reference: &Spanned<String>,
    message: String,
    plural: &str,
    declared: &BTreeMap<String, Loc>,
) -> Diagnostic {
    let names = declared.keys().map(String::as_str);
    let diagnostic = Diagnostic::new(rule, reference.loc, message);
    let diagnostic = match did_you_mean(&reference.value, names.clone()) {
        Some(suggestion) => diagnostic.with_label(format!("did you mean `{suggestion}`?")),
        None => diagnostic.with_label(format!("no such {}", plural.trim_end_matches('s'))),
    };
    diagnostic.with_help(format!("declared {plural}: {}", list_names(names, 12)))
}

/// Names that become identifiers are snake_case.
pub(super) fn check_snake_name(ctx: &mut Ctx<'_>, what: &str, name: &Spanned<String>) -> bool {
    if is_snake_case(&name.value) {
        return true;
    }
    ctx.push(
        Diagnostic::new(
            &checks::INVALID_NAME,
            name.loc,
            format!("{what} name `{}` is not snake_case", name.value),
        )
        .with_label("use lowercase letters, digits and `_`, starting with a letter")
        .with_help(format!("for example `{}`", to_snake_case(&name.value))),
    );
    false
}

/// A best-effort snake_case spelling of a name, for help texts.
pub(super) fn to_snake_case(name: &str) -> String {
    let mut out = String::new();
    for (index, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if index > 0 && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_');
    if trimmed.starts_with(|c: char| c.is_ascii_digit()) || trimmed.is_empty() {
        format!("n_{trimmed}")
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Dates must exist on the calendar and be written in full.
    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2027-02-28"),
            Some(Date {
                year: 2027,
                month: 2,
                day: 28
            })
        );
        assert_eq!(parse_date("2028-02-29").map(|d| d.day), Some(29));
        assert_eq!(parse_date("2027-02-29"), None);
        assert_eq!(parse_date("2027-2-28"), None);
        assert_eq!(parse_date("tomorrow"), None);
    }

    /// Suggestions turn common spellings into snake_case.
    #[test]
    fn snake_case_suggestions() {
        assert_eq!(to_snake_case("OneClick"), "one_click");
        assert_eq!(to_snake_case("one-click"), "one_click");
        assert_eq!(to_snake_case("3ds"), "n_3ds");
    }
}
