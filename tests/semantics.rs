//! The verdicts at every boundary, decided through the library as the CLI does.
//! Each case is small data against the real Jianwei rule set or a tiny rule.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

use plancheck::eval::{Finding, Outcome};
use plancheck::session::{Entities, Session};
use std::path::PathBuf;

const HEADER: &str = "entity,year,indicator,value,unit\n";

/// Decides `rules` (a path, or rule text when it contains `{`) on CSV files given as (name, text).
fn decide(rules: &str, files: &[(&str, &str)]) -> Vec<Finding> {
    let mut session = Session::new();
    let rule_set = if rules.contains('{') {
        session.check_rule_texts(vec![("rules.pcl".to_string(), rules.to_string())])
    } else {
        session.load_rules(&[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rules)])
    };
    let rule_set =
        rule_set.unwrap_or_else(|| panic!("rules do not check: {:#?}", session.problems));
    let schema = rule_set.schema();
    let mut data = plancheck::data::Submission::default();
    for (name, text) in files {
        let problems = plancheck::data::read_bytes(
            name,
            text.as_bytes(),
            &schema,
            &mut session.sources,
            &mut data,
        );
        assert!(
            problems.iter().all(|p| !p.is_error()),
            "data problems: {problems:#?}"
        );
    }
    let entities = session.entities(&Entities::Default, &rule_set, &data);
    session.evaluate(&rule_set, &data, &entities)
}

fn jianwei(csv: &str) -> Vec<Finding> {
    decide("rules/jianwei", &[("data.csv", &format!("{HEADER}{csv}"))])
}

fn outcome(findings: &[Finding], rule: &str, year: i32) -> Outcome {
    findings
        .iter()
        .find(|f| f.rule == rule && f.year == year)
        .unwrap_or_else(|| panic!("no finding for {rule} {year}: {findings:#?}"))
        .outcome
}

fn years(findings: &[Finding], rule: &str) -> Vec<(i32, Outcome)> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| (f.year, f.outcome))
        .collect()
}

#[test]
fn yishang_includes_the_bound() {
    for (value, expected) in [
        ("85", Outcome::Pass),
        ("85.0", Outcome::Pass),
        ("85.00", Outcome::Pass),
        ("84.99", Outcome::Fail),
        ("85.01", Outcome::Pass),
    ] {
        let f = jianwei(&format!("犍为县,2025,industrial_concentration,{value},%\n"));
        assert_eq!(
            outcome(&f, "industrial-concentration-2025", 2025),
            expected,
            "{value}"
        );
    }
}

#[test]
fn chaoguo_excludes_the_bound_with_exact_sums() {
    // 0.1 + 0.2 style sums: these add to exactly 1000.00 in decimals, not in binary floats.
    let five = |values: [&str; 5]| {
        values
            .iter()
            .zip(2021..)
            .map(|(v, y)| format!("犍为县,{y},fixed_asset_investment,{v},亿元\n犍为县,{y},investment_attracted,{v},亿元\n"))
            .collect::<String>()
    };
    let exact = jianwei(&five(["200.10", "199.90", "200.30", "199.70", "200.00"]));
    assert_eq!(
        outcome(&exact, "investment-cumulative", 2025),
        Outcome::Fail
    );
    assert_eq!(
        outcome(&exact, "investment-attracted-cumulative", 2025),
        Outcome::Pass
    );
    let f = exact
        .iter()
        .find(|f| f.rule == "investment-cumulative")
        .unwrap();
    assert_eq!(f.actual.as_deref(), Some("1000.00"));
    assert_eq!(f.expected.as_deref(), Some("> 1000"));
    let above = jianwei(&five(["200.10", "199.90", "200.30", "199.70", "200.01"]));
    assert_eq!(
        outcome(&above, "investment-cumulative", 2025),
        Outcome::Pass
    );
    let below = jianwei(&five(["200.10", "199.90", "200.30", "199.70", "199.99"]));
    assert_eq!(
        outcome(&below, "investment-attracted-cumulative", 2025),
        Outcome::Fail
    );
}

