//! Every rule file in `tests/fixtures/rules/` is parsed and checked; what an
//! author sees (the rendered diagnostics, without colour) is snapshotted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

use plancheck::report::human::render_problems;
use plancheck::session::Session;

#[test]
fn fixtures() {
    insta::glob!("fixtures/rules/*.pcl", |path: &std::path::Path| {
        let text = std::fs::read_to_string(path).expect("fixture is UTF-8");
        let name = format!(
            "tests/fixtures/rules/{}",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        let mut session = Session::new();
        let rules = session.check_rule_texts(vec![(name, text)]);
        let mut shown = render_problems(&session.problems, &session.sources, false);
        match rules {
            Some(rules) => shown.push_str(&format!("rules ok: {} rules\n", rules.rules.len())),
            None => shown.push_str("rules refused\n"),
        }
        insta::assert_snapshot!(shown);
    });
}
