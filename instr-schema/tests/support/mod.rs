//! Helpers shared by the schema's integration tests.

use instr_schema::LoadOptions;
use instr_schema::model::Date;

/// Load options with a fixed "today" (2026-06-01), so `expires` findings and snapshots do not
/// change with the calendar.
pub(crate) fn options() -> LoadOptions {
    LoadOptions {
        today: Some(Date {
            year: 2026,
            month: 6,
            day: 1,
        }),
        ..LoadOptions::default()
    }
}
