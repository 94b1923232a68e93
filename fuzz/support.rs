//! The Jianwei rule set, loaded once per process for the data-reader targets.

use plancheck::check::RuleSet;
use plancheck::session::Session;
use std::sync::OnceLock;

pub fn jianwei() -> (Session, RuleSet) {
    static RULES: OnceLock<Option<RuleSet>> = OnceLock::new();
    let rules = RULES.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/jianwei");
        Session::new().load_rules(&[dir])
    });
    match rules {
        Some(rules) => (Session::new(), rules.clone()),
        None => panic!("the Jianwei rules no longer check; fix them before fuzzing"),
    }
}
