//! The recording side: one file per process, created on the process's first record, each
//! distinct record appended once.
//!
//! Creation is atomic (the header is written to a hidden temporary file, which is renamed into
//! place), so a reader never sees a file without its header; each record is then one line
//! appended with one write, so a process that dies leaves at most a torn last line, which
//! readers skip. Files of earlier builds of the same test binary are deleted when the file is
//! created (readers ignore them anyway), so the folder does not grow with every rebuild.

use std::cell::RefCell;
use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::Path;
use std::sync::{Mutex, OnceLock, PoisonError};

use super::format;
use super::process::{self, Settings};
use super::reader;
use crate::catalog::{Event, Metric};
use crate::labels::{self, LabelSlot};

/// The process's recording, decided at its first emission.
struct Recording {
    settings: Settings,
    file: Mutex<FileState>,
}

#[derive(Default)]
struct FileState {
    file: Option<File>,
    /// Lines written, so threads that share a test name write each once.
    written: HashSet<String>,
    /// Set after an I/O error: the process stops recording.
    failed: bool,
}

static RECORDING: OnceLock<Option<Recording>> = OnceLock::new();

thread_local! {
    /// What this thread already recorded: (metric or event address, series).
    static SEEN: RefCell<HashSet<(usize, usize)>> = RefCell::new(HashSet::new());
}

fn recording_state() -> Option<&'static Recording> {
    RECORDING
        .get_or_init(|| {
            let current_exe = std::env::current_exe().ok();
            match process::settings(|key| std::env::var_os(key), current_exe) {
                Ok(settings) => settings.map(|settings| Recording {
                    settings,
                    file: Mutex::new(FileState::default()),
                }),
                Err(reason) => {
                    warn(&format!("{} is set but {reason}", process::ENABLE));
                    None
                }
            }
        })
        .as_ref()
}

/// True when this process records emissions (decided once).
pub(crate) fn recording() -> bool {
    recording_state().is_some()
}

/// The settings of a recording process.
pub(crate) fn settings() -> Option<&'static Settings> {
    recording_state().map(|recording| &recording.settings)
}

/// The test a record of the current thread belongs to: the process's (a child a test
/// attributed), else the thread's name (libtest names each test's thread after the test).
pub(crate) fn current_test(settings: &Settings) -> String {
    settings
        .test
        .clone()
        .or_else(|| std::thread::current().name().map(str::to_owned))
        .unwrap_or_default()
}

/// True the first time this thread reports `key`.
fn first_on_thread(key: (usize, usize)) -> bool {
    // During thread teardown the set is gone; the process-wide set still deduplicates.
    SEEN.try_with(|seen| seen.borrow_mut().insert(key))
        .unwrap_or(true)
}

/// Records that a metric series was emitted.
pub(crate) fn note_metric(metric: &'static Metric, slots: &[LabelSlot], series: usize) {
    let Some(recording) = recording_state() else {
        return;
    };
    if !first_on_thread((std::ptr::from_ref(metric) as usize, series)) {
        return;
    }
    let Some(values) = labels::decode(slots, series) else {
        return;
    };
    let pairs: Vec<(&str, &str)> = values
        .iter()
        .map(|(name, value)| (*name, value.as_ref()))
        .collect();
    let test = current_test(&recording.settings);
    recording.append(format::metric_line(&test, metric.name, &pairs));
}

/// Records that an event was emitted.
pub(crate) fn note_event(event: &'static Event) {
    let Some(recording) = recording_state() else {
        return;
    };
    if !first_on_thread((std::ptr::from_ref(event) as usize, usize::MAX)) {
        return;
    }
    let test = current_test(&recording.settings);
    recording.append(format::event_line(&test, event.name));
}

impl Recording {
    fn append(&self, line: String) {
        let mut state = self.file.lock().unwrap_or_else(PoisonError::into_inner);
        if state.failed || state.written.contains(&line) {
            return;
        }
        let written = match &mut state.file {
            Some(file) => file.write_all(line.as_bytes()),
            None => self.create().and_then(|mut file| {
                file.write_all(line.as_bytes())?;
                state.file = Some(file);
                Ok(())
            }),
        };
        match written {
            Ok(()) => {
                state.written.insert(line);
            }
            Err(error) => {
                state.failed = true;
                warn(&format!(
                    "cannot record emissions in {}: {error}; this process records no more",
                    self.settings.dir.display()
                ));
            }
        }
    }

    /// Creates the process's file with its header, atomically, and returns it open for
    /// appending.
    fn create(&self) -> std::io::Result<File> {
        let dir = &self.settings.dir;
        std::fs::create_dir_all(dir)?;
        remove_earlier_builds(dir, &self.settings);
        let name = self.settings.process.file_name();
        let temporary = dir.join(format!(".{name}.tmp"));
        let mut file = OpenOptions::new()
            .append(true)
            .create_new(true)
            .open(&temporary)?;
        let head = format!("{}{}", format::header(), self.settings.process.line());
        let created = file
            .write_all(head.as_bytes())
            .and_then(|()| std::fs::rename(&temporary, dir.join(&name)));
        if let Err(error) = created {
            let _ = std::fs::remove_file(&temporary);
            return Err(error);
        }
        Ok(file)
    }
}

/// Deletes files of this test binary written by an earlier build of it. Best effort: a file
/// another process deletes first, or one that cannot be read, is left to the reader.
fn remove_earlier_builds(dir: &Path, settings: &Settings) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let ours = &settings.process;
    for path in entries.flatten().map(|entry| entry.path()) {
        if let Some(theirs) = reader::process_of(&path)
            && theirs.executable == ours.executable
            && theirs.build != ours.build
        {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// Straight to the process's stderr (not the test harness' captured output), so it is seen.
fn warn(message: &str) {
    let _ = writeln!(std::io::stderr(), "instr: {message}");
}
