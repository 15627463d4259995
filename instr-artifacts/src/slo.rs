//! From objectives to the numbers and names of the generated alerting: which SLI windows are
//! recorded, which burn-rate alerts exist, their burn factors and thresholds, and what the
//! recording rules and alerts are called.
//!
//! The renderers ([`crate::alerts`], [`crate::openslo`], [`crate::catalog`]) and the checker's
//! schema diff (which names the alerts a change affects) all read this one plan, so a name is
//! computed in one place only.
//!
//! # Burn rates
//!
//! An objective with target `T` over window `W` has the error budget `B = 1 - T`. Burning at
//! rate `b` means errors arrive at `b × B` of all events, which spends the whole budget in
//! `W / b`. An alert that fires when a fraction `f` of the budget was spent within its long
//! window `L` therefore uses
//!
//! ```text
//! b = f × W / L        (fires when the error ratio over L and over its short window > b × B)
//! ```
//!
//! With the usual fractions (2% in 1h and 5% in 6h page, 10% in 1d and 10% in 3d open a
//! ticket) and `W = 30d` this gives the well-known factors 14.4, 6, 3 and 1. Other windows
//! scale them: `W = 28d` gives 13.44, 5.6, 2.8 and 0.93. A factor below 1 would alert on a
//! service that is on course to meet its objective, so factors are raised to 1. An alert whose
//! long window is longer than the objective's window, or whose threshold `b × B` is 1 or more
//! (it could never fire), is left out and the plan says why.

use crate::promql;
use instr_schema::duration::Duration;
use instr_schema::model::{Feature, Indicator, Objective, Owner, Schema};
use instr_schema::names::upper_camel;

/// The windows every objective's SLI is recorded over (the objective's own window is added).
pub const SLI_WINDOWS: [u64; 7] = [
    5 * 60,
    30 * 60,
    3_600,
    2 * 3_600,
    6 * 3_600,
    86_400,
    3 * 86_400,
];

/// How urgent an alert is: its `severity` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Wake someone up: the budget goes fast.
    Page,
    /// Look at it during working hours.
    Ticket,
}

impl Severity {
    /// The `severity` label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Page => "page",
            Self::Ticket => "ticket",
        }
    }
}

/// One multi-window burn-rate alert: fires when the error ratio over both windows exceeds the
/// burn factor that spends `budget_fraction` of the budget in the long window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BurnWindow {
    /// Page or ticket.
    pub severity: Severity,
    /// The long window in seconds: how much budget was spent.
    pub long: u64,
    /// The short window in seconds: is it still happening (so the alert resets quickly).
    pub short: u64,
    /// The fraction of the error budget spent within the long window.
    pub budget_fraction: f64,
}

/// The four alerts of the Site Reliability Workbook's multi-window, multi-burn-rate scheme.
pub const BURN_WINDOWS: [BurnWindow; 4] = [
    BurnWindow {
        severity: Severity::Page,
        long: 3_600,
        short: 5 * 60,
        budget_fraction: 0.02,
    },
    BurnWindow {
        severity: Severity::Page,
        long: 6 * 3_600,
        short: 30 * 60,
        budget_fraction: 0.05,
    },
    BurnWindow {
        severity: Severity::Ticket,
        long: 86_400,
        short: 2 * 3_600,
        budget_fraction: 0.10,
    },
    BurnWindow {
        severity: Severity::Ticket,
        long: 3 * 86_400,
        short: 6 * 3_600,
        budget_fraction: 0.10,
    },
];

/// The burn factor that spends `budget_fraction` of the budget of an objective window of
/// `window` seconds within `long` seconds, raised to 1 (see the module documentation).
pub fn burn_factor(window: u64, long: u64, budget_fraction: f64) -> f64 {
    (budget_fraction * window as f64 / long as f64).max(1.0)
}

