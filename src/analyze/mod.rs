//! Static analysis across rules, before any data: rules that no data can meet together,
//! a rule that adds nothing to another, a target the plan's own base cannot reach on any
//! path the rules allow, and a check that never reads the data. Each finding is a
//! warning at the rules involved, quoting the plan for each, with a witness.
//!
//! The analysis is sound and deliberately small: what each rule requires of one quantity
//! in one year, as an interval (`x >= 85%`, `x < 5.5%`, `x == true`), joined by `and`,
//! plus orderings between quantities (`x < x[year - 1]`), which carry interval ends from
//! year to year. Whatever else a rule says (`or`, `not`, `!=`, arithmetic between data
//! values, counts) is left out, so a reported contradiction is always real; some are
//! not found (docs/language.md, "What lint finds").

mod bounds;
mod facts;
mod interval;

use crate::check::RuleSet;
use crate::check::model::{EntityRef, RuleDef, Schedule};
use crate::diagnostic::Problem;
use crate::eval::describe::{self, quantity};
use crate::eval::value::{V, constant, reads_data};
use crate::source::Sources;
use crate::units::Unit;
use bounds::{Bounds, Known, Reason, Slot};
use facts::{Extractor, Fact, Quantity};
use interval::{End, Interval};
use std::collections::{BTreeMap, BTreeSet};

/// Every finding of the analysis, in a stable order.
pub fn analyze(rules: &RuleSet, sources: &Sources) -> Vec<Problem> {
    let extractor = Extractor::new(rules);
    let mut problems = Vec::new();
    let mut bounds = Bounds::default();
    for (index, rule) in rules.rules.iter().enumerate() {
        for instance in &rule.instances {
            if !reads_data(&instance.check) {
                problems.push(constant_check(rules, rule));
                break;
            }
            for year in years(rule) {
                for fact in extractor.facts(&instance.check, year).facts {
                    bounds.add(&fact, &Reason::Rule(index));
                }
            }
        }
    }
    // The plan's own base values pin the plan's entity in their years.
    for (id, def) in &rules.indicators {
        if let Some((year, base)) = rules.declared_base(id) {
            let quantity = Quantity::reported(&EntityRef::Subject, id, year, def.is_flag());
            bounds.add_base(&quantity, base, id);
        }
    }
    bounds.settle();
    let words = Words { rules, sources };
    problems.extend(words.conflicts(&bounds));
    problems.extend(words.redundancies(&extractor));
    problems
}

fn years(rule: &RuleDef) -> std::ops::RangeInclusive<i32> {
    match rule.schedule {
        Schedule::By(year) => year..=year,
        Schedule::Each(from, to) => from..=to,
    }
}

fn constant_check(rules: &RuleSet, rule: &RuleDef) -> Problem {
    let verdict = match rule
        .instances
        .first()
        .and_then(|i| constant(rules, &i.check))
    {
        Some(V::Bool(true)) => "it is met whatever the data say",
        Some(V::Bool(false)) => "it is missed whatever the data say",
        _ => "it cannot be decided from any data",
    };
    Problem::warning(
        "constant-check",
        format!(
            "the check of rule `{}` never reads the data: {verdict}",
            rule.id
        ),
    )
    .at(rule.span, "no indicator, table or column here")
    .note(plan_quote(rule))
    .help("compare an indicator with the target, e.g. `industrial_concentration >= 85%`")
}

fn plan_quote(rule: &RuleDef) -> String {
    let article = rule.article.map(|a| format!("§{a} ")).unwrap_or_default();
    format!("`{}`: plan {article}“{}”", rule.id, rule.quote)
}

struct Words<'a> {
    rules: &'a RuleSet,
    sources: &'a Sources,
}

