//! toolcat: a risk catalogue of MCP tools.
//!
//! Pipeline: [`ingest`] (inputs to [`model`] servers) → [`catalog`] (the reviewed
//! files on disk) → [`classify`] (pure: tool in, verdict with evidence out) →
//! [`render`] (views to HTML) → [`write`](mod@write) (the only module that writes outputs).
//! See `ARCHITECTURE.md`.

pub mod catalog;
pub mod check;
pub mod classify;
pub mod cli;
pub mod config;
pub mod eval;
pub mod flows;
pub mod ingest;
pub mod interrupt;
pub mod json;
pub mod live;
pub mod markdown;
pub mod model;
pub mod policy;
pub mod render;
pub mod schema;
pub mod site;
pub mod slug;
pub mod synth;
pub mod untrusted;
pub mod write;
