//! Configuration from `Cargo.toml`: `[workspace.metadata.instr]` and
//! `[package.metadata.instr]`.
//!
//! ```toml
//! [workspace.metadata.instr]
//! schema = "instr.toml"              # relative to the workspace root (the default)
//! max-series-per-metric = 10000      # the cardinality ceiling
//!
//! handler-attributes = ["my_web::endpoint"]  # more attributes that mark a handler
//! handler-modules = ["my_api::routes::**"]  # every `pub fn` in these modules is a handler
//! exclude = ["generated/**"]         # source paths (relative to the root) never scanned
//! # Breaking schema changes `cargo instr-check diff` accepts, as `kind:name`
//! acknowledged-breaking = ["metric:checkout_attempts_total", "objective:checkout/latency"]
//! # Every feature's success metrics and objective series must be emitted by a test
//! # (the records of `INSTR_EMISSIONS=1 cargo test`), as with `--require-tested`
//! require-tested = true
//!
//! [workspace.metadata.instr.rules]
//! "schema::expired" = "deny"         # deny | warn | allow, by rule code
//! ```
//!
//! A member that keeps its own schema sets `schema` under `[package.metadata.instr]`
//! (relative to the member). In a single-package project, `[package.metadata.instr]` of the
//! root package takes every workspace key too. Mistakes here are configuration errors (exit
//! code 2), not findings: the check cannot be trusted with a configuration it misread.
//!
//! The keys a table accepts are the fields of a struct deserialised with serde
//! (`deny_unknown_fields`); `json_de` feeds it cargo's JSON with errors worded for this
//! tool. Each value is then checked in a fixed order, so the first mistake reported does not
//! depend on how the keys are ordered.

use std::collections::BTreeMap;
use std::path::PathBuf;

use instr_schema::DEFAULT_MAX_SERIES_PER_METRIC;
use instr_schema::diag::{Level, RuleInfo};
use instr_schema::model::ITEM_KINDS;
use instr_schema::suggest::did_you_mean;
use serde::Deserialize;
use serde_json::Value;

use crate::registry;

mod json_de;

/// `[workspace.metadata.instr]`: the keys it accepts, in the order an unknown key's error
/// lists them. Values are read as JSON and checked by [`parse_workspace`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct WorkspaceTable {
    schema: Option<Value>,
    max_series_per_metric: Option<Value>,
    rules: Option<Value>,
    handler_attributes: Option<Value>,
    handler_modules: Option<Value>,
    exclude: Option<Value>,
    acknowledged_breaking: Option<Value>,
    require_tested: Option<Value>,
}

/// `[package.metadata.instr]` of a member.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackageTable {
    schema: Option<Value>,
}

/// The checker's settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// The workspace schema as configured, relative to the workspace root; `None` when not set
    /// (then `instr.toml` at the root is used if it exists).
    pub schema: Option<PathBuf>,
    /// The cardinality ceiling per metric.
    pub max_series_per_metric: u64,
    /// Levels set per rule, overriding each rule's default.
    pub levels: BTreeMap<&'static str, Level>,
    /// Attribute paths that mark a handler, besides the frameworks' own
    /// (`my_web::endpoint`; a single-segment entry matches the attribute's last segment).
    pub handler_attributes: Vec<String>,
    /// Module globs (`my_api::routes::**`, with the crate name or `crate` first) whose
    /// `pub fn`s are all handlers.
    pub handler_modules: Vec<String>,
    /// Globs of paths, relative to the workspace root, that are never scanned.
    pub exclude: Vec<String>,
    /// Breaking schema changes that `diff` accepts, as `kind:name` keys
    /// (`metric:checkout_attempts_total`); see `crate::schema_diff::Subject::key`.
    pub acknowledged_breaking: Vec<String>,
    /// `check` requires that a test emitted every feature's success metrics and objective
    /// series, as `--require-tested` does.
    pub require_tested: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            schema: None,
            max_series_per_metric: DEFAULT_MAX_SERIES_PER_METRIC,
            levels: BTreeMap::new(),
            handler_attributes: Vec::new(),
            handler_modules: Vec::new(),
            exclude: Vec::new(),
            acknowledged_breaking: Vec::new(),
            require_tested: false,
        }
    }
}

impl Config {
    /// The level configured for a rule, if any.
    pub fn level(&self, rule: &RuleInfo) -> Option<Level> {
        self.levels.get(rule.code).copied()
    }
}

/// A mistake in the configuration, with where it was found.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration in {table}: {message}")]
pub struct ConfigError {
    /// The table the mistake is in, for example `[workspace.metadata.instr]` in `Cargo.toml`.
    pub table: String,
    /// What is wrong.
    pub message: String,
}

