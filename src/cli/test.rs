use super::{Color, Status, eprint_problems};
use plancheck::ruletest;
use plancheck::session::Session;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Rule set directories; each one's tests are the `.pct` files under its `tests/`.
    #[arg(required = true)]
    rule_sets: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    color: Color,
}

pub fn run(args: Args) -> Status {
    let mut status = Status::Clean;
    for dir in &args.rule_sets {
        let mut session = Session::new();
        let report = ruletest::run(&mut session, dir);
        eprint_problems(&session, args.color);
        match report {
            None => {
                eprintln!(
                    "{}: the rules or their tests could not be read",
                    dir.display()
                );
                status = Status::Unreadable;
            }
            Some(report) => {
                print!("{}", ruletest::render(dir, &report));
                if report.failed() > 0 && status == Status::Clean {
                    status = Status::Findings;
                }
            }
        }
    }
    status
}
