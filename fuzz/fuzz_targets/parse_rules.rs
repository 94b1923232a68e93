//! Any text, parsed as a rule file: must never panic, only report problems.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = plancheck::syntax::parse(0, text);
});