impl Words<'_> {
    fn rule(&self, reason: &Reason) -> Option<&RuleDef> {
        match reason {
            Reason::Rule(i) => self.rules.rules.get(*i),
            Reason::Base(_) => None,
        }
    }

    fn unit(&self, slot: &Slot) -> Option<Unit> {
        if let Some(e) = slot.expr {
            return e.unit.clone();
        }
        let (_, indicator) = slot.quantity.simple.as_ref()?;
        let def = self.rules.indicators.get(indicator)?;
        (!def.is_flag()).then(|| def.unit.clone())
    }

    fn name(&self, slot: &Slot) -> String {
        let q = &slot.quantity;
        match (&q.simple, slot.expr) {
            (Some((entity, indicator)), _) => {
                let owner = match entity {
                    EntityRef::Subject => String::new(),
                    EntityRef::Named(name) => format!("{name}'s "),
                };
                format!(
                    "{owner}{} in {}",
                    describe::indicator_name(self.rules, indicator),
                    q.year
                )
            }
            (None, Some(e)) => describe::expr(self.rules, self.sources, e, q.year),
            (None, None) => format!("`{}`", q.key),
        }
    }

    fn value(&self, v: rust_decimal::Decimal, slot: &Slot) -> String {
        if slot.quantity.is_flag {
            return if v.is_zero() { "false" } else { "true" }.to_string();
        }
        quantity(v, self.unit(slot).as_ref())
    }

    fn low(&self, end: End, slot: &Slot) -> String {
        // A flag's only intervals are `= true` and `= false`.
        if slot.quantity.is_flag {
            return self.value(end.value, slot);
        }
        let sign = if end.strict { ">" } else { "≥" };
        format!("{sign} {}", self.value(end.value, slot))
    }

    fn high(&self, end: End, slot: &Slot) -> String {
        if slot.quantity.is_flag {
            return self.value(end.value, slot);
        }
        let sign = if end.strict { "<" } else { "≤" };
        format!("{sign} {}", self.value(end.value, slot))
    }

    fn interval(&self, i: &Interval, slot: &Slot) -> String {
        match (i.low, i.high) {
            (Some(l), Some(h)) if l == h => format!("= {}", self.value(l.value, slot)),
            (Some(l), Some(h)) => format!("{} and {}", self.low(l, slot), self.high(h, slot)),
            (Some(l), None) => self.low(l, slot),
            (None, Some(h)) => self.high(h, slot),
            (None, None) => "anything".to_string(),
        }
    }

    fn who(&self, reasons: &BTreeSet<Reason>) -> String {
        let mut parts: Vec<String> = Vec::new();
        for reason in reasons {
            match reason {
                Reason::Rule(_) => {
                    if let Some(rule) = self.rule(reason) {
                        parts.push(format!("`{}`", rule.id));
                    }
                }
                Reason::Base(indicator) => {
                    let year = self.rules.base_year(indicator);
                    let value = self
                        .rules
                        .declared_base(indicator)
                        .map(|(_, v)| {
                            let unit = self.rules.indicators.get(indicator).map(|d| &d.unit);
                            quantity(v, unit)
                        })
                        .unwrap_or_default();
                    parts.push(format!("the plan's base of {value} in {year}"));
                }
            }
        }
        parts.join(" and ")
    }

    /// Quantities no value can satisfy, one finding per set of rules (and bases) behind it.
    fn conflicts(&self, bounds: &Bounds) -> Vec<Problem> {
        let mut groups: BTreeMap<BTreeSet<Reason>, Vec<&Slot>> = BTreeMap::new();
        for slot in bounds.slots.values() {
            if let (Some(low), Some(high)) = (&slot.low, &slot.high)
                && slot.interval().is_empty()
            {
                let reasons: BTreeSet<Reason> = low.reasons.union(&high.reasons).cloned().collect();
                groups.entry(reasons).or_default().push(slot);
            }
        }
        groups
            .iter()
            .filter_map(|(reasons, slots)| self.conflict(reasons, slots))
            .collect()
    }

    fn conflict(&self, reasons: &BTreeSet<Reason>, slots: &[&Slot]) -> Option<Problem> {
        // The clearest place to show it: the fewest steps of reasoning, then the latest year.
        let slot = slots.iter().min_by_key(|s| {
            let steps = s.low.as_ref().map_or(0, |k| k.reasons.len())
                + s.high.as_ref().map_or(0, |k| k.reasons.len());
            (steps, std::cmp::Reverse(s.quantity.year))
        })?;
        let (low, high): (&Known, &Known) = (slot.low.as_ref()?, slot.high.as_ref()?);
        let rules: Vec<&RuleDef> = reasons.iter().filter_map(|r| self.rule(r)).collect();
        let base: Option<&str> = reasons.iter().find_map(|r| match r {
            Reason::Base(indicator) => Some(indicator.as_str()),
            Reason::Rule(_) => None,
        });
        let name = self.name(slot);
        let (low_text, high_text) = (self.low(low.end, slot), self.high(high.end, slot));
        let ids: Vec<String> = rules.iter().map(|r| format!("`{}`", r.id)).collect();
        let (code, message, help) = match (base, rules.len()) {
            (Some(_), _) => (
                "unreachable-target",
                format!(
                    "{} cannot be met from the plan's own base: {name} would have to be {low_text} and {high_text}",
                    join_and(&ids)
                ),
                "a target beyond what the base and the year-by-year rules allow is usually a wrong base value, a wrong sign, or a target for another indicator",
            ),
            (None, 1) => (
                "unsatisfiable-rule",
                format!(
                    "no data can meet rule {}: {name} would have to be {low_text} and {high_text}",
                    join_and(&ids)
                ),
                "check the comparison signs against the plan's words: 以上/不低于 is `>=`, 以下/不高于 is `<=`",
            ),
            (None, _) => (
                "contradictory-rules",
                format!(
                    "rules {} contradict each other: {name} would have to be {low_text} and {high_text}",
                    join_and(&ids)
                ),
                "no submission can meet all of them; check each against the plan's words",
            ),
        };
        let mut problem = Problem::warning(code, message);
        let mut labelled = false;
        for rule in &rules {
            let index = self.rules.rules.iter().position(|r| r.id == rule.id);
            let reason = index.map(Reason::Rule);
            let says = match reason {
                Some(ref r) if low.reasons.contains(r) && low.reasons.len() == 1 => {
                    format!("requires {low_text}")
                }
                Some(ref r) if high.reasons.contains(r) && high.reasons.len() == 1 => {
                    format!("requires {high_text}")
                }
                _ => "ties the years together".to_string(),
            };
            problem = if labelled {
                problem.also(rule.span, says)
            } else {
                labelled = true;
                problem.at(rule.span, says)
            };
        }
        if let Some(indicator) = base
            && let Some(def) = self.rules.indicators.get(indicator)
        {
            problem = problem.also(def.span, "the plan's base value");
        }
        for rule in &rules {
            problem = problem.note(plan_quote(rule));
        }
        let derived = |k: &Known| {
            k.reasons.len() > 1 || k.reasons.iter().any(|r| matches!(r, Reason::Base(_)))
        };
        if derived(low) {
            problem = problem.note(format!(
                "{low_text} follows from {}",
                self.who(&low.reasons)
            ));
        }
        if derived(high) {
            problem = problem.note(format!(
                "{high_text} follows from {}",
                self.who(&high.reasons)
            ));
        }
        let only_low = Interval {
            low: Some(low.end),
            high: None,
        };
        let only_high = Interval {
            low: None,
            high: Some(high.end),
        };
        let witnesses = (only_low.witness(), only_high.witness());
        if let (Some(a), Some(b), false) = (witnesses.0, witnesses.1, slot.quantity.is_flag) {
            problem = problem.note(format!(
                "witness: every value fails one side, e.g. {} is {low_text} but not {high_text}, and {} is {high_text} but not {low_text}",
                self.value(a, slot),
                self.value(b, slot)
            ));
        }
        let mut others: Vec<i32> = slots
            .iter()
            .map(|s| s.quantity.year)
            .filter(|y| *y != slot.quantity.year)
            .collect();
        others.sort();
        others.dedup();
        if !others.is_empty() {
            let years: Vec<String> = others.iter().map(i32::to_string).collect();
            problem = problem.note(format!("the same conflict shows in {}", years.join(", ")));
        }
        Some(problem.help(help))
    }

    /// Rules whose every requirement is implied by another rule of the same weight.
    fn redundancies(&self, extractor: &Extractor) -> Vec<Problem> {
        let requirements: Vec<Option<Requirements>> = self
            .rules
            .rules
            .iter()
            .map(|r| requirements(extractor, r))
            .collect();
        let mut problems = Vec::new();
        for (i, weaker) in self.rules.rules.iter().enumerate() {
            let Some(Some(wanted)) = requirements.get(i) else {
                continue;
            };
            if !wanted.exact {
                continue;
            }
            for (j, stronger) in self.rules.rules.iter().enumerate() {
                let Some(Some(given)) = requirements.get(j) else {
                    continue;
                };
                let same_weight = stronger.attribute == weaker.attribute
                    && stronger.severity == weaker.severity
                    && stronger.quality == weaker.quality;
                if i == j || !same_weight || !implies(given, wanted) {
                    continue;
                }
                let equivalent = given.exact && implies(wanted, given);
                // An equivalent pair is reported once, at the later id.
                if equivalent && i < j {
                    continue;
                }
                problems.push(self.redundancy(stronger, given, weaker, wanted, equivalent));
            }
        }
        problems
    }

    fn redundancy(
        &self,
        stronger: &RuleDef,
        given: &Requirements,
        weaker: &RuleDef,
        wanted: &Requirements,
        equivalent: bool,
    ) -> Problem {
        let example = wanted
            .first()
            .and_then(|(year, key, wanted_interval, slot)| {
                let given_interval = given.by_year.get(year)?.get(key)?.0;
                Some((slot, wanted_interval, given_interval))
            });
        let (message, witness) = match example {
            Some((slot, wanted_interval, given_interval)) => {
                let name = self.name(slot);
                let (w, g) = (
                    self.interval(wanted_interval, slot),
                    self.interval(&given_interval, slot),
                );
                let message = if equivalent {
                    format!(
                        "rules `{}` and `{}` check the same thing: {name} {w}",
                        stronger.id, weaker.id
                    )
                } else {
                    format!(
                        "rule `{}` adds nothing to rule `{}`: every value of {name} that is {g} (`{}`) is also {w} (`{}`)",
                        weaker.id, stronger.id, stronger.id, weaker.id
                    )
                };
                let witness = wanted_interval.outside(&given_interval).map(|v| {
                    format!(
                        "witness: {} meets `{}` but not `{}`, so `{}` is the stronger",
                        self.value(v, slot),
                        weaker.id,
                        stronger.id,
                        stronger.id
                    )
                });
                (message, witness)
            }
            None => (
                format!(
                    "rule `{}` adds nothing to rule `{}`",
                    weaker.id, stronger.id
                ),
                None,
            ),
        };
        let mut problem = Problem::warning("redundant-rule", message)
            .at(
                weaker.span,
                if equivalent {
                    "the same check"
                } else {
                    "implied"
                },
            )
            .also(stronger.span, "by this rule")
            .note(plan_quote(stronger))
            .note(plan_quote(weaker));
        if let Some(w) = witness {
            problem = problem.note(w);
        }
        problem.help("drop one of them, or if the plan sets two levels on purpose (a floor and a stretch), give them different attributes (`binding`, `expected`, `strive`)")
    }
}

