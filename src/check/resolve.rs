use super::model::{self, *};
use crate::diagnostic::{Problem, Severity, did_you_mean};
use crate::source::{FileId, Span};
use crate::syntax::ast::{
    self, Attribute, BinOp, CmpOp, ExprKind as Ast, RuleField, Spanned, YearSelect,
};
use crate::units::{Unit, known_spellings, parse_unit};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

const FUNCTIONS: [&str; 9] = [
    "sum", "avg", "min", "max", "count", "product", "growth", "present", "whole",
];

#[derive(Default)]
pub(super) struct Resolver {
    problems: Vec<Problem>,
    plan: Option<model::Plan>,
    indicators: BTreeMap<String, IndicatorDef>,
    tables: BTreeMap<String, TableDef>,
    /// Years every checked year may reach, for messages.
    period_span: Option<Span>,
}

/// What names mean where an expression is resolved.
#[derive(Clone, Copy)]
struct Scope<'a> {
    /// The indicator bound to an `each x in [...]` variable.
    bound: Option<(&'a str, &'a str)>,
    /// Inside `where`: the table whose columns are in scope.
    table: Option<&'a TableDef>,
    /// The years the check is evaluated at.
    years: (i32, i32),
    /// Inside an aggregate over a span: that span, which values read at each of its years.
    series: Option<(ast::YearExpr, ast::YearExpr)>,
}

fn error(
    code: &'static str,
    message: impl Into<String>,
    span: Span,
    label: impl Into<String>,
) -> Problem {
    Problem::error(code, message).at(span, label)
}

