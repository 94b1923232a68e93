//! `plancheck explain`: a rule in plain words, for the planner who wrote the plan
//! and the supervisor who reads a finding — its citation, its weight, what it
//! checks and what happens at the bound, in Chinese or English.

mod phrase;

use crate::check::RuleSet;
use crate::check::model::{Aggregate, ExprKind, RuleDef, Schedule};
use crate::diagnostic::Severity;
use crate::source::Sources;
use crate::syntax::ast::Attribute;
use phrase::{Mood, Words};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

/// The explanation of one rule, as lines of text.
pub fn explain(rules: &RuleSet, sources: &Sources, rule: &RuleDef, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut out = match (&rule.title, zh) {
        (Some(title), false) => format!("{} — {title}\n", rule.id),
        _ => format!("{}\n", rule.id),
    };
    let mut line = |label_en: &str, label_zh: &str, text: String| {
        let label = if zh { label_zh } else { label_en };
        out.push_str(&format!("  {label}{text}\n"));
    };
    let article = rule.article.map(|a| format!("§{a} ")).unwrap_or_default();
    line(
        "plan       ",
        "规划原文  ",
        format!("{article}“{}”", rule.quote),
    );
    line("attribute  ", "属性      ", weight(rule, zh));
    line(
        "checks     ",
        "检查内容  ",
        checks(rules, sources, rule, lang),
    );
    if let Some(before) = progress(rules, rule, zh) {
        line("before     ", "期中      ", before);
    }
    let at = sources.location(rule.span);
    line(
        "defined at ",
        "定义位置  ",
        format!("{}:{}:{}", at.file, at.line, at.column),
    );
    out
}

fn weight(rule: &RuleDef, zh: bool) -> String {
    let default = match rule.attribute {
        Attribute::Binding => Severity::Error,
        Attribute::Expected => Severity::Warning,
        Attribute::Strive => Severity::Note,
    };
    let attribute_zh = match rule.attribute {
        Attribute::Binding => "约束性",
        Attribute::Expected => "预期性",
        Attribute::Strive => "力争",
    };
    let mut text = if zh {
        let level = match rule.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Note => "提示",
        };
        format!(
            "{attribute_zh}（{}），未达标时报{level}",
            rule.attribute.as_str()
        )
    } else {
        let level = match rule.severity {
            Severity::Error => "an error",
            Severity::Warning => "a warning",
            Severity::Note => "a note",
        };
        format!(
            "{} ({attribute_zh}): a miss is reported as {level}",
            rule.attribute.as_str()
        )
    };
    if rule.severity != default {
        text.push_str(if zh {
            "（规则自行设定的级别）"
        } else {
            " (the rule sets its own severity)"
        });
    }
    if rule.quality {
        text.push_str(if zh {
            "；数据质量规则：只报告不符合之处，符合与缺报均不提示"
        } else {
            "; a data-quality rule: it reports only where the data fail it, passes and gaps stay silent"
        });
    }
    text
}

fn checks(rules: &RuleSet, sources: &Sources, rule: &RuleDef, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let Some(first) = rule.instances.first() else {
        return String::new();
    };
    let variable = rule.variable.as_deref().unwrap_or("x");
    let words = Words {
        rules,
        sources,
        lang,
        schedule: rule.schedule,
        bound: first.bound.as_deref().map(|b| (b, variable)),
    };
    let condition = words.condition(&first.check, Mood::Must);
    let mut text = match (rule.schedule, zh) {
        (Schedule::By(_), _) => condition,
        (Schedule::Each(from, to), false) => {
            format!("in every year from {from} to {to}, {condition}")
        }
        (Schedule::Each(from, to), true) => format!("{from}—{to}年每年，{condition}"),
    };
    if let Some(note) = words.boundary(&first.check) {
        if zh {
            text.push_str(&format!("（{note}）"));
        } else {
            text.push_str(&format!("; {note}"));
        }
    }
    let bound: Vec<String> = rule
        .instances
        .iter()
        .filter_map(|i| i.bound.as_deref())
        .map(|id| match (rules.indicators.get(id), zh) {
            (Some(def), true) => def.name.clone(),
            (Some(def), false) => format!("{} ({id})", def.name),
            (None, _) => id.to_string(),
        })
        .collect();
    if bound.is_empty() {
        return text;
    }
    if zh {
        format!("对以下每个指标{variable}（{}）：{text}", bound.join("、"))
    } else {
        format!("for each {variable} of {}: {text}", bound.join(", "))
    }
}

