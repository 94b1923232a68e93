//! Arbitrary rule text plus arbitrary data, through the whole `check` pipeline
//! and every report format: nothing may panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plancheck::session::{Entities, Session};

const PRELUDE: &str = "plan \"f\" { entity 县 period 2021..2025 base 2020 reference 市 }\nindicator a \"甲\" %\nindicator b \"乙\" 亿元\nindicator f \"旗\" bool\ntable t \"表\" { v 亿元 n text }\n";

fuzz_target!(|input: (&str, &[u8], &[u8])| {
    let (rules, long, records) = input;
    let mut session = Session::new();
    let Some(rule_set) = session.check_rule_texts(vec![("r.pcl".to_string(), format!("{PRELUDE}{rules}"))]) else {
        return;
    };
    let schema = rule_set.schema();
    let mut data = plancheck::data::Submission::default();
    let _ = plancheck::data::read_bytes("d.csv", long, &schema, &mut session.sources, &mut data);
    let _ = plancheck::data::read_bytes("t.csv", records, &schema, &mut session.sources, &mut data);
    for which in [Entities::Default, Entities::All] {
        let entities = session.entities(&which, &rule_set, &data);
        let findings = session.evaluate(&rule_set, &data, &entities);
        let _ = plancheck::report::json::render(&findings, &session.sources);
        let options = plancheck::report::human::Options { color: false, show_passes: true };
        let _ = plancheck::report::human::render_findings(&findings, &rule_set, &session.sources, options);
    }
});
