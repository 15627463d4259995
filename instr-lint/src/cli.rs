//! Command-line parsing and dispatch. Works both as `cargo instr-check ...` (cargo passes
//! `instr-check` as the first argument) and as `cargo-instr-check ...`.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use instr_schema::diag::RenderOptions;

use crate::check::{self, CheckOptions};
use crate::commands::{self, Common};
use crate::exit;
use crate::output::{self, Format};
use crate::rules;

/// Checks that every feature declares who owns it and how its success is measured.
#[derive(Debug, Parser)]
#[command(name = "cargo-instr-check", bin_name = "cargo instr-check", version)]
#[command(about = "Fail the build when a feature has no owner or no declared success metric.")]
#[command(
    after_help = "Exit codes: 0 no error-level findings, 1 error-level findings, 2 the check could not run."
)]
pub struct Cli {
    /// Path to the Cargo.toml of the workspace (or of one member) to check.
    #[arg(long, value_name = "PATH", global = true)]
    pub manifest_path: Option<PathBuf>,

    /// Output format: human findings on stderr, or JSON on stdout.
    // Not global: each subcommand has its own `--format` with its own values.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// When to use colours in human output. `auto` honours NO_COLOR and CARGO_TERM_COLOR.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", global = true)]
    pub color: ColorChoice,

    /// Print every rule code with a one-line description, then exit.
    #[arg(long, conflicts_with = "explain")]
    pub list: bool,

    /// Print the full explanation of a rule, then exit.
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,

    /// What to do; without a subcommand, check the workspace.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands. Each one's logic lives in `crate::commands`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare the schema with a git revision and classify each change as breaking or additive.
    Diff(commands::diff::DiffArgs),
    /// Write the Markdown catalog of owners, features, metrics and events.
    Docs(commands::docs::DocsArgs),
    /// Generate Prometheus recording and burn-rate alerting rules (or OpenSLO) from objectives.
    Rules(commands::rules::RulesArgs),
}

/// `--color` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal, unless NO_COLOR or CARGO_TERM_COLOR say otherwise.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// Runs the command line and returns the process exit code.
pub fn run<I>(args: I) -> i32
where
    I: IntoIterator<Item = OsString>,
{
    let cli = match Cli::try_parse_from(normalize_args(args)) {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version to stdout with code 0, usage errors to stderr with 2.
            let _ = error.print();
            return error.exit_code();
        }
    };
    if cli.list {
        return print_stdout(&list_rules());
    }
    if let Some(code) = &cli.explain {
        return match explain_rule(code) {
            Ok(text) => print_stdout(&text),
            Err(message) => fail(&message),
        };
    }
    let common = Common {
        manifest_path: cli.manifest_path.clone(),
    };
    let outcome = match &cli.command {
        None => return run_check(&cli),
        Some(Command::Diff(args)) => commands::diff::run(&common, args),
        Some(Command::Docs(args)) => commands::docs::run(&common, args),
        Some(Command::Rules(args)) => commands::rules::run(&common, args),
    };
    outcome.unwrap_or_else(|failure| commands::report_failure(&failure))
}

fn run_check(cli: &Cli) -> i32 {
    let options = CheckOptions {
        manifest_path: cli.manifest_path.clone(),
    };
    let report = match check::run(&options) {
        Ok(report) => report,
        Err(error) => return fail(&error.to_string()),
    };
    match cli.format {
        Format::Human => {
            let render = RenderOptions {
                color: use_color(cli.color),
                unicode: true,
                width: 100,
            };
            let text = output::human::render(&report, &render);
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
        Format::Json => {
            print_stdout(&format!("{}\n", output::json::render(&report)));
        }
    }
    if report.errors() > 0 {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}

/// Drops the `instr-check` argument cargo inserts when it runs `cargo instr-check`.
fn normalize_args<I>(args: I) -> Vec<OsString>
where
    I: IntoIterator<Item = OsString>,
{
    let mut args: Vec<OsString> = args.into_iter().collect();
    if args.get(1).is_some_and(|arg| arg == "instr-check") {
        args.remove(1);
    }
    args
}

/// Whether to colour: an explicit `--color` wins, then NO_COLOR, then CARGO_TERM_COLOR, then
/// whether stderr is a terminal.
fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty()) {
                return false;
            }
            match std::env::var("CARGO_TERM_COLOR").as_deref() {
                Ok("always") => true,
                Ok("never") => false,
                _ => std::io::stderr().is_terminal(),
            }
        }
    }
}

/// `--list`: one line per rule.
pub fn list_rules() -> String {
    let width = rules::all().map(|rule| rule.code.len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in rules::all() {
        out.push_str(&format!(
            "{:width$}  {:7}  {}\n",
            rule.code,
            rule.default_severity.as_str(),
            rule.summary
        ));
    }
    out
}

/// `--explain CODE`: the full text of one rule.
pub fn explain_rule(name: &str) -> Result<String, String> {
    match rules::find(name) {
        Some(rule) => Ok(format!(
            "{}\ndefault level: {}\n\n{}\n\n{}\n",
            rule.code,
            rules::level_word(rule),
            rule.summary,
            rule.explanation
        )),
        None => {
            let hint = rules::suggest(name)
                .map(|code| format!(" (did you mean `{code}`?)"))
                .unwrap_or_default();
            Err(format!(
                "unknown rule `{name}`{hint}; `cargo instr-check --list` shows every code"
            ))
        }
    }
}

fn print_stdout(text: &str) -> i32 {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => exit::CLEAN,
        // A closed pipe (`| head`) is not the user's problem.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => exit::CLEAN,
        Err(error) => fail(&format!("could not write output: {error}")),
    }
}

/// Reports why the tool could not run, in one line, and returns the usage exit code.
fn fail(message: &str) -> i32 {
    let _ = writeln!(std::io::stderr(), "error: {message}");
    exit::USAGE
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cargo instr-check --list` and `cargo-instr-check --list` parse the same.
    #[test]
    fn accepts_both_invocations() {
        let via_cargo =
            normalize_args(["cargo-instr-check", "instr-check", "--list"].map(OsString::from));
        let direct = normalize_args(["cargo-instr-check", "--list"].map(OsString::from));
        assert_eq!(via_cargo, direct);
    }

    /// The explanation names the rule and its default level; unknown codes get a suggestion.
    #[test]
    fn explains_rules() {
        let text = explain_rule("schema::expired").unwrap();
        assert!(
            text.starts_with("instr::schema::expired\ndefault level: warn"),
            "{text}"
        );
        let error = explain_rule("schema::expird").unwrap_err();
        assert!(error.contains("did you mean `schema::expired`"), "{error}");
    }
}
