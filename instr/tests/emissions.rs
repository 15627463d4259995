//! Emission records, written by real test processes and read back: this test binary copies
//! itself into a scratch target folder (`target/debug/deps/emissions-<hash>`, with cargo's
//! `CACHEDIR.TAG`), runs the copy's ignored `emit_known_series` with `INSTR_EMISSIONS=1` as
//! `cargo test` would, and reads the folder with `Emissions::read`. The copy also starts a
//! program (another copy, outside `deps`) attributed to its test. Changing the copy plays a
//! rebuild; deleting it, a removed test binary.
//!
//! To add a case, emit it in `emit_known_series` (or `child_program`) and assert on it in
//! `records_every_series_once_with_its_test`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use instr::testing::emissions::{self, Emissions, FileStatus, TestId};

mod schema {
    instr::schema!("tests/behaviour/instr.toml");
}

use schema::{events, labels, metrics};

/// Names the program copy `emit_known_series` starts.
const PROGRAM: &str = "EMISSIONS_TEST_PROGRAM";

/// Run only as a child of the tests below (they set [`PROGRAM`]).
#[test]
#[ignore = "run by the other tests of this file, in a copy of this binary"]
fn emit_known_series() {
    let Some(program) = std::env::var_os(PROGRAM) else {
        return;
    };
    let stripe = metrics::PaymentsTotal {
        outcome: labels::Outcome::Success,
        provider: labels::Provider::Stripe,
    };
    stripe.increment(1);
    stripe.increment(2);
    metrics::MerchantPaymentsTotal {
        merchant: "tab\there=equals",
        outcome: labels::Outcome::Declined,
    }
    .increment(1);
    events::PaymentSettled {
        amount_cents: 1,
        refund: false,
        delta: 0,
        fee_ratio: 0.0,
        provider: labels::Provider::Adyen,
        merchant: "acme",
        note: None,
        outcome: None,
    }
    .emit();
    std::thread::Builder::new()
        .name("helper".to_owned())
        .spawn(|| {
            metrics::ResponsesTotal {
                status_class: labels::StatusClass::V2xx,
            }
            .increment(1);
        })
        .unwrap()
        .join()
        .unwrap();
    std::thread::spawn(|| metrics::QueueDepth.set(1.0))
        .join()
        .unwrap();
    let mut child = Command::new(program);
    child.args(["--exact", "child_program", "--include-ignored"]);
    emissions::attribute_child(&mut child);
    assert!(child.status().unwrap().success());
}

/// Run only as a program a test attributed to itself.
#[test]
#[ignore = "run by emit_known_series, as a program it starts"]
fn child_program() {
    if std::env::var_os("INSTR_EMISSIONS_TEST").is_none() {
        return;
    }
    #[allow(deprecated)]
    metrics::LegacyPaymentsTotal.increment(1);
}

/// A scratch target folder holding a copy of this test binary as cargo lays it out.
struct Target {
    _dir: tempfile::TempDir,
    root: PathBuf,
    test_binary: PathBuf,
    program: PathBuf,
}

impl Target {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("target");
        let deps = root.join("debug").join("deps");
        std::fs::create_dir_all(&deps).unwrap();
        std::fs::write(
            root.join("CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55\n",
        )
        .unwrap();
        let own = std::env::current_exe().unwrap();
        let test_binary = deps.join("emissions-0123456789abcdef");
        let program = root.join("debug").join("emissions-program");
        std::fs::copy(&own, &test_binary).unwrap();
        std::fs::copy(&own, &program).unwrap();
        Self {
            _dir: dir,
            root,
            test_binary,
            program,
        }
    }

    /// Runs the copy's `emit_known_series` as `cargo test` would, with `record` deciding
    /// whether `INSTR_EMISSIONS=1` is set.
    fn run(&self, record: bool) {
        let mut command = Command::new(&self.test_binary);
        command
            .args(["--exact", "emit_known_series", "--include-ignored"])
            .env(PROGRAM, &self.program)
            .env("CARGO_PKG_NAME", "instr")
            .env_remove("INSTR_EMISSIONS")
            .env_remove("INSTR_EMISSIONS_DIR")
            .env_remove("INSTR_EMISSIONS_TEST")
            .env_remove("INSTR_EMISSIONS_EXECUTABLE")
            .env_remove("CARGO_TARGET_DIR");
        if record {
            command.env("INSTR_EMISSIONS", "1");
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn dir(&self) -> PathBuf {
        emissions::directory(&self.root)
    }

    fn read(&self) -> Emissions {
        Emissions::read(&self.dir()).unwrap()
    }

    /// Plays a rebuild: the binary's size and modification time change.
    fn rebuild(&self) {
        let mut bytes = std::fs::read(&self.test_binary).unwrap();
        bytes.push(0);
        std::fs::write(&self.test_binary, bytes).unwrap();
    }
}

fn test_id(test: Option<&str>) -> TestId {
    TestId {
        package: "instr".to_owned(),
        binary: "emissions".to_owned(),
        test: test.map(str::to_owned),
    }
}

fn ids<'a>(tests: impl IntoIterator<Item = &'a TestId>) -> BTreeSet<TestId> {
    tests.into_iter().cloned().collect()
}

fn statuses(emissions: &Emissions) -> Vec<&FileStatus> {
    emissions.files().iter().map(|(_, status)| status).collect()
}

fn files_in(dir: &Path) -> BTreeSet<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect()
}

