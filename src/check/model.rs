//! The checked rule set: names resolved, units settled, years in range.
//! The evaluator works only on this; it never sees syntax or unit names.

use crate::diagnostic::Severity;
use crate::source::Span;
use crate::syntax::ast::{Attribute, BinOp, CmpOp, LogicOp};
use crate::units::Unit;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct RuleSet {
    pub plan: Plan,
    pub indicators: BTreeMap<String, IndicatorDef>,
    pub tables: BTreeMap<String, TableDef>,
    /// Sorted by id.
    pub rules: Vec<RuleDef>,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub name: String,
    pub entity: String,
    pub period: (i32, i32),
    pub base_year: i32,
    pub source: Option<String>,
    pub references: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct IndicatorDef {
    pub id: String,
    pub name: String,
    pub unit: Unit,
    /// The plan's own base-year value, used when the data lacks it.
    pub base: Option<Decimal>,
    /// The year of `base` when the indicator names one (`base 60.6 in 2019`); otherwise the plan's.
    pub base_year: Option<i32>,
    pub span: Span,
}

impl IndicatorDef {
    pub fn is_flag(&self) -> bool {
        self.unit.dimension.is(crate::units::Base::Flag)
    }
}

#[derive(Debug, Clone)]
pub struct TableDef {
    pub id: String,
    pub name: Option<String>,
    /// Declared `complete`: no rows for an entity and year means zero records, not missing data.
    pub complete: bool,
    /// `None`: a text column.
    pub columns: BTreeMap<String, Option<Unit>>,
}

#[derive(Debug, Clone)]
pub struct RuleDef {
    pub id: String,
    pub span: Span,
    pub article: Option<u32>,
    pub quote: String,
    pub attribute: Attribute,
    pub severity: Severity,
    pub quality: bool,
    pub title: Option<String>,
    pub schedule: Schedule,
    /// One check per instance: a rule over `each x in [a, b]` has one per indicator.
    pub instances: Vec<Instance>,
    /// The name of the `each x in [...]` variable, as the author wrote it.
    pub variable: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// A deadline target.
    By(i32),
    /// Every year of a span, both ends included.
    Each(i32, i32),
}

#[derive(Debug, Clone)]
pub struct Instance {
    /// The indicator bound to the rule's variable, for `each x in [...]` rules.
    pub bound: Option<String>,
    /// The indicator the finding is about: the first one the check reads.
    pub indicator: Option<String>,
    pub check: Expr,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    /// The unit the value is in; `None` for a yes/no value.
    pub unit: Option<Unit>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearRef {
    Absolute(i32),
    Relative(i32),
    /// Each year of the span an aggregate runs over: `x[2021..2025]` inside `sum(…)`.
    Iterated,
}

impl YearRef {
    /// The year meant when `current` is checked and an aggregate is at year `iterated`.
    pub fn resolve_in(self, current: i32, iterated: Option<i32>) -> i32 {
        match self {
            YearRef::Absolute(y) => y,
            YearRef::Relative(k) => current + k,
            YearRef::Iterated => iterated.unwrap_or(current),
        }
    }

    /// The year meant outside any aggregate's span.
    pub fn resolve(self, current: i32) -> i32 {
        self.resolve_in(current, None)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntityRef {
    /// The entity under check.
    Subject,
    Named(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    Sum,
    Avg,
    Min,
    Max,
    Count,
    /// The product over a span: yearly rates that compound.
    Product,
}

impl Aggregate {
    pub fn name(self) -> &'static str {
        match self {
            Aggregate::Sum => "sum",
            Aggregate::Avg => "avg",
            Aggregate::Min => "min",
            Aggregate::Max => "max",
            Aggregate::Count => "count",
            Aggregate::Product => "product",
        }
    }
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Number(Decimal),
    Bool(bool),
    /// One reported value.
    Value {
        entity: EntityRef,
        indicator: String,
        year: YearRef,
    },
    /// An aggregate over a span of years of `element`, which reads its values at
    /// `YearRef::Iterated`: `sum(x[2021..2025])`, `product(1 - r[2021..2025] / 100%)`.
    Series {
        function: Aggregate,
        from: YearRef,
        to: YearRef,
        element: Box<Expr>,
    },
    /// Percentage change from the previous year.
    Growth {
        entity: EntityRef,
        indicator: String,
        year: YearRef,
    },
    /// An aggregate over the rows of a record table for the entity and year.
    Table {
        function: Aggregate,
        table: String,
        column: Option<String>,
        filter: Option<Box<Expr>>,
    },
    /// A column of the row being filtered.
    Column(String),
    /// Multiplies by an exact power of ten to bring a value into its neighbour's unit.
    Scale(Box<Expr>, Decimal),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Present(Box<Expr>),
    Whole(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Compare {
        op: CmpOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        tolerance: Option<Box<Expr>>,
    },
    Logic(LogicOp, Box<Expr>, Box<Expr>),
}

impl Expr {
    /// Calls `f` on this expression and every expression inside it.
    pub fn walk(&self, f: &mut impl FnMut(&Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Number(_)
            | ExprKind::Bool(_)
            | ExprKind::Value { .. }
            | ExprKind::Series { .. }
            | ExprKind::Growth { .. }
            | ExprKind::Column(_) => {}
            ExprKind::Table { filter, .. } => {
                if let Some(filter) = filter {
                    filter.walk(f);
                }
            }
            ExprKind::Scale(a, _)
            | ExprKind::Neg(a)
            | ExprKind::Not(a)
            | ExprKind::Present(a)
            | ExprKind::Whole(a) => a.walk(f),
            ExprKind::Binary(_, a, b) | ExprKind::Logic(_, a, b) => {
                a.walk(f);
                b.walk(f);
            }
            ExprKind::Compare {
                lhs,
                rhs,
                tolerance,
                ..
            } => {
                lhs.walk(f);
                rhs.walk(f);
                if let Some(t) = tolerance {
                    t.walk(f);
                }
            }
        }
    }
}
