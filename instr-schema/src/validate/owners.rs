//! Owners: who answers for a number, and how to reach them.

use super::context::Ctx;
use crate::checks;
use crate::diag::Diagnostic;
use crate::model::Owner;
use crate::names::is_owner_id;
use crate::raw::RawOwner;
use crate::spanned::Spanned;

pub(super) fn build(ctx: &mut Ctx<'_>, raw: RawOwner) -> Option<Owner> {
    check_owner_id(ctx, &raw.name);
    let Some(contact) = raw.contact else {
        if raw.keys.has("contact") {
            return None;
        }
        ctx.push(
            Diagnostic::new(
                &checks::MISSING_FIELD,
                raw.name.loc,
                format!("owner `{}` has no `contact`", raw.name.value),
            )
            .with_label("how does anyone reach this owner?")
            .with_help(
                "add `contact = \"#team-oncall\"` (a chat channel, an email address or a URL)",
            ),
        );
        return None;
    };
    check_contact(ctx, &contact);
    Some(Owner {
        description: raw.description.map(|text| text.value),
        contact: contact.value,
        name: raw.name,
    })
}

/// Owner ids are snake_case, `-` allowed.
fn check_owner_id(ctx: &mut Ctx<'_>, name: &Spanned<String>) {
    if !is_owner_id(&name.value) {
        ctx.push(
            Diagnostic::new(
                &checks::INVALID_NAME,
                name.loc,
                format!("owner id `{}` is not snake_case", name.value),
            )
            .with_label("use lowercase letters, digits, `_` and `-`, starting with a letter"),
        );
    }
}

/// A contact is a chat channel (`#team`, `@group`), an email address or a URL.
fn check_contact(ctx: &mut Ctx<'_>, contact: &Spanned<String>) {
    if is_contact(contact.value.trim()) {
        return;
    }
    ctx.push(
        Diagnostic::new(&checks::INVALID_CONTACT, contact.loc, format!("`{}` is not a contact anyone can use", contact.value))
            .with_label("not a channel, email address or URL")
            .with_help("use a chat channel (`#payments-oncall`), an email address (`payments@example.com`) or a URL (`https://...`)"),
    );
}

fn is_contact(text: &str) -> bool {
    if text.contains(char::is_whitespace) {
        return false;
    }
    if let Some(channel) = text.strip_prefix('#').or_else(|| text.strip_prefix('@')) {
        return !channel.is_empty()
            && channel
                .chars()
                .all(|c| c.is_alphanumeric() || "-_./".contains(c));
    }
    for scheme in ["https://", "http://", "mailto:"] {
        if let Some(rest) = text.strip_prefix(scheme) {
            return rest.len() > 2
                && (scheme == "mailto:" || rest.contains('.') || rest.starts_with("localhost"));
        }
    }
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_contact;

    /// Channels, addresses and links are contacts; names and phone numbers are not.
    #[test]
    fn contacts() {
        for good in [
            "#payments-oncall",
            "@payments",
            "pay@example.com",
            "https://wiki.example.com/payments",
            "mailto:x@y.z",
        ] {
            assert!(is_contact(good), "{good}");
        }
        for bad in [
            "",
            "#",
            "payments team",
            "alice",
            "x@y",
            "https://",
            "pay@.com",
        ] {
            assert!(!is_contact(bad), "{bad}");
        }
    }
}
