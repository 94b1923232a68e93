use super::output;
use super::progress::Bar;
use super::{Color, Status, stderr_color, stdout_color};
use plancheck::check::RuleSet;
use plancheck::data::ReadOptions;
use plancheck::diagnostic::Severity;
use plancheck::eval::Finding;
use plancheck::report::{github, human, json, jsonl, junit, markdown, sarif};
use plancheck::session::{Entities, Session};
use plancheck::source::Sources;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    /// Compiler-style diagnostics for people.
    #[default]
    Human,
    /// Every finding, passes included (the documented JSON contract).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML, for test reports (Jenkins, GitLab).
    Junit,
    /// GitHub Actions workflow commands: annotations on the right lines.
    Github,
    /// A Markdown summary, for `$GITHUB_STEP_SUMMARY` or a merge-request comment.
    Markdown,
    /// One JSON object per line for each finding that is not a pass, by entity, rule and year.
    Jsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Level {
    #[default]
    Error,
    Warning,
    Note,
}

impl Level {
    fn severity(self) -> Severity {
        match self {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Note => Severity::Note,
        }
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// A rule file or a directory of `.pcl` files; may be repeated.
    #[arg(long, required = true)]
    rules: Vec<PathBuf>,
    /// Data files: long CSV (entity,year,indicator,value,unit) or record tables.
    #[arg(required = true)]
    data: Vec<PathBuf>,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// Also write a SARIF 2.1.0 report to FILE.
    #[arg(long, value_name = "FILE", help_heading = "Report files")]
    output_sarif: Option<PathBuf>,
    /// Also write a JUnit XML report to FILE.
    #[arg(long, value_name = "FILE", help_heading = "Report files")]
    output_junit: Option<PathBuf>,
    /// Also write the JSON report to FILE.
    #[arg(long, value_name = "FILE", help_heading = "Report files")]
    output_json: Option<PathBuf>,
    /// Also write the Markdown summary to FILE.
    #[arg(long, value_name = "FILE", help_heading = "Report files")]
    output_markdown: Option<PathBuf>,
    /// Also write the GitHub Actions workflow commands to FILE.
    #[arg(long, value_name = "FILE", help_heading = "Report files")]
    output_github: Option<PathBuf>,
    /// The entity to check (default: the plan's own); `all` checks every entity of the
    /// indicator data (or, without any, of the record tables) except the plan's references.
    #[arg(long)]
    entity: Option<String>,
    /// The lowest severity of a missed, missing or at-risk target that makes the exit status 1.
    #[arg(long, value_enum, default_value_t)]
    fail_level: Level,
    /// Also show the targets that are met and on track.
    #[arg(long)]
    show_passes: bool,
    #[arg(long, value_enum, default_value_t)]
    color: Color,
}

/// The formats a report file can be written in: the whole report at once, unlike
/// `human` (which interleaves data problems and colour) and `jsonl` (a stream).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Report {
    Json,
    Sarif,
    Junit,
    Github,
    Markdown,
}

impl Format {
    fn report(self) -> Option<Report> {
        match self {
            Format::Json => Some(Report::Json),
            Format::Sarif => Some(Report::Sarif),
            Format::Junit => Some(Report::Junit),
            Format::Github => Some(Report::Github),
            Format::Markdown => Some(Report::Markdown),
            Format::Human | Format::Jsonl => None,
        }
    }
}

impl Args {
    /// The report files asked for, each with its format and the flag that named it.
    fn outputs(&self) -> Vec<(Report, &'static str, &Path)> {
        [
            (Report::Sarif, "--output-sarif", &self.output_sarif),
            (Report::Junit, "--output-junit", &self.output_junit),
            (Report::Json, "--output-json", &self.output_json),
            (Report::Markdown, "--output-markdown", &self.output_markdown),
            (Report::Github, "--output-github", &self.output_github),
        ]
        .into_iter()
        .filter_map(|(format, flag, path)| Some((format, flag, path.as_deref()?)))
        .collect()
    }
}

