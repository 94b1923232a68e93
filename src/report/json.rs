//! `--format json`: the contract of interfaces.md §3, plus a few extra fields.

use super::{Summary, by_entity};
use crate::eval::{Finding, Outcome};
use crate::source::{Location, Sources};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct Document<'a> {
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
    /// The summary of each entity checked, by name.
    entities: BTreeMap<&'a str, Summary>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    entity: &'a str,
    year: i32,
    outcome: Outcome,
    severity: &'static str,
    attribute: &'static str,
    article: Option<String>,
    indicator: Option<&'a str>,
    actual: Option<&'a str>,
    expected: Option<&'a str>,
    message: &'a str,
    location: Option<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    progress: Option<JsonProgress>,
}

/// Decimals as strings, like `actual` and `expected`, so no reader parses them as floats.
#[derive(Serialize)]
struct JsonProgress {
    base_year: i32,
    base: String,
    target: String,
    deadline: i32,
    path: String,
    off_path: String,
    needed_per_year: Option<String>,
    needed_growth_percent: Option<String>,
    years_reported: Option<i32>,
    years_total: Option<i32>,
}

pub fn render(findings: &[Finding], sources: &Sources) -> String {
    let document = Document {
        findings: findings
            .iter()
            .map(|f| JsonFinding {
                rule: &f.rule,
                entity: &f.entity,
                year: f.year,
                outcome: f.outcome,
                severity: f.severity.as_str(),
                attribute: f.attribute.as_str(),
                article: f.article.map(|a| a.to_string()),
                indicator: f.bound.as_deref().or(f.indicator.as_deref()),
                actual: f.actual.as_deref(),
                expected: f.expected.as_deref(),
                message: &f.message,
                location: f.data.map(|span| sources.location(span)),
                help: f.help.as_deref(),
                progress: f.progress.as_ref().map(|p| JsonProgress {
                    base_year: p.base_year,
                    base: p.base.to_string(),
                    target: p.target.to_string(),
                    deadline: p.deadline,
                    path: p.path.to_string(),
                    off_path: p.off_path.to_string(),
                    needed_per_year: p.needed_per_year.map(|d| d.to_string()),
                    needed_growth_percent: p.needed_growth.map(|d| d.to_string()),
                    years_reported: p.share.map(|s| s.0),
                    years_total: p.share.map(|s| s.1),
                }),
            })
            .collect(),
        summary: Summary::of(findings),
        entities: by_entity(findings),
    };
    // Serialising plain structs of strings and integers cannot fail.
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
