//! Aggregates over record tables computed while the rows are read.
//!
//! `count(t where f)`, `sum(t.c where f)`, `min`, `max` and `avg` need, per
//! entity and year, only a running count, sum, minimum and maximum, as long as
//! the filter reads nothing but the row's own columns and constants. Such a
//! table is never stored: each row updates one accumulator per aggregate and
//! is dropped, so memory does not grow with the number of rows.
//!
//! The filter is evaluated here with the evaluator's rules (`eval::value`):
//! missing cells propagate, `and`/`or` follow Kleene logic, exact decimals.
//! `tests` in `eval` hold a streamed table against the stored one.

use super::{Cell, Value};
use crate::check::model::{Aggregate, Expr, ExprKind};
use crate::source::Span;
use crate::syntax::ast::{BinOp, CmpOp, LogicOp};
use rust_decimal::Decimal;

/// An aggregate the rules compute over a record table, named by the span of its expression.
#[derive(Debug, Clone)]
pub struct StreamSpec {
    pub key: Span,
    pub function: Aggregate,
    pub column: Option<String>,
    pub filter: Option<Expr>,
}

impl StreamSpec {
    /// The aggregate of `e` when it can be computed row by row, `None` otherwise.
    pub fn of(e: &Expr) -> Option<(String, StreamSpec)> {
        let ExprKind::Table {
            function,
            table,
            column,
            filter,
        } = &e.kind
        else {
            return None;
        };
        if filter.as_deref().is_some_and(|f| !reads_only_the_row(f)) {
            return None;
        }
        Some((
            table.clone(),
            StreamSpec {
                key: e.span,
                function: *function,
                column: column.clone(),
                filter: filter.as_deref().cloned(),
            },
        ))
    }
}

/// Whether `e` reads only the row's columns and constants.
pub fn reads_only_the_row(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Column(_) => true,
        ExprKind::Scale(a, _)
        | ExprKind::Neg(a)
        | ExprKind::Not(a)
        | ExprKind::Present(a)
        | ExprKind::Whole(a) => reads_only_the_row(a),
        ExprKind::Binary(_, a, b) | ExprKind::Logic(_, a, b) => {
            reads_only_the_row(a) && reads_only_the_row(b)
        }
        ExprKind::Compare {
            lhs,
            rhs,
            tolerance,
            ..
        } => {
            reads_only_the_row(lhs)
                && reads_only_the_row(rhs)
                && tolerance.as_deref().is_none_or(reads_only_the_row)
        }
        ExprKind::Value { .. }
        | ExprKind::Series { .. }
        | ExprKind::Growth { .. }
        | ExprKind::Table { .. } => false,
    }
}

