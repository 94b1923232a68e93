use super::{Color, Status, eprint_problems};
use plancheck::fmt;
use plancheck::session::Session;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Rule files or directories of `.pcl` files.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Change nothing; show a diff and exit with status 1 when a file is not formatted.
    #[arg(long)]
    check: bool,
    #[arg(long, value_enum, default_value_t)]
    color: Color,
}

pub fn run(args: Args) -> Status {
    let mut session = Session::new();
    let files: Vec<PathBuf> = args
        .paths
        .iter()
        .flat_map(|p| session.rule_files(p))
        .collect();
    let (mut changed, mut unchanged) = (0, 0);
    for path in &files {
        let shown = path.display().to_string();
        // A file that cannot be read as UTF-8 is reported and left as it is.
        let Some(text) = session.read_utf8(path, "rule file") else {
            continue;
        };
        let id = session.sources.add(shown.clone(), text);
        let text = session.sources.text(id);
        let formatted = match fmt::format_text(id, text) {
            Ok(formatted) => formatted,
            Err(problems) => {
                session.problems.extend(problems);
                continue;
            }
        };
        if formatted == text {
            unchanged += 1;
            continue;
        }
        changed += 1;
        if args.check {
            print!("{}", fmt::unified_diff(&shown, text, &formatted));
        } else if let Err(e) = fmt::write_atomically(path, &formatted) {
            changed -= 1;
            session.problems.push(plancheck::diagnostic::Problem::error(
                "unwritable-file",
                format!("cannot write `{shown}`: {e}; it is left as it was"),
            ));
        } else {
            eprintln!("formatted {shown}");
        }
    }
    eprint_problems(&session, args.color);
    let verb = if args.check {
        "would be reformatted"
    } else {
        "reformatted"
    };
    eprintln!(
        "{changed} {} {verb}, {unchanged} already formatted",
        files_word(changed)
    );
    if session.has_errors() {
        Status::Unreadable
    } else if args.check && changed > 0 {
        Status::Findings
    } else {
        Status::Clean
    }
}

fn files_word(n: usize) -> &'static str {
    if n == 1 { "file" } else { "files" }
}
