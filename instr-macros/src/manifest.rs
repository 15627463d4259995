//! Where the calling crate is, and which schema it uses, read from manifests the way
//! `cargo instr-check` reads them.
//!
//! A proc-macro must not run `cargo metadata` (it would recurse into cargo), so the workspace
//! root is found by walking up from the crate's manifest to the first `Cargo.toml` that has a
//! `[workspace]` table.

use std::path::{Path, PathBuf};

use instr_schema::model::Date;
use instr_schema::{DEFAULT_MAX_SERIES_PER_METRIC, LoadOptions};
use toml::de::{DeTable, DeValue};

/// The calling crate's directory, from `CARGO_MANIFEST_DIR`.
pub(crate) fn crate_dir() -> Result<PathBuf, String> {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .ok_or_else(|| "CARGO_MANIFEST_DIR is not set: instr's macros run under cargo".to_owned())
}

/// What the manifests say about the calling crate.
pub(crate) struct CrateConfig {
    /// The crate's directory.
    pub(crate) crate_dir: PathBuf,
    /// The workspace root (the crate's directory when it is not in a workspace).
    pub(crate) root: PathBuf,
    /// `[package.metadata.instr] schema`, resolved against the crate's directory.
    pub(crate) package_schema: Option<PathBuf>,
    /// `[workspace.metadata.instr] schema`, resolved against the root.
    pub(crate) workspace_schema: Option<PathBuf>,
    /// The cardinality ceiling the workspace configures.
    pub(crate) max_series_per_metric: u64,
}

impl CrateConfig {
    /// Reads the crate's manifest and its workspace root's.
    pub(crate) fn read(crate_dir: &Path) -> Result<Self, String> {
        let package = read_manifest(&crate_dir.join("Cargo.toml"))?;
        let root = if get(&package, "workspace").is_some() {
            crate_dir.to_path_buf()
        } else {
            workspace_root(crate_dir).unwrap_or_else(|| crate_dir.to_path_buf())
        };
        let workspace = if root == crate_dir {
            package.clone()
        } else {
            read_manifest(&root.join("Cargo.toml"))?
        };
        let package_instr = instr_table(&package, "package");
        let workspace_instr = instr_table(&workspace, "workspace");
        let max_series_per_metric = workspace_instr
            .or(package_instr.filter(|_| root == crate_dir))
            .and_then(|table| get(table, "max-series-per-metric"))
            .and_then(|value| match value {
                DeValue::Integer(integer) => {
                    u64::from_str_radix(integer.as_str(), integer.radix()).ok()
                }
                _ => None,
            })
            .unwrap_or(DEFAULT_MAX_SERIES_PER_METRIC);
        Ok(Self {
            package_schema: schema_key(package_instr).map(|path| crate_dir.join(path)),
            workspace_schema: schema_key(workspace_instr).map(|path| root.join(path)),
            crate_dir: crate_dir.to_path_buf(),
            root,
            max_series_per_metric,
        })
    }

    /// Options for loading a schema at build time. Expiry dates are left to
    /// `cargo instr-check`: a build must not start failing because a date passed.
    pub(crate) fn load_options(&self) -> LoadOptions {
        LoadOptions {
            max_series_per_metric: self.max_series_per_metric,
            today: Some(Date {
                year: 1970,
                month: 1,
                day: 1,
            }),
        }
    }

    /// The schema the crate's handlers serve: `[package.metadata.instr] schema`, else
    /// `[workspace.metadata.instr] schema`, else `instr.toml` beside the crate's manifest,
    /// else at the workspace root. `Err` lists where it looked.
    pub(crate) fn handler_schema(&self) -> Result<PathBuf, Vec<PathBuf>> {
        if let Some(path) = self
            .package_schema
            .as_ref()
            .or(self.workspace_schema.as_ref())
        {
            return Ok(path.clone());
        }
        let candidates = [
            self.crate_dir.join("instr.toml"),
            self.root.join("instr.toml"),
        ];
        match candidates.iter().find(|path| path.is_file()) {
            Some(path) => Ok(path.clone()),
            None => {
                let mut looked = candidates.to_vec();
                looked.dedup();
                Err(looked)
            }
        }
    }
}

/// A manifest's top-level table. The parsed table borrows the text, so the text is leaked:
/// a handful of small manifests per compiler process.
fn read_manifest(path: &Path) -> Result<DeTable<'static>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
    let text: &'static str = Box::leak(text.into_boxed_str());
    DeTable::parse(text)
        .map(toml::Spanned::into_inner)
        .map_err(|error| format!("cannot parse `{}`: {error}", path.display()))
}

