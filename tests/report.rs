//! The supervisor's report over the examples: same input, same bytes, snapshotted;
//! the CLI writes what the library renders; data is escaped; reader warnings are listed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

use plancheck::report::supervisor::{self, Lang, Report};
use plancheck::report::{html, supervisor_md};
use plancheck::session::{Entities, Session};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The CSV files of an example, in the order a shell glob gives them.
fn example_files(example: &str) -> Vec<PathBuf> {
    let dir = Path::new("examples").join(example);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("the example exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    files
}

fn build(files: &[PathBuf], entity: Entities, date: Option<&str>) -> Report {
    let mut session = Session::new();
    let rules = session
        .load_rules(&[PathBuf::from("rules/jianwei")])
        .expect("the rule set reads");
    let data = session.load_data(files, &rules);
    assert!(!session.has_errors(), "the data reads without errors");
    let entities = session.entities(&entity, &rules, &data);
    let findings = session.evaluate(&rules, &data, &entities);
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    supervisor::build(&supervisor::Input {
        rules: &rules,
        data: &data,
        sources: &session.sources,
        problems: &session.problems,
        findings: &findings,
        entity: &entities[0],
        files: &names,
        date,
    })
}

/// The inline style sheet and script are the crate's own assets, not data: the snapshot
/// keeps their size only, so that it shows what the data changed.
fn normalised(html: &str) -> String {
    let mut out = html.to_string();
    for (open, close) in [("<style>\n", "</style>"), ("<script>\n", "</script>")] {
        let start = out.find(open).expect("an inline asset") + open.len();
        let end = start + out[start..].find(close).expect("its end");
        let size = end - start;
        out.replace_range(start..end, &format!("/* {size} bytes */\n"));
    }
    out
}

#[test]
fn html_snapshots() {
    for example in ["midterm-2023", "missed-2025"] {
        let files = example_files(example);
        let first = html::render(&build(&files, Entities::Default, None), Lang::Zh);
        let second = html::render(&build(&files, Entities::Default, None), Lang::Zh);
        assert_eq!(
            first, second,
            "{example}: the same input gives the same bytes"
        );
        insta::assert_snapshot!(format!("{example}.html"), normalised(&first));
    }
}

#[test]
fn markdown_snapshots() {
    for (example, lang, name) in [
        ("midterm-2023", Lang::Zh, "midterm-2023.md"),
        ("missed-2025", Lang::Zh, "missed-2025.md"),
        ("missed-2025", Lang::En, "missed-2025.en.md"),
    ] {
        let report = build(&example_files(example), Entities::Default, None);
        insta::assert_snapshot!(name, supervisor_md::render(&report, lang));
    }
}

#[test]
fn english_keeps_the_quotes_and_gives_the_titles() {
    let report = build(&example_files("missed-2025"), Entities::Default, None);
    let page = html::render(&report, Lang::En);
    assert!(page.contains("<html lang=\"en\">"));
    assert!(page.contains("Energy use per unit of GDP falls every year"));
    assert!(page.contains("<q lang=\"zh-CN\">主要污染物排放总量和单位GDP能耗持续减少</q>"));
    assert!(page.contains("✘ missed"));
    assert!(
        page.contains("381.6亿元 (2025)"),
        "numbers keep the plan's units"
    );
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("report-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

fn plancheck(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_plancheck"))
        .args(args)
        .output()
        .expect("plancheck runs")
}

#[test]
fn the_cli_writes_what_the_library_renders() {
    let dir = temp_dir("cli");
    let files = example_files("midterm-2023");
    let file_args: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let report = build(&files, Entities::Default, Some("2024-03-01"));
    for (name, extra, expected) in [
        ("r.html", vec![], html::render(&report, Lang::Zh)),
        ("r.md", vec![], supervisor_md::render(&report, Lang::Zh)),
        (
            "r.txt",
            vec!["--format", "markdown"],
            supervisor_md::render(&report, Lang::Zh),
        ),
        (
            "en.html",
            vec!["--lang", "en"],
            html::render(&report, Lang::En),
        ),
    ] {
        let out = dir.join(name);
        let out_arg = out.display().to_string();
        let mut args = vec![
            "report",
            "--rules",
            "rules/jianwei",
            "--date",
            "2024-03-01",
            "-o",
            &out_arg,
        ];
        args.extend(extra);
        args.extend(file_args.iter().map(String::as_str));
        let run = plancheck(&args);
        assert_eq!(
            run.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let written = std::fs::read_to_string(&out).expect("the report was written");
        assert_eq!(written, expected, "{name}");
    }
    // Nothing is left behind but the reports themselves: the temporary file was renamed.
    let mut left: Vec<String> = std::fs::read_dir(&dir)
        .expect("the directory")
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    left.sort();
    assert_eq!(left, ["en.html", "r.html", "r.md", "r.txt"]);
    let page = std::fs::read_to_string(dir.join("r.html")).expect("the page");
    assert!(page.contains("<dt>报告日期</dt><dd>2024-03-01</dd>"));
}

#[test]
fn a_page_fetches_nothing() {
    let report = build(&example_files("missed-2025"), Entities::Default, None);
    let page = html::render(&report, Lang::Zh);
    for needle in ["http://", "https://", "src=", "<link", "@import", "url("] {
        let hits: Vec<&str> = page
            .match_indices(needle)
            .map(|(i, _)| &page[i.saturating_sub(20)..(i + 40).min(page.len())])
            .collect();
        // The SVG namespace is a name, not a fetch.
        let fetches: Vec<&&str> = hits
            .iter()
            .filter(|h| !h.contains("http://www.w3.org/2000/svg"))
            .collect();
        assert!(fetches.is_empty(), "{needle}: {fetches:?}");
    }
    assert!(page.contains("@media print"));
}

/// An entity, a file name and a cell that look like markup stay text; a reader
/// warning shows with its file, line, column and the value found.
#[test]
fn data_is_escaped_and_reader_warnings_are_listed() {
    let dir = temp_dir("escape");
    let file = dir.join("a<b>&\"c\".csv");
    std::fs::write(
        &file,
        "entity,year,indicator,value,unit\n\
         <script>alert(1)</script>,2020,gdp,230,亿元\n\
         <script>alert(1)</script>,2021,gdp,250,亿元\n\
         <script>alert(1)</script>,2021,gdp_grwth,<i>5</i>,%\n",
    )
    .expect("a data file");
    let report = build(
        std::slice::from_ref(&file),
        Entities::Named("<script>alert(1)</script>".to_string()),
        None,
    );
    let page = html::render(&report, Lang::Zh);
    assert!(
        !page.contains("<script>alert"),
        "markup from the data is escaped"
    );
    assert!(!page.contains("<i>5</i>"));
    assert!(!page.contains("a<b>"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        page.contains("a&lt;b&gt;&amp;&quot;c&quot;.csv:4:"),
        "the warning's place"
    );
    assert!(page.contains("unknown-indicator"));
    assert!(
        page.contains("data-chart=\"gdp\""),
        "two years of gdp make a chart"
    );
    let markdown = supervisor_md::render(&report, Lang::Zh);
    assert!(!markdown.contains("<script>"));
    assert!(markdown.contains("unknown-indicator"));
}
