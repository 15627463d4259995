//! The human report: a rustc-style header, the source in view with labelled spans (drawn by
//! miette), and the help text.
//!
//! miette draws the snippets only. The header and help are written here so that a finding
//! reads `error[code]: message` on its first line, like rustc, and so that a finding whose
//! labels fall in several files shows one snippet per file.

use std::fmt::{self, Write as _};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents, ThemeCharacters, ThemeStyles,
};

use super::diagnostic::{Diagnostic, Label};
use super::rule::Severity;
use super::source::{FileId, SourceFile, Sources};

/// How to draw the human report.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    /// Emit ANSI colours.
    pub color: bool,
    /// Draw boxes with Unicode characters (otherwise ASCII).
    pub unicode: bool,
    /// Wrap long label texts at this many columns.
    pub width: usize,
}

impl RenderOptions {
    /// No colour, Unicode boxes, 100 columns: what tests snapshot.
    pub fn plain() -> Self {
        Self {
            color: false,
            unicode: true,
            width: 100,
        }
    }
}

/// Renders several findings, separated by blank lines.
pub fn render_human(
    diagnostics: &[Diagnostic],
    sources: &Sources,
    options: &RenderOptions,
) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        out.push_str(&render_human_one(diagnostic, sources, options));
        out.push('\n');
    }
    out
}

/// Renders one finding: header, snippets, help. Ends with a newline.
pub fn render_human_one(
    diagnostic: &Diagnostic,
    sources: &Sources,
    options: &RenderOptions,
) -> String {
    let mut out = String::new();
    write_header(&mut out, diagnostic, options);
    for (file, labels) in snippets(diagnostic, sources) {
        out.push_str(&render_snippet(
            sources.get(file),
            &labels,
            diagnostic.severity,
            options,
        ));
    }
    if let Some(help) = &diagnostic.help {
        write_help(&mut out, help, options);
    }
    out
}

fn write_header(out: &mut String, diagnostic: &Diagnostic, options: &RenderOptions) {
    let (word, color) = match diagnostic.severity {
        Severity::Error => ("error", "\x1b[1;31m"),
        Severity::Warning => ("warning", "\x1b[1;33m"),
    };
    let code = diagnostic.rule.code;
    if options.color {
        let _ = writeln!(
            out,
            "{color}{word}[{code}]\x1b[0m\x1b[1m: {}\x1b[0m",
            diagnostic.message
        );
    } else {
        let _ = writeln!(out, "{word}[{code}]: {}", diagnostic.message);
    }
}

fn write_help(out: &mut String, help: &str, options: &RenderOptions) {
    let (on, off) = if options.color {
        ("\x1b[1;36m", "\x1b[0m")
    } else {
        ("", "")
    };
    for (index, line) in help.lines().enumerate() {
        if index == 0 {
            let _ = writeln!(out, "  {on}help{off}: {line}");
        } else if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "        {line}");
        }
    }
}

/// Labels more than this many lines apart are drawn in separate snippets, so that a finding
/// about line 200 with a note at line 3 does not print the 197 lines between.
const MAX_LINES_BETWEEN: usize = 4;

/// Groups labels into snippets: by file, then by nearness. The primary label's snippet comes
/// first; the others follow in the order their labels were added.
fn snippets<'d>(
    diagnostic: &'d Diagnostic,
    sources: &Sources,
) -> Vec<(FileId, Vec<(bool, &'d Label)>)> {
    let mut groups: Vec<(FileId, Vec<(bool, &Label)>)> = Vec::new();
    let all = diagnostic
        .primary
        .iter()
        .map(|label| (true, label))
        .chain(diagnostic.secondary.iter().map(|label| (false, label)));
    let line = |label: &Label| {
        sources
            .get(label.loc.file)
            .line_column(label.loc.span.start)
            .line
    };
    for (primary, label) in all {
        let near = groups.iter_mut().find(|(file, labels)| {
            *file == label.loc.file
                && labels
                    .iter()
                    .any(|(_, other)| line(other).abs_diff(line(label)) <= MAX_LINES_BETWEEN)
        });
        match near {
            Some((_, labels)) => labels.push((primary, label)),
            None => groups.push((label.loc.file, vec![(primary, label)])),
        }
    }
    groups
}

fn render_snippet(
    file: &SourceFile,
    labels: &[(bool, &Label)],
    severity: Severity,
    options: &RenderOptions,
) -> String {
    let text_len = file.text().len();
    let spans = labels
        .iter()
        .map(|(primary, label)| {
            let start = label.loc.span.start.min(text_len);
            let end = label.loc.span.end.clamp(start, text_len);
            let span = SourceSpan::from(start..end);
            if *primary {
                LabeledSpan::new_primary_with_span(label.text.clone(), span)
            } else {
                LabeledSpan::new_with_span(label.text.clone(), span)
            }
        })
        .collect();
    let snippet = Snippet {
        file: NamedFile(file),
        labels: spans,
        severity,
    };
    let theme = GraphicalTheme {
        characters: if options.unicode {
            ThemeCharacters::unicode()
        } else {
            ThemeCharacters::ascii()
        },
        styles: if options.color {
            ThemeStyles::ansi()
        } else {
            ThemeStyles::none()
        },
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false)
        .with_context_lines(1);
    let mut rendered = String::new();
    if handler.render_report(&mut rendered, &snippet).is_err() {
        // miette could not draw the file (a span it cannot read): fall back to the location.
        let at = file.line_column(labels.first().map_or(0, |(_, label)| label.loc.span.start));
        return format!("   --> {}:{}:{}\n", file.name(), at.line, at.column);
    }
    // The snippet carries no message, so miette's first line is an empty cause line: drop it.
    match rendered.split_once('\n') {
        Some((_, rest)) => rest.to_owned(),
        None => String::new(),
    }
}

/// A source file as miette reads it, named by its display name.
struct NamedFile<'a>(&'a SourceFile);

impl SourceCode for NamedFile<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .0
            .text()
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.0.name().to_owned(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// The labels of one file, as a message-less miette diagnostic.
struct Snippet<'a> {
    file: NamedFile<'a>,
    labels: Vec<LabeledSpan>,
    severity: Severity,
}

impl fmt::Debug for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snippet")
            .field("file", &self.file.0.name())
            .finish()
    }
}

impl fmt::Display for Snippet<'_> {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        Ok(())
    }
}

impl std::error::Error for Snippet<'_> {}

impl miette::Diagnostic for Snippet<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.file)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}
