//! What a rule requires of the data in one year, as facts an interval analysis can use:
//! a quantity within an interval (`x >= 85%`), or one quantity ordered against another
//! (`x < x[year - 1]`). Anything else is left out, so the facts of a rule are implied by
//! the rule; `exact` says whether they are all it requires.

use super::interval::Interval;
use crate::check::RuleSet;
use crate::check::model::{EntityRef, Expr, ExprKind, YearRef};
use crate::eval::value::{V, constant};
use crate::syntax::ast::{CmpOp, LogicOp};
use rust_decimal::Decimal;

/// A quantity the data decide: its canonical key, with the years resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    pub key: String,
    /// The year it is read at (the checked year for a quantity of several values).
    pub year: i32,
    /// A single reported value of an indicator, when it is one.
    pub simple: Option<(EntityRef, String)>,
    pub is_flag: bool,
}

impl Quantity {
    /// One reported value of an indicator: its key is the one `key` gives a `Value`.
    pub fn reported(entity: &EntityRef, indicator: &str, year: i32, is_flag: bool) -> Quantity {
        Quantity {
            key: value_key(entity, indicator, &year.to_string()),
            year,
            simple: Some((entity.clone(), indicator.to_string())),
            is_flag,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Fact<'a> {
    Within {
        quantity: Quantity,
        interval: Interval,
        expr: &'a Expr,
    },
    /// `left op right` with `op` one of `<`, `<=`.
    Ordered {
        left: Quantity,
        strict: bool,
        right: Quantity,
    },
}

#[derive(Debug, Clone, Default)]
pub struct Facts<'a> {
    pub facts: Vec<Fact<'a>>,
    /// The facts say everything the check requires.
    pub exact: bool,
}

pub struct Extractor<'a> {
    pub rules: &'a RuleSet,
}

impl<'a> Extractor<'a> {
    pub fn new(rules: &'a RuleSet) -> Extractor<'a> {
        Extractor { rules }
    }

    fn number(&self, e: &Expr) -> Option<Decimal> {
        match constant(self.rules, e)? {
            V::Num(n) => Some(n),
            V::Bool(_) => None,
        }
    }

    pub fn facts<'e>(&self, e: &'e Expr, year: i32) -> Facts<'e> {
        match &e.kind {
            ExprKind::Logic(LogicOp::And, l, r) => {
                let mut left = self.facts(l, year);
                let right = self.facts(r, year);
                left.facts.extend(right.facts);
                left.exact = left.exact && right.exact;
                left
            }
            ExprKind::Compare {
                op,
                lhs,
                rhs,
                tolerance,
            } => self.comparison(*op, lhs, rhs, tolerance.as_deref(), year),
            _ => Facts::default(),
        }
    }

    fn comparison<'e>(
        &self,
        op: CmpOp,
        lhs: &'e Expr,
        rhs: &'e Expr,
        tolerance: Option<&Expr>,
        year: i32,
    ) -> Facts<'e> {
        let tolerance = match tolerance {
            None => Some(Decimal::ZERO),
            Some(t) => self.number(t),
        };
        let flagged = |e: &Expr| match constant(self.rules, e) {
            Some(V::Bool(b)) => Some(if b { Decimal::ONE } else { Decimal::ZERO }),
            Some(V::Num(n)) => Some(n),
            None => None,
        };
        let (Some(tolerance), l, r) = (tolerance, flagged(lhs), flagged(rhs)) else {
            return Facts::default();
        };
        match (l, r) {
            // Both constant: no fact about the data (a constant check is reported on its own).
            (Some(_), Some(_)) => Facts::default(),
            (None, Some(c)) => self.within(lhs, op, c, tolerance, year),
            (Some(c), None) => self.within(rhs, flip(op), c, tolerance, year),
            (None, None) if tolerance.is_zero() => {
                let (Some(a), Some(b)) = (self.quantity(lhs, year), self.quantity(rhs, year))
                else {
                    return Facts::default();
                };
                let ordered = |left: &Quantity, strict, right: &Quantity| Fact::Ordered {
                    left: left.clone(),
                    strict,
                    right: right.clone(),
                };
                let facts = match op {
                    CmpOp::Lt => vec![ordered(&a, true, &b)],
                    CmpOp::Le => vec![ordered(&a, false, &b)],
                    CmpOp::Gt => vec![ordered(&b, true, &a)],
                    CmpOp::Ge => vec![ordered(&b, false, &a)],
                    CmpOp::Eq => vec![ordered(&a, false, &b), ordered(&b, false, &a)],
                    CmpOp::Ne => return Facts::default(),
                };
                Facts { facts, exact: true }
            }
            (None, None) => Facts::default(),
        }
    }

    /// `e op c`, with the tolerance applied as the evaluator applies it.
    fn within<'e>(
        &self,
        e: &'e Expr,
        op: CmpOp,
        c: Decimal,
        tolerance: Decimal,
        year: i32,
    ) -> Facts<'e> {
        // A conversion of the measured side (`Scale`) is undone on the constant.
        let (measured, c, tolerance) = match &e.kind {
            ExprKind::Scale(inner, factor) => {
                match (c.checked_div(*factor), tolerance.checked_div(*factor)) {
                    (Some(c), Some(t)) => (inner.as_ref(), c, t),
                    _ => return Facts::default(),
                }
            }
            _ => (e, c, tolerance),
        };
        let (Some(low), Some(high)) = (c.checked_sub(tolerance), c.checked_add(tolerance)) else {
            return Facts::default();
        };
        // The tolerance widens the bound as the evaluator does (`value::effective_bound`).
        let interval = match op {
            CmpOp::Eq => Interval::of(CmpOp::Ge, low)
                .zip(Interval::of(CmpOp::Le, high))
                .map(|(a, b)| a.intersect(b)),
            CmpOp::Ge | CmpOp::Gt => Interval::of(op, low),
            CmpOp::Le | CmpOp::Lt => Interval::of(op, high),
            CmpOp::Ne => None,
        };
        let (Some(interval), Some(quantity)) = (interval, self.quantity(measured, year)) else {
            return Facts::default();
        };
        Facts {
            facts: vec![Fact::Within {
                quantity,
                interval,
                expr: measured,
            }],
            exact: true,
        }
    }

    fn quantity(&self, e: &Expr, year: i32) -> Option<Quantity> {
        let simple = match &e.kind {
            ExprKind::Value {
                entity,
                indicator,
                year: at,
            } if *at != YearRef::Iterated => {
                Some((entity.clone(), indicator.clone(), at.resolve(year)))
            }
            _ => None,
        };
        let at = simple.as_ref().map_or(year, |(_, _, y)| *y);
        Some(Quantity {
            key: key(e, year),
            year: at,
            is_flag: e.unit.is_none(),
            simple: simple.map(|(entity, indicator, _)| (entity, indicator)),
        })
    }
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Ge => CmpOp::Le,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Eq | CmpOp::Ne => op,
    }
}

