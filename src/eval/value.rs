//! Evaluating one checked expression for one entity and year, in exact decimals.

use crate::check::RuleSet;
use crate::check::model::*;
use crate::data::aggregate::Acc;
use crate::data::store::EntityId;
use crate::data::{Record, StreamedValue, Submission, Value};
use crate::source::Span;
use crate::syntax::ast::{BinOp, CmpOp, LogicOp};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, MathematicalOps};
use std::collections::{BTreeMap, BTreeSet};

/// A value the check needed and did not get.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Gap {
    pub entity: String,
    /// An indicator id, or a table name.
    pub what: String,
    pub year: i32,
    /// The empty cell, when the value was reported as missing rather than left out.
    pub span: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unknown {
    Missing(Vec<Gap>),
    /// The data is there but the arithmetic has no answer (a division by zero).
    Undefined(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum V {
    Num(Decimal),
    Bool(bool),
}

/// A value and the cell that decided it, if one did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Val {
    pub v: V,
    pub span: Option<Span>,
}

pub type Res = Result<Val, Unknown>;

/// The rows of each record table, by entity and year, built once per run.
#[derive(Default)]
pub struct TableIndex<'a> {
    /// table → entity → year → rows
    rows: BTreeMap<&'a str, BTreeMap<&'a str, BTreeMap<i32, Vec<&'a Record>>>>,
    /// Tables declared `complete`: no rows means zero records, not a gap.
    complete: BTreeSet<&'a str>,
}

impl<'a> TableIndex<'a> {
    pub fn new(data: &'a Submission) -> TableIndex<'a> {
        let mut rows: BTreeMap<&str, BTreeMap<&str, BTreeMap<i32, Vec<&Record>>>> = BTreeMap::new();
        for (name, table) in &data.tables {
            let by_entity = rows.entry(name.as_str()).or_default();
            for record in &table.records {
                by_entity
                    .entry(record.entity.as_str())
                    .or_default()
                    .entry(record.year)
                    .or_default()
                    .push(record);
            }
        }
        TableIndex {
            rows,
            complete: BTreeSet::new(),
        }
    }

    /// Marks the tables declared `complete`.
    pub fn complete(mut self, tables: impl IntoIterator<Item = &'a str>) -> TableIndex<'a> {
        self.complete.extend(tables);
        self
    }

    fn rows(&self, table: &str, entity: &str, year: i32) -> Option<&Vec<&'a Record>> {
        self.rows.get(table)?.get(entity)?.get(&year)
    }
}

pub struct Ctx<'a> {
    pub rules: &'a RuleSet,
    pub data: &'a Submission,
    pub tables: &'a TableIndex<'a>,
    pub subject: &'a str,
    /// The subject's number in `data`, looked up once per entity.
    pub subject_id: Option<EntityId>,
    pub year: i32,
    /// The year an aggregate's element is read at, inside `sum(…)`, `product(…)`, ….
    pub iterated: Option<i32>,
    pub row: Option<&'a Record>,
}

fn num(value: Decimal, span: Option<Span>) -> Res {
    Ok(Val {
        v: V::Num(value),
        span,
    })
}

fn boolean(value: bool, span: Option<Span>) -> Res {
    Ok(Val {
        v: V::Bool(value),
        span,
    })
}

pub(crate) fn overflow() -> Unknown {
    Unknown::Undefined("the result is beyond the range of exact decimals".to_string())
}