/// A cell a filter needed and did not get: an empty cell, or the row when the cell was unreadable.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RowGap {
    pub column: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowUnknown {
    Missing(Vec<RowGap>),
    Undefined(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum V {
    Num(Decimal),
    Bool(bool),
}

type Res = Result<(V, Option<Span>), RowUnknown>;

/// A filter with its columns turned into places in the row.
#[derive(Debug, Clone)]
enum RowExpr {
    Number(Decimal),
    Bool(bool),
    /// `slot` is `None` when the file has no such column: every row then lacks it.
    Column {
        name: String,
        slot: Option<usize>,
    },
    Scale(Box<RowExpr>, Decimal),
    Neg(Box<RowExpr>),
    Not(Box<RowExpr>),
    Present(Box<RowExpr>),
    Whole(Box<RowExpr>),
    Binary(BinOp, Box<RowExpr>, Box<RowExpr>),
    Compare {
        op: CmpOp,
        lhs: Box<RowExpr>,
        rhs: Box<RowExpr>,
        tolerance: Option<Box<RowExpr>>,
    },
    Logic(LogicOp, Box<RowExpr>, Box<RowExpr>),
    /// Never built for a streamed table; kept so that compiling cannot fail.
    Unsupported,
}

fn compile(e: &Expr, slot: &dyn Fn(&str) -> Option<usize>) -> RowExpr {
    let c = |e: &Expr| Box::new(compile(e, slot));
    match &e.kind {
        ExprKind::Number(n) => RowExpr::Number(*n),
        ExprKind::Bool(b) => RowExpr::Bool(*b),
        ExprKind::Column(name) => RowExpr::Column {
            name: name.clone(),
            slot: slot(name),
        },
        ExprKind::Scale(a, f) => RowExpr::Scale(c(a), *f),
        ExprKind::Neg(a) => RowExpr::Neg(c(a)),
        ExprKind::Not(a) => RowExpr::Not(c(a)),
        ExprKind::Present(a) => RowExpr::Present(c(a)),
        ExprKind::Whole(a) => RowExpr::Whole(c(a)),
        ExprKind::Binary(op, a, b) => RowExpr::Binary(*op, c(a), c(b)),
        ExprKind::Logic(op, a, b) => RowExpr::Logic(*op, c(a), c(b)),
        ExprKind::Compare {
            op,
            lhs,
            rhs,
            tolerance,
        } => RowExpr::Compare {
            op: *op,
            lhs: c(lhs),
            rhs: c(rhs),
            tolerance: tolerance.as_deref().map(c),
        },
        _ => RowExpr::Unsupported,
    }
}

/// One row being read: its cells by the slot of each declared column.
pub struct Row<'a> {
    pub span: Span,
    pub cells: &'a [Option<Cell>],
}

fn overflow() -> RowUnknown {
    RowUnknown::Undefined("the result is beyond the range of exact decimals".to_string())
}

fn merge(errors: [Option<RowUnknown>; 2]) -> RowUnknown {
    let mut gaps = Vec::new();
    for e in errors.into_iter().flatten() {
        match e {
            RowUnknown::Missing(g) => gaps.extend(g),
            undefined @ RowUnknown::Undefined(_) => return undefined,
        }
    }
    gaps.sort();
    gaps.dedup();
    RowUnknown::Missing(gaps)
}

impl RowExpr {
    fn number(&self, row: &Row) -> Result<(Decimal, Option<Span>), RowUnknown> {
        match self.eval(row)? {
            (V::Num(n), span) => Ok((n, span)),
            (V::Bool(_), _) => Err(RowUnknown::Undefined("expected a number".to_string())),
        }
    }

    fn truth(&self, row: &Row) -> Result<(bool, Option<Span>), RowUnknown> {
        match self.eval(row)? {
            (V::Bool(b), span) => Ok((b, span)),
            (V::Num(_), _) => Err(RowUnknown::Undefined("expected a condition".to_string())),
        }
    }

    fn column(name: &str, slot: Option<usize>, row: &Row) -> Res {
        let gap = |span| {
            Err(RowUnknown::Missing(vec![RowGap {
                column: name.to_string(),
                span,
            }]))
        };
        match slot.and_then(|s| row.cells.get(s)).and_then(Option::as_ref) {
            Some(cell) => match &cell.value {
                Value::Number(n) => Ok((V::Num(*n), Some(cell.span))),
                Value::Flag(b) => Ok((V::Bool(*b), Some(cell.span))),
                Value::Empty | Value::Text(_) => gap(cell.span),
            },
            None => gap(row.span),
        }
    }

    fn eval(&self, row: &Row) -> Res {
        match self {
            RowExpr::Number(n) => Ok((V::Num(*n), None)),
            RowExpr::Bool(b) => Ok((V::Bool(*b), None)),
            RowExpr::Column { name, slot } => Self::column(name, *slot, row),
            RowExpr::Scale(inner, factor) => {
                let (n, span) = inner.number(row)?;
                let scaled = n.checked_mul(*factor).ok_or_else(overflow)?.normalize();
                Ok((V::Num(scaled), span))
            }
            RowExpr::Neg(inner) => {
                let (n, span) = inner.number(row)?;
                Ok((V::Num(-n), span))
            }
            RowExpr::Not(inner) => {
                let (b, span) = inner.truth(row)?;
                Ok((V::Bool(!b), span))
            }
            RowExpr::Present(inner) => match inner.eval(row) {
                Ok((_, span)) => Ok((V::Bool(true), span)),
                Err(RowUnknown::Missing(gaps)) => {
                    Ok((V::Bool(false), gaps.first().map(|g| g.span)))
                }
                Err(other) => Err(other),
            },
            RowExpr::Whole(inner) => {
                let (n, span) = inner.number(row)?;
                Ok((V::Bool(n.fract().is_zero()), span))
            }
            RowExpr::Binary(op, l, r) => {
                let (a, span) = l.number(row)?;
                let (b, _) = r.number(row)?;
                let value =
                    crate::eval::value::arithmetic(*op, a, b).map_err(RowUnknown::Undefined)?;
                Ok((V::Num(value), span))
            }
            RowExpr::Compare {
                op,
                lhs,
                rhs,
                tolerance,
            } => {
                let l = lhs.eval(row);
                let r = rhs.eval(row);
                let t = tolerance.as_deref().map(|t| t.number(row));
                let ((a, la), (b, ra)) = match (l, r) {
                    (Ok(l), Ok(r)) => (l, r),
                    (l, r) => return Err(merge([l.err(), r.err()])),
                };
                let t = match t {
                    None => None,
                    Some(Ok((t, _))) => Some(t),
                    Some(Err(e)) => return Err(e),
                };
                Ok((V::Bool(compare(*op, a, b, t)), la.or(ra)))
            }
            RowExpr::Logic(op, l, r) => {
                let decisive = matches!(op, LogicOp::Or);
                let a = l.truth(row);
                if let Ok((b, span)) = a
                    && b == decisive
                {
                    return Ok((V::Bool(b), span));
                }
                let c = r.truth(row);
                match (a, c) {
                    (Ok(_), Ok((b, span))) => Ok((V::Bool(b), span)),
                    (Err(_), Ok((b, span))) if b == decisive => Ok((V::Bool(b), span)),
                    (a, c) => Err(merge([a.err(), c.err()])),
                }
            }
            RowExpr::Unsupported => Err(RowUnknown::Undefined(
                "this filter reads more than the row".to_string(),
            )),
        }
    }
}

/// The same comparison as `eval::value::compare`, on numbers and flags.
fn compare(op: CmpOp, l: V, r: V, tolerance: Option<Decimal>) -> bool {
    match (l, r) {
        (V::Num(a), V::Num(b)) => {
            let t = tolerance.unwrap_or(Decimal::ZERO);
            let bound = match op {
                CmpOp::Ge | CmpOp::Gt => b - t,
                CmpOp::Le | CmpOp::Lt => b + t,
                CmpOp::Eq | CmpOp::Ne => b,
            };
            match op {
                CmpOp::Ge => a >= bound,
                CmpOp::Gt => a > bound,
                CmpOp::Le => a <= bound,
                CmpOp::Lt => a < bound,
                CmpOp::Eq => (a - bound).abs() <= t,
                CmpOp::Ne => (a - bound).abs() > t,
            }
        }
        (V::Bool(a), V::Bool(b)) => match op {
            CmpOp::Ne => a != b,
            _ => a == b,
        },
        _ => false,
    }
}

/// The running state of one aggregate for one entity and year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acc {
    /// Rows that passed the filter and gave a number (or, without a column, rows that passed).
    pub count: u64,
    /// `None` once the sum left the range of exact decimals.
    pub sum: Option<Decimal>,
    /// The first of equal minima and the last of equal maxima, as `Iterator::min`/`max` pick.
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    /// The last row that passed the filter.
    pub span: Option<Span>,
    pub gaps: Vec<RowGap>,
    /// The first row whose filter has no answer decides the aggregate: nothing after it counts.
    pub undefined: Option<String>,
}

