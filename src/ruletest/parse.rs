//! Reading a rule-test file (`.pct`). One directive a line:
//!
//! ```text
//! # comment
//! case exactly 85% meets 以上
//! data
//! 犍为县,2025,industrial_concentration,85,%
//! table enterprises
//! entity,year,name,revenue(万元)
//! 犍为县,2025,甲,1000000
//! expect industrial-concentration-2025 pass
//! expect dq-share-range 2025 urbanization_rate fail
//! ```
//!
//! `data` rows are the long CSV format without its header; a `table` section is a
//! record table, its first line the header. Every error is reported with its line.

use crate::diagnostic::{Problem, did_you_mean};
use crate::eval::Outcome;
use crate::source::{FileId, Span};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestFile {
    pub cases: Vec<Case>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub name: String,
    /// The `case` line.
    pub span: Span,
    pub sections: Vec<Section>,
    pub expectations: Vec<Expectation>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Section {
    /// Rows of the long format, one per line, without the header.
    Long(Vec<String>),
    /// A record table: its name, then its header and rows.
    Table { name: String, lines: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    pub rule: String,
    pub year: Option<i32>,
    /// The indicator bound by an `each x in [...]` rule.
    pub indicator: Option<String>,
    pub outcome: Outcome,
    /// The `expect` line, and the rule id and indicator within it.
    pub span: Span,
    pub rule_span: Span,
    pub indicator_span: Option<Span>,
}

const DIRECTIVES: [&str; 4] = ["case", "data", "table", "expect"];

fn error(message: impl Into<String>, span: Span, label: &str) -> Problem {
    Problem::error("rule-test", message)
        .at(span, label)
        .help("a case is `case NAME`, then `data` rows or a `table NAME`, then `expect RULE [YEAR] [INDICATOR] OUTCOME` lines")
}

pub fn parse(file: FileId, text: &str) -> (TestFile, Vec<Problem>) {
    let mut cases: Vec<Case> = Vec::new();
    let mut problems = Vec::new();
    // Cases with an `expect` line that did not read: already reported, not "expects nothing".
    let mut badly_expected = Vec::new();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let span = Span::new(file, start + indent..start + indent + trimmed.len());
        let (word, rest) = match trimmed.split_once(char::is_whitespace) {
            Some((w, r)) => (w, r.trim()),
            None => (trimmed, ""),
        };
        let rest_start = span.start + (trimmed.len() - rest.len());
        if word == "case" {
            if rest.is_empty() {
                problems.push(error("a case needs a name", span, "`case` alone"));
            }
            cases.push(Case {
                name: rest.to_string(),
                span,
                sections: Vec::new(),
                expectations: Vec::new(),
            });
            continue;
        }
        let Some(case) = cases.last_mut() else {
            problems.push(error(
                "expected `case NAME` to start a case",
                span,
                "outside any case",
            ));
            continue;
        };
        match word {
            "data" if rest.is_empty() => case.sections.push(Section::Long(Vec::new())),
            "table" if !rest.is_empty() && !rest.contains(char::is_whitespace) => {
                case.sections.push(Section::Table {
                    name: rest.to_string(),
                    lines: Vec::new(),
                })
            }
            "data" | "table" => problems.push(error(
                format!(
                    "`{word}` takes {}",
                    if word == "data" {
                        "nothing after it; its rows follow on the next lines"
                    } else {
                        "one table name, as in `table enterprises`"
                    }
                ),
                span,
                "here",
            )),
            "expect" => match expectation(file, rest, rest_start, span) {
                Ok(e) => case.expectations.push(e),
                Err(p) => {
                    problems.push(*p);
                    badly_expected.push(case.span);
                }
            },
            _ => match case.sections.last_mut() {
                Some(Section::Long(rows)) => rows.push(trimmed.to_string()),
                Some(Section::Table { lines, .. }) => lines.push(trimmed.to_string()),
                None => {
                    let mut p = error(
                        "a data row outside a `data` or `table` section",
                        span,
                        "which section is this in?",
                    );
                    if let Some(close) = did_you_mean(word, DIRECTIVES) {
                        p = p.help(format!("did you mean `{close}`?"));
                    }
                    problems.push(p);
                }
            },
        }
    }
    for case in &cases {
        if case.expectations.is_empty() && !badly_expected.contains(&case.span) {
            problems.push(error(
                format!("case `{}` expects nothing", case.name),
                case.span,
                "no `expect` line",
            ));
        }
        for section in &case.sections {
            if let Section::Table { name, lines } = section
                && lines.is_empty()
            {
                problems.push(error(
                    format!("table `{name}` has no header line"),
                    case.span,
                    "in this case",
                ));
            }
        }
    }
    (TestFile { cases }, problems)
}

/// `RULE [YEAR] [INDICATOR] OUTCOME`, from `text` starting at byte `at` of the file.
fn expectation(
    file: FileId,
    text: &str,
    at: usize,
    line: Span,
) -> Result<Expectation, Box<Problem>> {
    let words: Vec<(usize, &str)> = words(text)
        .into_iter()
        .map(|(start, w)| (at + start, w))
        .collect();
    let word_span = |(start, w): (usize, &str)| Span::new(file, start..start + w.len());
    let (Some(&first), Some(&last)) = (words.first(), words.last()) else {
        return Err(Box::new(error(
            "`expect` needs a rule and an outcome",
            line,
            "here",
        )));
    };
    if words.len() < 2 {
        return Err(Box::new(error(
            "`expect` needs a rule and an outcome, as in `expect gdp-2025 pass`",
            line,
            "here",
        )));
    }
    let Some(outcome) = Outcome::ALL.into_iter().find(|o| o.as_str() == last.1) else {
        let mut p = Problem::error("rule-test", format!("unknown outcome `{}`", last.1))
            .at(word_span(last), "not an outcome");
        let names = Outcome::ALL.map(Outcome::as_str);
        p = match did_you_mean(last.1, names) {
            Some(close) => p.help(format!("did you mean `{close}`?")),
            None => p.help(format!("outcomes: {}", names.join(", "))),
        };
        return Err(Box::new(p));
    };
    let mut year = None;
    let mut indicator = None;
    for &middle in words.get(1..words.len().saturating_sub(1)).unwrap_or(&[]) {
        if middle.1.chars().all(|c| c.is_ascii_digit()) && year.is_none() && indicator.is_none() {
            year = middle.1.parse::<i32>().ok();
        } else if indicator.is_none() {
            indicator = Some(middle);
        } else {
            return Err(Box::new(error(
                format!("unexpected `{}`", middle.1),
                word_span(middle),
                "one year and one indicator at most",
            )));
        }
    }
    Ok(Expectation {
        rule: first.1.to_string(),
        year,
        indicator: indicator.map(|i| i.1.to_string()),
        outcome,
        span: line,
        rule_span: word_span(first),
        indicator_span: indicator.map(word_span),
    })
}

/// The words of `text` with their byte offsets.
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut start = None;
    let ends = text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')));
    for (at, c) in ends {
        match (c.is_whitespace(), start) {
            (true, Some(from)) => {
                found.push((from, text.get(from..at).unwrap_or("")));
                start = None;
            }
            (false, None) => start = Some(at),
            _ => {}
        }
    }
    found
}
