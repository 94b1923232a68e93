//! Stage 4: deciding each rule for each entity and year.
//!
//! Every number here is an exact decimal. A value that is absent or reported
//! empty makes the outcome `missing`, never a pass or a fail.

pub mod describe;
mod progress;
pub mod value;

use crate::check::RuleSet;
use crate::check::model::{Expr, ExprKind, Instance, RuleDef, Schedule};
use crate::data::Submission;
use crate::diagnostic::Severity;
use crate::source::{Sources, Span};
use crate::syntax::ast::{Attribute, CmpOp};
use rayon::prelude::*;
use rust_decimal::Decimal;
use value::{Ctx, Gap, TableIndex, Unknown, V, Val};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    Missing,
    OnTrack,
    AtRisk,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Pass,
        Outcome::Fail,
        Outcome::Missing,
        Outcome::OnTrack,
        Outcome::AtRisk,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Missing => "missing",
            Outcome::OnTrack => "on_track",
            Outcome::AtRisk => "at_risk",
        }
    }

    /// Whether a finding with this outcome can fail a run: a target not shown to be met.
    pub fn is_problem(self) -> bool {
        matches!(self, Outcome::Fail | Outcome::Missing | Outcome::AtRisk)
    }
}

/// Progress toward a deadline that lies after the submission's last year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub base_year: i32,
    pub base: Decimal,
    pub target: Decimal,
    pub deadline: i32,
    /// The straight path's value at the finding's year (for a cumulative target, its share of the total).
    pub path: Decimal,
    /// The value minus the path: positive is ahead for a target that wants more.
    pub off_path: Decimal,
    /// The yearly amount still needed on average to reach the target.
    pub needed_per_year: Option<Decimal>,
    /// The yearly growth rate (in %) that would still reach the target.
    pub needed_growth: Option<Decimal>,
    /// For a cumulative target: years reported and years in the span.
    pub share: Option<(i32, i32)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: String,
    pub entity: String,
    pub year: i32,
    /// The indicator bound by `each x in [...]`, which also orders findings.
    pub bound: Option<String>,
    pub outcome: Outcome,
    pub severity: Severity,
    pub attribute: Attribute,
    pub article: Option<u32>,
    pub indicator: Option<String>,
    /// The unit `actual` and `expected` are in; empty for plain numbers and flags.
    pub unit: String,
    pub actual: Option<String>,
    pub expected: Option<String>,
    pub message: String,
    /// The shortfall or the way to fix it, for people.
    pub help: Option<String>,
    /// The value that decided the outcome, or the empty cell behind a gap.
    pub data: Option<Span>,
    /// The rule's check.
    pub rule_span: Span,
    pub progress: Option<Progress>,
    pub gaps: Vec<Gap>,
}

/// Decides every rule for every entity named, findings sorted by (rule, entity, year).
pub fn evaluate(
    rules: &RuleSet,
    data: &Submission,
    sources: &Sources,
    entities: &[String],
) -> Vec<Finding> {
    evaluate_with(rules, data, sources, entities, &|_| {})
}

/// `evaluate`, telling `progress` how many entities are done as it goes. Entities are
/// decided in parallel; the order of the findings does not depend on it.
pub fn evaluate_with(
    rules: &RuleSet,
    data: &Submission,
    sources: &Sources,
    entities: &[String],
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<Finding> {
    let tables = table_index(rules, data);
    let per_entity: Vec<Vec<Finding>> = entities
        .par_iter()
        .map(|entity| {
            let mut findings = Vec::new();
            for_each_judge(rules, data, sources, &tables, entity, |judge, horizon| {
                findings.extend(judge.all(horizon));
            });
            progress(1);
            findings
        })
        .collect();
    let mut findings: Vec<Finding> = per_entity.into_iter().flatten().collect();
    findings.par_sort_by(|a, b| {
        (&a.rule, &a.entity, a.year, &a.bound).cmp(&(&b.rule, &b.entity, b.year, &b.bound))
    });
    findings
}

/// An outcome without its words: what a line-per-finding output or a gate needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// Index into `RuleSet::rules`.
    pub rule: usize,
    /// Index into the rule's `instances` (one per bound indicator).
    pub instance: usize,
    /// Index into the entities evaluated.
    pub entity: usize,
    pub year: i32,
    pub outcome: Outcome,
}