impl<'a> Ctx<'a> {
    pub fn at(&self, year: i32) -> Ctx<'a> {
        Ctx { year, ..*self }
    }

    fn entity<'e>(&'e self, entity: &'e EntityRef) -> &'e str {
        match entity {
            EntityRef::Subject => self.subject,
            EntityRef::Named(name) => name,
        }
    }

    fn year_of(&self, year: YearRef) -> i32 {
        year.resolve_in(self.year, self.iterated)
    }

    fn cell(&self, entity: &str, indicator: &str, year: i32) -> Option<&'a crate::data::Cell> {
        let id = if std::ptr::eq(entity, self.subject) || entity == self.subject {
            self.subject_id?
        } else {
            self.data.entity_id(entity)?
        };
        self.data.cell(id, self.data.indicator_id(indicator)?, year)
    }

    /// One reported value; absent and empty cells are both gaps. The plan's own base
    /// value (`indicator x "…" % base 44`) stands in for its entity's base year when
    /// the data leaves that year out.
    pub fn lookup(&self, entity: &str, indicator: &str, year: i32) -> Res {
        let gap = |span| {
            Unknown::Missing(vec![Gap {
                entity: entity.to_string(),
                what: indicator.to_string(),
                year,
                span,
            }])
        };
        match self.cell(entity, indicator, year) {
            None => match self.rules.declared_base(indicator) {
                Some((base_year, base))
                    if base_year == year && entity == self.rules.plan.entity =>
                {
                    num(base, None)
                }
                _ => Err(gap(None)),
            },
            Some(cell) => match &cell.value {
                Value::Number(n) => num(*n, Some(cell.span)),
                Value::Flag(b) => boolean(*b, Some(cell.span)),
                Value::Empty | Value::Text(_) => Err(gap(Some(cell.span))),
            },
        }
    }

    pub fn number(&self, e: &Expr) -> Result<(Decimal, Option<Span>), Unknown> {
        match self.eval(e)? {
            Val { v: V::Num(n), span } => Ok((n, span)),
            // The checker lets only numbers reach here.
            Val { v: V::Bool(_), .. } => Err(Unknown::Undefined("expected a number".to_string())),
        }
    }

    fn truth(&self, e: &Expr) -> Result<(bool, Option<Span>), Unknown> {
        match self.eval(e)? {
            Val {
                v: V::Bool(b),
                span,
            } => Ok((b, span)),
            Val { v: V::Num(_), .. } => Err(Unknown::Undefined("expected a condition".to_string())),
        }
    }

    pub fn eval(&self, e: &Expr) -> Res {
        match &e.kind {
            ExprKind::Number(n) => num(*n, None),
            ExprKind::Bool(b) => boolean(*b, None),
            ExprKind::Value {
                entity,
                indicator,
                year,
            } => self.lookup(self.entity(entity), indicator, self.year_of(*year)),
            ExprKind::Series {
                function,
                from,
                to,
                element,
            } => self.series(*function, element, self.year_of(*from), self.year_of(*to)),
            ExprKind::Growth {
                entity,
                indicator,
                year,
            } => {
                let entity = self.entity(entity);
                let year = self.year_of(*year);
                let now = self.lookup(entity, indicator, year);
                let before = self.lookup(entity, indicator, year - 1);
                let ((now, span), before) = match (now, before) {
                    (Ok(Val { v: V::Num(a), span }), Ok(Val { v: V::Num(b), .. })) => {
                        ((a, span), b)
                    }
                    (a, b) => return Err(merge_gaps([a.err(), b.err()])),
                };
                if before.is_zero() {
                    return Err(Unknown::Undefined(format!(
                        "`{indicator}` was 0 in {}, so its growth is undefined",
                        year - 1
                    )));
                }
                let ratio = now.checked_div(before).ok_or_else(overflow)?;
                num(
                    ((ratio - Decimal::ONE) * Decimal::ONE_HUNDRED).normalize(),
                    span,
                )
            }
            ExprKind::Table {
                function,
                table,
                column,
                filter,
            } => self.table(
                *function,
                table,
                column.as_deref(),
                filter.as_deref(),
                e.span,
            ),
            ExprKind::Column(name) => {
                let Some(row) = self.row else {
                    return Err(Unknown::Undefined(format!(
                        "column `{name}` read outside a table"
                    )));
                };
                match row.cells.get(name) {
                    Some(cell) => match &cell.value {
                        Value::Number(n) => num(*n, Some(cell.span)),
                        Value::Flag(b) => boolean(*b, Some(cell.span)),
                        Value::Empty | Value::Text(_) => Err(Unknown::Missing(vec![Gap {
                            entity: row.entity.clone(),
                            what: name.clone(),
                            year: row.year,
                            span: Some(cell.span),
                        }])),
                    },
                    None => Err(Unknown::Missing(vec![Gap {
                        entity: row.entity.clone(),
                        what: name.clone(),
                        year: row.year,
                        span: Some(row.span),
                    }])),
                }
            }
            ExprKind::Scale(inner, factor) => {
                let (n, span) = self.number(inner)?;
                num(
                    n.checked_mul(*factor).ok_or_else(overflow)?.normalize(),
                    span,
                )
            }
            ExprKind::Neg(inner) => {
                let (n, span) = self.number(inner)?;
                num(-n, span)
            }
            ExprKind::Not(inner) => {
                let (b, span) = self.truth(inner)?;
                boolean(!b, span)
            }
            ExprKind::Present(inner) => match self.eval(inner) {
                Ok(val) => boolean(true, val.span),
                Err(Unknown::Missing(gaps)) => boolean(false, gaps.iter().find_map(|g| g.span)),
                Err(other) => Err(other),
            },
            ExprKind::Whole(inner) => {
                let (n, span) = self.number(inner)?;
                boolean(n.fract().is_zero(), span)
            }
            ExprKind::Binary(op, l, r) => {
                // The cell shown is the left operand's, or the right's when the left is a constant (`1 - x / 100%`).
                let (a, left) = self.number(l)?;
                let (b, right) = self.number(r)?;
                let span = left.or(right);
                num(arithmetic(*op, a, b).map_err(Unknown::Undefined)?, span)
            }
            ExprKind::Compare {
                op,
                lhs,
                rhs,
                tolerance,
            } => {
                let l = self.eval(lhs);
                let r = self.eval(rhs);
                let t = tolerance.as_deref().map(|t| self.number(t));
                let (l, r) = match (l, r) {
                    (Ok(l), Ok(r)) => (l, r),
                    (l, r) => return Err(merge_gaps([l.err(), r.err()])),
                };
                let t = match t {
                    None => None,
                    Some(Ok((t, _))) => Some(t),
                    Some(Err(e)) => return Err(e),
                };
                boolean(compare(*op, l.v, r.v, t), l.span.or(r.span))
            }
            ExprKind::Logic(op, l, r) => {
                // Kleene logic: a known `false` decides `and` (a known `true` decides `or`) even when the other side is missing.
                let decisive = matches!(op, LogicOp::Or);
                let a = self.truth(l);
                if let Ok((b, span)) = a
                    && b == decisive
                {
                    return boolean(b, span);
                }
                let c = self.truth(r);
                match (a, c) {
                    (Ok(_), Ok((b, span))) => boolean(b, span),
                    (Err(_), Ok((b, span))) if b == decisive => boolean(b, span),
                    (a, c) => Err(merge_gaps([a.err(), c.err()])),
                }
            }
        }
    }

    /// The values of `element` at each year from `from` to `to`; every one must be known.
    pub fn series_values(
        &self,
        element: &Expr,
        from: i32,
        to: i32,
    ) -> Result<(Vec<Decimal>, Option<Span>), Unknown> {
        let mut values = Vec::new();
        let mut gaps = Vec::new();
        let mut span = None;
        for year in from..=to {
            let at_year = Ctx {
                iterated: Some(year),
                ..*self
            };
            match at_year.eval(element) {
                Ok(Val {
                    v: V::Num(n),
                    span: s,
                }) => {
                    values.push(n);
                    span = s.or(span);
                }
                Ok(_) => {}
                Err(Unknown::Missing(g)) => gaps.extend(g),
                Err(other) => return Err(other),
            }
        }
        if !gaps.is_empty() {
            return Err(merge_gaps([Some(Unknown::Missing(gaps))]));
        }
        Ok((values, span))
    }

    fn series(&self, function: Aggregate, element: &Expr, from: i32, to: i32) -> Res {
        let (values, span) = self.series_values(element, from, to)?;
        num(aggregate(function, &values).ok_or_else(overflow)?, span)
    }

    fn table(
        &self,
        function: Aggregate,
        table: &str,
        column: Option<&str>,
        filter: Option<&Expr>,
        key: Span,
    ) -> Res {
        let complete = self.tables.complete.contains(table);
        let no_rows = || {
            Err(Unknown::Missing(vec![Gap {
                entity: self.subject.to_string(),
                what: table.to_string(),
                year: self.year,
                span: None,
            }]))
        };
        match self.data.streamed(table, key, self.subject, self.year) {
            Some(StreamedValue::Rows(acc)) => return self.folded(acc, function, table, column),
            Some(StreamedValue::NoRows) if complete => {
                return self.folded(&Acc::default(), function, table, column);
            }
            Some(StreamedValue::NoRows) => return no_rows(),
            None => {}
        }
        let rows = match self.tables.rows(table, self.subject, self.year) {
            Some(rows) => &rows[..],
            None if complete => &[],
            None => return no_rows(),
        };
        let mut values = Vec::new();
        let mut gaps = Vec::new();
        let mut span = None;
        for row in rows {
            let at_row = Ctx {
                row: Some(row),
                ..*self
            };
            if let Some(filter) = filter {
                match at_row.truth(filter) {
                    Ok((true, _)) => {}
                    Ok((false, _)) => continue,
                    Err(Unknown::Missing(g)) => {
                        gaps.extend(g);
                        continue;
                    }
                    Err(other) => return Err(other),
                }
            }
            span = Some(row.span);
            match column {
                None => values.push(Decimal::ONE),
                Some(name) => match at_row.eval(&Expr {
                    kind: ExprKind::Column(name.to_string()),
                    span: row.span,
                    unit: None,
                }) {
                    Ok(Val { v: V::Num(n), .. }) => values.push(n),
                    Ok(_) => {}
                    Err(Unknown::Missing(g)) => gaps.extend(g),
                    Err(other) => return Err(other),
                },
            }
        }
        if !gaps.is_empty() {
            return Err(Unknown::Missing(gaps));
        }
        let function = if column.is_none() {
            Aggregate::Count
        } else {
            function
        };
        match aggregate(function, &values) {
            Some(value) => num(value, span),
            None if values.is_empty() => Err(Unknown::Undefined(format!(
                "no row of `{table}` matches, so its {} is undefined",
                function.name()
            ))),
            None => Err(overflow()),
        }
    }
}

