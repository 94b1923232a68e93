//! `--format jsonl`: one line per finding that needs attention, in the order a
//! province reads them: by entity, then rule (`R2` before `R10`), then year.
//!
//! Lines are `{"entity":"C0001","rule":"R3","year":2025,"outcome":"fail"}`, with
//! `"indicator"` before `"outcome"` for a rule over `each x in [...]`. Passes are
//! left out unless asked for. It is built from verdicts, without the words of a
//! finding, so that a province of entities is written in a blink.

use crate::check::RuleSet;
use crate::eval::{Outcome, Verdict};
use std::cmp::Ordering;
use std::fmt::Write;

/// Compares rule ids with their runs of digits read as numbers: `R2` < `R10`
/// (and, between ids that read the same, `R02` < `R2` by their bytes).
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    natural(a.as_bytes(), b.as_bytes()).then_with(|| a.cmp(b))
}

fn natural(mut a: &[u8], mut b: &[u8]) -> Ordering {
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let da = a.iter().take_while(|c| c.is_ascii_digit()).count();
                let db = b.iter().take_while(|c| c.is_ascii_digit()).count();
                let (na, ra) = a.split_at(da);
                let (nb, rb) = b.split_at(db);
                let trim = |n: &[u8]| -> usize { n.iter().take_while(|&&c| c == b'0').count() };
                let (na, nb) = (
                    na.get(trim(na)..).unwrap_or(&[]),
                    nb.get(trim(nb)..).unwrap_or(&[]),
                );
                let order = na.len().cmp(&nb.len()).then_with(|| na.cmp(nb));
                if order != Ordering::Equal {
                    return order;
                }
                a = ra;
                b = rb;
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                a = a.get(1..).unwrap_or(&[]);
                b = b.get(1..).unwrap_or(&[]);
            }
        }
    }
}

fn quoted(s: &str) -> String {
    // A string always serialises.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// The lines for `verdicts` of `entities`; passes only with `show_passes`.
pub fn render(
    verdicts: &[Verdict],
    rules: &RuleSet,
    entities: &[String],
    show_passes: bool,
) -> String {
    let mut rule_order: Vec<usize> = (0..rules.rules.len()).collect();
    let id = |i: usize| rules.rules.get(i).map_or("", |r| r.id.as_str());
    rule_order.sort_by(|&a, &b| natural_cmp(id(a), id(b)));
    let mut rank = vec![0; rules.rules.len()];
    for (r, &i) in rule_order.iter().enumerate() {
        if let Some(slot) = rank.get_mut(i) {
            *slot = r;
        }
    }
    let mut entity_order: Vec<usize> = (0..entities.len()).collect();
    entity_order.sort_by(|&a, &b| entities.get(a).cmp(&entities.get(b)));
    let mut entity_rank = vec![0; entities.len()];
    for (r, &i) in entity_order.iter().enumerate() {
        if let Some(slot) = entity_rank.get_mut(i) {
            *slot = r;
        }
    }
    let bound = |v: &Verdict| {
        rules
            .rules
            .get(v.rule)
            .and_then(|r| r.instances.get(v.instance))
            .and_then(|i| i.bound.as_deref())
    };
    let mut shown: Vec<&Verdict> = verdicts
        .iter()
        .filter(|v| show_passes || v.outcome != Outcome::Pass)
        .collect();
    shown.sort_by(|a, b| {
        let key = |v: &Verdict| {
            (
                entity_rank.get(v.entity).copied().unwrap_or(0),
                rank.get(v.rule).copied().unwrap_or(0),
                v.year,
            )
        };
        key(a).cmp(&key(b)).then_with(|| bound(a).cmp(&bound(b)))
    });
    let rule_ids: Vec<String> = rules.rules.iter().map(|r| quoted(&r.id)).collect();
    let mut entity_names: Vec<Option<String>> = vec![None; entities.len()];
    let mut out = String::with_capacity(shown.len() * 64);
    for v in shown {
        let entity = match entity_names.get_mut(v.entity) {
            Some(slot) => slot
                .get_or_insert_with(|| quoted(entities.get(v.entity).map_or("", String::as_str))),
            None => continue,
        };
        out.push_str("{\"entity\":");
        out.push_str(entity);
        out.push_str(",\"rule\":");
        out.push_str(rule_ids.get(v.rule).map_or("\"\"", String::as_str));
        let _ = write!(out, ",\"year\":{}", v.year);
        if let Some(indicator) = bound(v) {
            out.push_str(",\"indicator\":");
            out.push_str(&quoted(indicator));
        }
        out.push_str(",\"outcome\":\"");
        out.push_str(v.outcome.as_str());
        out.push_str("\"}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_numbers_sort_as_numbers() {
        let mut ids = vec![
            "R10",
            "R2",
            "R1",
            "R13",
            "R9",
            "gdp-2025",
            "gdp-growth",
            "R02",
        ];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            ids,
            [
                "R1",
                "R02",
                "R2",
                "R9",
                "R10",
                "R13",
                "gdp-2025",
                "gdp-growth"
            ]
        );
    }
}
