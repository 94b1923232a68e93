//! Record tables: any CSV that is not the long format, one record a row,
//! columns named in the header, optionally with a unit: `revenue(万元)`.

use super::aggregate::{Acc, Compiled, Row as AggRow, Step, apply};
use super::csv::{Field, Row, is_blank};
use super::long::{bad_year, parse_year};
use super::read::Partial;
use super::store::EntityId;
use super::value::{Conversion, resolve_unit};
use super::{Cell, Record, Schema, TableSpec, Value};
use crate::diagnostic::{Problem, did_you_mean};
use crate::source::{FileId, Span};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;
use std::ops::Range;

/// A header cell split into its name and the unit in parentheses, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub unit: Option<String>,
    /// The whole header cell.
    pub range: Range<usize>,
}

/// `revenue(万元)` → (`revenue`, `万元`); full-width parentheses too.
pub fn split_unit(header: &str) -> (&str, Option<&str>) {
    let header = header.trim();
    let Some(inner) = header.strip_suffix([')', '）']) else {
        return (header, None);
    };
    match inner.rfind(['(', '（']) {
        Some(open) => {
            let name = inner.get(..open).unwrap_or("").trim();
            let unit = inner
                .get(open..)
                .map(|s| s.trim_start_matches(['(', '（']).trim())
                .unwrap_or("");
            if name.is_empty() {
                (header, None)
            } else {
                (name, Some(unit))
            }
        }
        None => (header, None),
    }
}

/// The header's columns; ranges are absolute (the header's region starts at `base`).
pub fn columns(text: &str, base: usize, header: &[Field]) -> Vec<Column> {
    header
        .iter()
        .map(|f| {
            let (value, range) = f.trimmed(text);
            let (name, unit) = split_unit(&value);
            Column {
                name: name.to_string(),
                unit: unit.map(str::to_string),
                range: base + range.start..base + range.end,
            }
        })
        .collect()
}

/// How one declared column is read.
#[derive(Clone)]
enum Plan {
    Text,
    Number(Conversion),
}

/// Where a table's rows go: stored one by one, or folded into the rules' aggregates.
#[derive(Clone)]
enum Sink {
    Store,
    Stream(Compiled),
}

/// Reads the rows of a record table after its header.
pub struct TableReader<'s> {
    file: FileId,
    table: String,
    header_span: Span,
    width: usize,
    entity_col: usize,
    year_col: usize,
    plans: Vec<(usize, &'s str, Plan)>,
    sink: Sink,
    aggregates: usize,
    /// The cells of the row being read, by plan: reused from row to row.
    cells: Vec<Option<Cell>>,
    /// The accumulators of a streamed table, by (entity, year), until `finish` hands them over.
    groups: HashMap<(EntityId, i32), Vec<Acc>>,
    /// Per entity, a year it has a group for: a row that changes no accumulator needs
    /// no lookup when it is that year.
    seen: Vec<i32>,
    /// What the row being read does to each aggregate: reused from row to row.
    steps: Vec<Step>,
}