impl Default for Acc {
    fn default() -> Acc {
        Acc {
            count: 0,
            sum: Some(Decimal::ZERO),
            min: None,
            max: None,
            span: None,
            gaps: Vec::new(),
            undefined: None,
        }
    }
}

impl Acc {
    fn add(&mut self, n: Decimal) {
        self.count += 1;
        self.sum = self.sum.and_then(|s| s.checked_add(n));
        if self.min.is_none_or(|m| n < m) {
            self.min = Some(n);
        }
        if self.max.is_none_or(|m| n >= m) {
            self.max = Some(n);
        }
    }

    /// The state after the rows of `self` and then those of `later`.
    pub fn then(&mut self, later: Acc) {
        if self.undefined.is_some() {
            return;
        }
        if later.undefined.is_some() {
            *self = later;
            return;
        }
        self.count += later.count;
        self.sum = match (self.sum, later.sum) {
            (Some(a), Some(b)) => a.checked_add(b),
            _ => None,
        };
        if let Some(m) = later.min
            && self.min.is_none_or(|s| m < s)
        {
            self.min = Some(m);
        }
        if let Some(m) = later.max
            && self.max.is_none_or(|s| m >= s)
        {
            self.max = Some(m);
        }
        if later.span.is_some() {
            self.span = later.span;
        }
        self.gaps.extend(later.gaps);
    }
}

