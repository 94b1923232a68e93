use super::*;

fn parse_ok(text: &str) -> RuleFile {
    let parsed = parse(0, text);
    assert!(parsed.errors.is_empty(), "{:#?}", parsed.errors);
    parsed.file
}

fn rule_check(text: &str) -> Check {
    let file = parse_ok(text);
    let Some(Item::Rule(rule)) = file.items.into_iter().next().map(|item| item.node) else {
        panic!("not a rule");
    };
    rule.fields
        .into_iter()
        .find_map(|f| match f.node {
            RuleField::Check(c) => Some(c),
            _ => None,
        })
        .expect("a check")
}

#[test]
fn parses_the_example_rule() {
    let check = rule_check(
        "rule industrial-concentration-2025 {\n    cite §7 \"到2025年工业集中度提高到85%以上\"\n    expected\n    by 2025: industrial_concentration >= 85%\n}\n",
    );
    let Check::By { year, expr } = check else {
        panic!()
    };
    assert_eq!(year.node, 2025);
    let ExprKind::Compare { op, rhs, .. } = &expr.node else {
        panic!()
    };
    assert_eq!(op.node, CmpOp::Ge);
    let ExprKind::Number { value, unit } = &rhs.node else {
        panic!()
    };
    assert_eq!(value.to_string(), "85");
    assert_eq!(unit.as_ref().map(|u| u.node.as_str()), Some("%"));
}

#[test]
fn full_width_operators_and_units_are_accepted() {
    let check = rule_check("rule a { by 2025： x ≥ 85％ }");
    let Check::By { expr, .. } = check else {
        panic!()
    };
    let ExprKind::Compare { op, rhs, .. } = &expr.node else {
        panic!()
    };
    assert_eq!(op.node, CmpOp::Ge);
    let ExprKind::Number { unit, .. } = &rhs.node else {
        panic!()
    };
    assert_eq!(unit.as_ref().map(|u| u.node.as_str()), Some("％"));
}

#[test]
fn units_after_a_space_and_compound_chinese_units() {
    for (text, unit) in [
        ("x >= 400 亿元", "亿元"),
        ("x >= 1000亿元", "亿元"),
        ("x >= 30平方公里", "平方公里"),
        ("x >= gdp_growth - 1个百分点", "个百分点"),
    ] {
        let check = rule_check(&format!("rule a {{ by 2025: {text} }}"));
        let Check::By { expr, .. } = check else {
            panic!()
        };
        let ExprKind::Compare { rhs, .. } = &expr.node else {
            panic!()
        };
        let number = match &rhs.node {
            ExprKind::Binary { rhs, .. } => &rhs.node,
            other => other,
        };
        let ExprKind::Number { unit: Some(u), .. } = number else {
            panic!("{text}")
        };
        assert_eq!(u.node, unit);
    }
}

#[test]
fn precedence_arithmetic_before_comparison_before_logic() {
    let check =
        rule_check("rule a { by 2025: a / b < c[year - 1] / d[year - 1] and not e or f == true }");
    let Check::By { expr, .. } = check else {
        panic!()
    };
    let ExprKind::Logic { op, lhs, .. } = &expr.node else {
        panic!()
    };
    assert_eq!(op.node, LogicOp::Or);
    let ExprKind::Logic { op, lhs, .. } = &lhs.node else {
        panic!()
    };
    assert_eq!(op.node, LogicOp::And);
    let ExprKind::Compare { lhs, rhs, .. } = &lhs.node else {
        panic!()
    };
    assert!(matches!(lhs.node, ExprKind::Binary { .. }));
    let ExprKind::Binary { lhs, .. } = &rhs.node else {
        panic!()
    };
    let ExprKind::Value { at: Some(at), .. } = &lhs.node else {
        panic!()
    };
    assert_eq!(at.node, YearSelect::One(YearExpr::Relative(-1)));
}

#[test]
fn aggregates_tables_and_references() {
    let check = rule_check(
        "rule a { each year 2021..2025: count(enterprises where revenue >= 50亿元 and revenue < 100亿元) >= 2 and 乐山市.gdp_growth < sum(x[2021..2025]) }",
    );
    let Check::Each { from, to, .. } = check else {
        panic!()
    };
    assert_eq!((from.node, to.node), (2021, 2025));
}

