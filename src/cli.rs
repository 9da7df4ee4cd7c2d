//! Command-line interface: argument parsing and one function per command.

use crate::catalog::{self, Catalog};
use crate::classify::{rules, Verdict};
use crate::config::Config;
use crate::ingest::{self, Naming};
use crate::model::{Server, Tool};
use crate::policy::counted;
use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};

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
#[allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]
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
    Ingest {
        /// Files or directories to read.
        #[arg(value_name = "FILE|DIR", required_unless_present_any = ["stdio", "mcp_config", "url"])]
        paths: Vec<PathBuf>,
        /// Server name for inputs that do not name one (default: the file stem); the name
        /// of a --stdio server.
        #[arg(long, alias = "name", value_name = "NAME")]
        server: Option<String>,
        /// Package id such as npm:@scope/name or pypi:name (default for a live server: read
        /// from its command, as in `npx -y @scope/pkg@1.2.3` or `uvx pkg==1.0`).
        #[arg(long, value_name = "ID")]
        package: Option<String>,
        /// Catalogue directory.
        #[arg(long, default_value = "catalog", value_name = "DIR")]
        catalog: PathBuf,
        #[command(flatten)]
        live: LiveArgs,
        /// Print what would change in the catalogue without writing it.
        #[arg(long)]
        dry_run: bool,
    },
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
    Build {
        /// Catalogue directory.
        #[arg(long, default_value = "catalog", value_name = "DIR")]
        catalog: PathBuf,
        /// Output directory.
        #[arg(long, default_value = "site", value_name = "DIR")]
        out: PathBuf,
        /// Templates that replace the built-in ones file by file (see init-templates).
        #[arg(long, value_name = "DIR")]
        templates: Option<PathBuf>,
        /// Replace --out even when it is a non-empty directory toolcat did not write.
        #[arg(long)]
        force: bool,
        /// Render the whole site, even when an incremental build could reuse --out.
        #[arg(long)]
        full: bool,
    },
    /// Print a verdict for every tool, sorted by server then tool.
    Classify {
        /// Inputs as for `ingest` (classified under their file stem); the catalogue when none.
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// A table, or JSON with the evidence (one document, or one line a tool).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Catalogue directory.
        #[arg(long, default_value = "catalog", value_name = "DIR")]
        catalog: PathBuf,
    },
    /// Show the verdict for one tool and every rule that fired, with the text it matched.
    Explain {
        /// SERVER/TOOL, as in the catalogue.
        id: String,
        /// Catalogue directory.
        #[arg(long, default_value = "catalog", value_name = "DIR")]
        catalog: PathBuf,
    },
    /// Measure the classifier against a labels file (JSON lines with id and category).
    ///
    /// Prints accuracy (all labels and those marked sure), the confusion matrix, how many
    /// verdicts need review, what the default policy does with tools labelled dangerous,
    /// a reliability table (confidence bands against measured accuracy) and every
    /// disagreement with the rules that fired.
    Eval {
        /// Labels files, one JSON object a line: {"id": "SERVER/TOOL", "category":
        /// "read", "sure": true}. Several files are measured together.
        #[arg(required = true)]
        labels: Vec<PathBuf>,
        /// Catalogue directory.
        #[arg(long, default_value = "catalog", value_name = "DIR")]
        catalog: PathBuf,
        /// Also print accuracy and needs-review counts server by server.
        #[arg(long)]
        by_server: bool,
    },
    /// List the classifier's rules, or print one rule's documentation.
    Rules {
        /// A rule code (TC001) or name.
        code: Option<String>,
    },
    /// Compare what servers expose now with the reviewed catalogue: the CI gate.
    ///
    /// Inputs are saved dumps (anything `ingest` reads) or live servers (--stdio, --url,
    /// --mcp-config). Findings: tools added, removed or changed (each field, each schema
    /// change with its JSON pointer, breaking ones marked), risk escalations, riskier
    /// annotations, new risk signals, unreachable servers. Exit 1 when a finding at or above
    /// --fail-on remains, 0 when clean, 2 on usage or input errors, 3 when a server could not
    /// be listed (unless --allow-unreachable). Ignore findings with [[check.ignore]] in
    /// toolcat.toml; accept the current state with --update.
    Check {
        /// Saved tools/list answers or server files to compare.
        #[arg(value_name = "DUMP")]
        paths: Vec<PathBuf>,
        /// The reviewed catalogue.
        #[arg(long, default_value = "catalog", value_name = "DIR")]
        catalog: PathBuf,
        /// The catalogued server a dump is compared with, when the dump does not say.
        #[arg(long, alias = "name", value_name = "NAME")]
        server: Option<String>,
        #[command(flatten)]
        live: LiveArgs,
        /// How to write the output.
        #[arg(long, value_enum, default_value = "text")]
        format: crate::check::report::Format,
        /// Fail on findings at or above: low, medium, high, critical, any or none.
        #[arg(long, default_value = "high", value_parser = parse_fail_on)]
        fail_on: FailOn,
        /// Unreachable servers are reported but do not make the exit status 3.
        #[arg(long)]
        allow_unreachable: bool,
        /// Accept the current state into the catalogue after reporting.
        #[arg(long)]
        update: bool,
        /// Write the report to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Also write the same findings in another format, from this one run: FORMAT=FILE
        /// (`-` for standard output); repeatable, e.g. `--report sarif=toolcat.sarif
        /// --report markdown=toolcat.md`.
        #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report)]
        reports: Vec<ReportOutput>,
    },
    /// Compare any two catalogues, catalogue files or dumps, as `check` does.
    Diff {
        /// The state before: a catalogue directory, a catalogue file or a dump.
        old: PathBuf,
        /// The state after, of the same kind.
        new: PathBuf,
        /// How to write the report.
        #[arg(long, value_enum, default_value = "text")]
        format: crate::check::report::Format,
        /// Fail on findings at or above: low, medium, high, critical, any or none.
        #[arg(long, default_value = "high", value_parser = parse_fail_on)]
        fail_on: FailOn,
        /// Write the report to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Also write the same findings in another format: FORMAT=FILE, as for `check`.
        #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report)]
        reports: Vec<ReportOutput>,
    },
    /// Write the default policy of a server, or of every server, in a dialect that proxies
    /// and clients load; or validate an Intercept policy file with --check.
    ///
    /// Decisions come from each tool's verdict (overrides included) under a profile:
    /// reads allowed under a server-wide cap, writes and executes rate-limited, destructive
    /// tools hidden, financial tools denied, and every tool not listed denied. Set the
    /// profile and its limits in toolcat.toml under [policy].
    Policy {
        /// The server's slug (its file name in the catalogue).
        #[arg(required_unless_present_any = ["all", "check"])]
        server: Option<String>,
        /// Every server of the catalogue; needs --out DIR.
        #[arg(long, conflicts_with = "server")]
        all: bool,
        /// The dialect to write.
        #[arg(long, value_enum, default_value = "intercept")]
        format: crate::policy::Dialect,
        /// The file to write (one server) or the directory (--all); standard output if not
        /// given. With --all, files are named <server-slug>.yaml, .json or .claude.json.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// default, strict or permissive (overrides [policy] profile in toolcat.toml).
        #[arg(long)]
        profile: Option<String>,
        /// Execute tools require a person's approval instead of a rate limit.
        #[arg(long)]
        approval: bool,
        /// The server's key in the user's MCP configuration, for Claude Code rules
        /// (mcp__<key>__<tool>); defaults to the catalogue slug.
        #[arg(long, value_name = "KEY", conflicts_with = "all")]
        server_key: Option<String>,
        /// Validate this Intercept YAML policy: every error with its line and column.
        /// Exit 1 when it has errors, 2 when it cannot be read.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["server", "all"])]
        check: Option<PathBuf>,
        /// Catalogue directory.
        #[arg(long, default_value = "catalog", value_name = "DIR")]
        catalog: PathBuf,
    },
    /// Copy the built-in templates and stylesheet into DIR, to edit and pass to
    /// `build --templates DIR`. Files you delete from DIR fall back to the built-in ones.
    InitTemplates {
        /// Where to copy them (created when missing).
        dir: PathBuf,
        /// Overwrite files that already exist in DIR.
        #[arg(long)]
        force: bool,
    },
}