/// Everything generated for one objective.
#[derive(Clone, Debug)]
pub struct ObjectivePlan<'a> {
    /// The feature the objective belongs to.
    pub feature: &'a Feature,
    /// The objective.
    pub objective: &'a Objective,
    /// The feature's owner, when declared.
    pub owner: Option<&'a Owner>,
    /// `1 - target`.
    pub error_budget: f64,
    /// The windows the SLI is recorded over, shortest first, the objective's own included.
    pub windows: Vec<Duration>,
    /// The burn-rate alerts.
    pub alerts: Vec<PlannedAlert>,
    /// Burn-rate alerts left out, with the reason.
    pub skipped: Vec<(BurnWindow, String)>,
}

/// One burn-rate alert of an objective.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedAlert {
    /// The scheme entry it comes from.
    pub window: BurnWindow,
    /// The long window.
    pub long: Duration,
    /// The short window.
    pub short: Duration,
    /// The burn factor.
    pub burn_factor: f64,
    /// The error ratio above which it fires: `burn_factor × error_budget`.
    pub threshold: f64,
}

/// Plans every objective of the schema, by feature name then objective order.
pub fn plans(schema: &Schema) -> Vec<ObjectivePlan<'_>> {
    schema
        .features
        .values()
        .flat_map(|feature| {
            feature
                .objectives
                .iter()
                .map(move |objective| plan(schema, feature, objective))
        })
        .collect()
}

/// Plans one objective.
pub fn plan<'a>(
    schema: &'a Schema,
    feature: &'a Feature,
    objective: &'a Objective,
) -> ObjectivePlan<'a> {
    let error_budget = 1.0 - objective.target;
    let mut windows: Vec<Duration> = SLI_WINDOWS
        .iter()
        .map(|seconds| Duration::from_seconds(*seconds))
        .collect();
    if !SLI_WINDOWS.contains(&objective.window.seconds) {
        windows.push(objective.window.clone());
        windows.sort_by_key(|window| window.seconds);
    }
    let mut alerts = Vec::new();
    let mut skipped = Vec::new();
    for window in BURN_WINDOWS {
        let long = Duration::from_seconds(window.long);
        if window.long > objective.window.seconds {
            skipped.push((
                window,
                format!(
                    "its {long} window is longer than the objective's {} window",
                    objective.window
                ),
            ));
            continue;
        }
        let burn_factor = burn_factor(
            objective.window.seconds,
            window.long,
            window.budget_fraction,
        );
        let threshold = burn_factor * error_budget;
        if threshold >= 1.0 {
            skipped.push((
                window,
                format!(
                    "burning {}x the budget means an error ratio of {} or more, which cannot happen; raise the target",
                    promql::format_number(burn_factor),
                    promql::format_number(threshold)
                ),
            ));
            continue;
        }
        alerts.push(PlannedAlert {
            window,
            long,
            short: Duration::from_seconds(window.short),
            burn_factor,
            threshold,
        });
    }
    ObjectivePlan {
        feature,
        objective,
        owner: schema.owners.get(&feature.owner.value),
        error_budget,
        windows,
        alerts,
        skipped,
    }
}

/// The recording rule holding an SLI over a window: `instr:sli:ratio_rate5m`. One name per
/// window; the `feature` and `objective` labels tell objectives apart.
pub fn record_name(window: &Duration) -> String {
    format!("instr:sli:ratio_rate{}", window.text)
}

/// The recording rule holding the share of the error budget left over the objective window.
pub const BUDGET_REMAINING_RECORD: &str = "instr:slo:error_budget_remaining";

/// The alert name of an objective's burn-rate alerts: `CheckoutAvailabilityErrorBudgetBurn`.
pub fn alert_name(feature: &str, objective: &str) -> String {
    format!(
        "{}{}ErrorBudgetBurn",
        upper_camel(feature).unwrap_or_default(),
        upper_camel(objective).unwrap_or_default()
    )
}

/// The rule group holding an objective's rules: `instr-slo-checkout-availability`.
pub fn group_name(feature: &str, objective: &str) -> String {
    format!(
        "instr-slo-{}-{}",
        feature.replace('_', "-"),
        objective.replace('_', "-")
    )
}

