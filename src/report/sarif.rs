//! `--format sarif`: SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure DevOps).
//!
//! One run. `tool.driver.rules` lists every rule of the rule set, so a dashboard can show a
//! rule that nothing violated; `results` holds one result per finding that needs attention
//! (fail, missing, at risk). Passes and on-track findings are not problems and are left out:
//! a code-scanning alert that says "met" would be noise that people learn to ignore.

use super::{Region, check_label, data_label, headline, many_entities, places, plan_note, region};
use crate::check::RuleSet;
use crate::check::model::RuleDef;
use crate::eval::{Finding, Outcome};
use crate::source::Sources;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The key of the fingerprint that names a finding by what it is about, not where it is:
/// an alert then follows its target when rows are added above its line.
const FINGERPRINT: &str = "plancheckFinding/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    /// Our columns count characters, not the UTF-16 code units SARIF assumes by default;
    /// they differ only beyond the Basic Multilingual Plane, but then they do.
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    semantic_version: &'static str,
    rules: Vec<Descriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor<'a> {
    id: &'a str,
    short_description: Text,
    full_description: Text,
    default_configuration: Configuration,
    help: Text,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    /// A string, as in `--format json`.
    #[serde(skip_serializing_if = "Option::is_none")]
    article: Option<String>,
    attribute: &'static str,
    quote: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: [SarifLocation; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u32>,
    physical_location: PhysicalLocation,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<SarifRegion>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    entity: &'a str,
    year: i32,
    outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    indicator: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    actual: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<&'a str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    unit: &'a str,
}

/// The SARIF log for these findings; file URIs are relative to `base` (the working directory).
pub fn render(findings: &[Finding], rules: &RuleSet, sources: &Sources, base: &Path) -> String {
    let many = many_entities(findings, rules);
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "plancheck",
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: rules.rules.iter().map(|r| descriptor(r, sources)).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results: findings
                .iter()
                .filter(|f| f.outcome.is_problem())
                .map(|f| result(f, rules, sources, base, many))
                .collect(),
        }],
    };
    // Serialising plain structs of strings and integers cannot fail.
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

fn descriptor<'a>(rule: &'a RuleDef, sources: &Sources) -> Descriptor<'a> {
    let kind = if rule.quality {
        "data-quality"
    } else {
        "plan-target"
    };
    Descriptor {
        id: &rule.id,
        short_description: Text {
            text: rule.quote.clone(),
        },
        full_description: Text {
            text: plan_note(rule),
        },
        default_configuration: Configuration {
            level: rule.severity.as_str(),
        },
        help: Text {
            text: format!("the rule's check: `{}`", sources.slice(rule.span)),
        },
        properties: RuleProperties {
            article: rule.article.map(|a| a.to_string()),
            attribute: rule.attribute.as_str(),
            quote: &rule.quote,
            title: rule.title.as_deref(),
            tags: vec![kind, rule.attribute.as_str()],
        },
    }
}

fn result<'a>(
    f: &'a Finding,
    rules: &'a RuleSet,
    sources: &Sources,
    base: &Path,
    many: bool,
) -> SarifResult<'a> {
    let rule = rules.rule(&f.rule);
    let mut text = headline(f, rules, many);
    if let Some(rule) = rule {
        text.push('\n');
        text.push_str(&plan_note(rule));
    }
    if let Some(help) = &f.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let (primary, related) = places(f);
    let primary_message = if f.data.is_some() {
        data_label(f)
    } else {
        check_label(f)
    };
    let bound = f
        .bound
        .as_deref()
        .map(|b| format!("/{b}"))
        .unwrap_or_default();
    SarifResult {
        rule_id: &f.rule,
        rule_index: rules.rules.iter().position(|r| r.id == f.rule),
        level: f.severity.as_str(),
        message: Text { text },
        locations: [location(
            None,
            region(sources, primary, base),
            primary_message,
        )],
        related_locations: related
            .map(|span| location(Some(1), region(sources, span, base), check_label(f)))
            .into_iter()
            .collect(),
        partial_fingerprints: BTreeMap::from([(
            FINGERPRINT,
            format!("{}/{}/{}{bound}", f.rule, f.entity, f.year),
        )]),
        properties: ResultProperties {
            entity: &f.entity,
            year: f.year,
            outcome: f.outcome,
            indicator: f.bound.as_deref().or(f.indicator.as_deref()),
            actual: f.actual.as_deref(),
            expected: f.expected.as_deref(),
            unit: &f.unit,
        },
    }
}

fn location(id: Option<u32>, at: Region, message: String) -> SarifLocation {
    // A line of 0 means the span lay outside its file (a bug upstream): name the file alone.
    let region = (at.start.line > 0 && at.end.line > 0).then_some(SarifRegion {
        start_line: at.start.line,
        start_column: at.start.column,
        end_line: at.end.line,
        end_column: at.end.column,
    });
    let absolute = Path::new(&at.file).is_absolute() || at.file.starts_with('/');
    SarifLocation {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri(&at.file, absolute),
                // The conventional name for the checkout's root, which code-scanning services
                // resolve; a relative URI is relative to it.
                uri_base_id: (!absolute).then_some("%SRCROOT%"),
            },
            region,
        },
        message: Text { text: message },
    }
}

/// A path as a URI reference (RFC 3986): every byte outside the characters a path segment may
/// hold is percent-encoded, so spaces and Chinese names survive. An absolute path becomes a
/// `file:` URI. A `:` is encoded in a relative path, where it would read as a scheme.
pub fn uri(path: &str, absolute: bool) -> String {
    let mut out = String::new();
    if absolute {
        out.push_str("file://");
        if !path.starts_with('/') {
            out.push('/');
        }
    }
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=@/".contains(&byte)
            || (byte == b':' && absolute);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            uri("tests/fixtures/ci/数据 目录/submission 2025.csv", false),
            "tests/fixtures/ci/%E6%95%B0%E6%8D%AE%20%E7%9B%AE%E5%BD%95/submission%202025.csv"
        );
        assert_eq!(uri("a:b%#?.csv", false), "a%3Ab%25%23%3F.csv");
        assert_eq!(uri("/srv/data/a b.csv", true), "file:///srv/data/a%20b.csv");
        assert_eq!(uri("C:/data/a.csv", true), "file:///C:/data/a.csv");
    }
}
