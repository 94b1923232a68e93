//! Progress before a deadline (interfaces.md §4): the latest reported value is
//! held against the straight path from the base-year value to the target; a total
//! against the same share of the target, a product against the compounded share.

use super::describe::{self, difference, quantity};
use super::value::{Unknown, effective_bound};
use super::{Finding, Judge, Outcome, Progress};
use crate::check::model::{Aggregate, EntityRef, Expr, ExprKind, YearRef};
use crate::syntax::ast::CmpOp;
use crate::units::Unit;
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
        function: function @ (Aggregate::Sum | Aggregate::Product),
        from,
        to,
        element,
    } = &lhs.kind
    {
        let (from, to) = (from.resolve(deadline), to.resolve(deadline));
        if to > last {
            return course.cumulative(*function, element, (from, to), last);
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
        let base_year = self.base_year();
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
        // The plan's own base value stands in when the data lacks the base year (see `Ctx::lookup`).
        let base = match j.ctx.at(base_year).number(self.lhs) {
            Ok((b, _)) => b,
            Err(unknown) => return j.unknown(year, unknown),
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

    /// The path starts at the base year of the indicator the check measures, which may
    /// be earlier than the plan's (`base 60.6 in 2019`).
    fn base_year(&self) -> i32 {
        let mut e = self.lhs;
        if let ExprKind::Scale(inner, _) = &e.kind {
            e = inner;
        }
        match &e.kind {
            ExprKind::Value {
                entity: EntityRef::Subject,
                indicator,
                year: YearRef::Relative(0),
            } => self.j.rules.base_year(indicator),
            _ => self.j.rules.plan.base_year,
        }
    }

    /// A total or a product over a span: the years reported so far against the same
    /// share of the target — `k/n` of a total, the `k/n`-th power of a product.
    fn cumulative(
        &self,
        function: Aggregate,
        element: &Expr,
        (from, to): (i32, i32),
        last: i32,
    ) -> Finding {
        let j = self.j;
        let compounds = function == Aggregate::Product;
        let unit = self.lhs.unit.as_ref();
        let upto = last.min(to);
        let name = describe::element_name(j.rules, j.sources, element);
        if upto < from {
            let mut f = j.finding(
                last,
                Outcome::Missing,
                format!("the data stops in {last}, before the first year ({from}) of the {from}–{to} {}", describe::aggregate_words(function)),
            );
            f.help = Some(format!("report {name} for {from} onward"));
            return f;
        }
        let (values, span) = match j.ctx.at(self.deadline).series_values(element, from, upto) {
            Ok(found) => found,
            Err(unknown) => return j.unknown(upto, unknown),
        };
        let so_far = match super::value::aggregate(function, &values) {
            Some(v) => v,
            None => return j.unknown(upto, super::value::overflow()),
        };
        let latest = values.last().copied().unwrap_or(Decimal::ZERO);
        let done = upto - from + 1;
        let years = to - from + 1;
        let remaining = to - upto;
        let share = Decimal::from(done) / Decimal::from(years);
        let path = if compounds {
            match compounded_share(self.target, share) {
                Some(p) => p,
                None => return self.no_compounded_path(upto),
            }
        } else {
            (self.target * share).normalize()
        };
        let off = so_far - path;
        let on = self.on_course(so_far, path);
        let (needed_per_year, needed_growth, help) = if compounds {
            let factor = (so_far > Decimal::ZERO)
                .then(|| {
                    compounded_share(
                        self.target / so_far,
                        Decimal::ONE / Decimal::from(remaining),
                    )
                })
                .flatten();
            let help = match factor {
                Some(factor) => format!(
                    "the remaining {remaining} years need a product {} {}: a factor of {} a year on average",
                    self.op.as_str(),
                    describe::shown((self.target / so_far).normalize()),
                    describe::shown(factor)
                ),
                None => format!(
                    "the remaining {remaining} years cannot bring the product to the target"
                ),
            };
            (None, None, help)
        } else {
            let needed = ((self.target - so_far) / Decimal::from(remaining)).normalize();
            let growth = (latest > Decimal::ZERO).then(|| {
                ((needed / latest - Decimal::ONE) * Decimal::ONE_HUNDRED)
                    .round_dp(2)
                    .normalize()
            });
            let help = format!(
                "the remaining {remaining} years need {} a year on average{}",
                quantity(needed, unit),
                growth
                    .map(|g| format!(" ({g:+}% against {upto}'s {})", quantity(latest, unit)))
                    .unwrap_or_default()
            );
            (Some(needed), growth, help)
        };
        let (what, path_words) = if compounds {
            ("product", "compounded path")
        } else {
            ("total", "straight path")
        };
        let mut f = j.finding(
            upto,
            if on { Outcome::OnTrack } else { Outcome::AtRisk },
            format!(
                "the {from}–{upto} {what} of {name} is {}, {} {} the {path_words} to {} {} over {from}–{to}: {done} of {years} years give {}",
                quantity(so_far, unit),
                difference(off.abs(), unit),
                self.ahead_or_behind(off),
                self.op.as_str(),
                quantity(self.target, unit),
                quantity(path, unit),
            ),
        );
        f.help = Some(help);
        f.actual = Some(so_far.to_string());
        f.expected = Some(self.target_text());
        f.data = span;
        f.progress = Some(Progress {
            base_year: j.rules.plan.base_year,
            base: if compounds {
                Decimal::ONE
            } else {
                Decimal::ZERO
            },
            target: self.target,
            deadline: self.deadline,
            path,
            off_path: off,
            needed_per_year,
            needed_growth,
            share: Some((done, years)),
        });
        f
    }

    fn no_compounded_path(&self, upto: i32) -> Finding {
        let mut f = self.j.finding(
            upto,
            Outcome::Missing,
            format!(
                "a product's progress is measured on the compounded path to its target, which needs a positive target, not {}",
                quantity(self.target, None::<&Unit>)
            ),
        );
        f.help = Some("progress is measured for products of positive yearly factors".to_string());
        f
    }
}

/// `target` to the power `share`: the value a product reaches after that share of its
/// years on the steady path from 1. Rounds, as any fractional power must.
fn compounded_share(target: Decimal, share: Decimal) -> Option<Decimal> {
    if target <= Decimal::ZERO {
        return None;
    }
    target
        .checked_powd(share)
        .map(|v| v.round_dp(10).normalize())
}
