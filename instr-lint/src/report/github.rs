//! GitHub Actions workflow commands: one `::error` / `::warning` annotation per finding,
//! shown on the pull request's diff, then the summary line.

use crate::lints::Report;

/// Escapes a command's message (`%`, CR and LF).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property's value (also `:` and `,`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Writes the annotations, each as its finding is made, and the summary line.
pub fn write(report: &Report, mut out: impl std::io::Write) -> std::io::Result<()> {
    for finding in report.diagnostics() {
        // The workflow commands are named as the severities are.
        let command = finding.severity.as_str();
        let mut properties = vec![format!("title={}", escape_property(finding.rule.code))];
        if let Some(loc) = finding.loc() {
            let file = report.sources.get(loc.file);
            let start = file.line_column(loc.span.start);
            let end = file.line_column(loc.span.end);
            properties.insert(0, format!("file={}", escape_property(file.name())));
            properties.insert(1, format!("line={}", start.line));
            properties.insert(2, format!("endLine={}", end.line));
            if start.line == end.line {
                properties.insert(3, format!("col={}", start.column));
                properties.insert(4, format!("endColumn={}", end.column));
            }
        }
        let mut message = finding.message.clone();
        if let Some(label) = finding
            .primary
            .as_ref()
            .and_then(|label| label.text.as_ref())
        {
            message.push_str(&format!(" ({label})"));
        }
        if let Some(help) = &finding.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            escape_data(&message)
        )?;
    }
    writeln!(out, "{}", super::human::summary(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Newlines and separators cannot break out of an annotation.
    #[test]
    fn escapes() {
        assert_eq!(escape_data("a%b\nc\r"), "a%25b%0Ac%0D");
        assert_eq!(escape_property("src/a,b:c.rs"), "src/a%2Cb%3Ac.rs");
    }
}
