//! What every check of the validation reads and where it reports.

use std::collections::BTreeMap;

use crate::diag::{Diagnostic, Loc};
use crate::model::Date;
use crate::options::LoadOptions;

/// What every check can read and where it reports.
pub(crate) struct Ctx<'a> {
    pub(crate) diagnostics: &'a mut Vec<Diagnostic>,
    pub(crate) options: &'a LoadOptions,
    pub(crate) today: Date,
    /// Every declared name per namespace, valid or not, with where it was declared.
    pub(crate) declared: Declared,
}

/// Names as declared, including items that failed validation.
#[derive(Default)]
pub(crate) struct Declared {
    pub(crate) owners: BTreeMap<String, Loc>,
    pub(crate) labels: BTreeMap<String, Loc>,
    pub(crate) metrics: BTreeMap<String, Loc>,
    pub(crate) events: BTreeMap<String, Loc>,
    pub(crate) features: BTreeMap<String, Loc>,
}

impl Ctx<'_> {
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}
