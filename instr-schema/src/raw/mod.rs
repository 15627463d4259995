//! The raw layer: one schema file read into plain structs that keep every span, with type
//! mistakes and unknown keys reported. Nothing is cross-checked here; that is
//! [`crate::validate`]'s job.

mod document;
mod reader;

pub(crate) use reader::Keys;

pub(crate) use document::{
    RawEvent, RawFeature, RawFile, RawLabel, RawMatcher, RawMetric, RawObjective, RawOwner,
    RawSelector, parse_file,
};
