//! A new plan from nothing but its indicator table: `plancheck init` makes a skeleton that
//! passes `lint`; an author fills in targets, formats, tests, and is told of the two rules
//! that contradict each other.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

mod common;

use std::path::{Path, PathBuf};

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("plancheck-init-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/init/indicators.csv"),
            dir.join("indicators.csv"),
        )
        .expect("copy the table");
        Scratch(dir)
    }

    fn run(&self, args: &[&str]) -> (i32, String) {
        common::run_in(&self.0, args)
    }

    fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.0.join(path)).expect("file exists")
    }

    fn append(&self, path: &str, text: &str) {
        let mut all = self.read(path);
        all.push_str(text);
        std::fs::write(self.0.join(path), all).expect("write");
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const INIT: [&str; 11] = [
    "init",
    "rules/mabian",
    "--indicators",
    "indicators.csv",
    "--entity",
    "马边彝族自治县",
    "--period",
    "2021..2025",
    "--base",
    "2020",
    "--reference=乐山市",
];

#[test]
fn the_skeleton_passes_lint_and_is_formatted() {
    let scratch = Scratch::new("skeleton");
    let (code, shown) = scratch.run(&INIT);
    assert_eq!(code, 0, "{shown}");
    let files = format!(
        "{shown}--- rules/mabian/plan.pcl\n{}--- rules/mabian/targets.pcl\n{}--- rules/mabian/tests/targets.pct\n{}",
        scratch.read("rules/mabian/plan.pcl"),
        scratch.read("rules/mabian/targets.pcl"),
        scratch.read("rules/mabian/tests/targets.pct")
    );
    insta::assert_snapshot!(files);
    let (code, lint) = scratch.run(&["lint", "rules/mabian"]);
    assert_eq!(code, 0, "{lint}");
    let (code, fmt) = scratch.run(&["fmt", "--check", "rules/mabian"]);
    assert_eq!(code, 0, "{fmt}");
    // Never over an existing rule set.
    let (code, again) = scratch.run(&INIT);
    assert_eq!(code, 2, "{again}");
    insta::assert_snapshot!("init_never_overwrites", again);
}

#[test]
fn a_bad_indicator_table_is_shown_row_by_row() {
    let scratch = Scratch::new("bad-table");
    std::fs::write(
        scratch.0.join("indicators.csv"),
        "id,name,unit,base\ngdp,地区生产总值,亿圆,\ngdp growth,增速,%,\nrate,比率,%,\nrate,比率,%,\nforest,,%,\nsteel,钢产量,万吨,一千\n",
    )
    .expect("write");
    let (code, shown) = scratch.run(&INIT);
    assert_eq!(code, 2);
    assert!(!scratch.0.join("rules").exists(), "something was written");
    std::fs::write(
        scratch.0.join("indicators.csv"),
        "代码,名称,单位\ngdp,地区生产总值,亿元\n",
    )
    .expect("write");
    let (code, header) = scratch.run(&INIT);
    assert_eq!(code, 2);
    insta::assert_snapshot!(format!("{shown}{header}"));
}

#[test]
fn an_author_fills_in_targets_formats_tests_and_hears_of_a_contradiction() {
    let scratch = Scratch::new("author");
    let (code, shown) = scratch.run(&INIT);
    assert_eq!(code, 0, "{shown}");
    // Two targets as an author might type them, one misreading the plan's 以上 as 以下.
    scratch.append(
        "rules/mabian/targets.pcl",
        "\nrule forest-coverage-2025 { cite §4 \"到2025年森林覆盖率达到70%以上\" binding by 2025: forest_coverage >= 70% }\n\
         rule forest-coverage-floor {\n  cite §4 \"森林覆盖率保持在66%以下\"\n  expected\n  each year 2021..2025: forest_coverage < 66%\n}\n\
         rule gdp-2025 { cite §3 \"地区生产总值达到200亿元\" expected by 2025: gdp >= 200亿元 }\n",
    );
    scratch.append(
        "rules/mabian/tests/targets.pct",
        "\ncase 200亿元 exactly meets 达到\ndata\n马边彝族自治县,2025,gdp,2000000,万元\nexpect gdp-2025 pass\n\n\
         case 70% meets 以上\ndata\n马边彝族自治县,2025,forest_coverage,70,%\nexpect forest-coverage-2025 pass\nexpect forest-coverage-floor 2025 fail\n",
    );
    let (code, fmt) = scratch.run(&["fmt", "rules/mabian"]);
    assert_eq!(code, 0, "{fmt}");
    let (code, test) = scratch.run(&["test", "rules/mabian"]);
    assert_eq!(code, 0, "{test}");
    let (code, lint) = scratch.run(&["lint", "rules/mabian"]);
    assert_eq!(code, 1, "{lint}");
    insta::assert_snapshot!(format!(
        "{fmt}{test}{lint}--- rules/mabian/targets.pcl, formatted (tail)\n{}",
        scratch
            .read("rules/mabian/targets.pcl")
            .lines()
            .skip_while(|l| !l.starts_with("rule "))
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    ));
}