/// A filter as it is run on each row.
#[derive(Debug, Clone)]
enum Filter {
    /// `column op constant`, the common case: a number in the cell is compared straight
    /// away; anything else goes the general way, for its gap or message.
    Threshold {
        slot: usize,
        op: CmpOp,
        bound: Decimal,
        /// The bound's mantissa at each scale from its own up to 28, where it fits:
        /// a cell at such a scale compares as two integers.
        scaled: Vec<Option<i128>>,
        general: RowExpr,
    },
    General(RowExpr),
}

impl Filter {
    fn new(e: RowExpr) -> Filter {
        if let RowExpr::Compare {
            op,
            lhs,
            rhs,
            tolerance: None,
        } = &e
            && let (
                RowExpr::Column {
                    slot: Some(slot), ..
                },
                RowExpr::Number(bound),
            ) = (lhs.as_ref(), rhs.as_ref())
        {
            let mut scaled = vec![None; 29];
            let mut m = Some(bound.mantissa());
            for slot in scaled.iter_mut().skip(bound.scale() as usize) {
                *slot = m;
                m = m.and_then(|m| m.checked_mul(10));
            }
            return Filter::Threshold {
                slot: *slot,
                op: *op,
                bound: *bound,
                scaled,
                general: e.clone(),
            };
        }
        Filter::General(e)
    }

    fn truth(&self, row: &Row) -> Result<bool, RowUnknown> {
        match self {
            Filter::Threshold {
                slot,
                op,
                bound,
                scaled,
                general,
            } => match row.cells.get(*slot).and_then(Option::as_ref) {
                Some(Cell {
                    value: Value::Number(n),
                    ..
                }) => {
                    let order = match scaled.get(n.scale() as usize).copied().flatten() {
                        Some(b) => n.mantissa().cmp(&b),
                        None => n.cmp(bound),
                    };
                    Ok(match op {
                        CmpOp::Ge => order.is_ge(),
                        CmpOp::Gt => order.is_gt(),
                        CmpOp::Le => order.is_le(),
                        CmpOp::Lt => order.is_lt(),
                        CmpOp::Eq => order.is_eq(),
                        CmpOp::Ne => order.is_ne(),
                    })
                }
                _ => general.truth(row).map(|(b, _)| b),
            },
            Filter::General(e) => e.truth(row).map(|(b, _)| b),
        }
    }
}

/// The column an aggregate reads, and its place in the row if the file has it.
type ColumnSlot = (String, Option<usize>);