impl Resolver {
    pub(super) fn run(
        mut self,
        files: &[(FileId, ast::RuleFile)],
    ) -> (Option<RuleSet>, Vec<Problem>) {
        let items = || {
            files
                .iter()
                .flat_map(|(_, f)| f.items.iter().map(|i| &i.node))
        };
        let mut plan_span = None;
        for item in items() {
            if let ast::Item::Plan(plan) = item {
                if let Some(first) = plan_span {
                    self.problems.push(
                        error(
                            "duplicate-plan",
                            "a rule set has one `plan`",
                            plan.keyword,
                            "second plan",
                        )
                        .also(first, "first plan"),
                    );
                } else {
                    plan_span = Some(plan.keyword);
                    self.plan(plan);
                }
            }
        }
        for item in items() {
            match item {
                ast::Item::Indicator(ind) => self.indicator(ind),
                ast::Item::Table(table) => self.table(table),
                _ => {}
            }
        }
        let mut rules: Vec<RuleDef> = Vec::new();
        let mut seen: BTreeMap<String, Span> = BTreeMap::new();
        for item in items() {
            if let ast::Item::Rule(rule) = item {
                if let Some(first) = seen.get(&rule.id.node) {
                    self.problems.push(
                        error(
                            "duplicate-rule",
                            format!("rule id `{}` is used twice", rule.id.node),
                            rule.id.span,
                            "second use",
                        )
                        .also(*first, "first use")
                        .help("rule ids are how supervisors refer to targets: each must be unique"),
                    );
                    continue;
                }
                seen.insert(rule.id.node.clone(), rule.id.span);
                if let Some(def) = self.rule(rule) {
                    rules.push(def);
                }
            }
        }
        if plan_span.is_none() {
            self.problems.push(
                Problem::error("missing-plan", "the rule set has no `plan` block")
                    .help("add `plan \"…\" { entity …  period 2021..2025  base 2020 }` to one of its files"),
            );
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        let has_errors = self.problems.iter().any(Problem::is_error);
        let rule_set = match (has_errors, self.plan) {
            (false, Some(plan)) => Some(RuleSet {
                plan,
                indicators: self.indicators,
                tables: self.tables,
                rules,
            }),
            _ => None,
        };
        (rule_set, self.problems)
    }

    fn plan(&mut self, plan: &ast::Plan) {
        let mut entity = None;
        let mut period = None;
        let mut base = None;
        let mut source = None;
        let mut references = Vec::new();
        for field in &plan.fields {
            match &field.node {
                ast::PlanField::Entity(name) => entity = Some(name.node.clone()),
                ast::PlanField::Period(from, to) => {
                    if from.node > to.node {
                        self.problems.push(error(
                            "bad-period",
                            format!(
                                "the period starts in {} after it ends in {}",
                                from.node, to.node
                            ),
                            field.span,
                            "reversed period",
                        ));
                    }
                    self.period_span = Some(field.span);
                    period = Some((from.node, to.node));
                }
                ast::PlanField::Base(year) => base = Some(year.node),
                ast::PlanField::Source(text) => source = Some(text.node.clone()),
                ast::PlanField::Reference(name) => references.push(name.node.clone()),
            }
        }
        let mut missing = |what: &str, example: &str| {
            self.problems.push(
                error(
                    "incomplete-plan",
                    format!("the plan does not say its {what}"),
                    plan.keyword,
                    format!("no `{example}` here"),
                )
                .help(format!("add `{example}` inside the plan block")),
            );
        };
        let (Some(entity), Some(period), Some(base_year)) = (entity.clone(), period, base) else {
            if entity.is_none() {
                missing("entity", "entity 犍为县");
            }
            if period.is_none() {
                missing("period", "period 2021..2025");
            }
            if base.is_none() {
                missing("base year", "base 2020");
            }
            return;
        };
        self.plan = Some(model::Plan {
            name: plan.name.node.clone(),
            entity,
            period,
            base_year,
            source,
            references,
        });
    }

    fn unit(&mut self, name: &Spanned<String>, what: &str) -> Option<Unit> {
        let unit = parse_unit(&name.node);
        if unit.is_none() {
            let mut problem = error(
                "unknown-unit",
                format!("unknown unit `{}`", name.node),
                name.span,
                format!("the {what}'s unit"),
            );
            problem = match did_you_mean(&name.node, known_spellings()) {
                Some(close) => problem.help(format!("did you mean `{close}`?")),
                None => problem.help(
                    "units are listed in docs/language.md, e.g. `亿元`, `%`, `平方公里`, `个`",
                ),
            };
            self.problems.push(problem);
        }
        unit
    }

    fn indicator(&mut self, ind: &ast::Indicator) {
        if let Some(first) = self.indicators.get(&ind.id.node) {
            let first = first.span;
            self.problems.push(
                error(
                    "duplicate-indicator",
                    format!("indicator `{}` is declared twice", ind.id.node),
                    ind.id.span,
                    "second declaration",
                )
                .also(first, "first declaration"),
            );
            return;
        }
        let Some(unit) = self.unit(&ind.unit, "indicator") else {
            return;
        };
        if let (Some(year), Some(plan)) = (&ind.base_year, &self.plan)
            && year.node > plan.period.1
        {
            let year = (year.node, year.span);
            self.year_out_of_period(year.1, year.0, "the base year");
            return;
        }
        self.indicators.insert(
            ind.id.node.clone(),
            IndicatorDef {
                id: ind.id.node.clone(),
                name: ind.name.node.clone(),
                unit,
                base: ind.base.as_ref().map(|b| b.node),
                base_year: ind.base_year.as_ref().map(|y| y.node),
                span: ind.id.span,
            },
        );
    }

    fn table(&mut self, table: &ast::TableDecl) {
        let mut columns = BTreeMap::new();
        for column in &table.columns {
            let kind = if column.kind.node == "text" {
                None
            } else {
                match self.unit(&column.kind, "column") {
                    Some(unit) => Some(unit),
                    None => continue,
                }
            };
            columns.insert(column.name.node.clone(), kind);
        }
        self.tables.insert(
            table.id.node.clone(),
            TableDef {
                id: table.id.node.clone(),
                name: table.name.as_ref().map(|n| n.node.clone()),
                complete: table.complete.is_some(),
                columns,
            },
        );
    }

    fn rule(&mut self, rule: &ast::Rule) -> Option<RuleDef> {
        let mut cite = None;
        let mut attribute: Option<(Attribute, Span)> = None;
        let mut severity = None;
        let mut quality = false;
        let mut title = None;
        let mut check: Option<(&ast::Check, Span)> = None;
        let mut ok = true;
        for field in &rule.fields {
            match &field.node {
                RuleField::Cite { article, quote } => {
                    cite = Some((article.as_ref().map(|a| a.node), quote))
                }
                RuleField::Attribute(a) => {
                    if let Some((_, first)) = attribute {
                        self.problems.push(
                            error(
                                "duplicate-attribute",
                                "a rule has one attribute",
                                field.span,
                                "second attribute",
                            )
                            .also(first, "first attribute"),
                        );
                        ok = false;
                    }
                    attribute = Some((*a, field.span));
                }
                RuleField::Severity(level) => {
                    severity = match level.node.as_str() {
                        "error" => Some(Severity::Error),
                        "warning" => Some(Severity::Warning),
                        "note" => Some(Severity::Note),
                        other => {
                            self.problems.push(
                                error(
                                    "bad-severity",
                                    format!("unknown severity `{other}`"),
                                    level.span,
                                    "here",
                                )
                                .help("use `error`, `warning` or `note`"),
                            );
                            ok = false;
                            None
                        }
                    }
                }
                RuleField::Quality => quality = true,
                RuleField::Title(t) => title = Some(t.node.clone()),
                RuleField::Check(c) => {
                    if let Some((_, first)) = check {
                        self.problems.push(
                            error(
                                "duplicate-check",
                                "a rule has one check",
                                field.span,
                                "second check",
                            )
                            .also(first, "first check")
                            .help("write two rules, or join the conditions with `and`"),
                        );
                        ok = false;
                    } else {
                        check = Some((c, field.span));
                    }
                }
            }
        }
        let id = &rule.id;
        let Some((article, quote)) = cite else {
            self.problems.push(
                error(
                    "missing-citation",
                    format!("rule `{}` does not cite the plan", id.node),
                    id.span,
                    "no `cite`",
                )
                .help("add `cite §N \"the plan's words\"` so findings can quote the plan"),
            );
            return None;
        };
        if article.is_none() && !quality {
            self.problems.push(
                error(
                    "missing-article",
                    format!("rule `{}` cites no article", id.node),
                    quote.span,
                    "which article says this?",
                )
                .help("write `cite §N \"…\"`; only `quality` rules may cite without an article"),
            );
            ok = false;
        }
        let Some((attribute, _)) = attribute else {
            self.problems.push(
                error(
                    "missing-attribute",
                    format!("rule `{}` has no attribute", id.node),
                    id.span,
                    "no attribute",
                )
                .help("add `binding` (约束性), `expected` (预期性) or `strive` (力争)"),
            );
            return None;
        };
        let Some((check, check_span)) = check else {
            self.problems.push(
                error(
                    "missing-check",
                    format!("rule `{}` has no check", id.node),
                    id.span,
                    "nothing to check",
                )
                .help("add `by 2025: …` or `each year 2021..2025: …`"),
            );
            return None;
        };
        let plan = self.plan.as_ref()?;
        let (base_year, period) = (plan.base_year, plan.period);
        let (schedule, years, over, expr) = match check {
            ast::Check::By { year, expr } => {
                if year.node < period.0 || year.node > period.1 {
                    self.year_out_of_period(year.span, year.node, "the deadline");
                    return None;
                }
                (Schedule::By(year.node), (year.node, year.node), None, expr)
            }
            ast::Check::Each {
                from,
                to,
                over,
                expr,
            } => {
                if from.node > to.node {
                    self.problems.push(error(
                        "bad-span",
                        format!(
                            "the span starts in {} after it ends in {}",
                            from.node, to.node
                        ),
                        from.span.to(to.span),
                        "reversed span",
                    ));
                    return None;
                }
                for y in [from, to] {
                    if y.node < base_year || y.node > period.1 {
                        self.year_out_of_period(y.span, y.node, "this year");
                        return None;
                    }
                }
                (
                    Schedule::Each(from.node, to.node),
                    (from.node, to.node),
                    over.as_ref(),
                    expr,
                )
            }
        };
        let bindings: Vec<Option<(&str, &str)>> = match over {
            None => vec![None],
            Some(fe) => {
                let mut list = Vec::new();
                for ind in &fe.indicators {
                    if self.indicators.contains_key(&ind.node) {
                        list.push(Some((fe.var.node.as_str(), ind.node.as_str())));
                    } else {
                        self.unknown_indicator(ind, None);
                        ok = false;
                    }
                }
                list
            }
        };
        let mut instances = Vec::new();
        for bound in bindings {
            let scope = Scope {
                bound,
                table: None,
                years,
                series: None,
            };
            let Some(resolved) = self.expr(expr, scope) else {
                ok = false;
                continue;
            };
            if resolved.unit.is_some() {
                self.problems.push(
                    error(
                        "not-a-condition",
                        "the check is a number, not a condition",
                        expr.span,
                        "a number",
                    )
                    .help("compare it with a target, e.g. `… >= 85%`"),
                );
                ok = false;
                continue;
            }
            instances.push(Instance {
                bound: bound.map(|(_, ind)| ind.to_string()),
                indicator: main_indicator(&resolved),
                check: resolved,
            });
        }
        if !ok {
            return None;
        }
        Some(RuleDef {
            id: id.node.clone(),
            span: check_span,
            article,
            quote: quote.node.clone(),
            attribute,
            severity: severity.unwrap_or(match attribute {
                Attribute::Binding => Severity::Error,
                Attribute::Expected => Severity::Warning,
                Attribute::Strive => Severity::Note,
            }),
            quality,
            title,
            schedule,
            instances,
            variable: over.map(|fe| fe.var.node.clone()),
        })
    }

    fn year_out_of_period(&mut self, span: Span, year: i32, what: &str) {
        let Some(plan) = &self.plan else { return };
        let mut problem = error(
            "year-out-of-period",
            format!(
                "{what} {year} is outside the plan's years {}–{}",
                plan.base_year, plan.period.1
            ),
            span,
            format!("{year}"),
        )
        .help(format!(
            "the plan runs {}–{} from the base year {}",
            plan.period.0, plan.period.1, plan.base_year
        ));
        if let Some(period) = self.period_span {
            problem = problem.also(period, "the plan's period");
        }
        self.problems.push(problem);
    }

    fn unknown_indicator(&mut self, name: &Spanned<String>, table: Option<&TableDef>) {
        let mut candidates: Vec<&str> = self.indicators.keys().map(String::as_str).collect();
        if let Some(t) = table {
            candidates.extend(t.columns.keys().map(String::as_str));
        }
        let mut problem = error(
            "unknown-indicator",
            format!("unknown indicator `{}`", name.node),
            name.span,
            "not declared",
        );
        problem = match did_you_mean(&name.node, candidates) {
            Some(close) => problem.help(format!("did you mean `{close}`?")),
            None => problem.help(format!(
                "declare it: `indicator {} \"中文名\" 单位`",
                name.node
            )),
        };
        self.problems.push(problem);
    }

    /// A year a value is read at. An indicator whose base is given for an earlier year
    /// (`base 60.6 in 2019`) may be read back to that year, and `base` means that year.
    fn year_ref(
        &mut self,
        year: ast::YearExpr,
        span: Span,
        scope: Scope,
        indicator: Option<&str>,
    ) -> Option<YearRef> {
        let plan = self.plan.as_ref()?;
        let own_base = indicator
            .and_then(|id| self.indicators.get(id))
            .and_then(|def| def.base_year);
        let base = own_base.unwrap_or(plan.base_year);
        let (earliest, end) = (base.min(plan.base_year), plan.period.1);
        let resolved = match year {
            ast::YearExpr::Absolute(y) => YearRef::Absolute(y),
            ast::YearExpr::Relative(k) => YearRef::Relative(k),
            ast::YearExpr::Base => YearRef::Absolute(base),
        };
        let lowest = resolved.resolve(scope.years.0);
        let highest = resolved.resolve(scope.years.1);
        for y in [lowest, highest] {
            if y < earliest || y > end {
                self.year_out_of_period(span, y, "the year");
                if let (Some(id), Some(own)) = (indicator, own_base)
                    && let Some(problem) = self.problems.last_mut()
                {
                    problem.notes.push(format!(
                        "`{id}` may be read back to {own}, the year of its base"
                    ));
                }
                return None;
            }
        }
        Some(resolved)
    }

    fn entity_ref(&mut self, qualifier: &Option<Spanned<String>>) -> Option<EntityRef> {
        let Some(q) = qualifier else {
            return Some(EntityRef::Subject);
        };
        let plan = self.plan.as_ref()?;
        if q.node == plan.entity {
            return Some(EntityRef::Subject);
        }
        if plan.references.contains(&q.node) {
            return Some(EntityRef::Named(q.node.clone()));
        }
        let candidates: Vec<&str> = plan
            .references
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(plan.entity.as_str()))
            .collect();
        let mut problem = error(
            "unknown-entity",
            format!("unknown entity `{}`", q.node),
            q.span,
            "not the plan's entity or a reference",
        );
        problem = match did_you_mean(&q.node, candidates) {
            Some(close) => problem.help(format!("did you mean `{close}`?")),
            None => problem.help(format!("declare it in the plan: `reference {}`", q.node)),
        };
        self.problems.push(problem);
        None
    }

