//! The workspace being checked: its members and targets from `cargo metadata`
//! (`metadata`), instr's configuration from the manifests ([`config`]), the schemas its
//! members use, loaded once ([`schemas`]), and which packages each member reaches through
//! its dependencies (`lock`).
//!
//! Nothing here reads Rust code; that is `crate::scan`, one layer up.

pub mod config;
pub(crate) mod lock;
mod metadata;
pub mod metadata_cache;
pub mod schemas;
mod toml_field;

pub use metadata::{
    Member, Target, TargetKind, Workspace, WorkspaceError, discover, discover_with,
};
