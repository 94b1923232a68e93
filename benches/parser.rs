//! The rule language's front end: parsing, and parsing plus checking, of the real rule sets.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use plancheck::session::Session;
use plancheck::syntax;
use std::hint::black_box;
use std::path::Path;

fn rule_texts(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p: &std::path::PathBuf| p.extension().is_some_and(|e| e == "pcl"));
    files.sort();
    files
        .into_iter()
        .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(&p).ok()?)))
        .collect()
}

fn parser(c: &mut Criterion) {
    for dir in ["rules/jianwei", "benches/province"] {
        let texts = rule_texts(dir);
        c.bench_function(&format!("parse {dir}"), |b| {
            b.iter(|| {
                for (i, (_, text)) in texts.iter().enumerate() {
                    black_box(syntax::parse(i, black_box(text)));
                }
            })
        });
        c.bench_function(&format!("parse and check {dir}"), |b| {
            b.iter(|| {
                let mut session = Session::new();
                black_box(session.check_rule_texts(texts.clone()))
            })
        });
    }
}

criterion_group!(benches, parser);
criterion_main!(benches);
