//! The recording side: one file per process, created on the process's first record, each
//! distinct record appended once. `instr` calls [`record_metric`] and [`record_event`] for
//! every emission of a recording process (after dropping what the thread already reported).
//!
//! Creation is atomic (the header is written to a hidden temporary file, which is renamed into
//! place), so a reader never sees a file without its header; each record is then one line
//! appended with one write, so a process that dies leaves at most a torn last line, which
//! readers skip. Files of earlier builds of the same test binary are deleted when the file is
//! created (readers ignore them anyway), so the folder does not grow with every rebuild.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::Path;
use std::process::Command;
use std::sync::{Mutex, OnceLock, PoisonError};

use super::format;
use super::process::{self, Settings};
use super::reader;

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

/// True when this process records emissions: `INSTR_EMISSIONS` is on and it is a test binary
/// cargo built, or a program a test attributed to itself (decided once, on the first call).
pub fn recording() -> bool {
    recording_state().is_some()
}

/// The test a record of the current thread belongs to: the process's (a child a test
/// attributed), else the thread's name (libtest names each test's thread after the test).
fn current_test(settings: &Settings) -> String {
    settings
        .test
        .clone()
        .or_else(|| std::thread::current().name().map(str::to_owned))
        .unwrap_or_default()
}

/// Records that the current thread's test emitted the series of `metric` with these label
/// values (in the schema's label order). Does nothing when the process does not record;
/// a series already recorded for the test is not written again.
pub fn record_metric(metric: &str, labels: &[(&str, &str)]) {
    if let Some(recording) = recording_state() {
        let test = current_test(&recording.settings);
        recording.append(format::metric_line(&test, metric, labels));
    }
}

/// Records that the current thread's test emitted `event`. Does nothing when the process
/// does not record.
pub fn record_event(event: &str) {
    if let Some(recording) = recording_state() {
        let test = current_test(&recording.settings);
        recording.append(format::event_line(&test, event));
    }
}

/// Makes the emissions of a program a test starts count for that test: when this process
/// records, the child records too, into the same folder, every emission attributed to the
/// calling thread's test and to this test binary's build. Does nothing when this process does
/// not record.
///
/// ```no_run
/// let mut command = std::process::Command::new("target/debug/shop");
/// instr_emissions::attribute_child(&mut command);
/// let child = command.spawn();
/// ```
pub fn attribute_child(command: &mut Command) -> &mut Command {
    let Some(recording) = recording_state() else {
        return command;
    };
    let settings = &recording.settings;
    command
        .env(process::ENABLE, "1")
        .env(process::DIR, &settings.dir)
        .env(process::EXECUTABLE, &settings.process.executable)
        .env(process::TEST, current_test(settings))
        .env("CARGO_PKG_NAME", &settings.process.package)
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
