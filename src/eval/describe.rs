//! Words for findings: what was read, what the plan asks, and by how much it is off.

use super::value::{Gap, V, effective_bound};
use crate::check::RuleSet;
use crate::check::model::{Aggregate, EntityRef, Expr, ExprKind, Instance, YearRef};
use crate::source::Sources;
use crate::syntax::ast::CmpOp;
use crate::units::Unit;
use rust_decimal::Decimal;

/// A value as written in `actual` and `expected`: exact, never rounded.
pub fn raw(v: V) -> String {
    match v {
        V::Num(n) => n.to_string(),
        V::Bool(b) => b.to_string(),
    }
}

/// A number for people: at most four decimals, marked `≈` when rounded.
pub fn shown(n: Decimal) -> String {
    let rounded = n.round_dp(4);
    if rounded == n {
        n.to_string()
    } else {
        format!("≈{}", rounded.normalize())
    }
}

/// A quantity with its unit: `85%`, `400亿元`, `30平方公里`.
pub fn quantity(n: Decimal, unit: Option<&Unit>) -> String {
    match unit {
        Some(u) => crate::units::with_unit(&shown(n), &u.name),
        _ => shown(n),
    }
}

/// A difference: `3.8 percentage points`, `18.4亿元`.
pub fn difference(n: Decimal, unit: Option<&Unit>) -> String {
    match unit {
        Some(u) if !u.name.is_empty() => {
            let name = u.difference_name();
            if name.is_ascii() {
                format!("{} {name}", shown(n))
            } else {
                format!("{}{name}", shown(n))
            }
        }
        _ => shown(n),
    }
}

pub fn indicator_name(rules: &RuleSet, id: &str) -> String {
    match rules.indicators.get(id) {
        Some(def) => format!("{} `{id}`", def.name),
        None => format!("`{id}`"),
    }
}

fn owner(entity: &EntityRef) -> String {
    match entity {
        EntityRef::Subject => String::new(),
        EntityRef::Named(name) => format!("{name}'s "),
    }
}

/// What an expression reads, in words: `工业集中度 `industrial_concentration` in 2025`.
pub fn expr(rules: &RuleSet, sources: &Sources, e: &Expr, year: i32) -> String {
    match &e.kind {
        ExprKind::Value {
            entity,
            indicator,
            year: at,
        } => {
            format!(
                "{}{} in {}",
                owner(entity),
                indicator_name(rules, indicator),
                at.resolve(year)
            )
        }
        ExprKind::Series {
            function,
            from,
            to,
            element,
        } => format!(
            "the {}–{} {} of {}",
            from.resolve(year),
            to.resolve(year),
            aggregate_words(*function),
            element_name(rules, sources, element)
        ),
        ExprKind::Growth {
            entity,
            indicator,
            year: at,
        } => {
            format!(
                "{}growth of {} in {}",
                owner(entity),
                indicator_name(rules, indicator),
                at.resolve(year)
            )
        }
        ExprKind::Table {
            function: Aggregate::Count,
            table,
            filter,
            ..
        } => match filter {
            Some(f) => format!(
                "the number of `{table}` rows in {year} with `{}`",
                sources.slice(f.span)
            ),
            None => format!("the number of `{table}` rows in {year}"),
        },
        ExprKind::Table {
            function,
            table,
            column,
            ..
        } => format!(
            "the {} of `{table}.{}` in {year}",
            function.name(),
            column.as_deref().unwrap_or("")
        ),
        ExprKind::Scale(inner, _) => expr(rules, sources, inner, year),
        _ => format!("`{}` in {year}", sources.slice(e.span)),
    }
}

pub fn aggregate_words(function: Aggregate) -> &'static str {
    match function {
        Aggregate::Sum => "total",
        Aggregate::Avg => "average",
        Aggregate::Min => "lowest value",
        Aggregate::Max => "highest value",
        Aggregate::Count => "count",
        Aggregate::Product => "product",
    }
}

/// What an aggregate runs over: an indicator's name, or the expression as written.
pub fn element_name(rules: &RuleSet, sources: &Sources, element: &Expr) -> String {
    match &element.kind {
        ExprKind::Value {
            entity,
            indicator,
            year: YearRef::Iterated,
        } => format!("{}{}", owner(entity), indicator_name(rules, indicator)),
        _ => format!("`{}`", sources.slice(element.span)),
    }
}

/// The subject of a finding whose check is not a single comparison.
pub fn subject(rules: &RuleSet, instance: &Instance, year: i32) -> String {
    match &instance.indicator {
        Some(id) => format!("{} in {year}", indicator_name(rules, id)),
        None => format!("the check in {year}"),
    }
}

