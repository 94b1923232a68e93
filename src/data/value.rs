//! Reading one cell: a plain decimal, a yes/no flag, or a unit; never a guess.
//!
//! Spreadsheet habits that are not plain decimals (`1,200`, `85%`, `８５`,
//! `=A1*2`, `1.2E+07`, `402.3亿元`) are refused, each with a help that says
//! what to write instead.

use super::Value;
use crate::diagnostic::{Problem, did_you_mean};
use crate::source::Span;
use crate::units::{Base, Unit, known_spellings, parse_unit};
use rust_decimal::Decimal;

/// Why a cell is not a plain decimal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    /// `1,200`; `plain` is the number without separators.
    Thousands {
        plain: String,
    },
    /// `85%`; `plain` is the number without the sign.
    Percent {
        plain: String,
    },
    /// `８５`; `plain` is the ASCII spelling when it is a plain decimal.
    FullWidth {
        plain: Option<String>,
    },
    /// `=A1*2`.
    Formula,
    /// `1.2E+07`; `plain` is the full decimal when it fits.
    Scientific {
        plain: Option<String>,
    },
    /// `402.3亿元`: a number followed by a unit.
    WithUnit {
        number: String,
        unit: String,
    },
    /// Well-formed but too large or too precise for a 96-bit decimal.
    OutOfRange,
    NotANumber,
}

/// `[+-]?digits(.digits)?`
fn is_plain(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = match s.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

/// A plain decimal of at most 18 digits, read without the general parser:
/// the same value, scale and sign as `Decimal::from_str_exact` gives.
fn parse_short(s: &str) -> Option<Decimal> {
    let bytes = s.as_bytes();
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, bytes.get(1..)?),
        Some(b'+') => (false, bytes.get(1..)?),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut mantissa: i64 = 0;
    let mut count = 0;
    let mut scale = None;
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                // Nineteen nines pass the length test but not i64: the general parser takes them.
                mantissa = mantissa.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
                count += 1;
            }
            b'.' if scale.is_none() && i > 0 && i + 1 < digits.len() => {
                scale = Some(digits.len() - i - 1);
            }
            _ => return None,
        }
    }
    // A negative zero keeps its sign in `from_str_exact`; leave such rarities to it.
    if count > 18 || (negative && mantissa == 0) {
        return None;
    }
    let scale = u32::try_from(scale.unwrap_or(0)).ok()?;
    Decimal::try_from_i128_with_scale(
        i128::from(if negative { -mantissa } else { mantissa }),
        scale,
    )
    .ok()
}

/// Reads a plain decimal (already trimmed) exactly.
pub fn parse_decimal(s: &str) -> Result<Decimal, NumberError> {
    if let Some(d) = parse_short(s) {
        return Ok(d);
    }
    if is_plain(s) {
        let unsigned = s.strip_prefix('+').unwrap_or(s);
        return Decimal::from_str_exact(unsigned).map_err(|_| NumberError::OutOfRange);
    }
    Err(classify(s))
}

fn classify(s: &str) -> NumberError {
    if s.starts_with('=') {
        return NumberError::Formula;
    }
    if s.chars().any(is_full_width) {
        let ascii: String = s.chars().map(to_ascii).collect();
        let plain = is_plain(&ascii).then_some(ascii);
        return NumberError::FullWidth { plain };
    }
    if let Some(number) = s.strip_suffix(['%', '％']) {
        let number = number.trim_end();
        if is_plain(number) {
            return NumberError::Percent {
                plain: number.to_string(),
            };
        }
    }
    if s.contains(',') {
        let plain: String = s.chars().filter(|&c| c != ',').collect();
        if is_plain(&plain) && groups_of_three(s) {
            return NumberError::Thousands { plain };
        }
    }
    if let Some((mantissa, exponent)) = s.split_once(['e', 'E']) {
        let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
        let exp_ok = is_plain(exponent) && !exponent.contains('.');
        if is_plain(mantissa) && exp_ok {
            let plain = Decimal::from_scientific(&format!("{mantissa}e{exponent}"))
                .ok()
                .map(|d| d.normalize().to_string());
            return NumberError::Scientific { plain };
        }
    }
    let split = s
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .map_or(s.len(), |(i, _)| i);
    if let (Some(number), Some(unit)) = (s.get(..split), s.get(split..)) {
        let unit = unit.trim();
        if is_plain(number) && parse_unit(unit).is_some() {
            return NumberError::WithUnit {
                number: number.to_string(),
                unit: unit.to_string(),
            };
        }
    }
    NumberError::NotANumber
}

