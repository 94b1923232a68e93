//! Units as the plan and the statistics offices write them, and exact conversion.
//!
//! Every scale is a power of ten, so converting between units of one
//! dimension is an exact decimal shift: 1250000 万元 is exactly 125 亿元.

use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt;

/// The physical or bookkeeping quantity a unit measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Base {
    Money,
    Mass,
    /// Tonnes of standard coal equivalent: energy, kept apart from plain mass.
    CoalEquivalent,
    Area,
    Length,
    Volume,
    Energy,
    Count,
    People,
    Percent,
    Rank,
    Years,
    Flag,
}

impl Base {
    fn name(self) -> &'static str {
        match self {
            Base::Money => "money",
            Base::Mass => "mass",
            Base::CoalEquivalent => "standard coal",
            Base::Area => "area",
            Base::Length => "length",
            Base::Volume => "volume",
            Base::Energy => "energy",
            Base::Count => "count",
            Base::People => "people",
            Base::Percent => "percentage",
            Base::Rank => "rank",
            Base::Years => "years",
            Base::Flag => "yes/no flag",
        }
    }
}

/// A product of base quantities with integer exponents; empty means a pure number.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dimension(BTreeMap<Base, i8>);

impl Dimension {
    pub fn of(base: Base) -> Dimension {
        Dimension(BTreeMap::from([(base, 1)]))
    }

    pub fn none() -> Dimension {
        Dimension::default()
    }

    pub fn is_none(&self) -> bool {
        self.0.is_empty()
    }

    pub fn is(&self, base: Base) -> bool {
        // Without building a map: this is asked for every cell read.
        self.0.len() == 1 && self.0.get(&base) == Some(&1)
    }

    fn combine(&self, other: &Dimension, sign: i8) -> Dimension {
        let mut out = self.0.clone();
        for (base, exp) in &other.0 {
            let entry = out.entry(*base).or_insert(0);
            *entry += sign * exp;
            if *entry == 0 {
                out.remove(base);
            }
        }
        Dimension(out)
    }

    pub fn times(&self, other: &Dimension) -> Dimension {
        self.combine(other, 1)
    }

    pub fn per(&self, other: &Dimension) -> Dimension {
        self.combine(other, -1)
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("a plain number");
        }
        let mut first = true;
        for (base, exp) in &self.0 {
            if !first {
                f.write_str(if *exp < 0 { " per " } else { " × " })?;
            } else if *exp < 0 {
                f.write_str("1 per ")?;
            }
            first = false;
            f.write_str(base.name())?;
            if exp.abs() > 1 {
                write!(f, "^{}", exp.abs())?;
            }
        }
        Ok(())
    }
}

/// A unit: the name as written, what it measures, and its size relative to the
/// dimension's reference unit (元, 吨, 平方公里, 个, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub name: String,
    pub dimension: Dimension,
    pub scale: Decimal,
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// (spelling, base, power of ten). Spellings a Chinese statistics office uses first.
const SIMPLE_UNITS: &[(&str, Base, i32)] = &[
    ("元", Base::Money, 0),
    ("千元", Base::Money, 3),
    ("万元", Base::Money, 4),
    ("亿元", Base::Money, 8),
    ("吨", Base::Mass, 0),
    ("万吨", Base::Mass, 4),
    ("亿吨", Base::Mass, 8),
    ("千克", Base::Mass, -3),
    ("公斤", Base::Mass, -3),
    ("kg", Base::Mass, -3),
    ("吨标准煤", Base::CoalEquivalent, 0),
    ("万吨标准煤", Base::CoalEquivalent, 4),
    ("亿吨标准煤", Base::CoalEquivalent, 8),
    ("平方公里", Base::Area, 0),
    ("km²", Base::Area, 0),
    ("km2", Base::Area, 0),
    ("公顷", Base::Area, -2),
    ("平方米", Base::Area, -6),
    ("m²", Base::Area, -6),
    ("m2", Base::Area, -6),
    ("公里", Base::Length, 0),
    ("km", Base::Length, 0),
    ("米", Base::Length, -3),
    ("立方米", Base::Volume, 0),
    ("万立方米", Base::Volume, 4),
    ("亿立方米", Base::Volume, 8),
    ("千瓦时", Base::Energy, 0),
    ("万千瓦时", Base::Energy, 4),
    ("亿千瓦时", Base::Energy, 8),
    ("个", Base::Count, 0),
    ("户", Base::Count, 0),
    ("家", Base::Count, 0),
    ("项", Base::Count, 0),
    ("件", Base::Count, 0),
    ("所", Base::Count, 0),
    ("座", Base::Count, 0),
    ("处", Base::Count, 0),
    ("张", Base::Count, 0),
    ("count", Base::Count, 0),
    ("人", Base::People, 0),
    ("千人", Base::People, 3),
    ("万人", Base::People, 4),
    ("%", Base::Percent, 0),
    ("％", Base::Percent, 0),
    ("个百分点", Base::Percent, 0),
    ("百分点", Base::Percent, 0),
    ("pp", Base::Percent, 0),
    ("‰", Base::Percent, -1),
    ("rank", Base::Rank, 0),
    ("位", Base::Rank, 0),
    ("岁", Base::Years, 0),
    ("年", Base::Years, 0),
    ("bool", Base::Flag, 0),
];

/// The spellings a number literal may carry, longest first so that `万吨标准煤`
/// is not read as `万吨` followed by `标准煤`.
pub fn known_spellings() -> impl Iterator<Item = &'static str> {
    let mut names: Vec<&'static str> = SIMPLE_UNITS.iter().map(|(n, _, _)| *n).collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.into_iter()
}