    fn node(kind: model::ExprKind, span: Span, unit: Option<Unit>) -> Option<Expr> {
        Some(Expr { kind, span, unit })
    }

    fn expr(&mut self, e: &ast::Expr, scope: Scope) -> Option<Expr> {
        let span = e.span;
        match &e.node {
            Ast::Number { value, unit } => {
                let unit = match unit {
                    None => Unit::none(),
                    Some(u) => self.unit(u, "number")?,
                };
                Self::node(model::ExprKind::Number(*value), span, Some(unit))
            }
            Ast::Bool(b) => Self::node(model::ExprKind::Bool(*b), span, None),
            Ast::Value {
                qualifier,
                name,
                at,
            } => self.value(qualifier, name, at, span, scope),
            Ast::Call {
                function,
                arg,
                filter,
            } => self.call(function, arg, filter.as_ref(), span, scope),
            Ast::Neg(inner) => {
                let inner = self.expr(inner, scope)?;
                if inner.unit.is_none() {
                    self.problems.push(
                        error(
                            "type",
                            "a yes/no value cannot be negated with `-`",
                            span,
                            "here",
                        )
                        .help("use `not`"),
                    );
                    return None;
                }
                let unit = inner.unit.clone();
                Self::node(model::ExprKind::Neg(Box::new(inner)), span, unit)
            }
            Ast::Not(inner) => {
                let inner = self.condition(inner, scope)?;
                Self::node(model::ExprKind::Not(Box::new(inner)), span, None)
            }
            Ast::Logic { op, lhs, rhs } => {
                let l = self.condition(lhs, scope);
                let r = self.condition(rhs, scope);
                Self::node(
                    model::ExprKind::Logic(op.node, Box::new(l?), Box::new(r?)),
                    span,
                    None,
                )
            }
            Ast::Binary { op, lhs, rhs } => {
                let l = self.expr(lhs, scope);
                let r = self.expr(rhs, scope);
                let (l, r) = (l?, r?);
                let (Some(lu), Some(ru)) = (l.unit.clone(), r.unit.clone()) else {
                    self.problems.push(error(
                        "type",
                        format!("`{}` needs numbers on both sides", op.node.as_str()),
                        op.span,
                        "a yes/no value is not a number",
                    ));
                    return None;
                };
                match op.node {
                    BinOp::Mul => Self::node(
                        model::ExprKind::Binary(op.node, Box::new(l), Box::new(r)),
                        span,
                        Some(lu.times(&ru)),
                    ),
                    BinOp::Div => Self::node(
                        model::ExprKind::Binary(op.node, Box::new(l), Box::new(r)),
                        span,
                        Some(lu.per(&ru)),
                    ),
                    BinOp::Pow => {
                        if !lu.is_none() {
                            self.problems.push(
                                error(
                                    "type",
                                    format!(
                                        "only a plain number can be raised to a power, not {}",
                                        unit_phrase(&lu)
                                    ),
                                    lhs.span,
                                    format!("in {}", unit_label(&lu)),
                                )
                                .help("write the factor as a plain number, e.g. `(1 + 7% / 100%) ^ 5` or `1.07 ^ 5`"),
                            );
                            return None;
                        }
                        if whole_constant(rhs).is_none() {
                            self.problems.push(
                                error(
                                    "type",
                                    "a power takes a whole number written in the rule",
                                    rhs.span,
                                    "not a whole number without a unit",
                                )
                                .help("write it as `1.07 ^ 5`; a power is exact only for whole exponents"),
                            );
                            return None;
                        }
                        Self::node(
                            model::ExprKind::Binary(op.node, Box::new(l), Box::new(r)),
                            span,
                            Some(lu),
                        )
                    }
                    BinOp::Add | BinOp::Sub => {
                        let (l, r, unit) =
                            self.reconcile(l, lhs, r, rhs, op.span, "add or subtract")?;
                        Self::node(
                            model::ExprKind::Binary(op.node, Box::new(l), Box::new(r)),
                            span,
                            Some(unit),
                        )
                    }
                }
            }
            Ast::Compare {
                op,
                lhs,
                rhs,
                tolerance,
            } => {
                let l = self.expr(lhs, scope);
                let r = self.expr(rhs, scope);
                let (l, r) = (l?, r?);
                match (&l.unit, &r.unit) {
                    (None, None) => {
                        if !matches!(op.node, CmpOp::Eq | CmpOp::Ne) {
                            self.problems.push(error(
                                "type",
                                format!(
                                    "yes/no values cannot be compared with `{}`",
                                    op.node.as_str()
                                ),
                                op.span,
                                "use `==` or `!=`",
                            ));
                            return None;
                        }
                        if let Some(t) = tolerance {
                            self.problems.push(error(
                                "type",
                                "a tolerance needs numbers",
                                t.span,
                                "here",
                            ));
                            return None;
                        }
                        Self::node(
                            model::ExprKind::Compare {
                                op: op.node,
                                lhs: Box::new(l),
                                rhs: Box::new(r),
                                tolerance: None,
                            },
                            span,
                            None,
                        )
                    }
                    (Some(_), Some(_)) => {
                        let (l, r, unit) = self.reconcile(l, lhs, r, rhs, op.span, "compare")?;
                        let tolerance = match tolerance {
                            None => None,
                            Some(t) => {
                                let t_resolved = self.expr(t, scope)?;
                                let t_unit = t_resolved.unit.clone();
                                Some(Box::new(self.convert_to(
                                    t_resolved,
                                    t,
                                    t_unit.as_ref(),
                                    &unit,
                                    op.span,
                                    "use as a tolerance for",
                                )?))
                            }
                        };
                        Self::node(
                            model::ExprKind::Compare {
                                op: op.node,
                                lhs: Box::new(l),
                                rhs: Box::new(r),
                                tolerance,
                            },
                            span,
                            None,
                        )
                    }
                    _ => {
                        self.problems.push(
                            error(
                                "type",
                                "cannot compare a yes/no value with a number",
                                op.span,
                                "here",
                            )
                            .also(lhs.span, describe(&l.unit))
                            .also(rhs.span, describe(&r.unit)),
                        );
                        None
                    }
                }
            }
        }
    }