/// Whether the value of `e` depends on the submission at all.
pub fn reads_data(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Number(_) | ExprKind::Bool(_) => false,
        ExprKind::Value { .. }
        | ExprKind::Series { .. }
        | ExprKind::Growth { .. }
        | ExprKind::Table { .. }
        | ExprKind::Column(_) => true,
        ExprKind::Scale(inner, _)
        | ExprKind::Neg(inner)
        | ExprKind::Not(inner)
        | ExprKind::Present(inner)
        | ExprKind::Whole(inner) => reads_data(inner),
        ExprKind::Binary(_, l, r) | ExprKind::Logic(_, l, r) => reads_data(l) || reads_data(r),
        ExprKind::Compare {
            lhs,
            rhs,
            tolerance,
            ..
        } => reads_data(lhs) || reads_data(rhs) || tolerance.as_deref().is_some_and(reads_data),
    }
}

/// The value of an expression that reads no data (`1 - 13.5% / 100%` is 0.865), if it has one.
pub fn constant(rules: &RuleSet, e: &Expr) -> Option<V> {
    if reads_data(e) {
        return None;
    }
    let nothing = Submission::default();
    let tables = TableIndex::default();
    let ctx = Ctx {
        rules,
        subject_id: None,
        data: &nothing,
        tables: &tables,
        subject: &rules.plan.entity,
        year: rules.plan.base_year,
        iterated: None,
        row: None,
    };
    ctx.eval(e).ok().map(|v| v.v)
}

