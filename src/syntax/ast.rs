//! The rule language's syntax tree. Every node keeps its span; equality of a
//! `Spanned` ignores the span so tests compare meaning, not offsets.

use crate::source::Span;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Spanned<T> {
        Spanned { node, span }
    }
}

pub type Name = Spanned<String>;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleFile {
    /// Each item with the span from its first keyword to its end.
    pub items: Vec<Spanned<Item>>,
    /// Comments with their spans, so that a formatter can keep them.
    pub comments: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Plan(Plan),
    Indicator(Indicator),
    Table(TableDecl),
    Rule(Rule),
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub keyword: Span,
    pub name: Name,
    pub fields: Vec<Spanned<PlanField>>,
}

/// Like `Spanned`, a keyword's position is not part of what the plan says.
impl PartialEq for Plan {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.fields == other.fields
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PlanField {
    Entity(Name),
    Period(Spanned<i32>, Spanned<i32>),
    Base(Spanned<i32>),
    Source(Name),
    Reference(Name),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub id: Name,
    pub name: Name,
    pub unit: Name,
    pub base: Option<Spanned<Decimal>>,
    /// `base 60.6 in 2019`: the year of the base value, when it is not the plan's base year.
    pub base_year: Option<Spanned<i32>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableDecl {
    pub id: Name,
    pub name: Option<Name>,
    /// `complete`: the table lists every record, so an entity-year without rows has none.
    pub complete: Option<Span>,
    pub columns: Vec<Column>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: Name,
    /// `text`, or a unit spelling.
    pub kind: Name,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Attribute {
    Binding,
    Expected,
    Strive,
}

impl Attribute {
    pub fn as_str(self) -> &'static str {
        match self {
            Attribute::Binding => "binding",
            Attribute::Expected => "expected",
            Attribute::Strive => "strive",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub keyword: Span,
    pub id: Name,
    pub fields: Vec<Spanned<RuleField>>,
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.fields == other.fields
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum RuleField {
    Cite {
        article: Option<Spanned<u32>>,
        quote: Name,
    },
    Attribute(Attribute),
    Severity(Name),
    Quality,
    Title(Name),
    Check(Check),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// `by 2025: EXPR`
    By { year: Spanned<i32>, expr: Expr },
    /// `each year 2021..2025[, each x in [a, b]]: EXPR`
    Each {
        from: Spanned<i32>,
        to: Spanned<i32>,
        over: Option<ForEach>,
        expr: Expr,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ForEach {
    pub var: Name,
    pub indicators: Vec<Name>,
}

pub type Expr = Box<Spanned<ExprKind>>;

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Number {
        value: Decimal,
        /// The unit as written right after the number.
        unit: Option<Name>,
    },
    Bool(bool),
    /// `name`, `qualifier.name`, optionally `[year]` or `[from..to]`.
    Value {
        qualifier: Option<Name>,
        name: Name,
        at: Option<Spanned<YearSelect>>,
    },
    /// `f(arg)` or `f(arg where filter)`.
    Call {
        function: Name,
        arg: Expr,
        filter: Option<Expr>,
    },
    Neg(Expr),
    Not(Expr),
    Binary {
        op: Spanned<BinOp>,
        lhs: Expr,
        rhs: Expr,
    },
    Compare {
        op: Spanned<CmpOp>,
        lhs: Expr,
        rhs: Expr,
        tolerance: Option<Expr>,
    },
    Logic {
        op: Spanned<LogicOp>,
        lhs: Expr,
        rhs: Expr,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    /// `1.07 ^ 5`: a whole-number power, exact.
    Pow,
}

impl BinOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Pow => "^",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
    Ne,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Ge => ">=",
            CmpOp::Gt => ">",
            CmpOp::Le => "<=",
            CmpOp::Lt => "<",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }

    /// Whether a larger left-hand value is the better one.
    pub fn wants_more(self) -> Option<bool> {
        match self {
            CmpOp::Ge | CmpOp::Gt => Some(true),
            CmpOp::Le | CmpOp::Lt => Some(false),
            CmpOp::Eq | CmpOp::Ne => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogicOp {
    And,
    Or,
}

#[derive(Debug, Clone, PartialEq)]
pub enum YearSelect {
    One(YearExpr),
    Span(YearExpr, YearExpr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearExpr {
    Absolute(i32),
    /// `year + k` (k may be negative).
    Relative(i32),
    /// The base year of the indicator read: its own (`base 60.6 in 2019`) or the plan's.
    Base,
}
