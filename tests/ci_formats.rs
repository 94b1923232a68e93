//! The CI formats (SARIF, JUnit, GitHub workflow commands, Markdown) on the example
//! submissions and on a fixture whose words and file names need escaping. Each output is
//! snapshotted, and each is also read back the way its consumer reads it: SARIF against the
//! official schema, JUnit with an XML parser, workflow commands with the runner's unescaping,
//! Markdown table rows by their cells.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

use plancheck::check::RuleSet;
use plancheck::eval::{Finding, Outcome};
use plancheck::report::{github, junit, markdown, sarif};
use plancheck::session::{Entities, Session};
use plancheck::source::Sources;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

struct Checked {
    findings: Vec<Finding>,
    rules: RuleSet,
    sources: Sources,
}

/// The cases: two example submissions against `rules/jianwei`, and the escaping fixture.
const CASES: [(&str, &str, &str); 3] = [
    ("missed-2025", "rules/jianwei", "examples/missed-2025"),
    ("midterm-2023", "rules/jianwei", "examples/midterm-2023"),
    (
        "special",
        "tests/fixtures/ci/rules",
        "tests/fixtures/ci/数据 目录",
    ),
];

/// The CSV files of a directory in name order, as a shell glob would give them.
fn csv_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("a fixture directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    files
}

fn check(rules: &str, data: &str) -> Checked {
    let mut session = Session::new();
    let rules = session
        .load_rules(&[PathBuf::from(rules)])
        .expect("the rules load");
    let submission = session.load_data(&csv_files(data), &rules);
    assert!(!session.has_errors(), "{:?}", session.problems);
    let entities = session.entities(&Entities::Default, &rules, &submission);
    let findings = session.evaluate(&rules, &submission, &entities);
    Checked {
        findings,
        rules,
        sources: session.sources,
    }
}

/// Integration tests run in the package root, so file names given relative to it are already
/// relative to the working directory, as on a command line.
fn base() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn render(format: &str, c: &Checked) -> String {
    let base = base();
    match format {
        "sarif" => sarif::render(&c.findings, &c.rules, &c.sources, base),
        "junit" => junit::render(&c.findings, &c.rules, &c.sources, base),
        "github" => github::render(&c.findings, &c.rules, &c.sources, base),
        "markdown" => markdown::render(&c.findings, &c.rules, &c.sources, base),
        other => panic!("no format {other}"),
    }
}

const FORMATS: [&str; 4] = ["sarif", "junit", "github", "markdown"];

fn problems(c: &Checked) -> Vec<&Finding> {
    c.findings
        .iter()
        .filter(|f| f.outcome.is_problem())
        .collect()
}

#[test]
fn snapshots() {
    for (case, rules, data) in CASES {
        let checked = check(rules, data);
        for format in FORMATS {
            insta::assert_snapshot!(format!("{case}.{format}"), render(format, &checked));
        }
    }
}

#[test]
fn every_format_is_deterministic() {
    for (_, rules, data) in CASES {
        let (first, second) = (check(rules, data), check(rules, data));
        for format in FORMATS {
            assert_eq!(render(format, &first), render(format, &second), "{format}");
        }
    }
}

/// The special case must hold what it is there to test.
#[test]
fn the_special_fixture_covers_every_outcome_that_needs_attention() {
    let c = check(CASES[2].1, CASES[2].2);
    let outcomes: BTreeSet<Outcome> = c.findings.iter().map(|f| f.outcome).collect();
    for outcome in [
        Outcome::Pass,
        Outcome::Fail,
        Outcome::Missing,
        Outcome::AtRisk,
    ] {
        assert!(outcomes.contains(&outcome), "{outcome:?}");
    }
    let files: BTreeSet<&str> = problems(&c)
        .iter()
        .filter_map(|f| f.data)
        .map(|span| c.sources.name(span.file))
        .collect();
    assert!(
        files
            .iter()
            .any(|f| f.contains(',') && f.contains("数据 目录"))
    );
    assert!(files.iter().any(|f| f.ends_with("submission 2025.csv")));
}

// ---- SARIF ----

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string("tests/data/sarif-schema-2.1.0.json").expect("the schema");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

