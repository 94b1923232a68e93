//! `--format junit`: JUnit XML, the test report every CI system renders (Jenkins, GitLab).
//!
//! One `<testsuite>` for the rule set, named after the plan; one `<testcase>` per finding,
//! that is per (rule, entity, year, and indicator for `each x in [...]` rules), named
//! `rule · entity · year` so a person recognises it in a list of test names. The classname is
//! the rule id, which groups a rule's years together.
//!
//! - `fail` and `at_risk` are `<failure>`s (type = the outcome): both say the data show the
//!   target is not being met, and both can fail the run.
//! - `missing` is `<skipped>`: the target could not be decided, which is neither a pass nor a
//!   failure of the target; the run's exit status still counts it.
//! - `pass` is a plain test case; `on_track` is one with its progress in `<system-out>`.
//!
//! Element and attribute names keep to Jenkins' `junit-10.xsd` (xunit-plugin), the strictest of
//! the common readers; GitLab reads the same elements. So `skipped` is counted on the suite, not
//! on `<testsuites>`, and test cases carry no `time` or `file` (plancheck has nothing useful to
//! say in them).

use super::{
    Summary, check_label, citation, data_label, finding_label, headline, many_entities, plan_note,
    region, with_unit,
};
use crate::check::RuleSet;
use crate::eval::{Finding, Outcome};
use crate::source::Sources;
use std::fmt::Write;
use std::path::Path;

pub fn render(findings: &[Finding], rules: &RuleSet, sources: &Sources, base: &Path) -> String {
    let many = many_entities(findings, rules);
    let summary = Summary::of(findings);
    let tests = findings.len();
    let failures = summary.fail + summary.at_risk;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"plancheck\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">"
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{}\">",
        attribute(&rules.plan.name),
        summary.missing
    );
    for f in findings {
        let name = match &f.bound {
            Some(b) => format!("{} [{b}] · {} · {}", f.rule, f.entity, f.year),
            None => format!("{} · {} · {}", f.rule, f.entity, f.year),
        };
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\"",
            attribute(&name),
            attribute(&f.rule)
        );
        let line = headline(f, rules, many);
        match f.outcome {
            Outcome::Pass => out.push_str("/>\n"),
            Outcome::OnTrack => {
                let _ = writeln!(
                    out,
                    ">\n      <system-out>{}</system-out>\n    </testcase>",
                    text(&details(f, rules, sources, base, &line))
                );
            }
            Outcome::Fail | Outcome::AtRisk | Outcome::Missing => {
                let element = if f.outcome == Outcome::Missing {
                    "skipped"
                } else {
                    "failure"
                };
                // The message is what a CI system lists: the finding and the plan's words, so
                // the list alone says what was promised.
                let message = match rules.rule(&f.rule) {
                    Some(rule) => format!("{line} — {}", citation(rule)),
                    None => line.clone(),
                };
                let _ = writeln!(
                    out,
                    ">\n      <{element} type=\"{}\" message=\"{}\">{}</{element}>\n    </testcase>",
                    f.outcome.as_str(),
                    attribute(&message),
                    text(&details(f, rules, sources, base, &line))
                );
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// The body of a failure: everything a person needs without opening another report.
fn details(f: &Finding, rules: &RuleSet, sources: &Sources, base: &Path, line: &str) -> String {
    let mut out = format!("{line}\n");
    let label = finding_label(f, rules);
    let _ = writeln!(out, "outcome: {label} ({})", f.severity.as_str());
    if let Some(actual) = &f.actual {
        let _ = writeln!(out, "actual: {}", with_unit(actual, &f.unit));
    }
    if let Some(expected) = &f.expected {
        let _ = writeln!(out, "expected: {}", with_unit(expected, &f.unit));
    }
    if let Some(span) = f.data {
        let at = region(sources, span, base);
        let _ = writeln!(
            out,
            "data: {}:{}:{} ({})",
            at.file,
            at.start.line,
            at.start.column,
            data_label(f)
        );
    }
    let at = region(sources, f.rule_span, base);
    let _ = writeln!(
        out,
        "rule: {}:{}:{} ({})",
        at.file,
        at.start.line,
        at.start.column,
        check_label(f)
    );
    if let Some(rule) = rules.rule(&f.rule) {
        let _ = writeln!(out, "{}", plan_note(rule));
    }
    if let Some(help) = &f.help {
        let _ = writeln!(out, "help: {help}");
    }
    out
}

/// Whether XML 1.0 allows the character at all; the others (most control characters) cannot
/// be written even as references, so they are dropped.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Text content: `&`, `<` and `>` escaped (`>` so that `]]>` cannot occur), `\r` as a
/// reference so a parser does not fold `\r\n` into `\n`.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| allowed(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// An attribute value in double quotes: as text, plus quotes and the whitespace characters a
/// parser would otherwise normalise to spaces.
pub fn attribute(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| allowed(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{attribute, text};

    #[test]
    fn text_is_escaped_and_control_characters_dropped() {
        assert_eq!(
            text("a < b && c > d ]]>"),
            "a &lt; b &amp;&amp; c &gt; d ]]&gt;"
        );
        assert_eq!(text("x\u{0}y\u{1b}z\u{FFFE}"), "xyz");
        assert_eq!(text("line\r\nnext"), "line&#13;\nnext");
        assert_eq!(text("“十四五”《规划》"), "“十四五”《规划》");
    }

    #[test]
    fn attributes_keep_quotes_and_whitespace() {
        assert_eq!(
            attribute("say \"hi\" & 'bye'\n\tnext\u{7}"),
            "say &quot;hi&quot; &amp; &apos;bye&apos;&#10;&#9;next"
        );
    }
}
