//! The reading side: every file in the folder, merged, without the files of test binaries that
//! were rebuilt or removed since they were written.
//!
//! A file counts while the test binary it names still has the modification time and size it
//! had when the file was written: a rebuilt binary (a test removed, a test changed) makes its
//! earlier files stale, so a proof never outlives the code that gave it. Of a test binary built
//! under several paths (another hash for other features or flags), only the newest build
//! counts. Runs of the same build merge, which is right: the same code emitted the same things.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};

use super::format::{self, MAGIC, VERSION};
use super::process::{Build, Process};

/// A test that emitted something: `package/binary::test`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TestId {
    /// The package the test binary belongs to.
    pub package: String,
    /// The test binary (`http` for `tests/http.rs`; the crate's name for unit tests).
    pub binary: String,
    /// The test's path within the binary (`traffic_is_measured_exactly`,
    /// `module::case`); `None` for a thread without a name, one a test spawned.
    pub test: Option<String>,
}

impl fmt::Display for TestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.package, self.binary)?;
        match &self.test {
            Some(test) => write!(f, "::{test}"),
            None => f.write_str(" (a thread without a name)"),
        }
    }
}

/// A metric series some test emitted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricSeries {
    /// The metric.
    pub metric: String,
    /// Its label values, by label name.
    pub labels: BTreeMap<String, String>,
    /// The tests that emitted it.
    pub tests: BTreeSet<TestId>,
}

/// What became of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileStatus {
    /// Read and merged: this many records.
    Used {
        /// Records read from it.
        records: usize,
    },
    /// Left out: the test binary it names was rebuilt or removed since.
    Stale {
        /// Why.
        reason: String,
    },
    /// Left out: not a file this version can read.
    Unreadable {
        /// Why.
        reason: String,
    },
}

/// Everything the tests of the current builds emitted, merged from a folder of emission
/// records (see [`super::directory`]).
#[derive(Clone, Debug, Default)]
pub struct Emissions {
    metrics: BTreeMap<String, BTreeMap<BTreeMap<String, String>, BTreeSet<TestId>>>,
    events: BTreeMap<String, BTreeSet<TestId>>,
    files: Vec<(PathBuf, FileStatus)>,
    /// The test binary (package, name) each file speaks for, when its `process` line reads.
    origins: BTreeMap<PathBuf, (String, String)>,
}

