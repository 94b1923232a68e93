//! The words of the supervisor's report, in Chinese (the default) and English.
//!
//! The plan's quotes are never translated: they are the plan's own words, and the
//! rules' English titles carry their meaning. Numbers keep the plan's units.

use super::{
    Bar, DataProblem, Gap, Goal, Lang, Latest, MissingValue, ProblemSource, Report, SeriesLabel,
    Shown, TargetRow, Verdict,
};
use crate::diagnostic::Severity;
use crate::syntax::ast::{Attribute, CmpOp};
use rust_decimal::Decimal;

pub struct Words {
    pub html_lang: &'static str,
    pub report: &'static str,
    pub entity: &'static str,
    pub period: &'static str,
    pub base_year: &'static str,
    pub data_until: &'static str,
    pub files: &'static str,
    pub date: &'static str,
    pub headline: &'static str,
    pub attribute: &'static str,
    pub total: &'static str,
    pub targets: &'static str,
    pub data_problems: &'static str,
    pub col_rule: &'static str,
    pub col_article: &'static str,
    pub col_quote: &'static str,
    pub col_target: &'static str,
    pub col_latest: &'static str,
    pub col_progress: &'static str,
    pub col_outcome: &'static str,
    pub charts: &'static str,
    pub charts_note: &'static str,
    pub col_source: &'static str,
    pub col_location: &'static str,
    pub col_found: &'static str,
    pub col_description: &'static str,
    pub no_problems: &'static str,
    pub filter_outcome: &'static str,
    pub filter_attribute: &'static str,
    pub filter_article: &'static str,
    pub sort: &'static str,
    pub all: &'static str,
    pub sort_urgency: &'static str,
    pub sort_article: &'static str,
    pub sort_attribute: &'static str,
    pub sort_id: &'static str,
    pub legend_reported: &'static str,
    pub legend_target: &'static str,
    pub legend_path: &'static str,
    pub legend_fail: &'static str,
    pub legend_at_risk: &'static str,
    pub legend_missing: &'static str,
    pub legend_flagged: &'static str,
    pub chart_link: &'static str,
    pub related: &'static str,
    pub empty_cell: &'static str,
    pub bar_note: &'static str,
    pub quality_rule: &'static str,
    pub reader: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub generated: &'static str,
    pub table_note: &'static str,
}

pub static ZH: Words = Words {
    html_lang: "zh-CN",
    report: "规划实施情况报告",
    entity: "评估对象",
    period: "规划期",
    base_year: "基年",
    data_until: "数据截至",
    files: "数据文件",
    date: "报告日期",
    headline: "总体情况",
    attribute: "属性",
    total: "合计",
    targets: "目标完成情况",
    data_problems: "数据问题",
    col_rule: "规则",
    col_article: "条款",
    col_quote: "规划原文",
    col_target: "目标",
    col_latest: "最新值",
    col_progress: "进度",
    col_outcome: "结果",
    charts: "指标走势",
    charts_note: "实线为报送值，水平线为目标，虚线为从基年到目标年的直线路径；菱形为未达标年份。",
    col_source: "来源",
    col_location: "位置",
    col_found: "发现的值",
    col_description: "说明",
    no_problems: "未发现数据问题。",
    filter_outcome: "结果",
    filter_attribute: "属性",
    filter_article: "条款",
    sort: "排序",
    all: "全部",
    sort_urgency: "按紧急程度",
    sort_article: "按条款",
    sort_attribute: "按属性",
    sort_id: "按规则编号",
    legend_reported: "报送值",
    legend_target: "目标",
    legend_path: "直线路径",
    legend_fail: "未达标",
    legend_at_risk: "有风险",
    legend_missing: "缺数据",
    legend_flagged: "疑似数据问题（超出坐标范围）",
    chart_link: "走势图",
    related: "相关目标",
    empty_cell: "（空）",
    bar_note: "进度条为最新值占目标的比例；竖线标出按直线路径此时应达到的位置（“时间过半、任务过半”）。",
    quality_rule: "数据质量规则",
    reader: "读取",
    yes: "是",
    no: "否",
    generated: "由 plancheck 生成",
    table_note: "表格默认按紧急程度排序：未达标、有风险、缺数据在前；同一结果中约束性目标在前。",
};

