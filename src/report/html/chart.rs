//! Charts as inline SVG, drawn by hand: no script, no library, prints as vectors.
//!
//! Coordinates are written with one decimal so that the same data gives the same bytes.

use super::esc;
use crate::report::supervisor::i18n::{self, words};
use crate::report::supervisor::{Chart, ChartKind, Lang, MarkKind, Report, Role, Series};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::BTreeSet;
use std::fmt::Write;

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 250.0;
const FLAG_HEIGHT: f64 = 86.0;
const LEFT: f64 = 58.0;
const RIGHT: f64 = 22.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 28.0;

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// Years on the x axis, evenly spaced.
struct XAxis {
    first: i32,
    last: i32,
}

impl XAxis {
    fn x(&self, year: i32) -> f64 {
        let span = f64::from((self.last - self.first).max(1));
        LEFT + f64::from(year - self.first) / span * (WIDTH - LEFT - RIGHT)
    }

    fn years(&self) -> impl Iterator<Item = i32> {
        self.first..=self.last
    }
}

struct YAxis {
    low: f64,
    high: f64,
    step: f64,
    decimals: usize,
}

impl YAxis {
    /// Round bounds and a step of 1, 2 or 5 times a power of ten, about five ticks;
    /// whole-number data (counts, ranks) gets whole-number ticks.
    fn nice(low: f64, high: f64, whole: bool) -> YAxis {
        let (mut low, mut high) = (low, high);
        if (high - low).abs() < f64::EPSILON {
            let pad = if low.abs() > 0.0 {
                low.abs() * 0.1
            } else {
                1.0
            };
            low -= pad;
            high += pad;
        }
        let raw = (high - low) / 5.0;
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|m| m * magnitude)
            .find(|s| *s >= raw)
            .unwrap_or(10.0 * magnitude);
        let step = if whole { step.max(1.0) } else { step };
        let decimals = if step >= 1.0 {
            0
        } else {
            (-step.log10().floor()) as usize
        };
        YAxis {
            low: (low / step).floor() * step,
            high: (high / step).ceil() * step,
            step,
            decimals,
        }
    }

    fn y(&self, v: f64, height: f64) -> f64 {
        let span = (self.high - self.low).max(f64::EPSILON);
        height - BOTTOM - (v - self.low) / span * (height - TOP - BOTTOM)
    }

    fn ticks(&self) -> Vec<f64> {
        let n = ((self.high - self.low) / self.step).round() as i64;
        (0..=n).map(|i| self.low + i as f64 * self.step).collect()
    }

    fn label(&self, v: f64) -> String {
        let text = format!("{:.*}", self.decimals, v);
        // `-0` reads as a mistake.
        if text
            .trim_start_matches('-')
            .chars()
            .all(|c| c == '0' || c == '.')
        {
            text.trim_start_matches('-').to_string()
        } else {
            text
        }
    }
}

/// A value far out of line with the rest of the chart, already flagged by a quality rule,
/// is drawn at the edge with its number: one unit slip must not flatten every other point.
fn clipped(chart: &Chart) -> BTreeSet<(usize, i32)> {
    let mut normal: Vec<f64> = Vec::new();
    for s in &chart.series {
        normal.extend(
            s.points
                .iter()
                .filter(|p| !s.flagged.contains(&p.0))
                .map(|p| f(p.1)),
        );
    }
    normal.extend(chart.targets.iter().map(|t| f(t.value)));
    let (Some(low), Some(high)) = (
        normal.iter().copied().reduce(f64::min),
        normal.iter().copied().reduce(f64::max),
    ) else {
        return BTreeSet::new();
    };
    let span = (high - low).max(high.abs() * 0.1).max(f64::EPSILON);
    let mut out = BTreeSet::new();
    for (i, s) in chart.series.iter().enumerate() {
        for (year, v) in &s.points {
            let v = f(*v);
            if s.flagged.contains(year) && (v > high + 2.0 * span || v < low - 2.0 * span) {
                out.insert((i, *year));
            }
        }
    }
    out
}

