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

/// Rules built from the grammar rather than taken from the repository: every
/// operator at every depth, with or without parentheses, so that the formatter's
/// choice of where parentheses go is tested against the parser's precedence.
mod generated {
    use super::assert_formats_faithfully;
    use proptest::prelude::*;

    fn leaf() -> impl Strategy<Value = String> {
        prop_oneof![
            (
                0u32..100_000,
                0u32..3,
                prop::sample::select(vec!["", "%", "亿元", "万元", "个百分点", "家"])
            )
                .prop_map(|(n, scale, unit)| {
                    let digits = n.to_string();
                    let number = match scale as usize {
                        s if s > 0 && digits.len() > s => {
                            format!(
                                "{}.{}",
                                &digits[..digits.len() - s],
                                &digits[digits.len() - s..]
                            )
                        }
                        _ => digits,
                    };
                    format!("{number}{unit}")
                }),
            Just("true".to_string()),
            Just("false".to_string()),
            prop::sample::select(vec!["gdp", "x", "城镇化率", "rd_spending_growth"])
                .prop_map(String::from),
            (
                prop::sample::select(vec!["gdp", "x"]),
                prop::sample::select(vec![
                    "[2025]",
                    "[base]",
                    "[year - 1]",
                    "[year + 2]",
                    "[2021..2025]",
                    "[year - 4..year]"
                ]),
            )
                .prop_map(|(name, at)| format!("{name}{at}")),
            prop::sample::select(vec!["乐山市.gdp_growth", "乐山市.gdp[year - 1]"])
                .prop_map(String::from),
            prop::sample::select(vec![
                "count(enterprises where revenue >= 100亿元)",
                "sum(enterprises.revenue where name != \"甲\")",
                "max(enterprises.revenue)",
                "growth(gdp)",
                "present(x)",
                "whole(x)",
            ])
            .prop_map(String::from),
        ]
    }

    fn wrapped(e: String, wrap: bool) -> String {
        if wrap { format!("({e})") } else { e }
    }

    /// Arithmetic of any shape; `wrap` decides whether a compound is parenthesised,
    /// so that both the needed and the needless parentheses occur.
    fn arithmetic() -> impl Strategy<Value = String> {
        leaf().prop_recursive(4, 24, 2, |inner| {
            let compound = prop_oneof![
                (
                    inner.clone(),
                    prop::sample::select(vec!["+", "-", "*", "/"]),
                    inner.clone()
                )
                    .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
                (inner.clone(), 0u32..6).prop_map(|(a, n)| format!("{a} ^ {n}")),
                inner.clone().prop_map(|a| format!("-{a}")),
                prop::sample::select(vec!["sum", "avg", "product", "min"]).prop_flat_map(|f| {
                    prop::sample::select(vec![
                        "1 - x[2021..2025] / 100%",
                        "gdp[2021..2025]",
                        "x[2021..2025] * 2",
                    ])
                    .prop_map(move |arg| format!("{f}({arg})"))
                }),
            ];
            (compound, any::<bool>()).prop_map(|(e, wrap)| wrapped(e, wrap))
        })
    }

    /// A comparison, with or without a tolerance.
    fn comparison() -> impl Strategy<Value = String> {
        (
            arithmetic(),
            prop::sample::select(vec![">=", ">", "<=", "<", "==", "!=", "≥", "≤", "≠"]),
            arithmetic(),
            any::<bool>(),
        )
            .prop_map(|(a, op, b, tolerance)| {
                let tolerance = if tolerance {
                    " tolerance 1个百分点"
                } else {
                    ""
                };
                format!("{a} {op} {b}{tolerance}")
            })
    }

    /// A check: comparisons joined by `and`, `or` and `not`, at any depth.
    fn expr() -> impl Strategy<Value = String> {
        let atom = prop_oneof![
            4 => comparison(),
            1 => prop::sample::select(vec!["present(x)", "whole(x)", "true", "false", "flag"]).prop_map(String::from),
        ];
        atom.prop_recursive(4, 24, 2, |inner| {
            let compound = prop_oneof![
                (
                    inner.clone(),
                    prop::sample::select(vec!["and", "or"]),
                    inner.clone()
                )
                    .prop_map(|(a, op, b)| format!("{a} {op} {b}")),
                inner.clone().prop_map(|a| format!("not {a}")),
            ];
            (compound, any::<bool>()).prop_map(|(e, wrap)| wrapped(e, wrap))
        })
    }

    /// What authors do to the spaces: none, several, a line break before an operator.
    fn layout(text: &str, choices: &[u8]) -> String {
        let mut out = String::new();
        for (i, piece) in text.split(' ').enumerate() {
            if i > 0 {
                out.push_str(
                    match choices.get(i % choices.len().max(1)).copied().unwrap_or(0) % 4 {
                        0 => " ",
                        1 => "   ",
                        2 => "\n        ",
                        _ => "\t",
                    },
                );
            }
            out.push_str(piece);
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Whatever its layout and parentheses, a rule formats to text that parses to the
        /// same tree and formats to itself.
        #[test]
        fn formatting_then_parsing_gives_the_same_tree(
            check in expr(),
            each in any::<bool>(),
            spaces in prop::collection::vec(any::<u8>(), 1..8),
            comment in any::<bool>(),
        ) {
            let head = if each { "each year 2021..2025, each x in [gdp, 城镇化率]" } else { "by 2025" };
            let note = if comment { "    # 按规划原文\n" } else { "" };
            let text = format!(
                "rule r-1 {{\n    cite §7 \"到2025年工业集中度提高到85%以上\"\n    expected\n{note}    {head}: {}\n}}\n",
                layout(&check, &spaces)
            );
            let parsed = plancheck::syntax::parse(0, &text);
            prop_assert!(parsed.errors.is_empty(), "the generator wrote a rule that does not parse:\n{text}\n{:#?}", parsed.errors);
            assert_formats_faithfully(&text, &text);
        }
    }
}