/// Where to list tools from live servers (shared by `ingest` and `check`).
#[derive(Debug, Clone, clap::Args)]
pub struct LiveArgs {
    /// Spawn the stdio MCP server given after `--` and list its tools.
    #[arg(long, conflicts_with_all = ["paths", "mcp_config", "url"], requires = "command")]
    stdio: bool,
    /// The server's command and arguments, after `--`.
    #[arg(last = true, value_name = "COMMAND")]
    command: Vec<String>,
    /// An environment variable for the --stdio server, K=V (only names are recorded).
    #[arg(long = "env", value_name = "K=V")]
    env: Vec<String>,
    /// List the tools of a streamable-HTTP server at this URL.
    #[arg(long, value_name = "URL", conflicts_with_all = ["paths", "mcp_config"])]
    url: Option<String>,
    /// A header for the --url server, 'K: V' (only names are recorded).
    #[arg(long = "header", value_name = "K: V", requires = "url")]
    headers: Vec<String>,
    /// Every server of a client configuration file (`mcpServers` or `servers`).
    #[arg(long, value_name = "FILE", conflicts_with = "paths")]
    mcp_config: Option<PathBuf>,
    /// With --mcp-config: only this server (repeatable).
    #[arg(long, value_name = "NAME", requires = "mcp_config")]
    only: Vec<String>,
    /// Seconds a live server has to answer everything.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    timeout: u64,
    /// No progress lines.
    #[arg(long)]
    quiet: bool,
}