pub static EN: Words = Words {
    html_lang: "en",
    report: "Plan implementation report",
    entity: "Entity",
    period: "Plan period",
    base_year: "Base year",
    data_until: "Data up to",
    files: "Data files",
    date: "Report date",
    headline: "At a glance",
    attribute: "Attribute",
    total: "Total",
    targets: "Targets",
    data_problems: "Data problems",
    col_rule: "Rule",
    col_article: "Art.",
    col_quote: "Plan text",
    col_target: "Target",
    col_latest: "Latest value",
    col_progress: "Progress",
    col_outcome: "Outcome",
    charts: "Indicators over time",
    charts_note: "Solid line: reported values; horizontal line: the target; dashed line: the straight path from the base year to the target year; diamonds: years a target was missed.",
    col_source: "Source",
    col_location: "Location",
    col_found: "Value found",
    col_description: "Description",
    no_problems: "No data problems found.",
    filter_outcome: "Outcome",
    filter_attribute: "Attribute",
    filter_article: "Article",
    sort: "Sort",
    all: "All",
    sort_urgency: "by urgency",
    sort_article: "by article",
    sort_attribute: "by attribute",
    sort_id: "by rule id",
    legend_reported: "reported",
    legend_target: "target",
    legend_path: "straight path",
    legend_fail: "missed",
    legend_at_risk: "at risk",
    legend_missing: "missing",
    legend_flagged: "suspect value (off the scale)",
    chart_link: "chart",
    related: "Targets",
    empty_cell: "(empty)",
    bar_note: "The bar is the latest value as a share of the target; the tick marks where the straight path stands now.",
    quality_rule: "data-quality rule",
    reader: "reader",
    yes: "yes",
    no: "no",
    generated: "Generated by plancheck",
    table_note: "The table is sorted by urgency: missed, at risk and missing first; binding targets first within each.",
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// The symbol of a verdict, so that it reads without colour.
pub fn symbol(v: Verdict) -> &'static str {
    // U+FE0E asks for the text form of ⚠, not an emoji.
    match v {
        Verdict::Fail => "✘",
        Verdict::AtRisk => "⚠\u{FE0E}",
        Verdict::Missing => "?",
        Verdict::OnTrack => "○",
        Verdict::Pass => "✔",
        Verdict::NotDue => "–",
    }
}

pub fn verdict(lang: Lang, v: Verdict) -> &'static str {
    match (lang, v) {
        (Lang::Zh, Verdict::Fail) => "未达标",
        (Lang::Zh, Verdict::AtRisk) => "有风险",
        (Lang::Zh, Verdict::Missing) => "缺数据",
        (Lang::Zh, Verdict::OnTrack) => "进度正常",
        (Lang::Zh, Verdict::Pass) => "达标",
        (Lang::Zh, Verdict::NotDue) => "未到期",
        (Lang::En, Verdict::Fail) => "missed",
        (Lang::En, Verdict::AtRisk) => "at risk",
        (Lang::En, Verdict::Missing) => "missing data",
        (Lang::En, Verdict::OnTrack) => "on track",
        (Lang::En, Verdict::Pass) => "met",
        (Lang::En, Verdict::NotDue) => "not yet due",
    }
}

pub fn badge(lang: Lang, v: Verdict) -> String {
    format!("{} {}", symbol(v), verdict(lang, v))
}

pub fn attribute(lang: Lang, a: Attribute) -> &'static str {
    match (lang, a) {
        (Lang::Zh, Attribute::Binding) => "约束性",
        (Lang::Zh, Attribute::Expected) => "预期性",
        (Lang::Zh, Attribute::Strive) => "力争",
        (Lang::En, Attribute::Binding) => "binding",
        (Lang::En, Attribute::Expected) => "expected",
        (Lang::En, Attribute::Strive) => "strive",
    }
}

pub fn severity(lang: Lang, s: Severity) -> &'static str {
    match (lang, s) {
        (Lang::Zh, Severity::Error) => "错误",
        (Lang::Zh, Severity::Warning) => "警告",
        (Lang::Zh, Severity::Note) => "提示",
        (Lang::En, s) => s.as_str(),
    }
}

