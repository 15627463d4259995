//! "Did you mean ...?" for misspelt names.

/// The candidate closest to `input`, when it is close enough to be a likely typo.
pub fn did_you_mean<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let input_lower = input.to_ascii_lowercase();
    candidates
        .into_iter()
        .filter(|candidate| *candidate != input)
        .map(|candidate| {
            let score = strsim::jaro_winkler(&input_lower, &candidate.to_ascii_lowercase());
            (score, candidate)
        })
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|(a, _), (b, _)| a.total_cmp(b))
        .map(|(_, candidate)| candidate)
}

/// The candidates close to `input` (the same likeness as [`did_you_mean`]), closest first, at
/// most `limit` of them. `key` gives the text of a candidate to compare with.
pub fn close_matches<'a, I>(
    input: &str,
    candidates: I,
    key: impl Fn(&str) -> String,
    limit: usize,
) -> Vec<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let input_lower = input.to_ascii_lowercase();
    let mut scored: Vec<(f64, &'a str)> = candidates
        .into_iter()
        .map(|candidate| {
            let score = strsim::jaro_winkler(&input_lower, &key(candidate).to_ascii_lowercase());
            (score, candidate)
        })
        .filter(|(score, _)| *score >= 0.85)
        .collect();
    scored.sort_by(|(a, x), (b, y)| b.total_cmp(a).then_with(|| x.cmp(y)));
    scored.dedup_by(|(_, a), (_, b)| a == b);
    scored
        .into_iter()
        .take(limit)
        .map(|(_, candidate)| candidate)
        .collect()
}

/// A comma-separated list of names in backticks, at most `limit` of them.
pub fn list_names<'a, I>(names: I, limit: usize) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    let names: Vec<&str> = names.into_iter().collect();
    let mut out = names
        .iter()
        .take(limit)
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > limit {
        out.push_str(&format!(" and {} more", names.len() - limit));
    }
    if out.is_empty() {
        out.push_str("(none)");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-letter typo finds its name; an unrelated word finds nothing.
    #[test]
    fn suggests_close_names_only() {
        let owners = ["payments", "growth", "search"];
        assert_eq!(did_you_mean("payment", owners), Some("payments"));
        assert_eq!(did_you_mean("Growth", owners), Some("growth"));
        assert_eq!(did_you_mean("inventory", owners), None);
    }

    /// Long lists are cut so a help line stays readable.
    #[test]
    fn lists_are_capped() {
        assert_eq!(list_names(["a", "b", "c"], 2), "`a`, `b` and 1 more");
        assert_eq!(list_names([], 2), "(none)");
    }
}
