//! Submitted data: readers that keep the file, line and column of every value.
//!
//! A reader never guesses. A value it cannot read is a `Problem` at its cell
//! (and the cell is left out); the evaluator then sees it as missing.

mod csv;
pub mod encoding;
mod long;
mod records;
pub mod value;

use crate::diagnostic::Problem;
use crate::source::{FileId, Sources, Span};
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
    let mut problems = Vec::new();
    let text = match encoding::decode(name, bytes) {
        encoding::Decoded::Text { text, note } => {
            let file = sources.add(name, lone_cr_to_lf(text));
            if let Some(note) = note {
                problems.push(note.at(Span::new(file, 0..0), "the whole file"));
            }
            file
        }
        encoding::Decoded::NotText {
            shown,
            offset,
            problem,
        } => {
            let file = sources.add(name, shown);
            let end = next_char_boundary(sources.text(file), offset);
            problems.push(problem.at(Span::new(file, offset..end), "not text"));
            return problems;
        }
    };
    let file = text;
    let text = sources.text(file);
    read_text(name, file, text, schema, submission, &mut problems);
    problems.sort_by_key(|p| p.primary.as_ref().map(|l| (l.span.start, l.span.end)));
    problems
}

/// Old Mac line ends (`\r` alone) become `\n`, byte for byte, so that line numbers
/// are right wherever the text is shown; `\r\n` is left as it is.
fn lone_cr_to_lf(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut bytes = text.into_bytes();
    let mut next_is_lf = false;
    for b in bytes.iter_mut().rev() {
        let is_lf = *b == b'\n';
        if *b == b'\r' && !next_is_lf {
            *b = b'\n';
        }
        next_is_lf = is_lf;
    }
    // Replacing one ASCII byte by another keeps the text valid UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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
    let mut tokenizer = csv::Tokenizer::new(text);
    let mut header = Vec::new();
    let mut issues = Vec::new();
    let header_row = loop {
        match tokenizer.next_row(&mut header, &mut issues) {
            None => {
                report_issues(file, &mut issues, problems);
                problems.push(
                    Problem::warning("empty-file", format!("`{name}` holds no data"))
                        .at(Span::new(file, 0..text.len()), "no header and no rows"),
                );
                return;
            }
            Some(row) => {
                report_issues(file, &mut issues, problems);
                if !csv::is_blank(text, &header) {
                    break row;
                }
            }
        }
    };
    let names: Vec<std::borrow::Cow<'_, str>> = header.iter().map(|f| f.trimmed(text).0).collect();
    let names: Vec<&str> = names.iter().map(|n| n.as_ref()).collect();
    if long::is_long_header(&names) {
        long::read_long(file, text, &mut tokenizer, schema, submission, problems);
        return;
    }
    let table = table_name(name);
    let looks_long = ["indicator", "value"]
        .iter()
        .all(|want| names.iter().any(|n| n.eq_ignore_ascii_case(want)));
    if looks_long && !schema.tables.contains_key(&table) {
        let rows = records::count_rows(file, text, &mut tokenizer, problems);
        problems.push(
            Problem::error(
                "bad-header",
                "the header looks like the long format but does not start with its five columns",
            )
            .at(Span::new(file, header_row.range), "this header")
            .help(format!(
                "write the header as `{}` (more columns may follow)",
                long::LONG_HEADER.join(",")
            ))
            .note(records::rows_not_read(rows)),
        );
        return;
    }
    records::read_table(
        file,
        text,
        &table,
        &header,
        &header_row,
        &mut tokenizer,
        schema,
        submission,
        problems,
    );
}

/// Turns the tokenizer's quoting mistakes into problems, emptying `issues`.
fn report_issues(file: FileId, issues: &mut Vec<csv::Issue>, problems: &mut Vec<Problem>) {
    for issue in issues.drain(..) {
        problems.push(match issue {
            csv::Issue::UnclosedQuote { at } => Problem::error(
                "unclosed-quote",
                "a quoted field is never closed: the rest of the file was read as one field",
            )
            .at(Span::new(file, at..at + 1), "opened here")
            .help("close the quote with `\"`; write a quote inside a quoted field as `\"\"`"),
            csv::Issue::TextAfterQuote { range } => {
                Problem::error("bad-quote", "text after a closing quote; it was ignored")
                    .at(Span::new(file, range), "after the closing quote")
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
        assert_eq!(sub.observations.len(), 1);
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