/// What a deadline rule says before its deadline (interfaces.md §4).
fn progress(rules: &RuleSet, rule: &RuleDef, zh: bool) -> Option<String> {
    let Schedule::By(deadline) = rule.schedule else {
        return None;
    };
    if rule.quality {
        return None;
    }
    let check = &rule.instances.first()?.check;
    let ExprKind::Compare { op, lhs, rhs, .. } = &check.kind else {
        return None;
    };
    op.wants_more()?;
    let target = phrase::constant_of(rules, rhs)
        .map(|n| phrase::exact(n, rhs.unit.as_ref()))
        .unwrap_or_else(|| {
            if zh {
                "目标值".to_string()
            } else {
                "the target".to_string()
            }
        });
    let series = match &lhs.kind {
        ExprKind::Series { function, .. } => Some(*function),
        _ => None,
    };
    Some(match (series, zh) {
        (Some(Aggregate::Sum), false) => format!(
            "with data that stops before {deadline}, the total so far is held against the same share of {target} (3 of 5 years: 3/5 of it): on_track or at_risk"
        ),
        (Some(Aggregate::Sum), true) => format!(
            "数据截至{deadline}年以前时，以已报各年累计对照{target}的相应份额（5年中的3年即3/5），判为进度正常或进度滞后"
        ),
        (Some(Aggregate::Product), false) => format!(
            "with data that stops before {deadline}, the product so far is held against the compounded share of {target} (after 3 of 5 years, its 3/5th power): on_track or at_risk"
        ),
        (Some(Aggregate::Product), true) => format!(
            "数据截至{deadline}年以前时，以已报各年连乘积对照{target}的复合份额（5年中的3年即其3/5次方），判为进度正常或进度滞后"
        ),
        (_, false) => {
            let base = base_words(rules, lhs, false);
            format!(
                "with data that stops before {deadline}, the latest value is held against the straight path from {base} to {target}: on_track or at_risk"
            )
        }
        (_, true) => {
            let base = base_words(rules, lhs, true);
            format!(
                "数据截至{deadline}年以前时，以最新值对照从{base}到{target}的直线路径，判为进度正常或进度滞后"
            )
        }
    })
}

fn base_words(rules: &RuleSet, lhs: &crate::check::model::Expr, zh: bool) -> String {
    let measured = match &lhs.kind {
        ExprKind::Scale(inner, _) => inner,
        _ => lhs,
    };
    let declared = match &measured.kind {
        ExprKind::Value {
            entity: crate::check::model::EntityRef::Subject,
            indicator,
            year: crate::check::model::YearRef::Relative(0),
        } => Some((rules.base_year(indicator), rules.declared_base(indicator))),
        _ => None,
    };
    match (declared, zh) {
        (Some((year, Some((_, value)))), false) => format!(
            "the {year} value (the plan's {} if the data lack it)",
            phrase::exact(value, lhs.unit.as_ref())
        ),
        (Some((year, Some((_, value)))), true) => format!(
            "{year}年基数（数据缺报时取规划所列{}）",
            phrase::exact(value, lhs.unit.as_ref())
        ),
        (Some((year, None)), false) => format!("the {year} value"),
        (Some((year, None)), true) => format!("{year}年基数"),
        (None, false) => format!("the {} value", rules.plan.base_year),
        (None, true) => format!("{}年基数", rules.plan.base_year),
    }
}