fn series_class(role: Role) -> &'static str {
    match role {
        Role::Main => "s-main",
        Role::Compare => "s-compare",
        Role::Cumulative => "s-cumulative",
    }
}

fn value_at(series: &Series, year: i32) -> Option<Decimal> {
    series.points.iter().find(|p| p.0 == year).map(|p| p.1)
}

fn x_axis(chart: &Chart) -> XAxis {
    let mut years: Vec<i32> = Vec::new();
    for s in &chart.series {
        years.extend(s.points.iter().map(|p| p.0));
    }
    if let ChartKind::Flags(flags) = &chart.kind {
        years.extend(flags.iter().map(|p| p.0));
    }
    for t in &chart.targets {
        years.push(t.deadline);
        if let Some((y, _)) = t.path_from {
            years.push(y);
        }
    }
    years.extend(chart.marks.iter().map(|m| m.year));
    let first = years.iter().copied().min().unwrap_or(0);
    let last = years.iter().copied().max().unwrap_or(first).max(first + 1);
    XAxis { first, last }
}

/// The SVG of one chart; `n` makes its element ids unique on the page.
pub fn svg(lang: Lang, report: &Report, chart: &Chart, n: usize) -> String {
    let xs = x_axis(chart);
    match &chart.kind {
        ChartKind::Flags(flags) => flag_svg(lang, chart, flags, &xs, n),
        ChartKind::Line => line_svg(lang, report, chart, &xs, n),
    }
}

fn open_svg(out: &mut String, height: f64, n: usize, title: &str) {
    let _ = write!(
        out,
        r#"<svg class="plot" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="chart-title-{n}" xmlns="http://www.w3.org/2000/svg"><title id="chart-title-{n}">{}</title>"#,
        esc(title)
    );
}

fn year_labels(out: &mut String, xs: &XAxis, height: f64) {
    let every = if xs.last - xs.first > 10 { 2 } else { 1 };
    out.push_str(r#"<g class="x-axis">"#);
    for year in xs.years().filter(|y| (y - xs.first) % every == 0) {
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{year}</text>"#,
            xs.x(year),
            height - BOTTOM + 17.0
        );
    }
    out.push_str("</g>");
}

fn flag_svg(lang: Lang, chart: &Chart, flags: &[(i32, bool)], xs: &XAxis, n: usize) -> String {
    let w = words(lang);
    let failed: BTreeSet<i32> = chart
        .marks
        .iter()
        .filter(|m| m.kind == MarkKind::Fail)
        .map(|m| m.year)
        .collect();
    let summary: Vec<String> = flags
        .iter()
        .map(|(y, b)| format!("{y} {}", w.flag(*b)))
        .collect();
    let mut out = String::new();
    open_svg(
        &mut out,
        FLAG_HEIGHT,
        n,
        &format!("{}: {}", chart.title, summary.join(", ")),
    );
    // Each year gets a slot of its own, so the boxes at both ends stay inside the chart.
    let slots = f64::from(xs.last - xs.first + 1);
    let slot = (WIDTH - LEFT - RIGHT) / slots;
    let cell = (slot - 8.0).min(64.0);
    let centre = |year: i32| LEFT + (f64::from(year - xs.first) + 0.5) * slot;
    for (year, b) in flags {
        let class = if failed.contains(year) {
            "flag fail"
        } else if *b {
            "flag yes"
        } else {
            "flag no"
        };
        let x = centre(*year);
        let _ = write!(
            out,
            r#"<g class="{class}"><title>{year}: {}</title><rect x="{:.1}" y="{:.1}" width="{cell:.1}" height="30" rx="3"/><text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text></g>"#,
            w.flag(*b),
            x - cell / 2.0,
            TOP - 8.0,
            TOP + 12.0,
            if *b {
                format!("✔ {}", w.flag(true))
            } else {
                format!("✘ {}", w.flag(false))
            }
        );
    }
    out.push_str(r#"<g class="x-axis">"#);
    for year in xs.years() {
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{year}</text>"#,
            centre(year),
            FLAG_HEIGHT - BOTTOM + 17.0
        );
    }
    out.push_str("</g>");
    out.push_str("</svg>");
    out
}