pub fn year(lang: Lang, y: i32) -> String {
    match lang {
        Lang::Zh => format!("{y}年"),
        Lang::En => y.to_string(),
    }
}

pub fn years(lang: Lang, from: i32, to: i32) -> String {
    match lang {
        Lang::Zh => format!("{from}–{to}年"),
        Lang::En => format!("{from}–{to}"),
    }
}

pub fn article(a: Option<u32>) -> String {
    a.map(|a| format!("§{a}")).unwrap_or_default()
}

/// A number for people: exact when short, else rounded to three decimals and marked `≈`.
pub fn number(d: Decimal) -> String {
    let exact = d.normalize();
    let rounded = d.round_dp(3).normalize();
    if rounded == exact {
        exact.to_string()
    } else {
        format!("≈{rounded}")
    }
}

fn is_percent(unit: &str) -> bool {
    matches!(unit, "%" | "％")
}

fn is_rank(unit: &str) -> bool {
    matches!(unit, "rank" | "位")
}

/// A quantity in the plan's unit: `400亿元`, `54.2%`, `第3位`.
pub fn quantity(lang: Lang, d: Decimal, unit: &str) -> String {
    let n = number(d);
    if unit.is_empty() {
        n
    } else if is_rank(unit) {
        match lang {
            Lang::Zh => format!("第{n}位"),
            Lang::En => format!("rank {n}"),
        }
    } else if unit.starts_with(|c: char| c.is_ascii_alphabetic()) {
        format!("{n} {unit}")
    } else {
        format!("{n}{unit}")
    }
}

/// A difference: percentages differ by points, ranks by places.
pub fn difference(lang: Lang, d: Decimal, unit: &str) -> String {
    let n = number(d);
    match lang {
        _ if is_percent(unit) => match lang {
            Lang::Zh => format!("{n}个百分点"),
            Lang::En => format!("{n} percentage points"),
        },
        Lang::Zh if is_rank(unit) => format!("{n}位"),
        Lang::En if is_rank(unit) => format!("{n} places"),
        _ => quantity(lang, d, unit),
    }
}

pub fn shown(lang: Lang, s: Shown, unit: &str) -> String {
    match s {
        Shown::Num(n) => quantity(lang, n, unit),
        Shown::Flag(b) => words(lang).flag(b).to_string(),
    }
}

impl Words {
    pub fn flag(&self, b: bool) -> &'static str {
        if b { self.yes } else { self.no }
    }
}

pub fn op(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Ge => "≥",
        CmpOp::Gt => ">",
        CmpOp::Le => "≤",
        CmpOp::Lt => "<",
        CmpOp::Eq => "=",
        CmpOp::Ne => "≠",
    }
}

/// What a target asks for, in a line.
pub fn goal(lang: Lang, report: &Report, row: &TargetRow) -> String {
    match &row.goal {
        Goal::Deadline {
            year: y,
            op: o,
            target,
        } => {
            let t = shown(lang, *target, &row.unit);
            match lang {
                Lang::Zh => format!("{} {} {t}", year(lang, *y), op(*o)),
                Lang::En => format!("{} {t} by {y}", op(*o)),
            }
        }
        Goal::Cumulative {
            from,
            to,
            op: o,
            target,
        } => {
            let t = quantity(lang, *target, &row.unit);
            match lang {
                Lang::Zh => format!("{}累计 {} {t}", years(lang, *from, *to), op(*o)),
                Lang::En => format!("{from}–{to} total {} {t}", op(*o)),
            }
        }
        Goal::Yearly {
            from,
            to,
            trend: Some((o, x)),
            ..
        } => {
            let x = check_text(lang, report, x);
            let way = match (lang, o) {
                (Lang::Zh, CmpOp::Lt) => "逐年下降",
                (Lang::Zh, CmpOp::Le) => "逐年不升",
                (Lang::Zh, CmpOp::Gt) => "逐年上升",
                (Lang::Zh, CmpOp::Ge) => "逐年不降",
                (Lang::Zh, _) => "逐年比较",
                (Lang::En, CmpOp::Lt) => "falls",
                (Lang::En, CmpOp::Le) => "does not rise",
                (Lang::En, CmpOp::Gt) => "rises",
                (Lang::En, CmpOp::Ge) => "does not fall",
                (Lang::En, _) => "compared with the year before",
            };
            match lang {
                Lang::Zh => format!("{}{way}：{x}", years(lang, *from, *to)),
                Lang::En => format!("{x} {way} every year {from}–{to}"),
            }
        }
        Goal::Yearly {
            from, to, check, ..
        } => {
            let c = check_text(lang, report, check);
            match lang {
                Lang::Zh => format!("{}逐年：{c}", years(lang, *from, *to)),
                Lang::En => format!("every year {from}–{to}: {c}"),
            }
        }
        Goal::Other { year: y, check } => {
            let c = check_text(lang, report, check);
            match lang {
                Lang::Zh => format!("{}：{c}", year(lang, *y)),
                Lang::En => format!("by {y}: {c}"),
            }
        }
    }
}