#[test]
fn a_sum_with_a_missing_year_is_missing() {
    let f = jianwei(
        "犍为县,2021,fixed_asset_investment,500,亿元\n犍为县,2022,fixed_asset_investment,600,亿元\n犍为县,2024,fixed_asset_investment,,亿元\n犍为县,2025,fixed_asset_investment,100,亿元\n",
    );
    assert_eq!(outcome(&f, "investment-cumulative", 2025), Outcome::Missing);
}

#[test]
fn values_in_other_units_convert_exactly() {
    for (value, unit, expected) in [
        ("200000", "万元", Outcome::Pass),
        ("199999.99", "万元", Outcome::Fail),
        ("2000000000", "元", Outcome::Pass),
        ("20", "亿元", Outcome::Pass),
    ] {
        let f = jianwei(&format!("犍为县,2025,budget_revenue,{value},{unit}\n"));
        assert_eq!(
            outcome(&f, "budget-revenue-2025", 2025),
            expected,
            "{value}{unit}"
        );
    }
    let area =
        jianwei("犍为县,2025,park_developed_area,30,km²\n犍为县,2025,built_up_area,50,km2\n");
    assert_eq!(outcome(&area, "park-area-2025", 2025), Outcome::Pass);
    assert_eq!(outcome(&area, "built-up-area-2025", 2025), Outcome::Pass);
    let counts = jianwei("犍为县,2025,park_enterprises,100,家\n");
    assert_eq!(
        outcome(&counts, "park-enterprises-2025", 2025),
        Outcome::Pass
    );
}

#[test]
fn missing_is_never_pass_or_fail() {
    let f = jianwei("犍为县,2025,industrial_concentration,,%\n");
    assert_eq!(
        outcome(&f, "industrial-concentration-2025", 2025),
        Outcome::Missing
    );
    assert_eq!(outcome(&f, "gdp-2025", 2025), Outcome::Missing);
}

#[test]
fn a_standstill_is_not_a_fall() {
    let f = jianwei(
        "犍为县,2020,energy_per_gdp,0.70,吨标准煤/万元\n犍为县,2021,energy_per_gdp,0.70,吨标准煤/万元\n犍为县,2022,energy_per_gdp,0.69,吨标准煤/万元\n犍为县,2024,energy_per_gdp,0.68,吨标准煤/万元\n犍为县,2025,energy_per_gdp,0.681,吨标准煤/万元\n",
    );
    assert_eq!(
        years(&f, "energy-intensity-falling"),
        [
            (2021, Outcome::Fail),
            (2022, Outcome::Pass),
            (2023, Outcome::Missing),
            (2024, Outcome::Missing),
            (2025, Outcome::Fail)
        ]
    );
}

#[test]
fn income_ratio_ties_are_not_a_narrowing() {
    let f = jianwei(
        "犍为县,2020,urban_income,46000,元\n犍为县,2020,rural_income,20000,元\n犍为县,2021,urban_income,48300,元\n犍为县,2021,rural_income,21000,元\n犍为县,2022,urban_income,4.9,万元\n犍为县,2022,rural_income,21500,元\n犍为县,2023,urban_income,50000,元\n犍为县,2023,rural_income,21500,元\n犍为县,2024,urban_income,50000,元\n犍为县,2024,rural_income,21500,元\n犍为县,2025,urban_income,50000,元\n犍为县,2025,rural_income,0,元\n",
    );
    assert_eq!(
        years(&f, "income-gap-narrowing"),
        [
            (2021, Outcome::Fail),
            (2022, Outcome::Pass),
            (2023, Outcome::Fail),
            (2024, Outcome::Fail),
            (2025, Outcome::Missing)
        ]
    );
}

