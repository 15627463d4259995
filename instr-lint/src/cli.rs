//! Command-line parsing and dispatch. Works both as `cargo instr-check ...` (cargo passes
//! `instr-check` as the first argument) and as `cargo-instr-check ...`.

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::commands::alerts::AlertsArgs;
use crate::commands::check::{CheckArgs, Format};
use crate::commands::coverage::CoverageArgs;
use crate::commands::diff::DiffArgs;
use crate::commands::docs::DocsArgs;
use crate::commands::export::ExportArgs;
use crate::commands::init::InitArgs;
use crate::commands::{self, Failure, Global, print};
use crate::scan::ScanOptions;
use crate::{exit, registry};

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
struct Cli {
    /// What to do; `check` when omitted.
    #[command(subcommand)]
    command: Option<Command>,

    /// Path to the Cargo.toml of the workspace (or of one member) to check.
    #[arg(long, value_name = "PATH", global = true)]
    manifest_path: Option<PathBuf>,

    /// When to use colours in human output. `auto` honours NO_COLOR and CARGO_TERM_COLOR.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", global = true)]
    color: ColorChoice,

    /// Parse every file, not only those in which the prefilter finds something the checker
    /// reads (the findings are the same; this is for comparing).
    #[arg(long, global = true)]
    no_prefilter: bool,

    /// Neither read nor write the caches under the target directory (per-file facts, the
    /// answer of `cargo metadata`).
    #[arg(long, global = true)]
    no_cache: bool,

    /// The options of `check`, which runs when no subcommand is given.
    #[command(flatten)]
    check: CheckArgs,

    /// Print every rule code with its default level and a one-line description, then exit.
    #[arg(long, conflicts_with = "explain")]
    list: bool,

    /// Print the full explanation of a rule, then exit.
    #[arg(long, value_name = "CODE")]
    explain: Option<String>,
}

/// The subcommands, each an arguments struct and an `execute` function in
/// `crate::commands`.
#[derive(Debug, Subcommand)]
enum Command {
    /// Check the workspace (the default).
    Check(CheckArgs),
    /// Write a starter instr.toml from the handlers found.
    Init(InitArgs),
    /// List every handler with its feature, owner and success metrics, with totals per crate.
    Coverage(CoverageArgs),
    /// Compare the schema with a git revision and classify each change as breaking or additive.
    Diff(DiffArgs),
    /// Write the Markdown catalog of owners, features, metrics and events.
    Docs(DocsArgs),
    /// Generate Prometheus recording and burn-rate alerting rules (or OpenSLO) from objectives.
    #[command(visible_alias = "rules")]
    Alerts(AlertsArgs),
    /// Write the schema as an OpenTelemetry semantic-convention registry (Weaver's YAML).
    Export(ExportArgs),
}

/// `--color` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
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
    let args = normalize_args(args);
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(error) => {
            // clap prints help and version to stdout with code 0, usage errors to stderr with 2.
            let _ = error.print();
            return error.exit_code();
        }
    };
    dispatch(&cli, &args).unwrap_or_else(|failure| failure.report())
}

fn dispatch(cli: &Cli, args: &[OsString]) -> Result<i32, Failure> {
    if let Some(misplaced) = check_options_before_subcommand(cli, args) {
        return Err(Failure::usage(misplaced));
    }
    if cli.list {
        print(&registry::list())?;
        return Ok(exit::CLEAN);
    }
    if let Some(code) = &cli.explain {
        print(&registry::explain(code).map_err(Failure::usage)?)?;
        return Ok(exit::CLEAN);
    }
    let global = Global {
        manifest_path: cli.manifest_path.clone(),
        color: use_color(cli.color),
        scan: ScanOptions {
            prefilter: !cli.no_prefilter,
            cache: !cli.no_cache,
        },
    };
    match &cli.command {
        None => commands::check::execute(&global, &cli.check),
        Some(Command::Check(args)) => commands::check::execute(&global, args),
        Some(Command::Init(args)) => commands::init::execute(&global, args),
        Some(Command::Coverage(args)) => commands::coverage::execute(&global, args),
        Some(Command::Diff(args)) => commands::diff::execute(&global, args),
        Some(Command::Docs(args)) => commands::docs::execute(&global, args),
        Some(Command::Alerts(args)) => commands::alerts::execute(&global, args),
        Some(Command::Export(args)) => commands::export::execute(&global, args),
    }
}

