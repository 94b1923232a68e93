//! Reading a large file as a stream, in small regions parsed in parallel, and folding
//! record tables into aggregates while reading must change nothing a person sees:
//! the same problems, rendered the same, and the same findings.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

use plancheck::data::{self, ReadOptions, Schema, Submission};
use plancheck::eval::{Finding, Outcome};
use plancheck::report::human;
use plancheck::session::{Entities, Session};
use plancheck::source::Sources;
use std::path::{Path, PathBuf};

fn fixture_schema() -> Schema {
    let rules = Session::new()
        .check_rule_texts(vec![(
            "r.pcl".to_string(),
            r#"
plan "p" { entity 犍为县 period 2021..2025 base 2020 }
indicator gdp "地区生产总值" 亿元
indicator industrial_concentration "工业集中度" %
indicator park_developed_area "园区开发建设面积" 平方公里
indicator park_enterprises "园区入驻企业" 户
indicator major_grain_county "全国产粮大县称号" bool
indicator energy_per_gdp "单位GDP能耗" 吨标准煤/万元
table enterprises "企业" { name text revenue 亿元 }
rule a { cite §1 "a" expected by 2025: gdp >= 1亿元 }
"#
            .to_string(),
        )])
        .expect("the rules check");
    let mut schema = rules.schema();
    // The fixtures' own snapshots store records; here the table is streamed.
    assert!(schema.streams.contains_key("enterprises"));
    schema.streams.clear();
    schema
}

/// Reads `paths` with `options`; returns the rendered problems and a dump of the data.
fn read(paths: &[PathBuf], schema: &Schema, options: &ReadOptions) -> (String, String) {
    let mut sources = Sources::new();
    let mut submission = Submission::default();
    let mut problems = Vec::new();
    for path in paths {
        let prepared = data::prepare(path, options, &mut sources);
        let (partial, found) = data::read_prepared(&prepared, schema, &sources, options, &|_| {});
        problems.extend(data::absorb(&mut submission, partial, schema, found));
    }
    let mut dump = String::new();
    for (key, cell) in submission.observations() {
        let at = sources.location(cell.span);
        dump.push_str(&format!(
            "{key:?} {:?} {}:{}:{} {:?}\n",
            cell.value,
            at.file,
            at.line,
            at.column,
            sources.excerpt(cell.span)
        ));
    }
    for (name, table) in &submission.tables {
        for r in &table.records {
            let at = sources.location(r.span);
            dump.push_str(&format!(
                "{name} {} {} {}:{} {:?}\n",
                r.entity, r.year, at.line, at.column, r.cells
            ));
        }
    }
    dump.push_str(&format!("horizons {:?}\n", {
        let entities = submission.entities();
        entities
            .iter()
            .map(|e| (e.clone(), submission.horizon(e)))
            .collect::<Vec<_>>()
    }));
    (human::render_problems(&problems, &sources, false), dump)
}

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/data");
    let mut out = Vec::new();
    for case in std::fs::read_dir(root).expect("fixtures").flatten() {
        for file in std::fs::read_dir(case.path()).expect("a case").flatten() {
            out.push(file.path());
        }
    }
    out.sort();
    out
}

