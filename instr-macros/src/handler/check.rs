//! The handler's feature must be declared in the schema the crate uses.

use std::path::PathBuf;

use instr_schema::suggest::{did_you_mean, list_names};

use super::args::HandlerArgs;
use crate::errors::Errors;
use crate::manifest::{self, CrateConfig};
use crate::schema_file;

/// What the expansion needs to know about a declared feature.
pub(crate) struct FoundFeature {
    /// The feature's name.
    pub(crate) name: String,
    /// What the feature is.
    pub(crate) description: String,
    /// Who owns it.
    pub(crate) owner: String,
    /// The schema files, to rebuild when they change.
    pub(crate) files: Vec<PathBuf>,
}

/// Rule: the feature a handler names is declared in the crate's schema; otherwise the error
/// sits on the string literal and names the declared features.
pub(crate) fn check_feature(args: &HandlerArgs, errors: &mut Errors) -> Option<FoundFeature> {
    let literal = args.feature.as_ref()?;
    let name = literal.value();
    let config = match manifest::crate_dir().and_then(|dir| CrateConfig::read(&dir)) {
        Ok(config) => config,
        Err(message) => {
            errors.at(literal.span(), message);
            return None;
        }
    };
    let path = match config.handler_schema() {
        Ok(path) => path,
        Err(looked) => {
            let looked = looked
                .iter()
                .map(|path| format!("`{}`", path.display()))
                .collect::<Vec<_>>()
                .join(" and ");
            errors.at(
                literal.span(),
                format!(
                    "no schema declares feature `{name}`: found no instr.toml (looked at {looked})\n\
                     help: create one, or set `schema` under [package.metadata.instr] or [workspace.metadata.instr]"
                ),
            );
            return None;
        }
    };
    let file = match schema_file::load(&path, &config.crate_dir, &config.load_options()) {
        Ok(file) => file,
        Err(message) => {
            errors.at(literal.span(), message);
            return None;
        }
    };
    let Some(feature) = file.schema.features.get(&name) else {
        let known = file.schema.features.keys().map(String::as_str);
        let hint = did_you_mean(&name, known.clone())
            .map(|known| format!("did you mean `{known}`?\n"))
            .unwrap_or_default();
        let broken = if file.errors.is_empty() {
            String::new()
        } else {
            "\nnote: the schema has errors; `cargo instr-check` shows them".to_owned()
        };
        errors.at(
            literal.span(),
            format!(
                "unknown feature `{name}` in `{}`\n{hint}help: declared features: {}{broken}",
                path.strip_prefix(&config.root).unwrap_or(&path).display(),
                list_names(known, 20)
            ),
        );
        return None;
    };
    Some(FoundFeature {
        name,
        description: feature.description.clone(),
        owner: feature.owner.value.clone(),
        files: file.files.clone(),
    })
}