/// Reads the workspace configuration from the `instr` entry of a metadata table (`Null` when
/// absent). `table` names the table in errors.
pub fn parse_workspace(metadata: &Value, table: &str) -> Result<Config, ConfigError> {
    let error = |message: String| ConfigError {
        table: table.to_owned(),
        message,
    };
    let mut config = Config::default();
    let Some(instr) = instr_table::<WorkspaceTable>(metadata).map_err(error)? else {
        return Ok(config);
    };
    config.schema = schema_path(instr.schema.as_ref()).map_err(error)?;
    if let Some(value) = &instr.max_series_per_metric {
        config.max_series_per_metric =
            value.as_u64().filter(|limit| *limit > 0).ok_or_else(|| {
                error(format!(
                    "`max-series-per-metric` must be a positive integer, found `{value}`"
                ))
            })?;
    }
    config.handler_attributes =
        string_list(instr.handler_attributes.as_ref(), "handler-attributes").map_err(error)?;
    config.handler_modules =
        string_list(instr.handler_modules.as_ref(), "handler-modules").map_err(error)?;
    config.exclude = string_list(instr.exclude.as_ref(), "exclude").map_err(error)?;
    if let Some(rules_value) = &instr.rules {
        config.levels = levels(rules_value).map_err(error)?;
    }
    if let Some(value) = &instr.acknowledged_breaking {
        config.acknowledged_breaking = acknowledged_breaking(value).map_err(error)?;
    }
    if let Some(value) = &instr.require_tested {
        config.require_tested = value.as_bool().ok_or_else(|| {
            error(format!(
                "`require-tested` must be `true` or `false`, found `{value}`"
            ))
        })?;
    }
    Ok(config)
}

/// `rules`: a table of rule codes (checked against the registry) to levels.
fn levels(value: &Value) -> Result<BTreeMap<&'static str, Level>, String> {
    let Some(entries) = value.as_object() else {
        return Err(
            "`rules` must be a table of `\"rule code\" = \"deny\" | \"warn\" | \"allow\"`"
                .to_owned(),
        );
    };
    let mut levels = BTreeMap::new();
    for (name, level) in entries {
        let rule = registry::find(name).ok_or_else(|| {
            let hint = registry::suggest(name)
                .first()
                .map(|code| format!(" (did you mean `{code}`?)"))
                .unwrap_or_default();
            format!("`rules` names unknown rule `{name}`{hint}; `cargo instr-check --list` shows every code")
        })?;
        let level = level.as_str().and_then(Level::parse).ok_or_else(|| {
            format!("rule `{name}` must be set to \"deny\", \"warn\" or \"allow\", found `{level}`")
        })?;
        levels.insert(rule.code, level);
    }
    Ok(levels)
}

/// `acknowledged-breaking`: an array of `kind:name` strings with a known kind.
fn acknowledged_breaking(value: &Value) -> Result<Vec<String>, String> {
    let shape = "`acknowledged-breaking` must be an array of \"kind:name\" strings, for example [\"metric:checkout_attempts_total\"]";
    let Some(items) = value.as_array() else {
        return Err(shape.to_owned());
    };
    let mut keys = Vec::new();
    for item in items {
        let Some(key) = item.as_str() else {
            return Err(format!("{shape}; found `{item}`"));
        };
        match key.split_once(':') {
            Some((kind, name)) if ITEM_KINDS.contains(&kind) && !name.is_empty() => {
                keys.push(key.to_owned())
            }
            Some((kind, name)) if !name.is_empty() => {
                let hint = did_you_mean(kind, ITEM_KINDS.iter().copied())
                    .map(|known| format!(" (did you mean `{known}:{name}`?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "`acknowledged-breaking` entry `{key}` starts with unknown kind `{kind}`{hint}; kinds: {}",
                    ITEM_KINDS.join(", ")
                ));
            }
            _ => return Err(format!("{shape}; found `{key}`")),
        }
    }
    Ok(keys)
}

/// Reads a member's own schema path from the `instr` entry of its package metadata.
pub fn parse_package_schema(metadata: &Value, table: &str) -> Result<Option<PathBuf>, ConfigError> {
    let error = |message: String| ConfigError {
        table: table.to_owned(),
        message,
    };
    match instr_table::<PackageTable>(metadata).map_err(error)? {
        Some(instr) => schema_path(instr.schema.as_ref()).map_err(error),
        None => Ok(None),
    }
}

/// The `instr` table of a metadata value, read into `T`; unknown keys are refused with a
/// suggestion and the list of known keys.
fn instr_table<T>(metadata: &Value) -> Result<Option<T>, String>
where
    T: for<'de> Deserialize<'de>,
{
    let Some(instr) = metadata.get("instr") else {
        return Ok(None);
    };
    if !instr.is_object() {
        return Err("`instr` must be a table".to_owned());
    }
    T::deserialize(json_de::JsonValue::new(instr))
        .map(Some)
        .map_err(|problem| problem.to_string())
}

/// A list of non-empty strings under `key`, empty when absent.
fn string_list(value: Option<&Value>, key: &str) -> Result<Vec<String>, String> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let items = value
        .as_array()
        .ok_or_else(|| format!("`{key}` must be an array of strings, found `{value}`"))?;
    items
        .iter()
        .map(|item| match item.as_str() {
            Some(text) if !text.trim().is_empty() => Ok(text.trim().to_owned()),
            _ => Err(format!(
                "`{key}` must hold non-empty strings, found `{item}`"
            )),
        })
        .collect()
}

