//! The long format: `entity,year,indicator,value,unit`, one observation a row.

use super::csv::{Field, Row};
use super::read::Partial;
use super::store::{EntityId, Obs};
use super::value::{Conversion, read_value, resolve_unit};
use super::{Cell, IndicatorSpec, Schema};
use crate::diagnostic::{Problem, did_you_mean};
use crate::source::{FileId, Span};
use rustc_hash::FxHashMap as HashMap;

/// The header columns that make a file long format, in this order.
pub const LONG_HEADER: [&str; 5] = ["entity", "year", "indicator", "value", "unit"];

pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2200;

/// True when the first five header names (trimmed) are exactly the long format's.
pub fn is_long_header(names: &[&str]) -> bool {
    names.len() >= LONG_HEADER.len() && names.iter().zip(LONG_HEADER).all(|(n, h)| *n == h)
}

/// An indicator the rules do not know, counted per file.
struct Unknown {
    name: String,
    first: Span,
    rows: usize,
}

/// What the rules say about an indicator, and the units already met for it in this file.
#[derive(Clone)]
struct Known<'s> {
    slot: u32,
    spec: &'s IndicatorSpec,
    /// (unit as written, how its cells convert) for units that convert: each is resolved once.
    units: Vec<(String, Conversion)>,
}

/// Where an indicator name leads.
#[derive(Clone, Copy)]
enum Slot {
    Known(usize),
    Unknown(usize),
}

fn known_names(schema: &Schema) -> HashMap<Box<str>, Slot> {
    schema
        .indicators
        .keys()
        .enumerate()
        .map(|(i, name)| (name.as_str().into(), Slot::Known(i)))
        .collect()
}

/// Reads the rows after a long-format header.
pub struct Long<'s> {
    file: FileId,
    schema: &'s Schema,
    known: Vec<Known<'s>>,
    unknown: Vec<Unknown>,
    /// Every indicator name met so far, known or not: one lookup a row.
    names: HashMap<Box<str>, Slot>,
    /// The previous row's entity: rows come grouped by entity, so most rows skip the lookup.
    last_entity: Option<(String, EntityId)>,
}

impl<'s> Long<'s> {
    pub fn new(file: FileId, schema: &'s Schema) -> Long<'s> {
        let known = schema
            .indicators
            .values()
            .enumerate()
            .map(|(slot, spec)| Known {
                slot: slot as u32,
                spec,
                units: Vec::new(),
            })
            .collect();
        Long {
            file,
            schema,
            known,
            unknown: Vec::new(),
            names: known_names(schema),
            last_entity: None,
        }
    }

    /// A reader for another part of the same file: the same units, nothing counted yet.
    pub fn fork(&self) -> Long<'s> {
        Long {
            file: self.file,
            schema: self.schema,
            known: self.known.clone(),
            unknown: Vec::new(),
            names: known_names(self.schema),
            last_entity: None,
        }
    }

    /// Counts what a fork, reading the part of the file after this one's, counted.
    pub fn join(&mut self, later: Long<'s>) {
        for u in later.unknown {
            match self.names.get(u.name.as_str()) {
                Some(Slot::Unknown(i)) => {
                    if let Some(mine) = self.unknown.get_mut(*i) {
                        mine.rows += u.rows;
                    }
                }
                _ => {
                    self.names
                        .insert(u.name.as_str().into(), Slot::Unknown(self.unknown.len()));
                    self.unknown.push(u);
                }
            }
        }
    }