#[test]
fn every_item_error_is_reported_not_just_the_first() {
    let parsed = parse(
        0,
        "rule a { by 2025 x >= 1 }\nrule b { cite §6 \"ok\" expected by 2025: x >= }\nrule c { by 2025: x >= 1 }\n",
    );
    assert_eq!(parsed.errors.len(), 2, "{:#?}", parsed.errors);
    assert_eq!(parsed.file.items.len(), 1);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let text = format!(
        "rule a {{ by 2025: {}x{} >= 1 }}",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    let parsed = parse(0, &text);
    assert_eq!(parsed.errors.len(), 1);
    assert!(
        parsed.errors[0].message.contains("nested"),
        "{}",
        parsed.errors[0].message
    );
    let negations = format!("rule a {{ by 2025: {}x >= 1 }}", "not ".repeat(5000));
    assert_eq!(parse(0, &negations).errors.len(), 1);
    let minus = format!("rule a {{ by 2025: {}x >= 1 }}", "-".repeat(5000));
    assert_eq!(parse(0, &minus).errors.len(), 1);
}

#[test]
fn comments_are_kept_with_their_text() {
    let file = parse_ok("# first\nindicator gdp \"地区生产总值\" 亿元 base 230 # trailing\n");
    let texts: Vec<&str> = file.comments.iter().map(|c| c.node.as_str()).collect();
    assert_eq!(texts, ["# first", "# trailing"]);
}

#[test]
fn plan_block_and_table() {
    let file = parse_ok(
        "plan \"犍为\" {\n entity 犍为县\n period 2021..2025\n base 2020\n source \"建议\"\n reference 乐山市\n}\ntable enterprises \"企业\" { name text revenue 亿元 }\n",
    );
    assert_eq!(file.items.len(), 2);
}

#[test]
fn a_base_may_name_its_own_year() {
    let file = parse_ok(
        "indicator urbanization_rate \"常住人口城镇化率\" % base 60.6 in 2019\nindicator gdp \"地区生产总值\" 亿元 base 230\nindicator x \"甲\" %\n",
    );
    let years: Vec<Option<i32>> = file
        .items
        .iter()
        .map(|item| match &item.node {
            Item::Indicator(ind) => ind.base_year.as_ref().map(|y| y.node),
            _ => panic!("not an indicator"),
        })
        .collect();
    assert_eq!(years, [Some(2019), None, None]);
}

#[test]
fn powers_bind_tighter_than_signs_and_group_to_the_right() {
    let check = rule_check("rule a { by 2025: -2 ^ 3 ^ 2 > x }");
    let Check::By { expr, .. } = check else {
        panic!()
    };
    let ExprKind::Compare { lhs, .. } = &expr.node else {
        panic!()
    };
    let ExprKind::Neg(power) = &lhs.node else {
        panic!("{lhs:?}")
    };
    let ExprKind::Binary { op, rhs, .. } = &power.node else {
        panic!()
    };
    assert_eq!(op.node, BinOp::Pow);
    assert!(matches!(&rhs.node, ExprKind::Binary { op, .. } if op.node == BinOp::Pow));
}

#[test]
fn items_carry_their_whole_span() {
    let text = "# c\nrule a {\n  by 2025: x >= 1\n}  # after\n";
    let file = parse_ok(text);
    let span = file.items[0].span;
    assert_eq!(&text[span.range()], "rule a {\n  by 2025: x >= 1\n}");
}

#[test]
fn a_table_may_be_declared_complete() {
    let file = parse_ok(
        "table enterprises complete { revenue 亿元 }\ntable parks \"园区\" { area km2 }\n",
    );
    let complete: Vec<bool> = file
        .items
        .iter()
        .filter_map(|item| match &item.node {
            Item::Table(t) => Some(t.complete.is_some()),
            _ => None,
        })
        .collect();
    assert_eq!(complete, [true, false]);
}
