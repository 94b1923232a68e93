//! `--format markdown`: a summary for `$GITHUB_STEP_SUMMARY` or a merge-request comment.
//!
//! Counts by outcome for each attribute (binding, expected, strive), then one table row per
//! finding that needs attention (fail, missing, at risk), errors first. Every cell is escaped
//! (`|`, line breaks, and the characters that would start emphasis, links, HTML or maths), and
//! `expected`, which is rule text, is a code span.

use super::{Summary, by_severity, citation, finding_label, places, region, with_unit};
use crate::check::RuleSet;
use crate::eval::{Finding, Outcome};
use crate::source::Sources;
use crate::syntax::ast::Attribute;
use std::fmt::Write;
use std::path::Path;

const ATTRIBUTES: [Attribute; 3] = [Attribute::Binding, Attribute::Expected, Attribute::Strive];

pub fn render(findings: &[Finding], rules: &RuleSet, sources: &Sources, base: &Path) -> String {
    let mut out = format!("## plancheck: {}\n\n", cell(&rules.plan.name));
    if findings.is_empty() {
        out.push_str("No findings: the rule set decided nothing for this data.\n");
        return out;
    }
    let total = Summary::of(findings);
    let entities: Vec<&str> = super::by_entity(findings).into_keys().collect();
    let _ = writeln!(
        out,
        "Checked {} against {} rules: {} findings, {} need attention.\n",
        cell(&entities.join("、")),
        rules.rules.len(),
        findings.len(),
        findings.iter().filter(|f| f.outcome.is_problem()).count()
    );

    out.push_str("| attribute |");
    for outcome in Outcome::ALL {
        let _ = write!(out, " {} |", super::outcome_label(outcome));
    }
    out.push_str(" total |\n|---|");
    out.push_str(&"---:|".repeat(Outcome::ALL.len() + 1));
    out.push('\n');
    for attribute in ATTRIBUTES {
        let mine: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.attribute == attribute)
            .collect();
        let row = format!("{} {}", attribute.as_str(), super::attribute_zh(attribute));
        counts_row(
            &mut out,
            &row,
            &Summary::of(mine.iter().copied()),
            mine.len(),
        );
    }
    counts_row(&mut out, "**total**", &total, findings.len());

    let attention: Vec<&Finding> = by_severity(findings.iter().filter(|f| f.outcome.is_problem()));
    if attention.is_empty() {
        out.push_str("\nEvery target is met or on track.\n");
        return out;
    }
    let _ = writeln!(out, "\n### Needs attention ({})\n", attention.len());
    out.push_str("| rule | entity | year | outcome | actual | expected | where | plan |\n");
    out.push_str("|---|---|---:|---|---|---|---|---|\n");
    for f in attention {
        let rule = match &f.bound {
            Some(b) => format!("{} [{b}]", f.rule),
            None => f.rule.clone(),
        };
        let (span, _) = places(f);
        let at = region(sources, span, base);
        let plan = rules.rule(&f.rule).map(citation).unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} ({}) | {} | {} | {}:{}:{} | {} |",
            cell(&rule),
            cell(&f.entity),
            f.year,
            finding_label(f, rules),
            f.severity.as_str(),
            f.actual
                .as_deref()
                .map(|a| cell(&with_unit(a, &f.unit)))
                .unwrap_or_default(),
            f.expected
                .as_deref()
                .map(|e| code(&with_unit(e, &f.unit)))
                .unwrap_or_default(),
            cell(&at.file),
            at.start.line,
            at.start.column,
            cell(&plan)
        );
    }
    out
}

fn counts_row(out: &mut String, name: &str, s: &Summary, total: usize) {
    let _ = write!(out, "| {name} |");
    for outcome in Outcome::ALL {
        let _ = write!(out, " {} |", s.count(outcome));
    }
    let _ = writeln!(out, " {total} |");
}

/// Text in a table cell: line breaks become `<br>`, `|` would end the cell, and the other
/// escaped characters would start emphasis, a link, inline HTML, maths (GitHub) or an entity.
/// Control characters are dropped.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '$' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A code span in a table cell: a fence longer than any run of backticks inside, and `|`
/// still escaped, because GitHub splits cells before it reads code spans.
pub fn code(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect::<String>()
        .replace('|', "\\|");
    let longest = flat.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A space inside the fence keeps a backtick at either end from joining it.
    let pad = if flat.starts_with('`') || flat.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::{cell, code};

    #[test]
    fn cells_escape_pipes_breaks_and_markup() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(
            cell("one\r\ntwo\nthree\rfour"),
            "one<br>two<br>three<br>four"
        );
        assert_eq!(
            cell("<b>*x*</b> & $y$"),
            "\\<b\\>\\*x\\*\\</b\\> \\& \\$y\\$"
        );
        assert_eq!(
            cell("“十四五”《规划》、50%，：,"),
            "“十四五”《规划》、50%，：,"
        );
        assert_eq!(cell("tab\tbell\u{7}"), "tab bell");
    }

    #[test]
    fn code_spans_outrun_backticks_and_escape_pipes() {
        assert_eq!(code(">= 85%"), "`>= 85%`");
        assert_eq!(code("a || b"), "`a \\|\\| b`");
        assert_eq!(code("x `y` z"), "``x `y` z``");
        assert_eq!(code("`edge"), "`` `edge ``");
        assert_eq!(code("two\nlines"), "`two lines`");
    }
}
