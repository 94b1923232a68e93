//! The command as a person runs it: stdout, stderr and exit status, snapshotted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

mod common;

use common::run;

fn example(name: &str) -> Vec<String> {
    let dir = format!("examples/{name}");
    let mut files: Vec<String> = std::fs::read_dir(format!("{}/{dir}", env!("CARGO_MANIFEST_DIR")))
        .expect("example exists")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".csv"))
        .map(|f| format!("{dir}/{f}"))
        .collect();
    files.sort();
    files
}

fn check(example_name: &str, extra: &[&str]) -> String {
    check_with("rules/jianwei", example_name, extra)
}

fn check_with(rules: &str, example_name: &str, extra: &[&str]) -> String {
    let files = example(example_name);
    let mut args = vec!["check", "--rules", rules];
    args.extend_from_slice(extra);
    args.extend(files.iter().map(String::as_str));
    run(&args)
}

#[test]
fn on_track_2025_human() {
    insta::assert_snapshot!(check("on-track-2025", &[]));
}

#[test]
fn missed_2025_human() {
    insta::assert_snapshot!(check("missed-2025", &[]));
}

#[test]
fn midterm_2023_human() {
    insta::assert_snapshot!(check("midterm-2023", &[]));
}

#[test]
fn missed_2025_json() {
    insta::assert_snapshot!(check("missed-2025", &["--format", "json"]));
}

#[test]
fn midterm_2023_json() {
    insta::assert_snapshot!(check("midterm-2023", &["--format", "json"]));
}

#[test]
fn on_track_2025_passes_shown() {
    insta::assert_snapshot!(check("on-track-2025", &["--show-passes"]));
}

#[test]
fn fail_level_warning_turns_warnings_into_a_failed_gate() {
    insta::assert_snapshot!(check("on-track-2025", &["--fail-level", "note"]));
}

#[test]
fn bad_cells_stop_the_run_with_status_2() {
    insta::assert_snapshot!(run(&[
        "check",
        "--rules",
        "rules/jianwei",
        "tests/fixtures/cli/bad-cells.csv"
    ]));
}

#[test]
fn exactly_85_percent_meets_the_target_and_unknown_indicators_are_named() {
    insta::assert_snapshot!(run(&[
        "check",
        "--rules",
        "rules/jianwei",
        "--format",
        "json",
        "tests/fixtures/cli/boundary-85.csv"
    ]));
}

#[test]
fn missing_rules_directory_is_status_2() {
    insta::assert_snapshot!(run(&[
        "check",
        "--rules",
        "rules/nowhere",
        "tests/fixtures/cli/boundary-85.csv"
    ]));
}

#[test]
fn missing_data_file_is_status_2() {
    insta::assert_snapshot!(run(&[
        "check",
        "--rules",
        "rules/jianwei",
        "no-such-file.csv"
    ]));
}

#[test]
fn rule_errors_refuse_evaluation() {
    insta::assert_snapshot!(run(&[
        "check",
        "--rules",
        "tests/fixtures/rules/unknown_indicator.pcl",
        "tests/fixtures/cli/boundary-85.csv"
    ]));
}

#[test]
fn another_entity_can_be_checked() {
    insta::assert_snapshot!(run(&[
        "check",
        "--rules",
        "rules/jianwei",
        "--entity",
        "乐山",
        "tests/fixtures/cli/boundary-85.csv"
    ]));
}

#[test]
fn lint_accepts_the_jianwei_rules() {
    insta::assert_snapshot!(run(&["lint", "rules/jianwei"]));
}

#[test]
fn lint_reports_every_error() {
    insta::assert_snapshot!(run(&[
        "lint",
        "tests/fixtures/rules/syntax_several_errors.pcl"
    ]));
}

#[test]
fn a_crash_is_an_internal_error_with_its_own_status() {
    // Where in the source the panic happened changes with every edit; what the person reads does not.
    insta::with_settings!({filters => vec![(r"src/[\w/.]+:\d+:\d+", "[source location]")]}, {
        insta::assert_snapshot!(run(&["__crash"]));
    });
}

#[test]
fn lint_reports_rules_that_contradict_each_other() {
    insta::assert_snapshot!(run(&["lint", "tests/fixtures/analysis/contradictory.pcl"]));
}

#[test]
fn national_2025_human() {
    insta::assert_snapshot!(check_with("rules/national", "national-2025", &[]));
}

#[test]
fn national_2025_json() {
    insta::assert_snapshot!(check_with(
        "rules/national",
        "national-2025",
        &["--format", "json"]
    ));
}

#[test]
fn lint_accepts_the_national_rules() {
    insta::assert_snapshot!(run(&["lint", "rules/national"]));
}

/// `check` of the small province fixture, every entity, in `format`.
fn province(format: &str) -> Vec<&str> {
    vec![
        "check",
        "--rules",
        "benches/province",
        "--entity",
        "all",
        "--format",
        format,
        "tests/fixtures/cli/province/counties.csv",
        "tests/fixtures/cli/province/enterprises.csv",
    ]
}

/// A province at once: every county of the indicator data (not `REF`, not the
/// enterprise-only `Z9`), one line per finding that needs attention, in entity, rule
/// number and year order; `C3` has no enterprise, so R13 fails rather than goes missing.
#[test]
fn a_province_in_one_run_as_json_lines() {
    insta::assert_snapshot!(run(&province("jsonl")));
}

/// The JSON report of several entities carries each one's summary.
#[test]
fn json_summarises_each_entity() {
    let out = common::output(&province("json"), &[]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let entities = doc["entities"].as_object().expect("an entities object");
    assert_eq!(entities.keys().collect::<Vec<_>>(), ["C1", "C2", "C3"]);
    let fails: u64 = entities
        .values()
        .map(|s| s["fail"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(Some(fails), doc["summary"]["fail"].as_u64());
    assert_eq!(entities["C3"]["missing"], 0);
}

/// The output does not depend on how many threads read and decide.
#[test]
fn the_output_is_the_same_on_one_thread_and_on_many() {
    let run_with = |threads: &str, format: &str| {
        common::output(&province(format), &[("RAYON_NUM_THREADS", threads)])
    };
    for format in ["human", "json", "jsonl"] {
        let one = run_with("1", format);
        for threads in ["2", "5"] {
            let many = run_with(threads, format);
            assert_eq!(one.stdout, many.stdout, "{format} on {threads} threads");
            assert_eq!(one.stderr, many.stderr, "{format} on {threads} threads");
        }
    }
}
