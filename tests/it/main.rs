//! toolcat's integration tests: one binary, a module per area.

// Test helpers read toolcat's own output, whose file names are exact.
#![allow(
    clippy::case_sensitive_file_extension_comparisons,
    clippy::many_single_char_names
)]

mod check;
mod classify;
mod cli;
mod common;
mod determinism;
mod dialects;
mod flows;
mod hostile;
mod html;
mod incremental;
mod ingest;
mod interrupt;
mod live;
mod markdown;
mod policy;
mod site;
mod slugs;
mod write;
