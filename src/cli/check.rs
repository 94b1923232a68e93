use super::progress::Bar;
use super::{Color, Status, stderr_color, stdout_color};
use plancheck::data::ReadOptions;
use plancheck::diagnostic::Severity;
use plancheck::report::{human, json, jsonl};
use plancheck::session::{Entities, Session};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Format {
    #[default]
    Human,
    Json,
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
    #[arg(long, value_enum, default_value_t)]
    format: Format,
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

pub fn run(args: Args) -> Status {
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
    if args.format == Format::Jsonl {
        eprint!("{problems}");
        let verdicts = session.verdicts(&rules, &data, &entities, &bar);
        print!(
            "{}",
            jsonl::render(&verdicts, &rules, &entities, args.show_passes)
        );
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
    let findings = session.evaluate_with(&rules, &data, &entities, &bar);
    match args.format {
        Format::Human => {
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
        Format::Json | Format::Jsonl => {
            eprint!("{problems}");
            print!("{}", json::render(&findings, &session.sources));
        }
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