    fn condition(&mut self, e: &ast::Expr, scope: Scope) -> Option<Expr> {
        let resolved = self.expr(e, scope)?;
        if resolved.unit.is_some() {
            self.problems.push(
                error(
                    "type",
                    "expected a condition, found a number",
                    e.span,
                    "a number",
                )
                .help("compare it with something, e.g. `… >= 85%`"),
            );
            return None;
        }
        Some(resolved)
    }

    /// Brings both sides of `+`, `-` or a comparison into the left side's unit.
    /// A bare number (`1`) takes the other side's unit.
    fn reconcile(
        &mut self,
        l: Expr,
        lhs: &ast::Expr,
        r: Expr,
        rhs: &ast::Expr,
        op_span: Span,
        verb: &str,
    ) -> Option<(Expr, Expr, Unit)> {
        let lu = l.unit.clone()?;
        let ru = r.unit.clone()?;
        if is_bare_number(lhs) && !is_bare_number(rhs) {
            let l = Expr {
                unit: Some(ru.clone()),
                ..l
            };
            return Some((l, r, ru));
        }
        let r = self.convert_to(r, rhs, Some(&ru), &lu, op_span, verb)?;
        Some((l, r, lu))
    }

    fn convert_to(
        &mut self,
        e: Expr,
        ast: &ast::Expr,
        from: Option<&Unit>,
        to: &Unit,
        op_span: Span,
        verb: &str,
    ) -> Option<Expr> {
        let from = from?;
        if is_bare_number(ast) {
            return Some(Expr {
                unit: Some(to.clone()),
                ..e
            });
        }
        let Some(factor) = from.factor_to(to) else {
            self.problems.push(
                error(
                    "unit-mismatch",
                    format!(
                        "cannot {verb} {} with {}",
                        unit_phrase(to),
                        unit_phrase(from)
                    ),
                    op_span,
                    "different dimensions",
                )
                .also(ast.span, format!("in {}", unit_label(from)))
                .help(format!(
                    "{} measures {}; {} measures {}",
                    unit_label(to),
                    to.dimension,
                    unit_label(from),
                    from.dimension
                )),
            );
            return None;
        };
        if factor == Decimal::ONE {
            return Some(Expr {
                unit: Some(to.clone()),
                ..e
            });
        }
        let span = e.span;
        Some(match e.kind {
            model::ExprKind::Number(value) => Expr {
                kind: model::ExprKind::Number((value * factor).normalize()),
                span,
                unit: Some(to.clone()),
            },
            _ => Expr {
                kind: model::ExprKind::Scale(Box::new(e), factor),
                span,
                unit: Some(to.clone()),
            },
        })
    }