fn schema_path(value: Option<&Value>) -> Result<Option<PathBuf>, String> {
    match value {
        None => Ok(None),
        Some(Value::String(path)) if !path.is_empty() => Ok(Some(PathBuf::from(path))),
        Some(other) => Err(format!(
            "`schema` must be a non-empty path string, found `{other}`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Absent configuration means defaults.
    #[test]
    fn defaults() {
        let config = parse_workspace(&Value::Null, "t").unwrap();
        assert_eq!(config.schema, None);
        assert_eq!(config.max_series_per_metric, 10_000);
        assert!(!config.require_tested);
    }

    /// `require-tested` is a boolean; anything else is refused.
    #[test]
    fn reads_require_tested() {
        let config = parse_workspace(&json!({"instr": {"require-tested": true}}), "t").unwrap();
        assert!(config.require_tested);
        let error = parse_workspace(&json!({"instr": {"require-tested": "yes"}}), "t").unwrap_err();
        assert!(error.message.contains("`true` or `false`"), "{error}");
        let typo = parse_workspace(&json!({"instr": {"require-test": true}}), "t").unwrap_err();
        assert!(
            typo.message.contains("did you mean `require-tested`"),
            "{typo}"
        );
    }

    /// Every key is read, and rules accept short and full codes.
    #[test]
    fn reads_keys() {
        let metadata = json!({"instr": {"schema": "schema/instr.toml", "max-series-per-metric": 500,
            "rules": {"schema::expired": "deny", "instr::schema::cardinality": "allow"},
            "acknowledged-breaking": ["metric:a_total", "objective:checkout/latency"]}});
        let config = parse_workspace(&metadata, "t").unwrap();
        assert_eq!(config.schema, Some(PathBuf::from("schema/instr.toml")));
        assert_eq!(config.max_series_per_metric, 500);
        assert_eq!(
            config.acknowledged_breaking,
            ["metric:a_total", "objective:checkout/latency"]
        );
        assert_eq!(
            config.levels.get("instr::schema::expired"),
            Some(&Level::Deny)
        );
        assert_eq!(
            config.levels.get("instr::schema::cardinality"),
            Some(&Level::Allow)
        );
    }

    /// The detection and scanning lists are read as non-empty strings.
    #[test]
    fn reads_lists() {
        let metadata = json!({"instr": {"handler-attributes": ["my_web::endpoint"],
            "handler-modules": ["app::api::**"], "exclude": ["generated/**"]}});
        let config = parse_workspace(&metadata, "t").unwrap();
        assert_eq!(config.handler_attributes, ["my_web::endpoint"]);
        assert_eq!(config.handler_modules, ["app::api::**"]);
        assert_eq!(config.exclude, ["generated/**"]);
        let error = parse_workspace(&json!({"instr": {"exclude": "generated"}}), "t").unwrap_err();
        assert!(
            error.message.contains("must be an array of strings"),
            "{error}"
        );
        let error = parse_workspace(&json!({"instr": {"handler-modules": [""]}}), "t").unwrap_err();
        assert!(error.message.contains("non-empty strings"), "{error}");
    }

    /// Typos are configuration errors with a suggestion, not silently ignored settings.
    #[test]
    fn refuses_mistakes() {
        let unknown_key = parse_workspace(&json!({"instr": {"shema": "x"}}), "t").unwrap_err();
        assert!(
            unknown_key.message.contains("did you mean `schema`"),
            "{unknown_key}"
        );
        let unknown_rule = parse_workspace(
            &json!({"instr": {"rules": {"schema::expird": "deny"}}}),
            "t",
        )
        .unwrap_err();
        assert!(
            unknown_rule.message.contains("schema::expired"),
            "{unknown_rule}"
        );
        let bad_level = parse_workspace(
            &json!({"instr": {"rules": {"schema::expired": "error"}}}),
            "t",
        )
        .unwrap_err();
        assert!(
            bad_level
                .message
                .contains("\"deny\", \"warn\" or \"allow\""),
            "{bad_level}"
        );
        assert!(parse_workspace(&json!({"instr": {"max-series-per-metric": -1}}), "t").is_err());
        let bad_kind = parse_workspace(
            &json!({"instr": {"acknowledged-breaking": ["metrc:x_total"]}}),
            "t",
        )
        .unwrap_err();
        assert!(
            bad_kind.message.contains("did you mean `metric:x_total`"),
            "{bad_kind}"
        );
        assert!(
            parse_workspace(
                &json!({"instr": {"acknowledged-breaking": "metric:x"}}),
                "t"
            )
            .is_err()
        );
        assert!(
            parse_workspace(
                &json!({"instr": {"acknowledged-breaking": ["metric:"]}}),
                "t"
            )
            .is_err()
        );
        assert!(parse_package_schema(&json!({"instr": {"schema": 3}}), "t").is_err());
    }
}
