//! `--format human`: compiler-style diagnostics with codespan-reporting.

use super::{Summary, by_entity, outcome_label};
use crate::check::RuleSet;
use crate::diagnostic::{Problem, Severity};
use crate::eval::{Finding, Outcome};
use crate::source::{FileId, Sources};
use codespan_reporting::diagnostic::{Diagnostic, Label, Severity as CsSeverity};
use codespan_reporting::term::{self, Config, termcolor::Buffer};

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub color: bool,
    /// Show passes (and on-track findings) too, not only what needs attention.
    pub show_passes: bool,
}

fn severity(s: Severity) -> CsSeverity {
    match s {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Note => CsSeverity::Note,
    }
}

fn emit(sources: &Sources, diagnostics: &[Diagnostic<FileId>], color: bool) -> String {
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    let config = Config::default();
    for d in diagnostics {
        // A file left on disk is shown through the few lines the labels touch.
        let mut d = d.clone();
        let mut labels: Vec<_> = d
            .labels
            .iter_mut()
            .map(|l| (l.file_id, &mut l.range))
            .collect();
        let files = sources.excerpts(&mut labels);
        // A span outside its file would be a bug upstream; show the rest rather than nothing.
        if term::emit_to_write_style(&mut buffer, &config, &files, &d).is_err() {
            let plain = Diagnostic {
                labels: Vec::new(),
                ..d.clone()
            };
            let _ = term::emit_to_write_style(&mut buffer, &config, &files, &plain);
        }
    }
    String::from_utf8_lossy(buffer.as_slice()).into_owned()
}

pub fn problem_diagnostic(p: &Problem) -> Diagnostic<FileId> {
    let mut labels = Vec::new();
    if let Some(primary) = &p.primary {
        labels.push(
            Label::primary(primary.span.file, primary.span.range()).with_message(&primary.message),
        );
    }
    for secondary in &p.secondary {
        labels.push(
            Label::secondary(secondary.span.file, secondary.span.range())
                .with_message(&secondary.message),
        );
    }
    let mut notes = p.notes.clone();
    if let Some(help) = &p.help {
        notes.push(format!("help: {help}"));
    }
    Diagnostic::new(severity(p.severity))
        .with_code(p.code)
        .with_message(&p.message)
        .with_labels(labels)
        .with_notes(notes)
}

/// Problems with the rules or the data, each with its place.
pub fn render_problems(problems: &[Problem], sources: &Sources, color: bool) -> String {
    let diagnostics: Vec<_> = problems.iter().map(problem_diagnostic).collect();
    emit(sources, &diagnostics, color)
}

pub fn finding_diagnostic(f: &Finding, rules: &RuleSet, many_entities: bool) -> Diagnostic<FileId> {
    let shown_severity = match f.outcome {
        Outcome::Pass | Outcome::OnTrack => CsSeverity::Note,
        _ => severity(f.severity),
    };
    let mut labels = Vec::new();
    if let Some(span) = f.data {
        let text = match (&f.actual, f.outcome) {
            (_, Outcome::Missing) => "reported empty".to_string(),
            (Some(actual), _) => format!("{actual}{} in {}", f.unit, f.year),
            (None, _) => format!("{}", f.year),
        };
        labels.push(Label::primary(span.file, span.range()).with_message(text));
    }
    let check_label = match &f.expected {
        Some(expected) if f.unit.is_empty() => format!("target: {expected}"),
        Some(expected) => format!("target: {expected}{}", f.unit),
        None => "this check".to_string(),
    };
    labels.push(if f.data.is_some() {
        Label::secondary(f.rule_span.file, f.rule_span.range()).with_message(check_label)
    } else {
        Label::primary(f.rule_span.file, f.rule_span.range()).with_message(check_label)
    });
    let mut notes = Vec::new();
    if let Some(rule) = rules.rule(&f.rule) {
        let article = rule.article.map(|a| format!("§{a} ")).unwrap_or_default();
        let title = rule
            .title
            .as_ref()
            .map(|t| format!(" — {t}"))
            .unwrap_or_default();
        notes.push(format!(
            "plan {article}“{}” ({}, {}){title}",
            rule.quote,
            rule.attribute.as_str(),
            attribute_zh(rule.attribute)
        ));
    }
    if let Some(help) = &f.help {
        notes.push(format!("help: {help}"));
    }
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
    Diagnostic::new(shown_severity)
        .with_code(&f.rule)
        .with_message(format!("{who}{}{bound}: {}", label(f, rules), f.message))
        .with_labels(labels)
        .with_notes(notes)
}

/// Quality rules report problems with the data, not missed targets.
fn label(f: &Finding, rules: &RuleSet) -> &'static str {
    let quality = rules.rule(&f.rule).is_some_and(|r| r.quality);
    if quality && f.outcome == Outcome::Fail {
        "data problem"
    } else {
        outcome_label(f.outcome)
    }
}

fn attribute_zh(a: crate::syntax::ast::Attribute) -> &'static str {
    match a {
        crate::syntax::ast::Attribute::Binding => "约束性",
        crate::syntax::ast::Attribute::Expected => "预期性",
        crate::syntax::ast::Attribute::Strive => "力争",
    }
}

pub fn render_findings(
    findings: &[Finding],
    rules: &RuleSet,
    sources: &Sources,
    options: Options,
) -> String {
    let many = findings.iter().any(|f| f.entity != rules.plan.entity);
    let diagnostics: Vec<_> = findings
        .iter()
        .filter(|f| options.show_passes || f.outcome != Outcome::Pass)
        .map(|f| finding_diagnostic(f, rules, many))
        .collect();
    let mut out = emit(sources, &diagnostics, options.color);
    // Grouped once: a province has thousands of entities.
    let mut of_entity: std::collections::BTreeMap<&str, Vec<&Finding>> = Default::default();
    for f in findings {
        of_entity.entry(f.entity.as_str()).or_default().push(f);
    }
    for (entity, summary) in by_entity(findings) {
        let own = of_entity.get(entity).map_or(&[][..], Vec::as_slice);
        out.push_str(&summary_line(entity, &summary, own.iter().copied()));
    }
    if findings.is_empty() {
        out.push_str("no findings: the rule set decided nothing for this data\n");
    }
    out
}

fn summary_line<'a>(
    entity: &str,
    s: &Summary,
    findings: impl Iterator<Item = &'a Finding>,
) -> String {
    let (mut notes, mut warnings, mut errors) = (0, 0, 0);
    for f in findings.filter(|f| f.outcome.is_problem()) {
        match f.severity {
            Severity::Note => notes += 1,
            Severity::Warning => warnings += 1,
            Severity::Error => errors += 1,
        }
    }
    format!(
        "{entity}: {} met, {} missed, {} missing, {} on track, {} at risk ({errors} at error level, {warnings} warning, {notes} note)\n",
        s.pass, s.fail, s.missing, s.on_track, s.at_risk
    )
}