/// The outcomes `evaluate` would give, without building their messages: the fast path
/// for a province of entities. In the order of `entities`, then rules, instances and years.
pub fn verdicts(
    rules: &RuleSet,
    data: &Submission,
    sources: &Sources,
    entities: &[String],
    progress: &(dyn Fn(u64) + Sync),
) -> Vec<Verdict> {
    let tables = table_index(rules, data);
    let per_entity: Vec<Vec<Verdict>> = entities
        .par_iter()
        .enumerate()
        .map(|(index, entity)| {
            let mut out = Vec::new();
            for_each_judge(rules, data, sources, &tables, entity, |judge, horizon| {
                for (year, outcome) in judge.outcomes(horizon) {
                    out.push(Verdict {
                        rule: judge.rule_index,
                        instance: judge.instance_index,
                        entity: index,
                        year,
                        outcome,
                    });
                }
            });
            progress(1);
            out
        })
        .collect();
    per_entity.into_iter().flatten().collect()
}

fn table_index<'a>(rules: &'a RuleSet, data: &'a Submission) -> TableIndex<'a> {
    TableIndex::new(data).complete(
        rules
            .tables
            .values()
            .filter(|t| t.complete)
            .map(|t| t.id.as_str()),
    )
}

/// Calls `f` with a judge for each rule and instance, for one entity.
fn for_each_judge<'a>(
    rules: &'a RuleSet,
    data: &'a Submission,
    sources: &'a Sources,
    tables: &'a TableIndex<'a>,
    entity: &'a str,
    mut f: impl FnMut(&Judge<'a>, Option<i32>),
) {
    let subject_id = data.entity_id(entity);
    let horizon = subject_id.and_then(|id| data.horizon_of(id));
    for (rule_index, rule) in rules.rules.iter().enumerate() {
        for (instance_index, instance) in rule.instances.iter().enumerate() {
            let judge = Judge {
                rules,
                rule,
                rule_index,
                instance,
                instance_index,
                sources,
                ctx: Ctx {
                    rules,
                    data,
                    tables,
                    subject: entity,
                    subject_id,
                    year: 0,
                    iterated: None,
                    row: None,
                },
            };
            f(&judge, horizon);
        }
    }
}

struct Judge<'a> {
    rules: &'a RuleSet,
    rule: &'a RuleDef,
    rule_index: usize,
    instance: &'a Instance,
    instance_index: usize,
    sources: &'a Sources,
    ctx: Ctx<'a>,
}

