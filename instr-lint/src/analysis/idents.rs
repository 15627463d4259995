//! Identifiers of code turned into schema names.

/// snake_case of an identifier or path segment (`ServerReflection` → `server_reflection`).
pub(crate) fn snake(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_').to_owned();
    match trimmed.chars().next() {
        Some(first) if first.is_ascii_alphabetic() => trimmed,
        Some(_) => format!("f_{trimmed}"),
        None => "service".to_owned(),
    }
}