/// The options of `check` given before a subcommand would be silently ignored: say so.
/// (`--manifest-path` and `--color` are global and may go on either side.)
fn check_options_before_subcommand(cli: &Cli, args: &[OsString]) -> Option<String> {
    let command = cli.command.as_ref()?;
    let given = [
        (cli.check.format != Format::Human, "--format"),
        (cli.check.baseline.is_some(), "--baseline"),
        (cli.check.write_baseline.is_some(), "--write-baseline"),
        (cli.check.require_tested, "--require-tested"),
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
        Command::Export(_) => "export",
        // Named as the user spelt it: `alerts`, or its alias `rules`.
        Command::Alerts(_) => args
            .iter()
            .skip(1)
            .find_map(|arg| match arg.to_str() {
                Some(spelt @ ("alerts" | "rules")) => Some(spelt),
                _ => None,
            })
            .unwrap_or("alerts"),
    };
    Some(format!(
        "`{flag}` belongs to `check`; with `{name}`, put the subcommand's own options after it"
    ))
}

/// Drops the `instr-check` argument cargo inserts when it runs `cargo instr-check`, and
/// moves a `--format` given before a subcommand that has one after it: `--format json
/// coverage` is `coverage --format json`.
fn normalize_args<I>(args: I) -> Vec<OsString>
where
    I: IntoIterator<Item = OsString>,
{
    let mut args: Vec<OsString> = args.into_iter().collect();
    if args.get(1).is_some_and(|arg| arg == "instr-check") {
        args.remove(1);
    }
    format_after_subcommand(args)
}

/// The subcommands with a `--format` of their own.
const FORMATTED: [&str; 5] = ["check", "coverage", "diff", "alerts", "rules"];
/// Options before a subcommand that take a value.
const VALUED: [&str; 6] = [
    "--manifest-path",
    "--color",
    "--format",
    "--baseline",
    "--write-baseline",
    "--explain",
];

fn format_after_subcommand(mut args: Vec<OsString>) -> Vec<OsString> {
    let mut format: Option<(usize, usize)> = None;
    let mut index = 1;
    while index < args.len() {
        let Some(arg) = args[index].to_str() else {
            index += 1;
            continue;
        };
        if FORMATTED.contains(&arg) {
            if let Some((at, count)) = format {
                let moved: Vec<OsString> = args.drain(at..at + count).collect();
                let after = index - count + 1;
                args.splice(after..after, moved);
            }
            return args;
        }
        if arg == "--" || (!arg.starts_with('-') && !VALUED.contains(&arg)) {
            return args;
        }
        if arg == "--format" {
            format = Some((index, 2.min(args.len() - index)));
            index += 2;
        } else if arg.starts_with("--format=") {
            format = Some((index, 1));
            index += 1;
        } else if VALUED.contains(&arg) {
            index += 2;
        } else {
            index += 1;
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::explain as explain_rule;

    /// `--format` before a subcommand that has one moves after it; elsewhere it stays.
    #[test]
    fn format_moves_after_its_subcommand() {
        let args = |text: &str| -> Vec<OsString> { text.split(' ').map(OsString::from).collect() };
        for (given, read) in [
            (
                "c --format json coverage --manifest-path m",
                "c coverage --format json --manifest-path m",
            ),
            (
                "c --manifest-path m --format=json diff",
                "c --manifest-path m diff --format=json",
            ),
            ("c --format json docs", "c --format json docs"),
            ("c --format json", "c --format json"),
        ] {
            assert_eq!(normalize_args(args(given)), args(read), "{given}");
        }
    }

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