fn groups_of_three(s: &str) -> bool {
    let unsigned = s.trim_start_matches(['+', '-']);
    let int = unsigned.split('.').next().unwrap_or("");
    let mut groups = int.split(',');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    first_ok && groups.all(|g| g.len() == 3)
}

fn is_full_width(c: char) -> bool {
    ('０'..='９').contains(&c) || matches!(c, '．' | '－' | '＋' | '，')
}

fn to_ascii(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '．' => '.',
        '－' => '-',
        '＋' => '+',
        '，' => ',',
        _ => c,
    }
}

/// The problem for a cell `text` at `span` that is not a plain decimal.
pub fn number_problem(error: &NumberError, text: &str, span: Span) -> Problem {
    let base = |label: &str| {
        Problem::error("bad-number", format!("`{text}` is not a plain decimal")).at(span, label)
    };
    match error {
        NumberError::Thousands { plain } => base("thousands separators").help(format!(
            "write `{plain}`: a plain decimal has no thousands separators \
             (in Excel, format the column as Number without \"Use 1000 separator\" before exporting)"
        )),
        NumberError::Percent { plain } => base("percent sign in the value").help(format!(
            "write `{plain}` and give `%` as the unit, not as part of the value"
        )),
        NumberError::FullWidth { plain } => {
            let what = match plain {
                Some(p) => format!("write `{p}` with ASCII digits"),
                None => "write the number with ASCII digits".to_string(),
            };
            base("full-width characters").help(format!(
                "{what}; full-width digits (`０`–`９`, `．`) come from a Chinese input method"
            ))
        }
        NumberError::Formula => base("a formula, not a value").help(
            "export the computed values, not formulas (in Excel: Paste Special › Values, then save as CSV)",
        ),
        NumberError::Scientific { plain } => {
            let what = match plain {
                Some(p) => format!("write `{p}`"),
                None => "write the full decimal".to_string(),
            };
            base("scientific notation").help(format!(
                "{what}: scientific notation is not accepted \
                 (Excel shows large numbers as `1.2E+07`; format the column as Number before exporting)"
            ))
        }
        NumberError::WithUnit { number, unit } => base("a number with a unit").help(format!(
            "write `{number}` as the value and `{unit}` as its unit"
        )),
        NumberError::OutOfRange => Problem::error(
            "bad-number",
            format!("`{text}` is too large or has too many digits to be read exactly"),
        )
        .at(span, "out of range")
        .help("a value has at most 28 significant digits"),
        NumberError::NotANumber => base("not a number")
            .help("a plain decimal is expected, such as `86.1`, `-0.4` or `1200`"),
    }
}

/// `true`/`false` in any case, or `是`/`否`.
pub fn parse_flag(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") || s == "是" {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") || s == "否" {
        Some(false)
    } else {
        None
    }
}

/// How a cell in one unit becomes a value in another, worked out once per column or
/// unit spelling rather than for every cell.
#[derive(Debug, Clone)]
pub struct Conversion {
    from: Unit,
    to: Unit,
    flag: bool,
    /// `None` when the value is kept as written (the same unit).
    factor: Option<Decimal>,
    /// The units convert, by a factor within range.
    convertible: bool,
}

