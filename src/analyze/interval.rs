//! Sets of numbers a value may take, as intervals with exact decimal ends.

use crate::syntax::ast::CmpOp;
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// One end of an interval; a strict end excludes its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct End {
    pub value: Decimal,
    pub strict: bool,
}

/// `None` ends are unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Interval {
    pub low: Option<End>,
    pub high: Option<End>,
}

/// Which of two lower ends admits fewer values.
pub fn tighter_low(a: End, b: End) -> bool {
    match a.value.cmp(&b.value) {
        Ordering::Greater => true,
        Ordering::Less => false,
        Ordering::Equal => a.strict && !b.strict,
    }
}

/// Which of two upper ends admits fewer values.
pub fn tighter_high(a: End, b: End) -> bool {
    match a.value.cmp(&b.value) {
        Ordering::Less => true,
        Ordering::Greater => false,
        Ordering::Equal => a.strict && !b.strict,
    }
}

impl Interval {
    /// The values `v` for which `v op c` holds; `!=` is not one interval.
    pub fn of(op: CmpOp, c: Decimal) -> Option<Interval> {
        let end = |strict| Some(End { value: c, strict });
        Some(match op {
            CmpOp::Ge => Interval {
                low: end(false),
                high: None,
            },
            CmpOp::Gt => Interval {
                low: end(true),
                high: None,
            },
            CmpOp::Le => Interval {
                low: None,
                high: end(false),
            },
            CmpOp::Lt => Interval {
                low: None,
                high: end(true),
            },
            CmpOp::Eq => Interval {
                low: end(false),
                high: end(false),
            },
            CmpOp::Ne => return None,
        })
    }

    pub fn intersect(self, other: Interval) -> Interval {
        let low = match (self.low, other.low) {
            (Some(a), Some(b)) => Some(if tighter_low(b, a) { b } else { a }),
            (a, b) => a.or(b),
        };
        let high = match (self.high, other.high) {
            (Some(a), Some(b)) => Some(if tighter_high(b, a) { b } else { a }),
            (a, b) => a.or(b),
        };
        Interval { low, high }
    }

    pub fn is_empty(&self) -> bool {
        match (self.low, self.high) {
            (Some(l), Some(h)) => {
                l.value > h.value || (l.value == h.value && (l.strict || h.strict))
            }
            _ => false,
        }
    }

    pub fn contains(&self, v: Decimal) -> bool {
        let above = self
            .low
            .is_none_or(|l| if l.strict { v > l.value } else { v >= l.value });
        let below = self
            .high
            .is_none_or(|h| if h.strict { v < h.value } else { v <= h.value });
        above && below
    }

    /// Whether every value of `self` is in `outer`.
    pub fn within(&self, outer: &Interval) -> bool {
        let low_ok = match (self.low, outer.low) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => a == b || tighter_low(a, b),
        };
        let high_ok = match (self.high, outer.high) {
            (_, None) => true,
            (None, Some(_)) => false,
            (Some(a), Some(b)) => a == b || tighter_high(a, b),
        };
        low_ok && high_ok
    }

    /// Values worth trying as witnesses: the ends, one hundredth and one unit beside them, midpoints.
    fn candidates(&self, other: &Interval) -> Vec<Decimal> {
        let ends: Vec<Decimal> = [self.low, self.high, other.low, other.high]
            .into_iter()
            .flatten()
            .map(|e| e.value)
            .collect();
        // Checked arithmetic: a bound near the largest decimal simply offers fewer candidates.
        let mut out = Vec::new();
        for &e in &ends {
            for step in [Decimal::ZERO, Decimal::new(1, 2), Decimal::ONE] {
                out.extend(e.checked_sub(step));
                out.extend(e.checked_add(step));
            }
        }
        for (i, &a) in ends.iter().enumerate() {
            for &b in ends.iter().skip(i + 1) {
                out.extend(
                    a.checked_add(b)
                        .and_then(|sum| sum.checked_div(Decimal::TWO)),
                );
            }
        }
        out.push(Decimal::ZERO);
        out
    }

    /// A value in `self`, preferring its own ends.
    pub fn witness(&self) -> Option<Decimal> {
        self.candidates(self)
            .into_iter()
            .find(|v| self.contains(*v))
            .map(|v| v.normalize())
    }

    /// A value in `self` that is not in `other`.
    pub fn outside(&self, other: &Interval) -> Option<Decimal> {
        self.candidates(other)
            .into_iter()
            .find(|v| self.contains(*v) && !other.contains(*v))
            .map(|v| v.normalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    fn of(op: CmpOp, n: i64) -> Interval {
        Interval::of(op, d(n)).unwrap()
    }

    #[test]
    fn disjoint_requirements_leave_nothing() {
        assert!(of(CmpOp::Ge, 90).intersect(of(CmpOp::Lt, 80)).is_empty());
        assert!(of(CmpOp::Gt, 85).intersect(of(CmpOp::Le, 85)).is_empty());
        assert!(!of(CmpOp::Ge, 85).intersect(of(CmpOp::Le, 85)).is_empty());
    }

    #[test]
    fn the_stronger_requirement_lies_within_the_weaker() {
        assert!(of(CmpOp::Ge, 85).within(&of(CmpOp::Ge, 80)));
        assert!(!of(CmpOp::Ge, 80).within(&of(CmpOp::Ge, 85)));
        assert!(of(CmpOp::Gt, 85).within(&of(CmpOp::Ge, 85)));
        assert!(!of(CmpOp::Ge, 85).within(&of(CmpOp::Gt, 85)));
    }

    #[test]
    fn witnesses_are_inside_and_counterexamples_outside() {
        assert_eq!(of(CmpOp::Ge, 80).outside(&of(CmpOp::Ge, 85)), Some(d(80)));
        assert_eq!(of(CmpOp::Gt, 80).witness(), Some(Decimal::new(8001, 2)));
        let between = of(CmpOp::Gt, 84).intersect(of(CmpOp::Lt, 85));
        assert_eq!(between.witness(), Some(Decimal::new(8401, 2)));
    }
}
