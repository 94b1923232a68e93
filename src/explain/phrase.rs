//! What a checked expression says, in plain English or Chinese.
//!
//! Numbers are shown in the unit the check compares in, which the checker has
//! already settled; a unit conversion (`Scale`) is invisible to the reader.

use super::Lang;
use crate::check::RuleSet;
use crate::check::model::{Aggregate, EntityRef, Expr, ExprKind, Schedule, YearRef};
use crate::eval::value::{V, constant};
use crate::source::Sources;
use crate::syntax::ast::{BinOp, CmpOp, LogicOp};
use crate::units::Base;
use rust_decimal::Decimal;

/// A condition as a requirement ("must be") or as a description of rows ("is").
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mood {
    Must,
    Is,
}

pub struct Words<'a> {
    pub rules: &'a RuleSet,
    pub sources: &'a Sources,
    pub lang: Lang,
    pub schedule: Schedule,
    /// The indicator bound to the rule's `each x` variable, and the variable's name.
    pub bound: Option<(&'a str, &'a str)>,
}

impl Words<'_> {
    fn zh(&self) -> bool {
        self.lang == Lang::Zh
    }

    /// The year every unqualified value is read at, for a deadline rule.
    fn deadline(&self) -> Option<i32> {
        match self.schedule {
            Schedule::By(year) => Some(year),
            Schedule::Each(..) => None,
        }
    }

    fn indicator(&self, id: &str) -> String {
        if let Some((bound, variable)) = self.bound
            && bound == id
        {
            return variable.to_string();
        }
        match (self.rules.indicators.get(id), self.zh()) {
            (Some(def), true) => def.name.clone(),
            (Some(def), false) => format!("{} ({id})", def.name),
            (None, _) => id.to_string(),
        }
    }

    fn owner(&self, entity: &EntityRef) -> String {
        match (entity, self.zh()) {
            (EntityRef::Subject, _) => String::new(),
            (EntityRef::Named(name), true) => name.clone(),
            (EntityRef::Named(name), false) => format!("{name}'s "),
        }
    }

    fn table_name(&self, id: &str) -> String {
        match (
            self.rules.tables.get(id).and_then(|t| t.name.clone()),
            self.zh(),
        ) {
            (Some(name), true) => name,
            (Some(name), false) => format!("{name} ({id})"),
            (None, _) => id.to_string(),
        }
    }

    /// A quantity the check reads or computes.
    pub fn value(&self, e: &Expr) -> String {
        let zh = self.zh();
        // A target worked out in the rule (`1 - 13.5% / 100%`) is shown worked out, as written too.
        let written = !matches!(e.kind, ExprKind::Number(_) | ExprKind::Neg(_));
        if written && let Some(V::Num(n)) = constant(self.rules, e) {
            let shown = exact(n, e.unit.as_ref());
            let source = self.sources.slice(e.span);
            return if zh {
                format!("{shown}（即`{source}`）")
            } else {
                format!("{shown} (`{source}`)")
            };
        }
        match &e.kind {
            ExprKind::Number(n) => exact(*n, e.unit.as_ref()),
            ExprKind::Bool(b) => flag(*b, zh),
            ExprKind::Value {
                entity,
                indicator,
                year,
            } => {
                let who = format!("{}{}", self.owner(entity), self.indicator(indicator));
                match (year, self.deadline(), zh) {
                    (YearRef::Relative(0), Some(y), false) => format!("the {y} value of {who}"),
                    (YearRef::Relative(0), Some(y), true) => format!("{y}年{who}"),
                    (YearRef::Relative(0) | YearRef::Iterated, _, _) => who,
                    (YearRef::Relative(k), Some(y), false) => format!("{who} in {}", y + k),
                    (YearRef::Relative(k), Some(y), true) => format!("{}年{who}", y + k),
                    (YearRef::Relative(-1), None, false) => format!("{who} of the year before"),
                    (YearRef::Relative(-1), None, true) => format!("上年{who}"),
                    (YearRef::Relative(k), None, false) => {
                        let when = if *k < 0 { "before" } else { "after" };
                        format!("{who} {} years {when}", k.unsigned_abs())
                    }
                    (YearRef::Relative(k), None, true) => {
                        let when = if *k < 0 { "前" } else { "后" };
                        format!("{}年{when}的{who}", k.unsigned_abs())
                    }
                    (YearRef::Absolute(y), _, false) => format!("{who} in {y}"),
                    (YearRef::Absolute(y), _, true) => format!("{y}年{who}"),
                }
            }
            ExprKind::Series {
                function,
                from,
                to,
                element,
            } => {
                let (from, to) = self.span(*from, *to);
                if let Some(text) = self.compounded(*function, element, (&from, &to)) {
                    return text;
                }
                let simple = match &element.kind {
                    ExprKind::Value {
                        entity,
                        indicator,
                        year: YearRef::Iterated,
                    } => Some(format!(
                        "{}{}",
                        self.owner(entity),
                        self.indicator(indicator)
                    )),
                    _ => None,
                };
                match (simple, zh) {
                    (Some(who), false) => {
                        format!("the {from}–{to} {} of {who}", aggregate_en(*function))
                    }
                    (Some(who), true) => format!("{from}—{to}年{who}{}", aggregate_zh(*function)),
                    (None, false) => format!(
                        "the {} over {from}–{to} of {}",
                        aggregate_en(*function),
                        self.value(element)
                    ),
                    (None, true) => format!(
                        "{from}—{to}年各年（{}）的{}",
                        self.value(element),
                        aggregate_zh(*function)
                    ),
                }
            }
            ExprKind::Growth {
                entity,
                indicator,
                year,
            } => {
                let who = format!("{}{}", self.owner(entity), self.indicator(indicator));
                match (self.at(*year), zh) {
                    (Some(y), false) => format!("the {y} growth of {who}"),
                    (Some(y), true) => format!("{y}年{who}增速"),
                    (None, false) => format!("the growth of {who}"),
                    (None, true) => format!("{who}增速"),
                }
            }
            ExprKind::Table {
                function,
                table,
                column,
                filter,
            } => self.table(*function, table, column.as_deref(), filter.as_deref()),
            ExprKind::Column(name) => name.clone(),
            ExprKind::Scale(inner, _) => self.value(inner),
            ExprKind::Neg(inner) => {
                if zh {
                    format!("负{}", self.value(inner))
                } else {
                    format!("minus {}", self.value(inner))
                }
            }
            ExprKind::Binary(op, l, r) => {
                let (a, b) = (self.value(l), self.value(r));
                match (op, zh) {
                    (BinOp::Add, false) => format!("{a} plus {b}"),
                    (BinOp::Add, true) => format!("{a}加{b}"),
                    (BinOp::Sub, false) => format!("{a} less {b}"),
                    (BinOp::Sub, true) => format!("{a}减{b}"),
                    (BinOp::Mul, false) => format!("{a} times {b}"),
                    (BinOp::Mul, true) => format!("{a}乘以{b}"),
                    (BinOp::Div, false) => format!("the ratio of {a} to {b}"),
                    (BinOp::Div, true) => format!("{a}与{b}之比"),
                    (BinOp::Pow, false) => format!("{a} to the power {b}"),
                    (BinOp::Pow, true) => format!("{a}的{b}次方"),
                }
            }
            _ => format!("`{}`", self.sources.slice(e.span)),
        }
    }

    /// A tolerance: a difference, so percentages read as percentage points.
    fn difference(&self, e: &Expr) -> String {
        let percent = e
            .unit
            .as_ref()
            .is_some_and(|u| u.dimension.is(Base::Percent));
        match (constant_of(self.rules, e), percent, self.zh()) {
            (Some(n), true, true) => format!("{n}个百分点"),
            (Some(n), true, false) if n == Decimal::ONE => "1 percentage point".to_string(),
            (Some(n), true, false) => format!("{n} percentage points"),
            _ => self.value(e),
        }
    }

    /// `product(1 - r[2021..2025] / 100%)`: yearly rates of change, compounded.
    fn compounded(
        &self,
        function: Aggregate,
        element: &Expr,
        (from, to): (&str, &str),
    ) -> Option<String> {
        if function != Aggregate::Product {
            return None;
        }
        let ExprKind::Binary(op @ (BinOp::Add | BinOp::Sub), one, rate) = &element.kind else {
            return None;
        };
        let ExprKind::Binary(BinOp::Div, value, hundred) = &rate.kind else {
            return None;
        };
        let is_percent = hundred
            .unit
            .as_ref()
            .is_some_and(|u| u.dimension.is(Base::Percent));
        if constant_of(self.rules, one) != Some(Decimal::ONE)
            || constant_of(self.rules, hundred) != Some(Decimal::ONE_HUNDRED)
            || !is_percent
        {
            return None;
        }
        let ExprKind::Value {
            entity,
            indicator,
            year: YearRef::Iterated,
        } = &value.kind
        else {
            return None;
        };
        let who = format!("{}{}", self.owner(entity), self.indicator(indicator));
        let falls = *op == BinOp::Sub;
        Some(match (falls, self.zh()) {
            (true, false) => format!(
                "the product over {from}–{to} of (1 − {who} ÷ 100), its yearly falls compounded,"
            ),
            (false, false) => format!(
                "the product over {from}–{to} of (1 + {who} ÷ 100), its yearly growth compounded,"
            ),
            (true, true) => {
                format!("{from}—{to}年{who}逐年复合后的累计（各年(1−降低率/100)的连乘积）")
            }
            (false, true) => {
                format!("{from}—{to}年{who}逐年复合后的累计（各年(1+增长率/100)的连乘积）")
            }
        })
    }

    /// The year a relative reference means in a deadline rule; `None` in a year-by-year rule.
    fn at(&self, year: YearRef) -> Option<i32> {
        match (year, self.deadline()) {
            (YearRef::Absolute(y), _) => Some(y),
            (YearRef::Relative(k), Some(d)) => Some(d + k),
            _ => None,
        }
    }

    fn span(&self, from: YearRef, to: YearRef) -> (String, String) {
        let show = |y: YearRef| match self.at(y) {
            Some(year) => year.to_string(),
            None if self.zh() => "当年".to_string(),
            None => "the year".to_string(),
        };
        (show(from), show(to))
    }

    fn table(
        &self,
        function: Aggregate,
        table: &str,
        column: Option<&str>,
        filter: Option<&Expr>,
    ) -> String {
        let zh = self.zh();
        let name = self.table_name(table);
        let when = match (self.deadline(), zh) {
            (Some(y), false) => format!(" in {y}"),
            (Some(y), true) => format!("{y}年"),
            (None, _) => String::new(),
        };
        let rows = filter.map(|f| (self.condition(f, Mood::Is), band_notes(self, f)));
        match (column, zh) {
            (None, false) => match rows {
                Some((which, notes)) => {
                    format!("the number of {name} rows{when} whose {which}{notes}")
                }
                None => format!("the number of {name} rows{when}"),
            },
            (None, true) => match rows {
                Some((which, notes)) => format!("{when}{name}中{which}的数量{notes}"),
                None => format!("{when}{name}的数量"),
            },
            (Some(col), false) => {
                let which = rows
                    .map(|(w, n)| format!(" whose {w}{n}"))
                    .unwrap_or_default();
                format!(
                    "the {} of {col} over {name} rows{when}{which}",
                    aggregate_en(function)
                )
            }
            (Some(col), true) => {
                let which = rows.map(|(w, n)| format!("中{w}{n}者")).unwrap_or_default();
                format!("{when}{name}{which}{col}的{}", aggregate_zh(function))
            }
        }
    }

    /// A condition, with no boundary note.
    pub fn condition(&self, e: &Expr, mood: Mood) -> String {
        let zh = self.zh();
        match &e.kind {
            ExprKind::Compare {
                op,
                lhs,
                rhs,
                tolerance,
            } => self.comparison(*op, lhs, rhs, tolerance.as_deref(), mood),
            ExprKind::Logic(op, l, r) => {
                let (a, b) = (self.condition(l, mood), self.condition(r, mood));
                match (op, zh, mood) {
                    (LogicOp::And, false, Mood::Must) => format!("{a}, and {b}"),
                    (LogicOp::And, false, Mood::Is) => format!("{a} and {b}"),
                    (LogicOp::And, true, _) => format!("{a}，且{b}"),
                    (LogicOp::Or, false, _) => format!("either {a}, or {b}"),
                    (LogicOp::Or, true, _) => format!("{a}，或{b}"),
                }
            }
            ExprKind::Not(inner) => {
                let a = self.condition(inner, Mood::Is);
                match (zh, mood) {
                    (false, Mood::Must) => format!("it must not be that {a}"),
                    (false, Mood::Is) => format!("it is not so that {a}"),
                    (true, Mood::Must) => format!("不得出现{a}的情况"),
                    (true, Mood::Is) => format!("并非{a}"),
                }
            }
            ExprKind::Present(inner) => {
                let a = self.value(inner);
                match (zh, mood) {
                    (false, Mood::Must) => {
                        format!("{a} must be reported (neither left out nor left empty)")
                    }
                    (false, Mood::Is) => format!("{a} is reported"),
                    (true, Mood::Must) => format!("{a}须报送（不得缺报或留空）"),
                    (true, Mood::Is) => format!("{a}已报送"),
                }
            }
            ExprKind::Whole(inner) => {
                let a = self.value(inner);
                match (zh, mood) {
                    (false, Mood::Must) => format!("{a} must be a whole number"),
                    (false, Mood::Is) => format!("{a} is a whole number"),
                    (true, Mood::Must) => format!("{a}须为整数"),
                    (true, Mood::Is) => format!("{a}为整数"),
                }
            }
            ExprKind::Bool(b) => match (zh, b) {
                (false, true) => "always met, whatever the data".to_string(),
                (false, false) => "never met, whatever the data".to_string(),
                (true, true) => "总是满足，与数据无关".to_string(),
                (true, false) => "总不满足，与数据无关".to_string(),
            },
            _ => format!("`{}`", self.sources.slice(e.span)),
        }
    }

    fn comparison(
        &self,
        op: CmpOp,
        lhs: &Expr,
        rhs: &Expr,
        tolerance: Option<&Expr>,
        mood: Mood,
    ) -> String {
        let zh = self.zh();
        let (a, b) = (self.value(lhs), self.value(rhs));
        if lhs.unit.is_none() {
            let wanted = match (&rhs.kind, op) {
                (ExprKind::Bool(v), CmpOp::Eq) => Some(*v),
                (ExprKind::Bool(v), CmpOp::Ne) => Some(!*v),
                _ => None,
            };
            if let Some(v) = wanted {
                return match (zh, mood) {
                    (false, Mood::Must) => format!("{a} must be {}", flag(v, false)),
                    (false, Mood::Is) => format!("{a} is {}", flag(v, false)),
                    (true, Mood::Must) => format!("{a}须为{}", flag(v, true)),
                    (true, Mood::Is) => format!("{a}为{}", flag(v, true)),
                };
            }
        }
        let counts = lhs
            .unit
            .as_ref()
            .is_some_and(|u| u.is_none() || u.dimension.is(Base::Count));
        let words = if zh {
            op_zh(op, counts)
        } else {
            crate::eval::describe::op_words(op)
        };
        let target = match (tolerance, zh) {
            (None, _) => b,
            (Some(t), false) => {
                let t = self.difference(t);
                match op {
                    CmpOp::Ge | CmpOp::Gt => format!("{b} less a tolerance of {t}"),
                    CmpOp::Le | CmpOp::Lt => format!("{b} plus a tolerance of {t}"),
                    CmpOp::Eq | CmpOp::Ne => format!("{b}, give or take {t}"),
                }
            }
            (Some(t), true) => {
                let t = self.difference(t);
                match op {
                    CmpOp::Ge | CmpOp::Gt => format!("{b}减{t}（容差）"),
                    CmpOp::Le | CmpOp::Lt => format!("{b}加{t}（容差）"),
                    CmpOp::Eq | CmpOp::Ne => format!("{b}（容差{t}）"),
                }
            }
        };
        match (zh, mood) {
            (false, Mood::Must) => format!("{a} must be {words} {target}"),
            (false, Mood::Is) => format!("{a} is {words} {target}"),
            (true, Mood::Must) => format!("{a}须{words}{target}"),
            (true, Mood::Is) => format!("{a}{words}{target}"),
        }
    }

    /// What happens at the bound itself: the reading of 以上 and 超过 that a plan's words leave to the reader.
    pub fn boundary(&self, e: &Expr) -> Option<String> {
        let ExprKind::Compare {
            op,
            rhs,
            tolerance,
            lhs,
        } = &e.kind
        else {
            return None;
        };
        // A yes/no comparison has no bound to speak of.
        lhs.unit.as_ref()?;
        let zh = self.zh();
        let inclusive = match op {
            CmpOp::Ge | CmpOp::Le => true,
            CmpOp::Gt | CmpOp::Lt => false,
            CmpOp::Eq | CmpOp::Ne => return None,
        };
        if let Some(t) = tolerance {
            let t = self.difference(t);
            return Some(match (op, zh) {
                (CmpOp::Ge | CmpOp::Gt, false) => {
                    format!("a value up to {t} below it still meets it")
                }
                (CmpOp::Le | CmpOp::Lt, false) => {
                    format!("a value up to {t} above it still meets it")
                }
                (CmpOp::Ge | CmpOp::Gt, true) => format!("低于不超过{t}仍达标"),
                _ => format!("高于不超过{t}仍达标"),
            });
        }
        let constant = constant_of(self.rules, rhs).map(|n| exact(n, rhs.unit.as_ref()));
        Some(match (constant, inclusive, zh) {
            (Some(c), true, false) => format!("a value of exactly {c} meets it"),
            (Some(c), false, false) => format!(
                "a value of exactly {c} does not meet it ({} excludes the bound)",
                if *op == CmpOp::Gt {
                    "超过/高于"
                } else {
                    "低于/少于"
                }
            ),
            (Some(c), true, true) => format!("恰为{c}即达标"),
            (Some(c), false, true) => format!("恰为{c}不达标"),
            (None, true, false) => "being equal meets it".to_string(),
            (None, false, false) => "being equal does not meet it".to_string(),
            (None, true, true) => "相等即达标".to_string(),
            (None, false, true) => "相等不达标".to_string(),
        })
    }
}