/// Undoes percent-encoding, to find the file a URI names.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII");
            out.push(u8::from_str_radix(hex, 16).expect("two hex digits"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

/// The text a SARIF location points at, read from the file its URI names.
fn text_at(location: &Value) -> String {
    let physical = &location["physicalLocation"];
    let uri = physical["artifactLocation"]["uri"].as_str().expect("a uri");
    assert!(
        uri.bytes()
            .all(|b| b.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&b)),
        "not a URI reference: {uri}"
    );
    assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    let text = std::fs::read_to_string(percent_decode(uri)).expect("the URI names a file");
    let region = &physical["region"];
    let line = region["startLine"].as_u64().expect("a line") as usize;
    let column = region["startColumn"].as_u64().expect("a column") as usize;
    let end_column = region["endColumn"].as_u64().expect("an end column") as usize;
    let end_line = region["endLine"].as_u64().expect("an end line") as usize;
    // A rule's check may run over several lines (formatted lists); join them as the editor shows them.
    let rows: Vec<&str> = text
        .lines()
        .skip(line - 1)
        .take(end_line - line + 1)
        .collect();
    assert_eq!(rows.len(), end_line - line + 1, "the lines exist");
    if rows.len() == 1 {
        return rows[0]
            .chars()
            .skip(column - 1)
            .take(end_column - column)
            .collect();
    }
    let mut out: String = rows[0].chars().skip(column - 1).collect();
    for middle in &rows[1..rows.len() - 1] {
        out.push('\n');
        out.push_str(middle);
    }
    out.push('\n');
    out.extend(rows[rows.len() - 1].chars().take(end_column - 1));
    out
}

#[test]
fn sarif_matches_the_official_schema_and_points_at_the_values() {
    let validator = sarif_validator();
    for (case, rules, data) in CASES {
        let c = check(rules, data);
        let log: Value = serde_json::from_str(&render("sarif", &c)).expect("JSON");
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{case}: {errors:#?}");

        let run = &log["runs"][0];
        let listed = run["tool"]["driver"]["rules"].as_array().expect("rules");
        assert_eq!(
            listed.len(),
            c.rules.rules.len(),
            "{case}: every rule is listed"
        );
        for (descriptor, rule) in listed.iter().zip(&c.rules.rules) {
            assert_eq!(descriptor["id"], rule.id.as_str());
            assert_eq!(descriptor["shortDescription"]["text"], rule.quote.as_str());
            assert_eq!(
                descriptor["properties"]["attribute"],
                rule.attribute.as_str()
            );
        }
        let results = run["results"].as_array().expect("results");
        let expected = problems(&c);
        assert_eq!(
            results.len(),
            expected.len(),
            "{case}: one result per problem"
        );
        for (result, f) in results.iter().zip(expected) {
            assert_eq!(result["ruleId"], f.rule.as_str());
            let index = result["ruleIndex"].as_u64().expect("an index") as usize;
            assert_eq!(listed[index]["id"], f.rule.as_str());
            assert_eq!(result["level"], f.severity.as_str());
            assert_eq!(result["properties"]["outcome"], f.outcome.as_str());
            let primary = &result["locations"][0];
            let related = result.get("relatedLocations");
            match f.data {
                Some(span) => {
                    assert_eq!(text_at(primary), c.sources.slice(span), "{case} {}", f.rule);
                    let check = &related.expect("the rule as related location")[0];
                    assert_eq!(text_at(check), c.sources.slice(f.rule_span));
                }
                None => {
                    assert_eq!(text_at(primary), c.sources.slice(f.rule_span));
                    assert!(related.is_none());
                }
            }
        }
    }
}

/// The test above must be able to fail: the schema rejects a result without a message.
#[test]
fn the_sarif_schema_rejects_a_broken_log() {
    let c = check(CASES[0].1, CASES[0].2);
    let mut log: Value = serde_json::from_str(&render("sarif", &c)).expect("JSON");
    log["runs"][0]["results"][0]
        .as_object_mut()
        .expect("a result")
        .remove("message");
    assert!(!sarif_validator().is_valid(&log));
    log["runs"][0]["results"][0]["message"] = serde_json::json!({"text": "x"});
    log["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!sarif_validator().is_valid(&log));
}

// ---- JUnit ----

/// The elements and attributes that Jenkins' `junit-10.xsd` (xunit-plugin) allows where
/// plancheck writes them, with the attributes it requires.
fn allowed(
    element: &str,
) -> (
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
) {
    // (children, attributes, required attributes)
    match element {
        "testsuites" => (
            &["testsuite"],
            &["name", "time", "tests", "failures", "errors"],
            &[],
        ),
        "testsuite" => (
            &[
                "testsuite",
                "properties",
                "testcase",
                "system-out",
                "system-err",
            ],
            &[
                "name",
                "tests",
                "failures",
                "errors",
                "group",
                "time",
                "skipped",
                "timestamp",
                "hostname",
                "id",
                "package",
                "file",
                "log",
                "url",
            ],
            &["name", "tests", "failures", "errors"],
        ),
        "testcase" => (
            &["skipped", "error", "failure", "system-out", "system-err"],
            &["name", "time", "classname", "group"],
            &["name"],
        ),
        "failure" | "error" | "skipped" => (&[], &["type", "message"], &[]),
        "system-out" | "system-err" => (&[], &[], &[]),
        other => panic!("element <{other}> is not in junit-10.xsd"),
    }
}

fn check_structure(node: roxmltree::Node) {
    let name = node.tag_name().name();
    let (children, attributes, required) = allowed(name);
    for a in node.attributes() {
        assert!(attributes.contains(&a.name()), "<{name} {}>", a.name());
    }
    for r in required {
        assert!(node.attribute(*r).is_some(), "<{name}> needs {r}");
    }
    for child in node.children().filter(|n| n.is_element()) {
        assert!(
            children.contains(&child.tag_name().name()),
            "<{name}> holds <{}>",
            child.tag_name().name()
        );
        check_structure(child);
    }
}

fn count(node: roxmltree::Node, attribute: &str) -> usize {
    node.attribute(attribute)
        .and_then(|v| v.parse().ok())
        .expect("a count")
}

#[test]
fn junit_parses_and_counts_every_finding() {
    for (case, rules, data) in CASES {
        let c = check(rules, data);
        let xml = render("junit", &c);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        check_structure(root);

        let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
        assert_eq!(suites.len(), 1, "one suite per rule set");
        let suite = suites[0];
        assert_eq!(suite.attribute("name"), Some(c.rules.plan.name.as_str()));
        let cases: Vec<_> = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(cases.len(), c.findings.len(), "{case}");
        assert_eq!(count(suite, "tests"), c.findings.len());

        let with = |tag: &str| {
            cases
                .iter()
                .filter_map(|t| t.children().find(|n| n.has_tag_name(tag)))
                .collect::<Vec<_>>()
        };
        let of = |o: Outcome| c.findings.iter().filter(|f| f.outcome == o).count();
        let failures = with("failure");
        assert_eq!(failures.len(), of(Outcome::Fail) + of(Outcome::AtRisk));
        assert_eq!(count(suite, "failures"), failures.len());
        assert_eq!(count(root, "failures"), failures.len());
        assert_eq!(count(suite, "skipped"), with("skipped").len());
        assert_eq!(with("skipped").len(), of(Outcome::Missing));

        let names: BTreeSet<&str> = cases.iter().filter_map(|t| t.attribute("name")).collect();
        assert_eq!(names.len(), cases.len(), "{case}: test names are unique");
        for (t, f) in cases.iter().zip(&c.findings) {
            assert_eq!(t.attribute("classname"), Some(f.rule.as_str()));
            let name = t.attribute("name").expect("a name");
            assert!(
                name.starts_with(&f.rule) && name.contains(&f.entity),
                "{name}"
            );
            assert!(name.ends_with(&f.year.to_string()), "{name}");
            if let Some(problem) = t
                .children()
                .find(|n| n.has_tag_name("failure") || n.has_tag_name("skipped"))
            {
                assert_eq!(problem.attribute("type"), Some(f.outcome.as_str()));
                // The plan's own words come back exactly, whatever they hold.
                let quote = &c.rules.rule(&f.rule).expect("the rule").quote;
                let message = problem.attribute("message").expect("a message");
                assert!(message.contains(quote.as_str()), "{message}");
                assert!(problem.text().is_some_and(|t| t.contains(quote.as_str())));
            }
        }
    }
}

// ---- GitHub workflow commands ----

/// A workflow command read back as the runner reads it (actions/runner `ActionCommand`):
/// the name, the properties and the message, each unescaped.
struct Command {
    name: String,
    properties: Vec<(String, String)>,
    message: String,
}

fn parse_command(line: &str) -> Command {
    let rest = line.strip_prefix("::").expect("a command");
    let (head, message) = rest.split_once("::").expect("`::` before the message");
    let (name, properties) = head.split_once(' ').expect("properties");
    let unescape_data = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%25", "%")
    };
    let unescape_property = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let properties = properties
        .split(',')
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            (k.to_string(), unescape_property(v))
        })
        .collect();
    Command {
        name: name.to_string(),
        properties,
        message: unescape_data(message),
    }
}

