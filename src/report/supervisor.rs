//! The supervisor's report (`plancheck report`): where the plan stands, per target.
//!
//! This module gathers what the page shows into plain, language-neutral data; `html`
//! and `supervisor_md` only lay it out, and `i18n` supplies the words. Everything is
//! sorted here so that the same input always gives the same bytes.

pub mod i18n;

use super::Summary;
use crate::check::RuleSet;
use crate::check::model::{
    Aggregate, EntityRef, Expr, ExprKind, IndicatorDef, RuleDef, Schedule, YearRef,
};
use crate::data::{Submission, Value};
use crate::diagnostic::{Problem, Severity};
use crate::eval::value::{Ctx, TableIndex, V};
use crate::eval::{Finding, Outcome};
use crate::source::{Location, Sources, Span};
use crate::syntax::ast::{Attribute, CmpOp};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

/// Everything a report is drawn from: the results of one run of the library.
pub struct Input<'a> {
    pub rules: &'a RuleSet,
    pub data: &'a Submission,
    pub sources: &'a Sources,
    /// Problems met while reading the rules and the data (warnings and notes: errors stop the run).
    pub problems: &'a [Problem],
    /// The findings for `entity`, as `Session::evaluate` returns them.
    pub findings: &'a [Finding],
    pub entity: &'a str,
    /// The data files as named on the command line.
    pub files: &'a [String],
    /// A date to print on the report, as given; none by default so that output stays reproducible.
    pub date: Option<&'a str>,
}

/// Where one target stands as a whole. A year-by-year target is as good as its worst year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    Fail,
    AtRisk,
    Missing,
    OnTrack,
    Pass,
    /// No year of the target is due yet in this submission.
    NotDue,
}

impl Verdict {
    /// Most urgent first: the table's default order and its "by outcome" sort.
    pub const ALL: [Verdict; 6] = [
        Verdict::Fail,
        Verdict::AtRisk,
        Verdict::Missing,
        Verdict::OnTrack,
        Verdict::Pass,
        Verdict::NotDue,
    ];

    pub fn of(outcome: Outcome) -> Verdict {
        match outcome {
            Outcome::Pass => Verdict::Pass,
            Outcome::Fail => Verdict::Fail,
            Outcome::Missing => Verdict::Missing,
            Outcome::OnTrack => Verdict::OnTrack,
            Outcome::AtRisk => Verdict::AtRisk,
        }
    }

    /// The same names as the JSON output's outcomes.
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Fail => "fail",
            Verdict::AtRisk => "at_risk",
            Verdict::Missing => "missing",
            Verdict::OnTrack => "on_track",
            Verdict::Pass => "pass",
            Verdict::NotDue => "not_due",
        }
    }

    pub fn rank(self) -> usize {
        Verdict::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }
}

pub const ATTRIBUTES: [Attribute; 3] = [Attribute::Binding, Attribute::Expected, Attribute::Strive];

pub fn attribute_rank(a: Attribute) -> usize {
    ATTRIBUTES.iter().position(|x| *x == a).unwrap_or(0)
}

/// A value as read or computed: a number in the target's unit, or a yes/no flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Num(Decimal),
    Flag(bool),
}

impl Shown {
    fn parse(text: &str) -> Option<Shown> {
        match text {
            "true" => Some(Shown::Flag(true)),
            "false" => Some(Shown::Flag(false)),
            _ => Decimal::from_str(text).ok().map(Shown::Num),
        }
    }

    pub fn number(self) -> Option<Decimal> {
        match self {
            Shown::Num(n) => Some(n),
            Shown::Flag(_) => None,
        }
    }
}

/// What a target asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goal {
    /// `by YEAR: x OP target`.
    Deadline { year: i32, op: CmpOp, target: Shown },
    /// `by YEAR: sum(x[from..to]) OP target`.
    Cumulative {
        from: i32,
        to: i32,
        op: CmpOp,
        target: Decimal,
    },
    /// `each year from..to: CHECK`; `check` is the rule's own text.
    Yearly {
        from: i32,
        to: i32,
        check: String,
        /// `x OP x[year - 1]`: a value that must keep falling (or rising); the operator and `x`.
        trend: Option<(CmpOp, String)>,
    },
    /// A deadline check that is not a single comparison with a fixed bound.
    Other { year: i32, check: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Latest {
    pub value: Shown,
    pub year: i32,
}

/// Progress toward a target, in percent of the target (the bar may run past 100).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub done: Decimal,
    /// Where the straight path stands now, for a target not yet due.
    pub path: Option<Decimal>,
    /// For a cumulative target not yet due: years reported and years in its span.
    pub share: Option<(i32, i32)>,
}