/// A machine-readable report; file names in it are relative to `base`, the working directory.
fn render(
    format: Report,
    findings: &[Finding],
    rules: &RuleSet,
    sources: &Sources,
    base: &Path,
) -> String {
    match format {
        Report::Json => json::render(findings, sources),
        Report::Sarif => sarif::render(findings, rules, sources, base),
        Report::Junit => junit::render(findings, rules, sources, base),
        Report::Github => github::render(findings, rules, sources, base),
        Report::Markdown => markdown::render(findings, rules, sources, base),
    }
}

pub fn run(args: Args) -> Status {
    let outputs = args.outputs();
    let flags: Vec<(&str, &Path)> = outputs
        .iter()
        .map(|&(_, flag, path)| (flag, path))
        .collect();
    if let Err(message) = output::check_paths(&flags, &args.rules, &args.data) {
        eprintln!("error: {message}");
        eprintln!("nothing was checked");
        return Status::Unreadable;
    }
    let mut session = Session::new();
    let Some(rules) = session.load_rules(&args.rules) else {
        eprint!(
            "{}",
            human::render_problems(
                &session.problems,
                &session.sources,
                stderr_color(args.color)
            )
        );
        eprintln!("the rules could not be read; nothing was checked");
        return Status::Unreadable;
    };
    let bar = Bar::new();
    let data = session.load_data_with(&args.data, &rules, &ReadOptions::default(), &bar);
    let which = match args.entity.as_deref() {
        None => Entities::Default,
        Some("all") => Entities::All,
        Some(name) => Entities::Named(name.to_string()),
    };
    let entities = session.entities(&which, &rules, &data);
    let problems = human::render_problems(
        &session.problems,
        &session.sources,
        stderr_color(args.color),
    );
    if session.has_errors() {
        eprint!("{problems}");
        eprintln!("the data could not be read as submitted; nothing was checked");
        return Status::Unreadable;
    }
    let failing = args.fail_level.severity();
    let findings = if args.format == Format::Jsonl {
        eprint!("{problems}");
        let verdicts = session.verdicts(&rules, &data, &entities, &bar);
        print!(
            "{}",
            jsonl::render(&verdicts, &rules, &entities, args.show_passes)
        );
        if outputs.is_empty() {
            let failed = verdicts.iter().any(|v| {
                v.outcome.is_problem()
                    && rules
                        .rules
                        .get(v.rule)
                        .is_some_and(|r| r.severity >= failing)
            });
            return if failed {
                Status::Findings
            } else {
                Status::Clean
            };
        }
        // Report files cite the plan and the cells, which verdicts leave out to stay
        // small; so a stream with report files beside it evaluates a second time.
        session.evaluate_with(&rules, &data, &entities, &bar)
    } else {
        session.evaluate_with(&rules, &data, &entities, &bar)
    };
    // Reports name files relative to where the job runs, which is where CI systems look them up.
    let base = std::env::current_dir().unwrap_or_default();
    match args.format.report() {
        Some(format) => {
            eprint!("{problems}");
            print!(
                "{}",
                render(format, &findings, &rules, &session.sources, &base)
            );
        }
        None if args.format == Format::Human => {
            // Data problems come first, in the same stream as the findings, so they read in order.
            let options = human::Options {
                color: stdout_color(args.color),
                show_passes: args.show_passes,
            };
            print!(
                "{}{}",
                human::render_problems(&session.problems, &session.sources, options.color),
                human::render_findings(&findings, &rules, &session.sources, options)
            );
        }
        // The stream was printed above.
        None => {}
    }
    let files: Vec<(&Path, String)> = outputs
        .iter()
        .map(|&(format, _, path)| {
            (
                path,
                render(format, &findings, &rules, &session.sources, &base),
            )
        })
        .collect();
    if let Err(message) = output::write_all(&files) {
        eprintln!("error: {message}");
        return Status::Unreadable;
    }
    if findings
        .iter()
        .any(|f| f.outcome.is_problem() && f.severity >= failing)
    {
        Status::Findings
    } else {
        Status::Clean
    }
}