impl Emissions {
    /// Reads every `*.emissions` file in `dir`. A folder that does not exist holds nothing
    /// (no test recorded yet); a folder that cannot be listed is an error. Files that are
    /// stale or unreadable are left out and listed in [`Emissions::files`].
    pub fn read(dir: &Path) -> std::io::Result<Self> {
        let mut out = Self::default();
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(error) => return Err(error),
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "emissions"))
            .filter(|path| {
                !path
                    .file_name()
                    .is_some_and(|name| name.to_string_lossy().starts_with('.'))
            })
            .collect();
        paths.sort();
        let loaded: Vec<(PathBuf, Result<Parsed, FileStatus>)> = paths
            .into_iter()
            .map(|path| {
                let parsed = load(&path);
                (path, parsed)
            })
            .collect();
        let newest = newest_builds(&loaded);
        for (path, parsed) in loaded {
            if let Some(process) = match &parsed {
                Ok(parsed) => Some(parsed.process.clone()),
                Err(_) => process_of(&path),
            } {
                out.origins
                    .insert(path.clone(), (process.package, process.binary));
            }
            let status = match parsed {
                Ok(parsed) => {
                    let key = (
                        parsed.process.package.clone(),
                        parsed.process.binary.clone(),
                    );
                    match newest.get(&key) {
                        Some(newest) if !same_build(newest, &parsed.process) => FileStatus::Stale {
                            reason: format!(
                                "{}/{} has a newer build: {}",
                                parsed.process.package,
                                parsed.process.binary,
                                newest.executable.display()
                            ),
                        },
                        _ => out.merge(parsed),
                    }
                }
                Err(status) => status,
            };
            out.files.push((path, status));
        }
        Ok(out)
    }

    fn merge(&mut self, parsed: Parsed) -> FileStatus {
        let records = parsed.records.len();
        for record in parsed.records {
            let test = TestId {
                package: parsed.process.package.clone(),
                binary: parsed.process.binary.clone(),
                test: (!record.test.is_empty()).then_some(record.test),
            };
            match record.labels {
                Some(labels) => {
                    self.metrics
                        .entry(record.name)
                        .or_default()
                        .entry(labels)
                        .or_default()
                        .insert(test);
                }
                None => {
                    self.events.entry(record.name).or_default().insert(test);
                }
            }
        }
        FileStatus::Used { records }
    }

    /// Every series of `metric` a test emitted.
    pub fn metric_series(&self, metric: &str) -> Vec<MetricSeries> {
        self.metrics
            .get(metric)
            .into_iter()
            .flatten()
            .map(|(labels, tests)| MetricSeries {
                metric: metric.to_owned(),
                labels: labels.clone(),
                tests: tests.clone(),
            })
            .collect()
    }

    /// The tests that emitted a series of `metric` whose labels match every `(label, values)`
    /// pair: the series' value of `label` is one of `values`. With no pairs, any series
    /// matches. This answers "was this success metric, or this objective's good or total
    /// series, emitted by a test?": empty means no.
    pub fn tests_emitting_metric(
        &self,
        metric: &str,
        matching: &[(&str, &[&str])],
    ) -> BTreeSet<&TestId> {
        self.metrics
            .get(metric)
            .into_iter()
            .flatten()
            .filter(|(labels, _)| {
                matching.iter().all(|(label, values)| {
                    labels
                        .get(*label)
                        .is_some_and(|value| values.contains(&value.as_str()))
                })
            })
            .flat_map(|(_, tests)| tests)
            .collect()
    }

    /// Every test that emitted anything (a test appears once per series or event).
    pub fn tests(&self) -> impl Iterator<Item = &TestId> {
        self.metrics
            .values()
            .flat_map(BTreeMap::values)
            .chain(self.events.values())
            .flatten()
    }

    /// The tests that emitted `event`.
    pub fn tests_emitting_event(&self, event: &str) -> BTreeSet<&TestId> {
        self.events.get(event).into_iter().flatten().collect()
    }

    /// Every file looked at, and what became of it, by path.
    pub fn files(&self) -> &[(PathBuf, FileStatus)] {
        &self.files
    }

    /// The test binary a file looked at speaks for, `(package, binary)`, when its `process`
    /// line can be read (stale files included; not a file that is not a record file).
    pub fn origin(&self, path: &Path) -> Option<(&str, &str)> {
        self.origins
            .get(path)
            .map(|(package, binary)| (package.as_str(), binary.as_str()))
    }

    /// True when no current file recorded anything.
    pub fn is_empty(&self) -> bool {
        self.metrics.is_empty() && self.events.is_empty()
    }
}

/// A file parsed, if it is readable and its test binary is the build that wrote it.
fn load(path: &Path) -> Result<Parsed, FileStatus> {
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8(bytes).map_err(|_| unreadable("not UTF-8 text"))?,
        Err(error) => return Err(unreadable(&error.to_string())),
    };
    let parsed = parse(&text).map_err(|reason| unreadable(&reason))?;
    current(&parsed.process).map_err(|reason| FileStatus::Stale { reason })?;
    Ok(parsed)
}