#[test]
fn income_may_trail_growth_by_exactly_one_point() {
    let f = jianwei(
        "犍为县,2021,gdp_growth,8.0,%\n犍为县,2021,disposable_income_growth,7.0,%\n犍为县,2022,gdp_growth,8.0,%\n犍为县,2022,disposable_income_growth,6.9,%\n犍为县,2023,gdp_growth,8.0,%\n犍为县,2025,gdp_growth,5.0,%\n犍为县,2025,disposable_income_growth,9,%\n",
    );
    let yearly = years(&f, "income-tracks-gdp");
    assert_eq!(yearly[0], (2021, Outcome::Pass));
    assert_eq!(yearly[1], (2022, Outcome::Fail));
    assert_eq!(yearly[2], (2023, Outcome::Missing));
    assert_eq!(yearly[4], (2025, Outcome::Pass));
    let first = f.iter().find(|f| f.rule == "income-tracks-gdp").unwrap();
    assert_eq!(first.expected.as_deref(), Some(">= 7.0"));
}

#[test]
fn growth_must_exceed_the_reference_entity_strictly() {
    let f = jianwei(
        "犍为县,2021,gdp_growth,8.2,%\n乐山市,2021,gdp_growth,8.2,%\n犍为县,2022,gdp_growth,3.9,%\n乐山市,2022,gdp_growth,3.8,%\n犍为县,2023,gdp_growth,6.0,%\n犍为县,2025,gdp_growth,6.0,%\n",
    );
    assert_eq!(
        years(&f, "gdp-growth-above-city")[..3],
        [
            (2021, Outcome::Fail),
            (2022, Outcome::Pass),
            (2023, Outcome::Missing)
        ]
    );
}

#[test]
fn titles_are_flags_in_chinese_or_english() {
    let f = jianwei(
        "犍为县,2021,major_grain_county,是,\n犍为县,2022,major_grain_county,否,bool\n犍为县,2023,major_grain_county,true,\n犍为县,2024,major_grain_county,FALSE,\n犍为县,2025,major_grain_county,,\n",
    );
    assert_eq!(
        years(&f, "grain-county-title"),
        [
            (2021, Outcome::Pass),
            (2022, Outcome::Fail),
            (2023, Outcome::Pass),
            (2024, Outcome::Fail),
            (2025, Outcome::Missing)
        ]
    );
}

#[test]
fn enterprise_tiers_are_bands_and_exactly_100_is_the_top_tier() {
    let rows = "entity,year,enterprise_id,name,revenue(万元)\n犍为县,2025,E1,甲,1000000\n犍为县,2025,E2,乙,999999.99\n犍为县,2025,E3,丙,500000\n犍为县,2025,E4,丁,300000\n犍为县,2025,E5,戊,50000\n";
    let f = decide(
        "rules/jianwei",
        &[
            ("data.csv", &format!("{HEADER}犍为县,2025,gdp,400,亿元\n")),
            ("enterprises.csv", rows),
        ],
    );
    let count = |rule: &str| {
        f.iter()
            .find(|x| x.rule == rule)
            .and_then(|x| x.actual.clone())
    };
    assert_eq!(count("enterprise-tier-100").as_deref(), Some("1"));
    assert_eq!(count("enterprise-tier-50").as_deref(), Some("2"));
    assert_eq!(count("enterprise-tier-30").as_deref(), Some("1"));
    assert_eq!(count("enterprise-tier-10").as_deref(), Some("0"));
    assert_eq!(count("enterprise-tier-5").as_deref(), Some("1"));
    assert_eq!(outcome(&f, "enterprise-tier-50", 2025), Outcome::Pass);
    assert_eq!(outcome(&f, "enterprise-tier-30", 2025), Outcome::Fail);
}

#[test]
fn no_enterprise_rows_for_the_year_is_missing_not_zero() {
    let rows = "entity,year,enterprise_id,name,revenue(亿元)\n犍为县,2024,E1,甲,120\n";
    let f = decide(
        "rules/jianwei",
        &[
            ("data.csv", &format!("{HEADER}犍为县,2025,gdp,400,亿元\n")),
            ("enterprises.csv", rows),
        ],
    );
    assert_eq!(outcome(&f, "enterprise-tier-100", 2025), Outcome::Missing);
}

