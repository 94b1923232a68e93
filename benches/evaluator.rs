//! Deciding rules: one county against the Jianwei rule set, and a small province
//! (generated here, deterministic) against R1–R13, with and without words.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use plancheck::check::RuleSet;
use plancheck::data::{Submission, read_bytes};
use plancheck::eval;
use plancheck::session::{Entities, Session};
use std::fmt::Write;
use std::hint::black_box;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A province of `counties` counties and `REF`, 2020–2025, the indicators R1–R12 read,
/// and enterprises for R13; values from a fixed linear congruential sequence.
fn province(counties: usize) -> (String, String) {
    let indicators = [
        ("industrial_concentration", "%", 85.0),
        ("gdp", "亿元", 400.0),
        ("gdp_growth", "%", 5.5),
        ("fixed_asset_investment", "亿元", 200.0),
        ("budget_revenue", "亿元", 20.0),
        ("urbanization_rate", "%", 60.0),
        ("energy_per_gdp", "吨标准煤/万元", 0.5),
        ("high_tech_enterprises", "count", 20.0),
        ("tech_smes", "count", 20.0),
        ("built_up_area", "km2", 50.0),
        ("investment_attracted", "亿元", 200.0),
        ("urban_income", "元", 40000.0),
        ("rural_income", "元", 20000.0),
    ];
    let mut seed: u64 = 20250101;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as f64 / (1u64 << 31) as f64
    };
    let mut long = String::from("entity,year,indicator,value,unit\n");
    let names: Vec<String> = std::iter::once("REF".to_string())
        .chain((1..=counties).map(|i| format!("C{i:04}")))
        .collect();
    for name in &names {
        for year in 2020..=2025 {
            for (indicator, unit, base) in indicators {
                let value = base * (0.9 + 0.2 * next());
                let _ = writeln!(long, "{name},{year},{indicator},{value:.2},{unit}");
            }
        }
    }
    let mut enterprises = String::from("entity,year,enterprise_id,revenue_yi\n");
    for i in 0..counties * 30 {
        let county = 1 + i % counties;
        let revenue = 120.0 * next() * next();
        let _ = writeln!(enterprises, "C{county:04},2025,E{i:08},{revenue:.2}");
    }
    (long, enterprises)
}

fn load(rules_dir: &str, files: &[(&str, &str)]) -> (Session, RuleSet, Submission, Vec<String>) {
    let mut session = Session::new();
    let rules = session
        .load_rules(&[root().join(rules_dir)])
        .expect("the rules check");
    let schema = rules.schema();
    let mut data = Submission::default();
    for (name, text) in files {
        read_bytes(
            name,
            text.as_bytes(),
            &schema,
            &mut session.sources,
            &mut data,
        );
    }
    let entities = session.entities(&Entities::All, &rules, &data);
    (session, rules, data, entities)
}

fn example(name: &str) -> Vec<(String, String)> {
    let dir = root().join("examples").join(name);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p: &PathBuf| p.extension().is_some_and(|e| e == "csv"));
    files.sort();
    files
        .into_iter()
        .filter_map(|p: PathBuf| {
            let name = Path::new(&p).display().to_string();
            Some((name, std::fs::read_to_string(&p).ok()?))
        })
        .collect()
}

fn evaluator(c: &mut Criterion) {
    let county = example("missed-2025");
    let files: Vec<(&str, &str)> = county
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let (session, rules, data, entities) = load("rules/jianwei", &files);
    c.bench_function("evaluate one county (jianwei, missed-2025)", |b| {
        b.iter(|| black_box(session.evaluate(&rules, &data, &entities)))
    });

    let (long, enterprises) = province(300);
    let files = [
        ("counties.csv", long.as_str()),
        ("enterprises.csv", enterprises.as_str()),
    ];
    let (session, rules, data, entities) = load("benches/province", &files);
    c.bench_function("evaluate 300 counties R1-R13 (findings)", |b| {
        b.iter(|| black_box(session.evaluate(&rules, &data, &entities)))
    });
    c.bench_function("evaluate 300 counties R1-R13 (verdicts)", |b| {
        b.iter(|| {
            black_box(eval::verdicts(
                &rules,
                &data,
                &session.sources,
                &entities,
                &|_| {},
            ))
        })
    });
    c.bench_function("read 300 counties and their enterprises", |b| {
        let schema = rules.schema();
        b.iter(|| {
            let mut sources = plancheck::source::Sources::new();
            let mut data = Submission::default();
            for (name, text) in files {
                black_box(read_bytes(
                    name,
                    text.as_bytes(),
                    &schema,
                    &mut sources,
                    &mut data,
                ));
            }
            data
        })
    });
}

criterion_group!(benches, evaluator);
criterion_main!(benches);
