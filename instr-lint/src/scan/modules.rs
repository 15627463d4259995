//! How a `mod` item extends the module tree, as rustc finds files: which files an
//! out-of-line `mod x;` may be in, and which directory an inline module's children are looked
//! up in. The syntax walk (`visit`) and the light scan (`light`) both decide through
//! [`declare`], so a file read either way declares exactly the same modules.

use std::path::{Path, PathBuf};

use instr_schema::diag::Span;

use super::facts::{ModDecl, ModPath, Name};

/// Where `mod` items of the current module look for their files: the directory, and whether
/// the current module is an inline one (whose `#[path]` is relative to that directory rather
/// than to the file's).
pub(crate) type ModDir = (PathBuf, bool);

/// What one `mod` item declares.
pub(crate) enum Declared {
    /// A `#[cfg(test)]` inline module: nothing of it is read.
    TestInline,
    /// `mod x;`: the file to scan next.
    OutOfLine {
        /// The module's name (without `r#`).
        name: Name,
        /// The declaration.
        decl: ModDecl,
    },
    /// `mod x { ... }`: its items belong to `path`; its own `mod` items look in `dir`.
    Inline {
        /// The module's name (without `r#`).
        name: Name,
        /// Its module path.
        path: ModPath,
        /// The directory of its children.
        dir: ModDir,
    },
}

/// Decides what `item` (its attributes, name and whether it has a body are all that count)
/// declares inside `parent`; `span` is that of `mod x`.
pub(crate) fn declare(
    item: &syn::ItemMod,
    parent: &ModPath,
    dir: &ModDir,
    file_dir: &Path,
    span: Span,
) -> Declared {
    let test_only = is_cfg_test(&item.attrs);
    if test_only && item.content.is_some() {
        return Declared::TestInline;
    }
    let name = item.ident.to_string().trim_start_matches("r#").to_owned();
    let mut path = parent.clone();
    path.push(Name::new(&name));
    let (child_dir, inline_parent) = dir;
    let explicit = path_attr(&item.attrs);
    if item.content.is_some() {
        let dir = child_dir.join(explicit.unwrap_or_else(|| name.clone()));
        return Declared::Inline {
            name: Name::from(name),
            path,
            dir: (dir, true),
        };
    }
    let candidates = match &explicit {
        Some(relative) => {
            let base = if *inline_parent { child_dir } else { file_dir };
            vec![base.join(relative)]
        }
        None => vec![
            child_dir.join(format!("{name}.rs")),
            child_dir.join(&name).join("mod.rs"),
        ],
    };
    Declared::OutOfLine {
        name: Name::from(name),
        decl: ModDecl {
            path,
            candidates,
            span,
            from_path_attr: explicit.is_some(),
            conditional: has_cfg(&item.attrs),
            test_only,
        },
    }
}

/// `#[test]`, `#[cfg(test)]` and `#[cfg(any(test, ...))]`-style attributes: test-only code.
pub(crate) fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.path();
        if path.is_ident("test") {
            return true;
        }
        if !path.is_ident("cfg") {
            return false;
        }
        match &attr.meta {
            syn::Meta::List(list) => {
                // `cfg(test)` exactly; `cfg(any(test, ...))` is rarer and also test-only code.
                let text = list.tokens.to_string();
                text == "test" || text.starts_with("any (test") || text.starts_with("all (test")
            }
            _ => false,
        }
    })
}

/// Any `#[cfg]` or `#[cfg_attr]`: the item may not exist on every configuration.
pub(crate) fn has_cfg(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|attr| attr.path().is_ident("cfg") || attr.path().is_ident("cfg_attr"))
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| match &attr.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(lit),
                ..
            }) => Some(lit.value()),
            _ => None,
        },
        _ => None,
    })
}
