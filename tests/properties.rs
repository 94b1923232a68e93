//! Properties that must hold for every input, not just the examples.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

use plancheck::eval::Outcome;
use plancheck::session::{Entities, Session};
use plancheck::units::parse_unit;
use proptest::prelude::*;
use rust_decimal::Decimal;

/// A decimal with up to 4 fraction digits, in the range statistics take.
fn decimal() -> impl Strategy<Value = Decimal> {
    (-10_000_000_000i64..10_000_000_000i64, 0u32..=4).prop_map(|(n, scale)| Decimal::new(n, scale))
}

fn decide(rule_check: &str, unit: &str, rows: &[(i32, String)]) -> Vec<(i32, Outcome)> {
    decide_files(rule_check, unit, &[rows.to_vec()])
}

/// The findings for `rows`, submitted as one long CSV file per element of `files`.
fn decide_files(rule_check: &str, unit: &str, files: &[Vec<(i32, String)>]) -> Vec<(i32, Outcome)> {
    let rules = format!(
        "plan \"p\" {{ entity 县 period 2021..2025 base 2020 }}\nindicator x \"指标\" {unit}\nrule r {{ cite §1 \"引文\" expected {rule_check} }}\n"
    );
    let mut session = Session::new();
    let rule_set = session
        .check_rule_texts(vec![("r.pcl".to_string(), rules)])
        .expect("the rule checks");
    let mut data = plancheck::data::Submission::default();
    for (i, rows) in files.iter().enumerate() {
        let mut csv = String::from("entity,year,indicator,value,unit\n");
        for (year, value) in rows {
            csv.push_str(&format!("县,{year},x,{value},{unit}\n"));
        }
        let problems = plancheck::data::read_bytes(
            &format!("d{i}.csv"),
            csv.as_bytes(),
            &rule_set.schema(),
            &mut session.sources,
            &mut data,
        );
        assert!(problems.iter().all(|p| !p.is_error()), "{problems:#?}");
    }
    let entities = session.entities(&Entities::Default, &rule_set, &data);
    session
        .evaluate(&rule_set, &data, &entities)
        .into_iter()
        .map(|f| (f.year, f.outcome))
        .collect()
}

fn expected(holds: bool) -> Outcome {
    if holds { Outcome::Pass } else { Outcome::Fail }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Every comparison agrees with a direct decimal comparison, at and around the bound.
    #[test]
    fn comparisons_agree_with_decimals(bound in decimal(), delta in prop_oneof![Just(Decimal::ZERO), Just(Decimal::new(1, 4)), Just(Decimal::new(-1, 4)), decimal()]) {
        let value = bound + delta;
        for (op, holds) in [
            (">=", value >= bound),
            (">", value > bound),
            ("<=", value <= bound),
            ("<", value < bound),
            ("==", value == bound),
            ("!=", value != bound),
        ] {
            let check = format!("by 2025: x {op} {bound}亿元");
            let got = decide(&check, "亿元", &[(2025, value.to_string())]);
            prop_assert_eq!(got, vec![(2025, expected(holds))], "{} {} {}", value, op, bound);
        }
    }

    /// A value given in 万元 decides exactly as the same value given in 亿元.
    #[test]
    fn unit_conversion_is_exact(value in decimal(), bound in decimal()) {
        let wan = value * Decimal::from(10_000);
        let in_yi = decide(&format!("by 2025: x >= {bound}亿元"), "亿元", &[(2025, value.to_string())]);
        let rules = format!(
            "plan \"p\" {{ entity 县 period 2021..2025 base 2020 }}\nindicator x \"指标\" 亿元\nrule r {{ cite §1 \"引文\" expected by 2025: x >= {bound}亿元 }}\n"
        );
        let mut session = Session::new();
        let rule_set = session.check_rule_texts(vec![("r.pcl".to_string(), rules)]).expect("checks");
        let csv = format!("entity,year,indicator,value,unit\n县,2025,x,{wan},万元\n");
        let mut data = plancheck::data::Submission::default();
        let _ = plancheck::data::read_bytes("d.csv", csv.as_bytes(), &rule_set.schema(), &mut session.sources, &mut data);
        let findings = session.evaluate(&rule_set, &data, &["县".to_string()]);
        let in_wan: Vec<(i32, Outcome)> = findings.iter().map(|f| (f.year, f.outcome)).collect();
        prop_assert_eq!(in_yi, in_wan);
        let actual = findings.first().and_then(|f| f.actual.as_deref()).and_then(|a| a.parse::<Decimal>().ok());
        prop_assert_eq!(actual, Some(value));
    }

    /// Converting there and back is the identity, for every pair of units of one dimension.
    #[test]
    fn conversion_round_trips(value in decimal()) {
        for (a, b) in [("亿元", "万元"), ("元", "亿元"), ("吨", "万吨"), ("平方公里", "公顷"), ("吨标准煤/万元", "吨标准煤/亿元")] {
            let (ua, ub) = (parse_unit(a).expect("unit"), parse_unit(b).expect("unit"));
            if let Some(there) = ua.convert(value, &ub) {
                prop_assert_eq!(ub.convert(there, &ua), Some(value.normalize()), "{} {} {}", value, a, b);
            }
        }
    }

    /// The findings do not depend on the order of the rows.
    #[test]
    fn order_of_rows_does_not_matter(values in proptest::collection::vec(decimal(), 6), seed in any::<u64>()) {
        let rows: Vec<(i32, String)> = values.iter().zip(2020..).map(|(v, y)| (y, v.to_string())).collect();
        let mut shuffled = rows.clone();
        // A deterministic shuffle from the seed: proptest shrinks it like any input.
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let check = "each year 2021..2025: x < x[year - 1]";
        prop_assert_eq!(decide(check, "亿元", &rows), decide(check, "亿元", &shuffled));
    }

    /// Nor on which file a row comes in, or the order the files are read in.
    #[test]
    fn order_of_files_does_not_matter(values in proptest::collection::vec(decimal(), 6), in_first in proptest::collection::vec(any::<bool>(), 6)) {
        let rows: Vec<(i32, String)> = values.iter().zip(2020..).map(|(v, y)| (y, v.to_string())).collect();
        let (first, second): (Vec<_>, Vec<_>) = rows.iter().cloned().zip(&in_first).partition(|(_, first)| **first);
        let first: Vec<_> = first.into_iter().map(|(row, _)| row).collect();
        let second: Vec<_> = second.into_iter().map(|(row, _)| row).collect();
        for check in ["each year 2021..2025: x < x[year - 1]", "by 2025: sum(x[2021..2025]) >= 1000亿元"] {
            let one_file = decide(check, "亿元", &rows);
            prop_assert_eq!(&decide_files(check, "亿元", &[first.clone(), second.clone()]), &one_file);
            prop_assert_eq!(&decide_files(check, "亿元", &[second.clone(), first.clone()]), &one_file);
        }
    }
}