impl<'s> TableReader<'s> {
    /// Checks the header of `table`; `Err` holds the problems to report, with a count of
    /// the rows not read, when its rows cannot be read at all.
    #[allow(clippy::too_many_arguments)]
    pub fn start(
        file: FileId,
        text: &str,
        base: usize,
        table: &str,
        header: &[Field],
        header_span: Span,
        schema: &'s Schema,
        problems: &mut Vec<Problem>,
    ) -> Result<TableReader<'s>, Vec<Problem>> {
        let Some(spec) = schema.tables.get(table) else {
            let mut problem = Problem::warning(
                "unknown-table",
                format!("no rule uses a table named `{table}`"),
            )
            .at(
                header_span,
                "read as a record table because the header is not the long format",
            );
            if let Some(close) = did_you_mean(table, schema.tables.keys().map(String::as_str)) {
                problem = problem.help(format!(
                    "did you mean `{close}`? a record table is named after its file"
                ));
            }
            return Err(vec![problem]);
        };
        let cols = columns(text, base, header);
        let span = |range: Range<usize>| Span::new(file, range);
        for (i, col) in cols.iter().enumerate() {
            if let Some(first) = cols.iter().take(i).find(|c| c.name == col.name) {
                problems.push(
                    Problem::error(
                        "duplicate-column",
                        format!("column `{}` appears twice in the header", col.name),
                    )
                    .at(
                        span(col.range.clone()),
                        "again here; this column is ignored",
                    )
                    .also(span(first.range.clone()), "first here"),
                );
            }
        }
        let find = |name: &str| cols.iter().position(|c| c.name == name);
        let entity_col = find("entity");
        let year_col = find("year");
        let mut key_problems = Vec::new();
        for (name, found) in [("entity", entity_col), ("year", year_col)] {
            if found.is_none() {
                key_problems.push(missing_column(name, table, &cols, header_span));
            }
        }
        let plans = plan_columns(table, spec, &cols, header_span, file, problems);
        let (Some(entity_col), Some(year_col)) = (entity_col, year_col) else {
            return Err(key_problems);
        };
        let (sink, aggregates) = match schema.streams.get(table) {
            Some(specs) => {
                let slot = |name: &str| plans.iter().position(|(_, n, _)| *n == name);
                (Sink::Stream(Compiled::new(specs, &slot)), specs.len())
            }
            None => (Sink::Store, 0),
        };
        Ok(TableReader {
            file,
            table: table.to_string(),
            header_span,
            width: cols.len(),
            entity_col,
            year_col,
            cells: vec![None; plans.len()],
            plans,
            sink,
            aggregates,
            groups: HashMap::default(),
            seen: Vec::new(),
            steps: Vec::new(),
        })
    }

    /// A reader for another part of the same file, with nothing folded yet.
    pub fn fork(&self) -> TableReader<'s> {
        TableReader {
            file: self.file,
            table: self.table.clone(),
            header_span: self.header_span,
            width: self.width,
            entity_col: self.entity_col,
            year_col: self.year_col,
            plans: self.plans.clone(),
            sink: self.sink.clone(),
            aggregates: self.aggregates,
            cells: vec![None; self.cells.len()],
            groups: HashMap::default(),
            seen: Vec::new(),
            steps: Vec::new(),
        }
    }

    /// Hands what was folded over to `partial`.
    pub fn finish(&mut self, partial: &mut Partial) {
        if matches!(self.sink, Sink::Stream(_)) {
            let groups = std::mem::take(&mut self.groups);
            self.seen.clear();
            let target = partial.streamed.entry(self.table.clone()).or_default();
            if target.is_empty() {
                *target = groups;
            } else {
                for (key, accs) in groups {
                    match target.get_mut(&key) {
                        Some(existing) => {
                            for (a, b) in existing.iter_mut().zip(accs) {
                                a.then(b);
                            }
                        }
                        None => {
                            target.insert(key, accs);
                        }
                    }
                }
            }
        }
    }

    /// Reads one row (of a region at offset `base`).
    pub fn row(
        &mut self,
        text: &str,
        base: usize,
        row: &Row,
        fields: &[Field],
        partial: &mut Partial,
        problems: &mut Vec<Problem>,
    ) {
        // Blank rows never get here: `Reader::row` skips them.
        let file = self.file;
        let span = |range: Range<usize>| Span::new(file, base + range.start..base + range.end);
        let width = self.width;
        let extra_blank = fields
            .get(width..)
            .is_some_and(|extra| is_blank(text, extra));
        if fields.len() < width || (fields.len() > width && !extra_blank) {
            problems.push(
                Problem::error(
                    "ragged-row",
                    format!("row has {} fields, the header has {}", fields.len(), width),
                )
                .at(span(row.range.clone()), "this row was not read")
                .also(self.header_span, "the header"),
            );
            return;
        }
        let (Some(entity), Some(year)) = (fields.get(self.entity_col), fields.get(self.year_col))
        else {
            return;
        };
        let (entity, entity_range) = entity.trimmed(text);
        let (year, year_range) = year.trimmed(text);
        let mut ok = true;
        if entity.is_empty() {
            problems.push(
                Problem::error("empty-key", "the entity is empty")
                    .at(span(entity_range), "entity expected here")
                    .help("every record needs an entity and a year; this row was not read"),
            );
            ok = false;
        }
        let year = match parse_year(&year) {
            Ok(y) => y,
            Err(message) => {
                problems.push(bad_year(message, span(year_range)));
                ok = false;
                0
            }
        };
        let streamed = matches!(self.sink, Sink::Stream(_));
        for ((index, _, plan), slot) in self.plans.iter().zip(self.cells.iter_mut()) {
            *slot = None;
            let Some(field) = fields.get(*index) else {
                continue;
            };
            let (value, range) = field.trimmed(text);
            let cell_span = span(range);
            let read = match plan {
                Plan::Text if value.is_empty() => Ok(Value::Empty),
                // A streamed row is dropped once folded, and a filter sees any text as a gap.
                Plan::Text if streamed => Ok(Value::Text(String::new())),
                Plan::Text => Ok(Value::Text(value.into_owned())),
                Plan::Number(conversion) => conversion.read(&value, cell_span, problems),
            };
            match read {
                Ok(value) => {
                    *slot = Some(Cell {
                        value,
                        span: cell_span,
                    })
                }
                Err(problem) => problems.push(*problem),
            }
        }
        if !ok {
            return;
        }
        let row_span = span(row.range.clone());
        match &self.sink {
            Sink::Store => {
                let cells = self
                    .plans
                    .iter()
                    .zip(self.cells.iter_mut())
                    .filter_map(|((_, name, _), cell)| Some((name.to_string(), cell.take()?)))
                    .collect::<BTreeMap<_, _>>();
                partial
                    .records
                    .entry(self.table.clone())
                    .or_default()
                    .push(Record {
                        entity: entity.into_owned(),
                        year,
                        span: row_span,
                        cells,
                    });
            }
            Sink::Stream(compiled) => {
                let entity = partial.entities.intern(&entity);
                let row = AggRow {
                    span: row_span,
                    cells: &self.cells,
                };
                let changes = compiled.steps(&row, &mut self.steps);
                let index = entity as usize;
                if self.seen.len() <= index {
                    self.seen.resize(index + 1, i32::MIN);
                }
                let known = self.seen.get(index) == Some(&year);
                if changes || !known {
                    // The group must exist even for a row that counts nowhere: it says the
                    // entity has rows that year.
                    let accs = self
                        .groups
                        .entry((entity, year))
                        .or_insert_with(|| vec![Acc::default(); self.aggregates]);
                    apply(&self.steps, &row, accs);
                    if let Some(seen) = self.seen.get_mut(index) {
                        *seen = year;
                    }
                }
            }
        }
    }
}