impl LiveArgs {
    fn any(&self) -> bool {
        self.stdio || self.url.is_some() || self.mcp_config.is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Jsonl,
}

/// Run a parsed command line; the value is the process exit status.
pub fn run(cli: Cli) -> Result<u8> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Ingest {
            paths,
            server,
            package,
            catalog,
            live,
            dry_run,
        } => {
            let naming = Naming { server, package };
            let (servers, failed) = if live.any() {
                let (servers, failures) = list_live(&live, &naming)?;
                (servers, failures.len())
            } else {
                (
                    read_inputs(&paths, &naming).context("nothing was ingested")?,
                    0,
                )
            };
            write_ingested(&servers, &catalog, dry_run)?;
            Ok(if failed > 0 { 3 } else { 0 })
        }
        Command::Check {
            paths,
            catalog,
            server,
            live,
            format,
            fail_on,
            allow_unreachable,
            update,
            output,
            reports,
        } => cmd_check(
            &paths,
            &catalog,
            server,
            &live,
            &CheckOptions {
                outputs: outputs(format, output, reports),
                fail_on,
                allow_unreachable,
                update,
            },
            &config,
        ),
        Command::Diff {
            old,
            new,
            format,
            fail_on,
            output,
            reports,
        } => cmd_diff(
            &old,
            &new,
            &outputs(format, output, reports),
            fail_on,
            &config,
        ),
        Command::Build {
            catalog,
            out,
            templates,
            force,
            full,
        } => cmd_build(
            &catalog,
            &out,
            templates.as_deref(),
            crate::site::Options { force, full },
            &config,
        ),
        Command::InitTemplates { dir, force } => cmd_init_templates(&dir, force),
        Command::Policy {
            server,
            all,
            format,
            out,
            profile,
            approval,
            server_key,
            check,
            catalog,
        } => {
            if let Some(file) = check {
                return cmd_policy_check(&file);
            }
            let opts = crate::policy::Options {
                profile: config.policy.profile(profile.as_deref())?,
                approval,
                server_key,
            };
            cmd_policy(
                server.as_deref(),
                all,
                format,
                out.as_deref(),
                &opts,
                &catalog,
                &config,
            )
        }
        Command::Classify {
            paths,
            format,
            catalog,
        } => cmd_classify(&paths, format, &catalog, &config),
        Command::Explain { id, catalog } => cmd_explain(&id, &catalog, &config),
        Command::Eval {
            labels,
            catalog,
            by_server,
        } => cmd_eval(&labels, &catalog, by_server, &config),
        Command::Rules { code } => cmd_rules(code.as_deref()),
    }
}

