//! Stage 5: findings and problems turned into what people and programs read.
//! Only this module knows about terminals, colours and output formats.

pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod supervisor;
pub mod supervisor_md;

use crate::check::RuleSet;
use crate::check::model::RuleDef;
use crate::diagnostic::Severity;
use crate::eval::{Finding, Outcome};
use crate::source::{Location, Sources, Span};
use crate::syntax::ast::Attribute;
use std::collections::BTreeMap;
use std::path::{Component, Path};

/// Counts of findings by outcome, in the contract's order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub missing: usize,
    pub on_track: usize,
    pub at_risk: usize,
}

impl Summary {
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            *s.slot(f.outcome) += 1;
        }
        s
    }

    fn slot(&mut self, outcome: Outcome) -> &mut usize {
        match outcome {
            Outcome::Pass => &mut self.pass,
            Outcome::Fail => &mut self.fail,
            Outcome::Missing => &mut self.missing,
            Outcome::OnTrack => &mut self.on_track,
            Outcome::AtRisk => &mut self.at_risk,
        }
    }

    pub fn count(&self, outcome: Outcome) -> usize {
        let mut copy = *self;
        *copy.slot(outcome)
    }
}

/// Summaries per entity, sorted by entity.
pub fn by_entity(findings: &[Finding]) -> BTreeMap<&str, Summary> {
    let mut out: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        out.entry(f.entity.as_str()).or_default().push(f);
    }
    out.into_iter()
        .map(|(e, fs)| (e, Summary::of(fs)))
        .collect()
}

/// What an outcome is called where people read it.
pub fn outcome_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "met",
        Outcome::Fail => "target missed",
        Outcome::Missing => "missing data",
        Outcome::OnTrack => "on track",
        Outcome::AtRisk => "at risk",
    }
}

/// One line per entity: how many findings of each outcome, and how many problems at each
/// severity (what `--fail-level` compares against).
pub fn summary_lines(findings: &[Finding]) -> String {
    // One pass, grouped by entity: a province has thousands of entities.
    let mut per_entity: BTreeMap<&str, (Summary, [usize; 3])> = BTreeMap::new();
    for f in findings {
        let (summary, levels) = per_entity.entry(f.entity.as_str()).or_default();
        *summary.slot(f.outcome) += 1;
        if f.outcome.is_problem() {
            let level = match f.severity {
                Severity::Note => &mut levels[0],
                Severity::Warning => &mut levels[1],
                Severity::Error => &mut levels[2],
            };
            *level += 1;
        }
    }
    let mut out = String::new();
    for (entity, (s, [notes, warnings, errors])) in per_entity {
        out.push_str(&format!(
            "{entity}: {} met, {} missed, {} missing, {} on track, {} at risk ({errors} at error level, {warnings} warning, {notes} note)\n",
            s.pass, s.fail, s.missing, s.on_track, s.at_risk
        ));
    }
    if findings.is_empty() {
        out.push_str("no findings: the rule set decided nothing for this data\n");
    }
    out
}

/// What a finding is called where people read it.
/// Quality rules report problems with the data, not missed targets.
pub fn finding_label(f: &Finding, rules: &RuleSet) -> &'static str {
    let quality = rules.rule(&f.rule).is_some_and(|r| r.quality);
    if quality && f.outcome == Outcome::Fail {
        "data problem"
    } else {
        outcome_label(f.outcome)
    }
}

pub fn attribute_zh(a: Attribute) -> &'static str {
    match a {
        Attribute::Binding => "约束性",
        Attribute::Expected => "预期性",
        Attribute::Strive => "力争",
    }
}

/// The plan's own words for a rule: `§7 “…”`, or the bare quote for a rule with no article.
pub fn citation(rule: &RuleDef) -> String {
    let article = rule.article.map(|a| format!("§{a} ")).unwrap_or_default();
    format!("{article}“{}”", rule.quote)
}

/// The citation with the rule's attribute and title: what a reader needs to know why it matters.
pub fn plan_note(rule: &RuleDef) -> String {
    let title = rule
        .title
        .as_ref()
        .map(|t| format!(" — {t}"))
        .unwrap_or_default();
    format!(
        "plan {} ({}, {}){title}",
        citation(rule),
        rule.attribute.as_str(),
        attribute_zh(rule.attribute)
    )
}

