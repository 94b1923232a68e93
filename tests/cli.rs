//! The command as a person runs it: stdout, stderr and exit status, snapshotted.

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
    let files = example(example_name);
    let mut args = vec!["check", "--rules", "rules/jianwei"];
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

fn check_national(extra: &[&str]) -> String {
    let files = example("national-2025");
    let mut args = vec!["check", "--rules", "rules/national"];
    args.extend_from_slice(extra);
    args.extend(files.iter().map(String::as_str));
    run(&args)
}

#[test]
fn national_2025_human() {
    insta::assert_snapshot!(check_national(&[]));
}

#[test]
fn national_2025_json() {
    insta::assert_snapshot!(check_national(&["--format", "json"]));
}

#[test]
fn lint_accepts_the_national_rules() {
    insta::assert_snapshot!(run(&["lint", "rules/national"]));
}
