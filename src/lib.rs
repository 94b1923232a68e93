//! plancheck: checks submitted annual statistics against a development plan's targets.

pub mod analyze;
pub mod check;
pub mod data;
pub mod diagnostic;
pub mod eval;
pub mod explain;
pub mod fmt;
pub mod init;
pub mod report;
pub mod ruletest;
pub mod session;
pub mod source;
pub mod syntax;
pub mod units;
