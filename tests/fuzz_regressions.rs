//! Every input a fuzz target ever crashed on, kept as it was found and run the way
//! that target runs it (`fuzz/fuzz_targets/`), with a snapshot of what a person sees.
//! A new crash goes in `tests/fixtures/fuzz/<target>/`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops at the first thing that is not as expected"
)]

use plancheck::report::human;
use plancheck::session::Session;
use std::path::PathBuf;

fn jianwei_schema() -> plancheck::data::Schema {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules/jianwei");
    Session::new()
        .load_rules(&[dir])
        .expect("the Jianwei rules check")
        .schema()
}

/// What reading `bytes` as `name` reports, and how many values it kept.
fn read_as(name: &str, bytes: &[u8]) -> String {
    let mut sources = plancheck::source::Sources::new();
    let mut data = plancheck::data::Submission::default();
    let problems =
        plancheck::data::read_bytes(name, bytes, &jianwei_schema(), &mut sources, &mut data);
    format!(
        "{}--- {} values kept\n",
        human::render_problems(&problems, &sources, false),
        data.observation_count()
    )
}

#[test]
fn read_long_csv() {
    insta::glob!("fixtures/fuzz/read_long_csv/*", |path: &std::path::Path| {
        let bytes = std::fs::read(path).expect("a fixture");
        // Named by the file, so that a second crash does not rename the first one's snapshot.
        let name = path
            .file_name()
            .expect("a file")
            .to_string_lossy()
            .into_owned();
        insta::with_settings!({ snapshot_suffix => name }, {
            insta::assert_snapshot!(read_as("data.csv", &bytes));
        });
    });
}