/// A number in a rule, never rounded: an explanation is read to settle what a rule means.
pub fn exact(n: Decimal, unit: Option<&crate::units::Unit>) -> String {
    match unit {
        Some(u) if !u.name.is_empty() => format!("{}{}", n.normalize(), u.name),
        _ => n.normalize().to_string(),
    }
}

/// The number an expression that reads no data comes to, after any unit conversion.
pub fn constant_of(rules: &RuleSet, e: &Expr) -> Option<Decimal> {
    match constant(rules, e)? {
        V::Num(n) => Some(n),
        V::Bool(_) => None,
    }
}

/// Which rows at a band's edges count: `revenue >= 50亿元 and revenue < 100亿元`.
fn band_notes(words: &Words, filter: &Expr) -> String {
    let mut notes = Vec::new();
    collect_band_notes(words, filter, &mut notes);
    if notes.is_empty() {
        return String::new();
    }
    if words.zh() {
        format!("（{}）", notes.join("，"))
    } else {
        format!(" ({})", notes.join(", "))
    }
}

fn collect_band_notes(words: &Words, e: &Expr, notes: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Logic(LogicOp::And, l, r) => {
            collect_band_notes(words, l, notes);
            collect_band_notes(words, r, notes);
        }
        ExprKind::Compare {
            op,
            lhs,
            rhs,
            tolerance: None,
        } if matches!(lhs.kind, ExprKind::Column(_)) => {
            let Some(c) = constant_of(words.rules, rhs).map(|n| exact(n, rhs.unit.as_ref())) else {
                return;
            };
            let counts = matches!(op, CmpOp::Ge | CmpOp::Le | CmpOp::Eq);
            notes.push(match (counts, words.zh()) {
                (true, false) => format!("exactly {c} counts"),
                (false, false) => format!("exactly {c} does not"),
                (true, true) => format!("恰为{c}计入"),
                (false, true) => format!("恰为{c}不计入"),
            });
        }
        _ => {}
    }
}

