//! `plancheck init`: a rule set to start from, made from a plan's indicator table
//! (a CSV with `id,name,unit` and optionally `base`). The plan block and the
//! indicator declarations are complete; each target is an example to fill in,
//! commented out, so that the skeleton passes `lint` as it stands.

use crate::check::model::Plan;
use crate::data::encoding::{Decoded, decode};
use crate::diagnostic::{Problem, did_you_mean};
use crate::fmt::{name, quoted};
use crate::source::{FileId, Sources, Span};
use crate::units::{known_spellings, parse_unit};
use rust_decimal::Decimal;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorRow {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub base: Option<Decimal>,
}

/// The files of a new rule set, as paths relative to its directory and their text.
pub const PLAN_FILE: &str = "plan.pcl";
pub const TARGETS_FILE: &str = "targets.pcl";
pub const TESTS_FILE: &str = "tests/targets.pct";

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// Reads the indicator table; every bad row is a problem at its line.
pub fn read_indicators(
    display: &str,
    bytes: &[u8],
    sources: &mut Sources,
) -> Result<Vec<IndicatorRow>, Vec<Problem>> {
    let (file, text) = match decode(display, bytes) {
        Decoded::Text { text, .. } => {
            let file = sources.add(display, text);
            (file, sources.text(file).to_string())
        }
        Decoded::NotText {
            shown,
            offset,
            problem,
        } => {
            let file = sources.add(display, shown);
            return Err(vec![
                problem.at(Span::new(file, offset..offset), "not text"),
            ]);
        }
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let whole = Span::new(file, 0..text.find('\n').unwrap_or(text.len()));
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_lowercase).collect(),
        Err(e) => return Err(vec![csv_problem(file, &e, whole)]),
    };
    let column = |wanted: &str| header.iter().position(|h| h == wanted);
    let (Some(id_at), Some(name_at), Some(unit_at)) =
        (column("id"), column("name"), column("unit"))
    else {
        return Err(vec![
            Problem::error(
                "bad-header",
                "the indicator table needs the columns `id`, `name` and `unit`",
            )
            .at(whole, "this header")
            .help("write the first line as `id,name,unit` (a `base` column is optional)"),
        ]);
    };
    let base_at = column("base");
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut seen = BTreeSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(csv_problem(file, &e, whole));
                continue;
            }
        };
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let end = text
            .get(start..)
            .and_then(|t| t.find('\n'))
            .map_or(text.len(), |n| start + n);
        let span = Span::new(file, start..end.max(start));
        let cell = |at: usize| record.get(at).unwrap_or("").to_string();
        let (id, indicator_name, unit) = (cell(id_at), cell(name_at), cell(unit_at));
        if !is_identifier(&id) {
            problems.push(
                Problem::error(
                    "bad-indicator-id",
                    format!("`{id}` cannot be an indicator id"),
                )
                .at(span, "this row")
                .help("ids are letters, digits and `_`, starting with a letter, e.g. `gdp_growth`"),
            );
            continue;
        }
        if !seen.insert(id.clone()) {
            problems.push(
                Problem::error(
                    "duplicate-indicator",
                    format!("indicator `{id}` is listed twice"),
                )
                .at(span, "second listing"),
            );
            continue;
        }
        if indicator_name.is_empty() {
            problems.push(
                Problem::error("missing-name", format!("indicator `{id}` has no name"))
                    .at(span, "this row")
                    .help("the `name` column holds the plan's own (Chinese) name of the indicator"),
            );
            continue;
        }
        if parse_unit(&unit).is_none() {
            let mut p = Problem::error("unknown-unit", format!("unknown unit `{unit}` for `{id}`"))
                .at(span, "this row");
            p = match did_you_mean(&unit, known_spellings()) {
                Some(close) => p.help(format!("did you mean `{close}`?")),
                None => p.help("units are listed in docs/language.md, e.g. `亿元`, `%`, `平方公里`, `个`, `bool`"),
            };
            problems.push(p);
            continue;
        }
        let base = match base_at.map(cell).filter(|b| !b.is_empty()) {
            None => None,
            Some(text) => match Decimal::from_str_exact(&text) {
                Ok(v) => Some(v),
                Err(_) => {
                    problems.push(
                        Problem::error(
                            "bad-number",
                            format!("base `{text}` of `{id}` is not a number"),
                        )
                        .at(span, "this row"),
                    );
                    continue;
                }
            },
        };
        rows.push(IndicatorRow {
            id,
            name: indicator_name,
            unit,
            base,
        });
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(
            Problem::error("empty-file", "the indicator table lists no indicator")
                .at(whole, "only this"),
        );
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

fn csv_problem(file: FileId, e: &csv::Error, fallback: Span) -> Problem {
    let span = e.position().map_or(fallback, |p| {
        Span::new(file, p.byte() as usize..p.byte() as usize)
    });
    Problem::error(
        "bad-csv",
        format!("the indicator table cannot be read: {e}"),
    )
    .at(span, "here")
}

/// The new rule set's files: (path relative to its directory, text).
pub fn scaffold(plan: &Plan, table: &str, rows: &[IndicatorRow]) -> Vec<(&'static str, String)> {
    vec![
        (PLAN_FILE, plan_file(plan, table, rows)),
        (TARGETS_FILE, targets_file(plan, rows)),
        (TESTS_FILE, tests_file(plan, rows)),
    ]
}

