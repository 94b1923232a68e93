use super::{Color, Status, stderr_color};
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
    eprint!(
        "{}",
        human::render_problems(
            &session.problems,
            &session.sources,
            stderr_color(args.color)
        )
    );
    match rules {
        Some(rules) if !session.has_errors() => {
            eprintln!(
                "rules ok: {} rules, {} indicators, {} tables for {} ({}–{})",
                rules.rules.len(),
                rules.indicators.len(),
                rules.tables.len(),
                rules.plan.entity,
                rules.plan.period.0,
                rules.plan.period.1
            );
            Status::Clean
        }
        _ => Status::Unreadable,
    }
}
