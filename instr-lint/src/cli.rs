//! Command-line parsing and dispatch. Works both as `cargo instr-check ...` (cargo passes
//! `instr-check` as the first argument) and as `cargo-instr-check ...`.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use instr_schema::diag::RenderOptions;

use crate::baseline;
use crate::check::{self, CheckOptions};
use crate::commands::{self, Common};
use crate::exit;
use crate::init;
use crate::output::{self, Format};
use crate::rules;

/// Checks that every handler serves a feature, and that every feature declares who owns it
/// and how its success is measured.
#[derive(Debug, Parser)]
#[command(name = "cargo-instr-check", bin_name = "cargo instr-check", version)]
#[command(
    about = "Fail the build when a handler serves no feature, or a feature has no owner or no declared success metric."
)]
#[command(
    after_help = "Exit codes: 0 no error-level findings, 1 error-level findings, 2 the check could not run."
)]
pub struct Cli {
    /// What to do; `check` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Path to the Cargo.toml of the workspace (or of one member) to check.
    #[arg(long, value_name = "PATH", global = true)]
    pub manifest_path: Option<PathBuf>,

    /// When to use colours in human output. `auto` honours NO_COLOR and CARGO_TERM_COLOR.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", global = true)]
    pub color: ColorChoice,

    /// The options of `check`, which runs when no subcommand is given.
    #[command(flatten)]
    pub check: CheckArgs,

    /// Print every rule code with its default level and a one-line description, then exit.
    #[arg(long, conflicts_with = "explain")]
    pub list: bool,

    /// Print the full explanation of a rule, then exit.
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,
}

/// The subcommands. Each has its own arguments struct and a `run_*` function below, so a
/// new one is a variant, a struct and a function; `diff`, `docs` and `rules` keep theirs in
/// `crate::commands`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the workspace (the default).
    Check(CheckArgs),
    /// Write a starter instr.toml from the handlers found.
    Init(InitArgs),
    /// List every handler with its feature, owner and success metrics, with totals per crate.
    Coverage(CoverageArgs),
    /// Compare the schema with a git revision and classify each change as breaking or additive.
    Diff(commands::diff::DiffArgs),
    /// Write the Markdown catalog of owners, features, metrics and events.
    Docs(commands::docs::DocsArgs),
    /// Generate Prometheus recording and burn-rate alerting rules (or OpenSLO) from objectives.
    Rules(commands::rules::RulesArgs),
}

/// Options of `check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Output format: human findings on stderr, or JSON, SARIF or GitHub annotations on stdout.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Hide the findings recorded in this baseline file; only new ones are reported.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record today's findings in this file (written atomically), then exit 0.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
}

/// Options of `init`.
#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// Where to write the schema; the workspace's schema path (instr.toml at the root) by default.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Options of `coverage`.
#[derive(Debug, Clone, Args)]
pub struct CoverageArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = CoverageFormat::Table)]
    pub format: CoverageFormat,
}

/// `coverage --format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CoverageFormat {
    /// A plain-text table.
    Table,
    /// A JSON document.
    Json,
    /// A Markdown table, for a pull-request comment.
    Markdown,
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
    if let Some(misplaced) = check_options_before_subcommand(&cli) {
        return fail(&misplaced);
    }
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
        None => return run_check(&cli, &cli.check),
        Some(Command::Check(args)) => return run_check(&cli, args),
        Some(Command::Init(args)) => return run_init(&cli, args),
        Some(Command::Coverage(args)) => return run_coverage(&cli, args),
        Some(Command::Diff(args)) => commands::diff::run(&common, args),
        Some(Command::Docs(args)) => commands::docs::run(&common, args),
        Some(Command::Rules(args)) => commands::rules::run(&common, args),
    };
    outcome.unwrap_or_else(|failure| commands::report_failure(&failure))
}