    fn entity(&mut self, name: &str, partial: &mut Partial) -> EntityId {
        if let Some((last, id)) = &self.last_entity
            && last == name
        {
            return *id;
        }
        let id = partial.entities.intern(name);
        self.last_entity = Some((name.to_string(), id));
        id
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
        let span =
            |range: std::ops::Range<usize>| Span::new(file, base + range.start..base + range.end);
        let (entity, year, indicator, value_field, unit_field) = match fields.get(..5) {
            Some([a, b, c, d, e]) => (a.trimmed(text), b.trimmed(text), c.trimmed(text), d, e),
            _ => {
                problems.push(
                    Problem::error(
                        "ragged-row",
                        format!(
                            "row has {} field{}, expected at least 5 ({})",
                            fields.len(),
                            if fields.len() == 1 { "" } else { "s" },
                            LONG_HEADER.join(",")
                        ),
                    )
                    .at(
                        span(row.range.clone()),
                        "too few fields; this row was not read",
                    ),
                );
                return;
            }
        };
        let mut ok = true;
        if entity.0.is_empty() {
            problems.push(empty_key("entity", span(entity.1.clone())));
            ok = false;
        }
        let year_value = match parse_year(&year.0) {
            Ok(y) => Some(y),
            Err(message) => {
                problems.push(bad_year(message, span(year.1.clone())));
                None
            }
        };
        if indicator.0.is_empty() {
            problems.push(empty_key("indicator", span(indicator.1.clone())));
            return;
        }
        let slot = self.names.get(indicator.0.as_ref()).copied();
        let known = match slot {
            Some(Slot::Known(i)) => self.known.get_mut(i),
            _ => None,
        };
        let Some(known) = known else {
            // The row still names an entity of the data: `--entity all` checks it.
            if ok {
                self.entity(&entity.0, partial);
            }
            match slot {
                Some(Slot::Unknown(i)) => {
                    if let Some(u) = self.unknown.get_mut(i) {
                        u.rows += 1;
                    }
                }
                _ => {
                    self.names.insert(
                        indicator.0.as_ref().into(),
                        Slot::Unknown(self.unknown.len()),
                    );
                    self.unknown.push(Unknown {
                        name: indicator.0.to_string(),
                        first: span(indicator.1.clone()),
                        rows: 1,
                    });
                }
            }
            return;
        };
        let spec = known.spec;
        let (value, unit) = (value_field.trimmed(text), unit_field.trimmed(text));
        let value_span = span(value.1.clone());
        let written = unit.0.as_ref();
        let cached = known
            .units
            .iter()
            .find(|(w, _)| w == written)
            .map(|(_, u)| u);
        let cell_value = match cached {
            Some(conversion) => conversion.read(&value.0, value_span, problems),
            None => {
                let owner = format!("`{}`", indicator.0);
                match resolve_unit(written, span(unit.1.clone()), &spec.unit, &owner) {
                    Ok(from) => {
                        let conversion = Conversion::new(&from, &spec.unit);
                        let read = conversion.read(&value.0, value_span, problems);
                        known.units.push((written.to_string(), conversion));
                        read
                    }
                    Err(problem) => {
                        problems.push(*problem);
                        ok = false;
                        // Still check the value itself, so that both mistakes show at once.
                        read_value(&value.0, value_span, &spec.unit, &spec.unit, problems)
                    }
                }
            }
        };
        let slot = known.slot;
        let cell_value = match cell_value {
            Ok(v) => v,
            Err(problem) => {
                problems.push(*problem);
                return;
            }
        };
        let Some(year_value) = year_value else {
            return;
        };
        if !ok {
            return;
        }
        let entity = self.entity(&entity.0, partial);
        let index = entity as usize;
        if partial.obs.len() <= index {
            partial.obs.resize_with(index + 1, Vec::new);
        }
        if let Some(cells) = partial.obs.get_mut(index) {
            cells.push(Obs {
                indicator: slot,
                year: year_value,
                cell: Cell {
                    value: cell_value,
                    span: value_span,
                },
            });
        }
    }

    /// One warning per indicator the rules do not know.
    pub fn finish(self, problems: &mut Vec<Problem>) {
        for u in self.unknown {
            let mut problem = Problem::warning(
                "unknown-indicator",
                format!("indicator `{}` is not used by any rule", u.name),
            )
            .at(u.first, "unknown indicator");
            if let Some(close) =
                did_you_mean(&u.name, self.schema.indicators.keys().map(String::as_str))
            {
                problem = problem.help(format!("did you mean `{close}`?"));
            }
            let rows = if u.rows == 1 {
                "1 row carries it; it was not read".to_string()
            } else {
                format!("{} rows carry it; they were not read", u.rows)
            };
            problems.push(problem.note(rows));
        }
    }
}

fn empty_key(what: &str, span: Span) -> Problem {
    Problem::error("empty-key", format!("the {what} is empty"))
        .at(span, format!("{what} expected here"))
        .help("every row needs an entity, a year and an indicator; this row was not read")
}

/// A year between `FIRST_YEAR` and `LAST_YEAR`, or the message saying why not.
pub fn parse_year(text: &str) -> Result<i32, String> {
    if let [
        a @ b'0'..=b'9',
        b @ b'0'..=b'9',
        c @ b'0'..=b'9',
        d @ b'0'..=b'9',
    ] = text.as_bytes()
    {
        let year = [a, b, c, d]
            .iter()
            .fold(0, |y, &&digit| y * 10 + i32::from(digit - b'0'));
        if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Ok(year);
        }
    }
    if text.is_empty() {
        return Err("the year is empty".to_string());
    }
    let digits = text.strip_prefix('+').unwrap_or(text);
    match digits.parse::<i32>() {
        Ok(y)
            if (FIRST_YEAR..=LAST_YEAR).contains(&y)
                && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Ok(y)
        }
        _ => Err(format!(
            "`{text}` is not a year between {FIRST_YEAR} and {LAST_YEAR}"
        )),
    }
}

pub fn bad_year(message: String, span: Span) -> Problem {
    Problem::error("bad-year", message)
        .at(span, "year expected here")
        .help("write the year as four digits, e.g. `2025`; this row was not read")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years() {
        assert_eq!(parse_year("2025"), Ok(2025));
        assert_eq!(parse_year("1900"), Ok(1900));
        for bad in [
            "",
            "1899",
            "2201",
            "2025.0",
            "二〇二五",
            "-2025",
            "99999999999",
        ] {
            assert!(parse_year(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn long_header() {
        assert!(is_long_header(&LONG_HEADER));
        assert!(is_long_header(&[
            "entity",
            "year",
            "indicator",
            "value",
            "unit",
            "note"
        ]));
        assert!(!is_long_header(&["entity", "year", "indicator", "value"]));
        assert!(!is_long_header(&[
            "Entity",
            "year",
            "indicator",
            "value",
            "unit"
        ]));
    }
}
