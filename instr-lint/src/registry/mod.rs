//! The registry of every rule a finding can come from: the schema checks
//! (`instr::schema::...`, declared in `instr_schema::checks`) and the lints about code
//! (`instr::...`, declared in `lints`). Lookup by name, default levels, `--list`,
//! `--explain` and the `docs/rules.md` page all read it.
//!
//! It sits at the bottom of the crate's layers: configuration names rules and is checked
//! against this registry as soon as the workspace is read.

pub(crate) mod lints;

use instr_schema::diag::{Level, RuleInfo, Severity};
use instr_schema::suggest::close_matches;

use lints::OFF_BY_DEFAULT;

/// Every rule, schema checks first, then the lints.
pub(crate) fn all() -> impl Iterator<Item = &'static RuleInfo> {
    instr_schema::checks::ALL
        .iter()
        .copied()
        .chain(lints::ALL.iter().copied())
}

/// The level a rule has unless configuration says otherwise.
pub(crate) fn default_level(rule: &RuleInfo) -> Level {
    if OFF_BY_DEFAULT.iter().any(|off| off.code == rule.code) {
        return Level::Allow;
    }
    match rule.default_severity {
        Severity::Error => Level::Deny,
        Severity::Warning => Level::Warn,
    }
}

/// `deny`, `warn` or `allow`.
pub(crate) fn level_name(level: Level) -> &'static str {
    match level {
        Level::Deny => "deny",
        Level::Warn => "warn",
        Level::Allow => "allow",
    }
}

/// The rule a name refers to: its full code (`instr::schema::unknown-owner`) or the code
/// without `instr::` (`schema::unknown-owner`).
pub(crate) fn find(name: &str) -> Option<&'static RuleInfo> {
    all().find(|rule| rule.is_named(name))
}

/// The rule codes close to a name that matches none, closest first, compared by their last
/// part (`unknown-owner` of `schema::unknown-owner`), so a code given without `instr::` or
/// `schema::` is found too. Codes are shown without `instr::`.
pub(crate) fn suggest(name: &str) -> Vec<&'static str> {
    let last = |code: &str| code.rsplit("::").next().unwrap_or(code).to_owned();
    let codes: Vec<&'static str> = all()
        .map(|rule| rule.code.trim_start_matches("instr::"))
        .collect();
    close_matches(&last(name), codes.iter().copied(), last, 5)
}

/// The rules reference, `docs/rules.md`: every rule with its default level and explanation.
/// A test keeps the committed file equal to this.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Rules\n\nEvery finding of `cargo instr-check` comes from one of these rules. Codes are stable; set a\nrule's level to `deny`, `warn` or `allow` under `[workspace.metadata.instr.rules]`:\n\n```toml\n[workspace.metadata.instr.rules]\n\"schema::expired\" = \"deny\"\n```\n\n`cargo instr-check --list` prints this list and `cargo instr-check --explain <code>` one entry.\nThis page is generated from the rule registry (`instr-lint/src/registry/`).\n\n| Code | Default | Catches |\n|---|---|---|\n",
    );
    for rule in all() {
        out.push_str(&format!(
            "| [`{}`](#{}) | {} | {} |\n",
            rule.code,
            anchor(rule.code),
            level_word(rule),
            rule.summary.replace('|', "\\|")
        ));
    }
    for rule in all() {
        out.push_str(&format!(
            "\n## `{}`\n\nDefault level: {}. {}\n\n{}\n",
            rule.code,
            level_word(rule),
            capitalize(rule.summary),
            rule.explanation
        ));
    }
    out
}

/// `deny`, `warn` or `allow`: how configuration names a rule's default.
pub(crate) fn level_word(rule: &RuleInfo) -> &'static str {
    level_name(default_level(rule))
}

/// `--list`: one line per rule.
pub(crate) fn list() -> String {
    let width = all().map(|rule| rule.code.len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in all() {
        out.push_str(&format!(
            "{:width$}  {:5}  {}\n",
            rule.code,
            level_word(rule),
            rule.summary
        ));
    }
    out
}

/// `--explain CODE`: the full text of one rule, or why there is none.
pub(crate) fn explain(name: &str) -> Result<String, String> {
    match find(name) {
        Some(rule) => Ok(format!(
            "{}\ndefault level: {}\n\n{}\n\n{}\n",
            rule.code,
            level_word(rule),
            rule.summary,
            rule.explanation
        )),
        None => {
            let close: Vec<String> = suggest(name)
                .iter()
                .map(|code| format!("`{code}`"))
                .collect();
            let hint = match close.as_slice() {
                [] => String::new(),
                [one] => format!(" (did you mean {one}?)"),
                several => format!(" (close codes: {})", several.join(", ")),
            };
            Err(format!(
                "unknown rule `{name}`{hint}; `cargo instr-check --list` shows every code"
            ))
        }
    }
}

/// The anchor GitHub gives the heading of a rule.
fn anchor(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Codes are unique across all registries, so configuration names one rule.
    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<&str> = all().map(|rule| rule.code).collect();
        let count = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), count);
    }

    use lints::{HANDLER_UNMAPPED, NEVER_EMITTED, RAW_METRIC};

    /// Code rules are registered next to the schema rules, and the opt-in rule is off.
    #[test]
    fn code_rules_are_registered() {
        assert!(find("handler-unmapped").is_some());
        assert_eq!(default_level(&RAW_METRIC), Level::Allow);
        assert_eq!(default_level(&HANDLER_UNMAPPED), Level::Deny);
        assert_eq!(default_level(&NEVER_EMITTED), Level::Warn);
    }

    /// Rules can be named with or without the `instr::` prefix.
    #[test]
    fn finds_by_short_or_full_code() {
        assert!(find("instr::schema::unknown-owner").is_some());
        assert!(find("schema::unknown-owner").is_some());
        assert!(find("unknown-owner").is_none());
        assert_eq!(suggest("schema::unknown-ownr")[0], "schema::unknown-owner");
        assert!(suggest("unknown-owner").contains(&"schema::unknown-owner"));
    }
}
