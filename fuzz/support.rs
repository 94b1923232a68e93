//! The Jianwei schema, built once per process for the data-reader targets:
//! rebuilding it for every input spent most of each execution outside the
//! reader being fuzzed.

use plancheck::data::Schema;
use plancheck::session::Session;
use std::sync::OnceLock;

pub fn jianwei_schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/jianwei");
        match Session::new().load_rules(&[dir]) {
            Some(rules) => rules.schema(),
            None => panic!("the Jianwei rules no longer check; fix them before fuzzing"),
        }
    })
}