fn line_svg(lang: Lang, report: &Report, chart: &Chart, xs: &XAxis, n: usize) -> String {
    let w = words(lang);
    let clipped = clipped(chart);
    let mut values: Vec<f64> = Vec::new();
    for (i, s) in chart.series.iter().enumerate() {
        values.extend(
            s.points
                .iter()
                .filter(|p| !clipped.contains(&(i, p.0)))
                .map(|p| f(p.1)),
        );
    }
    for t in &chart.targets {
        values.push(f(t.value));
        if let Some((_, b)) = t.path_from {
            values.push(f(b));
        }
    }
    let low = values.iter().copied().reduce(f64::min).unwrap_or(0.0);
    let high = values.iter().copied().reduce(f64::max).unwrap_or(1.0);
    let whole = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter())
        .all(|p| p.1.fract().is_zero())
        && chart.targets.iter().all(|t| t.value.fract().is_zero());
    let ys = YAxis::nice(low, high, whole);
    let y = |v: f64| ys.y(v, HEIGHT);
    let (plot_left, plot_right) = (LEFT, WIDTH - RIGHT);
    let (plot_top, plot_bottom) = (TOP, HEIGHT - BOTTOM);

    let title = {
        let main: Vec<String> = chart
            .series
            .first()
            .map(|s| {
                s.points
                    .iter()
                    .map(|(yr, v)| format!("{yr} {}", i18n::quantity(lang, *v, &chart.unit)))
                    .collect()
            })
            .unwrap_or_default();
        format!("{}: {}", chart.title, main.join(", "))
    };
    let mut out = String::new();
    open_svg(&mut out, HEIGHT, n, &title);

    // Grid and y axis.
    out.push_str(r#"<g class="grid">"#);
    for t in ys.ticks() {
        let _ = write!(
            out,
            r#"<line x1="{plot_left:.1}" x2="{plot_right:.1}" y1="{0:.1}" y2="{0:.1}"/><text x="{1:.1}" y="{2:.1}" text-anchor="end">{3}</text>"#,
            y(t),
            plot_left - 6.0,
            y(t) + 4.0,
            ys.label(t)
        );
    }
    out.push_str("</g>");
    if !chart.unit.is_empty() {
        let _ = write!(
            out,
            r#"<text class="unit" x="4" y="{:.1}">{}</text>"#,
            plot_top - 12.0,
            esc(&unit_label(lang, &chart.unit))
        );
    }
    year_labels(&mut out, xs, HEIGHT);

    // Targets and their straight paths, under the data.
    for t in &chart.targets {
        let ty = y(f(t.value));
        let _ = write!(
            out,
            r#"<g class="target"><title>{rule}: {op} {value}</title><line x1="{plot_left:.1}" x2="{plot_right:.1}" y1="{ty:.1}" y2="{ty:.1}"/><text x="{:.1}" y="{:.1}">{label} {op} {value}</text></g>"#,
            plot_left + 4.0,
            ty - 5.0,
            rule = esc(&t.rule),
            op = i18n::op(t.op),
            value = esc(&i18n::quantity(lang, t.value, &chart.unit)),
            label = w.legend_target,
        );
        if let Some((year, base)) = t.path_from {
            let _ = write!(
                out,
                r#"<line class="path" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{ty:.1}"><title>{}: {} {} → {} {}</title></line>"#,
                xs.x(year),
                y(f(base)),
                xs.x(t.deadline),
                w.legend_path,
                year,
                esc(&i18n::quantity(lang, base, &chart.unit)),
                t.deadline,
                esc(&i18n::quantity(lang, t.value, &chart.unit)),
            );
        }
    }

    // The series: broken where a year is missing or off the scale.
    for (i, s) in chart.series.iter().enumerate() {
        let class = series_class(s.role);
        let mut segments: Vec<Vec<(i32, Decimal)>> = Vec::new();
        let mut previous: Option<i32> = None;
        for (year, v) in &s.points {
            if clipped.contains(&(i, *year)) {
                previous = None;
                continue;
            }
            match (previous, segments.last_mut()) {
                (Some(p), Some(seg)) if p + 1 == *year => seg.push((*year, *v)),
                _ => segments.push(vec![(*year, *v)]),
            }
            previous = Some(*year);
        }
        let _ = write!(out, r#"<g class="series {class}">"#);
        for seg in segments.iter().filter(|seg| seg.len() > 1) {
            let points: Vec<String> = seg
                .iter()
                .map(|(yr, v)| format!("{:.1},{:.1}", xs.x(*yr), y(f(*v))))
                .collect();
            let _ = write!(out, r#"<polyline points="{}"/>"#, points.join(" "));
        }
        let label_points = s.role != Role::Compare && s.points.len() <= 8;
        for (year, v) in &s.points {
            let shown = i18n::quantity(lang, *v, &chart.unit);
            let name = s
                .label
                .as_ref()
                .map(|l| format!("{} ", i18n::series_label(lang, report, l)))
                .unwrap_or_default();
            if clipped.contains(&(i, *year)) {
                let high = f(*v) > ys.high;
                let (py, ty, arrow) = if high {
                    (plot_top + 2.0, plot_top + 14.0, "↑")
                } else {
                    (plot_bottom - 2.0, plot_bottom - 8.0, "↓")
                };
                let x = xs.x(*year);
                let _ = write!(
                    out,
                    r#"<g class="clipped"><title>{}{year}: {} — {}</title><path d="M{:.1},{:.1} l6,10 h-12 z"/><text x="{:.1}" y="{ty:.1}">{arrow} {}</text></g>"#,
                    esc(&name),
                    esc(&shown),
                    w.legend_flagged,
                    x,
                    if high { py - 2.0 } else { py - 10.0 },
                    x + 8.0,
                    esc(&shown),
                );
                continue;
            }
            let (px, py) = (xs.x(*year), y(f(*v)));
            let shape = if s.role == Role::Compare {
                format!(
                    r#"<rect x="{:.1}" y="{:.1}" width="6" height="6">"#,
                    px - 3.0,
                    py - 3.0
                )
            } else {
                format!(r#"<circle cx="{px:.1}" cy="{py:.1}" r="3.5">"#)
            };
            let close = if s.role == Role::Compare {
                "</rect>"
            } else {
                "</circle>"
            };
            let _ = write!(
                out,
                "{shape}<title>{}{year}: {}</title>{close}",
                esc(&name),
                esc(&shown)
            );
            if label_points {
                let _ = write!(
                    out,
                    r#"<text class="value" x="{px:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                    py - 8.0,
                    esc(&compact(*v))
                );
            }
        }
        out.push_str("</g>");
    }

    // Marks on top: missed years, the latest value at risk, missing years.
    for m in &chart.marks {
        let x = xs.x(m.year);
        let value = chart
            .series
            .get(m.series)
            .and_then(|s| value_at(s, m.year))
            .filter(|_| !clipped.contains(&(m.series, m.year)));
        let label = format!(
            "{} {}: {}",
            esc(&m.rule),
            m.year,
            match m.kind {
                MarkKind::Fail => w.legend_fail,
                MarkKind::AtRisk => w.legend_at_risk,
                MarkKind::Missing => w.legend_missing,
            }
        );
        match (m.kind, value) {
            (MarkKind::Fail, Some(v)) => {
                let py = y(f(v));
                let _ = write!(
                    out,
                    r#"<path class="mark fail" d="M{x:.1},{:.1} l7,7 l-7,7 l-7,-7 z"><title>{label}</title></path>"#,
                    py - 7.0
                );
            }
            (MarkKind::AtRisk, Some(v)) => {
                let _ = write!(
                    out,
                    r#"<circle class="mark at-risk" cx="{x:.1}" cy="{:.1}" r="8"><title>{label}</title></circle>"#,
                    y(f(v))
                );
            }
            (MarkKind::Missing, None) => {
                let _ = write!(
                    out,
                    r#"<text class="mark missing" x="{x:.1}" y="{:.1}" text-anchor="middle"><title>{label}</title>?</text>"#,
                    plot_bottom - 6.0
                );
            }
            _ => {}
        }
    }
    out.push_str("</svg>");
    out
}

/// A point's label: short enough not to collide with its neighbours (the tooltip is exact).
fn compact(d: Decimal) -> String {
    let places = if d.abs() >= Decimal::ONE_HUNDRED {
        1
    } else if d.abs() >= Decimal::ONE {
        2
    } else {
        3
    };
    d.round_dp(places).normalize().to_string()
}

fn unit_label(lang: Lang, unit: &str) -> String {
    match (lang, unit) {
        (Lang::Zh, "rank") => "位次".to_string(),
        (Lang::En, "位") => "rank".to_string(),
        _ => unit.to_string(),
    }
}

/// The legend under a chart, as HTML so that it wraps; only what the chart draws.
pub fn legend(lang: Lang, report: &Report, chart: &Chart) -> String {
    let w = words(lang);
    let mut items: Vec<(&str, String)> = Vec::new();
    if let ChartKind::Flags(_) = chart.kind {
        if chart.marks.iter().any(|m| m.kind == MarkKind::Fail) {
            items.push(("flag-fail", w.legend_fail.to_string()));
        }
    } else {
        for s in &chart.series {
            let name = match &s.label {
                Some(l) => i18n::series_label(lang, report, l),
                None => format!("{} {}", report.entity, w.legend_reported),
            };
            items.push((series_class(s.role), name));
        }
        if !chart.targets.is_empty() {
            items.push(("target", w.legend_target.to_string()));
        }
        if chart.targets.iter().any(|t| t.path_from.is_some()) {
            items.push(("path", w.legend_path.to_string()));
        }
        let kinds: BTreeSet<MarkKind> = chart.marks.iter().map(|m| m.kind).collect();
        for (kind, class, text) in [
            (MarkKind::Fail, "fail", w.legend_fail),
            (MarkKind::AtRisk, "at-risk", w.legend_at_risk),
            (MarkKind::Missing, "missing", w.legend_missing),
        ] {
            if kinds.contains(&kind) {
                items.push((class, text.to_string()));
            }
        }
        if !clipped(chart).is_empty() {
            items.push(("clipped", w.legend_flagged.to_string()));
        }
    }
    let mut out = String::from(r#"<ul class="legend">"#);
    for (class, text) in items {
        let _ = write!(
            out,
            r#"<li><span class="key key-{class}" aria-hidden="true"></span>{}</li>"#,
            esc(&text)
        );
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::YAxis;

    #[test]
    fn axes_have_round_ticks() {
        let y = YAxis::nice(230.0, 400.0, false);
        assert_eq!((y.low, y.high, y.step), (200.0, 400.0, 50.0));
        assert_eq!(y.label(250.0), "250");
        let y = YAxis::nice(0.684, 0.742, false);
        assert_eq!(y.decimals, 2);
        assert_eq!(y.label(0.7), "0.70");
    }

    #[test]
    fn counts_and_ranks_get_whole_ticks() {
        let y = YAxis::nice(0.0, 1.0, true);
        assert_eq!(y.step, 1.0);
        assert_eq!(y.ticks(), [0.0, 1.0]);
        // A flat series still gets an axis, and no `-0`.
        let y = YAxis::nice(0.0, 0.0, false);
        assert!(y.low < 0.0 && y.high > 0.0);
        assert_eq!(y.label(-0.0), "0.0");
    }
}