pub fn gaps(rules: &RuleSet, gaps: &[Gap]) -> String {
    let parts: Vec<String> = gaps
        .iter()
        .map(|g| {
            let how = if g.span.is_some() {
                "reported empty"
            } else {
                "not reported"
            };
            let name = if rules.tables.contains_key(&g.what) {
                format!("table `{}` has no rows", g.what)
            } else {
                indicator_name(rules, &g.what)
            };
            format!("{name} for {} in {} ({how})", g.entity, g.year)
        })
        .collect();
    match parts.as_slice() {
        [] => "a value this rule needs is missing".to_string(),
        [one] => format!("no value: {one}"),
        many => format!("no values: {}", many.join("; ")),
    }
}

pub fn gaps_help(gaps: &[Gap]) -> String {
    if gaps.iter().any(|g| g.span.is_some()) {
        "an empty cell means \"reported as missing\": fill it in, or keep it empty if the figure does not exist".to_string()
    } else {
        "add the value to the submission; a missing value is never counted as met".to_string()
    }
}

/// A comparison in English words: `>=` is "at least".
pub fn op_words(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Ge => "at least",
        CmpOp::Gt => "more than",
        CmpOp::Le => "at most",
        CmpOp::Lt => "less than",
        CmpOp::Eq => "equal to",
        CmpOp::Ne => "other than",
    }
}

#[derive(Clone, Copy)]
pub struct Comparison<'a> {
    pub rules: &'a RuleSet,
    pub sources: &'a Sources,
    pub lhs: &'a Expr,
    pub rhs: &'a Expr,
    pub op: CmpOp,
    pub tolerance: Option<Decimal>,
    pub year: i32,
}

impl Comparison<'_> {
    fn unit(&self) -> Option<&Unit> {
        self.lhs.unit.as_ref()
    }

    fn bound(&self, r: V) -> V {
        match r {
            V::Num(b) => V::Num(effective_bound(self.op, b, self.tolerance)),
            other => other,
        }
    }

    pub fn expected(&self, r: V) -> String {
        format!("{} {}", self.op.as_str(), raw(self.bound(r)))
    }

    fn show(&self, v: V) -> String {
        match v {
            V::Num(n) => quantity(n, self.unit()),
            V::Bool(b) => b.to_string(),
        }
    }

    /// Where the bound comes from when it is not a constant of the rule.
    fn bound_origin(&self) -> String {
        let origin = match &self.rhs.kind {
            ExprKind::Number(_) | ExprKind::Bool(_) => None,
            _ => Some(expr(self.rules, self.sources, self.rhs, self.year)),
        };
        match (origin, self.tolerance) {
            (None, None) => String::new(),
            (Some(o), None) => format!(" ({o})"),
            (o, Some(t)) => format!(
                " ({}within a tolerance of {})",
                o.map(|o| format!("{o}, ")).unwrap_or_default(),
                difference(t, self.unit())
            ),
        }
    }

    pub fn message(&self, l: V, r: V, holds: bool) -> String {
        let what = expr(self.rules, self.sources, self.lhs, self.year);
        let target = format!(
            "{} {}{}",
            op_words(self.op),
            self.show(self.bound(r)),
            self.bound_origin()
        );
        if holds {
            format!("{what} is {}, meeting {target}", self.show(l))
        } else {
            format!("{what} is {}; the plan asks for {target}", self.show(l))
        }
    }

    pub fn shortfall(&self, l: V, r: V) -> Option<String> {
        let (V::Num(a), V::Num(b)) = (l, self.bound(r)) else {
            return match (l, r) {
                (V::Bool(a), V::Bool(b)) => Some(format!(
                    "reported {}; the plan requires {}",
                    yes_no(a),
                    yes_no(b)
                )),
                _ => None,
            };
        };
        let unit = self.unit();
        let bound = quantity(b, unit);
        Some(match self.op {
            CmpOp::Ge => format!("{} short of {bound}", difference(b - a, unit)),
            CmpOp::Gt if a == b => format!(
                "exactly {bound}, but the plan asks for more than that (超过/高于 exclude the bound itself)"
            ),
            CmpOp::Gt => format!("{} short of exceeding {bound}", difference(b - a, unit)),
            CmpOp::Le => format!("{} over the limit of {bound}", difference(a - b, unit)),
            CmpOp::Lt if a == b => {
                format!("equal to {bound}, but the plan asks for less (a standstill is not a fall)")
            }
            CmpOp::Lt => format!(
                "{} above {bound}; it must be lower",
                difference(a - b, unit)
            ),
            CmpOp::Eq => format!("{} away from {bound}", difference((a - b).abs(), unit)),
            CmpOp::Ne => format!("equal to {bound}, which the plan rules out"),
        })
    }
}

fn yes_no(b: bool) -> &'static str {
    if b { "是 (true)" } else { "否 (false)" }
}
