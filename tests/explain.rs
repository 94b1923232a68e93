//! `plancheck explain`: every check form of the rule sets in plain Chinese and English.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

mod common;

use common::run;

/// One rule of each form Jianwei uses: 以上 and 超过 against constants, sums over spans,
/// a reference entity, a tolerance, a ratio against the year before, table counts in bands,
/// flags, a fall every year, and the each-x quality forms.
const JIANWEI_FORMS: [&str; 12] = [
    "industrial-concentration-2025",
    "investment-cumulative",
    "investment-attracted-cumulative",
    "gdp-growth-above-city",
    "income-tracks-gdp",
    "income-gap-narrowing",
    "enterprise-tier-50",
    "grain-county-title",
    "energy-intensity-falling",
    "gdp-rank-up",
    "dq-share-range",
    "dq-required",
];

#[test]
fn jianwei_forms_in_english() {
    let mut args = vec!["explain", "--rules", "rules/jianwei", "--lang", "en"];
    args.extend(JIANWEI_FORMS);
    insta::assert_snapshot!(run(&args));
}

#[test]
fn jianwei_forms_in_chinese() {
    let mut args = vec!["explain", "--rules", "rules/jianwei", "--lang", "zh"];
    args.extend(JIANWEI_FORMS);
    insta::assert_snapshot!(run(&args));
}

#[test]
fn both_languages_by_default() {
    insta::assert_snapshot!(run(&[
        "explain",
        "industrial-concentration-2025",
        "--rules",
        "rules/jianwei"
    ]));
}

#[test]
fn an_unknown_rule_is_named_with_a_suggestion() {
    insta::assert_snapshot!(run(&[
        "explain",
        "industrial-concentraton-2025",
        "--rules",
        "rules/jianwei"
    ]));
}

/// The national outline's forms: compounding products, a whole power, a 2019 base, a yearly
/// target of its own, and a bound every year.
#[test]
fn national_forms_in_both_languages() {
    insta::assert_snapshot!(run(&[
        "explain",
        "energy-intensity-cumulative",
        "rd-spending-growth",
        "life-expectancy",
        "urbanization-2025",
        "gdp-growth",
        "unemployment",
        "grain-capacity-2025",
        "--rules",
        "rules/national"
    ]));
}