    fn value(
        &mut self,
        qualifier: &Option<Spanned<String>>,
        name: &Spanned<String>,
        at: &Option<Spanned<YearSelect>>,
        span: Span,
        scope: Scope,
    ) -> Option<Expr> {
        if qualifier.is_none()
            && let Some(table) = scope.table
            && let Some(column) = table.columns.get(&name.node)
        {
            if column.is_none() {
                self.problems.push(error(
                    "type",
                    format!("column `{}` holds text, not numbers", name.node),
                    name.span,
                    "a text column",
                ));
                return None;
            }
            return Self::node(
                model::ExprKind::Column(name.node.clone()),
                span,
                column.clone(),
            );
        }
        if let Some(q) = qualifier
            && self.tables.contains_key(&q.node)
        {
            self.problems.push(
                error(
                    "type",
                    format!(
                        "`{}.{}` is a table column, not a single value",
                        q.node, name.node
                    ),
                    span,
                    "many rows",
                )
                .help(format!(
                    "aggregate it, e.g. `max({}.{})` or `count({} where …)`",
                    q.node, name.node, q.node
                )),
            );
            return None;
        }
        let indicator = match scope.bound {
            Some((var, ind)) if qualifier.is_none() && name.node == var => ind.to_string(),
            _ => name.node.clone(),
        };
        if qualifier.is_none() && self.tables.contains_key(&indicator) {
            self.problems.push(
                error(
                    "type",
                    format!("`{indicator}` is a table, not a value"),
                    span,
                    "a table",
                )
                .help(format!("count its rows with `count({indicator} where …)`")),
            );
            return None;
        }
        let entity = self.entity_ref(qualifier);
        let Some(def) = self.indicators.get(&indicator) else {
            self.unknown_indicator(name, scope.table);
            return None;
        };
        let unit = (!def.is_flag()).then(|| def.unit.clone());
        let entity = entity?;
        match at.as_ref().map(|a| (&a.node, a.span)) {
            None => Self::node(
                model::ExprKind::Value {
                    entity,
                    indicator,
                    year: YearRef::Relative(0),
                },
                span,
                unit,
            ),
            Some((YearSelect::One(y), at_span)) => {
                let year = self.year_ref(*y, at_span, scope, Some(&indicator))?;
                Self::node(
                    model::ExprKind::Value {
                        entity,
                        indicator,
                        year,
                    },
                    span,
                    unit,
                )
            }
            Some((YearSelect::Span(from, to), at_span)) => {
                if let Some(series) = scope.series {
                    if series == (*from, *to) {
                        return Self::node(
                            model::ExprKind::Value {
                                entity,
                                indicator,
                                year: YearRef::Iterated,
                            },
                            span,
                            unit,
                        );
                    }
                    self.problems.push(
                        error(
                            "type",
                            "one aggregate runs over one span of years",
                            at_span,
                            "a different span",
                        )
                        .help("write the same span everywhere inside the aggregate, or use two aggregates"),
                    );
                    return None;
                }
                self.problems.push(
                    error(
                        "type",
                        "a span of years is many values, not one",
                        at_span,
                        "a span",
                    )
                    .help(format!(
                        "aggregate it: `sum({indicator}[…])`, `avg(…)`, `min(…)` or `max(…)`"
                    )),
                );
                None
            }
        }
    }