#[test]
fn progress_on_the_path_is_on_track_and_below_it_at_risk() {
    // The straight path from 230 (2020) to 400 (2025) stands at 332 in 2023.
    for (value, expected) in [
        ("332", Outcome::OnTrack),
        ("331.99", Outcome::AtRisk),
        ("350", Outcome::OnTrack),
    ] {
        let f = jianwei(&format!(
            "犍为县,2020,gdp,230,亿元\n犍为县,2023,gdp,{value},亿元\n"
        ));
        assert_eq!(outcome(&f, "gdp-2025", 2023), expected, "{value}");
    }
}

#[test]
fn progress_uses_the_plans_base_when_the_data_has_none() {
    // urbanization_rate is declared with `base 44`: the path to 60 stands at 53.6 in 2023.
    let f = jianwei("犍为县,2023,urbanization_rate,53.6,%\n");
    let finding = f.iter().find(|f| f.rule == "urbanization-2025").unwrap();
    assert_eq!(finding.outcome, Outcome::OnTrack);
    assert_eq!(
        finding
            .progress
            .as_ref()
            .map(|p| p.path.to_string())
            .as_deref(),
        Some("53.6")
    );
}

#[test]
fn progress_reads_the_latest_value_at_its_own_year() {
    let f =
        jianwei("犍为县,2020,gdp,230,亿元\n犍为县,2022,gdp,298,亿元\n犍为县,2023,gdp_growth,6,%\n");
    let finding = f.iter().find(|f| f.rule == "gdp-2025").unwrap();
    // 2022 is the latest gdp; the path there is 230 + 170 × 2/5 = 298.
    assert_eq!((finding.year, finding.outcome), (2022, Outcome::OnTrack));
}

#[test]
fn a_cumulative_target_is_held_against_its_share() {
    let rows = "犍为县,2021,fixed_asset_investment,200,亿元\n犍为县,2022,fixed_asset_investment,200,亿元\n犍为县,2023,fixed_asset_investment,200,亿元\n";
    let f = jianwei(rows);
    let finding = f
        .iter()
        .find(|f| f.rule == "investment-cumulative")
        .unwrap();
    // 3 of 5 years: 600 against 3/5 of 1000 is on the path, which is on track.
    assert_eq!((finding.year, finding.outcome), (2023, Outcome::OnTrack));
    let short = jianwei(&rows.replace(
        "2023,fixed_asset_investment,200",
        "2023,fixed_asset_investment,199.99",
    ));
    assert_eq!(
        outcome(&short, "investment-cumulative", 2023),
        Outcome::AtRisk
    );
    let gap = jianwei(&rows.replace(
        "2022,fixed_asset_investment,200",
        "2022,fixed_asset_investment,",
    ));
    assert_eq!(
        outcome(&gap, "investment-cumulative", 2023),
        Outcome::Missing
    );
}

#[test]
fn years_after_the_submission_are_not_yet_due() {
    let f = jianwei(
        "犍为县,2020,energy_per_gdp,0.7,吨标准煤/万元\n犍为县,2021,energy_per_gdp,0.69,吨标准煤/万元\n犍为县,2022,energy_per_gdp,0.68,吨标准煤/万元\n",
    );
    assert_eq!(
        years(&f, "energy-intensity-falling"),
        [(2021, Outcome::Pass), (2022, Outcome::Pass)]
    );
}

#[test]
fn kleene_logic_a_known_false_decides_and() {
    let rules = r#"plan "t" { entity 县 period 2021..2025 base 2020 }
indicator a "甲" %
indicator b "乙" %
rule both { cite §1 "两者" expected by 2025: a >= 50% and b >= 50% }
rule either { cite §1 "其一" expected by 2025: a >= 50% or b >= 50% }
"#;
    let only_low_a = decide(rules, &[("d.csv", &format!("{HEADER}县,2025,a,10,%\n"))]);
    assert_eq!(outcome(&only_low_a, "both", 2025), Outcome::Fail);
    assert_eq!(outcome(&only_low_a, "either", 2025), Outcome::Missing);
    let only_high_a = decide(rules, &[("d.csv", &format!("{HEADER}县,2025,a,90,%\n"))]);
    assert_eq!(outcome(&only_high_a, "both", 2025), Outcome::Missing);
    assert_eq!(outcome(&only_high_a, "either", 2025), Outcome::Pass);
}