fn value_key(entity: &EntityRef, indicator: &str, year: &str) -> String {
    format!("{}.{indicator}@{year}", entity_key(entity))
}

fn entity_key(entity: &EntityRef) -> &str {
    match entity {
        EntityRef::Subject => "",
        EntityRef::Named(name) => name,
    }
}

/// A canonical spelling of what `e` reads in `year`: equal keys, equal values.
pub fn key(e: &Expr, year: i32) -> String {
    let year_key = |y: YearRef| match y {
        YearRef::Iterated => "*".to_string(),
        other => other.resolve(year).to_string(),
    };
    match &e.kind {
        ExprKind::Number(n) => n.normalize().to_string(),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Value {
            entity,
            indicator,
            year: at,
        } => value_key(entity, indicator, &year_key(*at)),
        ExprKind::Series {
            function,
            from,
            to,
            element,
        } => format!(
            "{}[{}..{}]({})",
            function.name(),
            year_key(*from),
            year_key(*to),
            key(element, year)
        ),
        ExprKind::Growth {
            entity,
            indicator,
            year: at,
        } => format!(
            "growth({}.{indicator}@{})",
            entity_key(entity),
            year_key(*at)
        ),
        ExprKind::Table {
            function,
            table,
            column,
            filter,
        } => format!(
            "{}({table}.{}@{year}{})",
            function.name(),
            column.as_deref().unwrap_or("*"),
            filter
                .as_deref()
                .map(|f| format!(" where {}", key(f, year)))
                .unwrap_or_default()
        ),
        ExprKind::Column(name) => format!("#{name}"),
        ExprKind::Scale(inner, f) => format!("({}*{f})", key(inner, year)),
        ExprKind::Neg(inner) => format!("(-{})", key(inner, year)),
        ExprKind::Not(inner) => format!("(not {})", key(inner, year)),
        ExprKind::Present(inner) => format!("present({})", key(inner, year)),
        ExprKind::Whole(inner) => format!("whole({})", key(inner, year)),
        ExprKind::Binary(op, l, r) => {
            format!("({} {} {})", key(l, year), op.as_str(), key(r, year))
        }
        ExprKind::Compare {
            op,
            lhs,
            rhs,
            tolerance,
        } => format!(
            "({} {} {}{})",
            key(lhs, year),
            op.as_str(),
            key(rhs, year),
            tolerance
                .as_deref()
                .map(|t| format!(" ~{}", key(t, year)))
                .unwrap_or_default()
        ),
        ExprKind::Logic(op, l, r) => format!(
            "({} {} {})",
            key(l, year),
            match op {
                LogicOp::And => "and",
                LogicOp::Or => "or",
            },
            key(r, year)
        ),
    }
}
