//! Every fixture in `tests/fixtures/data/<case>/` (one file each) is read with a
//! small schema; the problems, rendered as a person sees them, and what was read
//! are snapshotted as plain text.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

use plancheck::data::{IndicatorSpec, Schema, Submission, TableSpec, Value, read_bytes};
use plancheck::source::{Sources, Span};
use plancheck::units::parse_unit;
use std::collections::BTreeMap;
use std::fmt::Write;

fn schema() -> Schema {
    let mut schema = Schema::default();
    for (name, unit) in [
        ("gdp", "亿元"),
        ("industrial_concentration", "%"),
        ("park_developed_area", "平方公里"),
        ("park_enterprises", "户"),
        ("major_grain_county", "bool"),
        ("energy_per_gdp", "吨标准煤/万元"),
    ] {
        let unit = parse_unit(unit).expect("a known unit");
        schema
            .indicators
            .insert(name.to_string(), IndicatorSpec { unit });
    }
    let columns = BTreeMap::from([
        ("name".to_string(), None),
        ("revenue".to_string(), parse_unit("亿元")),
    ]);
    schema
        .tables
        .insert("enterprises".to_string(), TableSpec { columns });
    schema
}

fn place(sources: &Sources, span: Span) -> String {
    let loc = sources.location(span);
    format!("{}:{}:{}", loc.file, loc.line, loc.column)
}

fn show(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        Value::Flag(b) => b.to_string(),
        Value::Text(t) => format!("{t:?}"),
        Value::Empty => "(empty)".to_string(),
    }
}

fn dump(sources: &Sources, submission: &Submission) -> String {
    let mut out = String::new();
    let observations = submission.observations();
    if !observations.is_empty() {
        out.push_str("observations:\n");
    }
    for (key, cell) in observations {
        let _ = writeln!(
            out,
            "  {} {} {} = {} @ {} {:?}",
            key.entity,
            key.year,
            key.indicator,
            show(&cell.value),
            place(sources, cell.span),
            sources.slice(cell.span)
        );
    }
    for (name, table) in &submission.tables {
        let _ = writeln!(out, "table {name}:");
        for record in &table.records {
            let _ = writeln!(
                out,
                "  {} {} @ {} {:?}",
                record.entity,
                record.year,
                place(sources, record.span),
                sources.slice(record.span)
            );
            for (column, cell) in &record.cells {
                let _ = writeln!(
                    out,
                    "    {column} = {} @ {} {:?}",
                    show(&cell.value),
                    place(sources, cell.span),
                    sources.slice(cell.span)
                );
            }
        }
    }
    out
}

#[test]
fn fixtures() {
    let schema = schema();
    insta::glob!("fixtures/data/*/*", |path: &std::path::Path| {
        let bytes = std::fs::read(path).expect("fixture is readable");
        let case = path
            .parent()
            .and_then(std::path::Path::file_name)
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = format!("{case}/{file}");
        let mut sources = Sources::new();
        let mut submission = Submission::default();
        let problems = read_bytes(&name, &bytes, &schema, &mut sources, &mut submission);
        let text = format!(
            "{}---\n{}",
            plancheck::report::human::render_problems(&problems, &sources, false),
            dump(&sources, &submission)
        );
        insta::assert_snapshot!(text);
    });
}
