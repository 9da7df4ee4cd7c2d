//! Command-line interface: the arguments of each command and the function that runs it,
//! one file a command (`ingest.rs`, `build.rs`, ...). This file only parses and dispatches;
//! what several commands share is in `common.rs`, `live.rs` and `report.rs`, and what the
//! library needs lives in the library.

mod build;
mod check;
mod classify;
mod common;
mod diff;
mod eval;
mod explain;
mod flows;
mod ingest;
mod init_templates;
mod live;
mod policy;
mod report;
mod rules;

use crate::config::Config;
use anyhow::Result;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "toolcat",
    version,
    about = "Classify MCP servers' tools by what they can do and how risky they are, and publish the catalogue as a static site.",
    long_about = "toolcat reads the tool definitions MCP servers answer to tools/list, classifies every tool \
(read, write, execute, destructive, financial; low to critical risk) with documented rules that quote \
the definition, and renders a static documentation site.\n\nExit status: 0 success, 1 findings (check), \
2 usage or input error, 3 a live server could not be listed, 130 interrupted."
)]
pub struct Cli {
    /// Configuration file (default: ./toolcat.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

// The doc comments below are `--help` text, written for a terminal, not for rustdoc.
#[allow(
    rustdoc::broken_intra_doc_links,
    rustdoc::private_intra_doc_links,
    rustdoc::invalid_html_tags
)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read tool definitions from files into the catalogue.
    ///
    /// Accepts tools/list results, JSON-RPC responses or line streams, bare arrays of tools,
    /// Docker catalogue tools.json files, corpus server files and toolcat catalogue files.
    /// A directory means every .json and .jsonl file below it. All inputs are read and
    /// checked first; if any fails, nothing is written (exit 2).
    ///
    /// Or list the tools of running servers: `--stdio -- COMMAND ARGS...` spawns one
    /// (initialize, tools/list to the last page, then shut down), `--mcp-config FILE`
    /// every server of a Claude Desktop, Cursor or VS Code configuration. Exit 3 when some
    /// server failed (the others are still ingested).
    Ingest(ingest::Args),
    /// Classify the catalogue and write the static site.
    ///
    /// A full build writes the site in a staging directory beside --out and swaps it in
    /// only when complete, so a failed build leaves the previous site untouched. When
    /// --out holds a site built by this version of toolcat with the same settings and
    /// templates, the build is incremental: only the servers whose catalogue files
    /// changed, and the shared pages that include them, are rendered again; the result is
    /// the same as a full build. --full turns this off.
    ///
    /// Ctrl-C stops a build cleanly (exit status 130): a full build removes its staging
    /// directory and keeps the previous site; an incremental build stopped while writing
    /// says so, and the next build is a full one.
    Build(build::Args),
    /// Print a verdict for every tool, sorted by server then tool.
    Classify(classify::Args),
    /// Show the verdict for one tool and every rule that fired, with the text it matched.
    Explain(explain::Args),
    /// Measure the classifier against a labels file (JSON lines with id and category).
    ///
    /// Prints accuracy (all labels and those marked sure), the confusion matrix, how many
    /// verdicts need review, what the default policy does with tools labelled dangerous,
    /// a reliability table (confidence bands against measured accuracy) and every
    /// disagreement with the rules that fired.
    Eval(eval::Args),
    /// List the classifier's rules, or print one rule's documentation.
    Rules(rules::Args),
    /// Compare what servers expose now with the reviewed catalogue: the CI gate.
    ///
    /// Inputs are saved dumps (anything `ingest` reads) or live servers (--stdio, --url,
    /// --mcp-config). Findings: tools added, removed or changed (each field, each schema
    /// change with its JSON pointer, breaking ones marked), risk escalations, riskier
    /// annotations, new risk signals, unreachable servers. Exit 1 when a finding at or above
    /// --fail-on remains, 0 when clean, 2 on usage or input errors, 3 when a server could not
    /// be listed (unless --allow-unreachable). Ignore findings with [[check.ignore]] in
    /// toolcat.toml; accept the current state with --update.
    Check(check::Args),
    /// Compare any two catalogues, catalogue files or dumps, as `check` does.
    Diff(diff::Args),
    /// Find the risk between tools: the toxic combination the given servers make together
    /// (a tool reading private data, one bringing untrusted content, one sending data out,
    /// all reachable by one agent), the fewest tools to gate to break it, tool names two
    /// servers share, and shadowing (a description naming another server's tool, a name
    /// that only reads like another's). Exit 0 whether or not a combination exists, unless
    /// --fail-on; 3 when a live server could not be listed (the answer would miss its tools).
    Flows(flows::Args),
    /// Write the default policy of a server, or of every server, in a dialect that proxies
    /// and clients load; or validate an Intercept policy file with --check.
    ///
    /// Decisions come from each tool's verdict (overrides included) under a profile:
    /// reads allowed under a server-wide cap, writes and executes rate-limited, destructive
    /// tools hidden, financial tools denied, and every tool not listed denied. Set the
    /// profile and its limits in toolcat.toml under [policy].
    Policy(policy::Args),
    /// Copy the built-in templates and stylesheet into DIR, to edit and pass to
    /// `build --templates DIR`. Files you delete from DIR fall back to the built-in ones.
    InitTemplates(init_templates::Args),
}

/// Run a parsed command line; the value is the process exit status.
pub fn run(cli: Cli) -> Result<u8> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Ingest(args) => ingest::run(args),
        Command::Check(args) => check::run(args, &config),
        Command::Diff(args) => diff::run(args, &config),
        Command::Build(args) => build::run(&args, &config),
        Command::InitTemplates(args) => init_templates::run(&args),
        Command::Policy(args) => policy::run(args, &config),
        Command::Flows(args) => flows::run(&args, &config),
        Command::Classify(args) => classify::run(&args, &config),
        Command::Explain(args) => explain::run(&args, &config),
        Command::Eval(args) => eval::run(&args, &config),
        Command::Rules(args) => rules::run(&args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
