//! Every rule set under `rules/` passes its own tests, and every one of its rules has a test.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

use plancheck::report::human::render_problems;
use plancheck::ruletest;
use plancheck::session::Session;

mod common;

use common::run;

#[test]
fn every_rule_set_passes_its_own_tests() {
    let dirs = common::rule_set_dirs();
    for dir in dirs {
        let mut session = Session::new();
        let report = ruletest::run(&mut session, &dir);
        let problems = render_problems(&session.problems, &session.sources, false);
        let Some(report) = report else {
            panic!("{}: {problems}", dir.display());
        };
        let shown = ruletest::render(&dir, &report);
        assert!(!report.results.is_empty(), "{shown}");
        assert_eq!(report.failed(), 0, "{shown}");
        assert!(report.untested.is_empty(), "{shown}");
    }
}

#[test]
fn the_jianwei_tests_read_like_a_test_run() {
    insta::assert_snapshot!(run(&["test", "rules/jianwei"]));
}

#[test]
fn a_failing_case_says_what_the_rule_gave_instead() {
    insta::assert_snapshot!(run(&["test", "tests/fixtures/ruletests/failing"]));
}

#[test]
fn mistakes_in_a_test_file_are_diagnostics() {
    insta::assert_snapshot!(run(&["test", "tests/fixtures/ruletests/broken"]));
}
