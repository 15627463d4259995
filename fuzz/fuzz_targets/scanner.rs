//! Feeds arbitrary bytes, as lossy UTF-8, to the checker's scanner (chunked parsing, the
//! syntax walk, route reading). Any panic is a bug: bad source is a finding.
#![no_main]

use std::path::Path;

use instr_lint::scan::scan_source;
use instr_lint::scan::visit::FileContext;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let context = FileContext::new(Path::new("/fuzz/src/lib.rs"), Vec::new(), true);
    let _ = scan_source(&text, &context);
});