impl Judge<'_> {
    fn all(&self, horizon: Option<i32>) -> Vec<Finding> {
        let mut out = Vec::new();
        match self.rule.schedule {
            Schedule::By(deadline) => match horizon {
                Some(last) if last < deadline => out.push(progress::judge(self, deadline, last)),
                _ => out.push(self.decide(deadline)),
            },
            Schedule::Each(from, to) => {
                // Years after the submission's last one are not due yet; with no data at all, every year is.
                let last = horizon.map_or(to, |h| h.min(to));
                out.extend((from..=last).map(|year| self.decide(year)));
            }
        }
        if self.rule.quality {
            out.retain(|f| f.outcome == Outcome::Fail);
        }
        out
    }

    /// The (year, outcome) pairs `all` would give, without their words.
    fn outcomes(&self, horizon: Option<i32>) -> Vec<(i32, Outcome)> {
        let mut out = Vec::new();
        match self.rule.schedule {
            Schedule::By(deadline) => match horizon {
                Some(last) if last < deadline => {
                    let f = progress::judge(self, deadline, last);
                    out.push((f.year, f.outcome));
                }
                _ => out.push((deadline, self.outcome(deadline))),
            },
            Schedule::Each(from, to) => {
                let last = horizon.map_or(to, |h| h.min(to));
                out.extend((from..=last).map(|year| (year, self.outcome(year))));
            }
        }
        if self.rule.quality {
            out.retain(|(_, o)| *o == Outcome::Fail);
        }
        out
    }

    /// The outcome `decide` gives at one year.
    fn outcome(&self, year: i32) -> Outcome {
        let ctx = self.ctx.at(year);
        let check = &self.instance.check;
        let holds = if let ExprKind::Compare {
            op,
            lhs,
            rhs,
            tolerance,
        } = &check.kind
        {
            let t = match tolerance.as_deref().map(|t| ctx.number(t)) {
                None => None,
                Some(Ok((t, _))) => Some(t),
                Some(Err(_)) => return Outcome::Missing,
            };
            match (ctx.eval(lhs), ctx.eval(rhs)) {
                (Ok(l), Ok(r)) => value::compare(*op, l.v, r.v, t),
                _ => return Outcome::Missing,
            }
        } else {
            match ctx.eval(check) {
                Ok(Val { v, .. }) => v == V::Bool(true),
                Err(_) => return Outcome::Missing,
            }
        };
        if holds { Outcome::Pass } else { Outcome::Fail }
    }

    /// The unit of what the check measures: the left side of a comparison.
    fn unit_name(&self) -> String {
        let measured = match &self.instance.check.kind {
            ExprKind::Compare { lhs, .. } => lhs.unit.as_ref(),
            _ => None,
        };
        measured.map(|u| u.name.clone()).unwrap_or_default()
    }

    fn finding(&self, year: i32, outcome: Outcome, message: String) -> Finding {
        Finding {
            rule: self.rule.id.clone(),
            entity: self.ctx.subject.to_string(),
            year,
            bound: self.instance.bound.clone(),
            outcome,
            severity: self.rule.severity,
            attribute: self.rule.attribute,
            article: self.rule.article,
            indicator: self.instance.indicator.clone(),
            unit: self.unit_name(),
            actual: None,
            expected: None,
            message,
            help: None,
            data: None,
            rule_span: self.rule.span,
            progress: None,
            gaps: Vec::new(),
        }
    }

    fn unknown(&self, year: i32, unknown: Unknown) -> Finding {
        match unknown {
            Unknown::Missing(gaps) => {
                let mut f = self.finding(year, Outcome::Missing, describe::gaps(self.rules, &gaps));
                f.data = gaps.iter().find_map(|g| g.span);
                f.help = Some(describe::gaps_help(&gaps));
                f.gaps = gaps;
                f
            }
            Unknown::Undefined(reason) => {
                let mut f = self.finding(
                    year,
                    Outcome::Missing,
                    format!("cannot decide for {year}: {reason}"),
                );
                f.help = Some("check the values this rule reads for that year".to_string());
                f
            }
        }
    }

    /// Pass, fail or missing at one year.
    fn decide(&self, year: i32) -> Finding {
        let ctx = self.ctx.at(year);
        let check = &self.instance.check;
        if let ExprKind::Compare {
            op,
            lhs,
            rhs,
            tolerance,
        } = &check.kind
        {
            return self.decide_comparison(&ctx, year, *op, lhs, rhs, tolerance.as_deref());
        }
        match ctx.eval(check) {
            Err(unknown) => self.unknown(year, unknown),
            Ok(Val { v, span }) => {
                let holds = v == V::Bool(true);
                let outcome = if holds { Outcome::Pass } else { Outcome::Fail };
                let text = self.sources.slice(check.span).to_string();
                let subject = describe::subject(self.rules, self.instance, year);
                let bound = match &self.instance.bound {
                    Some(indicator) => format!(" (with x = `{indicator}`)"),
                    None => String::new(),
                };
                let mut f = self.finding(
                    year,
                    outcome,
                    if holds {
                        format!("{subject} meets `{text}`{bound}")
                    } else {
                        format!("{subject} does not meet `{text}`{bound}")
                    },
                );
                f.expected = Some(text);
                f.data = span;
                // `actual` is the value of the cell the finding points at, when that is the indicator's own.
                if let Some(indicator) = &self.instance.indicator
                    && let Ok(Val { v, span: at }) = ctx.lookup(ctx.subject, indicator, year)
                    && at == span
                {
                    f.actual = Some(describe::raw(v));
                }
                f
            }
        }
    }

    fn decide_comparison(
        &self,
        ctx: &Ctx,
        year: i32,
        op: CmpOp,
        lhs: &Expr,
        rhs: &Expr,
        tolerance: Option<&Expr>,
    ) -> Finding {
        let l = ctx.eval(lhs);
        let r = ctx.eval(rhs);
        let t = tolerance.map(|t| ctx.number(t));
        let words = describe::Comparison {
            rules: self.rules,
            sources: self.sources,
            lhs,
            rhs,
            op,
            tolerance: None,
            year,
        };
        let (l, r, t) = match (l, r, t) {
            (Ok(l), Ok(r), None) => (l, r, None),
            (Ok(l), Ok(r), Some(Ok((t, _)))) => (l, r, Some(t)),
            (l, r, t) => {
                // The target is still worth showing when only the measured value is missing.
                let expected = match (&r, &t) {
                    (Ok(r), None) => Some(words.expected(r.v)),
                    (Ok(r), Some(Ok((t, _)))) => Some(
                        describe::Comparison {
                            tolerance: Some(*t),
                            ..words
                        }
                        .expected(r.v),
                    ),
                    _ => None,
                };
                let mut f = self.unknown(
                    year,
                    value::merge_gaps([l.err(), r.err(), t.and_then(Result::err)]),
                );
                f.expected = expected;
                return f;
            }
        };
        let holds = value::compare(op, l.v, r.v, t);
        let mut f = self.finding(
            year,
            if holds { Outcome::Pass } else { Outcome::Fail },
            String::new(),
        );
        let words = describe::Comparison {
            tolerance: t,
            ..words
        };
        f.actual = Some(describe::raw(l.v));
        f.expected = Some(words.expected(r.v));
        f.message = words.message(l.v, r.v, holds);
        if !holds {
            f.help = words.shortfall(l.v, r.v);
        }
        f.data = l.span.or(r.span);
        f
    }
}
