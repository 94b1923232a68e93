//! `plancheck fmt`: the layout is one, is stable, keeps every comment and never
//! changes what a rule file says; a broken file is shown, not touched.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

use plancheck::fmt::format_text;
use plancheck::syntax::{ast::RuleFile, parse};
use std::path::{Path, PathBuf};
mod common;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rule_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("directory is readable")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rule_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "pcl") {
            found.push(path);
        }
    }
}

fn every_rule_file() -> Vec<PathBuf> {
    let mut found = Vec::new();
    for dir in ["rules", "tests/fixtures", "examples"] {
        let dir = root().join(dir);
        if dir.is_dir() {
            rule_files(&dir, &mut found);
        }
    }
    assert!(found.len() > 10, "found only {found:?}");
    found
}

fn comments(file: &RuleFile) -> Vec<String> {
    file.comments.iter().map(|c| c.node.clone()).collect()
}

/// fmt(fmt(x)) == fmt(x), and fmt(x) says what x says with the same comments.
fn assert_formats_faithfully(name: &str, text: &str) -> String {
    let original = parse(0, text);
    assert!(original.errors.is_empty(), "{name} does not parse");
    let once = format_text(0, text).unwrap_or_else(|e| panic!("{name}: {e:#?}"));
    let twice = format_text(0, &once).unwrap_or_else(|e| panic!("{name} formatted: {e:#?}"));
    assert_eq!(once, twice, "{name}: formatting again changes it");
    let reparsed = parse(0, &once);
    assert!(reparsed.errors.is_empty(), "{name}: {:#?}", reparsed.errors);
    assert_eq!(
        reparsed.file.items, original.file.items,
        "{name}: the rules changed"
    );
    assert_eq!(
        comments(&reparsed.file),
        comments(&original.file),
        "{name}: comments changed"
    );
    once
}

/// Layouts that say the same thing: what an editor, Windows or a hurried author does to a file.
fn variants(text: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "unindented",
            text.lines()
                .map(|l| format!("{}\n", l.trim_start()))
                .collect(),
        ),
        ("crlf", text.replace('\n', "\r\n")),
        (
            "indented with tabs and trailing spaces",
            text.lines().map(|l| format!("\t{l}   \n")).collect(),
        ),
        ("blank lines doubled", text.replace('\n', "\n\n")),
    ]
}

#[test]
fn every_rule_file_formats_idempotently_to_the_same_rules() {
    let mut formatted = 0;
    for path in every_rule_file() {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).expect("rule files are UTF-8");
        if !parse(0, &text).errors.is_empty() {
            assert!(
                format_text(0, &text).is_err(),
                "{name}: formatted a broken file"
            );
            continue;
        }
        let canonical = assert_formats_faithfully(&name, &text);
        for (how, variant) in variants(&text) {
            let out = assert_formats_faithfully(&format!("{name} ({how})"), &variant);
            if how != "blank lines doubled" {
                assert_eq!(out, canonical, "{name} ({how}) formats differently");
            }
        }
        formatted += 1;
    }
    assert!(formatted > 5);
}

#[test]
fn the_rules_tree_is_formatted() {
    let mut found = Vec::new();
    rule_files(&root().join("rules"), &mut found);
    for path in found {
        let text = std::fs::read_to_string(&path).expect("rule files are UTF-8");
        let formatted = format_text(0, &text).unwrap_or_else(|e| panic!("{e:#?}"));
        assert!(
            formatted == text,
            "{} is not formatted: run `plancheck fmt rules`\n{}",
            path.display(),
            plancheck::fmt::unified_diff(&path.display().to_string(), &text, &formatted)
        );
    }
}

/// Runs the binary in a scratch copy of `files`, so that a formatter writing files touches nothing real.
fn run_in_copy(files: &[&str], args: &[&str]) -> (String, Vec<String>) {
    let scratch = std::env::temp_dir().join(format!(
        "plancheck-fmt-cli-{}-{}",
        std::process::id(),
        args.join("-").replace(['/', ' '], "_")
    ));
    std::fs::create_dir_all(&scratch).expect("scratch directory");
    for f in files {
        std::fs::copy(root().join("tests/fixtures/fmt").join(f), scratch.join(f)).expect("copy");
    }
    let (_, shown) = common::run_in(&scratch, args);
    let after = files
        .iter()
        .map(|f| std::fs::read_to_string(scratch.join(f)).expect("file is still there"))
        .collect();
    let leftovers = std::fs::read_dir(&scratch).expect("scratch").count();
    std::fs::remove_dir_all(&scratch).expect("clean up");
    assert_eq!(leftovers, files.len(), "a temporary file was left behind");
    (shown, after)
}

#[test]
fn check_shows_the_diff_and_changes_nothing() {
    let (shown, after) = run_in_copy(&["messy.pcl"], &["fmt", "--check", "messy.pcl"]);
    let before = std::fs::read_to_string(root().join("tests/fixtures/fmt/messy.pcl")).unwrap();
    assert_eq!(after[0], before);
    insta::assert_snapshot!(shown);
}

#[test]
fn fmt_rewrites_the_file_in_place() {
    let (shown, after) = run_in_copy(&["messy.pcl"], &["fmt", "messy.pcl"]);
    insta::assert_snapshot!(format!("{shown}--- messy.pcl after\n{}", after[0]));
}

#[test]
fn a_broken_file_is_shown_and_left_untouched() {
    let (shown, after) = run_in_copy(
        &["broken.pcl", "messy.pcl"],
        &["fmt", "broken.pcl", "messy.pcl"],
    );
    let before = std::fs::read_to_string(root().join("tests/fixtures/fmt/broken.pcl")).unwrap();
    assert_eq!(after[0], before, "the broken file was changed");
    assert_ne!(
        after[1],
        std::fs::read_to_string(root().join("tests/fixtures/fmt/messy.pcl")).unwrap(),
        "the good file is still formatted"
    );
    insta::assert_snapshot!(shown);
}

#[test]
fn a_file_that_is_not_utf8_is_left_as_it_is() {
    let scratch = std::env::temp_dir().join(format!("plancheck-fmt-gbk-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch directory");
    // `rule 甲 {}` saved as GBK, as Chinese Excel and Notepad often do.
    let gbk: &[u8] = b"rule \xbc\xd7 {}\n";
    std::fs::write(scratch.join("gbk.pcl"), gbk).expect("write");
    let (code, shown) = common::run_in(&scratch, &["fmt", "gbk.pcl"]);
    let after = std::fs::read(scratch.join("gbk.pcl")).expect("still there");
    std::fs::remove_dir_all(&scratch).expect("clean up");
    assert_eq!(after, gbk);
    assert_eq!(code, 2);
    insta::assert_snapshot!(shown);
}