/// Whether entity names must be shown: only when the findings are not all about the plan's own.
pub fn many_entities(findings: &[Finding], rules: &RuleSet) -> bool {
    findings.iter().any(|f| f.entity != rules.plan.entity)
}

/// One line that says what a finding is: `[entity ]label[ [bound]]: message`.
pub fn headline(f: &Finding, rules: &RuleSet, many_entities: bool) -> String {
    let who = if many_entities {
        format!("{} ", f.entity)
    } else {
        String::new()
    };
    let bound = f
        .bound
        .as_ref()
        .map(|b| format!(" [{b}]"))
        .unwrap_or_default();
    format!("{who}{}{bound}: {}", finding_label(f, rules), f.message)
}

/// What the value a finding points at was: `86.1% in 2025`, or `reported empty`.
pub fn data_label(f: &Finding) -> String {
    match (&f.actual, f.outcome) {
        (_, Outcome::Missing) => "reported empty".to_string(),
        (Some(actual), _) => format!("{} in {}", with_unit(actual, &f.unit), f.year),
        (None, _) => format!("{}", f.year),
    }
}

/// What the check asks: `target: >= 85%`.
pub fn check_label(f: &Finding) -> String {
    match &f.expected {
        Some(expected) => format!("target: {}", with_unit(expected, &f.unit)),
        None => "this check".to_string(),
    }
}

/// A value from `actual` or `expected` with the finding's unit: `86.1%`, `>= 85%`.
pub use crate::units::with_unit;

/// Where a finding is, for machines: first the value that decided it (or the rule, when no
/// value did), then the rule's check when that is a second place.
pub fn places(f: &Finding) -> (Span, Option<Span>) {
    match f.data {
        Some(data) => (data, Some(f.rule_span)),
        None => (f.rule_span, None),
    }
}

/// A span's start and end as one-based lines and columns (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub file: String,
    pub start: Location,
    pub end: Location,
}

/// The region of a span, its file named relative to `base` as CI systems want it.
pub fn region(sources: &Sources, span: Span, base: &Path) -> Region {
    let start = sources.location(span);
    let end = sources.location(Span {
        start: span.end,
        ..span
    });
    Region {
        file: relative_path(&start.file, base),
        start,
        end,
    }
}

/// A file name as given on the command line, made relative to `base` when it lies inside it,
/// with `/` between components and no `./`: CI systems match annotations to files in the
/// repository by this path, and a path that differs only in spelling would not match.
pub fn relative_path(name: &str, base: &Path) -> String {
    let path = Path::new(name);
    let inside = if path.is_absolute() && !base.as_os_str().is_empty() {
        path.strip_prefix(base).unwrap_or(path)
    } else {
        path
    };
    let mut out = String::new();
    for component in inside.components() {
        let part = match component {
            Component::CurDir => continue,
            Component::Prefix(p) => p.as_os_str().to_string_lossy(),
            Component::RootDir => {
                out.push('/');
                continue;
            }
            Component::ParentDir => "..".into(),
            Component::Normal(s) => s.to_string_lossy(),
        };
        if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(&part);
    }
    if out.is_empty() {
        name.to_string()
    } else {
        out
    }
}

/// Findings ordered for a reader who starts at the top: errors first, then warnings, then
/// notes, each in the (rule, entity, year) order they came in.
pub fn by_severity<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<&'a Finding> {
    let mut out: Vec<&Finding> = findings.into_iter().collect();
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

#[cfg(test)]
mod tests {
    use super::relative_path;
    use std::path::Path;

    #[test]
    fn paths_are_relative_with_forward_slashes() {
        let base = Path::new("/work/repo");
        assert_eq!(relative_path("./data/2025.csv", base), "data/2025.csv");
        assert_eq!(
            relative_path("/work/repo/数据 目录/a b.csv", base),
            "数据 目录/a b.csv"
        );
        assert_eq!(relative_path("/elsewhere/a.csv", base), "/elsewhere/a.csv");
        assert_eq!(relative_path("../up/a.csv", base), "../up/a.csv");
        assert_eq!(relative_path("a.csv", Path::new("")), "a.csv");
        assert_eq!(relative_path("/abs/a.csv", Path::new("")), "/abs/a.csv");
    }
}
