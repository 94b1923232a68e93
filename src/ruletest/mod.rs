//! Rule tests: small submissions written next to a rule set (`RULES/tests/*.pct`)
//! with the outcome each named rule must give for them. They pin down what a rule
//! means at its boundaries (exactly 85%, exactly 1000亿元, values in 万元) so that a
//! later edit cannot change it unnoticed.

mod parse;

pub use parse::{Case, Expectation, Section, TestFile};

use crate::check::RuleSet;
use crate::data::Submission;
use crate::diagnostic::{Problem, Severity, did_you_mean};
use crate::eval::{Finding, Outcome};
use crate::report::human::render_problems;
use crate::session::Session;
use std::path::Path;

/// The file extension of rule-test files.
pub const TEST_EXTENSION: &str = "pct";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub rules: usize,
    pub files: Vec<String>,
    pub results: Vec<CaseResult>,
    /// Rules that no case expects anything of, sorted.
    pub untested: Vec<String>,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.failures.is_empty())
            .count()
    }

    pub fn failed(&self) -> usize {
        self.results.len() - self.passed()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    pub name: String,
    /// `file:line` of the `case` line.
    pub location: String,
    /// Why the case failed, one line each; empty when it passed.
    pub failures: Vec<String>,
}

/// Runs the tests of the rule set in `dir`. `None` when the rules or the tests
/// cannot be read; the reasons are in `session.problems`.
pub fn run(session: &mut Session, dir: &Path) -> Option<Report> {
    let rules = session.load_rules(&[dir.to_path_buf()])?;
    let mut files = Vec::new();
    for path in session.files_under(&dir.join("tests"), TEST_EXTENSION) {
        let shown = path.display().to_string();
        let Some(text) = session.read_utf8(&path, "rule-test file") else {
            continue;
        };
        let id = session.sources.add(shown.clone(), text);
        let (file, problems) = parse::parse(id, session.sources.text(id));
        session.problems.extend(problems);
        for case in &file.cases {
            for e in &case.expectations {
                if let Some(problem) = unknown_names(&rules, e) {
                    session.problems.push(problem);
                }
            }
        }
        files.push((shown, file));
    }
    if session.has_errors() {
        return None;
    }
    let mut results = Vec::new();
    let mut tested = std::collections::BTreeSet::new();
    for (shown, file) in &files {
        for case in &file.cases {
            tested.extend(case.expectations.iter().map(|e| e.rule.clone()));
            let line = session.sources.location(case.span).line;
            let failures = run_case(session, &rules, &format!("{shown}:{line}"), case);
            results.push(CaseResult {
                name: case.name.clone(),
                location: format!("{shown}:{line}"),
                failures,
            });
        }
    }
    Some(Report {
        rules: rules.rules.len(),
        files: files.into_iter().map(|(name, _)| name).collect(),
        results,
        untested: rules
            .rules
            .iter()
            .map(|r| r.id.clone())
            .filter(|id| !tested.contains(id))
            .collect(),
    })
}

fn unknown_names(rules: &RuleSet, e: &Expectation) -> Option<Problem> {
    let Some(rule) = rules.rule(&e.rule) else {
        let mut p = Problem::error(
            "rule-test",
            format!("no rule `{}` in this rule set", e.rule),
        )
        .at(e.rule_span, "unknown rule");
        if let Some(close) = did_you_mean(&e.rule, rules.rules.iter().map(|r| r.id.as_str())) {
            p = p.help(format!("did you mean `{close}`?"));
        }
        return Some(p);
    };
    if let (Some(indicator), Some(span)) = (&e.indicator, e.indicator_span) {
        let bound: Vec<&str> = rule
            .instances
            .iter()
            .filter_map(|i| i.bound.as_deref())
            .collect();
        if !bound.contains(&indicator.as_str()) {
            let mut p = Problem::error(
                "rule-test",
                format!("rule `{}` does not run over `{indicator}`", e.rule),
            )
            .at(span, "not in the rule's `each x in [...]` list");
            if let Some(close) = did_you_mean(indicator, bound.iter().copied()) {
                p = p.help(format!("did you mean `{close}`?"));
            }
            return Some(p);
        }
    }
    if rule.quality && !matches!(e.outcome, Outcome::Pass | Outcome::Fail) {
        return Some(
            Problem::error(
                "rule-test",
                format!(
                    "quality rule `{}` reports only failures, so it cannot be `{}`",
                    e.rule,
                    e.outcome.as_str()
                ),
            )
            .at(e.span, "expect `pass` (no failure) or `fail`"),
        );
    }
    None
}

