//! Progress before a deadline (interfaces.md §4): the latest reported value is
//! held against the straight path from the base-year value to the target.

use super::describe::{self, difference, quantity};
use super::value::{Unknown, effective_bound};
use super::{Finding, Judge, Outcome, Progress};
use crate::check::model::{Aggregate, EntityRef, Expr, ExprKind, YearRef};
use crate::syntax::ast::CmpOp;
use rust_decimal::Decimal;
use rust_decimal::MathematicalOps;

pub(super) fn judge(j: &Judge, deadline: i32, last: i32) -> Finding {
    let check = &j.instance.check;
    let ExprKind::Compare {
        op,
        lhs,
        rhs,
        tolerance,
    } = &check.kind
    else {
        return unsupported(j, deadline, last);
    };
    let Some(wants_more) = op.wants_more() else {
        return unsupported(j, deadline, last);
    };
    let at_deadline = j.ctx.at(deadline);
    let target = match at_deadline.number(rhs) {
        Ok((t, _)) => t,
        Err(unknown) => return j.unknown(deadline, unknown),
    };
    let tolerance = match tolerance.as_deref().map(|t| at_deadline.number(t)) {
        None => None,
        Some(Ok((t, _))) => Some(t),
        Some(Err(unknown)) => return j.unknown(deadline, unknown),
    };
    let target = effective_bound(*op, target, tolerance);
    let course = Course {
        j,
        op: *op,
        wants_more,
        target,
        deadline,
        lhs,
    };
    if let ExprKind::Series {
        function: Aggregate::Sum,
        entity,
        indicator,
        from,
        to,
    } = &lhs.kind
    {
        let (from, to) = (from.resolve(deadline), to.resolve(deadline));
        if to > last {
            return course.cumulative(entity, indicator, from, to, last);
        }
    }
    course.point(last)
}

fn unsupported(j: &Judge, deadline: i32, last: i32) -> Finding {
    let mut f = j.finding(
        last,
        Outcome::Missing,
        format!("the data stops in {last}, before the {deadline} deadline, and this check has no straight path to measure progress on"),
    );
    f.help = Some("progress is measured for a single comparison such as `x >= 85%`".to_string());
    f
}

struct Course<'a> {
    j: &'a Judge<'a>,
    op: CmpOp,
    wants_more: bool,
    target: Decimal,
    deadline: i32,
    lhs: &'a Expr,
}

