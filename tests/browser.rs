//! The supervisor's report in a real browser: headless Chromium loads the page, runs
//! its script, and gives back the DOM; the page must say what `check --format json` says.
//!
//! Chromium comes from the system's packages (`scripts/install-test-deps.sh`). Without it
//! the test fails in CI (`CI=true`) and is skipped with a notice elsewhere. Set
//! `PLANCHECK_CHROMIUM` to use another binary.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

use plancheck::data::Value;
use plancheck::session::Session;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(120);

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("PLANCHECK_CHROMIUM") {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "PLANCHECK_CHROMIUM names {}, which is not a file",
            path.display()
        );
        return Some(path);
    }
    let fixed = Path::new("/usr/bin/chromium");
    if fixed.exists() {
        return Some(fixed.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|p| p.is_file())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Chromium, or `None` (after saying so) when it may be skipped.
fn browser_or_skip() -> Option<PathBuf> {
    match chromium() {
        Some(path) => Some(path),
        None if in_ci() => panic!(
            "headless Chromium is required in CI but /usr/bin/chromium is not installed: \
             run scripts/install-test-deps.sh (or set PLANCHECK_CHROMIUM)"
        ),
        None => {
            eprintln!(
                "NOTICE: skipping the browser test: Chromium is not installed \
                 (run scripts/install-test-deps.sh, or set PLANCHECK_CHROMIUM)"
            );
            None
        }
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("browser-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// Runs a command to its end, killing it after `TIMEOUT`: a hung browser must not hang CI.
fn run(command: &mut Command) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    // Both pipes are drained on threads so that a large DOM or a chatty browser cannot stall it.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        match child.try_wait().expect("the command can be waited for") {
            Some(status) => break status,
            None if started.elapsed() > TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("{command:?} did not finish within {TIMEOUT:?}");
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    Output {
        status,
        stdout: stdout.join().expect("stdout"),
        stderr: stderr.join().expect("stderr"),
    }
}

/// A `file:` URL for an absolute path, with the few characters a path may hold escaped.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for c in path.display().to_string().chars() {
        match c {
            ' ' => url.push_str("%20"),
            '#' => url.push_str("%23"),
            '%' => url.push_str("%25"),
            '?' => url.push_str("%3F"),
            c => url.push(c),
        }
    }
    url
}

fn chromium_command(browser: &Path, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// The DOM after the page's scripts ran.
fn dump_dom(browser: &Path, page: &Path, fragment: &str, scratch: &Path) -> String {
    let profile = scratch.join(format!("profile-dom-{}", fragment.len()));
    let url = format!("{}{fragment}", file_url(page));
    let out = run(chromium_command(browser, &profile)
        .arg("--dump-dom")
        .arg(&url));
    let _ = std::fs::remove_dir_all(&profile);
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && dom.contains("</html>"),
        "chromium --dump-dom {url} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    dom
}

fn example_files(example: &str) -> Vec<String> {
    let dir = Path::new("examples").join(example);
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("the example exists")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    files
}

fn plancheck(args: &[&str]) -> Output {
    run(Command::new(env!("CARGO_BIN_EXE_plancheck")).args(args))
}

/// The summary of `plancheck check --format json`.
fn json_summary(files: &[String]) -> BTreeMap<String, u64> {
    let mut args = vec!["check", "--rules", "rules/jianwei", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let out = plancheck(&args);
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("check --format json prints JSON");
    json["summary"]
        .as_object()
        .expect("a summary object")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().expect("a count")))
        .collect()
}

/// Every start tag `<name …>` in the DOM, as its attributes (values unescaped enough for ids).
fn tags(dom: &str, name: &str) -> Vec<BTreeMap<String, String>> {
    let open = format!("<{name} ");
    let mut out = Vec::new();
    let mut rest = dom;
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        let end = after.find('>').unwrap_or(after.len());
        out.push(attributes(&after[..end]));
        rest = &after[end..];
    }
    out
}

fn attributes(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_string();
        rest = rest[name_end..].trim_start();
        if let Some(after) = rest.strip_prefix("=\"") {
            let end = after.find('"').unwrap_or(after.len());
            out.insert(
                name,
                after[..end].replace("&quot;", "\"").replace("&amp;", "&"),
            );
            rest = after.get(end + 1..).unwrap_or("").trim_start();
        } else {
            out.insert(name, String::new());
        }
    }
    out
}

/// The text of the element carrying `attribute="value"`.
fn text_of(dom: &str, attribute: &str, value: &str) -> Option<String> {
    let needle = format!("{attribute}=\"{value}\"");
    let at = dom.find(&needle)?;
    let after = &dom[at..];
    let start = after.find('>')? + 1;
    let end = after[start..].find('<')?;
    Some(after[start..start + end].trim().to_string())
}

/// What the page must show, from the library: target rules, and indicators the plan's
/// entity reported in two years or more.
fn expected_rows_and_charts(files: &[String]) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut session = Session::new();
    let rules = session
        .load_rules(&[PathBuf::from("rules/jianwei")])
        .expect("the rule set reads");
    let paths: Vec<PathBuf> = files.iter().map(PathBuf::from).collect();
    let data = session.load_data(&paths, &rules);
    let targets = rules
        .rules
        .iter()
        .filter(|r| !r.quality)
        .map(|r| r.id.clone())
        .collect();
    let mut years: BTreeMap<&str, BTreeSet<i32>> = BTreeMap::new();
    for (indicator, year, cell) in data.observations_of(&rules.plan.entity) {
        if !matches!(cell.value, Value::Empty) {
            years.entry(indicator).or_default().insert(year);
        }
    }
    let charted = years
        .into_iter()
        .filter(|(_, y)| y.len() >= 2)
        .map(|(i, _)| i.to_string())
        .collect();
    (targets, charted)
}

