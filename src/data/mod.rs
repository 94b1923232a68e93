//! Submitted data: readers that keep the file, line and column of every value.
//!
//! A reader never guesses. A value it cannot read is a `Problem` at its cell
//! (and the cell is left out); the evaluator then sees it as missing.

pub mod aggregate;
mod csv;
pub mod encoding;
mod long;
mod read;
mod records;
mod regions;
pub mod store;
pub mod value;

use crate::diagnostic::Problem;
use crate::source::{FileId, Sources, Span};
use crate::units::Unit;
use aggregate::{Acc, StreamSpec};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use store::{EntityId, IndicatorId, Interner, Observations};

pub use read::{Partial, Prepared, ReadOptions, absorb, prepare, read_prepared};

/// What the rules declare, so that readers can convert units and name unknown indicators.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    pub indicators: BTreeMap<String, IndicatorSpec>,
    pub tables: BTreeMap<String, TableSpec>,
    /// Tables whose aggregates are all computed while reading (see `aggregate`):
    /// their rows are folded into these and never stored. A table absent here is stored.
    pub streams: BTreeMap<String, Vec<StreamSpec>>,
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

/// An observation's key, as `observations()` hands them out.
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

/// A streamed table: per entity and year that has rows, one accumulator per aggregate.
#[derive(Debug, Default)]
struct Streamed {
    keys: Vec<Span>,
    groups: HashMap<(EntityId, i32), Vec<Acc>>,
}

/// Everything read from all the data files of one run.
#[derive(Debug, Default)]
pub struct Submission {
    entities: Interner,
    indicators: Interner,
    observations: Observations,
    /// Per entity: seen in long data, seen in a record table, latest year of its records.
    in_long: Vec<bool>,
    in_records: Vec<bool>,
    record_horizon: Vec<Option<i32>>,
    /// Record tables that are stored row by row (see `Schema::streams`).
    pub tables: BTreeMap<String, Table>,
    streamed: BTreeMap<String, Streamed>,
}

/// An aggregate of a streamed table for one entity and year.
pub enum StreamedValue<'a> {
    /// The table is streamed and the entity has rows that year.
    Rows(&'a Acc),
    /// The table is streamed and the entity has no rows that year.
    NoRows,
}

impl Submission {
    pub fn entity_id(&self, entity: &str) -> Option<EntityId> {
        self.entities.id(entity)
    }

    pub fn entity_name(&self, id: EntityId) -> &str {
        self.entities.name(id)
    }

    pub fn indicator_id(&self, indicator: &str) -> Option<IndicatorId> {
        self.indicators.id(indicator)
    }

    /// The cell of (entity, indicator, year) by number: the evaluator's lookup.
    pub fn cell(&self, entity: EntityId, indicator: IndicatorId, year: i32) -> Option<&Cell> {
        self.observations.get(entity, indicator, year)
    }

    pub fn value(&self, entity: &str, year: i32, indicator: &str) -> Option<&Cell> {
        self.cell(self.entity_id(entity)?, self.indicator_id(indicator)?, year)
    }

    /// How many observations were read (empty cells included, repeats not).
    pub fn observation_count(&self) -> usize {
        self.observations.len()
    }

