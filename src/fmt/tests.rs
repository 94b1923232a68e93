use super::*;

fn fmt(text: &str) -> String {
    match format_text(0, text) {
        Ok(out) => out,
        Err(problems) => panic!("{problems:#?}"),
    }
}

#[test]
fn a_rule_on_one_line_is_laid_out() {
    let out =
        fmt("rule a { cite §7 \"到2025年工业集中度提高到85%以上\" expected by 2025：x ≥ 85 ％ }");
    assert_eq!(
        out,
        "rule a {\n    cite §7 \"到2025年工业集中度提高到85%以上\"\n    expected\n    by 2025: x >= 85％\n}\n"
    );
}

#[test]
fn every_comment_is_kept_where_it_belongs() {
    let text = "# header\n\n# about the plan\nplan \"p\" {  # the plan\n  entity 县   # who\n\n  # when\n  period 2021..2025\n  base 2020\n  # nothing after\n}  # end of plan\n# §6\nindicator gdp \"地区生产总值\" 亿元 base 230  # 2020\nindicator x \"甲\" %\n\n\n\nindicator y \"乙\" %\n# at the end\n";
    let expected = "# header\n\n# about the plan\nplan \"p\" {  # the plan\n    entity 县  # who\n\n    # when\n    period 2021..2025\n    base 2020\n    # nothing after\n}  # end of plan\n\n# §6\nindicator gdp \"地区生产总值\" 亿元 base 230  # 2020\nindicator x \"甲\" %\n\nindicator y \"乙\" %\n# at the end\n";
    assert_eq!(fmt(text), expected);
    assert_eq!(fmt(expected), expected);
}

#[test]
fn a_comment_inside_an_expression_moves_above_its_field() {
    let text = "rule a {\n    by 2025: x >= 1 # one\n        and y >= 2 # two\n}\n";
    assert_eq!(
        fmt(text),
        "rule a {\n    # one\n    by 2025: x >= 1 and y >= 2  # two\n}\n"
    );
}

#[test]
fn parentheses_come_back_where_the_meaning_needs_them() {
    for (written, canonical) in [
        ("a - (b - c) >= 1", "a - (b - c) >= 1"),
        ("(a - b) - c >= 1", "a - b - c >= 1"),
        ("a / (b * c) >= 1", "a / (b * c) >= 1"),
        ("-(a + b) >= 1", "-(a + b) >= 1"),
        ("(-2) ^ 2 >= x", "(-2) ^ 2 >= x"),
        ("-2 ^ 2 >= x", "-2 ^ 2 >= x"),
        ("(2 ^ 3) ^ 2 >= x", "(2 ^ 3) ^ 2 >= x"),
        ("2 ^ 3 ^ 2 >= x", "2 ^ 3 ^ 2 >= x"),
        ("not x >= 1", "not (x >= 1)"),
        (
            "a >= 1 and b >= 1 or c >= 1",
            "(a >= 1 and b >= 1) or c >= 1",
        ),
        (
            "a >= 1 and (b >= 1 or c >= 1)",
            "a >= 1 and (b >= 1 or c >= 1)",
        ),
        ("(x >= 1) == true", "(x >= 1) == true"),
        ("x[year-1] >= x[ year +2 ]", "x[year - 1] >= x[year + 2]"),
        (
            "sum( 乐山市.gdp[2021..2025] ) > 1000 亿元",
            "sum(乐山市.gdp[2021..2025]) > 1000亿元",
        ),
        (
            "count(t where r >= 5亿元 and r < 10亿元) >= 10",
            "count(t where r >= 5亿元 and r < 10亿元) >= 10",
        ),
        ("a >= b tolerance 1个百分点", "a >= b tolerance 1个百分点"),
        ("\"and\" >= 85.0%", "\"and\" >= 85.0%"),
    ] {
        let out = fmt(&format!("rule r {{ by 2025: {written} }}"));
        assert_eq!(
            out,
            format!("rule r {{\n    by 2025: {canonical}\n}}\n"),
            "{written}"
        );
    }
}

#[test]
fn a_long_list_of_indicators_is_one_a_line() {
    let names: Vec<String> = (0..12).map(|i| format!("indicator_number_{i}")).collect();
    let text = format!(
        "rule r {{ each year 2021..2025, each x in [{}]: present(x) }}",
        names.join(",")
    );
    let out = fmt(&text);
    assert!(
        out.contains("each x in [\n        indicator_number_0,\n"),
        "{out}"
    );
    assert!(
        out.contains("        indicator_number_11,\n    ]: present(x)\n"),
        "{out}"
    );
    assert_eq!(fmt(&out), out);
}

#[test]
fn a_file_with_syntax_errors_is_not_formatted() {
    let Err(problems) = format_text(0, "rule a { by 2025 x >= 1 }") else {
        panic!("formatted a broken file");
    };
    assert_eq!(problems[0].code, "syntax");
}

#[test]
fn check_mode_shows_a_unified_diff() {
    let diff = unified_diff(
        "a.pcl",
        "rule a { expected }\n",
        "rule a {\n    expected\n}\n",
    );
    assert!(
        diff.starts_with("--- a.pcl\n+++ a.pcl (formatted)\n@@"),
        "{diff}"
    );
    assert!(
        diff.contains("-rule a { expected }\n+rule a {\n+    expected\n+}\n"),
        "{diff}"
    );
}

#[test]
fn writing_replaces_the_file_whole() {
    let dir = std::env::temp_dir().join(format!("plancheck-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("a.pcl");
    std::fs::write(&path, "old").unwrap();
    write_atomically(&path, "new\n").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    std::fs::remove_dir_all(&dir).unwrap();
}