impl Conversion {
    /// `from` must convert to `to`.
    pub fn new(from: &Unit, to: &Unit) -> Conversion {
        let factor = from.factor_to(to);
        Conversion {
            from: from.clone(),
            to: to.clone(),
            flag: to.dimension.is(Base::Flag),
            convertible: factor.is_some(),
            factor: factor.filter(|f| *f != Decimal::ONE),
        }
    }

    /// Reads a cell (trimmed `text` at `span`); an empty cell is `Value::Empty`. A value
    /// written in a way that can mean only one number (`85%` for a percentage, full-width
    /// `８５`) is read, with a note in `notes` saying so.
    pub fn read(
        &self,
        text: &str,
        span: Span,
        notes: &mut Vec<Problem>,
    ) -> Result<Value, Box<Problem>> {
        if text.is_empty() {
            return Ok(Value::Empty);
        }
        if self.flag {
            return parse_flag(text).map(Value::Flag).ok_or_else(|| {
                Box::new(
                    Problem::error("bad-flag", format!("`{text}` is not a yes/no value"))
                        .at(span, "expected true/false or 是/否")
                        .help("a yes/no indicator takes `true`, `false`, `是` or `否`"),
                )
            });
        }
        let number = match parse_decimal(text) {
            Ok(number) => number,
            Err(error) => match self.unambiguous(&error) {
                Some((number, how)) => {
                    notes.push(
                        Problem::remark("read-leniently", format!("`{text}` was read as `{number}`"))
                            .at(span, how)
                            .help("write plain ASCII decimals, with the unit in the unit column, to avoid any doubt"),
                    );
                    number
                }
                None => return Err(Box::new(number_problem(&error, text, span))),
            },
        };
        let converted = match self.factor {
            None if self.convertible => Some(number),
            None => None,
            Some(factor) => number.checked_mul(factor).map(|v| v.normalize()),
        };
        converted.map(Value::Number).ok_or_else(|| {
            Box::new(
                Problem::error(
                    "bad-number",
                    format!(
                        "`{text}` in `{}` is too large once converted to `{}`",
                        self.from, self.to
                    ),
                )
                .at(span, "out of range"),
            )
        })
    }
}

impl Conversion {
    /// The one number a non-plain cell can mean, if there is only one: a trailing `%`
    /// where the unit is a percentage, or full-width digits. Anything else is refused.
    fn unambiguous(&self, error: &NumberError) -> Option<(Decimal, &'static str)> {
        match error {
            NumberError::Percent { plain } if self.from.dimension.is(Base::Percent) => Some((
                parse_decimal(plain).ok()?,
                "the `%` sign is the unit's, not the value's",
            )),
            NumberError::FullWidth { plain: Some(plain) } => Some((
                parse_decimal(plain).ok()?,
                "full-width digits read as ASCII digits",
            )),
            _ => None,
        }
    }
}

/// Reads a cell (trimmed `text` at `span`) given in unit `from`, converted to `to`.
/// `from` must convert to `to`. An empty cell is `Value::Empty`.
pub fn read_value(
    text: &str,
    span: Span,
    from: &Unit,
    to: &Unit,
    notes: &mut Vec<Problem>,
) -> Result<Value, Box<Problem>> {
    Conversion::new(from, to).read(text, span, notes)
}

