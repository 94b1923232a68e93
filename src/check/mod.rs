//! Stage 2: names, units and years, checked before any data is read.
//!
//! Like the parser, the checker reports every problem it finds, and returns a
//! rule set only when there are none that are errors.

pub mod model;
mod resolve;

use crate::data::aggregate::StreamSpec;
use crate::diagnostic::Problem;
use crate::source::FileId;
use crate::syntax::ast::RuleFile;

pub use model::RuleSet;

/// Checks parsed rule files as one rule set.
pub fn check(files: &[(FileId, RuleFile)]) -> (Option<RuleSet>, Vec<Problem>) {
    resolve::Resolver::default().run(files)
}

impl RuleSet {
    /// What the data readers need to know: units to convert to, tables and columns.
    pub fn schema(&self) -> crate::data::Schema {
        crate::data::Schema {
            indicators: self
                .indicators
                .values()
                .map(|i| {
                    (
                        i.id.clone(),
                        crate::data::IndicatorSpec {
                            unit: i.unit.clone(),
                        },
                    )
                })
                .collect(),
            tables: self
                .tables
                .values()
                .map(|t| {
                    (
                        t.id.clone(),
                        crate::data::TableSpec {
                            columns: t.columns.clone(),
                        },
                    )
                })
                .collect(),
            streams: self.streams(),
        }
    }

    /// The tables whose every aggregate can be folded while reading, with those aggregates.
    fn streams(&self) -> std::collections::BTreeMap<String, Vec<StreamSpec>> {
        let mut streams: std::collections::BTreeMap<String, Vec<StreamSpec>> = self
            .tables
            .keys()
            .map(|t| (t.clone(), Vec::new()))
            .collect();
        let mut stored = std::collections::BTreeSet::new();
        for instance in self.rules.iter().flat_map(|r| &r.instances) {
            instance.check.walk(&mut |e| {
                if let model::ExprKind::Table { table, .. } = &e.kind {
                    match StreamSpec::of(e) {
                        Some((table, spec)) => {
                            let specs = streams.entry(table).or_default();
                            if !specs.iter().any(|s| s.key == spec.key) {
                                specs.push(spec);
                            }
                        }
                        None => {
                            stored.insert(table.clone());
                        }
                    }
                }
            });
        }
        streams.retain(|t, _| !stored.contains(t));
        streams
    }

    pub fn rule(&self, id: &str) -> Option<&model::RuleDef> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The year an indicator's base value is for: its own (`base 60.6 in 2019`) or the plan's.
    pub fn base_year(&self, indicator: &str) -> i32 {
        self.indicators
            .get(indicator)
            .and_then(|i| i.base_year)
            .unwrap_or(self.plan.base_year)
    }

    /// The plan's own value of an indicator in its base year, if the plan gives one.
    pub fn declared_base(&self, indicator: &str) -> Option<(i32, rust_decimal::Decimal)> {
        let base = self.indicators.get(indicator)?.base?;
        Some((self.base_year(indicator), base))
    }
}
