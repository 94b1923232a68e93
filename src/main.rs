//! The `plancheck` command: parse arguments, call the library, map the result to an exit status.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    // A panic is a bug, never a verdict: report it and exit with a status of its own.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("internal error: plancheck crashed ({info})");
        eprintln!(
            "this is a bug in plancheck, not in your data: please file it with the command and files that caused it"
        );
    }));
    match std::panic::catch_unwind(cli::run) {
        Ok(status) => status.code(),
        Err(_) => ExitCode::from(cli::INTERNAL_ERROR),
    }
}
