//! toolcat's integration tests: one binary, a module per area.

mod classify;
mod cli;
mod common;
mod determinism;
mod ingest;
mod markdown;
mod slugs;
mod write;
