//! Crates that depend on a web framework but have no endpoint the checker can see: their
//! coverage is not 100%, it is unknown (`instr::no-handlers-found`, `n/a` in coverage).

use super::handlers::Handler;
use crate::workspace::Workspace;

/// The web frameworks whose handlers the checker finds, as crates.io names them.
pub const FRAMEWORKS: [&str; 7] = [
    "axum",
    "actix-web",
    "rocket",
    "poem",
    "poem-openapi",
    "tonic",
    "warp",
];

/// A member that depends on a framework and has no endpoint.
#[derive(Debug, Clone)]
pub struct Silent {
    /// Index into [`Workspace::members`].
    pub member: usize,
    /// The package.
    pub package: String,
    /// The first framework it depends on.
    pub framework: &'static str,
}

/// The members among `members` (indices into `workspace.members`) that depend on a web
/// framework but serve no endpoint found in `handlers`.
pub fn silent_members(
    workspace: &Workspace,
    members: &[usize],
    handlers: &[Handler],
) -> Vec<Silent> {
    members
        .iter()
        .filter_map(|&index| {
            let member = workspace.members.get(index)?;
            let framework = FRAMEWORKS
                .iter()
                .copied()
                .find(|framework| member.depends_on(framework))?;
            let served = handlers
                .iter()
                .any(|handler| handler.package() == member.name);
            (!served).then(|| Silent {
                member: index,
                package: member.name.clone(),
                framework,
            })
        })
        .collect()
}
