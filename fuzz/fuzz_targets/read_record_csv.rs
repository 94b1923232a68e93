//! Any bytes, read as a record table (`enterprises.csv`) against the Jianwei schema.
#![no_main]

use libfuzzer_sys::fuzz_target;
use plancheck_fuzz_support::jianwei_schema;

#[path = "../support.rs"]
mod plancheck_fuzz_support;

fuzz_target!(|bytes: &[u8]| {
    let mut sources = plancheck::source::Sources::new();
    let mut data = plancheck::data::Submission::default();
    let _ = plancheck::data::read_bytes(
        "enterprises.csv",
        bytes,
        jianwei_schema(),
        &mut sources,
        &mut data,
    );
});