/// Per test binary (package and name), the newest build among the current files. A test
/// binary built twice under different paths (other features or flags give cargo another
/// hash) keeps only its newest build's records: the older one may be older code.
fn newest_builds(
    loaded: &[(PathBuf, Result<Parsed, FileStatus>)],
) -> BTreeMap<(String, String), Process> {
    let mut newest: BTreeMap<(String, String), Process> = BTreeMap::new();
    for parsed in loaded.iter().filter_map(|(_, parsed)| parsed.as_ref().ok()) {
        let process = &parsed.process;
        let key = (process.package.clone(), process.binary.clone());
        match newest.get(&key) {
            Some(kept) if kept.build.modified >= process.build.modified => {}
            _ => {
                newest.insert(key, process.clone());
            }
        }
    }
    newest
}

fn same_build(a: &Process, b: &Process) -> bool {
    a.executable == b.executable && a.build == b.build
}

fn unreadable(reason: &str) -> FileStatus {
    FileStatus::Unreadable {
        reason: reason.to_owned(),
    }
}

/// One record line.
struct Record {
    test: String,
    name: String,
    /// The series' labels for a metric; `None` for an event.
    labels: Option<BTreeMap<String, String>>,
}

struct Parsed {
    process: Process,
    records: Vec<Record>,
}

/// Parses a whole file. Only complete lines count (a torn last line is skipped); record kinds
/// this version does not know are skipped; a malformed known record makes the file unreadable,
/// since it was not written by instr.
fn parse(text: &str) -> Result<Parsed, String> {
    let complete = match text.rfind('\n') {
        Some(end) => &text[..end],
        None => "",
    };
    let mut lines = complete.split('\n');
    let header = lines.next().unwrap_or_default();
    check_header(header)?;
    let process = lines
        .next()
        .and_then(process_line)
        .ok_or("the second line is not a valid `process` line")?;
    let mut records = Vec::new();
    for (number, line) in lines.enumerate() {
        let fields: Vec<&str> = line.split('\t').collect();
        let record = match fields.as_slice() {
            ["metric", test, name, labels @ ..] => record(test, name, Some(labels)),
            ["event", test, name] => record(test, name, None),
            [kind, ..] if *kind != "metric" && *kind != "event" => continue,
            _ => None,
        };
        records.push(record.ok_or_else(|| format!("line {} is malformed", number + 3))?);
    }
    Ok(Parsed { process, records })
}

fn record(test: &str, name: &str, labels: Option<&[&str]>) -> Option<Record> {
    let labels = match labels {
        Some(fields) => Some(
            fields
                .iter()
                .map(|field| format::split_pair(field))
                .collect::<Option<BTreeMap<_, _>>>()?,
        ),
        None => None,
    };
    Some(Record {
        test: format::unescape(test)?.into_owned(),
        name: format::unescape(name)?.into_owned(),
        labels,
    })
}

fn check_header(header: &str) -> Result<(), String> {
    let version = header
        .strip_prefix(MAGIC)
        .and_then(|rest| rest.strip_prefix(' '))
        .and_then(|version| version.parse::<u32>().ok())
        .ok_or("not an instr emission record (no `instr-emissions` header)")?;
    if version != VERSION {
        return Err(format!(
            "format version {version}; this instr reads version {VERSION}"
        ));
    }
    Ok(())
}

/// `Ok` while the test binary the file names is the build that wrote it.
fn current(process: &Process) -> Result<(), String> {
    match Build::of(&process.executable) {
        Ok(build) if build == process.build => Ok(()),
        Ok(_) => Err(format!(
            "{} was rebuilt since",
            process.executable.display()
        )),
        Err(_) => Err(format!("{} no longer exists", process.executable.display())),
    }
}

/// The `process` line of a file, reading only its first two lines; `None` when it has none.
pub(crate) fn process_of(path: &Path) -> Option<Process> {
    let file = std::fs::File::open(path).ok()?;
    let mut lines = BufReader::new(file).lines();
    check_header(&lines.next()?.ok()?).ok()?;
    process_line(&lines.next()?.ok()?)
}

fn process_line(line: &str) -> Option<Process> {
    let mut fields = line.split('\t');
    if fields.next() != Some("process") {
        return None;
    }
    Process::parse(&fields.collect::<Vec<_>>())
}
