//! `plancheck report`: one self-contained HTML page for the people who supervise the plan.
//!
//! No network, fonts, scripts or styles from elsewhere: the page must open from a mail
//! attachment and print on A4. The table is complete without scripts; the few lines of
//! script only sort and filter it.

mod chart;

use crate::report::supervisor::i18n::{self, words};
use crate::report::supervisor::{
    ATTRIBUTES, Lang, ProblemSource, Report, TargetRow, Verdict, attribute_rank,
};
use rust_decimal::Decimal;
use std::fmt::Write;

const STYLE: &str = include_str!("style.css");
const SCRIPT: &str = include_str!("script.js");

/// Escapes text for HTML content and quoted attribute values alike.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub fn render(report: &Report, lang: Lang) -> String {
    let w = words(lang);
    let mut out = String::new();
    let title = format!("{} · {} · {}", report.plan, report.entity, w.report);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"plancheck {}\">\n<title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        w.html_lang,
        env!("CARGO_PKG_VERSION"),
        esc(&title)
    );
    masthead(&mut out, report, lang);
    headline(&mut out, report, lang);
    target_table(&mut out, report, lang);
    charts(&mut out, report, lang);
    problems(&mut out, report, lang);
    let _ = write!(
        out,
        "<footer>\n<p>{} {} · {}</p>\n</footer>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        w.generated,
        env!("CARGO_PKG_VERSION"),
        symbols_line(lang)
    );
    out
}