/// Each series once per test, with its label values (escaped and back), the test from the
/// thread's name (none for an unnamed thread), events, and the attributed child's emissions
/// under the test that started it; label filters select the series an objective reads.
#[test]
fn records_every_series_once_with_its_test() {
    let target = Target::new();
    target.run(true);
    let read = target.read();
    let emitter = test_id(Some("emit_known_series"));

    let payments = read.metric_series("payments_total");
    assert_eq!(payments.len(), 1, "{payments:?}");
    assert_eq!(
        payments[0].labels,
        BTreeMap::from([
            ("outcome".to_owned(), "success".to_owned()),
            ("provider".to_owned(), "stripe".to_owned())
        ])
    );
    assert_eq!(payments[0].tests, BTreeSet::from([emitter.clone()]));
    assert_eq!(
        ids(read.tests_emitting_metric("payments_total", &[("outcome", &["success", "declined"])])),
        BTreeSet::from([emitter.clone()])
    );
    assert!(
        read.tests_emitting_metric("payments_total", &[("outcome", &["error"])])
            .is_empty()
    );
    assert!(
        read.tests_emitting_metric("payments_total", &[("missing", &["x"])])
            .is_empty()
    );
    assert_eq!(
        read.metric_series("merchant_payments_total")[0].labels["merchant"],
        "tab\there=equals"
    );
    assert_eq!(
        ids(read.tests_emitting_metric("responses_total", &[])),
        BTreeSet::from([test_id(Some("helper"))])
    );
    assert_eq!(
        ids(read.tests_emitting_metric("queue_depth", &[])),
        BTreeSet::from([test_id(None)])
    );
    assert_eq!(
        ids(read.tests_emitting_event("payment_settled")),
        BTreeSet::from([emitter.clone()])
    );
    assert_eq!(
        ids(read.tests_emitting_metric("legacy_payments_total", &[])),
        BTreeSet::from([emitter.clone()]),
        "the child's emission counts for the test that started it"
    );
    assert!(
        read.tests_emitting_metric("contended_total", &[])
            .is_empty()
    );
    assert!(read.tests_emitting_event("no_such_event").is_empty());
    // One file per process: the test binary (5 records) and the program it started (1).
    let mut records: Vec<usize> = statuses(&read)
        .iter()
        .map(|status| match status {
            FileStatus::Used { records } => *records,
            other => panic!("{other:?}"),
        })
        .collect();
    records.sort();
    assert_eq!(records, [1, 5]);
}

/// Without `INSTR_EMISSIONS` nothing is written, and an absent folder reads as empty.
#[test]
fn nothing_is_recorded_unless_asked() {
    let target = Target::new();
    target.run(false);
    assert!(!target.dir().exists());
    let read = target.read();
    assert!(read.is_empty());
    assert!(read.files().is_empty());
}

/// A torn last line (a process killed mid-write) is skipped and the rest still counts; a
/// rebuilt test binary makes its files stale, and its next run deletes them; a removed one
/// leaves them stale; a newer format version or a foreign file is reported, not misread.
#[test]
fn stale_torn_and_foreign_files() {
    let target = Target::new();
    target.run(true);
    let first_run = files_in(&target.dir());
    let some_file = first_run.iter().next().unwrap().clone();
    let mut text = std::fs::read_to_string(&some_file).unwrap();
    text.push_str("metric\tcut_off_test\tpayments_tot");
    std::fs::write(&some_file, &text).unwrap();
    let read = target.read();
    assert!(
        statuses(&read)
            .iter()
            .all(|status| matches!(status, FileStatus::Used { .. }))
    );
    assert!(!read.tests_emitting_metric("payments_total", &[]).is_empty());

    std::fs::write(
        target.dir().join("future.emissions"),
        "instr-emissions 2\nprocess\n",
    )
    .unwrap();
    std::fs::write(target.dir().join("foreign.emissions"), "hello\n").unwrap();
    let read = target.read();
    let unreadable: Vec<String> = read
        .files()
        .iter()
        .filter_map(|(_, status)| match status {
            FileStatus::Unreadable { reason } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(unreadable.len(), 2, "{unreadable:?}");
    assert!(unreadable.iter().any(|reason| reason.contains("version 2")));
    assert!(!read.is_empty(), "the good files still count");

    target.rebuild();
    let read = target.read();
    assert!(
        read.is_empty(),
        "a rebuilt binary's records no longer count"
    );
    assert_eq!(
        read.files()
            .iter()
            .filter(|(_, status)| matches!(status, FileStatus::Stale { reason } if reason.contains("rebuilt")))
            .count(),
        2
    );

    target.run(true);
    let second_run = files_in(&target.dir());
    assert!(
        first_run.is_disjoint(&second_run),
        "the new build's first record deletes the earlier build's files"
    );
    assert!(!target.read().is_empty());

    std::fs::remove_file(&target.test_binary).unwrap();
    let read = target.read();
    assert!(read.is_empty());
    assert!(read.files().iter().any(
        |(_, status)| matches!(status, FileStatus::Stale { reason } if reason.contains("no longer exists"))
    ));
}

/// The same test binary built under another path (other features or flags give cargo another
/// hash): only the newest build's records count, since the older one may be older code.
#[test]
fn a_newer_build_under_another_path_supersedes() {
    let mut target = Target::new();
    target.run(true);
    let older = target.test_binary.clone();
    target.test_binary = older.with_file_name("emissions-fedcba9876543210");
    std::fs::copy(&older, &target.test_binary).unwrap();
    // Copying gives the new file a later modification time than the older build.
    target.run(true);
    let read = target.read();
    let superseded = read
        .files()
        .iter()
        .filter(|(_, status)| matches!(status, FileStatus::Stale { reason } if reason.contains("newer build")))
        .count();
    assert_eq!(superseded, 2, "{:?}", read.files());
    let used = read
        .files()
        .iter()
        .filter(|(_, status)| matches!(status, FileStatus::Used { .. }))
        .count();
    assert_eq!(used, 2);
    assert!(!read.tests_emitting_metric("payments_total", &[]).is_empty());
}
