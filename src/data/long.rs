//! The long format: `entity,year,indicator,value,unit`, one observation a row.

use super::csv::{Field, Tokenizer, is_blank};
use super::value::{read_value, resolve_unit, show};
use super::{Cell, ObservationKey, Schema, Submission, report_issues};
use crate::diagnostic::{Problem, did_you_mean};
use crate::source::{FileId, Span};
use std::collections::HashMap;
use std::collections::btree_map::Entry;

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

/// Reads the rows after the header.
pub fn read_long(
    file: FileId,
    text: &str,
    tokenizer: &mut Tokenizer<'_>,
    schema: &Schema,
    submission: &mut Submission,
    problems: &mut Vec<Problem>,
) {
    let mut fields: Vec<Field> = Vec::new();
    let mut issues = Vec::new();
    let mut unknown: Vec<Unknown> = Vec::new();
    let mut unknown_index: HashMap<String, usize> = HashMap::new();
    let span = |range: std::ops::Range<usize>| Span::new(file, range);

    while let Some(row) = tokenizer.next_row(&mut fields, &mut issues) {
        report_issues(file, &mut issues, problems);
        if is_blank(text, &fields) {
            continue;
        }
        let [entity, year, indicator, value, unit] = match fields.get(..5) {
            Some([a, b, c, d, e]) => [a, b, c, d, e].map(|f| f.trimmed(text)),
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
                    .at(span(row.range), "too few fields; this row was not read"),
                );
                continue;
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
            continue;
        }
        let Some(spec) = schema.indicators.get(indicator.0.as_ref()) else {
            match unknown_index.get(indicator.0.as_ref()) {
                Some(&i) => {
                    if let Some(u) = unknown.get_mut(i) {
                        u.rows += 1;
                    }
                }
                None => {
                    unknown_index.insert(indicator.0.to_string(), unknown.len());
                    unknown.push(Unknown {
                        name: indicator.0.to_string(),
                        first: span(indicator.1.clone()),
                        rows: 1,
                    });
                }
            }
            continue;
        };
        let owner = format!("`{}`", indicator.0);
        let value_span = span(value.1.clone());
        let cell_value = match resolve_unit(&unit.0, span(unit.1.clone()), &spec.unit, &owner) {
            Ok(from) => read_value(&value.0, value_span, &from, &spec.unit),
            Err(problem) => {
                problems.push(*problem);
                ok = false;
                // Still check the value itself, so that both mistakes show at once.
                read_value(&value.0, value_span, &spec.unit, &spec.unit)
            }
        };
        let cell_value = match cell_value {
            Ok(v) => v,
            Err(problem) => {
                problems.push(*problem);
                continue;
            }
        };
        let Some(year_value) = year_value else {
            continue;
        };
        if !ok {
            continue;
        }
        let key = ObservationKey {
            entity: entity.0.into_owned(),
            year: year_value,
            indicator: indicator.0.into_owned(),
        };
        let cell = Cell {
            value: cell_value,
            span: value_span,
        };
        store(submission, key, cell, Some(&spec.unit), problems);
    }

    for u in unknown {
        let mut problem = Problem::warning(
            "unknown-indicator",
            format!("indicator `{}` is not used by any rule", u.name),
        )
        .at(u.first, "unknown indicator");
        if let Some(close) = did_you_mean(&u.name, schema.indicators.keys().map(String::as_str)) {
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

fn empty_key(what: &str, span: Span) -> Problem {
    Problem::error("empty-key", format!("the {what} is empty"))
        .at(span, format!("{what} expected here"))
        .help("every row needs an entity, a year and an indicator; this row was not read")
}

/// A year between `FIRST_YEAR` and `LAST_YEAR`, or the message saying why not.
pub fn parse_year(text: &str) -> Result<i32, String> {
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

/// Adds an observation; a repeat keeps the first and is a warning if identical,
/// an error if the values differ.
pub fn store(
    submission: &mut Submission,
    key: ObservationKey,
    cell: Cell,
    unit: Option<&crate::units::Unit>,
    problems: &mut Vec<Problem>,
) {
    match submission.observations.entry(key) {
        Entry::Vacant(slot) => {
            slot.insert(cell);
        }
        Entry::Occupied(slot) => {
            let first = slot.get();
            let key = slot.key();
            let what = format!("`{}` {} of `{}`", key.indicator, key.year, key.entity);
            let problem = if first.value == cell.value {
                Problem::warning("duplicate-row", format!("{what} is given twice"))
                    .at(cell.span, "repeated here")
                    .also(first.span, "first given here")
                    .help("remove the repeated row")
            } else {
                let shown = show(&first.value, unit);
                Problem::error(
                    "conflicting-duplicate",
                    format!("{what} is given twice with different values"),
                )
                .at(cell.span, format!("given as {}", show(&cell.value, unit)))
                .also(first.span, format!("first given as {shown}"))
                .help("keep only the right value; until then the first is used")
            };
            problems.push(problem);
        }
    }
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
