//! Hostile submissions: wrong encodings, BOMs, odd line ends, NUL bytes, spreadsheet
//! habits, empty files, a 10 MB line. Each is checked against the Jianwei rules and
//! what a person sees (the diagnostics, the verdicts it led to, the exit status) is
//! snapshotted; nothing may panic, hang or print the whole file back.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

use std::path::Path;

mod common;

fn check(path: &Path) -> (Option<i32>, String, String) {
    let path = path.to_string_lossy();
    let output = common::output(
        &[
            "check",
            "--rules",
            "rules/jianwei",
            "--format",
            "json",
            &path,
        ],
        &[],
    );
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The two verdicts the fixtures aim at, and the summary, instead of forty missing findings.
fn verdicts(stdout: &str) -> String {
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(stdout) else {
        return "(no JSON document)\n".to_string();
    };
    let mut out = String::new();
    for f in doc["findings"].as_array().into_iter().flatten() {
        let rule = f["rule"].as_str().unwrap_or("");
        if matches!(
            rule,
            "industrial-concentration-2025" | "gdp-2025" | "investment-cumulative"
        ) {
            out.push_str(&format!(
                "{rule}: {} actual={} at {}\n",
                f["outcome"].as_str().unwrap_or(""),
                f["actual"],
                f["location"]
            ));
        }
    }
    out.push_str(&format!("summary: {}\n", doc["summary"]));
    out
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/hostile/*.csv", |path: &Path| {
        // Relative, so that the snapshot is the same in every checkout.
        let path = path
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(path);
        let (status, stdout, stderr) = check(path);
        let shown = format!(
            "exit status: {}\n--- diagnostics\n{stderr}--- verdicts\n{}",
            status.map_or("signal".to_string(), |c| c.to_string()),
            verdicts(&stdout)
        );
        insta::assert_snapshot!(shown);
    });
}

#[test]
fn a_ten_megabyte_line_is_refused_without_being_printed() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("one-line.csv");
    let mut text = String::from("entity,year,indicator,value,unit\n犍为县,2025,gdp,");
    text.push_str(&"9".repeat(10 * 1024 * 1024));
    text.push_str(",亿元\n");
    std::fs::write(&path, text).expect("written");
    let (status, stdout, stderr) = check(&path);
    assert_eq!(status, Some(2));
    assert!(stdout.is_empty());
    assert!(stderr.len() < 2000, "{} bytes of diagnostics", stderr.len());
    assert!(
        stderr.contains("line-too-long") && stderr.contains("one-line.csv:2:1"),
        "{stderr}"
    );
}