#[test]
fn streamed_fixtures_read_as_in_memory_ones() {
    let schema = fixture_schema();
    let memory = ReadOptions {
        keep_in_memory: u64::MAX,
        ..ReadOptions::default()
    };
    for path in fixtures() {
        let expected = read(std::slice::from_ref(&path), &schema, &memory);
        for block in [7, 64, 4096] {
            let streamed = ReadOptions {
                keep_in_memory: 0,
                block,
                ..ReadOptions::default()
            };
            let got = read(std::slice::from_ref(&path), &schema, &streamed);
            assert_eq!(got, expected, "{} in blocks of {block}", path.display());
        }
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("a temporary file");
    path
}

/// A long file with quoted fields across region ends, repeats across regions and files,
/// unknown indicators, empty cells and bad cells, read in many small regions.
#[test]
fn many_regions_read_as_one() {
    let schema = fixture_schema();
    let dir = tempdir();
    let mut text = String::from("entity,year,indicator,value,unit\n");
    for i in 0..400 {
        let entity = format!("E{:03}", i % 37);
        let year = 2020 + i % 6;
        match i % 11 {
            0 => text.push_str(&format!("\"{entity}\",{year},gdp,\"1{i}.5\",亿元\n")),
            1 => text.push_str(&format!("{entity},{year},x{},{i},%\n", i % 3)),
            2 => text.push_str(&format!("{entity},{year},industrial_concentration,,%\n")),
            3 => text.push_str(&format!("{entity},{year},gdp,1,{i}00,亿元\n")),
            4 => text.push_str(&format!("{entity},{year},gdp,{i},万元\n")),
            5 => text.push_str(&format!("\"{entity}\n\",{year},gdp,{i},亿元\n")),
            _ => text.push_str(&format!("{entity},{year},park_enterprises,{i},户\n")),
        }
    }
    let a = write(&dir, "a.csv", &text);
    let b = write(&dir, "b.csv", &text.replace("亿元", "万元"));
    let paths = [a, b];
    let memory = ReadOptions {
        keep_in_memory: u64::MAX,
        ..ReadOptions::default()
    };
    let expected = read(&paths, &schema, &memory);
    assert!(
        expected.0.contains("conflicting-duplicate"),
        "{}",
        expected.0
    );
    for block in [16, 100, 1000] {
        let streamed = ReadOptions {
            keep_in_memory: 0,
            block,
            ..ReadOptions::default()
        };
        assert_eq!(
            read(&paths, &schema, &streamed),
            expected,
            "blocks of {block}"
        );
    }
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "plancheck-streaming-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

const TABLE_RULES: &str = r#"
plan "p" { entity A period 2021..2025 base 2020 }
indicator gdp "地区生产总值" 亿元
table enterprises "企业" {
    name text
    revenue 亿元
    employees 人
}
rule count-big { cite §1 "c" expected by 2025: count(enterprises where revenue >= 10亿元) >= 2 }
rule count-all { cite §1 "c" expected by 2025: count(enterprises) >= 3 }
rule sum-rev { cite §1 "s" expected by 2025: sum(enterprises.revenue where employees > 100) >= 50亿元 }
rule max-rev { cite §1 "m" expected by 2025: max(enterprises.revenue) >= 40亿元 }
rule min-rev { cite §1 "m" expected by 2025: min(enterprises.revenue where present(employees)) >= 1亿元 }
rule avg-rev { cite §1 "a" expected by 2025: avg(enterprises.revenue where revenue > 0亿元 and not (employees < 5)) >= 5亿元 }
rule or-rev { cite §1 "o" expected by 2025: count(enterprises where revenue >= 100亿元 or employees >= 1000) >= 1 }
rule tol { cite §1 "t" expected by 2025: count(enterprises where revenue == 10亿元 tolerance 1亿元) >= 1 }
rule scaled { cite §1 "s" expected by 2025: sum(enterprises.revenue where revenue * 2 >= 20亿元) >= 1000万元 }
rule div { cite §1 "d" expected by 2025: count(enterprises where revenue / employees > 0.1) >= 1 }
rule whole { cite §1 "w" expected by 2025: count(enterprises where whole(revenue)) >= 1 }
"#;

fn findings(rules_text: &str, files: &[(&str, &str)], streamed: bool) -> Vec<Finding> {
    let mut session = Session::new();
    let rules = session
        .check_rule_texts(vec![("r.pcl".to_string(), rules_text.to_string())])
        .unwrap_or_else(|| panic!("{:#?}", session.problems));
    let mut schema = rules.schema();
    if !streamed {
        schema.streams.clear();
    }
    let mut data = Submission::default();
    for (name, text) in files {
        data::read_bytes(
            name,
            text.as_bytes(),
            &schema,
            &mut session.sources,
            &mut data,
        );
    }
    let entities = session.entities(&Entities::All, &rules, &data);
    session.evaluate(&rules, &data, &entities)
}

/// Folding rows while reading gives the findings that evaluating stored rows gives:
/// values, missing cells, division by zero, ties of min and max, rows split over files.
#[test]
fn folded_aggregates_decide_as_stored_rows() {
    let head = "entity,year,name,revenue,employees\n";
    let mut a = String::from(head);
    let mut b = String::from(head);
    for i in 0..120 {
        let entity = ["A", "B", "C", "D"][i % 4];
        let year = 2024 + (i % 3) as i32 % 2;
        let name = if i % 7 == 0 { "" } else { "某甲" };
        let revenue = match i % 9 {
            0 => String::new(),
            1 => "10.00".to_string(),
            2 => "10".to_string(),
            3 => format!("{}.5", i),
            4 => "40".to_string(),
            5 => "40.0".to_string(),
            _ => format!("{}", i % 13),
        };
        let employees = match i % 5 {
            0 => "0".to_string(),
            1 => String::new(),
            _ => format!("{}", i * 10),
        };
        let row = format!("{entity},{year},{name},{revenue},{employees}\n");
        if i % 2 == 0 {
            a.push_str(&row)
        } else {
            b.push_str(&row)
        }
    }
    let data = "entity,year,indicator,value,unit\nA,2025,gdp,1,亿元\nB,2025,gdp,1,亿元\nE,2025,gdp,1,亿元\n";
    let files = [
        ("data.csv", data),
        ("x/enterprises.csv", a.as_str()),
        ("y/enterprises.csv", b.as_str()),
    ];
    let stored = findings(TABLE_RULES, &files, false);
    let streamed = findings(TABLE_RULES, &files, true);
    for outcome in [Outcome::Pass, Outcome::Fail, Outcome::Missing] {
        assert!(stored.iter().any(|f| f.outcome == outcome), "{outcome:?}");
    }
    assert!(
        stored
            .iter()
            .any(|f| f.message.contains("division by zero"))
    );
    assert_eq!(format!("{streamed:#?}"), format!("{stored:#?}"));
    let complete = TABLE_RULES.replace(
        "table enterprises \"企业\" {",
        "table enterprises \"企业\" complete {",
    );
    assert_eq!(
        format!("{:#?}", findings(&complete, &files, true)),
        format!("{:#?}", findings(&complete, &files, false))
    );
}

/// The outcomes without words (`--format jsonl`) are those of the full findings.
#[test]
fn verdicts_are_the_outcomes_of_the_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cases: Vec<(&str, Vec<PathBuf>)> = ["missed-2025", "on-track-2025", "midterm-2023"]
        .iter()
        .map(|name| {
            let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("examples").join(name))
                .expect("an example")
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "csv"))
                .collect();
            files.sort();
            ("rules/jianwei", files)
        })
        .chain(std::iter::once((
            "benches/province",
            vec![
                root.join("tests/fixtures/cli/province/counties.csv"),
                root.join("tests/fixtures/cli/province/enterprises.csv"),
            ],
        )))
        .collect();
    for (rules_path, files) in cases {
        let mut session = Session::new();
        let rules = session
            .load_rules(&[root.join(rules_path)])
            .expect("the rules check");
        let data = session.load_data(&files, &rules);
        let entities = session.entities(&Entities::All, &rules, &data);
        let findings = session.evaluate(&rules, &data, &entities);
        let verdicts = session.verdicts(&rules, &data, &entities, &plancheck::session::Silent);
        let mut from_findings: Vec<_> = findings
            .iter()
            .map(|f| {
                (
                    f.entity.clone(),
                    f.rule.clone(),
                    f.bound.clone(),
                    f.year,
                    f.outcome,
                )
            })
            .collect();
        let mut from_verdicts: Vec<_> = verdicts
            .iter()
            .map(|v| {
                let rule = &rules.rules[v.rule];
                (
                    entities[v.entity].clone(),
                    rule.id.clone(),
                    rule.instances[v.instance].bound.clone(),
                    v.year,
                    v.outcome,
                )
            })
            .collect();
        from_findings.sort();
        from_verdicts.sort();
        assert_eq!(from_verdicts, from_findings, "{rules_path} on {files:?}");
    }
}

