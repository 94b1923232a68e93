//! The analysis across rules: one fixture per kind of finding, one snapshot of what
//! `plancheck lint` shows for it; and the real rule sets come out clean.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

use plancheck::analyze::analyze;
use plancheck::report::human::render_problems;
use plancheck::session::Session;

mod common;

#[test]
fn fixtures() {
    insta::glob!("fixtures/analysis/*.pcl", |path: &std::path::Path| {
        let text = std::fs::read_to_string(path).expect("fixture is UTF-8");
        let name = format!(
            "tests/fixtures/analysis/{}",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        let mut session = Session::new();
        let Some(rules) = session.check_rule_texts(vec![(name, text)]) else {
            panic!("{:#?}", session.problems);
        };
        let findings = analyze(&rules, &session.sources);
        let mut shown = render_problems(&findings, &session.sources, false);
        shown.push_str(&format!("findings: {}\n", findings.len()));
        insta::assert_snapshot!(shown);
    });
}

#[test]
fn the_rule_sets_have_no_findings() {
    let dirs = common::rule_set_dirs();
    for dir in dirs {
        let mut session = Session::new();
        let rules = session
            .load_rules(std::slice::from_ref(&dir))
            .unwrap_or_else(|| panic!("{}: {:#?}", dir.display(), session.problems));
        let findings = analyze(&rules, &session.sources);
        assert!(
            findings.is_empty(),
            "{}:\n{}",
            dir.display(),
            render_problems(&findings, &session.sources, false)
        );
    }
}