impl Course<'_> {
    fn on_course(&self, value: Decimal, path: Decimal) -> bool {
        if self.wants_more {
            value >= path
        } else {
            value <= path
        }
    }

    fn target_text(&self) -> String {
        format!("{} {}", self.op.as_str(), self.target)
    }

    fn ahead_or_behind(&self, off: Decimal) -> &'static str {
        let ahead = if self.wants_more {
            off >= Decimal::ZERO
        } else {
            off <= Decimal::ZERO
        };
        if ahead { "ahead of" } else { "behind" }
    }

    /// A point target: the latest value against the path at that value's year.
    fn point(&self, last: i32) -> Finding {
        let j = self.j;
        let base_year = j.rules.plan.base_year;
        let unit = self.lhs.unit.as_ref();
        let mut latest = None;
        for year in (base_year + 1..=last).rev() {
            match j.ctx.at(year).number(self.lhs) {
                Ok((value, span)) => {
                    latest = Some((year, value, span));
                    break;
                }
                Err(Unknown::Missing(_)) => continue,
                Err(undefined) => return j.unknown(year, undefined),
            }
        }
        let Some((year, value, span)) = latest else {
            let mut f = j.finding(
                last,
                Outcome::Missing,
                format!(
                    "{} has no value after {base_year}, so its progress toward {} in {} cannot be told",
                    describe::expr(j.rules, j.sources, self.lhs, last),
                    self.target_text(),
                    self.deadline
                ),
            );
            f.help = Some(format!(
                "report a value for a year from {} to {last}",
                base_year + 1
            ));
            return f;
        };
        let base = match j.ctx.at(base_year).number(self.lhs) {
            Ok((b, _)) => b,
            Err(unknown) => match self.declared_base() {
                Some(b) => b,
                None => return j.unknown(year, unknown),
            },
        };
        let elapsed = Decimal::from(year - base_year);
        let total = Decimal::from(self.deadline - base_year);
        let path = (base + (self.target - base) * elapsed / total).normalize();
        let off = value - path;
        let remaining = self.deadline - year;
        let needed_per_year = ((self.target - value) / Decimal::from(remaining)).normalize();
        let needed_growth =
            if self.wants_more && value > Decimal::ZERO && self.target > Decimal::ZERO {
                (self.target / value)
                    .checked_powd(Decimal::ONE / Decimal::from(remaining))
                    .map(|g| {
                        ((g - Decimal::ONE) * Decimal::ONE_HUNDRED)
                            .round_dp(2)
                            .normalize()
                    })
            } else {
                None
            };
        let on = self.on_course(value, path);
        let what = describe::expr(j.rules, j.sources, self.lhs, year);
        let mut f = j.finding(
            year,
            if on { Outcome::OnTrack } else { Outcome::AtRisk },
            format!(
                "{what} is {}, {} {} the straight path from {} in {base_year} to {} {} in {}, which stands at {} in {year}",
                quantity(value, unit),
                difference(off.abs(), unit),
                self.ahead_or_behind(off),
                quantity(base, unit),
                self.op.as_str(),
                quantity(self.target, unit),
                self.deadline,
                quantity(path, unit),
            ),
        );
        let per_year = if needed_per_year >= Decimal::ZERO {
            format!("+{}", difference(needed_per_year, unit))
        } else {
            difference(needed_per_year, unit)
        };
        f.help = Some(match needed_growth {
            Some(g) => format!(
                "reaching {} by {} needs {g}% growth a year from here ({per_year} a year)",
                quantity(self.target, unit),
                self.deadline
            ),
            None => format!(
                "reaching {} by {} needs a change of {per_year} a year from here",
                quantity(self.target, unit),
                self.deadline
            ),
        });
        f.actual = Some(value.to_string());
        f.expected = Some(self.target_text());
        f.data = span;
        f.progress = Some(Progress {
            base_year,
            base,
            target: self.target,
            deadline: self.deadline,
            path,
            off_path: off,
            needed_per_year: Some(needed_per_year),
            needed_growth,
            share: None,
        });
        f
    }

    /// The plan's own base value, for a check that reads one indicator of the entity.
    fn declared_base(&self) -> Option<Decimal> {
        let mut e = self.lhs;
        let mut factor = Decimal::ONE;
        if let ExprKind::Scale(inner, f) = &e.kind {
            e = inner;
            factor = *f;
        }
        match &e.kind {
            ExprKind::Value {
                entity: EntityRef::Subject,
                indicator,
                year: YearRef::Relative(0),
            } => self
                .j
                .rules
                .indicators
                .get(indicator)?
                .base
                .map(|b| b * factor),
            _ => None,
        }
    }

    /// A total over a span: the years reported so far against the same share of the total.
    fn cumulative(
        &self,
        entity: &EntityRef,
        indicator: &str,
        from: i32,
        to: i32,
        last: i32,
    ) -> Finding {
        let j = self.j;
        let unit = self.lhs.unit.as_ref();
        let upto = last.min(to);
        let entity_name = match entity {
            EntityRef::Subject => j.ctx.subject,
            EntityRef::Named(n) => n.as_str(),
        };
        if upto < from {
            let mut f = j.finding(
                last,
                Outcome::Missing,
                format!("the data stops in {last}, before the first year ({from}) of the {from}–{to} total"),
            );
            f.help = Some(format!("report `{indicator}` for {from} onward"));
            return f;
        }
        let mut sum = Decimal::ZERO;
        let mut gaps = Vec::new();
        let mut span = None;
        let mut latest = Decimal::ZERO;
        for year in from..=upto {
            match j.ctx.lookup(entity_name, indicator, year) {
                Ok(super::value::Val {
                    v: super::value::V::Num(n),
                    span: s,
                }) => {
                    sum += n;
                    latest = n;
                    span = s;
                }
                Ok(_) => {}
                Err(Unknown::Missing(g)) => gaps.extend(g),
                Err(undefined) => return j.unknown(upto, undefined),
            }
        }
        if !gaps.is_empty() {
            return j.unknown(upto, Unknown::Missing(gaps));
        }
        let done = upto - from + 1;
        let years = to - from + 1;
        let path = (self.target * Decimal::from(done) / Decimal::from(years)).normalize();
        let off = sum - path;
        let remaining = to - upto;
        let needed_per_year = ((self.target - sum) / Decimal::from(remaining)).normalize();
        let needed_growth = (latest > Decimal::ZERO).then(|| {
            ((needed_per_year / latest - Decimal::ONE) * Decimal::ONE_HUNDRED)
                .round_dp(2)
                .normalize()
        });
        let on = self.on_course(sum, path);
        let name = j
            .rules
            .indicators
            .get(indicator)
            .map_or(indicator.to_string(), |d| {
                format!("{} `{indicator}`", d.name)
            });
        let mut f = j.finding(
            upto,
            if on { Outcome::OnTrack } else { Outcome::AtRisk },
            format!(
                "the {from}–{upto} total of {name} is {}, {} {} the straight path to {} {} over {from}–{to}: {done} of {years} years give {}",
                quantity(sum, unit),
                difference(off.abs(), unit),
                self.ahead_or_behind(off),
                self.op.as_str(),
                quantity(self.target, unit),
                quantity(path, unit),
            ),
        );
        f.help = Some(format!(
            "the remaining {remaining} years need {} a year on average{}",
            quantity(needed_per_year, unit),
            needed_growth
                .map(|g| format!(" ({g:+}% against {upto}'s {})", quantity(latest, unit)))
                .unwrap_or_default()
        ));
        f.actual = Some(sum.to_string());
        f.expected = Some(self.target_text());
        f.data = span;
        f.progress = Some(Progress {
            base_year: j.rules.plan.base_year,
            base: Decimal::ZERO,
            target: self.target,
            deadline: self.deadline,
            path,
            off_path: off,
            needed_per_year: Some(needed_per_year),
            needed_growth,
            share: Some((done, years)),
        });
        f
    }
}