/// Past the row limit reading stops with an error at the row (streamed: at the first row of
/// the region that crosses it), and the rows after it are counted, not kept.
#[test]
fn a_file_past_the_row_limit_stops_with_an_error() {
    let schema = fixture_schema();
    let dir = tempdir();
    let mut text = String::from("entity,year,indicator,value,unit\n");
    for i in 0..40 {
        text.push_str(&format!("E{i:02},2025,gdp,{i},亿元\n"));
    }
    let path = write(&dir, "many.csv", &text);
    let memory = ReadOptions {
        keep_in_memory: u64::MAX,
        max_rows: 30,
        ..ReadOptions::default()
    };
    let (problems, dump) = read(std::slice::from_ref(&path), &schema, &memory);
    insta::assert_snapshot!(problems.replace(&*dir.to_string_lossy(), "$DIR"));
    assert_eq!(dump.lines().filter(|l| l.contains("gdp")).count(), 30);
    for block in [64, 256] {
        let streamed = ReadOptions {
            keep_in_memory: 0,
            block,
            max_rows: 30,
        };
        let (problems, dump) = read(std::slice::from_ref(&path), &schema, &streamed);
        assert!(problems.contains("error[too-many-rows]"), "{problems}");
        assert!(problems.contains("data rows were not read"), "{problems}");
        let kept = dump.lines().filter(|l| l.contains("gdp")).count();
        assert!(
            (1..=30).contains(&kept),
            "{kept} rows kept in blocks of {block}"
        );
    }
    let exactly = ReadOptions {
        keep_in_memory: u64::MAX,
        max_rows: 40,
        ..ReadOptions::default()
    };
    let (problems, _) = read(std::slice::from_ref(&path), &schema, &exactly);
    assert!(
        !problems.contains("too-many-rows"),
        "40 rows are within a limit of 40"
    );
}