fn check_example(browser: &Path, example: &str, scratch: &Path) -> PathBuf {
    let files = example_files(example);
    let page = scratch.join(format!("{example}.html"));
    let page_arg = page.display().to_string();
    let mut args = vec!["report", "--rules", "rules/jianwei", "-o", &page_arg];
    args.extend(files.iter().map(String::as_str));
    let out = plancheck(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "plancheck report failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let dom = dump_dom(browser, &page, "", scratch);
    let html = tags(&dom, "html");
    assert_eq!(
        html.first()
            .and_then(|a| a.get("data-js"))
            .map(String::as_str),
        Some("ready"),
        "{example}: the page's script ran"
    );

    // The counts equal the JSON output's summary.
    let summary = json_summary(&files);
    assert_eq!(summary.len(), 5, "{summary:?}");
    for (outcome, n) in &summary {
        let shown = text_of(&dom, "data-count", outcome)
            .unwrap_or_else(|| panic!("{example}: no element with data-count=\"{outcome}\""));
        assert_eq!(shown, n.to_string(), "{example}: data-count=\"{outcome}\"");
    }

    // Every target rule has a row, and every row is shown with no filter set.
    let (targets, charted) = expected_rows_and_charts(&files);
    let rows: Vec<BTreeMap<String, String>> = tags(&dom, "tr")
        .into_iter()
        .filter(|a| a.contains_key("data-rule"))
        .collect();
    let row_ids: BTreeSet<String> = rows.iter().map(|a| a["data-rule"].clone()).collect();
    assert_eq!(row_ids, targets, "{example}: one row per target rule");
    assert_eq!(rows.len(), targets.len(), "{example}: no rule twice");
    assert!(rows.iter().all(|a| !a.contains_key("hidden")));

    // The per-target headline adds up to the table.
    let by_verdict: usize = ["fail", "at_risk", "missing", "on_track", "pass", "not_due"]
        .iter()
        .filter_map(|v| text_of(&dom, "data-target-count", v))
        .map(|n| n.parse::<usize>().expect("a count"))
        .sum();
    assert_eq!(
        by_verdict,
        targets.len(),
        "{example}: headline counts per target"
    );

    // Every indicator with two years or more has a chart.
    let charts: BTreeSet<String> = tags(&dom, "figure")
        .into_iter()
        .filter_map(|a| a.get("data-chart").cloned())
        .collect();
    let missing: Vec<&String> = charted.difference(&charts).collect();
    assert!(missing.is_empty(), "{example}: no chart for {missing:?}");
    assert!(
        dom.matches("<svg").count() >= charted.len(),
        "{example}: each chart is an SVG"
    );

    // The script filters and sorts: only missed targets, by article.
    let filtered = dump_dom(browser, &page, "#outcome=fail&sort=article", scratch);
    let rows: Vec<BTreeMap<String, String>> = tags(&filtered, "tr")
        .into_iter()
        .filter(|a| a.contains_key("data-rule"))
        .collect();
    let visible: Vec<&BTreeMap<String, String>> =
        rows.iter().filter(|a| !a.contains_key("hidden")).collect();
    let failing = summary.get("fail").copied().unwrap_or(0);
    assert!(
        visible.iter().all(|a| a["data-outcome"] == "fail"),
        "{example}: the outcome filter hides the rest"
    );
    assert_eq!(
        rows.len() - visible.len(),
        rows.iter().filter(|a| a["data-outcome"] != "fail").count()
    );
    if failing > 0 {
        assert!(
            !visible.is_empty(),
            "{example}: missed targets stay visible"
        );
    }
    let articles: Vec<u32> = visible
        .iter()
        .map(|a| a["data-article"].parse().unwrap_or(u32::MAX))
        .collect();
    assert!(
        articles.windows(2).all(|w| w[0] <= w[1]),
        "{example}: sorted by article: {articles:?}"
    );

    // Without scripts the page is the file as written (`--dump-dom` itself needs scripts):
    // every row shown, and no controls that would do nothing.
    let plain = std::fs::read_to_string(&page).expect("the page");
    assert!(
        !tags(&plain, "html")
            .iter()
            .any(|a| a.contains_key("data-js")),
        "{example}: the file is as written"
    );
    let rows: Vec<BTreeMap<String, String>> = tags(&plain, "tr")
        .into_iter()
        .filter(|a| a.contains_key("data-rule"))
        .collect();
    assert_eq!(rows.len(), targets.len());
    assert!(rows.iter().all(|a| !a.contains_key("hidden")));
    assert!(
        tags(&plain, "form").iter().any(
            |a| a.get("id").map(String::as_str) == Some("controls") && a.contains_key("hidden")
        ),
        "{example}: the controls stay hidden without scripts"
    );
    page
}

#[test]
fn the_report_reads_right_in_a_browser() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let scratch = scratch("report");
    let midterm = check_example(&browser, "midterm-2023", &scratch);
    check_example(&browser, "missed-2025", &scratch);

    // A picture of the mid-term report for people to look at.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target directory")
        .join("report-screenshot.png");
    let _ = std::fs::remove_file(&target);
    let profile = scratch.join("profile-shot");
    let out = run(chromium_command(&browser, &profile)
        .arg(format!("--screenshot={}", target.display()))
        .arg("--window-size=1280,2400")
        .arg(file_url(&midterm)));
    let png = std::fs::read(&target).unwrap_or_default();
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "no screenshot at {} ({}):\n{}",
        target.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("screenshot: {}", target.display());
    let _ = std::fs::remove_dir_all(&scratch);
}