/// The unit a cell's value is given in: `written` (trimmed, at `span`), or `expected`
/// when nothing is written. `owner` names what the unit belongs to, for messages.
pub fn resolve_unit(
    written: &str,
    span: Span,
    expected: &Unit,
    owner: &str,
) -> Result<Unit, Box<Problem>> {
    if written.is_empty() {
        return Ok(expected.clone());
    }
    let Some(unit) = parse_unit(written) else {
        let mut problem = Problem::error("unknown-unit", format!("unknown unit `{written}`"))
            .at(span, "not a unit plancheck knows")
            .note(format!("the unit of {owner} is `{expected}`"));
        let foreign = ["美元", "美金", "港元", "港币", "欧元", "日元", "USD", "$"];
        if foreign.iter().any(|f| written.contains(f)) {
            problem = problem.help(
                "plancheck does not convert currencies: convert the value to 元, 万元 or 亿元 \
                 and say which exchange rate was used in a note column",
            );
        } else {
            // Only spellings that would have been accepted here are worth suggesting.
            let convertible = known_spellings()
                .filter(|s| parse_unit(s).is_some_and(|u| u.converts_to(expected)));
            if let Some(close) = did_you_mean(written, convertible) {
                problem = problem.help(format!("did you mean `{close}`?"));
            }
        }
        return Err(Box::new(problem));
    };
    if !unit.converts_to(expected) {
        return Err(Box::new(
            Problem::error(
                "unit-mismatch",
                format!("`{written}` does not convert to `{expected}`, the unit of {owner}"),
            )
            .at(span, mismatch_label(&unit, expected)),
        ));
    }
    Ok(unit)
}

fn mismatch_label(unit: &Unit, expected: &Unit) -> String {
    let simple = |u: &Unit| {
        [
            Base::Money,
            Base::Mass,
            Base::CoalEquivalent,
            Base::Area,
            Base::Length,
            Base::Volume,
            Base::Energy,
            Base::Count,
            Base::People,
            Base::Percent,
            Base::Rank,
            Base::Years,
            Base::Flag,
        ]
        .into_iter()
        .any(|b| u.dimension.is(b))
    };
    if simple(unit) && simple(expected) {
        format!("measures {}, not {}", unit.dimension, expected.dimension)
    } else {
        "measures a different kind of quantity".to_string()
    }
}

