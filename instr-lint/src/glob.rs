//! A small glob matcher for configuration: `*` matches within one segment, `**` any number
//! of whole segments, `?` one character. Segments are separated by `/` for file paths and
//! by `::` for module paths.

/// True when `text` matches `pattern`, with segments separated by `separator` (`'/'`, or
/// `':'` for `::`-separated module paths).
pub fn matches(pattern: &str, text: &str, separator: char) -> bool {
    let split = |value: &str| -> Vec<String> {
        if separator == ':' {
            value.split("::").map(str::to_owned).collect()
        } else {
            value
                .split(separator)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        }
    };
    let pattern = split(pattern);
    let text = split(text);
    match_segments(&pattern, &text)
}

fn match_segments(pattern: &[String], text: &[String]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((first, rest)) if first == "**" => {
            (0..=text.len()).any(|skip| match_segments(rest, &text[skip..]))
        }
        Some((first, rest)) => match text.split_first() {
            Some((segment, text_rest)) => {
                match_segment(first.as_bytes(), segment.as_bytes())
                    && match_segments(rest, text_rest)
            }
            None => false,
        },
    }
}

fn match_segment(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|skip| match_segment(rest, &text[skip..])),
        Some((b'?', rest)) => !text.is_empty() && match_segment(rest, &text[1..]),
        Some((byte, rest)) => text.first() == Some(byte) && match_segment(rest, &text[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    /// `**` spans segments, `*` stays inside one.
    #[test]
    fn globs() {
        assert!(matches("crate::api::**", "crate::api", ':'));
        assert!(matches("crate::api::**", "crate::api::orders::v1", ':'));
        assert!(!matches("crate::api::*", "crate::api::orders::v1", ':'));
        assert!(matches("crate::api::*", "crate::api::orders", ':'));
        assert!(matches("generated/**", "generated/a/b.rs", '/'));
        assert!(matches("**/*_pb.rs", "src/x/y_pb.rs", '/'));
        assert!(!matches("src/*.rs", "src/a/b.rs", '/'));
        assert!(matches("src/?.rs", "src/a.rs", '/'));
    }
}