/// For each declared column: where it is and how to read it. Problems with the
/// header (a missing column, a unit that does not convert) are pushed here.
fn plan_columns<'s>(
    table: &str,
    spec: &'s TableSpec,
    cols: &[Column],
    header_span: Span,
    file: FileId,
    problems: &mut Vec<Problem>,
) -> Vec<(usize, &'s str, Plan)> {
    let mut plans = Vec::new();
    for (name, declared) in &spec.columns {
        let Some(index) = cols.iter().position(|c| &c.name == name) else {
            problems.push(missing_column(name, table, cols, header_span));
            continue;
        };
        let Some(col) = cols.get(index) else {
            continue;
        };
        let cell = Span::new(file, col.range.clone());
        let owner = format!("column `{name}` of table `{table}`");
        match (declared, &col.unit) {
            (None, None) => plans.push((index, name.as_str(), Plan::Text)),
            (None, Some(unit)) => problems.push(
                Problem::error(
                    "unit-mismatch",
                    format!("{owner} holds text, but the header gives it the unit `{unit}`"),
                )
                .at(cell, "text column with a unit; this column was not read")
                .help(format!("name the column `{name}`")),
            ),
            (Some(to), written) => {
                let written = written.as_deref().unwrap_or("");
                match resolve_unit(written, cell, to, &owner) {
                    Ok(from) => plans.push((
                        index,
                        name.as_str(),
                        Plan::Number(Conversion::new(&from, to)),
                    )),
                    Err(problem) => {
                        problems.push(problem.note("this column was not read"));
                    }
                }
            }
        }
    }
    plans
}

fn missing_column(name: &str, table: &str, cols: &[Column], header_span: Span) -> Problem {
    let problem = Problem::error(
        "missing-column",
        format!("table `{table}` has no column `{name}`"),
    );
    let close = did_you_mean(name, cols.iter().map(|c| c.name.as_str()))
        .and_then(|close| cols.iter().find(|c| c.name == close));
    match close {
        Some(col) => problem
            .at(
                Span::new(header_span.file, col.range.clone()),
                format!("is this `{name}`?"),
            )
            .help(format!("rename the column `{}` to `{name}`", col.name)),
        None => problem.at(header_span, format!("`{name}` expected in this header")),
    }
}

pub fn rows_not_read(rows: usize) -> String {
    match rows {
        1 => "its 1 data row was not read".to_string(),
        n => format!("its {n} data rows were not read"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_in_parentheses() {
        assert_eq!(split_unit("revenue(万元)"), ("revenue", Some("万元")));
        assert_eq!(split_unit(" revenue （万元） "), ("revenue", Some("万元")));
        assert_eq!(split_unit("revenue"), ("revenue", None));
        assert_eq!(split_unit("(万元)"), ("(万元)", None));
        assert_eq!(split_unit("a)"), ("a)", None));
    }
}