/// What a rule requires in each year it checks: an interval per quantity, and whether
/// that is all it requires.
struct Requirements<'a> {
    by_year: BTreeMap<i32, BTreeMap<String, (Interval, Slot<'a>)>>,
    exact: bool,
}

impl<'a> Requirements<'a> {
    fn first(&self) -> Option<(&i32, &String, &Interval, &Slot<'a>)> {
        self.by_year
            .iter()
            .flat_map(|(year, m)| m.iter().map(move |(k, (i, s))| (year, k, i, s)))
            .next()
    }
}

fn requirements<'a>(extractor: &Extractor, rule: &'a RuleDef) -> Option<Requirements<'a>> {
    let mut by_year: BTreeMap<i32, BTreeMap<String, (Interval, Slot<'a>)>> = BTreeMap::new();
    let mut exact = true;
    for instance in &rule.instances {
        if !reads_data(&instance.check) {
            return None;
        }
        for year in years(rule) {
            let found = extractor.facts(&instance.check, year);
            exact &= found.exact;
            for fact in found.facts {
                match fact {
                    Fact::Within {
                        quantity,
                        interval,
                        expr,
                    } => {
                        let entry = by_year
                            .entry(year)
                            .or_default()
                            .entry(quantity.key.clone())
                            .or_insert_with(|| {
                                (
                                    Interval::default(),
                                    Slot {
                                        quantity,
                                        expr: Some(expr),
                                        low: None,
                                        high: None,
                                    },
                                )
                            });
                        entry.0 = entry.0.intersect(interval);
                    }
                    Fact::Ordered { .. } => exact = false,
                }
            }
        }
    }
    Some(Requirements { by_year, exact })
}

/// Whether meeting `given` in every year means meeting `wanted`: each quantity `wanted`
/// bounds, in each of its years, is bounded by `given` within it.
fn implies(given: &Requirements, wanted: &Requirements) -> bool {
    if wanted.by_year.is_empty() {
        return false;
    }
    wanted.by_year.iter().all(|(year, quantities)| {
        quantities.iter().all(|(key, (interval, _))| {
            given
                .by_year
                .get(year)
                .and_then(|g| g.get(key))
                .is_some_and(|(g, _)| !g.is_empty() && g.within(interval))
        })
    })
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
