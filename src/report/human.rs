//! `--format human`: compiler-style diagnostics with codespan-reporting.

use super::{check_label, data_label, headline, many_entities, plan_note, summary_lines};
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
        fold_long_lines(&files, &mut d);
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

/// Lines longer than this are not printed: a 10 MB line would bury the message.
const MAX_SHOWN_LINE: usize = 1000;

/// Replaces each label on an over-long line by a note that says where it points.
fn fold_long_lines<'f, F>(files: &'f F, d: &mut Diagnostic<FileId>)
where
    F: codespan_reporting::files::Files<'f, FileId = FileId>,
{
    let too_long = |file: FileId, at: usize| {
        let line = files.line_index(file, at).ok()?;
        let range = files.line_range(file, line).ok()?;
        (range.len() > MAX_SHOWN_LINE)
            .then(|| files.location(file, at).ok())
            .flatten()
    };
    let mut notes = Vec::new();
    d.labels
        .retain(|label| match too_long(label.file_id, label.range.start) {
            Some(location) => {
                let name = files
                    .name(label.file_id)
                    .map(|n| n.to_string())
                    .unwrap_or_default();
                notes.push(format!(
                    "at {name}:{}:{}: {} (the line is too long to show)",
                    location.line_number, location.column_number, label.message
                ));
                false
            }
            None => true,
        });
    d.notes.splice(0..0, notes);
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
        labels.push(Label::primary(span.file, span.range()).with_message(data_label(f)));
    }
    labels.push(if f.data.is_some() {
        Label::secondary(f.rule_span.file, f.rule_span.range()).with_message(check_label(f))
    } else {
        Label::primary(f.rule_span.file, f.rule_span.range()).with_message(check_label(f))
    });
    let mut notes = Vec::new();
    if let Some(rule) = rules.rule(&f.rule) {
        notes.push(plan_note(rule));
    }
    if let Some(help) = &f.help {
        notes.push(format!("help: {help}"));
    }
    Diagnostic::new(shown_severity)
        .with_code(&f.rule)
        .with_message(headline(f, rules, many_entities))
        .with_labels(labels)
        .with_notes(notes)
}

pub fn render_findings(
    findings: &[Finding],
    rules: &RuleSet,
    sources: &Sources,
    options: Options,
) -> String {
    let many = many_entities(findings, rules);
    let diagnostics: Vec<_> = findings
        .iter()
        .filter(|f| options.show_passes || f.outcome != Outcome::Pass)
        .map(|f| finding_diagnostic(f, rules, many))
        .collect();
    let mut out = emit(sources, &diagnostics, options.color);
    out.push_str(&summary_lines(findings));
    out
}
