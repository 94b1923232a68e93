//! `plancheck check` with report files (`--output-sarif FILE` and the like): what is written,
//! that it is written whole or not at all, and that no input is ever written over.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_plancheck");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn csv_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join(dir))
        .expect("a directory")
        .flatten()
        .map(|e| Path::new(dir).join(e.file_name()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    files
}

/// Runs `plancheck check --rules RULES DATA... EXTRA...` in `cwd`.
fn check(cwd: &Path, rules: &str, data: &[PathBuf], extra: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(cwd)
        .arg("check")
        .arg("--rules")
        .arg(rules)
        .args(data)
        .args(extra)
        .output()
        .expect("plancheck runs")
}

fn missed() -> Vec<PathBuf> {
    csv_files("examples/missed-2025")
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("a directory")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn report_files_hold_what_each_format_prints() {
    let out = tempfile::tempdir().expect("a temporary directory");
    let file = |name: &str| out.path().join(name).display().to_string();
    let (sarif, junit, json, md, gh) = (
        file("plancheck.sarif"),
        file("junit.xml"),
        file("report.json"),
        file("summary.md"),
        file("annotations.txt"),
    );
    let root = Path::new(ROOT);
    let run = check(
        root,
        "rules/jianwei",
        &missed(),
        &[
            "--color=never",
            "--output-sarif",
            &sarif,
            "--output-junit",
            &junit,
            "--output-json",
            &json,
            "--output-markdown",
            &md,
            "--output-github",
            &gh,
        ],
    );
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(String::from_utf8_lossy(&run.stdout).contains("error[energy-intensity-falling]"));
    assert_eq!(
        names_in(out.path()),
        [
            "annotations.txt",
            "junit.xml",
            "plancheck.sarif",
            "report.json",
            "summary.md"
        ],
        "the five reports and nothing else"
    );
    for (format, path) in [
        ("sarif", &sarif),
        ("junit", &junit),
        ("json", &json),
        ("markdown", &md),
        ("github", &gh),
    ] {
        let printed = check(root, "rules/jianwei", &missed(), &["--format", format]);
        assert_eq!(printed.status.code(), Some(1));
        let written = std::fs::read(path).expect("the report was written");
        assert!(
            written == printed.stdout,
            "{format}: the file differs from stdout"
        );
    }
}

#[test]
fn a_jsonl_stream_still_writes_the_report_files() {
    let out = tempfile::tempdir().expect("a temporary directory");
    let sarif = out.path().join("plancheck.sarif").display().to_string();
    let root = Path::new(ROOT);
    let streamed = check(
        root,
        "rules/jianwei",
        &missed(),
        &["--format", "jsonl", "--output-sarif", &sarif],
    );
    assert_eq!(streamed.status.code(), Some(1), "{}", stderr(&streamed));
    let alone = check(root, "rules/jianwei", &missed(), &["--format", "jsonl"]);
    assert!(streamed.stdout == alone.stdout, "the stream is the same");
    let printed = check(root, "rules/jianwei", &missed(), &["--format", "sarif"]);
    let written = std::fs::read(&sarif).expect("the report was written");
    assert!(
        written == printed.stdout,
        "the file differs from --format sarif"
    );
}

#[test]
fn every_run_prints_the_same_bytes() {
    let root = Path::new(ROOT);
    for format in ["sarif", "junit", "github", "markdown"] {
        let first = check(root, "rules/jianwei", &missed(), &["--format", format]);
        let second = check(root, "rules/jianwei", &missed(), &["--format", format]);
        assert!(first.stdout == second.stdout, "{format}");
    }
}

#[test]
fn an_output_over_an_input_is_refused() {
    let root = Path::new(ROOT);
    let data = root.join("examples/missed-2025/data.csv");
    let before = std::fs::read(&data).expect("the data");
    let spellings = [
        "examples/missed-2025/data.csv",
        "./examples/missed-2025/../missed-2025/data.csv",
    ];
    for spelled in spellings {
        let run = check(
            root,
            "rules/jianwei",
            &missed(),
            &["--output-json", spelled],
        );
        assert_eq!(run.status.code(), Some(2));
        assert!(
            stderr(&run).contains("would overwrite the data file"),
            "{}",
            stderr(&run)
        );
        assert!(run.stdout.is_empty(), "nothing is checked");
    }
    let run = check(
        root,
        "rules/jianwei",
        &missed(),
        &["--output-sarif", "rules/jianwei/targets.pcl"],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("would overwrite a rule file"),
        "{}",
        stderr(&run)
    );
    // A new `.pcl` file in the rule directory would join the rule set on the next run.
    let run = check(
        root,
        "rules/jianwei",
        &missed(),
        &["--output-markdown", "rules/jianwei/summary.pcl"],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(!root.join("rules/jianwei/summary.pcl").exists());
    assert_eq!(std::fs::read(&data).expect("the data"), before);
}

#[test]
fn two_reports_in_one_file_are_refused() {
    let out = tempfile::tempdir().expect("a temporary directory");
    let same = out.path().join("report").display().to_string();
    let run = check(
        Path::new(ROOT),
        "rules/jianwei",
        &missed(),
        &["--output-sarif", &same, "--output-junit", &same],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("both name"), "{}", stderr(&run));
    assert!(names_in(out.path()).is_empty());
}

#[test]
fn a_run_that_cannot_check_writes_no_report() {
    let out = tempfile::tempdir().expect("a temporary directory");
    let sarif = out.path().join("plancheck.sarif").display().to_string();
    let mut data = missed();
    data.push(PathBuf::from("examples/missed-2025/no-such-file.csv"));
    let run = check(
        Path::new(ROOT),
        "rules/jianwei",
        &data,
        &["--output-sarif", &sarif],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(names_in(out.path()).is_empty());

    let run = check(
        Path::new(ROOT),
        "no/such/rules",
        &missed(),
        &["--output-sarif", &sarif],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(names_in(out.path()).is_empty());
}

#[test]
fn a_report_that_cannot_be_written_leaves_no_other() {
    let out = tempfile::tempdir().expect("a temporary directory");
    let sarif = out.path().join("plancheck.sarif").display().to_string();
    let junit = out
        .path()
        .join("no-such-dir/junit.xml")
        .display()
        .to_string();
    let run = check(
        Path::new(ROOT),
        "rules/jianwei",
        &missed(),
        &["--output-sarif", &sarif, "--output-junit", &junit],
    );
    assert_eq!(run.status.code(), Some(2));
    assert!(stderr(&run).contains("cannot write"), "{}", stderr(&run));
    assert!(
        names_in(out.path()).is_empty(),
        "{:?}",
        names_in(out.path())
    );
}

/// CI systems look files up relative to the job's working directory, however the path was
/// given on the command line.
#[test]
fn report_paths_are_relative_to_the_working_directory() {
    let root = Path::new(ROOT);
    let absolute: Vec<PathBuf> = csv_files("tests/fixtures/ci/数据 目录")
        .iter()
        .map(|p| root.join(p))
        .collect();
    let rules = root.join("tests/fixtures/ci/rules").display().to_string();
    let run = check(root, &rules, &absolute, &["--format", "github"]);
    let annotations = String::from_utf8_lossy(&run.stdout);
    assert!(
        annotations.contains(
            "::warning file=tests/fixtures/ci/数据 目录/submission 2025.csv,line=9,col=28,"
        ),
        "{annotations}"
    );
    let run = check(root, &rules, &absolute, &["--format", "sarif"]);
    let sarif = String::from_utf8_lossy(&run.stdout);
    assert!(sarif.contains(
        "\"uri\": \"tests/fixtures/ci/%E6%95%B0%E6%8D%AE%20%E7%9B%AE%E5%BD%95/submission%202025.csv\""
    ));
    assert!(sarif.contains("\"uri\": \"tests/fixtures/ci/rules/special.pcl\""));
    assert!(
        !sarif.contains(ROOT),
        "no absolute path inside the working directory"
    );

    let inner = root.join("tests/fixtures/ci");
    let run = check(
        &inner,
        "rules",
        &csv_files_in(&inner),
        &["--format", "github"],
    );
    let annotations = String::from_utf8_lossy(&run.stdout);
    assert!(
        annotations.contains("::warning file=数据 目录/reference%2C 乐山市.csv,line=2,col=21,"),
        "{annotations}"
    );
}

fn csv_files_in(dir: &Path) -> Vec<PathBuf> {
    let sub = Path::new("数据 目录");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(sub))
        .expect("a directory")
        .flatten()
        .map(|e| sub.join(e.file_name()))
        .collect();
    files.sort();
    files
}
