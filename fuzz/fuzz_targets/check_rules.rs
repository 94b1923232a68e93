//! Any text, parsed and then checked as a rule set: the checker sees every
//! shape of partial tree the parser can recover.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plancheck::session::Session;

fuzz_target!(|text: &str| {
    let mut session = Session::new();
    let _ = session.check_rule_texts(vec![("fuzz.pcl".to_string(), text.to_string())]);
});