    /// One entity's observations, by indicator (in name order) and then year.
    pub fn observations_of<'s>(
        &'s self,
        entity: &str,
    ) -> impl Iterator<Item = (&'s str, i32, &'s Cell)> + 's {
        let obs = self
            .entity_id(entity)
            .map_or(&[][..], |e| self.observations.of(e));
        let mut out: Vec<(&str, i32, &Cell)> = obs
            .iter()
            .map(|o| (self.indicators.name(o.indicator), o.year, &o.cell))
            .collect();
        out.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        out.into_iter()
    }

    /// Every observation, by entity, year and indicator (names in byte order).
    pub fn observations(&self) -> Vec<(ObservationKey, &Cell)> {
        let mut out = Vec::with_capacity(self.observations.len());
        for id in 0..self.entities.len() {
            let entity = self.entities.name(id as EntityId);
            for o in self.observations.of(id as EntityId) {
                let key = ObservationKey {
                    entity: entity.to_string(),
                    year: o.year,
                    indicator: self.indicators.name(o.indicator).to_string(),
                };
                out.push((key, &o.cell));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// The latest year the entity reported anything for, empty cells included:
    /// a submission "stops" at this year.
    pub fn horizon(&self, entity: &str) -> Option<i32> {
        let id = self.entity_id(entity)?;
        self.horizon_of(id)
    }

    pub fn horizon_of(&self, id: EntityId) -> Option<i32> {
        let observed = self.observations.of(id).iter().map(|o| o.year).max();
        let recorded = self.record_horizon.get(id as usize).copied().flatten();
        observed.max(recorded)
    }

    /// Every entity that appears in the data, sorted.
    pub fn entities(&self) -> Vec<String> {
        self.sorted_entities(|_| true)
    }

    /// The entities of the long (indicator) data, sorted; when there is none, those of
    /// the record tables: the universe `--entity all` checks.
    pub fn universe(&self) -> Vec<String> {
        let long = self.sorted_entities(|i| self.in_long.get(i).copied().unwrap_or(false));
        if !long.is_empty() {
            return long;
        }
        self.sorted_entities(|i| self.in_records.get(i).copied().unwrap_or(false))
    }

    fn sorted_entities(&self, keep: impl Fn(usize) -> bool) -> Vec<String> {
        let mut all: Vec<String> = (0..self.entities.len())
            .filter(|&i| keep(i))
            .map(|i| self.entities.name(i as EntityId).to_string())
            .collect();
        all.sort();
        all
    }

    /// The aggregate named `key` of streamed `table`; `None` when the table is stored instead.
    pub fn streamed(
        &self,
        table: &str,
        key: Span,
        entity: &str,
        year: i32,
    ) -> Option<StreamedValue<'_>> {
        let streamed = self.streamed.get(table)?;
        let slot = streamed.keys.iter().position(|k| *k == key)?;
        let rows = self
            .entity_id(entity)
            .and_then(|e| streamed.groups.get(&(e, year)))
            .and_then(|accs| accs.get(slot));
        Some(rows.map_or(StreamedValue::NoRows, StreamedValue::Rows))
    }

    fn mark(&mut self, id: EntityId, long: bool, record_year: Option<i32>) {
        let i = id as usize;
        if self.in_long.len() <= i {
            self.in_long.resize(i + 1, false);
            self.in_records.resize(i + 1, false);
            self.record_horizon.resize(i + 1, None);
        }
        if long && let Some(flag) = self.in_long.get_mut(i) {
            *flag = true;
        }
        if let Some(year) = record_year {
            if let Some(flag) = self.in_records.get_mut(i) {
                *flag = true;
            }
            if let Some(h) = self.record_horizon.get_mut(i) {
                *h = Some(h.map_or(year, |h| h.max(year)));
            }
        }
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
    let options = ReadOptions::default();
    let prepared = prepare(path, &options, sources);
    let (partial, problems) = read_prepared(&prepared, schema, sources, &options, &|_| {});
    absorb(submission, partial, schema, problems)
}

/// Reads a data file given as bytes; `name` is how it is shown (and which table a record CSV fills).
pub fn read_bytes(
    name: &str,
    bytes: &[u8],
    schema: &Schema,
    sources: &mut Sources,
    submission: &mut Submission,
) -> Vec<Problem> {
    let prepared = read::prepare_bytes(name, bytes, sources);
    let options = ReadOptions::default();
    let (partial, problems) = read_prepared(&prepared, schema, sources, &options, &|_| {});
    absorb(submission, partial, schema, problems)
}

fn next_char_boundary(text: &str, offset: usize) -> usize {
    text.get(offset..)
        .and_then(|rest| rest.chars().next())
        .map_or(offset, |c| offset + c.len_utf8())
}

/// The table a record CSV fills: the stem of its name, read as a path.
pub fn table_name(name: &str) -> String {
    std::path::Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| name.to_string())
}

/// Reads decoded `text`, already registered as `file`.
pub fn read_text(
    name: &str,
    file: FileId,
    text: &str,
    schema: &Schema,
    submission: &mut Submission,
    problems: &mut Vec<Problem>,
) {
    let mut reader = read::Reader::new(name, file, schema);
    reader.region(text, 0, true);
    let (partial, found) = reader.finish(text.len());
    let found = absorb(submission, partial, schema, found);
    problems.extend(found);
}

/// Turns the tokenizer's quoting mistakes into problems, emptying `issues`;
/// their ranges are relative to a region that starts at `base`.
fn report_issues(
    file: FileId,
    base: usize,
    issues: &mut Vec<csv::Issue>,
    problems: &mut Vec<Problem>,
) {
    for issue in issues.drain(..) {
        problems.push(match issue {
            csv::Issue::UnclosedQuote { at } => Problem::error(
                "unclosed-quote",
                "a quoted field is never closed: the rest of the file was read as one field",
            )
            .at(Span::new(file, base + at..base + at + 1), "opened here")
            .help("close the quote with `\"`; write a quote inside a quoted field as `\"\"`"),
            csv::Issue::TextAfterQuote { range } => {
                Problem::error("bad-quote", "text after a closing quote; it was ignored")
                    .at(
                        Span::new(file, base + range.start..base + range.end),
                        "after the closing quote",
                    )
                    .help("quote the whole field, and write a quote inside it as `\"\"`")
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::parse_unit;

    fn schema() -> Schema {
        let mut schema = Schema::default();
        for (name, unit) in [("gdp", "亿元"), ("major_grain_county", "bool")] {
            let unit = parse_unit(unit).unwrap();
            schema
                .indicators
                .insert(name.into(), IndicatorSpec { unit });
        }
        let columns = BTreeMap::from([
            ("name".to_string(), None),
            ("revenue".to_string(), parse_unit("亿元")),
        ]);
        schema
            .tables
            .insert("enterprises".into(), TableSpec { columns });
        schema
    }

    fn codes(problems: &[Problem]) -> Vec<&'static str> {
        problems.iter().map(|p| p.code).collect()
    }

    #[test]
    fn duplicates_across_files() {
        let schema = schema();
        let mut sources = Sources::new();
        let mut sub = Submission::default();
        let head = "entity,year,indicator,value,unit\n";
        let a = format!("{head}犍为县,2025,gdp,402.3,亿元\n");
        let b = format!("{head}犍为县,2025,gdp,4023000,万元\n犍为县,2025,gdp,410,亿元\n");
        assert!(read_bytes("a.csv", a.as_bytes(), &schema, &mut sources, &mut sub).is_empty());
        let problems = read_bytes("b.csv", b.as_bytes(), &schema, &mut sources, &mut sub);
        assert_eq!(codes(&problems), ["duplicate-row", "conflicting-duplicate"]);
        let first = problems[1].secondary[0].span;
        assert_eq!(sources.name(first.file), "a.csv");
        assert_eq!(sources.slice(first), "402.3");
        let kept = sub.value("犍为县", 2025, "gdp").unwrap();
        assert_eq!(kept.value, Value::Number(Decimal::new(4023, 1)));
    }

    #[test]
    fn table_names_are_file_stems() {
        assert_eq!(table_name("data/2025/enterprises.csv"), "enterprises");
        assert_eq!(table_name("enterprises"), "enterprises");
    }

    #[test]
    fn the_long_header_may_carry_more_columns() {
        let schema = schema();
        let mut sources = Sources::new();
        let mut sub = Submission::default();
        let text = " entity , year,indicator,value,unit,source\n犍为县,2025,gdp,1,,统计局\n";
        let problems = read_bytes("x.csv", text.as_bytes(), &schema, &mut sources, &mut sub);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(sub.observation_count(), 1);
    }

    #[test]
    fn a_misspelt_long_header_is_an_error() {
        let schema = schema();
        let mut sources = Sources::new();
        let mut sub = Submission::default();
        let text = "entity,year,indicator,value\n犍为县,2025,gdp,1\n";
        let problems = read_bytes("x.csv", text.as_bytes(), &schema, &mut sources, &mut sub);
        assert_eq!(codes(&problems), ["bad-header"]);
        assert_eq!(problems[0].notes, ["its 1 data row was not read"]);
    }

    /// Arbitrary mixes of the characters that matter never panic.
    #[test]
    fn never_panics() {
        let pieces: &[&[u8]] = &[
            b"entity,year,indicator,value,unit\n",
            b"entity,year,name,revenue(\xE4\xB8\x87\xE5\x85\x83)\n",
            b",",
            b"\"",
            b"\"\"",
            b"\r",
            b"\n",
            b"\r\n",
            b" ",
            b"gdp",
            b"major_grain_county",
            b"2025",
            b"99999999999999999999999999999999",
            b"1e28",
            b"-",
            b".",
            b"%",
            "犍为县".as_bytes(),
            "亿元".as_bytes(),
            "是".as_bytes(),
            "（".as_bytes(),
            b"\xFF",
            b"\xB7",
            b"\x00",
            b"\xEF\xBB\xBF",
            b"\xFF\xFE",
        ];
        let schema = schema();
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for round in 0..3000 {
            let mut bytes = Vec::new();
            for _ in 0..(round % 40) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                bytes.extend_from_slice(pieces[(seed % pieces.len() as u64) as usize]);
            }
            for name in ["input.csv", "enterprises.csv"] {
                let mut sources = Sources::new();
                let mut sub = Submission::default();
                let problems = read_bytes(name, &bytes, &schema, &mut sources, &mut sub);
                for p in &problems {
                    let label = p.primary.as_ref().expect("every problem has a place");
                    assert!(
                        sources
                            .text(label.span.file)
                            .get(label.span.range())
                            .is_some()
                    );
                }
            }
        }
    }
}
