//! A check expression plus arbitrary data, through the whole `check` pipeline
//! and every report format: nothing may panic or hang.
//!
//! The input is `EXPR \n===\n LONG CSV \n===\n RECORD CSV`. Arbitrary rule text
//! almost never checks, which left evaluation and the reports unfuzzed; so the
//! plan, indicators and rule skeletons are fixed and only the expression varies,
//! and when it does not check, the fixed rules still judge the fuzzed data.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plancheck::check::RuleSet;
use plancheck::report;
use plancheck::session::{Entities, Session, Silent};

const PRELUDE: &str = "plan \"f\" { entity 县 period 2021..2025 base 2020 reference 市 }
indicator a \"甲\" % base 80
indicator b \"乙\" 亿元
indicator f \"旗\" bool
table t \"表\" { v 亿元 n text }
rule fixed-deadline { cite §1 \"到2025年甲达到85%以上\" binding by 2025: a >= 85% and b > b[base] * 1.07 ^ 5 }
rule fixed-yearly { cite §2 \"乙年均增长7%\" expected each year 2021..2025: growth(b) >= 7% or 市.a < a tolerance 1个百分点 }
rule fixed-table { cite §3 \"百亿企业1户以上\" strive by 2025: count(t where v >= 100亿元) >= 1 and f }
rule fixed-quality { cite \"甲在0到100之间\" expected quality each year 2020..2025, each x in [a]: x >= 0% and x <= 100% }
";

fn fuzzed_rules(expr: &str) -> String {
    format!(
        "{PRELUDE}rule fuzzed-deadline {{ cite §4 \"引文\" binding by 2025: {expr}\n}}\nrule fuzzed-yearly {{ cite §5 \"引文\" expected each year 2021..2025: {expr}\n}}\n"
    )
}

fn check(text: String) -> Option<(Session, RuleSet)> {
    let mut session = Session::new();
    let rules = session.check_rule_texts(vec![("r.pcl".to_string(), text)])?;
    Some((session, rules))
}

/// Splits at the first `\n===\n`; bytes stay bytes, so the data may be GBK or broken.
fn split(input: &[u8]) -> (&[u8], &[u8]) {
    const SEPARATOR: &[u8] = b"\n===\n";
    match input.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        Some(at) => (&input[..at], &input[at + SEPARATOR.len()..]),
        None => (input, &[]),
    }
}

fuzz_target!(|input: &[u8]| {
    let (expr, rest) = split(input);
    let (long, records) = split(rest);
    let expr = String::from_utf8_lossy(expr);
    let Some((mut session, rule_set)) =
        check(fuzzed_rules(&expr)).or_else(|| check(PRELUDE.to_string()))
    else {
        panic!("the fixed rules no longer check");
    };
    let schema = rule_set.schema();
    let mut data = plancheck::data::Submission::default();
    let _ = plancheck::data::read_bytes("d.csv", long, &schema, &mut session.sources, &mut data);
    let _ = plancheck::data::read_bytes("t.csv", records, &schema, &mut session.sources, &mut data);
    let base = std::path::Path::new(".");
    for which in [Entities::Default, Entities::All] {
        let entities = session.entities(&which, &rule_set, &data);
        let verdicts = session.verdicts(&rule_set, &data, &entities, &Silent);
        let _ = report::jsonl::render(&verdicts, &rule_set, &entities, true);
        let findings = session.evaluate(&rule_set, &data, &entities);
        let _ = report::json::render(&findings, &session.sources);
        let _ = report::sarif::render(&findings, &rule_set, &session.sources, base);
        let _ = report::junit::render(&findings, &rule_set, &session.sources, base);
        let _ = report::github::render(&findings, &rule_set, &session.sources, base);
        let _ = report::markdown::render(&findings, &rule_set, &session.sources, base);
        let options = report::human::Options {
            color: false,
            show_passes: true,
        };
        let _ = report::human::render_findings(&findings, &rule_set, &session.sources, options);
    }
});