/// By how much a target is off (or ahead), in the target's unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// A target that wants more is missed by this amount (zero: exactly at a bound it must exceed).
    Short(Decimal),
    /// A target that wants less is missed by this amount (zero: at a bound it must go below).
    Over(Decimal),
    /// Not yet due and behind the straight path; what it would take from here
    /// (for a cumulative target, `per_year` is the average amount each remaining year needs).
    Behind {
        by: Decimal,
        growth: Option<Decimal>,
        per_year: Option<Decimal>,
        cumulative: bool,
    },
    Ahead(Decimal),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearVerdict {
    pub year: i32,
    /// The indicator of an `each x in [...]` rule.
    pub bound: Option<String>,
    pub verdict: Verdict,
    pub actual: Option<Shown>,
    /// The comparison's bound that year, as `>= 7.6`.
    pub expected: Option<String>,
}

/// A value a finding needed and did not get.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MissingValue {
    pub entity: String,
    pub what: String,
    pub year: i32,
    /// Reported as an empty cell rather than left out.
    pub empty: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    pub id: String,
    pub article: Option<u32>,
    pub quote: String,
    pub title: Option<String>,
    pub attribute: Attribute,
    pub severity: Severity,
    pub verdict: Verdict,
    pub goal: Goal,
    /// The unit of the measured value (the left side of the check); empty for counts and flags.
    pub unit: String,
    pub latest: Option<Latest>,
    pub bar: Option<Bar>,
    pub gap: Option<Gap>,
    /// For a year-by-year rule, every year decided so far.
    pub years: Vec<YearVerdict>,
    pub missing: Vec<MissingValue>,
    /// The chart that shows this target's data, if one does.
    pub chart: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The indicator's own yearly values.
    Main,
    /// A series a year-by-year rule compares against (another entity or indicator).
    Compare,
    /// A running total from the first year of a cumulative target.
    Cumulative,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub role: Role,
    /// `None` for the main series (it is the chart's own indicator).
    pub label: Option<SeriesLabel>,
    pub points: Vec<(i32, Decimal)>,
    /// Years a data-quality rule flagged; kept out of the axis range when far out of line.
    pub flagged: BTreeSet<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeriesLabel {
    /// An indicator, of the subject or of a named entity.
    Indicator {
        entity: Option<String>,
        id: String,
        name: String,
    },
    /// A running total starting in this year.
    Cumulative { from: i32 },
    /// An expression of a rule, as written.
    Expression(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetLine {
    pub rule: String,
    pub op: CmpOp,
    pub value: Decimal,
    pub deadline: i32,
    /// The straight path from the base year's value to the target at the deadline.
    pub path_from: Option<(i32, Decimal)>,
    /// The series the target applies to (an index into `Chart::series`).
    pub series: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MarkKind {
    Fail,
    AtRisk,
    Missing,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mark {
    pub series: usize,
    pub year: i32,
    pub kind: MarkKind,
    pub rule: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartKind {
    /// Numbers over the years.
    Line,
    /// Yes/no flags over the years.
    Flags(Vec<(i32, bool)>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// The indicator id, or `rule:ID` for a derived series of one rule.
    pub id: String,
    pub title: String,
    /// For a rule's chart: the rule it draws.
    pub rule: Option<String>,
    pub unit: String,
    pub kind: ChartKind,
    pub series: Vec<Series>,
    pub targets: Vec<TargetLine>,
    pub marks: Vec<Mark>,
    /// The target rules whose data this chart shows, sorted.
    pub rules: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemSource {
    /// A failure of a `quality` rule.
    Quality {
        rule: String,
        quote: String,
        title: Option<String>,
        indicator: Option<String>,
        year: i32,
        severity: Severity,
    },
    /// A problem the readers (or the rule checker) found.
    Reader { code: String, severity: Severity },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataProblem {
    pub source: ProblemSource,
    pub message: String,
    pub location: Option<Location>,
    /// The text of the cell the problem points at.
    pub found: Option<String>,
    /// How to fix it, when the reader knows (`did you mean …?`).
    pub help: Option<String>,
}

/// Counts of targets by attribute and verdict.
pub type Matrix = BTreeMap<(usize, Verdict), usize>;

pub struct Report {
    pub plan: String,
    pub entity: String,
    pub period: (i32, i32),
    pub base_year: i32,
    /// The last year the entity reported anything for.
    pub horizon: Option<i32>,
    pub files: Vec<String>,
    pub date: Option<String>,
    /// Chinese names of indicators and record tables, by id.
    pub names: BTreeMap<String, String>,
    /// Per finding, as the JSON output counts them (quality failures included).
    pub summary: Summary,
    /// How many findings come from quality rules (all failures).
    pub quality_findings: usize,
    pub matrix: Matrix,
    /// Target rows in the table's default order: most urgent first.
    pub targets: Vec<TargetRow>,
    pub charts: Vec<Chart>,
    pub problems: Vec<DataProblem>,
}

impl Report {
    pub fn count(&self, attribute: Option<Attribute>, verdict: Verdict) -> usize {
        self.matrix
            .iter()
            .filter(|((a, v), _)| {
                *v == verdict && attribute.is_none_or(|x| attribute_rank(x) == *a)
            })
            .map(|(_, n)| n)
            .sum()
    }

    /// Verdicts that occur at all, in their order; the headline shows only these and the main five.
    pub fn verdicts_shown(&self) -> Vec<Verdict> {
        Verdict::ALL
            .into_iter()
            .filter(|v| *v != Verdict::NotDue || self.count(None, Verdict::NotDue) > 0)
            .collect()
    }

    pub fn articles(&self) -> Vec<u32> {
        let set: BTreeSet<u32> = self.targets.iter().filter_map(|t| t.article).collect();
        set.into_iter().collect()
    }
}

/// Gathers the report of one entity.
pub fn build(input: &Input) -> Report {
    let rules = input.rules;
    let findings: Vec<&Finding> = input
        .findings
        .iter()
        .filter(|f| f.entity == input.entity)
        .collect();
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &findings {
        by_rule.entry(f.rule.as_str()).or_default().push(f);
    }
    let charts = charts(input, &by_rule);
    let mut targets: Vec<TargetRow> = rules
        .rules
        .iter()
        .filter(|r| !r.quality)
        .map(|r| {
            let fs = by_rule.get(r.id.as_str()).map_or(&[][..], Vec::as_slice);
            target_row(input, r, fs, &charts)
        })
        .collect();
    targets.sort_by(|a, b| {
        (
            a.verdict,
            attribute_rank(a.attribute),
            a.article.unwrap_or(u32::MAX),
            &a.id,
        )
            .cmp(&(
                b.verdict,
                attribute_rank(b.attribute),
                b.article.unwrap_or(u32::MAX),
                &b.id,
            ))
    });
    let mut matrix = Matrix::new();
    for t in &targets {
        *matrix
            .entry((attribute_rank(t.attribute), t.verdict))
            .or_default() += 1;
    }
    let quality: BTreeSet<&str> = rules
        .rules
        .iter()
        .filter(|r| r.quality)
        .map(|r| r.id.as_str())
        .collect();
    Report {
        plan: rules.plan.name.clone(),
        entity: input.entity.to_string(),
        period: rules.plan.period,
        base_year: rules.plan.base_year,
        horizon: input.data.horizon(input.entity),
        files: input.files.to_vec(),
        date: input.date.map(str::to_string),
        names: rules
            .indicators
            .values()
            .map(|d| (d.id.clone(), d.name.clone()))
            .chain(
                rules
                    .tables
                    .values()
                    .filter_map(|t| Some((t.id.clone(), t.name.clone()?))),
            )
            .collect(),
        summary: Summary::of(findings.iter().copied()),
        quality_findings: findings
            .iter()
            .filter(|f| quality.contains(f.rule.as_str()))
            .count(),
        matrix,
        targets,
        charts,
        problems: data_problems(input, &findings),
    }
}

/// `>= 400` as written in `Finding::expected`: an operator and a bound.
fn parse_expected(text: &str) -> Option<(CmpOp, Shown)> {
    let (op, rest) = text.split_once(' ')?;
    let op = match op {
        ">=" => CmpOp::Ge,
        ">" => CmpOp::Gt,
        "<=" => CmpOp::Le,
        "<" => CmpOp::Lt,
        "==" => CmpOp::Eq,
        "!=" => CmpOp::Ne,
        _ => return None,
    };
    Some((op, Shown::parse(rest)?))
}

fn comparison(expr: &Expr) -> Option<(&Expr, &Expr)> {
    match &expr.kind {
        ExprKind::Compare { lhs, rhs, .. } => Some((lhs, rhs)),
        _ => None,
    }
}

/// The indicator an expression reads plainly: the subject's value in the year being checked.
fn plain_indicator(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::Value {
            entity: EntityRef::Subject,
            indicator,
            year: YearRef::Relative(0),
        } => Some(indicator),
        _ => None,
    }
}

/// `sum(x[from..to])` of the subject, with the years resolved at `deadline`.
fn cumulative_of(expr: &Expr, deadline: i32) -> Option<(&str, i32, i32)> {
    match &expr.kind {
        ExprKind::Series {
            function: Aggregate::Sum,
            from,
            to,
            element,
        } => match &element.kind {
            ExprKind::Value {
                entity: EntityRef::Subject,
                indicator,
                year: YearRef::Iterated,
            } => Some((
                indicator.as_str(),
                from.resolve(deadline),
                to.resolve(deadline),
            )),
            _ => None,
        },
        _ => None,
    }
}

/// The value of an expression that reads no data, such as `400亿元` brought into the other side's unit.
fn constant(expr: &Expr) -> Option<Decimal> {
    match &expr.kind {
        ExprKind::Number(n) => Some(*n),
        ExprKind::Scale(inner, factor) => constant(inner)?.checked_mul(*factor),
        ExprKind::Neg(inner) => Some(-constant(inner)?),
        _ => None,
    }
}

fn percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole <= Decimal::ZERO {
        return None;
    }
    part.checked_mul(Decimal::ONE_HUNDRED)?
        .checked_div(whole)
        .map(|p| p.round_dp(1).normalize())
}

fn target_row(input: &Input, rule: &RuleDef, findings: &[&Finding], charts: &[Chart]) -> TargetRow {
    let check = rule.instances.first().map(|i| &i.check);
    let check_text = check
        .map(|c| input.sources.slice(c.span).to_string())
        .unwrap_or_default();
    let mut row = TargetRow {
        id: rule.id.clone(),
        article: rule.article,
        quote: rule.quote.clone(),
        title: rule.title.clone(),
        attribute: rule.attribute,
        severity: rule.severity,
        verdict: Verdict::NotDue,
        goal: Goal::Other {
            year: schedule_year(rule),
            check: check_text.clone(),
        },
        unit: findings.first().map(|f| f.unit.clone()).unwrap_or_default(),
        latest: None,
        bar: None,
        gap: None,
        years: Vec::new(),
        missing: Vec::new(),
        chart: charts
            .iter()
            .find(|c| c.rule.as_deref() == Some(rule.id.as_str()))
            .or_else(|| charts.iter().find(|c| c.rules.contains(&rule.id)))
            .map(|c| c.id.clone()),
    };
    let mut missing = BTreeSet::new();
    for f in findings {
        for g in &f.gaps {
            missing.insert(MissingValue {
                entity: g.entity.clone(),
                what: g.what.clone(),
                year: g.year,
                empty: g.span.is_some(),
            });
        }
    }
    row.missing = missing.into_iter().collect();
    row.verdict = findings
        .iter()
        .map(|f| Verdict::of(f.outcome))
        .min()
        .unwrap_or(Verdict::NotDue);
    match rule.schedule {
        Schedule::Each(from, to) => {
            let trend = check.and_then(|c| match &c.kind {
                ExprKind::Compare { op, lhs, rhs, .. } => {
                    let l = input.sources.slice(lhs.span);
                    let r = input.sources.slice(rhs.span).replace("[year - 1]", "");
                    (l == r).then(|| (*op, l.to_string()))
                }
                _ => None,
            });
            row.goal = Goal::Yearly {
                from,
                to,
                check: check_text,
                trend,
            };
            row.years = findings
                .iter()
                .map(|f| YearVerdict {
                    year: f.year,
                    bound: f.bound.clone(),
                    verdict: Verdict::of(f.outcome),
                    actual: f.actual.as_deref().and_then(Shown::parse),
                    expected: f.expected.clone(),
                })
                .collect();
            row.latest = findings.iter().rev().find_map(|f| {
                Some(Latest {
                    value: Shown::parse(f.actual.as_deref()?)?,
                    year: f.year,
                })
            });
        }
        Schedule::By(deadline) => {
            // A `by` rule has one finding (per instance); the first instance speaks for the row.
            let Some(f) = findings.first() else {
                return row;
            };
            // A missing value leaves the finding without a bound; the rule's constant still says it.
            let expected = f
                .expected
                .as_deref()
                .and_then(parse_expected)
                .or_else(|| match &check?.kind {
                    ExprKind::Compare { op, rhs, .. } => Some((*op, Shown::Num(constant(rhs)?))),
                    _ => None,
                });
            let lhs = check.and_then(comparison).map(|(l, _)| l);
            if let Some((op, target)) = expected {
                row.goal = match (lhs.and_then(|l| cumulative_of(l, deadline)), target) {
                    (Some((_, from, to)), Shown::Num(t)) => Goal::Cumulative {
                        from,
                        to,
                        op,
                        target: t,
                    },
                    _ => Goal::Deadline {
                        year: deadline,
                        op,
                        target,
                    },
                };
            }
            let actual = f.actual.as_deref().and_then(Shown::parse);
            row.latest = actual.map(|value| Latest {
                value,
                year: f.year,
            });
            let (Some((op, Shown::Num(target))), Some(Shown::Num(value))) = (expected, actual)
            else {
                return row;
            };
            let wants_more = op.wants_more();
            if wants_more == Some(true) {
                row.bar = percent(value, target).map(|done| Bar {
                    done,
                    path: f.progress.as_ref().and_then(|p| percent(p.path, target)),
                    share: f.progress.as_ref().and_then(|p| p.share),
                });
            }
            row.gap = match (f.outcome, &f.progress, wants_more) {
                (Outcome::AtRisk, Some(p), _) => Some(Gap::Behind {
                    by: p.off_path.abs(),
                    growth: p.needed_growth.filter(|_| p.share.is_none()),
                    per_year: p.needed_per_year,
                    cumulative: p.share.is_some(),
                }),
                (Outcome::OnTrack, Some(p), _) => Some(Gap::Ahead(p.off_path.abs())),
                (Outcome::Fail, _, Some(true)) => {
                    Some(Gap::Short((target - value).max(Decimal::ZERO)))
                }
                (Outcome::Fail, _, Some(false)) => {
                    Some(Gap::Over((value - target).max(Decimal::ZERO)))
                }
                _ => None,
            };
        }
    }
    row
}

/// The year a rule is due by: its deadline, or the last year of its span.
fn schedule_year(rule: &RuleDef) -> i32 {
    match rule.schedule {
        Schedule::By(y) | Schedule::Each(_, y) => y,
    }
}

/// Values by year.
type Points = Vec<(i32, Decimal)>;

/// The subject's yearly values of one indicator, and whether they are flags.
fn yearly(data: &Submission, entity: &str, indicator: &str) -> (Points, Vec<(i32, bool)>) {
    let mut numbers = Vec::new();
    let mut flags = Vec::new();
    for (name, year, cell) in data.observations_of(entity) {
        if name != indicator {
            continue;
        }
        match cell.value {
            Value::Number(n) => numbers.push((year, n)),
            Value::Flag(b) => flags.push((year, b)),
            Value::Empty | Value::Text(_) => {}
        }
    }
    // The store keeps an entity's cells in its own order; charts read years left to right.
    numbers.sort_by_key(|(year, _)| *year);
    flags.sort_by_key(|(year, _)| *year);
    (numbers, flags)
}

/// The (indicator, year) cells a quality rule flagged.
fn flagged_cells(
    input: &Input,
    by_rule: &BTreeMap<&str, Vec<&Finding>>,
) -> BTreeSet<(String, i32)> {
    let mut out = BTreeSet::new();
    for rule in input.rules.rules.iter().filter(|r| r.quality) {
        for f in by_rule.get(rule.id.as_str()).into_iter().flatten() {
            if f.outcome != Outcome::Fail {
                continue;
            }
            if let Some(ind) = f.bound.as_ref().or(f.indicator.as_ref()) {
                out.insert((ind.clone(), f.year));
            }
        }
    }
    out
}

fn series_label(input: &Input, expr: &Expr) -> SeriesLabel {
    let inner = match &expr.kind {
        ExprKind::Scale(inner, _) => inner,
        _ => expr,
    };
    match &inner.kind {
        ExprKind::Value {
            entity,
            indicator,
            year: YearRef::Relative(0),
        } => SeriesLabel::Indicator {
            entity: match entity {
                EntityRef::Subject => None,
                EntityRef::Named(n) => Some(n.clone()),
            },
            id: indicator.clone(),
            name: input
                .rules
                .indicators
                .get(indicator)
                .map(|d| d.name.clone())
                .unwrap_or_default(),
        },
        _ => SeriesLabel::Expression(input.sources.slice(expr.span).to_string()),
    }
}

/// Whether an expression reads anything other than `indicator` of the subject.
fn reads_other(expr: &Expr, indicator: &str) -> bool {
    match &expr.kind {
        ExprKind::Value {
            entity,
            indicator: i,
            ..
        }
        | ExprKind::Growth {
            entity,
            indicator: i,
            ..
        } => *entity != EntityRef::Subject || i != indicator,
        ExprKind::Series { element, .. } => reads_other(element, indicator),
        ExprKind::Table { .. } | ExprKind::Column(_) => true,
        ExprKind::Scale(e, _)
        | ExprKind::Neg(e)
        | ExprKind::Not(e)
        | ExprKind::Present(e)
        | ExprKind::Whole(e) => reads_other(e, indicator),
        ExprKind::Binary(_, a, b) | ExprKind::Logic(_, a, b) => {
            reads_other(a, indicator) || reads_other(b, indicator)
        }
        ExprKind::Compare { lhs, rhs, .. } => {
            reads_other(lhs, indicator) || reads_other(rhs, indicator)
        }
        ExprKind::Number(_) | ExprKind::Bool(_) => false,
    }
}

/// Where a chart marks a finding: missed years, a value at risk, a year with no value.
fn marks_of(findings: &[&Finding], series: usize) -> Vec<Mark> {
    findings
        .iter()
        .filter_map(|f| {
            let kind = match f.outcome {
                Outcome::Fail => MarkKind::Fail,
                Outcome::AtRisk => MarkKind::AtRisk,
                Outcome::Missing => MarkKind::Missing,
                Outcome::Pass | Outcome::OnTrack => return None,
            };
            Some(Mark {
                series,
                year: f.year,
                kind,
                rule: f.rule.clone(),
            })
        })
        .collect()
}

/// The base-year value a straight path starts from: reported, else the plan's own.
fn base_value(input: &Input, indicator: &str) -> Option<Decimal> {
    let base_year = input.rules.plan.base_year;
    match input
        .data
        .value(input.entity, base_year, indicator)
        .map(|c| &c.value)
    {
        Some(Value::Number(n)) => Some(*n),
        _ => input.rules.indicators.get(indicator).and_then(|d| d.base),
    }
}

/// What every chart is drawn from.
struct Charting<'a> {
    input: &'a Input<'a>,
    tables: TableIndex<'a>,
    by_rule: &'a BTreeMap<&'a str, Vec<&'a Finding>>,
    flagged: BTreeSet<(String, i32)>,
    targets: Vec<&'a RuleDef>,
}

impl Charting<'_> {
    fn findings(&self, rule: &str) -> &[&Finding] {
        self.by_rule.get(rule).map_or(&[], Vec::as_slice)
    }

    /// The chart of one indicator the entity reported in two years or more, with the
    /// targets that read it; `None` below two years. Also the first article it serves.
    fn indicator(&self, id: &str, def: &IndicatorDef) -> Option<(u32, Chart)> {
        let (numbers, flags) = yearly(self.input.data, self.input.entity, id);
        let years: BTreeSet<i32> = numbers
            .iter()
            .map(|p| p.0)
            .chain(flags.iter().map(|p| p.0))
            .collect();
        let (&first, &last) = (years.first()?, years.last()?);
        if first == last {
            return None;
        }
        let mut chart = Chart {
            id: id.to_string(),
            title: def.name.clone(),
            rule: None,
            unit: def.unit.name.clone(),
            kind: if flags.is_empty() {
                ChartKind::Line
            } else {
                ChartKind::Flags(flags)
            },
            series: vec![Series {
                role: Role::Main,
                label: None,
                flagged: numbers
                    .iter()
                    .map(|p| p.0)
                    .filter(|y| self.flagged.contains(&(id.to_string(), *y)))
                    .collect(),
                points: numbers,
            }],
            targets: Vec::new(),
            marks: Vec::new(),
            rules: Vec::new(),
        };
        let mut article = u32::MAX;
        for rule in &self.targets {
            let Some((lhs, rhs)) = rule.instances.first().and_then(|i| comparison(&i.check)) else {
                continue;
            };
            let related = match rule.schedule {
                Schedule::By(deadline) if plain_indicator(lhs) == Some(id) => {
                    self.add_deadline(&mut chart, rule, deadline);
                    true
                }
                Schedule::By(deadline) => match cumulative_of(lhs, deadline) {
                    Some((ind, from, to)) if ind == id => {
                        self.add_cumulative(&mut chart, rule, from, to);
                        true
                    }
                    _ => false,
                },
                Schedule::Each(..) if plain_indicator(lhs) == Some(id) => {
                    if reads_other(rhs, id) {
                        self.add_comparison(&mut chart, rhs, first, last);
                    }
                    chart.marks.extend(marks_of(self.findings(&rule.id), 0));
                    true
                }
                Schedule::Each(..) => false,
            };
            if related {
                chart.rules.push(rule.id.clone());
                article = article.min(rule.article.unwrap_or(u32::MAX));
            }
        }
        chart.marks.sort();
        chart.marks.dedup();
        chart.rules.sort();
        chart.rules.dedup();
        Some((article, chart))
    }

    /// `by YEAR: x OP target`: the target, the straight path to it, the verdict's mark.
    fn add_deadline(&self, chart: &mut Chart, rule: &RuleDef, deadline: i32) {
        let findings = self.findings(&rule.id);
        let Some((op, value, f)) = target_of(findings) else {
            return;
        };
        let base = f
            .progress
            .as_ref()
            .map(|p| p.base)
            .or_else(|| base_value(self.input, &chart.id));
        chart.targets.push(TargetLine {
            rule: rule.id.clone(),
            op,
            value,
            deadline,
            path_from: base.map(|b| (self.input.rules.plan.base_year, b)),
            series: 0,
        });
        chart.marks.extend(marks_of(findings, 0));
    }

    /// `by YEAR: sum(x[from..to]) OP target`: a running total, held against the target
    /// and the straight path from nothing before `from`.
    fn add_cumulative(&self, chart: &mut Chart, rule: &RuleDef, from: i32, to: i32) {
        let Some(main) = chart.series.first() else {
            return;
        };
        let mut total = Decimal::ZERO;
        let mut running = Vec::new();
        // A total stops at the first year not reported: after it, it would be no total.
        for year in from..=to {
            let Some(v) = value_in(&main.points, year) else {
                break;
            };
            total += v;
            running.push((year, total));
        }
        if running.is_empty() {
            return;
        }
        let index = chart.series.len();
        chart.series.push(Series {
            role: Role::Cumulative,
            label: Some(SeriesLabel::Cumulative { from }),
            points: running,
            flagged: BTreeSet::new(),
        });
        let findings = self.findings(&rule.id);
        if let Some((op, value, _)) = target_of(findings) {
            chart.targets.push(TargetLine {
                rule: rule.id.clone(),
                op,
                value,
                deadline: to,
                path_from: Some((from - 1, Decimal::ZERO)),
                series: index,
            });
        }
        chart.marks.extend(marks_of(findings, index));
    }

    /// The other side of a year-by-year comparison (another entity, another indicator),
    /// over the years the chart's indicator was reported.
    fn add_comparison(&self, chart: &mut Chart, rhs: &Expr, first: i32, last: i32) {
        let label = series_label(self.input, rhs);
        if chart
            .series
            .iter()
            .any(|s| s.label.as_ref() == Some(&label))
        {
            return;
        }
        let points = self.evaluated(rhs, first..=last);
        if !points.is_empty() {
            chart.series.push(Series {
                role: Role::Compare,
                label: Some(label),
                points,
                flagged: BTreeSet::new(),
            });
        }
    }

    /// A year-by-year rule that measures a computed value (a ratio, say) gets a chart of it.
    fn rule(&self, rule: &RuleDef) -> Option<(u32, Chart)> {
        let (Schedule::Each(..), Some(instance)) = (rule.schedule, rule.instances.first()) else {
            return None;
        };
        let (lhs, _) = comparison(&instance.check)?;
        let unit = lhs.unit.as_ref()?;
        if plain_indicator(lhs).is_some() {
            return None;
        }
        let plan = &self.input.rules.plan;
        let last = self
            .input
            .data
            .horizon(self.input.entity)
            .unwrap_or(plan.period.1);
        let points = self.evaluated(lhs, plan.base_year..=last);
        if points.len() < 2 {
            return None;
        }
        let chart = Chart {
            id: format!("rule:{}", rule.id),
            title: rule.quote.clone(),
            rule: Some(rule.id.clone()),
            unit: unit.name.clone(),
            kind: ChartKind::Line,
            series: vec![Series {
                role: Role::Main,
                label: Some(series_label(self.input, lhs)),
                points,
                flagged: BTreeSet::new(),
            }],
            targets: Vec::new(),
            marks: marks_of(self.findings(&rule.id), 0),
            rules: vec![rule.id.clone()],
        };
        Some((rule.article.unwrap_or(u32::MAX), chart))
    }

    /// An expression evaluated for every year where it has a number.
    fn evaluated(&self, expr: &Expr, years: std::ops::RangeInclusive<i32>) -> Points {
        let ctx = Ctx {
            rules: self.input.rules,
            subject_id: self.input.data.entity_id(self.input.entity),
            iterated: None,
            data: self.input.data,
            tables: &self.tables,
            subject: self.input.entity,
            year: 0,
            row: None,
        };
        years
            .filter_map(|y| match ctx.at(y).eval(expr) {
                Ok(v) => match v.v {
                    V::Num(n) => Some((y, n)),
                    V::Bool(_) => None,
                },
                Err(_) => None,
            })
            .collect()
    }
}

fn value_in(points: &[(i32, Decimal)], year: i32) -> Option<Decimal> {
    points.iter().find(|p| p.0 == year).map(|p| p.1)
}

/// The numeric target of a deadline rule, from its finding.
fn target_of<'a>(findings: &[&'a Finding]) -> Option<(CmpOp, Decimal, &'a Finding)> {
    let f = *findings.first()?;
    let (op, target) = f.expected.as_deref().and_then(parse_expected)?;
    Some((op, target.number()?, f))
}

/// One chart per indicator the entity reported in two years or more, then one per
/// year-by-year rule whose measured value is computed rather than read; in the plan's
/// order (the first article a chart serves), then by id.
fn charts(input: &Input, by_rule: &BTreeMap<&str, Vec<&Finding>>) -> Vec<Chart> {
    let charting = Charting {
        input,
        tables: TableIndex::new(input.data),
        by_rule,
        flagged: flagged_cells(input, by_rule),
        targets: input.rules.rules.iter().filter(|r| !r.quality).collect(),
    };
    let mut out: Vec<(u32, Chart)> = input
        .rules
        .indicators
        .iter()
        .filter_map(|(id, def)| charting.indicator(id, def))
        .chain(charting.targets.iter().filter_map(|r| charting.rule(r)))
        .collect();
    out.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
    out.into_iter().map(|(_, c)| c).collect()
}

fn data_problems(input: &Input, findings: &[&Finding]) -> Vec<DataProblem> {
    let sources = input.sources;
    let mut out = Vec::new();
    for p in input.problems {
        let span = p.primary.as_ref().map(|l| l.span);
        out.push(DataProblem {
            source: ProblemSource::Reader {
                code: p.code.to_string(),
                severity: p.severity,
            },
            message: p.message.clone(),
            location: span.map(|s| sources.location(s)),
            found: span.map(|s| cell_text(sources, s)),
            help: p.help.clone(),
        });
    }
    for f in findings {
        let Some(rule) = input.rules.rule(&f.rule) else {
            continue;
        };
        if !rule.quality {
            continue;
        }
        out.push(DataProblem {
            source: ProblemSource::Quality {
                rule: rule.id.clone(),
                quote: rule.quote.clone(),
                title: rule.title.clone(),
                indicator: f.bound.clone().or_else(|| f.indicator.clone()),
                year: f.year,
                severity: f.severity,
            },
            message: f.message.clone(),
            location: f.data.map(|s| sources.location(s)),
            found: f.data.map(|s| cell_text(sources, s)),
            help: None,
        });
    }
    out.sort_by(|a, b| {
        // Problems with a place first, in file order; those without one after.
        let key = |p: &DataProblem| {
            (
                p.location.is_none(),
                p.location
                    .as_ref()
                    .map(|l| (l.file.clone(), l.line, l.column)),
                match &p.source {
                    ProblemSource::Quality { rule, year, .. } => (rule.clone(), *year),
                    ProblemSource::Reader { code, .. } => (code.clone(), 0),
                },
                p.message.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    out
}

/// The text of a cell, shortened: a span may cover a whole file (an encoding note).
fn cell_text(sources: &Sources, span: Span) -> String {
    // A large data file is not held in memory: read just this cell back.
    let text = sources.excerpt(span);
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() > 60 || line.len() < text.trim_end().len() {
        let short: String = line.chars().take(60).collect();
        format!("{short}…")
    } else {
        line.to_string()
    }
}