impl Ctx<'_> {
    /// The value of an aggregate folded while its table was read, as `table` would compute it.
    fn folded(&self, acc: &Acc, function: Aggregate, table: &str, column: Option<&str>) -> Res {
        if let Some(reason) = &acc.undefined {
            return Err(Unknown::Undefined(reason.clone()));
        }
        if !acc.gaps.is_empty() {
            return Err(Unknown::Missing(
                acc.gaps
                    .iter()
                    .map(|g| Gap {
                        entity: self.subject.to_string(),
                        what: g.column.clone(),
                        year: self.year,
                        span: Some(g.span),
                    })
                    .collect(),
            ));
        }
        let function = if column.is_none() {
            Aggregate::Count
        } else {
            function
        };
        let value = match function {
            Aggregate::Sum => acc.sum,
            Aggregate::Count => Some(Decimal::from(acc.count)),
            Aggregate::Avg if acc.count == 0 => None,
            Aggregate::Avg => acc
                .sum
                .and_then(|s| s.checked_div(Decimal::from(acc.count)))
                .map(|v| v.normalize()),
            Aggregate::Min => acc.min,
            Aggregate::Max => acc.max,
            // Never folded: a product takes plain numbers, and every table column has a unit.
            Aggregate::Product => None,
        };
        match value {
            Some(value) => num(value, acc.span),
            None if acc.count == 0 => Err(Unknown::Undefined(format!(
                "no row of `{table}` matches, so its {} is undefined",
                function.name()
            ))),
            None => Err(overflow()),
        }
    }
}

