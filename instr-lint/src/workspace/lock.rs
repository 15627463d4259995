//! Which packages each member can reach through its dependencies, direct or not: the
//! members' own dependencies as `cargo metadata` lists them (current, whatever the state of
//! the lock file), and for every other package its dependencies in `Cargo.lock`.
//!
//! The answer is only ever used to do less (see `crate::scan::prefilter`), so every doubt
//! counts as reaching: no lock file, one that does not parse, a dependency the lock file does
//! not know (it is older than a manifest), or a path package outside the workspace (its
//! dependencies may have changed since the lock file was written).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use toml::de::{DeTable, DeValue};

use super::Workspace;
use super::toml_field::toml_field;

/// What the lock file says a package depends on: by name, over all its locked versions.
struct Locked {
    /// The package comes from a registry or git (its dependencies are fixed by its version).
    fixed: bool,
    dependencies: HashSet<String>,
}

/// For each member of `workspace`, in order: true when the member itself, or a package it
/// depends on directly or not, is one for which `wanted` (given a package name) is true, or
/// when that cannot be known.
pub(crate) fn members_reaching(workspace: &Workspace, wanted: &dyn Fn(&str) -> bool) -> Vec<bool> {
    let Some(lock) = read(&workspace.root.join("Cargo.lock")) else {
        return vec![true; workspace.members.len()];
    };
    let members: Members<'_> = workspace
        .members
        .iter()
        .map(|member| {
            let dependencies = member
                .dependencies
                .iter()
                .map(|(_, package)| package.as_str())
                .collect();
            (member.name.as_str(), dependencies)
        })
        .collect();
    workspace
        .members
        .iter()
        .map(|member| reaches(&member.name, &members, &lock, wanted))
        .collect()
}

/// Each member's name, with the packages its manifest depends on.
type Members<'w> = HashMap<&'w str, Vec<&'w str>>;

/// The lock file at `path`, by package name; `None` when it is missing or unreadable.
fn read(path: &Path) -> Option<HashMap<String, Locked>> {
    let text = std::fs::read_to_string(path).ok()?;
    parse(&text)
}

/// The packages of a lock file's text (`[[package]]` tables: `name`, `source`,
/// `dependencies` as `"name"`, `"name version"` or `"name version (source)"`); `None` when it
/// does not parse as one.
fn parse(text: &str) -> Option<HashMap<String, Locked>> {
    let document = DeTable::parse(text).ok()?;
    let Some(DeValue::Array(list)) = toml_field(document.get_ref(), "package") else {
        return None;
    };
    let mut packages: HashMap<String, Locked> = HashMap::new();
    for package in list.iter() {
        let DeValue::Table(package) = package.get_ref() else {
            return None;
        };
        let Some(DeValue::String(name)) = toml_field(package, "name") else {
            return None;
        };
        let entry = packages.entry(name.to_string()).or_insert(Locked {
            fixed: true,
            dependencies: HashSet::new(),
        });
        entry.fixed &= matches!(toml_field(package, "source"), Some(DeValue::String(_)));
        if let Some(DeValue::Array(dependencies)) = toml_field(package, "dependencies") {
            for dependency in dependencies.iter() {
                let DeValue::String(text) = dependency.get_ref() else {
                    return None;
                };
                if let Some(name) = text.split(' ').next() {
                    entry.dependencies.insert(name.to_owned());
                }
            }
        }
    }
    Some(packages)
}

/// Whether `member` reaches a wanted package: a walk over members' declared dependencies and
/// the lock file's, stopping at the first wanted package or the first one it cannot follow.
fn reaches(
    member: &str,
    members: &Members<'_>,
    lock: &HashMap<String, Locked>,
    wanted: &dyn Fn(&str) -> bool,
) -> bool {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut pending: Vec<&str> = vec![member];
    while let Some(name) = pending.pop() {
        if !seen.insert(name) {
            continue;
        }
        if wanted(name) {
            return true;
        }
        if let Some(dependencies) = members.get(name) {
            pending.extend(dependencies.iter().copied());
            // The lock file's record of the name too: a registry package may share a
            // member's name (the lock file holds both), and following more only ever
            // answers "reaching" more often.
            if let Some(locked) = lock.get(name) {
                pending.extend(locked.dependencies.iter().map(String::as_str));
            }
            continue;
        }
        match lock.get(name) {
            Some(locked) if locked.fixed => {
                pending.extend(locked.dependencies.iter().map(String::as_str));
            }
            _ => return true,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = ["axum", "domain"]

[[package]]
name = "domain"
version = "0.1.0"
dependencies = ["serde"]

[[package]]
name = "axum"
version = "0.8.9"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["axum-core", "serde 1.0.229"]

[[package]]
name = "axum-core"
version = "0.5.6"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "serde"
version = "1.0.229"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "wrapper"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["axum 0.8.9 (registry+https://github.com/rust-lang/crates.io-index)"]

[[package]]
name = "vendored"
version = "0.1.0"

[[package]]
name = "shared"
version = "0.1.0"

[[package]]
name = "shared"
version = "2.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["axum"]
"#;

    fn reach(member: &str, members: &[(&str, Vec<&str>)]) -> bool {
        let lock = parse(LOCK).unwrap();
        let members: Members<'_> = members.iter().cloned().collect();
        reaches(member, &members, &lock, &|name| name == "axum")
    }

    /// Direct and indirect dependencies count, through members and the lock file's packages
    /// (whatever form their dependency entries take); a member's own manifest is followed
    /// (what it gained since the lock file was written counts), and the lock file's record
    /// of its name as well.
    #[test]
    fn follows_members_and_locked_packages() {
        let members = vec![
            ("app", vec!["axum", "domain"]),
            ("domain", vec!["serde"]),
            ("edge", vec!["domain", "wrapper"]),
        ];
        assert!(reach("app", &members));
        assert!(!reach("domain", &members));
        assert!(reach("edge", &members), "through a registry crate");
        // `domain` gained `axum` in its manifest since the lock file was written.
        let changed = vec![("domain", vec!["serde", "axum"])];
        assert!(reach("domain", &changed));
        // A member named like a registry package: the registry package's dependencies count.
        assert!(reach("shared", &[("shared", vec![])]));
    }

    /// What cannot be followed counts as reaching.
    #[test]
    fn unknown_packages_count_as_reaching() {
        assert!(reach("lib", &[("lib", vec!["not-locked"])]));
        assert!(reach("lib", &[("lib", vec!["vendored"])]), "a path package");
        assert!(parse("[[package]]\nname = 1").is_none());
    }
}