fn power_of_ten(exp: i32) -> Decimal {
    let mut value = Decimal::ONE;
    let ten = Decimal::TEN;
    for _ in 0..exp.unsigned_abs() {
        value = if exp >= 0 { value * ten } else { value / ten };
    }
    value
}

fn simple(name: &str) -> Option<Unit> {
    SIMPLE_UNITS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(n, base, exp)| Unit {
            name: (*n).to_string(),
            dimension: Dimension::of(*base),
            scale: power_of_ten(*exp),
        })
}

/// Reads a unit such as `亿元`, `%`, `km²` or `吨标准煤/万元`; `None` when any part is unknown.
pub fn parse_unit(text: &str) -> Option<Unit> {
    let text = text.trim();
    match text.split_once('/') {
        None => simple(text),
        Some((numerator, denominator)) => {
            let top = simple(numerator.trim())?;
            let bottom = simple(denominator.trim())?;
            Some(Unit {
                name: text.to_string(),
                dimension: top.dimension.per(&bottom.dimension),
                scale: top.scale / bottom.scale,
            })
        }
    }
}

impl Unit {
    /// The unit of a bare number such as `1` in `count(…) >= 1`.
    pub fn none() -> Unit {
        Unit {
            name: String::new(),
            dimension: Dimension::none(),
            scale: Decimal::ONE,
        }
    }

    pub fn is_none(&self) -> bool {
        self.dimension.is_none()
    }

    pub fn converts_to(&self, other: &Unit) -> bool {
        self.dimension == other.dimension
    }

    /// The factor that turns a value in `self` into one in `to`; exact, a power of ten.
    pub fn factor_to(&self, to: &Unit) -> Option<Decimal> {
        if !self.converts_to(to) {
            return None;
        }
        self.scale.checked_div(to.scale)
    }

    /// `value` given in `self`, expressed in `to`; `None` if the dimensions differ
    /// or the result leaves the decimal range.
    pub fn convert(&self, value: Decimal, to: &Unit) -> Option<Decimal> {
        let factor = self.factor_to(to)?;
        if factor == Decimal::ONE {
            return Some(value);
        }
        value.checked_mul(factor).map(|v| v.normalize())
    }

    /// The unit of `self × other`, named as written.
    pub fn times(&self, other: &Unit) -> Unit {
        Unit {
            name: join_name(&self.name, "×", &other.name),
            dimension: self.dimension.times(&other.dimension),
            scale: self.scale * other.scale,
        }
    }

    /// The unit of `self ÷ other`; 元 / 元 is a pure number.
    pub fn per(&self, other: &Unit) -> Unit {
        let dimension = self.dimension.per(&other.dimension);
        let name = if dimension.is_none() {
            String::new()
        } else {
            join_name(&self.name, "/", &other.name)
        };
        Unit {
            name,
            dimension,
            scale: self.scale.checked_div(other.scale).unwrap_or(Decimal::ONE),
        }
    }

    /// How people read the size of a difference: percentage points for %, else the unit.
    pub fn difference_name(&self) -> &str {
        if self.dimension.is(Base::Percent) {
            "percentage points"
        } else {
            &self.name
        }
    }
}

/// A value followed by its unit as people write it: `85%`, `400亿元`, but `4 rank`, `30 km2`.
pub fn with_unit(value: &str, unit: &str) -> String {
    if unit.starts_with(|c: char| c.is_ascii_alphabetic()) {
        format!("{value} {unit}")
    } else {
        format!("{value}{unit}")
    }
}

fn join_name(left: &str, op: &str, right: &str) -> String {
    match (left.is_empty(), right.is_empty()) {
        (true, true) => String::new(),
        (false, true) => left.to_string(),
        (true, false) if op == "×" => right.to_string(),
        _ => format!("{left}{op}{right}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn unit(s: &str) -> Unit {
        parse_unit(s).unwrap()
    }

    #[test]
    fn money_converts_exactly() {
        assert_eq!(
            unit("万元").convert(d("1250000"), &unit("亿元")),
            Some(d("125"))
        );
        assert_eq!(
            unit("亿元").convert(d("0.0001"), &unit("元")),
            Some(d("10000"))
        );
        assert_eq!(
            unit("元").convert(d("1"), &unit("亿元")),
            Some(d("0.00000001"))
        );
    }

    #[test]
    fn area_spellings_are_one_unit() {
        for spelling in ["平方公里", "km²", "km2"] {
            assert_eq!(
                unit(spelling).convert(d("30"), &unit("平方公里")),
                Some(d("30"))
            );
        }
    }

    #[test]
    fn counts_of_households_firms_and_items_agree() {
        assert_eq!(unit("户").convert(d("3"), &unit("个")), Some(d("3")));
        assert_eq!(unit("家").convert(d("3"), &unit("户")), Some(d("3")));
    }

    #[test]
    fn coal_tonnes_are_not_plain_tonnes() {
        assert_eq!(
            unit("万吨标准煤").convert(d("1"), &unit("吨标准煤")),
            Some(d("10000"))
        );
        assert!(!unit("吨").converts_to(&unit("吨标准煤")));
    }

    #[test]
    fn different_dimensions_do_not_convert() {
        assert_eq!(unit("%").convert(d("85"), &unit("亿元")), None);
        assert!(parse_unit("亿美元").is_none());
    }

    #[test]
    fn compound_units_convert_by_both_parts() {
        let per_ten_thousand = unit("吨标准煤/万元");
        let per_yuan = unit("吨标准煤/元");
        assert_eq!(
            per_ten_thousand.convert(d("0.5"), &per_yuan),
            Some(d("0.00005"))
        );
        assert!(unit("元").per(&unit("亿元")).is_none());
    }

    #[test]
    fn percentage_points_are_percent() {
        assert!(unit("个百分点").converts_to(&unit("%")));
        assert_eq!(unit("%").difference_name(), "percentage points");
    }
}