    fn call(
        &mut self,
        function: &Spanned<String>,
        arg: &ast::Expr,
        filter: Option<&ast::Expr>,
        span: Span,
        scope: Scope,
    ) -> Option<Expr> {
        let aggregate = match function.node.as_str() {
            "sum" => Some(Aggregate::Sum),
            "avg" => Some(Aggregate::Avg),
            "min" => Some(Aggregate::Min),
            "max" => Some(Aggregate::Max),
            "count" => Some(Aggregate::Count),
            "product" => Some(Aggregate::Product),
            _ => None,
        };
        if let Some(function_kind) = aggregate {
            return self.aggregate(function_kind, function, arg, filter, span, scope);
        }
        if let Some(f) = filter {
            self.problems.push(error(
                "type",
                format!("`{}` takes no `where`", function.node),
                f.span,
                "only table aggregates filter rows",
            ));
            return None;
        }
        match function.node.as_str() {
            "growth" => {
                let inner = self.expr(arg, scope)?;
                let model::ExprKind::Value {
                    entity,
                    indicator,
                    year,
                } = inner.kind
                else {
                    self.problems.push(error(
                        "type",
                        "`growth` takes one indicator, as in `growth(gdp)`",
                        arg.span,
                        "not an indicator",
                    ));
                    return None;
                };
                // growth reads the previous year too, which must lie within the plan's years
                let previous = match year {
                    YearRef::Relative(k) => Some(ast::YearExpr::Relative(k - 1)),
                    YearRef::Absolute(y) => Some(ast::YearExpr::Absolute(y - 1)),
                    // Inside an aggregate: the year before the span's first.
                    YearRef::Iterated => match scope.series.map(|(from, _)| from) {
                        Some(ast::YearExpr::Relative(k)) => Some(ast::YearExpr::Relative(k - 1)),
                        Some(ast::YearExpr::Absolute(y)) => Some(ast::YearExpr::Absolute(y - 1)),
                        Some(ast::YearExpr::Base) | None => None,
                    },
                };
                if let Some(previous) = previous {
                    self.year_ref(previous, arg.span, scope, Some(&indicator))?;
                }
                Self::node(
                    model::ExprKind::Growth {
                        entity,
                        indicator,
                        year,
                    },
                    span,
                    parse_unit("%"),
                )
            }
            "present" => {
                let inner = self.expr(arg, scope)?;
                Self::node(model::ExprKind::Present(Box::new(inner)), span, None)
            }
            "whole" => {
                let inner = self.expr(arg, scope)?;
                if inner.unit.is_none() {
                    self.problems.push(error(
                        "type",
                        "`whole` takes a number",
                        arg.span,
                        "a yes/no value",
                    ));
                    return None;
                }
                Self::node(model::ExprKind::Whole(Box::new(inner)), span, None)
            }
            other => {
                let mut problem = error(
                    "unknown-function",
                    format!("unknown function `{other}`"),
                    function.span,
                    "not a function",
                );
                problem = match did_you_mean(other, FUNCTIONS) {
                    Some(close) => problem.help(format!("did you mean `{close}`?")),
                    None => problem.help(format!("functions: {}", FUNCTIONS.join(", "))),
                };
                self.problems.push(problem);
                None
            }
        }
    }

