//! What every CLI test shows: the command, its exit status, stdout and stderr.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]
// Each test crate uses part of this module.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The raw result of `plancheck ARGS` in `dir`, without colour, with `envs` set.
pub fn output_in(dir: &Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plancheck"))
        .args(args)
        .env("NO_COLOR", "1")
        .envs(envs.iter().copied())
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

/// The raw result of `plancheck ARGS` at the repository's root.
pub fn output(args: &[&str], envs: &[(&str, &str)]) -> Output {
    output_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, envs)
}

/// Runs `plancheck ARGS` in `dir` without colour.
pub fn run_in(dir: &Path, args: &[&str]) -> (i32, String) {
    let output = output_in(dir, args, &[]);
    let code = output.status.code().unwrap_or(-1);
    let shown = format!(
        "$ plancheck {}\nexit status: {code}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (code, shown)
}

/// Runs `plancheck ARGS` at the repository's root.
pub fn run(args: &[&str]) -> String {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args).1
}

/// Every rule set of the repository: the directories under `rules/`, sorted.
pub fn rule_set_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("rules/ is readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no rule sets under rules/");
    dirs
}