/// A table's streamed aggregates, compiled against one file's header.
#[derive(Debug, Clone)]
pub struct Compiled {
    aggregates: Vec<(Option<Filter>, Option<ColumnSlot>)>,
}

impl Compiled {
    /// `slot(name)` is where a declared column's cell is in each row, if the file has it.
    pub fn new(specs: &[StreamSpec], slot: &dyn Fn(&str) -> Option<usize>) -> Compiled {
        Compiled {
            aggregates: specs
                .iter()
                .map(|s| {
                    (
                        s.filter.as_ref().map(|f| Filter::new(compile(f, slot))),
                        s.column.as_ref().map(|c| (c.clone(), slot(c))),
                    )
                })
                .collect(),
        }
    }

    /// Folds one row into the accumulators of its entity and year, one per aggregate.
    pub fn fold(&self, row: &Row, accs: &mut [Acc]) {
        let mut steps = Vec::with_capacity(self.aggregates.len());
        if self.steps(row, &mut steps) {
            apply(&steps, row, accs);
        }
    }

    /// What `row` does to each aggregate, decided from the row alone (filters read
    /// nothing else); false when it leaves every one as it is. Deciding first means that a
    /// row most filters reject does not touch its county's accumulators at all.
    pub fn steps(&self, row: &Row, steps: &mut Vec<Step>) -> bool {
        steps.clear();
        let mut any = false;
        for (filter, column) in &self.aggregates {
            let step = match filter.as_ref().map(|f| f.truth(row)) {
                Some(Ok(false)) => Step::Skip,
                Some(Err(RowUnknown::Missing(g))) => Step::FilterGaps(g),
                Some(Err(RowUnknown::Undefined(reason))) => Step::Undefined(reason),
                None | Some(Ok(true)) => match column {
                    // Without a column the aggregate is a count: only the number of rows matters.
                    None => Step::Count,
                    Some((name, slot)) => match RowExpr::column(name, *slot, row) {
                        Ok((V::Num(n), _)) => Step::Add(n),
                        Ok(_) => Step::Passed,
                        Err(RowUnknown::Missing(g)) => Step::ColumnGaps(g),
                        Err(RowUnknown::Undefined(reason)) => Step::ColumnUndefined(reason),
                    },
                },
            };
            any |= !matches!(step, Step::Skip);
            steps.push(step);
        }
        any
    }
}

/// What one row does to one aggregate.
#[derive(Debug, Clone)]
pub enum Step {
    /// The filter rejects the row.
    Skip,
    /// The filter has gaps: they are the aggregate's gaps, the row does not count.
    FilterGaps(Vec<RowGap>),
    /// The filter has no answer: the aggregate has none either.
    Undefined(String),
    /// The row passes: counted.
    Count,
    /// The row passes with this value.
    Add(Decimal),
    /// The row passes, but its value is not a number: it is the last row passed, nothing more.
    Passed,
    /// The row passes and lacks the value.
    ColumnGaps(Vec<RowGap>),
    ColumnUndefined(String),
}

/// Applies `steps` (one per aggregate) of `row` to `accs`.
pub fn apply(steps: &[Step], row: &Row, accs: &mut [Acc]) {
    for (step, acc) in steps.iter().zip(accs.iter_mut()) {
        // The first row without an answer decides the aggregate: nothing after it counts.
        if acc.undefined.is_some() {
            continue;
        }
        match step {
            Step::Skip => {}
            Step::FilterGaps(g) => acc.gaps.extend(g.iter().cloned()),
            Step::Undefined(reason) => acc.undefined = Some(reason.clone()),
            passed => {
                acc.span = Some(row.span);
                match passed {
                    Step::Count => acc.count += 1,
                    Step::Add(n) => acc.add(*n),
                    Step::ColumnGaps(g) => acc.gaps.extend(g.iter().cloned()),
                    Step::ColumnUndefined(reason) => acc.undefined = Some(reason.clone()),
                    _ => {}
                }
            }
        }
    }
}
