use super::{Color, Status, stderr_color};
use plancheck::analyze;
use plancheck::report::human;
use plancheck::session::Session;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Rule files or directories of `.pcl` files, checked as one rule set.
    #[arg(required = true)]
    rules: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    color: Color,
}

pub fn run(args: Args) -> Status {
    let mut session = Session::new();
    let rules = session.load_rules(&args.rules);
    // Rules across each other: only for a rule set that reads, and after its own problems.
    let findings = match &rules {
        Some(rules) if !session.has_errors() => analyze::analyze(rules, &session.sources),
        _ => Vec::new(),
    };
    let mut shown = session.problems.clone();
    shown.extend(findings.iter().cloned());
    eprint!(
        "{}",
        human::render_problems(&shown, &session.sources, stderr_color(args.color))
    );
    match rules {
        Some(rules) if !session.has_errors() => {
            let summary = format!(
                "{} rules, {} indicators, {} tables for {} ({}–{})",
                rules.rules.len(),
                rules.indicators.len(),
                rules.tables.len(),
                rules.plan.entity,
                rules.plan.period.0,
                rules.plan.period.1
            );
            if findings.is_empty() {
                eprintln!("rules ok: {summary}");
                Status::Clean
            } else {
                eprintln!(
                    "rules read: {summary}; the analysis across rules found {} problem{}",
                    findings.len(),
                    if findings.len() == 1 { "" } else { "s" }
                );
                Status::Findings
            }
        }
        _ => Status::Unreadable,
    }
}
