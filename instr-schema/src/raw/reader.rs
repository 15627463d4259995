//! Reading spanned TOML values into Rust values, reporting type mistakes and unknown keys as
//! findings instead of stopping at the first one.

use toml::de::{DeTable, DeValue};

use crate::checks;
use crate::diag::{Diagnostic, FileId, Loc};
use crate::spanned::Spanned;
use crate::suggest::{did_you_mean, list_names};

/// A TOML value with its byte span.
pub(crate) type Value<'i> = toml::Spanned<DeValue<'i>>;

/// Reads values from one file and collects what is wrong with them.
pub(crate) struct Reader<'d> {
    pub(crate) file: FileId,
    pub(crate) diagnostics: &'d mut Vec<Diagnostic>,
}

impl Reader<'_> {
    pub(crate) fn loc<T>(&self, value: &toml::Spanned<T>) -> Loc {
        Loc::new(self.file, value.span())
    }

    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Reports every key of `table` outside `allowed` (with a did-you-mean) and returns the
    /// keys present. `context` names the table in messages, for example "metric
    /// `checkout_total`".
    pub(crate) fn check_fields(
        &mut self,
        table: &DeTable<'_>,
        allowed: &[&str],
        context: &str,
    ) -> Keys {
        let mut keys = Keys::default();
        for key in table.keys() {
            let name: &str = key.get_ref();
            if allowed.contains(&name) {
                keys.0.push(name.to_owned());
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                &checks::UNKNOWN_FIELD,
                self.loc(key),
                format!("unknown field `{name}` in {context}"),
            );
            diagnostic = match did_you_mean(name, allowed.iter().copied()) {
                Some(intended) => {
                    // A misspelt key counts as the key it was meant to be, so that the field
                    // is not also reported as missing.
                    keys.0.push(intended.to_owned());
                    diagnostic.with_label(format!("did you mean `{intended}`?"))
                }
                None => diagnostic.with_label("not a field of this table"),
            };
            self.push(diagnostic.with_help(format!(
                "the fields of {context} are {}",
                list_names(allowed.iter().copied(), 20)
            )));
        }
        keys
    }

    /// Reports that `value` has the wrong type.
    pub(crate) fn wrong_type(
        &mut self,
        value: &Value<'_>,
        what: &str,
        expected: &str,
        example: &str,
    ) {
        let found = type_name(value.get_ref());
        self.push(
            Diagnostic::new(
                &checks::WRONG_TYPE,
                self.loc(value),
                format!("{what} must be {expected}, found {found}"),
            )
            .with_label(format!("this is {found}"))
            .with_help(format!("for example: {example}")),
        );
    }

    /// A table, or a wrong-type finding.
    pub(crate) fn table<'t, 'i>(
        &mut self,
        value: &'t Value<'i>,
        what: &str,
        example: &str,
    ) -> Option<&'t DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(table) => Some(table),
            _ => {
                self.wrong_type(value, what, "a table", example);
                None
            }
        }
    }

    /// A string, or a wrong-type finding.
    pub(crate) fn string(
        &mut self,
        value: &Value<'_>,
        what: &str,
        example: &str,
    ) -> Option<Spanned<String>> {
        match value.get_ref() {
            DeValue::String(text) => Some(Spanned::new(text.to_string(), self.loc(value))),
            _ => {
                self.wrong_type(value, what, "a string", example);
                None
            }
        }
    }

    /// An integer, or a wrong-type finding. Integers too large for `i64` are reported too.
    pub(crate) fn integer(
        &mut self,
        value: &Value<'_>,
        what: &str,
        example: &str,
    ) -> Option<Spanned<i64>> {
        match value.get_ref() {
            DeValue::Integer(integer) => {
                match i64::from_str_radix(integer.as_str(), integer.radix()) {
                    Ok(number) => Some(Spanned::new(number, self.loc(value))),
                    Err(_) => {
                        self.push(
                            Diagnostic::new(
                                &checks::INVALID_VALUE,
                                self.loc(value),
                                format!("{what} is out of range"),
                            )
                            .with_label("does not fit in a 64-bit integer"),
                        );
                        None
                    }
                }
            }
            _ => {
                self.wrong_type(value, what, "an integer", example);
                None
            }
        }
    }

    /// A number (integer or float), or a wrong-type finding. NaN and infinities are refused.
    pub(crate) fn number(
        &mut self,
        value: &Value<'_>,
        what: &str,
        example: &str,
    ) -> Option<Spanned<f64>> {
        let parsed = match value.get_ref() {
            DeValue::Float(float) => float.as_str().replace('_', "").parse::<f64>().ok(),
            DeValue::Integer(integer) => i64::from_str_radix(integer.as_str(), integer.radix())
                .ok()
                .map(|n| n as f64),
            _ => {
                self.wrong_type(value, what, "a number", example);
                return None;
            }
        };
        match parsed {
            Some(number) if number.is_finite() => Some(Spanned::new(number, self.loc(value))),
            _ => {
                self.push(
                    Diagnostic::new(
                        &checks::INVALID_VALUE,
                        self.loc(value),
                        format!("{what} must be a finite number"),
                    )
                    .with_label("not a finite number"),
                );
                None
            }
        }
    }

    /// An array whose items are read by `item`; wrong items are reported and skipped.
    pub(crate) fn list<T>(
        &mut self,
        value: &Value<'_>,
        what: &str,
        example: &str,
        mut item: impl FnMut(&mut Self, &Value<'_>) -> Option<T>,
    ) -> Option<Spanned<Vec<T>>> {
        match value.get_ref() {
            DeValue::Array(array) => {
                let items = array.iter().filter_map(|entry| item(self, entry)).collect();
                Some(Spanned::new(items, self.loc(value)))
            }
            _ => {
                self.wrong_type(value, what, "an array", example);
                None
            }
        }
    }

    /// An array of strings.
    pub(crate) fn string_list(
        &mut self,
        value: &Value<'_>,
        what: &str,
        example: &str,
    ) -> Option<Spanned<Vec<Spanned<String>>>> {
        let item_what = format!("each item of {what}");
        self.list(value, what, example, |reader, entry| {
            reader.string(entry, &item_what, example)
        })
    }

    /// A date written as a TOML date (`2027-01-31`) or a string (`"2027-01-31"`), kept as text.
    pub(crate) fn date_text(
        &mut self,
        value: &Value<'_>,
        what: &str,
        example: &str,
    ) -> Option<Spanned<String>> {
        match value.get_ref() {
            DeValue::Datetime(datetime) => {
                Some(Spanned::new(datetime.to_string(), self.loc(value)))
            }
            DeValue::String(text) => Some(Spanned::new(text.to_string(), self.loc(value))),
            _ => {
                self.wrong_type(value, what, "a date", example);
                None
            }
        }
    }
}

/// The keys a table holds, whatever their values (misspelt keys count as the key they were
/// meant to be). A required field that is present with the wrong type was already reported,
/// so checks ask this before reporting it as missing.
#[derive(Debug, Default)]
pub(crate) struct Keys(Vec<String>);

impl Keys {
    /// True when the table has `key`.
    pub(crate) fn has(&self, key: &str) -> bool {
        self.0.iter().any(|present| present == key)
    }
}

/// "a string", "an integer", ...: how a message names a TOML value's type.
pub(crate) fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}