fn flag(b: bool, zh: bool) -> String {
    match (b, zh) {
        (true, false) => "true (是)".to_string(),
        (false, false) => "false (否)".to_string(),
        (true, true) => "“是”".to_string(),
        (false, true) => "“否”".to_string(),
    }
}

fn op_zh(op: CmpOp, counts: bool) -> &'static str {
    match (op, counts) {
        (CmpOp::Ge, false) => "不低于",
        (CmpOp::Gt, false) => "高于",
        (CmpOp::Le, false) => "不高于",
        (CmpOp::Lt, false) => "低于",
        (CmpOp::Ge, true) => "不少于",
        (CmpOp::Gt, true) => "多于",
        (CmpOp::Le, true) => "不多于",
        (CmpOp::Lt, true) => "少于",
        (CmpOp::Eq, _) => "等于",
        (CmpOp::Ne, _) => "不等于",
    }
}

pub fn aggregate_en(function: Aggregate) -> &'static str {
    crate::eval::describe::aggregate_words(function)
}

pub fn aggregate_zh(function: Aggregate) -> &'static str {
    match function {
        Aggregate::Sum => "累计",
        Aggregate::Avg => "平均值",
        Aggregate::Min => "最低值",
        Aggregate::Max => "最高值",
        Aggregate::Count => "数量",
        Aggregate::Product => "连乘积",
    }
}
