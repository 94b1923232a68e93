//! Expressions and names in their one canonical spelling.
//!
//! The syntax tree keeps no parentheses, so they are put back where the grammar
//! needs them, and around `and` inside `or` and the operand of `not`, where a
//! reader would otherwise have to know the precedence.

use crate::syntax::ast::{BinOp, Expr, ExprKind, LogicOp, YearExpr, YearSelect};
use rust_decimal::Decimal;

/// Words that cannot be bare names inside an expression (the parser's `RESERVED`).
const RESERVED: [&str; 7] = ["and", "or", "not", "where", "tolerance", "true", "false"];

/// Binding strength, loosest first; an operand weaker than its place needs parentheses.
const OR: u8 = 1;
const AND: u8 = 2;
const NOT: u8 = 3;
const COMPARE: u8 = 4;
const ADD: u8 = 5;
const MUL: u8 = 6;
const SIGN: u8 = 7;
const POWER: u8 = 8;
const ATOM: u8 = 9;

fn strength(e: &Expr) -> u8 {
    match &e.node {
        ExprKind::Logic { op, .. } => match op.node {
            LogicOp::Or => OR,
            LogicOp::And => AND,
        },
        ExprKind::Not(_) => NOT,
        ExprKind::Compare { .. } => COMPARE,
        ExprKind::Binary { op, .. } => match op.node {
            BinOp::Add | BinOp::Sub => ADD,
            BinOp::Mul | BinOp::Div => MUL,
            BinOp::Pow => POWER,
        },
        ExprKind::Neg(_) => SIGN,
        ExprKind::Number { .. }
        | ExprKind::Bool(_)
        | ExprKind::Value { .. }
        | ExprKind::Call { .. } => ATOM,
    }
}

pub fn expr(e: &Expr) -> String {
    match &e.node {
        ExprKind::Number { value, unit } => number(*value, unit.as_ref().map(|u| u.node.as_str())),
        ExprKind::Bool(b) => b.to_string(),
        ExprKind::Value {
            qualifier,
            name: value_name,
            at,
        } => {
            let mut out = String::new();
            if let Some(q) = qualifier {
                out.push_str(&name(&q.node));
                out.push('.');
                // After `.` the parser takes only a bare name.
                out.push_str(&value_name.node);
            } else {
                out.push_str(&name(&value_name.node));
            }
            if let Some(at) = at {
                out.push('[');
                out.push_str(&year_select(&at.node));
                out.push(']');
            }
            out
        }
        ExprKind::Call {
            function,
            arg,
            filter,
        } => match filter {
            Some(f) => format!("{}({} where {})", name(&function.node), expr(arg), expr(f)),
            None => format!("{}({})", name(&function.node), expr(arg)),
        },
        ExprKind::Neg(inner) => format!("-{}", operand(inner, SIGN)),
        ExprKind::Not(inner) => {
            let shown = match &inner.node {
                ExprKind::Not(_) => expr(inner),
                _ => operand(inner, ATOM),
            };
            format!("not {shown}")
        }
        ExprKind::Binary { op, lhs, rhs } => {
            let (left, right) = match op.node {
                BinOp::Add | BinOp::Sub => (ADD, MUL),
                BinOp::Mul | BinOp::Div => (MUL, SIGN),
                // Right-associative, and the exponent may carry a sign: `2 ^ -1`.
                BinOp::Pow => (ATOM, SIGN),
            };
            format!(
                "{} {} {}",
                operand(lhs, left),
                op.node.as_str(),
                operand(rhs, right)
            )
        }
        ExprKind::Compare {
            op,
            lhs,
            rhs,
            tolerance,
        } => {
            let mut out = format!(
                "{} {} {}",
                operand(lhs, ADD),
                op.node.as_str(),
                operand(rhs, ADD)
            );
            if let Some(t) = tolerance {
                out.push_str(" tolerance ");
                out.push_str(&operand(t, ADD));
            }
            out
        }
        ExprKind::Logic { op, lhs, rhs } => match op.node {
            LogicOp::Or => format!("{} or {}", grouped_in_or(lhs, OR), grouped_in_or(rhs, AND)),
            LogicOp::And => format!("{} and {}", operand(lhs, AND), operand(rhs, NOT)),
        },
    }
}

/// `and` inside `or` is always grouped, so nobody has to remember which binds tighter.
fn grouped_in_or(e: &Expr, needed: u8) -> String {
    if strength(e) == AND {
        format!("({})", expr(e))
    } else {
        operand(e, needed)
    }
}

fn operand(e: &Expr, needed: u8) -> String {
    if strength(e) < needed {
        format!("({})", expr(e))
    } else {
        expr(e)
    }
}

/// A number as written (`85`, `85.0`, `0.5`) with its unit right after it (`85%`, `400亿元`).
pub fn number(value: Decimal, unit: Option<&str>) -> String {
    format!("{value}{}", unit.unwrap_or(""))
}

pub fn year_select(select: &YearSelect) -> String {
    match select {
        YearSelect::One(y) => year_expr(*y),
        YearSelect::Span(from, to) => format!("{}..{}", year_expr(*from), year_expr(*to)),
    }
}

fn year_expr(y: YearExpr) -> String {
    match y {
        YearExpr::Absolute(year) => year.to_string(),
        YearExpr::Base => "base".to_string(),
        YearExpr::Relative(0) => "year".to_string(),
        YearExpr::Relative(k) if k > 0 => format!("year + {k}"),
        YearExpr::Relative(k) => format!("year - {}", k.unsigned_abs()),
    }
}

/// A name bare when the parser reads it back as the same name, quoted otherwise.
pub fn name(text: &str) -> String {
    if is_bare_name(text) {
        text.to_string()
    } else {
        quoted(text)
    }
}

fn is_bare_name(text: &str) -> bool {
    let mut chars = text.chars();
    let starts = chars.next().is_some_and(|c| c.is_alphabetic() || c == '_');
    starts && chars.all(|c| c.is_alphanumeric() || c == '_') && !RESERVED.contains(&text)
}

pub fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