impl ObjectivePlan<'_> {
    /// The objective's alert name.
    pub fn alert_name(&self) -> String {
        alert_name(&self.feature.name.value, &self.objective.name.value)
    }

    /// The objective's window as recorded: one of [`Self::windows`], so a `24h` window is
    /// recorded as `1d`.
    pub fn objective_window(&self) -> &Duration {
        self.windows
            .iter()
            .find(|window| window.seconds == self.objective.window.seconds)
            .unwrap_or(&self.objective.window)
    }

    /// The owner's id.
    pub fn owner_id(&self) -> &str {
        &self.feature.owner.value
    }

    /// The matchers that pick this objective's recorded series.
    pub fn series_matchers(&self) -> String {
        format!(
            "feature={}, objective={}",
            promql::quote(&self.feature.name.value),
            promql::quote(&self.objective.name.value)
        )
    }

    /// The PromQL of the SLI (good events over all events) over `window`.
    pub fn sli_expr(&self, window: &Duration) -> String {
        let (good, total) = sli_selectors(&self.objective.indicator);
        format!(
            "sum(rate({good}[{window}]))\n/\nsum(rate({total}[{window}]))",
            window = window.text
        )
    }
}

/// The series selectors of good events and of all events.
pub fn sli_selectors(indicator: &Indicator) -> (String, String) {
    match indicator {
        Indicator::Ratio { good, total } => (
            promql::selector(&good.metric.value, &[], &good.matchers),
            promql::selector(&total.metric.value, &[], &total.matchers),
        ),
        Indicator::Latency {
            selector,
            threshold,
        } => (
            promql::selector(
                &format!("{}_bucket", selector.metric.value),
                &[promql::le_matcher(*threshold)],
                &selector.matchers,
            ),
            promql::selector(
                &format!("{}_count", selector.metric.value),
                &[],
                &selector.matchers,
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400;

    /// With a 30-day window the factors are the Site Reliability Workbook's 14.4, 6, 3 and 1.
    #[test]
    fn thirty_days_gives_the_workbook_factors() {
        let factors: Vec<f64> = BURN_WINDOWS
            .iter()
            .map(|w| burn_factor(30 * DAY, w.long, w.budget_fraction))
            .collect();
        let expected = [14.4, 6.0, 3.0, 1.0];
        for (factor, expected) in factors.iter().zip(expected) {
            assert!((factor - expected).abs() < 1e-9, "{factors:?}");
        }
    }

    /// Other windows scale the factors; none goes below 1.
    #[test]
    fn other_windows_scale_and_floor_at_one() {
        let factors: Vec<f64> = BURN_WINDOWS
            .iter()
            .map(|w| burn_factor(28 * DAY, w.long, w.budget_fraction))
            .collect();
        let expected = [13.44, 5.6, 2.8, 1.0];
        for (factor, expected) in factors.iter().zip(expected) {
            assert!((factor - expected).abs() < 1e-9, "{factors:?}");
        }
        assert!((burn_factor(7 * DAY, 3_600, 0.02) - 3.36).abs() < 1e-9);
        assert_eq!(burn_factor(7 * DAY, 3 * DAY, 0.10), 1.0);
    }

    /// Names are stable: they appear in dashboards, Alertmanager routes and `diff` output.
    #[test]
    fn names() {
        assert_eq!(
            alert_name("checkout", "availability"),
            "CheckoutAvailabilityErrorBudgetBurn"
        );
        assert_eq!(
            alert_name("catalog", "search_latency"),
            "CatalogSearchLatencyErrorBudgetBurn"
        );
        assert_eq!(
            record_name(&Duration::from_seconds(300)),
            "instr:sli:ratio_rate5m"
        );
        assert_eq!(
            group_name("catalog", "search_latency"),
            "instr-slo-catalog-search-latency"
        );
    }
}
