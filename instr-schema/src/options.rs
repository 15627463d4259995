//! Settings that change what validation accepts.

use crate::model::Date;

/// Settings that change what validation accepts.
#[derive(Clone, Debug)]
pub struct LoadOptions {
    /// The most series a metric may have (product of its labels' sizes).
    pub max_series_per_metric: u64,
    /// The date `expires` is compared with; `None` means today (UTC).
    pub today: Option<Date>,
}

/// The ceiling on series per metric unless configuration says otherwise.
pub const DEFAULT_MAX_SERIES_PER_METRIC: u64 = 10_000;

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            max_series_per_metric: DEFAULT_MAX_SERIES_PER_METRIC,
            today: None,
        }
    }
}