/// The options of `check` given before a subcommand would be silently ignored: say so.
/// (`--manifest-path` and `--color` are global and may go on either side.)
fn check_options_before_subcommand(cli: &Cli) -> Option<String> {
    let command = cli.command.as_ref()?;
    let given = [
        (cli.check.format != Format::Human, "--format"),
        (cli.check.baseline.is_some(), "--baseline"),
        (cli.check.write_baseline.is_some(), "--write-baseline"),
        (cli.list, "--list"),
        (cli.explain.is_some(), "--explain"),
    ];
    let (_, flag) = given.into_iter().find(|(set, _)| *set)?;
    let name = match command {
        Command::Check(_) => "check",
        Command::Init(_) => "init",
        Command::Coverage(_) => "coverage",
        Command::Diff(_) => "diff",
        Command::Docs(_) => "docs",
        Command::Rules(_) => "rules",
    };
    Some(format!(
        "`{flag}` belongs to `check`; with `{name}`, put the subcommand's own options after it"
    ))
}

fn run_check(cli: &Cli, args: &CheckArgs) -> i32 {
    let options = CheckOptions {
        manifest_path: cli.manifest_path.clone(),
    };
    let baseline = match &args.baseline {
        Some(path) => match baseline::read(path) {
            Ok(baseline) => Some(baseline),
            Err(message) => return fail(&message),
        },
        None => None,
    };
    let mut report = match check::run(&options) {
        Ok(report) => report,
        Err(error) => return fail(&error.to_string()),
    };
    if let Some(path) = &args.write_baseline {
        return match baseline::write(path, &report) {
            Ok(count) => {
                let _ = writeln!(
                    std::io::stderr(),
                    "wrote {count} finding{} to baseline `{}`",
                    if count == 1 { "" } else { "s" },
                    path.display()
                );
                exit::CLEAN
            }
            Err(message) => fail(&message),
        };
    }
    if let Some(baseline) = &baseline {
        baseline::apply(&mut report, baseline);
    }
    let written = match args.format {
        Format::Human => {
            let render = RenderOptions {
                color: use_color(cli.color),
                unicode: true,
                width: 100,
            };
            let text = output::human::render(&report, &render);
            let _ = std::io::stderr().write_all(text.as_bytes());
            exit::CLEAN
        }
        Format::Json => print_stdout(&format!("{}\n", output::json::render(&report))),
        Format::Sarif => print_stdout(&format!("{}\n", output::sarif::render(&report))),
        Format::Github => print_stdout(&output::github::render(&report)),
    };
    if written != exit::CLEAN {
        return written;
    }
    if report.errors() > 0 {
        exit::FINDINGS
    } else {
        exit::CLEAN
    }
}

fn run_init(cli: &Cli, args: &InitArgs) -> i32 {
    let options = init::InitOptions {
        manifest_path: cli.manifest_path.clone(),
        output: args.output.clone(),
        force: args.force,
    };
    match init::run(&options) {
        Ok(outcome) => {
            let _ = writeln!(
                std::io::stderr(),
                "wrote `{}`: {} feature{} mapping {} handler{}; give each feature an owner and a success metric, then run `cargo instr-check`",
                outcome.path.display(),
                outcome.features,
                if outcome.features == 1 { "" } else { "s" },
                outcome.handlers,
                if outcome.handlers == 1 { "" } else { "s" },
            );
            exit::CLEAN
        }
        Err(message) => fail(&message),
    }
}

fn run_coverage(cli: &Cli, args: &CoverageArgs) -> i32 {
    let options = CheckOptions {
        manifest_path: cli.manifest_path.clone(),
    };
    let report = match check::coverage(&options) {
        Ok(report) => report,
        Err(error) => return fail(&error.to_string()),
    };
    let text = match args.format {
        CoverageFormat::Table => output::coverage::render_table(&report),
        CoverageFormat::Json => format!("{}\n", output::coverage::render_json(&report)),
        CoverageFormat::Markdown => output::coverage::render_markdown(&report),
    };
    print_stdout(&text)
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
            "{:width$}  {:5}  {}\n",
            rule.code,
            rules::level_word(rule),
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