fn symbols_line(lang: Lang) -> String {
    Verdict::ALL
        .iter()
        .map(|v| esc(&i18n::badge(lang, *v)))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn masthead(out: &mut String, report: &Report, lang: Lang) {
    let w = words(lang);
    let _ = write!(
        out,
        "<header class=\"masthead\">\n<p class=\"kicker\">{}</p>\n<h1>{}</h1>\n<dl class=\"meta\">\n",
        w.report,
        esc(&report.plan)
    );
    let mut item = |term: &str, value: String| {
        let _ = writeln!(out, "<div><dt>{term}</dt><dd>{value}</dd></div>");
    };
    item(w.entity, esc(&report.entity));
    item(
        w.period,
        esc(&i18n::years(lang, report.period.0, report.period.1)),
    );
    item(w.base_year, esc(&i18n::year(lang, report.base_year)));
    if let Some(h) = report.horizon {
        item(w.data_until, esc(&i18n::year(lang, h)));
    }
    if let Some(date) = &report.date {
        item(w.date, esc(date));
    }
    let files: Vec<String> = report
        .files
        .iter()
        .map(|f| format!("<code>{}</code>", esc(f)))
        .collect();
    item(w.files, files.join(" "));
    out.push_str("</dl>\n</header>\n");
}

fn headline(out: &mut String, report: &Report, lang: Lang) {
    let w = words(lang);
    let verdicts = report.verdicts_shown();
    let _ = write!(
        out,
        "<section id=\"headline\" aria-labelledby=\"h-headline\">\n<h2 id=\"h-headline\">{}</h2>\n<div class=\"cards\">\n",
        w.headline
    );
    for v in &verdicts {
        let _ = writeln!(
            out,
            "<div class=\"card v-{key}\"><span class=\"n\" data-target-count=\"{key}\">{}</span><span class=\"l\">{}</span></div>",
            report.count(None, *v),
            esc(&i18n::badge(lang, *v)),
            key = v.key()
        );
    }
    let _ = writeln!(
        out,
        "<div class=\"card problems\"><a href=\"#problems\"><span class=\"n\" data-count=\"problems\">{}</span><span class=\"l\">{}</span></a></div>",
        report.problems.len(),
        w.data_problems
    );
    out.push_str("</div>\n");
    attention(out, report, lang);

    // Targets by attribute and verdict.
    let _ = write!(
        out,
        "<table class=\"matrix\">\n<thead><tr><th scope=\"col\">{}</th>",
        w.attribute
    );
    for v in &verdicts {
        let _ = write!(
            out,
            "<th scope=\"col\" class=\"v-{}\">{}</th>",
            v.key(),
            esc(&i18n::badge(lang, *v))
        );
    }
    let _ = write!(
        out,
        "<th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        w.total
    );
    for a in ATTRIBUTES {
        let total: usize = verdicts.iter().map(|v| report.count(Some(a), *v)).sum();
        let _ = write!(
            out,
            "<tr class=\"row-{0}\"><th scope=\"row\"><span class=\"attr attr-{0}\">{1}</span></th>",
            a.as_str(),
            i18n::attribute(lang, a)
        );
        for v in &verdicts {
            let n = report.count(Some(a), *v);
            let class = if n == 0 {
                "zero".to_string()
            } else {
                format!("v-{}", v.key())
            };
            let _ = write!(
                out,
                "<td class=\"{class}\" data-attribute=\"{}\" data-verdict=\"{}\">{n}</td>",
                a.as_str(),
                v.key()
            );
        }
        let _ = writeln!(out, "<td class=\"total\">{total}</td></tr>");
    }
    let _ = write!(out, "<tr class=\"sum\"><th scope=\"row\">{}</th>", w.total);
    for v in &verdicts {
        let _ = write!(out, "<td>{}</td>", report.count(None, *v));
    }
    let _ = writeln!(
        out,
        "<td class=\"total\">{}</td></tr>\n</tbody>\n</table>",
        report.targets.len()
    );

    // The counts per check, tied to `plancheck check --format json`.
    let s = &report.summary;
    let _ = write!(
        out,
        "<p class=\"checks\">{} ",
        esc(&i18n::checks_line(lang, report))
    );
    let parts = [
        (Verdict::Pass, "pass", s.pass),
        (Verdict::Fail, "fail", s.fail),
        (Verdict::Missing, "missing", s.missing),
        (Verdict::OnTrack, "on_track", s.on_track),
        (Verdict::AtRisk, "at_risk", s.at_risk),
    ];
    let shown: Vec<String> = parts
        .iter()
        .map(|(v, key, n)| {
            format!(
                "<span class=\"v-{key}\">{} <span data-count=\"{key}\">{n}</span></span>",
                esc(&i18n::badge(lang, *v))
            )
        })
        .collect();
    let _ = writeln!(out, "{}</p>\n</section>", shown.join(" · "));
}

/// The binding targets that are not on course, named in the headline: the first thing
/// a supervisor asks.
fn attention(out: &mut String, report: &Report, lang: Lang) {
    let binding: Vec<&TargetRow> = report
        .targets
        .iter()
        .filter(|t| attribute_rank(t.attribute) == 0)
        .collect();
    let off: Vec<&&TargetRow> = binding
        .iter()
        .filter(|t| {
            matches!(
                t.verdict,
                Verdict::Fail | Verdict::AtRisk | Verdict::Missing
            )
        })
        .collect();
    let text = match lang {
        Lang::Zh if off.is_empty() => {
            format!("约束性目标 {} 项，均已达标或进度正常。", binding.len())
        }
        Lang::En if off.is_empty() => {
            format!("All {} binding targets are met or on track.", binding.len())
        }
        Lang::Zh => format!(
            "约束性目标 {} 项，其中 {} 项需要关注：",
            binding.len(),
            off.len()
        ),
        Lang::En => format!(
            "{} of {} binding targets need attention:",
            off.len(),
            binding.len()
        ),
    };
    let class = if off.is_empty() { "ok" } else { "alert" };
    let _ = write!(
        out,
        "<div class=\"attention {class}\"><p>{}</p>",
        esc(&text)
    );
    if !off.is_empty() {
        out.push_str("<ul>");
        for t in off {
            let detail = i18n::row_detail(lang, report, t);
            let _ = write!(
                out,
                "<li><span class=\"badge v-{}\">{}</span> <a href=\"#rule-{}\"><code>{}</code></a> {} <q>{}</q>{}</li>",
                t.verdict.key(),
                esc(&i18n::badge(lang, t.verdict)),
                esc(&t.id),
                esc(&t.id),
                esc(&i18n::article(t.article)),
                esc(&t.quote),
                if detail.is_empty() {
                    String::new()
                } else {
                    format!(" — {}", esc(&detail))
                }
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</div>\n");
}

fn target_table(out: &mut String, report: &Report, lang: Lang) {
    let w = words(lang);
    let _ = write!(
        out,
        "<section id=\"targets\" aria-labelledby=\"h-targets\">\n<h2 id=\"h-targets\">{}</h2>\n<p class=\"note\">{} {}</p>\n",
        w.targets, w.table_note, w.bar_note
    );
    controls(out, report, lang);
    let _ = write!(
        out,
        "<table class=\"targets\" id=\"target-table\">\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        w.col_rule,
        w.col_article,
        w.col_quote,
        w.attribute,
        w.col_target,
        w.col_latest,
        w.col_progress,
        w.col_outcome
    );
    for (index, t) in report.targets.iter().enumerate() {
        row(out, report, lang, t, index);
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// Sorting and filtering controls: hidden until the script shows them, so that a page
/// read without scripts has no controls that do nothing.
fn controls(out: &mut String, report: &Report, lang: Lang) {
    let w = words(lang);
    let _ = write!(
        out,
        "<form class=\"controls\" id=\"controls\" hidden>\n<label>{} <select data-filter=\"outcome\"><option value=\"\">{}</option>",
        w.filter_outcome, w.all
    );
    for v in Verdict::ALL {
        if report.count(None, v) > 0 {
            let _ = write!(
                out,
                "<option value=\"{}\">{}</option>",
                v.key(),
                esc(&i18n::badge(lang, v))
            );
        }
    }
    let _ = write!(
        out,
        "</select></label>\n<label>{} <select data-filter=\"attribute\"><option value=\"\">{}</option>",
        w.filter_attribute, w.all
    );
    for a in ATTRIBUTES {
        let _ = write!(
            out,
            "<option value=\"{}\">{}</option>",
            a.as_str(),
            i18n::attribute(lang, a)
        );
    }
    let _ = write!(
        out,
        "</select></label>\n<label>{} <select data-filter=\"article\"><option value=\"\">{}</option>",
        w.filter_article, w.all
    );
    for a in report.articles() {
        let _ = write!(out, "<option value=\"{a}\">§{a}</option>");
    }
    let _ = write!(
        out,
        "</select></label>\n<label>{} <select data-sort><option value=\"urgency\">{}</option><option value=\"article\">{}</option><option value=\"attribute\">{}</option><option value=\"rule\">{}</option></select></label>\n<output id=\"shown-count\" data-label=\"{}\"></output>\n</form>\n",
        w.sort,
        w.sort_urgency,
        w.sort_article,
        w.sort_attribute,
        w.sort_id,
        i18n::shown_rows(lang)
    );
}

fn row(out: &mut String, report: &Report, lang: Lang, t: &TargetRow, index: usize) {
    let w = words(lang);
    let article = t.article.map(|a| a.to_string()).unwrap_or_default();
    let _ = write!(
        out,
        "<tr id=\"rule-{id}\" data-rule=\"{id}\" data-outcome=\"{}\" data-attribute=\"{}\" data-article=\"{article}\" data-urgency=\"{index}\" data-attribute-rank=\"{}\" data-outcome-rank=\"{}\">",
        t.verdict.key(),
        t.attribute.as_str(),
        attribute_rank(t.attribute),
        t.verdict.rank(),
        id = esc(&t.id),
    );
    let chart = t
        .chart
        .as_ref()
        .map(|c| {
            format!(
                "<a class=\"chart-link\" href=\"#chart-{}\">{}</a>",
                esc(c),
                w.chart_link
            )
        })
        .unwrap_or_default();
    let _ = write!(
        out,
        "<td class=\"id\"><code>{}</code>{chart}</td><td class=\"art\">{}</td>",
        esc(&t.id),
        esc(&i18n::article(t.article))
    );
    match (lang, &t.title) {
        (Lang::En, Some(title)) => {
            let _ = write!(
                out,
                "<td class=\"quote\"><span class=\"title\">{}</span><q lang=\"zh-CN\">{}</q></td>",
                esc(title),
                esc(&t.quote)
            );
        }
        _ => {
            let _ = write!(out, "<td class=\"quote\"><q>{}</q></td>", esc(&t.quote));
        }
    }
    let _ = write!(
        out,
        "<td><span class=\"attr attr-{}\">{}</span></td><td class=\"goal\">{}</td><td class=\"latest\">{}</td><td class=\"progress\">",
        t.attribute.as_str(),
        i18n::attribute(lang, t.attribute),
        esc(&i18n::goal(lang, report, t)),
        esc(&i18n::latest(lang, t))
    );
    if let Some(bar) = &t.bar {
        let fill = bar.done.min(Decimal::ONE_HUNDRED).max(Decimal::ZERO);
        let tick = bar
            .path
            .map(|p| {
                let p = p.min(Decimal::ONE_HUNDRED).max(Decimal::ZERO);
                format!(
                    "<span class=\"tick\" style=\"left:{}%\"></span>",
                    i18n::number(p)
                )
            })
            .unwrap_or_default();
        let _ = write!(
            out,
            "<div class=\"bar v-{}\" role=\"img\" aria-label=\"{text}\"><span class=\"fill\" style=\"width:{}%\"></span>{tick}</div><div class=\"bar-text\">{text}</div>",
            t.verdict.key(),
            i18n::number(fill),
            text = esc(&i18n::bar(lang, bar)),
        );
    }
    if !t.years.is_empty() {
        out.push_str("<div class=\"years\">");
        for (i, y) in t.years.iter().enumerate() {
            let bound = y
                .bound
                .as_ref()
                .map(|b| format!("{} ", esc(b)))
                .unwrap_or_default();
            let _ = write!(
                out,
                "<span class=\"yr v-{}\" title=\"{}\">{bound}{} {}</span> ",
                y.verdict.key(),
                esc(&i18n::year_detail(lang, t, i)),
                y.year,
                i18n::symbol(y.verdict)
            );
        }
        out.push_str("</div>");
    }
    let detail = i18n::row_detail(lang, report, t);
    if !detail.is_empty() {
        let _ = write!(out, "<div class=\"gap\">{}</div>", esc(&detail));
    }
    if t.bar.is_none() && t.years.is_empty() && detail.is_empty() {
        out.push('—');
    }
    let _ = writeln!(
        out,
        "</td><td class=\"outcome\"><span class=\"badge v-{}\">{}</span></td></tr>",
        t.verdict.key(),
        esc(&i18n::badge(lang, t.verdict))
    );
}

fn charts(out: &mut String, report: &Report, lang: Lang) {
    let w = words(lang);
    if report.charts.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<section id=\"charts\" aria-labelledby=\"h-charts\">\n<h2 id=\"h-charts\">{}</h2>\n<p class=\"note\">{}</p>\n<div class=\"chart-grid\">\n",
        w.charts, w.charts_note
    );
    for (n, c) in report.charts.iter().enumerate() {
        let heading = match (&c.rule, lang) {
            (Some(rule), _) => format!(
                "<strong>{}</strong> <code>{}</code>",
                esc(&c.title),
                esc(rule)
            ),
            (None, Lang::Zh) => format!(
                "<strong>{}</strong> <code>{}</code>",
                esc(&c.title),
                esc(&c.id)
            ),
            (None, Lang::En) => format!(
                "<strong><code>{}</code></strong> {}",
                esc(&c.id),
                esc(&c.title)
            ),
        };
        let related: Vec<String> = c
            .rules
            .iter()
            .map(|r| format!("<a href=\"#rule-{0}\">{0}</a>", esc(r)))
            .collect();
        let related = if related.is_empty() {
            String::new()
        } else {
            format!(
                "<span class=\"related\">{}: {}</span>",
                w.related,
                related.join(" ")
            )
        };
        let _ = writeln!(
            out,
            "<figure class=\"chart\" id=\"chart-{id}\" data-chart=\"{id}\">\n<figcaption>{heading}{related}</figcaption>\n{}\n{}\n</figure>",
            chart::svg(lang, report, c, n),
            chart::legend(lang, report, c),
            id = esc(&c.id),
        );
    }
    out.push_str("</div>\n</section>\n");
}

fn problems(out: &mut String, report: &Report, lang: Lang) {
    let w = words(lang);
    let _ = write!(
        out,
        "<section id=\"problems\" aria-labelledby=\"h-problems\">\n<h2 id=\"h-problems\">{} <span class=\"count\">{}</span></h2>\n",
        w.data_problems,
        report.problems.len()
    );
    if report.problems.is_empty() {
        let _ = writeln!(out, "<p class=\"none\">{}</p>\n</section>", w.no_problems);
        return;
    }
    let _ = write!(
        out,
        "<table class=\"problems\">\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        w.col_location, w.col_found, w.col_source, w.col_description
    );
    for p in &report.problems {
        let location = p
            .location
            .as_ref()
            .map(|l| format!("<code>{}:{}:{}</code>", esc(&l.file), l.line, l.column))
            .unwrap_or_else(|| "—".to_string());
        let found = match p.found.as_deref() {
            Some("") => esc(w.empty_cell),
            Some(v) => format!("<code>{}</code>", esc(v)),
            None => "—".to_string(),
        };
        let class = match &p.source {
            ProblemSource::Quality { severity, .. } | ProblemSource::Reader { severity, .. } => {
                severity.as_str()
            }
        };
        let (head, detail) = i18n::problem_text(lang, p);
        let detail = if detail.is_empty() {
            String::new()
        } else {
            format!("<div class=\"detail\">{}</div>", esc(&detail))
        };
        let quote_lang = match (&p.source, lang) {
            (ProblemSource::Quality { title: None, .. }, Lang::En) => " lang=\"zh-CN\"",
            _ => "",
        };
        let _ = writeln!(
            out,
            "<tr class=\"sev-{class}\"><td class=\"loc\">{location}</td><td class=\"found\">{found}</td><td class=\"src\">{}</td><td><div{quote_lang}>{}</div>{detail}</td></tr>",
            esc(&i18n::problem_source(lang, report, &p.source)),
            esc(&head)
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_text_and_attribute_values() {
        assert_eq!(
            esc(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(esc("犍为县“十四五”"), "犍为县“十四五”");
    }
}