#[test]
fn github_commands_read_back_to_the_right_cell() {
    for (case, rules, data) in CASES {
        let c = check(rules, data);
        let out = render("github", &c);
        let commands: Vec<Command> = out
            .lines()
            .filter(|l| l.starts_with("::"))
            .map(parse_command)
            .collect();
        let expected = problems(&c);
        assert_eq!(
            commands.len(),
            expected.len(),
            "{case}: one command per problem"
        );
        for (command, f) in commands.iter().zip(expected) {
            let level = match f.severity.as_str() {
                "note" => "notice",
                other => other,
            };
            assert_eq!(command.name, level);
            let keys: Vec<&str> = command.properties.iter().map(|(k, _)| k.as_str()).collect();
            assert_eq!(keys, ["file", "line", "col", "title"]);
            let value = |k: &str| {
                command
                    .properties
                    .iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| v.clone())
                    .expect("the property")
            };
            let text = std::fs::read_to_string(value("file")).expect("the file exists");
            let line: usize = value("line").parse().expect("a number");
            let col: usize = value("col").parse().expect("a number");
            let row = text.lines().nth(line - 1).expect("the line");
            let at: String = row.chars().skip(col - 1).collect();
            let span = f.data.unwrap_or(f.rule_span);
            assert!(at.starts_with(c.sources.slice(span)), "{case}: {at}");
            assert!(value("title").starts_with(&f.rule));
            let quote = &c.rules.rule(&f.rule).expect("the rule").quote;
            assert!(
                command.message.contains(quote.as_str()),
                "{}",
                command.message
            );
            assert!(command.message.contains(&f.message));
        }
    }
}

