//! `plancheck report --format markdown`: the supervisor's headline and target table as
//! Markdown, for wikis, issue trackers and mail bodies where HTML does not go.

use super::supervisor::i18n::{self, words};
use super::supervisor::{ATTRIBUTES, Lang, Report, Verdict, attribute_rank};
use std::fmt::Write;

/// Escapes text for a Markdown table cell: no pipes, no line breaks, no emphasis, no tags.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            // Only `<` that could open a tag or an autolink; `x < 4` stays readable.
            '<' if chars
                .peek()
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) =>
            {
                out.push_str("&lt;")
            }
            '*' | '_' | '`' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text inside backticks cannot hold a backtick; nothing else needs escaping there.
fn code(text: &str) -> String {
    format!("`{}`", text.replace('`', "'").replace('|', "\\|"))
}

pub fn render(report: &Report, lang: Lang) -> String {
    let w = words(lang);
    let mut out = String::new();
    let _ = writeln!(out, "# {} · {}\n", cell(&report.plan), w.report);
    let mut meta = vec![
        format!("{}：{}", w.entity, cell(&report.entity)),
        format!(
            "{}：{}",
            w.period,
            i18n::years(lang, report.period.0, report.period.1)
        ),
        format!("{}：{}", w.base_year, i18n::year(lang, report.base_year)),
    ];
    if let Some(h) = report.horizon {
        meta.push(format!("{}：{}", w.data_until, i18n::year(lang, h)));
    }
    if let Some(d) = &report.date {
        meta.push(format!("{}：{}", w.date, cell(d)));
    }
    let sep = if lang == Lang::Zh { "；" } else { "; " };
    let mut meta = meta.join(sep);
    if lang == Lang::En {
        meta = meta.replace('：', ": ");
    }
    let _ = writeln!(out, "{meta}\n");
    let files: Vec<String> = report.files.iter().map(|f| code(f)).collect();
    let colon = if lang == Lang::Zh { "：" } else { ": " };
    let _ = writeln!(out, "{}{colon}{}\n", w.files, files.join(" "));

    // Headline.
    let verdicts = report.verdicts_shown();
    let _ = writeln!(out, "## {}\n", w.headline);
    let _ = write!(out, "| {} |", w.attribute);
    for v in &verdicts {
        let _ = write!(out, " {} |", i18n::badge(lang, *v));
    }
    let _ = writeln!(out, " {} |", w.total);
    let _ = write!(out, "|---|");
    for _ in &verdicts {
        out.push_str("---:|");
    }
    out.push_str("---:|\n");
    for a in ATTRIBUTES {
        let total: usize = verdicts.iter().map(|v| report.count(Some(a), *v)).sum();
        let _ = write!(out, "| {} |", i18n::attribute(lang, a));
        for v in &verdicts {
            let _ = write!(out, " {} |", report.count(Some(a), *v));
        }
        let _ = writeln!(out, " {total} |");
    }
    let _ = write!(out, "| **{}** |", w.total);
    for v in &verdicts {
        let _ = write!(out, " **{}** |", report.count(None, *v));
    }
    let _ = writeln!(out, " **{}** |\n", report.targets.len());
    let _ = writeln!(out, "{}{colon}{}\n", w.data_problems, report.problems.len());
    let s = &report.summary;
    let _ = writeln!(
        out,
        "{} {} {} · {} {} · {} {} · {} {} · {} {}\n",
        cell(&i18n::checks_line(lang, report)),
        i18n::badge(lang, Verdict::Pass),
        s.pass,
        i18n::badge(lang, Verdict::Fail),
        s.fail,
        i18n::badge(lang, Verdict::Missing),
        s.missing,
        i18n::badge(lang, Verdict::OnTrack),
        s.on_track,
        i18n::badge(lang, Verdict::AtRisk),
        s.at_risk,
    );

    // Targets, most urgent first.
    let _ = writeln!(out, "## {}\n", w.targets);
    let _ = writeln!(out, "{}\n", w.table_note);
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} |",
        w.col_outcome,
        w.col_rule,
        w.col_article,
        w.col_quote,
        w.attribute,
        w.col_target,
        w.col_latest,
        w.col_progress
    );
    out.push_str("|---|---|---|---|---|---|---|---|\n");
    for t in &report.targets {
        let quote = match (lang, &t.title) {
            (Lang::En, Some(title)) => format!("{} “{}”", cell(title), cell(&t.quote)),
            _ => format!("“{}”", cell(&t.quote)),
        };
        let attribute = if attribute_rank(t.attribute) == 0 {
            format!("**{}**", i18n::attribute(lang, t.attribute))
        } else {
            i18n::attribute(lang, t.attribute).to_string()
        };
        let mut progress = Vec::new();
        if let Some(b) = &t.bar {
            progress.push(cell(&i18n::bar(lang, b)));
        }
        if !t.years.is_empty() {
            progress.push(cell(&i18n::years_summary(t)));
        }
        let detail = i18n::row_detail(lang, report, t);
        if !detail.is_empty() {
            progress.push(cell(&detail));
        }
        let progress = if progress.is_empty() {
            "—".to_string()
        } else {
            progress.join(sep)
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {quote} | {attribute} | {} | {} | {progress} |",
            i18n::badge(lang, t.verdict),
            code(&t.id),
            i18n::article(t.article),
            cell(&i18n::goal(lang, report, t)),
            cell(&i18n::latest(lang, t)),
        );
    }

    // Data problems.
    let _ = writeln!(out, "\n## {}\n", w.data_problems);
    if report.problems.is_empty() {
        let _ = writeln!(out, "{}", w.no_problems);
    }
    for p in &report.problems {
        let at = p
            .location
            .as_ref()
            .map(|l| code(&format!("{}:{}:{}", l.file, l.line, l.column)))
            .unwrap_or_else(|| "—".to_string());
        let found = match p.found.as_deref() {
            Some("") => w.empty_cell.to_string(),
            Some(v) => code(v),
            None => "—".to_string(),
        };
        let (head, detail) = i18n::problem_text(lang, p);
        let detail = if detail.is_empty() {
            String::new()
        } else {
            format!(" — {}", cell(&detail))
        };
        let _ = writeln!(
            out,
            "- {at} {found} · {}: {}{detail}",
            cell(&i18n::problem_source(lang, report, &p.source)),
            cell(&head)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{cell, code};

    #[test]
    fn cells_cannot_break_the_table_or_open_tags() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(cell("<script>x</script>"), "&lt;script>x&lt;/script>");
        assert_eq!(cell("2025年 < 第4位"), "2025年 < 第4位");
        assert_eq!(cell("energy_per_gdp *x*"), "energy\\_per\\_gdp \\*x\\*");
        assert_eq!(code("a`b|c"), "`a'b\\|c`");
    }
}