fn stdout_line(s: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())?;
    if !s.ends_with('\n') {
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Read every input; all-or-nothing.
fn read_inputs(paths: &[PathBuf], naming: &Naming) -> Result<Vec<Server>> {
    let files = ingest::expand_inputs(paths)?;
    if files.is_empty() {
        bail!(
            "no .json or .jsonl files found in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if naming.server.is_some() && files.len() > 1 {
        bail!(
            "--server names one server, but {} input files were given",
            files.len()
        );
    }
    let mut servers = Vec::new();
    let mut errors = Vec::new();
    for file in &files {
        match ingest::read_file(file, naming) {
            Ok((server, diags)) => {
                for d in diags {
                    eprintln!("warning: {}", crate::markdown::visible(&d.to_string()));
                }
                servers.push(server);
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        bail!(
            "{} of {} input files could not be read:\n  {}",
            errors.len(),
            files.len(),
            errors.join("\n  ")
        );
    }
    let mut seen = std::collections::BTreeMap::new();
    for (s, f) in servers.iter().zip(&files) {
        if let Some(prev) = seen.insert(s.server.slug.clone(), f) {
            bail!(
                "{} and {} both name server `{}`",
                prev.display(),
                f.display(),
                s.server.slug
            );
        }
    }
    Ok(servers)
}

struct LiveOptions {
    limits: crate::live::Limits,
    quiet: bool,
}

fn stdio_spec(command: &[String], env: &[String]) -> Result<crate::live::StdioSpec> {
    let Some((program, args)) = command.split_first() else {
        bail!("--stdio needs the server's command after `--`");
    };
    let mut vars = std::collections::BTreeMap::new();
    for kv in env {
        let Some((k, v)) = kv.split_once('=') else {
            bail!("--env {kv}: expected K=V");
        };
        vars.insert(k.to_string(), v.to_string());
    }
    Ok(crate::live::StdioSpec::new(
        program.clone(),
        args.to_vec(),
        vars,
    ))
}

/// The live servers `live` names, listed; failures are `(name, error)`.
/// Servers listed, and `(name, error)` for each that could not be.
type Listed = (Vec<Server>, Vec<(String, String)>);

fn list_live(live: &LiveArgs, naming: &Naming) -> Result<Listed> {
    let opts = LiveOptions {
        limits: crate::live::Limits {
            timeout: std::time::Duration::from_secs(live.timeout.max(1)),
            ..crate::live::Limits::default()
        },
        quiet: live.quiet,
    };
    let entries = if live.stdio {
        let spec = stdio_spec(&live.command, &live.env)?;
        let name = naming.server.clone().unwrap_or_else(|| {
            crate::live::package_of(&spec).map_or_else(
                || ingest::file_stem(Path::new(&spec.program)),
                |(p, _)| p.rsplit(['/', ':']).next().unwrap_or(&p).to_string(),
            )
        });
        vec![(name, crate::live::Target::Stdio(spec))]
    } else if let Some(url) = &live.url {
        let mut map = std::collections::BTreeMap::new();
        for h in &live.headers {
            let Some((k, v)) = h.split_once(':') else {
                bail!("--header {h}: expected 'Name: value'");
            };
            map.insert(k.trim().to_string(), v.trim().to_string());
        }
        let name = naming
            .server
            .clone()
            .unwrap_or_else(|| crate::live::name_from_url(url));
        vec![(
            name,
            crate::live::Target::Http {
                url: url.clone(),
                headers: map,
                written: crate::live::Written::default(),
            },
        )]
    } else if let Some(file) = &live.mcp_config {
        let mut entries = crate::live::config(file)?;
        for o in &live.only {
            if !entries.contains_key(o) {
                bail!("--only {o}: no such server in {}", file.display());
            }
        }
        if !live.only.is_empty() {
            entries.retain(|k, _| live.only.contains(k));
        }
        entries.into_iter().collect()
    } else {
        Vec::new()
    };
    let naming = if live.mcp_config.is_some() {
        Naming::default()
    } else {
        naming.clone()
    };
    Ok(live_servers(entries, &naming, &opts))
}

/// List live servers one by one; a server that fails is reported and the others kept.
/// Returns the servers listed and the failures.
fn live_servers(
    entries: Vec<(String, crate::live::Target)>,
    naming: &Naming,
    opts: &LiveOptions,
) -> Listed {
    let mut servers = Vec::new();
    let mut failed = Vec::new();
    let interactive = !opts.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    for (name, entry) in entries {
        let started = std::time::Instant::now();
        // A spinner on a terminal; plain lines in logs.
        let spinner = interactive.then(|| {
            let s = indicatif::ProgressBar::new_spinner();
            s.set_message(format!("{name}: listing tools..."));
            s.enable_steady_tick(std::time::Duration::from_millis(100));
            s
        });
        if !opts.quiet && spinner.is_none() {
            eprintln!("{name}: listing tools...");
        }
        let result = crate::live::list(&entry, opts.limits).and_then(|listing| {
            let doc = listing.to_server_json(&name, &entry);
            let naming = Naming {
                server: Some(name.clone()),
                package: naming.package.clone(),
            };
            let source = PathBuf::from(format!("{name} ({})", entry.shown()));
            ingest::parse_text(&doc.to_string(), &source, &naming)
                .map(|(s, _)| (s, listing.pages))
                .map_err(|e| anyhow::anyhow!("{e}"))
        });
        if let Some(s) = spinner {
            s.finish_and_clear();
        }
        match result {
            Ok((server, pages)) => {
                if !opts.quiet {
                    eprintln!(
                        "{name}: {} in {}, {:.1} s",
                        counted(server.tools.len(), "tool"),
                        counted(pages, "page"),
                        started.elapsed().as_secs_f64()
                    );
                }
                servers.push(server);
            }
            Err(e) => {
                // The transport's errors may quote the URL, a header or an expanded
                // variable: none of them reaches a log or a report.
                let e = entry.redact(&format!("{e:#}"));
                eprintln!("error: server {name}: {}", crate::markdown::visible(&e));
                failed.push((name, e));
            }
        }
    }
    (servers, failed)
}

/// Write the ingested servers into the catalogue, all or none, then say what changed.
fn write_ingested(servers: &[Server], dir: &Path, dry_run: bool) -> Result<()> {
    let mut batch = crate::write::Batch::default();
    let mut changes = Vec::with_capacity(servers.len());
    if !dry_run && !servers.is_empty() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        // Ctrl-C while the temporary files are written leaves none behind.
        crate::interrupt::catch();
    }
    for server in servers {
        crate::interrupt::check().context("nothing was ingested")?;
        let path = catalog::server_path(dir, &server.server.slug);
        let existed = path.exists();
        let old = if existed {
            ingest::read_file(&path, &Naming::default())
                .map(|(s, _)| s.tools)
                .map_err(|e| anyhow::anyhow!("{e}"))?
        } else {
            Vec::new()
        };
        if !dry_run {
            batch
                .write(&path, catalog::to_json(server).as_bytes())
                .context("nothing was ingested")?;
        }
        changes.push((server, existed, catalog::compare(&old, &server.tools)));
    }
    batch.commit()?;
    for (server, existed, change) in changes {
        let verb = match (dry_run, existed) {
            (true, true) => "would update",
            (true, false) => "would add",
            (false, true) => "updated",
            (false, false) => "added",
        };
        stdout_line(&format!(
            "{verb} {} ({}): {} added, {} removed, {} changed",
            server.server.slug,
            counted(server.tools.len(), "tool"),
            change.added.len(),
            change.removed.len(),
            change.changed.len()
        ))?;
        for (sign, names) in [
            ("+", &change.added),
            ("-", &change.removed),
            ("~", &change.changed),
        ] {
            for n in names {
                stdout_line(&format!("  {sign} {}", crate::markdown::visible(n)))?;
            }
        }
    }
    Ok(())
}

/// A tool's verdict under the configuration.
fn verdict(config: &Config, server: &Server, tool: &Tool) -> Verdict {
    crate::classify::Classifier::new(config).verdict(server, tool)
}

fn warn_unused(config: &Config) {
    for w in config.unused_overrides() {
        eprintln!("warning: {w}");
    }
}

fn cmd_init_templates(dir: &Path, force: bool) -> Result<u8> {
    let written = crate::render::Templates::write_defaults(dir, force)?;
    eprintln!(
        "wrote {} templates into {}; build with --templates {}",
        written.len(),
        dir.display(),
        dir.display()
    );
    Ok(0)
}

fn cmd_build(
    catalog_dir: &Path,
    out: &Path,
    templates: Option<&Path>,
    options: crate::site::Options,
    config: &Config,
) -> Result<u8> {
    if let Some(dir) = templates {
        crate::site::refuse_input_inside(out, "templates folder", dir)?;
    }
    let templates = match templates {
        Some(dir) => crate::render::Templates::with_overrides(dir)?,
        None => crate::render::Templates::default(),
    };
    crate::interrupt::catch();
    let stats = crate::site::build(catalog_dir, out, config, &templates, options)?;
    warn_unused(config);
    if stats.incremental {
        eprintln!(
            "updated {}: {} of {} rendered again, {} written, {} removed ({} for {})",
            out.display(),
            stats.rendered_servers,
            counted(stats.servers, "server"),
            counted(stats.written, "file"),
            stats.removed,
            counted(stats.files, "file"),
            counted(stats.tools, "tool")
        );
    } else {
        eprintln!(
            "built {} for {} of {} into {}",
            counted(stats.files, "file"),
            counted(stats.tools, "tool"),
            counted(stats.servers, "server"),
            out.display()
        );
    }
    Ok(0)
}

fn load_for_classify(paths: &[PathBuf], dir: &Path) -> Result<Catalog> {
    let mut catalog = if paths.is_empty() {
        catalog::load(dir)?
    } else {
        Catalog {
            servers: read_inputs(paths, &Naming::default())?,
        }
    };
    catalog.normalize();
    Ok(catalog)
}

#[derive(serde::Serialize)]
struct Line<'a> {
    server: &'a str,
    tool: &'a str,
    #[serde(flatten)]
    verdict: &'a Verdict,
}

fn cmd_classify(paths: &[PathBuf], format: Format, dir: &Path, config: &Config) -> Result<u8> {
    let catalog = load_for_classify(paths, dir)?;
    let rows: Vec<(&Server, &Tool, Verdict)> = catalog
        .servers
        .iter()
        .flat_map(|s| s.tools.iter().map(move |t| (s, t)))
        .map(|(s, t)| (s, t, verdict(config, s, t)))
        .collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        // Invisible, direction-changing and control characters (C1 ones included, which
        // `serde_json` writes raw) become `\u` escapes: the values are the same, and a
        // terminal shows them instead of obeying them.
        Format::Jsonl => {
            for (s, t, v) in &rows {
                let line = serde_json::to_string(&Line {
                    server: &s.server.slug,
                    tool: &t.name,
                    verdict: v,
                })?;
                out.write_all(crate::markdown::escape_invisible(&line).as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
        Format::Json => {
            let lines: Vec<Line<'_>> = rows
                .iter()
                .map(|(s, t, v)| Line {
                    server: &s.server.slug,
                    tool: &t.name,
                    verdict: v,
                })
                .collect();
            let text = serde_json::to_string_pretty(&lines)?;
            out.write_all(crate::markdown::escape_invisible(&text).as_bytes())?;
            out.write_all(b"\n")?;
        }
        Format::Text => {
            let width = rows
                .iter()
                .map(|(s, t, _)| s.server.slug.len() + t.name.chars().count() + 1)
                .max()
                .unwrap_or(4)
                .min(72);
            writeln!(
                out,
                "{:<width$}  {:<11}  {:<8}  {:>4}  {:<6}  rules",
                "tool", "category", "risk", "conf", "review"
            )?;
            for (s, t, v) in &rows {
                let id = crate::markdown::visible(&format!("{}/{}", s.server.slug, t.name));
                writeln!(
                    out,
                    "{id:<width$}  {:<11}  {:<8}  {:>4.2}  {:<6}  {}",
                    v.category.as_str(),
                    v.risk.as_str(),
                    v.confidence,
                    if v.needs_review { "needed" } else { "-" },
                    v.rules.join(",")
                )?;
            }
        }
    }
    out.flush()?;
    warn_unused(config);
    Ok(0)
}

/// Split `SERVER/TOOL` at the first slash (tool names may contain slashes).
fn split_id(id: &str) -> Result<(&str, &str)> {
    id.split_once('/')
        .filter(|(s, t)| !s.is_empty() && !t.is_empty())
        .context("expected SERVER/TOOL, such as mcp-server-git/git_status")
}

fn cmd_explain(id: &str, dir: &Path, config: &Config) -> Result<u8> {
    let (server_slug, tool_name) = split_id(id)?;
    let catalog = catalog::load(dir)?;
    let server = catalog
        .server(server_slug)
        .with_context(|| format!("no server `{server_slug}` in {}", dir.display()))?;
    let tools: Vec<&Tool> = server
        .tools
        .iter()
        .filter(|t| t.name == tool_name)
        .collect();
    if tools.is_empty() {
        bail!("server `{server_slug}` has no tool `{tool_name}`");
    }
    for tool in tools {
        let v = verdict(config, server, tool);
        stdout_line(&explain_text(server, tool, &v))?;
    }
    Ok(0)
}

/// The text `toolcat explain` prints.
pub fn explain_text(server: &Server, tool: &Tool, v: &Verdict) -> String {
    use std::fmt::Write as _;
    let vis = crate::markdown::visible;
    let mut s = String::new();
    let _ = writeln!(s, "{}/{}", server.server.slug, vis(&tool.name));
    let _ = writeln!(s, "  category:   {}", v.category);
    let _ = writeln!(s, "  risk:       {}", v.risk);
    let _ = writeln!(s, "  confidence: {:.2}", v.confidence);
    if let Some(reason) = &v.review_reason {
        let _ = writeln!(
            s,
            "  review:     needs review: {reason}; policies put it behind approval until \
             an override in toolcat.toml decides it"
        );
    }
    if !v.signals.is_empty() {
        let _ = writeln!(s, "  signals:    {}", v.signals.join(", "));
    }
    if let Some(o) = &v.overridden {
        let _ = writeln!(
            s,
            "  override:   {} ({}; classifier said {}/{})",
            vis(&o.pattern),
            vis(&o.reason),
            o.classified_category,
            o.classified_risk
        );
    }
    for f in &v.findings {
        let _ = writeln!(s, "  finding:    {} {}", f.rule, vis(&f.message));
    }
    let _ = writeln!(s, "  evidence:");
    for e in &v.evidence {
        let name = rules::find(e.rule).map_or("", |r| r.name);
        let _ = writeln!(
            s,
            "    {} {name} [{}] -> {}",
            e.rule,
            vis(&e.source),
            e.effect
        );
        let _ = writeln!(s, "        \"{}\"", vis(&e.quote));
    }
    s
}

fn cmd_eval(files: &[PathBuf], dir: &Path, by_server: bool, config: &Config) -> Result<u8> {
    let mut labels = Vec::new();
    for f in files {
        labels.extend(crate::eval::read_labels(f)?);
    }
    let catalog = catalog::load(dir)?;
    let profile = config.policy.profile(None)?;
    let opts = crate::policy::Options {
        profile,
        ..crate::policy::Options::default()
    };
    let report = crate::eval::evaluate(&labels, |id| {
        let (s, t) = split_id(id).ok()?;
        let server = catalog.server(s)?;
        let tool = server.tools.iter().find(|x| x.name == t)?;
        let verdict = verdict(config, server, tool);
        let policy_allows = crate::policy::decide(tool, &verdict, &opts).allows();
        Some(crate::eval::Outcome {
            verdict,
            policy_allows,
        })
    });
    stdout_line(&crate::markdown::visible(&report.text(by_server)))?;
    stdout_line(&crate::markdown::visible(&annotation_agreement(
        &catalog, config,
    )))?;
    Ok(0)
}

/// How the verdicts of tools declaring `readOnlyHint: true` came out.
fn annotation_agreement(catalog: &Catalog, config: &Config) -> String {
    let (mut declared, mut read, mut explained, mut without_evidence) = (0, 0, 0, 0);
    let mut exceptions = Vec::new();
    for server in &catalog.servers {
        for tool in &server.tools {
            let v = verdict(config, server, tool);
            without_evidence += usize::from(v.evidence.is_empty());
            let claims = tool
                .annotations
                .as_ref()
                .and_then(crate::model::Annotations::read_only);
            if claims != Some(true) {
                continue;
            }
            declared += 1;
            if v.category == crate::model::Category::Read {
                read += 1;
            } else {
                let found = !v.findings.is_empty();
                explained += usize::from(found);
                exceptions.push(format!(
                    "  {}/{} -> {}{}",
                    server.server.slug,
                    crate::markdown::visible(&tool.name),
                    v.category,
                    if found {
                        " (contradiction finding)"
                    } else {
                        " (NO finding)"
                    }
                ));
            }
        }
    }
    let pct = if declared == 0 {
        0.0
    } else {
        100.0 * f64::from(read) / f64::from(declared)
    };
    format!(
        "declared readOnlyHint: true: {declared}; classified read: {read} ({pct:.2}%); \
         exceptions with a contradiction finding: {explained} of {}\n{}\nverdicts without evidence: {without_evidence}",
        declared - read,
        exceptions.join("\n")
    )
}

/// The documentation of one rule, as `toolcat rules CODE` prints it.
pub fn rule_text(r: &rules::Rule) -> String {
    use std::fmt::Write as _;
    let mut s = format!(
        "{} {}\n\nEffect: {}\n\n{}\n",
        r.code,
        r.name,
        r.effect,
        textwrap(r.explanation)
    );
    if !r.fires.is_empty() {
        s.push_str("\nFires on:\n");
        for e in r.fires {
            let _ = writeln!(s, "  {}", crate::markdown::visible(e));
        }
    }
    if !r.quiet.is_empty() {
        s.push_str("\nDoes not fire on:\n");
        for e in r.quiet {
            let _ = writeln!(s, "  {}", crate::markdown::visible(e));
        }
    }
    s
}

fn textwrap(text: &str) -> String {
    let mut out = String::new();
    let mut col = 0;
    for word in text.split_whitespace() {
        if col + word.len() > 88 && col > 0 {
            out.push('\n');
            col = 0;
        } else if col > 0 {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += word.len();
    }
    out
}

/// The `--fail-on` threshold: fail on findings at or above a severity, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailOn(pub Option<crate::model::Risk>);

/// `--fail-on`: a severity (case-insensitive), `any` (= low) or `none`.
fn parse_fail_on(s: &str) -> Result<FailOn, String> {
    match s.to_ascii_lowercase().as_str() {
        "none" => Ok(FailOn(None)),
        "any" => Ok(FailOn(Some(crate::model::Risk::Low))),
        other => other
            .parse::<crate::model::Risk>()
            .map(|r| FailOn(Some(r)))
            .map_err(|_| format!("`{s}`: expected low, medium, high, critical, any or none")),
    }
}

struct CheckOptions {
    /// Every report to write: `--format`/`--output`, then each `--report`.
    outputs: Vec<ReportOutput>,
    fail_on: FailOn,
    allow_unreachable: bool,
    update: bool,
}

/// A report's format and its file (`None`: standard output).
#[derive(Debug, Clone)]
pub struct ReportOutput {
    format: crate::check::report::Format,
    file: Option<PathBuf>,
}

/// `FORMAT=FILE`, `-` for standard output.
fn parse_report(s: &str) -> std::result::Result<ReportOutput, String> {
    let (format, file) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=FILE, got `{s}`"))?;
    let format = <crate::check::report::Format as clap::ValueEnum>::from_str(format, true)
        .map_err(|_| format!("unknown format `{format}` (text, json, sarif, markdown, github)"))?;
    if file.is_empty() {
        return Err(format!(
            "no file after `{format:?}=`; use `-` for standard output"
        ));
    }
    Ok(ReportOutput {
        format,
        file: (file != "-").then(|| PathBuf::from(file)),
    })
}

fn outputs(
    format: crate::check::report::Format,
    output: Option<PathBuf>,
    reports: Vec<ReportOutput>,
) -> Vec<ReportOutput> {
    std::iter::once(ReportOutput {
        format,
        file: output,
    })
    .chain(reports)
    .collect()
}

/// Where each catalogued tool's entry starts in its catalogue file.
fn catalogue_locations(
    dir: &Path,
    servers: &[&Server],
) -> std::collections::BTreeMap<(String, Option<String>), crate::check::report::Location> {
    let mut out = std::collections::BTreeMap::new();
    for s in servers {
        let path = catalog::server_path(dir, &s.server.slug);
        let file = path.display().to_string();
        out.insert(
            (s.server.slug.clone(), None),
            crate::check::report::Location {
                file: file.clone(),
                line: 1,
            },
        );
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let Some(rest) = line.trim_start().strip_prefix("\"name\": ") else {
                continue;
            };
            if let Ok(name) = serde_json::from_str::<String>(rest.trim_end_matches(',')) {
                out.entry((s.server.slug.clone(), Some(name))).or_insert(
                    crate::check::report::Location {
                        file: file.clone(),
                        line: i + 1,
                    },
                );
            }
        }
    }
    out
}

/// Write the report in every format asked for, from the one run.
fn emit_reports(report: &crate::check::report::Report, outputs: &[ReportOutput]) -> Result<()> {
    outputs
        .iter()
        .try_for_each(|o| emit_report(report, o.format, o.file.as_deref()))
}

fn emit_report(
    report: &crate::check::report::Report,
    format: crate::check::report::Format,
    output: Option<&Path>,
) -> Result<()> {
    let color = output.is_none()
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout());
    let text = report.render(format, color);
    if let Some(path) = output {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        return crate::write::write_file_atomic(path, text.as_bytes());
    }
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// Mark findings that `[[check.ignore]]` covers; warn about ignores that matched nothing.
fn apply_ignores(config: &Config, findings: &mut [crate::check::Finding]) {
    for f in findings.iter_mut() {
        if let Some(reason) = config.ignore_reason(f.code, &f.server, f.tool.as_deref()) {
            f.ignored = Some(reason);
        }
    }
    for w in config.unused_ignores() {
        eprintln!("warning: {w}");
    }
}

fn exit_status(findings: &[crate::check::Finding], fail_on: FailOn, unreachable: bool) -> u8 {
    if unreachable {
        return 3;
    }
    let failing = fail_on.0.is_some_and(|t| {
        findings
            .iter()
            .any(|f| f.ignored.is_none() && f.severity >= t)
    });
    u8::from(failing)
}

fn cmd_check(
    dumps: &[PathBuf],
    catalog_dir: &Path,
    server: Option<String>,
    live: &LiveArgs,
    opts: &CheckOptions,
    config: &Config,
) -> Result<u8> {
    if dumps.is_empty() && !live.any() {
        bail!("nothing to check: give dumps, or --stdio, --url or --mcp-config");
    }
    for path in opts.outputs.iter().filter_map(|o| o.file.as_ref()) {
        refuse_catalog_folder(folder_of(path), catalog_dir, "--output")?;
    }
    let baseline = catalog::load(catalog_dir)?;
    let naming = Naming {
        server,
        package: None,
    };
    let (current, failures) = if live.any() {
        list_live(live, &naming)?
    } else {
        (read_inputs(dumps, &naming)?, Vec::new())
    };
    let classifier = crate::classify::Classifier::new(config);
    let mut findings = Vec::new();
    for s in &current {
        let before = baseline
            .servers
            .iter()
            .find(|b| b.server.slug == s.server.slug);
        findings.extend(crate::check::compare(before, s, &classifier));
    }
    for (name, error) in &failures {
        findings.push(crate::check::Finding::unreachable(name, error));
    }
    apply_ignores(config, &mut findings);
    let mut servers: Vec<String> = current.iter().map(|s| s.server.slug.clone()).collect();
    servers.extend(failures.iter().map(|f| f.0.clone()));
    servers.sort();
    let located: Vec<&Server> = baseline.servers.iter().collect();
    let report = crate::check::report::Report {
        findings,
        servers,
        locations: catalogue_locations(catalog_dir, &located),
    };
    emit_reports(&report, &opts.outputs)?;
    if opts.update {
        write_ingested(&current, catalog_dir, false)?;
    }
    let unreachable = !failures.is_empty() && !opts.allow_unreachable;
    if opts.update && !unreachable {
        return Ok(0);
    }
    Ok(exit_status(&report.findings, opts.fail_on, unreachable))
}

/// Servers from a catalogue directory, a catalogue file or a dump.
fn servers_at(path: &Path) -> Result<Vec<Server>> {
    if path.is_dir() && catalog::load(path).is_ok() {
        return Ok(catalog::load(path)?.servers);
    }
    read_inputs(&[path.to_path_buf()], &Naming::default())
}

fn cmd_diff(
    old: &Path,
    new: &Path,
    outputs: &[ReportOutput],
    fail_on: FailOn,
    config: &Config,
) -> Result<u8> {
    let before = servers_at(old)?;
    let mut after = servers_at(new)?;
    // Two single files name the same server whatever their stems.
    if before.len() == 1 && after.len() == 1 && old.is_file() && new.is_file() {
        after[0].server.slug.clone_from(&before[0].server.slug);
    }
    let classifier = crate::classify::Classifier::new(config);
    let mut findings = Vec::new();
    let mut servers = Vec::new();
    for s in &after {
        let b = before.iter().find(|b| b.server.slug == s.server.slug);
        findings.extend(crate::check::compare(b, s, &classifier));
        servers.push(s.server.slug.clone());
    }
    for b in before
        .iter()
        .filter(|b| !after.iter().any(|a| a.server.slug == b.server.slug))
    {
        let empty = Server {
            server: b.server.clone(),
            tools: Vec::new(),
        };
        findings.extend(crate::check::compare(Some(b), &empty, &classifier));
        servers.push(b.server.slug.clone());
    }
    apply_ignores(config, &mut findings);
    servers.sort();
    let report = crate::check::report::Report {
        findings,
        servers,
        locations: std::collections::BTreeMap::new(),
    };
    emit_reports(&report, outputs)?;
    Ok(exit_status(&report.findings, fail_on, false))
}

fn cmd_policy_check(file: &Path) -> Result<u8> {
    let text = crate::ingest::read_small_text(file).context("reading the policy")?;
    let problems = crate::policy::check::check(&text);
    for p in &problems {
        // A problem quotes the checked file, which may come from anyone.
        stdout_line(&crate::markdown::visible(&format!(
            "{}:{p}",
            file.display()
        )))?;
    }
    if problems.is_empty() {
        eprintln!("{}: a valid Intercept policy", file.display());
        Ok(0)
    } else {
        eprintln!("{}: {}", file.display(), counted(problems.len(), "problem"));
        Ok(1)
    }
}

/// Refuse to write outputs (policies, reports) into the catalogue folder: the next command
/// would read them as catalogue files, and one named `<server>.json` would replace that
/// server's file. `flag` names the option that chose the folder.
fn refuse_catalog_folder(folder: &Path, catalog_dir: &Path, flag: &str) -> Result<()> {
    if let (Ok(a), Ok(b)) = (folder.canonicalize(), catalog_dir.canonicalize()) {
        if a == b {
            bail!(
                "{} is the catalogue folder: files written there would be read as catalogue \
                 files, or replace them; choose another {flag}",
                folder.display()
            );
        }
    }
    Ok(())
}

/// The folder a file is written into.
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn cmd_policy(
    server: Option<&str>,
    all: bool,
    dialect: crate::policy::Dialect,
    out: Option<&Path>,
    opts: &crate::policy::Options,
    catalog_dir: &Path,
    config: &Config,
) -> Result<u8> {
    let catalog = catalog::load(catalog_dir)?;
    let policy_of = |s: &Server| {
        let verdicts = crate::classify::Classifier::new(config).verdicts(s, &s.tools);
        let p = crate::policy::for_server(s, &verdicts, opts);
        crate::policy::render(&p, dialect)
    };
    if all {
        let Some(dir) = out else {
            bail!("--all writes one file per server: give the directory with --out DIR");
        };
        refuse_catalog_folder(dir, catalog_dir, "--out")?;
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let mut batch = crate::write::Batch::default();
        crate::interrupt::catch();
        for s in &catalog.servers {
            crate::interrupt::check().context("no policy was written")?;
            let path = dir.join(format!("{}.{}", s.server.slug, dialect.extension()));
            batch
                .write(&path, policy_of(s).as_bytes())
                .context("no policy was written")?;
        }
        batch.commit()?;
        eprintln!(
            "wrote {} {} policies into {}",
            catalog.servers.len(),
            dialect.label(),
            dir.display()
        );
        return Ok(0);
    }
    let slug = server.unwrap_or_default();
    let Some(s) = catalog.servers.iter().find(|s| s.server.slug == slug) else {
        bail!(
            "no server `{slug}` in {} (servers are named by their file: {})",
            catalog_dir.display(),
            catalog
                .servers
                .iter()
                .take(5)
                .map(|s| s.server.slug.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    };
    let text = policy_of(s);
    if let Some(path) = out {
        refuse_catalog_folder(folder_of(path), catalog_dir, "--out")?;
        crate::write::write_file_atomic(path, text.as_bytes())?;
        eprintln!("wrote {}", path.display());
    } else {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()?;
    }
    warn_unused(config);
    Ok(0)
}

fn cmd_rules(code: Option<&str>) -> Result<u8> {
    if let Some(c) = code {
        let r = rules::find(c)
            .with_context(|| format!("no rule `{c}` (run `toolcat rules` for the list)"))?;
        stdout_line(&rule_text(r))?;
        return Ok(0);
    }
    // Listed by code; `RULES` itself is in the order the rules run.
    let mut sorted: Vec<&rules::Rule> = rules::RULES.to_vec();
    sorted.sort_by_key(|r| r.code);
    for r in sorted {
        stdout_line(&format!("{}  {:<36} {}", r.code, r.name, r.effect))?;
    }
    Ok(0)
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
