//! Fuzz the whole path from bytes to runs: line splitting, normalisation, the grammar and the
//! run assembler (nested runs, re-run phases, summaries), and the leak difference.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static RULES: OnceLock<flakelog::leak::Rules> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let rules = RULES.get_or_init(flakelog::leak::Rules::builtin);
    for (info, events) in flakelog::scan::scan_bytes(data, rules) {
        assert!(info.first_line <= info.last_line || info.first_line == 0);
        for e in events {
            assert!(e.line >= 1);
        }
    }
});