#[test]
fn the_outcome_does_not_depend_on_the_order_of_rows_or_files() {
    let a = "犍为县,2020,gdp,230,亿元\n犍为县,2025,gdp,402,亿元\n";
    let b = "犍为县,2025,industrial_concentration,86,%\n乐山市,2025,gdp_growth,6,%\n犍为县,2025,gdp_growth,7,%\n";
    let key = |fs: Vec<Finding>| {
        fs.into_iter()
            .map(|f| (f.rule, f.year, f.outcome, f.actual))
            .collect::<Vec<_>>()
    };
    let one = key(decide(
        "rules/jianwei",
        &[
            ("a.csv", &format!("{HEADER}{a}")),
            ("b.csv", &format!("{HEADER}{b}")),
        ],
    ));
    let reversed_rows: String = b.lines().rev().map(|l| format!("{l}\n")).collect();
    let two = key(decide(
        "rules/jianwei",
        &[
            ("b.csv", &format!("{HEADER}{reversed_rows}")),
            ("a.csv", &format!("{HEADER}{a}")),
        ],
    ));
    assert_eq!(one, two);
}

/// A small plan with the constructs of the national outline.
const COMPOUNDING: &str = r#"plan "t" { entity 国 period 2021..2025 base 2020 }
indicator energy_cut "单位GDP能源消耗降低" %
indicator rd_growth "研发经费投入增长" %
indicator life "人均预期寿命" 岁 base 77.3 in 2019
indicator urban "常住人口城镇化率" % base 60.6 in 2019
rule energy { cite §3 "〔13.5〕" binding by 2025: product(1 - energy_cut[2021..2025] / 100%) <= 1 - 13.5% / 100% }
rule rd { cite §3 ">7" expected by 2025: product(1 + rd_growth[2021..2025] / 100%) > 1.07 ^ 5 }
rule life-plus-one { cite §3 "〔1〕" expected by 2025: life >= life[2019] + 1岁 }
rule urban-2025 { cite §3 "65" expected by 2025: urban >= 65% }
"#;

fn national_like(rows: &str) -> Vec<Finding> {
    decide(COMPOUNDING, &[("d.csv", &format!("{HEADER}{rows}"))])
}

fn five(indicator: &str, values: [&str; 5]) -> String {
    values
        .iter()
        .zip(2021..)
        .map(|(v, y)| format!("国,{y},{indicator},{v},%\n"))
        .collect()
}

#[test]
fn yearly_reductions_compound_and_exactly_the_target_meets_it() {
    // (1 - 0.135) × 1 × 1 × 1 × 1 is exactly 0.865.
    let exact = national_like(&five("energy_cut", ["13.5", "0", "0", "0", "0"]));
    assert_eq!(outcome(&exact, "energy", 2025), Outcome::Pass);
    let short = national_like(&five("energy_cut", ["13.49", "0", "0", "0", "0"]));
    assert_eq!(outcome(&short, "energy", 2025), Outcome::Fail);
    // Five yearly cuts of 2.7% add to 13.5 but compound to only 12.79%: not enough.
    let added = national_like(&five("energy_cut", ["2.7", "2.7", "2.7", "2.7", "2.7"]));
    assert_eq!(outcome(&added, "energy", 2025), Outcome::Fail);
    let f = added.iter().find(|f| f.rule == "energy").unwrap();
    assert_eq!(f.actual.as_deref(), Some("0.872095812856093")); // 0.973^5, exact
}

