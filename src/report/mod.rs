//! Stage 5: findings and problems turned into what people and programs read.
//! Only this module knows about terminals, colours and output formats.

pub mod human;
pub mod json;
pub mod jsonl;

use crate::eval::{Finding, Outcome};
use std::collections::BTreeMap;

/// Counts of findings by outcome, in the contract's order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub missing: usize,
    pub on_track: usize,
    pub at_risk: usize,
}

impl Summary {
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            *s.slot(f.outcome) += 1;
        }
        s
    }

    fn slot(&mut self, outcome: Outcome) -> &mut usize {
        match outcome {
            Outcome::Pass => &mut self.pass,
            Outcome::Fail => &mut self.fail,
            Outcome::Missing => &mut self.missing,
            Outcome::OnTrack => &mut self.on_track,
            Outcome::AtRisk => &mut self.at_risk,
        }
    }

    pub fn count(&self, outcome: Outcome) -> usize {
        let mut copy = *self;
        *copy.slot(outcome)
    }
}

/// Summaries per entity, sorted by entity.
pub fn by_entity(findings: &[Finding]) -> BTreeMap<&str, Summary> {
    let mut out: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        out.entry(f.entity.as_str()).or_default().push(f);
    }
    out.into_iter()
        .map(|(e, fs)| (e, Summary::of(fs)))
        .collect()
}

/// What an outcome is called where people read it.
pub fn outcome_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "met",
        Outcome::Fail => "target missed",
        Outcome::Missing => "missing data",
        Outcome::OnTrack => "on track",
        Outcome::AtRisk => "at risk",
    }
}
