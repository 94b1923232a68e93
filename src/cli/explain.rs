use super::{Color, Status, eprint_problems};
use plancheck::diagnostic::{Problem, did_you_mean};
use plancheck::explain::{self, Lang};
use plancheck::session::Session;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Language {
    Zh,
    En,
}

#[derive(clap::Args)]
pub struct Args {
    /// Rule ids to explain; every rule of the set when none is given.
    rule_ids: Vec<String>,
    /// A rule file or a directory of `.pcl` files; may be repeated.
    #[arg(long, required = true)]
    rules: Vec<PathBuf>,
    /// The language of the explanation; both, English first, when not given.
    #[arg(long, value_enum)]
    lang: Option<Language>,
    #[arg(long, value_enum, default_value_t)]
    color: Color,
}

pub fn run(args: Args) -> Status {
    let mut session = Session::new();
    let Some(rules) = session.load_rules(&args.rules) else {
        eprint_problems(&session, args.color);
        eprintln!("the rules could not be read; nothing was explained");
        return Status::Unreadable;
    };
    let mut chosen = Vec::new();
    for id in &args.rule_ids {
        match rules.rule(id) {
            Some(rule) => chosen.push(rule),
            None => {
                let mut problem =
                    Problem::error("unknown-rule", format!("no rule `{id}` in this rule set"));
                if let Some(close) = did_you_mean(id, rules.rules.iter().map(|r| r.id.as_str())) {
                    problem = problem.help(format!("did you mean `{close}`?"));
                }
                session.problems.push(problem);
            }
        }
    }
    if args.rule_ids.is_empty() {
        chosen = rules.rules.iter().collect();
    }
    if session.has_errors() {
        eprint_problems(&session, args.color);
        return Status::Unreadable;
    }
    let languages: &[Lang] = match args.lang {
        Some(Language::En) => &[Lang::En],
        Some(Language::Zh) => &[Lang::Zh],
        None => &[Lang::En, Lang::Zh],
    };
    let cards: Vec<String> = chosen
        .iter()
        .flat_map(|rule| {
            languages
                .iter()
                .map(|lang| explain::explain(&rules, &session.sources, rule, *lang))
        })
        .collect();
    print!("{}", cards.join("\n"));
    Status::Clean
}