/// A rule's check made readable: indicator names for ids (in Chinese), symbols for operators.
pub fn check_text(lang: Lang, report: &Report, check: &str) -> String {
    let mut out = String::new();
    let mut rest = check;
    while let Some(c) = rest.chars().next() {
        if c.is_alphanumeric() || c == '_' {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let word = &rest[..end];
            out.push_str(&word_text(lang, report, word));
            rest = &rest[end..];
            continue;
        }
        if c == '['
            && let Some(end) = rest.find(']')
            && let Some(inside) = rest.get(1..end)
        {
            out.push_str(&year_ref(lang, inside.trim()));
            rest = rest.get(end + 1..).unwrap_or("");
            continue;
        }
        let (piece, len) = match rest {
            r if r.starts_with(">=") => ("≥", 2),
            r if r.starts_with("<=") => ("≤", 2),
            r if r.starts_with("==") => ("=", 2),
            r if r.starts_with("!=") => ("≠", 2),
            r if r.starts_with('.') && lang == Lang::Zh => ("的", 1),
            _ => ("", 0),
        };
        if len > 0 {
            out.push_str(piece);
            rest = &rest[len..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn word_text(lang: Lang, report: &Report, word: &str) -> String {
    match (lang, word) {
        (Lang::Zh, "and") => "且".to_string(),
        (Lang::Zh, "or") => "或".to_string(),
        (Lang::Zh, "not") => "非".to_string(),
        (Lang::Zh, "tolerance") => "容差".to_string(),
        (Lang::Zh, "true") => ZH.yes.to_string(),
        (Lang::Zh, "false") => ZH.no.to_string(),
        (Lang::Zh, w) => report
            .names
            .get(w)
            .cloned()
            .unwrap_or_else(|| w.to_string()),
        (Lang::En, w) => w.to_string(),
    }
}

fn year_ref(lang: Lang, inside: &str) -> String {
    match (lang, inside) {
        (Lang::Zh, "year - 1") => "（上年）".to_string(),
        (Lang::En, "year - 1") => "[previous year]".to_string(),
        (Lang::Zh, "base") => "（基年）".to_string(),
        (Lang::En, "base") => "[base year]".to_string(),
        (Lang::Zh, y) if y.parse::<i32>().is_ok() => format!("（{y}年）"),
        (Lang::Zh, other) => format!("（{other}）"),
        (Lang::En, other) => format!("[{other}]"),
    }
}

pub fn latest(lang: Lang, row: &TargetRow) -> String {
    match &row.latest {
        Some(Latest { value, year: y }) => {
            let v = shown(lang, *value, &row.unit);
            match lang {
                Lang::Zh => format!("{v}（{y}年）"),
                Lang::En => format!("{v} ({y})"),
            }
        }
        None => "—".to_string(),
    }
}

pub fn bar(lang: Lang, bar: &Bar) -> String {
    let done = number(bar.done);
    let path = bar.path.map(number);
    match (lang, path, bar.share) {
        (Lang::Zh, Some(p), Some((d, t))) => format!("累计完成 {done}%（{d}/{t} 年进度线 {p}%）"),
        (Lang::Zh, Some(p), None) => format!("完成 {done}%（进度线 {p}%）"),
        (Lang::Zh, None, _) => format!("完成 {done}%"),
        (Lang::En, Some(p), Some((d, t))) => {
            format!("{done}% of the total ({d}/{t} years: path {p}%)")
        }
        (Lang::En, Some(p), None) => format!("{done}% of target (path {p}%)"),
        (Lang::En, None, _) => format!("{done}% of target"),
    }
}

pub fn gap(lang: Lang, gap: &Gap, unit: &str) -> String {
    let d = |n: Decimal| difference(lang, n, unit);
    match (lang, gap) {
        (Lang::Zh, Gap::Short(n)) if n.is_zero() => "恰好等于目标值，未超过".to_string(),
        (Lang::En, Gap::Short(n)) if n.is_zero() => {
            "exactly at the bound, not above it".to_string()
        }
        (Lang::Zh, Gap::Short(n)) => format!("差 {}", d(*n)),
        (Lang::En, Gap::Short(n)) => format!("{} short", d(*n)),
        (Lang::Zh, Gap::Over(n)) if n.is_zero() => "与界限持平，未降低".to_string(),
        (Lang::En, Gap::Over(n)) if n.is_zero() => "level with the bound, not below it".to_string(),
        (Lang::Zh, Gap::Over(n)) => format!("超出 {}", d(*n)),
        (Lang::En, Gap::Over(n)) => format!("{} over", d(*n)),
        (
            _,
            Gap::Behind {
                by,
                growth,
                per_year,
                cumulative,
            },
        ) => {
            let need = match (lang, growth, per_year, cumulative) {
                (Lang::Zh, Some(g), _, _) => format!("；此后需年均增长 {}%", number(*g)),
                (Lang::Zh, None, Some(p), true) => {
                    format!("；此后每年平均需 {}", quantity(lang, *p, unit))
                }
                (Lang::Zh, None, Some(p), false) => format!("；此后每年需增加 {}", d(*p)),
                (Lang::En, Some(g), _, _) => {
                    format!("; needs {}% growth a year from here", number(*g))
                }
                (Lang::En, None, Some(p), true) => format!(
                    "; needs {} a year on average from here",
                    quantity(lang, *p, unit)
                ),
                (Lang::En, None, Some(p), false) => {
                    format!("; needs {} more each year from here", d(*p))
                }
                (_, None, None, _) => String::new(),
            };
            match lang {
                Lang::Zh => format!("落后直线路径 {}{need}", d(*by)),
                Lang::En => format!("{} behind the straight path{need}", d(*by)),
            }
        }
        (Lang::Zh, Gap::Ahead(n)) => format!("领先直线路径 {}", d(*n)),
        (Lang::En, Gap::Ahead(n)) => format!("{} ahead of the straight path", d(*n)),
    }
}

/// What a target lacks, consecutive years run together: `单位GDP能耗 2020–2025年（未报送）`.
pub fn missing(lang: Lang, report: &Report, m: &[MissingValue]) -> Option<String> {
    if m.is_empty() {
        return None;
    }
    // `m` is sorted, so the years of one value come together and in order.
    let mut groups: Vec<(&MissingValue, Vec<(i32, i32)>)> = Vec::new();
    for v in m {
        match groups.last_mut() {
            Some((first, runs))
                if first.entity == v.entity && first.what == v.what && first.empty == v.empty =>
            {
                match runs.last_mut() {
                    Some(run) if run.1 + 1 == v.year => run.1 = v.year,
                    _ => runs.push((v.year, v.year)),
                }
            }
            _ => groups.push((v, vec![(v.year, v.year)])),
        }
    }
    let items: Vec<String> = groups
        .iter()
        .map(|(m, runs)| {
            let what = match lang {
                Lang::Zh => report
                    .names
                    .get(&m.what)
                    .cloned()
                    .unwrap_or_else(|| m.what.clone()),
                Lang::En => m.what.clone(),
            };
            let who = if m.entity == report.entity {
                String::new()
            } else {
                format!("{} ", m.entity)
            };
            let when: Vec<String> = runs
                .iter()
                .map(|(a, b)| match (lang, a == b) {
                    (Lang::Zh, true) => year(lang, *a),
                    (Lang::Zh, false) => years(lang, *a, *b),
                    (Lang::En, true) => a.to_string(),
                    (Lang::En, false) => format!("{a}–{b}"),
                })
                .collect();
            let when = when.join(if lang == Lang::Zh { "、" } else { ", " });
            match (lang, m.empty) {
                (Lang::Zh, true) => format!("{who}{what} {when}（空值）"),
                (Lang::Zh, false) => format!("{who}{what} {when}（未报送）"),
                (Lang::En, true) => format!("{who}{what} {when} (empty cell)"),
                (Lang::En, false) => format!("{who}{what} {when} (not reported)"),
            }
        })
        .collect();
    Some(match lang {
        Lang::Zh => format!("缺：{}", items.join("；")),
        Lang::En => format!("missing: {}", items.join("; ")),
    })
}

/// By how much a target is off, in one line: the gap, the failing years, what is missing.
pub fn row_detail(lang: Lang, report: &Report, t: &TargetRow) -> String {
    let mut parts = Vec::new();
    if let Some(g) = &t.gap {
        parts.push(gap(lang, g, &t.unit));
    }
    for (i, y) in t.years.iter().enumerate() {
        if y.verdict == Verdict::Fail {
            parts.push(year_detail(lang, t, i));
        }
    }
    if let Some(m) = missing(lang, report, &t.missing) {
        parts.push(m);
    }
    let sep = match lang {
        Lang::Zh => "；",
        Lang::En => "; ",
    };
    parts.join(sep)
}

/// `2021 ✔ 2022 ✘ 2023 ✔` for a year-by-year target.
pub fn years_summary(row: &TargetRow) -> String {
    row.years
        .iter()
        .map(|y| {
            let bound = y
                .bound
                .as_ref()
                .map(|b| format!("{b} "))
                .unwrap_or_default();
            format!("{bound}{} {}", y.year, symbol(y.verdict))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The comparison of one year, for a tooltip: `2022: 3.6% (> 3.8%)`.
pub fn year_detail(lang: Lang, row: &TargetRow, index: usize) -> String {
    let Some(y) = row.years.get(index) else {
        return String::new();
    };
    let value = y.actual.map(|a| shown(lang, a, &row.unit));
    let bound = y
        .expected
        .as_deref()
        .and_then(super::parse_expected)
        .map(|(o, b)| format!("{} {}", op(o), shown(lang, b, &row.unit)));
    let head = format!("{} {}", y.year, badge(lang, y.verdict));
    match (lang, value, bound) {
        (Lang::Zh, Some(v), Some(b)) => format!("{head}：{v}（{b}）"),
        (Lang::En, Some(v), Some(b)) => format!("{head}: {v} ({b})"),
        (Lang::Zh, Some(v), None) => format!("{head}：{v}"),
        (Lang::En, Some(v), None) => format!("{head}: {v}"),
        _ => head,
    }
}

pub fn series_label(lang: Lang, report: &Report, label: &SeriesLabel) -> String {
    match label {
        SeriesLabel::Indicator { entity, id, name } => {
            let what = match lang {
                Lang::Zh if !name.is_empty() => name.clone(),
                _ => id.clone(),
            };
            match entity {
                Some(e) => format!("{e} {what}"),
                None => format!("{} {what}", report.entity),
            }
        }
        SeriesLabel::Cumulative { from } => match lang {
            Lang::Zh => format!("{from}年起累计"),
            Lang::En => format!("running total from {from}"),
        },
        SeriesLabel::Expression(e) => check_text(lang, report, e),
    }
}

pub fn problem_source(lang: Lang, report: &Report, source: &ProblemSource) -> String {
    match source {
        ProblemSource::Quality {
            rule,
            indicator,
            year: y,
            severity: s,
            ..
        } => {
            let what = indicator
                .as_ref()
                .map(|i| match lang {
                    Lang::Zh => report.names.get(i).cloned().unwrap_or_else(|| i.clone()),
                    Lang::En => i.clone(),
                })
                .map(|w| format!(" · {w}"))
                .unwrap_or_default();
            let kind = words(lang).quality_rule;
            let s = severity(lang, *s);
            match lang {
                Lang::Zh => format!("{kind} {rule}（{s}）{what} · {y}年"),
                Lang::En => format!("{kind} {rule} ({s}){what} · {y}"),
            }
        }
        ProblemSource::Reader { code, severity: s } => match lang {
            Lang::Zh => format!("{}（{}）：{code}", words(lang).reader, severity(lang, *s)),
            Lang::En => format!("{} ({}): {code}", words(lang).reader, severity(lang, *s)),
        },
    }
}

/// The explanation of a data problem: the rule's own words (or title) and the finding's
/// message; for a reader's problem, its message and its help.
pub fn problem_text(lang: Lang, problem: &DataProblem) -> (String, String) {
    match &problem.source {
        ProblemSource::Quality { quote, title, .. } => {
            let head = match (lang, title) {
                (Lang::En, Some(t)) => t.clone(),
                _ => quote.clone(),
            };
            (head, problem.message.clone())
        }
        ProblemSource::Reader { .. } => (
            problem.message.clone(),
            problem
                .help
                .as_ref()
                .map(|h| format!("help: {h}"))
                .unwrap_or_default(),
        ),
    }
}

/// The line under the headline that ties its counts to the JSON output's summary.
pub fn checks_line(lang: Lang, report: &Report) -> String {
    let s = &report.summary;
    let total = s.pass + s.fail + s.missing + s.on_track + s.at_risk;
    let quality = report.quality_findings;
    match lang {
        Lang::Zh => format!(
            "按检查项计共 {total} 项（逐年目标每年计一项，含数据质量问题 {quality} 项，与 plancheck check 的统计一致）："
        ),
        Lang::En => format!(
            "Counted per check as plancheck check counts them, {total} in all (a year-by-year target once per year; {quality} data-quality failures included):"
        ),
    }
}

pub fn shown_rows(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "显示",
        Lang::En => "Showing",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn report() -> Report {
        Report {
            plan: String::new(),
            entity: "犍为县".into(),
            period: (2021, 2025),
            base_year: 2020,
            horizon: None,
            files: Vec::new(),
            date: None,
            names: BTreeMap::from([
                ("gdp_growth".to_string(), "地区生产总值增速".to_string()),
                ("energy_per_gdp".to_string(), "单位GDP能耗".to_string()),
            ]),
            summary: Default::default(),
            quality_findings: 0,
            matrix: Default::default(),
            targets: Vec::new(),
            charts: Vec::new(),
            problems: Vec::new(),
        }
    }

    #[test]
    fn numbers_keep_the_plans_units() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(quantity(Lang::Zh, d("400"), "亿元"), "400亿元");
        assert_eq!(quantity(Lang::Zh, d("54.20"), "%"), "54.2%");
        assert_eq!(quantity(Lang::Zh, d("3"), "rank"), "第3位");
        assert_eq!(quantity(Lang::En, d("3"), "rank"), "rank 3");
        assert_eq!(difference(Lang::Zh, d("1.7"), "%"), "1.7个百分点");
        assert_eq!(number(d("2.3793103448275862068965517241")), "≈2.379");
        assert_eq!(number(d("1000.00")), "1000");
    }

    #[test]
    fn checks_read_as_words() {
        let r = report();
        assert_eq!(
            check_text(Lang::Zh, &r, "gdp_growth > 乐山市.gdp_growth"),
            "地区生产总值增速 > 乐山市的地区生产总值增速"
        );
        assert_eq!(
            check_text(Lang::Zh, &r, "energy_per_gdp < energy_per_gdp[year - 1]"),
            "单位GDP能耗 < 单位GDP能耗（上年）"
        );
        assert_eq!(
            check_text(Lang::En, &r, "x >= y tolerance 1个百分点 and z != w[2020]"),
            "x ≥ y tolerance 1个百分点 and z ≠ w[2020]"
        );
        // An unclosed bracket is kept as written.
        assert_eq!(check_text(Lang::En, &r, "x[year"), "x[year");
    }
}
