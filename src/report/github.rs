//! `--format github`: GitHub Actions workflow commands, which the runner turns into
//! annotations on the changed lines of a pull request.
//!
//! One `::error`, `::warning` or `::notice` line per finding that needs attention (fail,
//! missing, at risk), at the rule's severity, pointing at the value that decided it (or at the
//! rule's check when no value did). The per-entity summary follows as plain lines, which the
//! runner shows in the log as they are.
//!
//! Escaping is the runner's (actions/toolkit `command.ts`, `escapeData` and `escapeProperty`):
//! in the message `%`, `\r` and `\n`; in a property also `:` and `,`, which would otherwise end
//! the property or the property list.

use super::{finding_label, headline, many_entities, places, plan_note, region, summary_lines};
use crate::check::RuleSet;
use crate::diagnostic::Severity;
use crate::eval::Finding;
use crate::source::Sources;
use std::fmt::Write;
use std::path::Path;

pub fn render(findings: &[Finding], rules: &RuleSet, sources: &Sources, base: &Path) -> String {
    let many = many_entities(findings, rules);
    let mut out = String::new();
    for f in findings.iter().filter(|f| f.outcome.is_problem()) {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let (span, _) = places(f);
        let at = region(sources, span, base);
        let title = if many {
            format!("{} {}: {}", f.rule, f.entity, finding_label(f, rules))
        } else {
            format!("{}: {}", f.rule, finding_label(f, rules))
        };
        let mut message = headline(f, rules, many);
        if let Some(rule) = rules.rule(&f.rule) {
            message.push('\n');
            message.push_str(&plan_note(rule));
        }
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},title={}::{}",
            escape_property(&at.file),
            at.start.line,
            at.start.column,
            escape_property(&title),
            escape_data(&message)
        );
    }
    out.push_str(&summary_lines(findings));
    out
}

/// A command's message: `%` first, so that the escapes that follow are not escaped again.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::{escape_data, escape_property};

    #[test]
    fn data_escapes_percent_and_line_breaks() {
        assert_eq!(escape_data("100% done"), "100%25 done");
        assert_eq!(escape_data("a\r\nb\nc"), "a%0D%0Ab%0Ac");
        assert_eq!(
            escape_data("%0A is not a newline"),
            "%250A is not a newline"
        );
        assert_eq!(escape_data("a: b, c"), "a: b, c");
        assert_eq!(escape_data("“十四五”《规划》"), "“十四五”《规划》");
    }

    #[test]
    fn properties_also_escape_colons_and_commas() {
        assert_eq!(
            escape_property("数据 目录/a,b:c.csv"),
            "数据 目录/a%2Cb%3Ac.csv"
        );
        assert_eq!(
            escape_property("gdp-2025: target missed"),
            "gdp-2025%3A target missed"
        );
        assert_eq!(escape_property("50%\n"), "50%25%0A");
    }

    /// The runner reads a property back by undoing each escape; what it reads must be what
    /// was meant, whatever the text held.
    #[test]
    fn properties_round_trip_through_the_runner_unescaping() {
        fn unescape(s: &str) -> String {
            s.replace("%0D", "\r")
                .replace("%0A", "\n")
                .replace("%3A", ":")
                .replace("%2C", ",")
                .replace("%25", "%")
        }
        for original in ["a%3Ab", "%25", "x,y:z\r\n%", "plain", "“，：”"] {
            let escaped = escape_property(original);
            assert!(!escaped.contains([',', ':', '\n', '\r']));
            assert_eq!(unescape(&escaped), original);
        }
    }
}