// ---- Markdown ----

/// The cells of a table row, split where GitHub splits them: at `|` not escaped by `\`.
fn cells(row: &str) -> Vec<String> {
    let inner = row
        .strip_prefix('|')
        .and_then(|r| r.strip_suffix('|'))
        .expect("a table row");
    let mut out = vec![String::new()];
    let mut chars = inner.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => {
                let next = chars.next().expect("an escaped character");
                if let Some(last) = out.last_mut() {
                    last.push('\\');
                    last.push(next);
                }
            }
            '|' => out.push(String::new()),
            ch => {
                if let Some(last) = out.last_mut() {
                    last.push(ch);
                }
            }
        }
    }
    out.iter().map(|s| s.trim().to_string()).collect()
}

#[test]
fn markdown_tables_keep_their_columns() {
    for (case, rules, data) in CASES {
        let c = check(rules, data);
        let out = render("markdown", &c);
        let tables: Vec<Vec<&str>> = out
            .split("\n\n")
            .map(|block| {
                block
                    .lines()
                    .filter(|l| l.starts_with('|'))
                    .collect::<Vec<_>>()
            })
            .filter(|rows| !rows.is_empty())
            .collect();
        assert_eq!(tables.len(), 2, "{case}: counts and findings");
        for table in &tables {
            let width = cells(table[0]).len();
            for row in table {
                assert_eq!(cells(row).len(), width, "{case}: {row}");
            }
        }
        assert_eq!(
            tables[0].len(),
            2 + 3 + 1,
            "header, rule, three attributes, total"
        );
        assert_eq!(
            tables[1].len() - 2,
            problems(&c).len(),
            "{case}: one row per problem"
        );
        let total = cells(tables[0][5]);
        assert_eq!(
            total.last().map(String::as_str),
            Some(c.findings.len().to_string().as_str())
        );
    }
}