fn plan_file(plan: &Plan, table: &str, rows: &[IndicatorRow]) -> String {
    let mut out = format!(
        "# {} — the plan and its indicators, made by `plancheck init` from {table}.\n\
         # Check each unit, and give `base VALUE` (or `base VALUE in YEAR`) where the plan quotes a\n\
         # base figure: progress before the deadline is measured from it.\n\n",
        plan.name
    );
    out.push_str(&format!("plan {} {{\n", quoted(&plan.name)));
    out.push_str(&format!("    entity {}\n", name(&plan.entity)));
    out.push_str(&format!(
        "    period {}..{}\n",
        plan.period.0, plan.period.1
    ));
    out.push_str(&format!("    base {}\n", plan.base_year));
    if let Some(source) = &plan.source {
        out.push_str(&format!("    source {}\n", quoted(source)));
    }
    for reference in &plan.references {
        out.push_str(&format!("    reference {}\n", name(reference)));
    }
    out.push_str("}\n\n");
    for row in rows {
        out.push_str(&format!(
            "indicator {} {} {}",
            row.id,
            quoted(&row.name),
            row.unit
        ));
        if let Some(base) = row.base {
            out.push_str(&format!(" base {base}"));
        }
        out.push('\n');
    }
    out
}

/// A first guess at a target that parses: a flag is kept, a quantity reaches a level.
fn example_check(row: &IndicatorRow) -> String {
    let is_flag = parse_unit(&row.unit).is_some_and(|u| u.dimension.is(crate::units::Base::Flag));
    if is_flag {
        return format!("{} == true", row.id);
    }
    // A compound unit (吨标准煤/万元) cannot follow a number; a bare number takes the indicator's unit.
    let unit = if row.unit.contains('/') {
        ""
    } else {
        row.unit.as_str()
    };
    format!("{} >= 0{unit}", row.id)
}

fn rule_id(row: &IndicatorRow, year: i32) -> String {
    format!("{}-{year}", row.id.replace('_', "-"))
}

fn targets_file(plan: &Plan, rows: &[IndicatorRow]) -> String {
    let end = plan.period.1;
    let mut out = String::from(
        "# The plan's targets: one rule per target, quoting the plan's own words.\n\
         # Each indicator has an example below, commented out. To use one: remove the `#`s, put the\n\
         # plan's article number and words in `cite`, choose `binding` (约束性), `expected` (预期性)\n\
         # or `strive` (力争), and write the target (docs/language.md has every form: `by`, `each\n\
         # year`, 以上 `>=` and 超过 `>`, sums over years, compounding rates, …). Then run\n\
         # `plancheck fmt`, `plancheck lint` and `plancheck test` on this directory.\n",
    );
    for row in rows {
        out.push_str(&format!(
            "\n# {} ({}, {})\n# rule {} {{\n#     cite §1 \"…the plan's words…\"\n#     expected\n#     by {end}: {}\n# }}\n",
            row.name,
            row.id,
            row.unit,
            rule_id(row, end),
            example_check(row)
        ));
    }
    out
}

fn tests_file(plan: &Plan, rows: &[IndicatorRow]) -> String {
    let end = plan.period.1;
    let mut out = String::from(
        "# Rule tests: each case is a small submission and the outcome each named rule must give\n\
         # (pass, fail, missing, on_track, at_risk). `plancheck test` on the rule set runs them.\n\
         # Data rows are the long CSV format (entity,year,indicator,value,unit) without its header.\n",
    );
    if let Some(row) = rows.first() {
        let value =
            if parse_unit(&row.unit).is_some_and(|u| u.dimension.is(crate::units::Base::Flag)) {
                "true"
            } else {
                "0"
            };
        out.push_str(&format!(
            "# An example, for when rule `{}` exists: a value exactly at the target meets it.\n#\n\
             # case exactly the target meets it\n# data\n# {},{end},{},{value},{}\n# expect {} pass\n",
            rule_id(row, end),
            plan.entity,
            row.id,
            row.unit,
            rule_id(row, end)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_with_mistakes_names_each_row() {
        let mut sources = Sources::new();
        let csv =
            "id,name,unit\ngdp,地区生产总值,亿元\n2x,坏,%\ngdp,重复,亿元\nrate,比率,percent\n";
        let Err(problems) = read_indicators("t.csv", csv.as_bytes(), &mut sources) else {
            panic!("read a bad table");
        };
        let codes: Vec<&str> = problems.iter().map(|p| p.code).collect();
        assert_eq!(
            codes,
            ["bad-indicator-id", "duplicate-indicator", "unknown-unit"]
        );
    }

    #[test]
    fn bases_are_optional_and_exact() {
        let mut sources = Sources::new();
        let csv = "id,name,unit,base\ngdp,地区生产总值,亿元,230.0\nrate,比率,%,\n";
        let rows = read_indicators("t.csv", csv.as_bytes(), &mut sources).unwrap();
        assert_eq!(
            rows[0].base.map(|b| b.to_string()),
            Some("230.0".to_string())
        );
        assert_eq!(rows[1].base, None);
    }
}
