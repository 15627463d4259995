//! Globs from configuration, compiled once with globset. `*` and `?` match within one
//! segment, `**` matches any number of whole segments (zero included, at the start, in the
//! middle or at the end), as in gitignore. Segments are separated by `/` for file paths and by
//! `::` for module paths; empty segments of a file path are ignored. `[`, `]`, `{` and `}`
//! are ordinary characters.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// Compiled globs.
#[derive(Clone, Debug)]
pub(crate) struct Globs {
    set: GlobSet,
    separator: char,
}

impl Globs {
    /// Compiles `patterns`, whose segments are separated by `separator` (`'/'`, or `':'` for
    /// `::`-separated module paths).
    pub(crate) fn new(patterns: &[String], separator: char) -> Self {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            let mut pattern = normalise(pattern, separator);
            loop {
                add(&mut builder, &pattern);
                // globset's trailing `/**` needs at least one more segment; here it may match
                // none, so the pattern without it is added too.
                match pattern.strip_suffix("/**") {
                    Some(shorter) => pattern = shorter.to_owned(),
                    None => break,
                }
            }
        }
        let set = builder.build().unwrap_or_else(|_| GlobSet::empty());
        Self { set, separator }
    }

    /// True when no pattern was given.
    pub(crate) fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// True when `text` matches any of the patterns.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        !self.set.is_empty() && self.set.is_match(normalise(text, self.separator))
    }
}

/// Adds one pattern, brackets and braces escaped so they match themselves.
fn add(builder: &mut GlobSetBuilder, pattern: &str) {
    let mut escaped = String::with_capacity(pattern.len());
    for c in pattern.chars() {
        match c {
            '[' | ']' | '{' | '}' => {
                escaped.push('[');
                escaped.push(c);
                escaped.push(']');
            }
            other => escaped.push(other),
        }
    }
    // Every character but `*` and `?` is now literal, so the glob always compiles.
    if let Ok(glob) = GlobBuilder::new(&escaped)
        .literal_separator(true)
        .backslash_escape(false)
        .build()
    {
        builder.add(glob);
    }
}

/// A path or pattern with its segments joined by `/`, as globset separates them: a file path
/// without empty segments, or a module path split at `::`. In a module path, a `/` inside a
/// segment is replaced so that it separates nothing, and an empty segment (`a::::b`, which
/// no module path has) by a character no module path holds, so that it matches nothing.
fn normalise(text: &str, separator: char) -> String {
    if separator == ':' {
        text.split("::")
            .map(|segment| {
                if segment.is_empty() {
                    "\u{2}".to_owned()
                } else {
                    segment.replace('/', "\u{1}")
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    } else {
        text.split(separator)
            .filter(|segment| !segment.is_empty())
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// True when `text` matches `pattern`, with segments separated by `separator` (`'/'`, or
/// `':'` for `::`-separated module paths).
#[cfg(test)]
fn matches(pattern: &str, text: &str, separator: char) -> bool {
    Globs::new(&[pattern.to_owned()], separator).is_match(text)
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

    /// The matcher globset replaced, kept as the reference: globs mean what they meant.
    mod reference {
        pub(super) fn matches(pattern: &str, text: &str, separator: char) -> bool {
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
            match_segments(&split(pattern), &split(text))
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
                Some((b'*', rest)) => {
                    (0..=text.len()).any(|skip| match_segment(rest, &text[skip..]))
                }
                Some((b'?', rest)) => !text.is_empty() && match_segment(rest, &text[1..]),
                Some((byte, rest)) => text.first() == Some(byte) && match_segment(rest, &text[1..]),
            }
        }
    }

    proptest::proptest! {
        /// File-path globs match exactly what the hand-written matcher matched, on relative
        /// paths (non-empty segments joined by `/`).
        #[test]
        fn paths_match_as_before(pattern in "(\\*\\*|\\*|\\?|a|b|\\.rs|/|\\[|\\{|\\\\){0,7}", text in "(a|b|\\.rs|\\[|\\{|\\\\){1,2}(/(a|b|\\.rs|\\[|\\{|\\\\){1,2}){0,3}") {
            proptest::prop_assert_eq!(matches(&pattern, &text, '/'), reference::matches(&pattern, &text, '/'), "{} on {}", pattern, text);
        }

        /// Module-path globs too, on module paths (identifiers joined by `::`).
        #[test]
        fn modules_match_as_before(pattern in "(\\*\\*|\\*|\\?|a|b|::|/){0,7}", text in "[ab]{1,2}(::[ab]{1,2}){0,3}") {
            proptest::prop_assert_eq!(matches(&pattern, &text, ':'), reference::matches(&pattern, &text, ':'), "{} on {}", pattern, text);
        }
    }
}