/// How a value is shown in a message: `402.3 亿元`, `true`, `(empty)`.
pub fn show(value: &Value, unit: Option<&Unit>) -> String {
    match value {
        Value::Number(n) => match unit {
            Some(u) if !u.name.is_empty() && !u.dimension.is(Base::Flag) => format!("{n} {u}"),
            _ => n.to_string(),
        },
        Value::Flag(b) => b.to_string(),
        Value::Text(t) => format!("`{t}`"),
        Value::Empty => "(empty)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn plain_decimals() {
        for (text, value) in [
            ("86.1", "86.1"),
            ("-0.4", "-0.4"),
            ("1200", "1200"),
            ("+7", "7"),
        ] {
            assert_eq!(parse_decimal(text), Ok(d(value)), "{text}");
        }
        assert_eq!(
            parse_decimal("86.10").map(|v| v.to_string()),
            Ok("86.10".into())
        );
    }

    #[test]
    fn the_short_path_reads_exactly_what_the_general_one_does() {
        let cases = [
            "0",
            "7",
            "85",
            "85.0",
            "85.00",
            "-0.4",
            "+7",
            "007",
            "0.0001",
            "400.00",
            "123456789012345678",
            "-123456789.012345678",
            "1234567890123456789",
            "-0",
            "-0.00",
            "1.",
            ".5",
            "1..2",
            "1.2.3",
            "+",
            "-",
            "",
            "12a",
            "1e5",
        ];
        for text in cases {
            let general = if is_plain(text) {
                Decimal::from_str_exact(text.strip_prefix('+').unwrap_or(text)).ok()
            } else {
                None
            };
            let short = parse_short(text);
            if let Some(short) = short {
                let general = general.expect("the short path reads only plain decimals");
                assert_eq!(short, general, "{text}");
                assert_eq!(short.scale(), general.scale(), "{text}");
                assert_eq!(
                    short.is_sign_negative(),
                    general.is_sign_negative(),
                    "{text}"
                );
                assert_eq!(short.to_string(), general.to_string(), "{text}");
            }
            assert_eq!(parse_decimal(text).ok(), general, "{text}");
        }
    }

    #[test]
    fn spreadsheet_habits_are_named() {
        use NumberError::*;
        let cases = [
            (
                "1,200",
                Thousands {
                    plain: "1200".into(),
                },
            ),
            (
                "1,200,000.5",
                Thousands {
                    plain: "1200000.5".into(),
                },
            ),
            ("85%", Percent { plain: "85".into() }),
            ("85 ％", Percent { plain: "85".into() }),
            (
                "８５",
                FullWidth {
                    plain: Some("85".into()),
                },
            ),
            ("=A1*2", Formula),
            (
                "1.2E+07",
                Scientific {
                    plain: Some("12000000".into()),
                },
            ),
            (
                "3e-2",
                Scientific {
                    plain: Some("0.03".into()),
                },
            ),
            (
                "402.3亿元",
                WithUnit {
                    number: "402.3".into(),
                    unit: "亿元".into(),
                },
            ),
            ("12,00", NotANumber),
            (".5", NotANumber),
            ("5.", NotANumber),
            ("abc", NotANumber),
            ("--1", NotANumber),
            ("1e", NotANumber),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_decimal(text), Err(expected), "{text}");
        }
    }

    #[test]
    fn huge_numbers_are_errors_not_panics() {
        assert_eq!(parse_decimal(&"9".repeat(40)), Err(NumberError::OutOfRange));
        assert_eq!(
            parse_decimal(&format!("0.{}", "1".repeat(40))),
            Err(NumberError::OutOfRange)
        );
        assert!(matches!(
            parse_decimal("1e999999999999"),
            Err(NumberError::Scientific { plain: None })
        ));
        let span = Span::new(0, 0..1);
        let yuan = parse_unit("亿元").unwrap();
        let tiny = parse_unit("元").unwrap();
        let big = "79228162514264337593543950335";
        assert!(read_value(big, span, &yuan, &tiny, &mut Vec::new()).is_err());
    }

    #[test]
    fn only_unambiguous_spreadsheet_forms_are_read() {
        let span = Span::new(0, 0..1);
        let percent = parse_unit("%").unwrap();
        let yi = parse_unit("亿元").unwrap();
        let mut notes = Vec::new();
        assert_eq!(
            read_value("85%", span, &percent, &percent, &mut notes),
            Ok(Value::Number(d("85")))
        );
        assert_eq!(
            read_value("８５．５", span, &yi, &yi, &mut notes),
            Ok(Value::Number(d("85.5")))
        );
        assert_eq!(notes.len(), 2);
        // A % sign on a money value, thousands separators and formulas mean nothing certain.
        for text in ["85%", "1,200", "=A1*2", "１，２００"] {
            assert!(
                read_value(text, span, &yi, &yi, &mut notes).is_err(),
                "{text}"
            );
        }
        assert_eq!(notes.len(), 2);
    }

    #[test]
    fn flags() {
        for (text, value) in [
            ("true", true),
            ("TRUE", true),
            ("是", true),
            ("False", false),
            ("否", false),
        ] {
            assert_eq!(parse_flag(text), Some(value));
        }
        assert_eq!(parse_flag("1"), None);
    }

    #[test]
    fn units_convert_or_explain() {
        let span = Span::new(0, 0..1);
        let yi = parse_unit("亿元").unwrap();
        assert_eq!(resolve_unit("", span, &yi, "`gdp`").unwrap(), yi);
        let wan = resolve_unit("万元", span, &yi, "`gdp`").unwrap();
        assert_eq!(
            read_value("1250000", span, &wan, &yi, &mut Vec::new()),
            Ok(Value::Number(d("125")))
        );
        assert_eq!(
            resolve_unit("%", span, &yi, "`gdp`").unwrap_err().code,
            "unit-mismatch"
        );
        let unknown = resolve_unit("亿圆", span, &yi, "`gdp`").unwrap_err();
        assert_eq!(unknown.code, "unknown-unit");
        assert_eq!(unknown.help.as_deref(), Some("did you mean `亿元`?"));
    }
}