#[test]
fn a_whole_power_is_exact_and_more_than_excludes_it() {
    let seven = national_like(&five("rd_growth", ["7", "7", "7", "7", "7"]));
    assert_eq!(outcome(&seven, "rd", 2025), Outcome::Fail);
    let f = seven.iter().find(|f| f.rule == "rd").unwrap();
    assert_eq!(f.expected.as_deref(), Some("> 1.4025517307"));
    let a_bit_more = national_like(&five("rd_growth", ["7", "7", "7", "7", "7.01"]));
    assert_eq!(outcome(&a_bit_more, "rd", 2025), Outcome::Pass);
}

#[test]
fn a_base_given_for_2019_is_read_when_the_data_lacks_2019() {
    let f = national_like("国,2025,life,78.3,岁\n");
    assert_eq!(outcome(&f, "life-plus-one", 2025), Outcome::Pass);
    let f = national_like("国,2025,life,78.2,岁\n");
    assert_eq!(outcome(&f, "life-plus-one", 2025), Outcome::Fail);
    // A reported 2019 value is the data's word, not the plan's.
    let f = national_like("国,2019,life,77.5,岁\n国,2025,life,78.3,岁\n");
    assert_eq!(outcome(&f, "life-plus-one", 2025), Outcome::Fail);
}

#[test]
fn progress_runs_from_a_2019_base() {
    // The path from 60.6 in 2019 to 65 in 2025 stands at 60.6 + 4.4 × 4/6 ≈ 63.53 in 2023.
    let behind = national_like("国,2023,urban,63.5,%\n");
    assert_eq!(outcome(&behind, "urban-2025", 2023), Outcome::AtRisk);
    let f = behind.iter().find(|f| f.rule == "urban-2025").unwrap();
    assert_eq!(f.progress.as_ref().map(|p| p.base_year), Some(2019));
    let ahead = national_like("国,2023,urban,63.6,%\n");
    assert_eq!(outcome(&ahead, "urban-2025", 2023), Outcome::OnTrack);
}

#[test]
fn a_product_before_its_deadline_is_held_against_the_compounded_share() {
    // After 3 of 5 years the path is 0.865^(3/5) ≈ 0.9167.
    let rows = |cut: &str| {
        (2021..=2023)
            .map(|y| format!("国,{y},energy_cut,{cut},%\n"))
            .collect::<String>()
    };
    let on = national_like(&rows("2.9")); // 0.971^3 ≈ 0.9155
    assert_eq!(outcome(&on, "energy", 2023), Outcome::OnTrack);
    let behind = national_like(&rows("2.8")); // 0.972^3 ≈ 0.9183
    assert_eq!(outcome(&behind, "energy", 2023), Outcome::AtRisk);
    let f = behind.iter().find(|f| f.rule == "energy").unwrap();
    assert_eq!(f.progress.as_ref().and_then(|p| p.share), Some((3, 5)));
}

/// A table declared `complete` lists every record: no rows is zero rows, so a count
/// target fails; without `complete`, no rows is a gap and the finding is missing.
#[test]
fn a_complete_table_without_rows_counts_zero() {
    let rules = |complete: &str| {
        format!(
            "plan \"p\" {{ entity A period 2021..2025 base 2020 }}\n\
             table enterprises \"企业\" {complete} {{ revenue 亿元 }}\n\
             rule big {{ cite §1 \"x\" expected by 2025: count(enterprises where revenue >= 100亿元) >= 1 }}\n\
             rule top {{ cite §1 \"x\" expected by 2025: max(enterprises.revenue) >= 100亿元 }}\n"
        )
    };
    let rows = [("enterprises.csv", "entity,year,revenue\nB,2025,120\n")];
    let open = decide(&rules(""), &rows);
    assert_eq!(outcome(&open, "big", 2025), Outcome::Missing);
    let complete = decide(&rules("complete"), &rows);
    assert_eq!(outcome(&complete, "big", 2025), Outcome::Fail);
    // The largest of no rows is still undefined.
    assert_eq!(outcome(&complete, "top", 2025), Outcome::Missing);
}
