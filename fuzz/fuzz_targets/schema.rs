//! Feeds arbitrary bytes to the schema loader (parser, validator, renderer). The first file is
//! the root; any include resolves to the same bytes, so include handling is exercised too.
#![no_main]

use std::path::Path;

use instr_schema::diag::{RenderOptions, Sources, render_human};
use instr_schema::{LoadOptions, load_with};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut sources = Sources::new();
    let mut read = |_: &Path| Ok(data.to_vec());
    if let Ok(loaded) = load_with(Path::new("instr.toml"), Path::new(""), &LoadOptions::default(), &mut sources, &mut read) {
        let _ = render_human(&loaded.diagnostics, &sources, &RenderOptions::plain());
    }
});
