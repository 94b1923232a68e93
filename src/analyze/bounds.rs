//! Every rule at once: the interval each quantity is confined to, tightened along the
//! orderings rules impose (`x < x[year - 1]` chains the years), each end remembering
//! which rules and which declared base values put it there.

use super::facts::{Fact, Quantity};
use super::interval::{End, Interval, tighter_high, tighter_low};
use crate::check::model::Expr;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

/// Why an end is where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// A rule, by its index in the rule set.
    Rule(usize),
    /// The plan's own base value of an indicator.
    Base(String),
}

#[derive(Debug, Clone)]
pub struct Known {
    pub end: End,
    pub reasons: BTreeSet<Reason>,
}

#[derive(Debug, Clone)]
pub struct Slot<'a> {
    pub quantity: Quantity,
    /// An expression that reads it, for naming it.
    pub expr: Option<&'a Expr>,
    pub low: Option<Known>,
    pub high: Option<Known>,
}

impl Slot<'_> {
    pub fn interval(&self) -> Interval {
        Interval {
            low: self.low.as_ref().map(|k| k.end),
            high: self.high.as_ref().map(|k| k.end),
        }
    }
}

#[derive(Default)]
pub struct Bounds<'a> {
    pub slots: BTreeMap<String, Slot<'a>>,
    orderings: Vec<(String, bool, String, Reason)>,
}

/// The limit on tightening rounds; each round that changes something moves an end to a
/// value drawn from a finite set, so the loop ends long before this in practice.
const MAX_ROUNDS: usize = 10_000;

impl<'a> Bounds<'a> {
    fn slot(&mut self, quantity: &Quantity, expr: Option<&'a Expr>) -> &mut Slot<'a> {
        let slot = self
            .slots
            .entry(quantity.key.clone())
            .or_insert_with(|| Slot {
                quantity: quantity.clone(),
                expr,
                low: None,
                high: None,
            });
        if slot.expr.is_none() {
            slot.expr = expr;
        }
        slot
    }

    pub fn add(&mut self, fact: &Fact<'a>, reason: &Reason) {
        match fact {
            Fact::Within {
                quantity,
                interval,
                expr,
            } => {
                let slot = self.slot(quantity, Some(expr));
                let reasons = BTreeSet::from([reason.clone()]);
                if let Some(end) = interval.low {
                    tighten(&mut slot.low, end, &reasons, tighter_low);
                }
                if let Some(end) = interval.high {
                    tighten(&mut slot.high, end, &reasons, tighter_high);
                }
            }
            Fact::Ordered {
                left,
                strict,
                right,
            } => {
                self.slot(left, None);
                self.slot(right, None);
                self.orderings
                    .push((left.key.clone(), *strict, right.key.clone(), reason.clone()));
            }
        }
    }

    pub fn add_base(&mut self, quantity: &Quantity, value: Decimal, indicator: &str) {
        let slot = self.slot(quantity, None);
        let reasons = BTreeSet::from([Reason::Base(indicator.to_string())]);
        let end = End {
            value,
            strict: false,
        };
        tighten(&mut slot.low, end, &reasons, tighter_low);
        tighten(&mut slot.high, end, &reasons, tighter_high);
    }

    /// Carries ends along the orderings until nothing changes: from `a < b`, `a` is below
    /// every upper end of `b`, and `b` above every lower end of `a`.
    pub fn settle(&mut self) {
        for _ in 0..MAX_ROUNDS {
            let mut changed = false;
            for (left, strict, right, reason) in &self.orderings {
                let carried = |known: &Option<Known>| {
                    known.as_ref().map(|k| {
                        let mut reasons = k.reasons.clone();
                        reasons.insert(reason.clone());
                        (
                            End {
                                value: k.end.value,
                                strict: k.end.strict || *strict,
                            },
                            reasons,
                        )
                    })
                };
                let from_right = self.slots.get(right).and_then(|s| carried(&s.high));
                if let (Some((end, reasons)), Some(slot)) = (from_right, self.slots.get_mut(left)) {
                    changed |= tighten(&mut slot.high, end, &reasons, tighter_high);
                }
                let from_left = self.slots.get(left).and_then(|s| carried(&s.low));
                if let (Some((end, reasons)), Some(slot)) = (from_left, self.slots.get_mut(right)) {
                    changed |= tighten(&mut slot.low, end, &reasons, tighter_low);
                }
            }
            if !changed {
                return;
            }
        }
    }
}

/// Replaces `known` by `end` when it admits fewer values; whether it did.
fn tighten(
    known: &mut Option<Known>,
    end: End,
    reasons: &BTreeSet<Reason>,
    tighter: fn(End, End) -> bool,
) -> bool {
    let replace = match known {
        None => true,
        Some(k) => tighter(end, k.end),
    };
    if replace {
        *known = Some(Known {
            end,
            reasons: reasons.clone(),
        });
    }
    replace
}