    fn aggregate(
        &mut self,
        function: Aggregate,
        name: &Spanned<String>,
        arg: &ast::Expr,
        filter: Option<&ast::Expr>,
        span: Span,
        scope: Scope,
    ) -> Option<Expr> {
        let Ast::Value {
            qualifier,
            name: target,
            at,
        } = &arg.node
        else {
            // An expression over a span: `product(1 - r[2021..2025] / 100%)`.
            if let Some(f) = filter {
                self.problems.push(error(
                    "type",
                    "only an aggregate over a table takes `where`",
                    f.span,
                    "no table here",
                ));
                return None;
            }
            let found = (function != Aggregate::Count)
                .then(|| span_in(arg))
                .flatten();
            let Some((from, to, at_span)) = found else {
                self.problems
                    .push(self.aggregate_help(function, name.span, arg.span));
                return None;
            };
            return self.series(function, arg, (from, to, at_span), span, scope, None);
        };
        // A table: `count(enterprises where …)` or `sum(enterprises.revenue where …)`.
        let table_and_column = match (qualifier, function) {
            (None, Aggregate::Count) if at.is_none() => {
                self.tables.get(&target.node).map(|t| (t.clone(), None))
            }
            (Some(q), _) if at.is_none() => {
                self.tables.get(&q.node).map(|t| (t.clone(), Some(target)))
            }
            _ => None,
        };
        if let Some((table, column)) = table_and_column {
            let unit = match column {
                None => Some(Unit::none()),
                Some(col) => match table.columns.get(&col.node) {
                    Some(Some(unit)) => Some(unit.clone()),
                    Some(None) => {
                        self.problems.push(error(
                            "type",
                            format!("column `{}` holds text, not numbers", col.node),
                            col.span,
                            "a text column",
                        ));
                        return None;
                    }
                    None => {
                        let mut problem = error(
                            "unknown-column",
                            format!("table `{}` has no column `{}`", table.id, col.node),
                            col.span,
                            "not declared",
                        );
                        if let Some(close) =
                            did_you_mean(&col.node, table.columns.keys().map(String::as_str))
                        {
                            problem = problem.help(format!("did you mean `{close}`?"));
                        }
                        self.problems.push(problem);
                        return None;
                    }
                },
            };
            let filter = match filter {
                None => None,
                Some(f) => Some(Box::new(self.condition(
                    f,
                    Scope {
                        table: Some(&table),
                        ..scope
                    },
                )?)),
            };
            return Self::node(
                model::ExprKind::Table {
                    function,
                    table: table.id.clone(),
                    column: column.map(|c| c.node.clone()),
                    filter,
                },
                span,
                unit,
            );
        }
        let unknown_name =
            qualifier.is_none() && at.is_none() && !self.indicators.contains_key(&target.node);
        if let Some(f) = filter {
            let problem = if unknown_name {
                self.unknown_table(target)
            } else {
                error(
                    "type",
                    "only an aggregate over a table takes `where`",
                    f.span,
                    "no table here",
                )
            };
            self.problems.push(problem);
            return None;
        }
        if function == Aggregate::Count {
            let problem = if unknown_name {
                self.unknown_table(target)
            } else {
                self.aggregate_help(function, name.span, arg.span)
            };
            self.problems.push(problem);
            return None;
        }
        if let Some(q) = qualifier {
            let is_entity = self
                .plan
                .as_ref()
                .is_some_and(|p| p.references.contains(&q.node) || p.entity == q.node);
            if !is_entity {
                let mut problem = error(
                    "unknown-table",
                    format!("unknown table or entity `{}`", q.node),
                    q.span,
                    "not declared",
                );
                let plan_names = self
                    .plan
                    .iter()
                    .flat_map(|p| p.references.iter().chain(std::iter::once(&p.entity)));
                let candidates: Vec<&str> = self
                    .tables
                    .keys()
                    .chain(plan_names)
                    .map(String::as_str)
                    .collect();
                if let Some(close) = did_you_mean(&q.node, candidates) {
                    problem = problem.help(format!("did you mean `{close}`?"));
                }
                self.problems.push(problem);
                return None;
            }
        }
        let Some(Spanned {
            node: YearSelect::Span(from, to),
            span: at_span,
        }) = at
        else {
            self.problems
                .push(self.aggregate_help(function, name.span, arg.span));
            return None;
        };
        let indicator = match scope.bound {
            Some((var, ind)) if qualifier.is_none() && target.node == var => ind.to_string(),
            _ => target.node.clone(),
        };
        let Some(def) = self.indicators.get(&indicator) else {
            self.unknown_indicator(target, None);
            return None;
        };
        if def.is_flag() {
            self.problems.push(error(
                "type",
                format!("`{}` is a yes/no flag and cannot be summed", indicator),
                target.span,
                "a flag",
            ));
            return None;
        }
        self.series(
            function,
            arg,
            (*from, *to, *at_span),
            span,
            scope,
            Some(&indicator),
        )
    }