/// `a op b` in exact decimals; `Err` says why there is no answer.
pub fn arithmetic(op: BinOp, a: Decimal, b: Decimal) -> Result<Decimal, String> {
    let beyond = || "the result is beyond the range of exact decimals".to_string();
    let value = match op {
        BinOp::Add => a.checked_add(b),
        BinOp::Sub => a.checked_sub(b),
        BinOp::Mul => a.checked_mul(b).map(|v| v.normalize()),
        BinOp::Div => {
            if b.is_zero() {
                return Err(format!("division by zero in `{a} / 0`"));
            }
            a.checked_div(b).map(|v| v.normalize())
        }
        BinOp::Pow => {
            // The checker admits only whole exponents written in the rule.
            let exponent = b.to_i64().ok_or_else(beyond)?;
            if a.is_zero() && exponent < 0 {
                return Err(format!("0 raised to the power {exponent} is undefined"));
            }
            a.checked_powi(exponent).map(|v| v.normalize())
        }
    };
    value.ok_or_else(beyond)
}

/// `None` when the aggregate of nothing is undefined (min, max, avg) or overflows.
pub fn aggregate(function: Aggregate, values: &[Decimal]) -> Option<Decimal> {
    let sum = || {
        values
            .iter()
            .try_fold(Decimal::ZERO, |acc, v| acc.checked_add(*v))
    };
    match function {
        Aggregate::Sum => sum(),
        Aggregate::Count => Some(Decimal::from(values.len())),
        Aggregate::Avg => {
            if values.is_empty() {
                return None;
            }
            sum()?
                .checked_div(Decimal::from(values.len()))
                .map(|v| v.normalize())
        }
        Aggregate::Min => values.iter().copied().min(),
        Aggregate::Max => values.iter().copied().max(),
        Aggregate::Product => values
            .iter()
            .try_fold(Decimal::ONE, |acc, v| acc.checked_mul(*v))
            .map(|v| v.normalize()),
    }
}

/// The comparison of the plan, exact. With a tolerance `t`, `>=` means `l >= r - t`,
/// `<=` means `l <= r + t` and `==` means `|l - r| <= t`.
pub fn compare(op: CmpOp, l: V, r: V, tolerance: Option<Decimal>) -> bool {
    match (l, r) {
        (V::Num(a), V::Num(b)) => {
            let b = effective_bound(op, b, tolerance);
            let t = tolerance.unwrap_or(Decimal::ZERO);
            match op {
                CmpOp::Ge => a >= b,
                CmpOp::Gt => a > b,
                CmpOp::Le => a <= b,
                CmpOp::Lt => a < b,
                CmpOp::Eq => (a - b).abs() <= t,
                CmpOp::Ne => (a - b).abs() > t,
            }
        }
        (V::Bool(a), V::Bool(b)) => match op {
            CmpOp::Ne => a != b,
            _ => a == b,
        },
        _ => false,
    }
}

/// The bound a value is actually held against once the tolerance is applied.
pub fn effective_bound(op: CmpOp, bound: Decimal, tolerance: Option<Decimal>) -> Decimal {
    let t = tolerance.unwrap_or(Decimal::ZERO);
    match op {
        CmpOp::Ge | CmpOp::Gt => bound - t,
        CmpOp::Le | CmpOp::Lt => bound + t,
        CmpOp::Eq | CmpOp::Ne => bound,
    }
}

pub(crate) fn merge_gaps<const N: usize>(errors: [Option<Unknown>; N]) -> Unknown {
    let mut gaps = Vec::new();
    for e in errors.into_iter().flatten() {
        match e {
            Unknown::Missing(g) => gaps.extend(g),
            undefined @ Unknown::Undefined(_) => return undefined,
        }
    }
    gaps.sort();
    gaps.dedup();
    Unknown::Missing(gaps)
}