/// The nearest ancestor directory (above `crate_dir`) whose `Cargo.toml` has `[workspace]`.
fn workspace_root(crate_dir: &Path) -> Option<PathBuf> {
    crate_dir.ancestors().skip(1).find_map(|dir| {
        let manifest = dir.join("Cargo.toml");
        if !manifest.is_file() {
            return None;
        }
        let table = read_manifest(&manifest).ok()?;
        get(&table, "workspace")
            .is_some()
            .then(|| dir.to_path_buf())
    })
}

fn get<'t>(table: &'t DeTable<'static>, key: &str) -> Option<&'t DeValue<'static>> {
    table
        .iter()
        .find(|(name, _)| name.get_ref().as_ref() == key)
        .map(|(_, value)| value.get_ref())
}

fn table<'t>(value: Option<&'t DeValue<'static>>) -> Option<&'t DeTable<'static>> {
    match value? {
        DeValue::Table(table) => Some(table),
        _ => None,
    }
}

/// `[<section>.metadata.instr]`.
fn instr_table<'t>(manifest: &'t DeTable<'static>, section: &str) -> Option<&'t DeTable<'static>> {
    let section = table(get(manifest, section))?;
    let metadata = table(get(section, "metadata"))?;
    table(get(metadata, "instr"))
}

fn schema_key(instr: Option<&DeTable<'static>>) -> Option<String> {
    match get(instr?, "schema")? {
        DeValue::String(path) if !path.is_empty() => Some(path.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace root with one member, in a fresh temporary directory.
    fn workspace(name: &str, root_manifest: &str, member_manifest: &str) -> (PathBuf, PathBuf) {
        let root = std::env::temp_dir().join(format!(
            "instr-macros-manifest-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&root);
        let member = root.join("crates/api");
        std::fs::create_dir_all(&member).unwrap();
        std::fs::write(root.join("Cargo.toml"), root_manifest).unwrap();
        std::fs::write(member.join("Cargo.toml"), member_manifest).unwrap();
        (root, member)
    }

    const MEMBER: &str = "[package]\nname = \"api\"\n";

    /// `[package.metadata.instr] schema` wins, relative to the member.
    #[test]
    fn package_schema_first() {
        let (root, member) = workspace(
            "package",
            "[workspace]\n[workspace.metadata.instr]\nschema = \"all.toml\"\n",
            "[package]\nname = \"api\"\n[package.metadata.instr]\nschema = \"own.toml\"\n",
        );
        let config = CrateConfig::read(&member).unwrap();
        assert_eq!(config.root, root);
        assert_eq!(config.handler_schema(), Ok(member.join("own.toml")));
        let _ = std::fs::remove_dir_all(&root);
    }

    /// Then `[workspace.metadata.instr] schema`, relative to the root, found by walking up;
    /// the workspace's cardinality ceiling is read too.
    #[test]
    fn workspace_schema_second() {
        let (root, member) = workspace(
            "workspace",
            "[workspace]\nmembers = [\"crates/*\"]\n[workspace.metadata.instr]\nschema = \"schema/instr.toml\"\nmax-series-per-metric = 500\n",
            MEMBER,
        );
        let config = CrateConfig::read(&member).unwrap();
        assert_eq!(config.handler_schema(), Ok(root.join("schema/instr.toml")));
        assert_eq!(config.max_series_per_metric, 500);
        let _ = std::fs::remove_dir_all(&root);
    }

    /// With nothing configured: `instr.toml` beside the member, else at the root; with
    /// neither, both places are named.
    #[test]
    fn default_locations() {
        let (root, member) = workspace("default", "[workspace]\n", MEMBER);
        let config = CrateConfig::read(&member).unwrap();
        assert_eq!(
            config.handler_schema(),
            Err(vec![member.join("instr.toml"), root.join("instr.toml")])
        );
        std::fs::write(root.join("instr.toml"), "version = 1\n").unwrap();
        assert_eq!(config.handler_schema(), Ok(root.join("instr.toml")));
        std::fs::write(member.join("instr.toml"), "version = 1\n").unwrap();
        assert_eq!(config.handler_schema(), Ok(member.join("instr.toml")));
        let _ = std::fs::remove_dir_all(&root);
    }
}
