//! Submitted data: readers that keep the file, line and column of every value.
//!
//! A reader never guesses. A value it cannot read is a `Problem` at its cell
//! (and the cell is left out); the evaluator then sees it as missing.

use crate::diagnostic::Problem;
use crate::source::{Sources, Span};
use crate::units::Unit;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// What the rules declare, so that readers can convert units and name unknown indicators.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    pub indicators: BTreeMap<String, IndicatorSpec>,
    pub tables: BTreeMap<String, TableSpec>,
}

#[derive(Debug, Clone)]
pub struct IndicatorSpec {
    /// The unit every value is converted to; a flag indicator has `Base::Flag`.
    pub unit: Unit,
}

#[derive(Debug, Clone, Default)]
pub struct TableSpec {
    /// Declared columns; `None` is a text column, `Some(unit)` a number in that unit.
    pub columns: BTreeMap<String, Option<Unit>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Number(Decimal),
    Flag(bool),
    Text(String),
    /// The cell was present but empty: "reported as missing".
    Empty,
}

/// One value and where it was read; `span` covers the cell's text in the data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObservationKey {
    pub entity: String,
    pub year: i32,
    pub indicator: String,
}

/// One row of a record table, values already converted to the units the rules declare.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub entity: String,
    pub year: i32,
    /// Where the row starts, for findings about the row as a whole.
    pub span: Span,
    pub cells: BTreeMap<String, Cell>,
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    pub records: Vec<Record>,
}

/// Everything read from all the data files of one run.
#[derive(Debug, Default)]
pub struct Submission {
    pub observations: BTreeMap<ObservationKey, Cell>,
    pub tables: BTreeMap<String, Table>,
}

impl Submission {
    pub fn value(&self, entity: &str, year: i32, indicator: &str) -> Option<&Cell> {
        // A borrowed lookup without allocating a key would need a custom Borrow;
        // keys are small and this is not the hot path of a single county check.
        self.observations.get(&ObservationKey {
            entity: entity.to_string(),
            year,
            indicator: indicator.to_string(),
        })
    }

    /// The latest year the entity reported anything for, empty cells included:
    /// a submission "stops" at this year.
    pub fn horizon(&self, entity: &str) -> Option<i32> {
        let observed = self
            .observations
            .keys()
            .filter(|k| k.entity == entity)
            .map(|k| k.year)
            .max();
        let recorded = self
            .tables
            .values()
            .flat_map(|t| t.records.iter())
            .filter(|r| r.entity == entity)
            .map(|r| r.year)
            .max();
        observed.max(recorded)
    }

    /// Every entity that appears in the data, sorted.
    pub fn entities(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .observations
            .keys()
            .map(|k| k.entity.clone())
            .chain(
                self.tables
                    .values()
                    .flat_map(|t| t.records.iter().map(|r| r.entity.clone())),
            )
            .collect();
        all.sort();
        all.dedup();
        all
    }
}

/// Reads one data file into `submission`, registering its text in `sources`.
/// Returns every problem found; errors mean the run must stop with status 2.
pub fn read_file(
    path: &std::path::Path,
    schema: &Schema,
    sources: &mut Sources,
    submission: &mut Submission,
) -> Vec<Problem> {
    match std::fs::read(path) {
        Ok(bytes) => read_bytes(
            &path.display().to_string(),
            &bytes,
            schema,
            sources,
            submission,
        ),
        Err(err) => vec![Problem::error(
            "unreadable-file",
            format!("cannot read `{}`: {err}", path.display()),
        )],
    }
}

/// Reads a data file given as bytes; `name` is how it is shown (and which table a record CSV fills).
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    schema: &Schema,
    sources: &mut Sources,
    submission: &mut Submission,
) -> Vec<Problem> {
    let _ = (name, bytes, schema, sources, submission);
    vec![Problem::error(
        "unsupported",
        "data readers are not written yet",
    )]
}
