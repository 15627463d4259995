//! Feeding cargo's JSON metadata to serde with errors worded for this tool.
//!
//! `serde_json` fixes its own error type, whose message for an unknown key cannot say "did you
//! mean". Deserialising through [`JsonValue`] instead gives serde derive this module's
//! [`Problem`], so `#[serde(deny_unknown_fields)]` reports an unknown key with a suggestion and
//! the list of known keys, exactly as the configuration reference documents.

use std::fmt::Display;

use instr_schema::suggest::did_you_mean;
use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, IntoDeserializer, Visitor};
use serde_json::Value;

/// What is wrong with a configuration table, in one sentence.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(super) struct Problem(String);

impl de::Error for Problem {
    fn custom<T: Display>(message: T) -> Self {
        Self(message.to_string())
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let hint = did_you_mean(field, expected.iter().copied())
            .map(|known| format!(" (did you mean `{known}`?)"))
            .unwrap_or_default();
        Self(format!(
            "unknown key `{field}`{hint}; known keys: {}",
            expected.join(", ")
        ))
    }
}

/// A JSON value as a serde deserializer whose errors are [`Problem`]s.
#[derive(Clone, Copy)]
pub(super) struct JsonValue<'a>(&'a Value);

impl<'a> JsonValue<'a> {
    pub(super) fn new(value: &'a Value) -> Self {
        Self(value)
    }
}

impl<'de> de::Deserializer<'de> for JsonValue<'_> {
    type Error = Problem;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(value) => visitor.visit_bool(*value),
            Value::Number(number) => match (number.as_u64(), number.as_i64(), number.as_f64()) {
                (Some(value), _, _) => visitor.visit_u64(value),
                (None, Some(value), _) => visitor.visit_i64(value),
                (None, None, Some(value)) => visitor.visit_f64(value),
                (None, None, None) => Err(de::Error::custom(format!("unreadable number {number}"))),
            },
            Value::String(text) => visitor.visit_str(text),
            Value::Array(items) => {
                visitor.visit_seq(SeqDeserializer::new(items.iter().map(JsonValue)))
            }
            Value::Object(entries) => visitor.visit_map(MapDeserializer::new(
                entries
                    .iter()
                    .map(|(key, value)| (key.as_str(), JsonValue(value))),
            )),
        }
    }

    /// A key that is present is `Some`, whatever its value: TOML has no null.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        visitor.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

impl<'de> IntoDeserializer<'de, Problem> for JsonValue<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}