    /// An aggregate of `arg` over each year of a span; `arg` reads its values at those years.
    fn series(
        &mut self,
        function: Aggregate,
        arg: &ast::Expr,
        (from, to, at_span): (ast::YearExpr, ast::YearExpr, Span),
        span: Span,
        scope: Scope,
        indicator: Option<&str>,
    ) -> Option<Expr> {
        let from_year = self.year_ref(from, at_span, scope, indicator)?;
        let to_year = self.year_ref(to, at_span, scope, indicator)?;
        let element = self.expr(
            arg,
            Scope {
                series: Some((from, to)),
                ..scope
            },
        )?;
        let Some(unit) = element.unit.clone() else {
            self.problems.push(error(
                "type",
                format!("`{}` needs numbers, not yes/no values", function.name()),
                arg.span,
                "a yes/no value",
            ));
            return None;
        };
        if function == Aggregate::Product && !unit.is_none() {
            self.problems.push(
                error(
                    "type",
                    format!(
                        "a product of yearly factors needs plain numbers, not {}",
                        unit_phrase(&unit)
                    ),
                    arg.span,
                    format!("in {}", unit_label(&unit)),
                )
                .help("turn a yearly rate into a factor, e.g. `product(1 + growth_rate[2021..2025] / 100%)`"),
            );
            return None;
        }
        Self::node(
            model::ExprKind::Series {
                function,
                from: from_year,
                to: to_year,
                element: Box::new(element),
            },
            span,
            Some(unit),
        )
    }

    fn unknown_table(&self, name: &Spanned<String>) -> Problem {
        let problem = error(
            "unknown-table",
            format!("unknown table `{}`", name.node),
            name.span,
            "not declared",
        );
        match did_you_mean(&name.node, self.tables.keys().map(String::as_str)) {
            Some(close) => problem.help(format!("did you mean `{close}`?")),
            None => problem.help(format!(
                "declare it: `table {} \"中文名\" {{ column unit }}`",
                name.node
            )),
        }
    }

    fn aggregate_help(&self, function: Aggregate, name: Span, arg: Span) -> Problem {
        let f = function.name();
        let example = if function == Aggregate::Count {
            "`count(enterprises where revenue >= 100亿元)`".to_string()
        } else {
            format!("`{f}(fixed_asset_investment[2021..2025])` or `{f}(enterprises.revenue)`")
        };
        error(
            "type",
            format!("`{f}` needs a span of years or a table"),
            arg,
            "not a span or a table",
        )
        .also(name, "this aggregate")
        .help(format!("write it as {example}"))
    }
}

/// The first span of years an aggregate's argument reads (`x[2021..2025]`), outside any
/// aggregate nested in it.
fn span_in(e: &ast::Expr) -> Option<(ast::YearExpr, ast::YearExpr, Span)> {
    match &e.node {
        Ast::Value {
            at:
                Some(Spanned {
                    node: YearSelect::Span(from, to),
                    span,
                }),
            ..
        } => Some((*from, *to, *span)),
        Ast::Neg(inner) | Ast::Not(inner) => span_in(inner),
        Ast::Binary { lhs, rhs, .. } | Ast::Logic { lhs, rhs, .. } => {
            span_in(lhs).or_else(|| span_in(rhs))
        }
        Ast::Compare { lhs, rhs, .. } => span_in(lhs).or_else(|| span_in(rhs)),
        Ast::Number { .. } | Ast::Bool(_) | Ast::Value { .. } | Ast::Call { .. } => None,
    }
}

/// A whole number without a unit, written as such: the exponent of `^`.
fn whole_constant(e: &ast::Expr) -> Option<Decimal> {
    match &e.node {
        Ast::Number { value, unit: None } if value.fract().is_zero() => Some(*value),
        Ast::Neg(inner) => whole_constant(inner).map(|v| -v),
        _ => None,
    }
}

fn is_bare_number(e: &ast::Expr) -> bool {
    match &e.node {
        Ast::Number { unit, .. } => unit.is_none(),
        Ast::Neg(inner) => is_bare_number(inner),
        _ => false,
    }
}

fn describe(unit: &Option<Unit>) -> String {
    match unit {
        None => "a yes/no value".to_string(),
        Some(u) => unit_label(u),
    }
}

fn unit_label(unit: &Unit) -> String {
    if unit.name.is_empty() {
        "a plain number".to_string()
    } else {
        format!("`{}`", unit.name)
    }
}

fn unit_phrase(unit: &Unit) -> String {
    if unit.name.is_empty() {
        "a plain number".to_string()
    } else {
        format!("a value in `{}`", unit.name)
    }
}

/// The indicator a finding is about: the first one read, left to right.
fn main_indicator(e: &Expr) -> Option<String> {
    match &e.kind {
        model::ExprKind::Value { indicator, .. } | model::ExprKind::Growth { indicator, .. } => {
            Some(indicator.clone())
        }
        model::ExprKind::Series { element, .. } => main_indicator(element),
        model::ExprKind::Table { table, .. } => Some(table.clone()),
        model::ExprKind::Number(_) | model::ExprKind::Bool(_) | model::ExprKind::Column(_) => None,
        model::ExprKind::Scale(inner, _)
        | model::ExprKind::Neg(inner)
        | model::ExprKind::Not(inner)
        | model::ExprKind::Present(inner)
        | model::ExprKind::Whole(inner) => main_indicator(inner),
        model::ExprKind::Binary(_, l, r) | model::ExprKind::Logic(_, l, r) => {
            main_indicator(l).or_else(|| main_indicator(r))
        }
        model::ExprKind::Compare { lhs, rhs, .. } => {
            main_indicator(lhs).or_else(|| main_indicator(rhs))
        }
    }
}