/// The case's data, evaluated; what did not go as expected, in words.
fn run_case(session: &mut Session, rules: &RuleSet, location: &str, case: &Case) -> Vec<String> {
    let schema = rules.schema();
    let mut data = Submission::default();
    let mut problems = Vec::new();
    for section in &case.sections {
        let (name, text) = match section {
            Section::Long(rows) => (
                format!("{location}/data.csv"),
                format!("entity,year,indicator,value,unit\n{}\n", rows.join("\n")),
            ),
            Section::Table { name, lines } => (
                format!("{location}/{name}.csv"),
                format!("{}\n", lines.join("\n")),
            ),
        };
        problems.extend(crate::data::read_bytes(
            &name,
            text.as_bytes(),
            &schema,
            &mut session.sources,
            &mut data,
        ));
    }
    // Test data should be exactly what its author meant: a misspelt indicator is a broken test.
    problems.retain(|p| p.severity >= Severity::Warning);
    if !problems.is_empty() {
        return vec![format!(
            "the case's data cannot be read as written:\n{}",
            render_problems(&problems, &session.sources, false).trim_end()
        )];
    }
    let entities = [rules.plan.entity.clone()];
    let findings = session.evaluate(rules, &data, &entities);
    case.expectations
        .iter()
        .filter_map(|e| unmet(rules, &findings, e))
        .collect()
}

fn unmet(rules: &RuleSet, findings: &[Finding], e: &Expectation) -> Option<String> {
    let matching: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == e.rule)
        .filter(|f| e.year.is_none_or(|y| f.year == y))
        .filter(|f| e.indicator.is_none() || f.bound == e.indicator)
        .collect();
    let what = format!(
        "`{}`{}{}",
        e.rule,
        e.year.map(|y| format!(" {y}")).unwrap_or_default(),
        e.indicator
            .as_ref()
            .map(|i| format!(" [{i}]"))
            .unwrap_or_default()
    );
    let quality = rules.rule(&e.rule).is_some_and(|r| r.quality);
    if quality && e.outcome == Outcome::Pass {
        // A quality rule is silent where the data is fine.
        return matching.first().map(|f| {
            format!(
                "{what}: expected pass, got fail in {}{} — {}",
                f.year,
                bound_of(f),
                f.message
            )
        });
    }
    if matching.is_empty() {
        return Some(format!(
            "{what}: expected {}, but the rule gave no finding{}",
            e.outcome.as_str(),
            if e.year.is_some() {
                " for that year"
            } else {
                ""
            }
        ));
    }
    let wrong: Vec<String> = matching
        .iter()
        .filter(|f| f.outcome != e.outcome)
        .map(|f| {
            format!(
                "{what}: expected {}, got {} in {}{} — {}",
                e.outcome.as_str(),
                f.outcome.as_str(),
                f.year,
                bound_of(f),
                f.message
            )
        })
        .collect();
    (!wrong.is_empty()).then(|| wrong.join("\n"))
}

fn bound_of(f: &Finding) -> String {
    f.bound
        .as_ref()
        .map(|b| format!(" [{b}]"))
        .unwrap_or_default()
}

/// What a person reads: a line per case, failures under their case, then the counts.
pub fn render(dir: &Path, report: &Report) -> String {
    let mut out = format!(
        "{}: {} cases in {} file{} for {} rules\n",
        dir.display(),
        report.results.len(),
        report.files.len(),
        if report.files.len() == 1 { "" } else { "s" },
        report.rules
    );
    for result in &report.results {
        if result.failures.is_empty() {
            out.push_str(&format!("ok    {}\n", result.name));
        } else {
            out.push_str(&format!("FAIL  {}  ({})\n", result.name, result.location));
            for failure in &result.failures {
                for line in failure.lines() {
                    out.push_str(&format!("      {line}\n"));
                }
            }
        }
    }
    if !report.untested.is_empty() {
        out.push_str(&format!(
            "note: {} rule{} no test: {}\n",
            report.untested.len(),
            if report.untested.len() == 1 {
                " has"
            } else {
                "s have"
            },
            report.untested.join(", ")
        ));
    }
    out.push_str(&format!(
        "{} passed, {} failed\n",
        report.passed(),
        report.failed()
    ));
    out
}
