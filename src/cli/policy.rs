//! `toolcat policy`: default policies in each dialect, and `--check` of a policy file.

use super::common::{folder_of, refuse_catalog_folder, stdout_line, warn_unused};
use crate::catalog;
use crate::config::Config;
use crate::model::Server;
use crate::policy::counted;
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The server's slug (its file name in the catalogue).
    #[arg(required_unless_present_any = ["all", "check"])]
    pub server: Option<String>,
    /// Every server of the catalogue; needs --out DIR.
    #[arg(long, conflicts_with = "server")]
    pub all: bool,
    /// The dialect to write, or `all` for every dialect side by side (needs --out DIR).
    #[arg(long, value_enum, default_value = "intercept")]
    pub format: DialectArg,
    /// The file to write (one server and dialect) or the directory (--all, --format all);
    /// standard output if not given. In a directory, files are named
    /// <server-slug>.<extension>: .yaml, .json, .claude.json, .gemini.toml, .codex.toml,
    /// .vscode.agent.md, .openai.json, .cedar, .agentgateway.yaml, .docker.yaml.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// default, strict or permissive (overrides [policy] profile in toolcat.toml).
    #[arg(long)]
    pub profile: Option<String>,
    /// Execute tools require a person's approval instead of a rate limit.
    #[arg(long)]
    pub approval: bool,
    /// Put behind approval every tool that sends data out, when the catalogue's servers make
    /// a toxic combination together (private data, untrusted content and a way out, as
    /// `toolcat flows` reports); the files' comments say why.
    #[arg(long)]
    pub break_flows: bool,
    /// The server's name in the client's or gateway's configuration, which the rules name:
    /// Claude Code (mcp__<key>__<tool>), Gemini CLI (mcpName), Codex (`[mcp_servers.<key>]`),
    /// VS Code (`<key>/<tool>`), Cedar (the namespace), agentgateway (the target) and Docker
    /// (the server); defaults to the catalogue slug.
    #[arg(long, value_name = "KEY", conflicts_with = "all")]
    pub server_key: Option<String>,
    /// Validate this policy file, in any dialect (from its name, else its content): every
    /// error with its line and column. Intercept files get every rule of the dialect; the
    /// others are read with the shapes their clients' loaders take. Exit 1 when it has
    /// errors, 2 when it cannot be read.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["server", "all"])]
    pub check: Option<PathBuf>,
    /// Catalogue directory.
    #[arg(long, default_value = "catalog", value_name = "DIR")]
    pub catalog: PathBuf,
}

/// `--format` of `policy`: a [`crate::policy::Dialect`] on the command line, or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DialectArg {
    /// Intercept YAML (an MCP proxy that enforces a YAML file per server).
    Intercept,
    /// The reference catalogue's gateway JSON.
    Gateway,
    /// Claude Code's `permissions` in `.claude/settings.json`.
    ClaudeCode,
    /// Gemini CLI's policy engine (`.gemini/policies/*.toml`).
    Gemini,
    /// The Codex CLI (`[mcp_servers.<key>]` in `config.toml`).
    Codex,
    /// VS Code: a custom agent's tool list (`.github/agents/`) and auto-approval setting
    Vscode,
    /// The Responses API `mcp` tool and the Agents SDK's tool filter and approvals
    Openai,
    /// Cedar policies, one action per tool (the Cedar MCP schema generator's shape)
    Cedar,
    /// agentgateway's `mcpAuthorization` rules (CEL).
    Agentgateway,
    /// Docker MCP Gateway's tools file (`~/.docker/mcp/tools.yaml`).
    Docker,
    /// Every dialect, side by side.
    All,
}

impl DialectArg {
    /// The dialects to write.
    fn dialects(self) -> Vec<crate::policy::Dialect> {
        use crate::policy::Dialect;
        match self {
            DialectArg::Intercept => vec![Dialect::Intercept],
            DialectArg::Gateway => vec![Dialect::Gateway],
            DialectArg::ClaudeCode => vec![Dialect::ClaudeCode],
            DialectArg::Gemini => vec![Dialect::Gemini],
            DialectArg::Codex => vec![Dialect::Codex],
            DialectArg::Vscode => vec![Dialect::Vscode],
            DialectArg::Openai => vec![Dialect::OpenAi],
            DialectArg::Cedar => vec![Dialect::Cedar],
            DialectArg::Agentgateway => vec![Dialect::Agentgateway],
            DialectArg::Docker => vec![Dialect::Docker],
            DialectArg::All => Dialect::ALL.to_vec(),
        }
    }
}

pub fn run(args: Args, config: &Config) -> Result<u8> {
    if let Some(file) = &args.check {
        return cmd_policy_check(file);
    }
    let break_flows = if args.break_flows {
        send_leg(&args.catalog, config)?
    } else {
        std::collections::BTreeSet::new()
    };
    let opts = crate::policy::Options {
        profile: config.policy.profile(args.profile.as_deref())?,
        approval: args.approval,
        server_key: args.server_key,
        break_flows,
    };
    write_policies(
        args.server.as_deref(),
        args.all,
        &args.format.dialects(),
        args.out.as_deref(),
        &opts,
        &args.catalog,
        config,
    )
}

fn cmd_policy_check(file: &Path) -> Result<u8> {
    let text = crate::ingest::read_small_text(file).context("reading the policy")?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dialect = crate::policy::validate::detect(&name, &text);
    let problems = crate::policy::validate::validate(dialect, &text);
    for p in &problems {
        // A problem quotes the checked file, which may come from anyone.
        stdout_line(&crate::untrusted::visible(&format!(
            "{}:{p}",
            file.display()
        )))?;
    }
    if problems.is_empty() {
        let what = match dialect {
            crate::policy::Dialect::Intercept => "Intercept policy".to_string(),
            d => format!("{} file", d.label()),
        };
        eprintln!("{}: a valid {what}", file.display());
        Ok(0)
    } else {
        eprintln!("{}: {}", file.display(), counted(problems.len(), "problem"));
        Ok(1)
    }
}

/// The send leg of the toxic combination the catalogue's servers make, if they make one.
fn send_leg(catalog_dir: &Path, config: &Config) -> Result<std::collections::BTreeSet<String>> {
    let catalog = catalog::load(catalog_dir)?;
    let classifier = crate::classify::Classifier::new(config);
    let verdicts: Vec<Vec<_>> = catalog
        .servers
        .iter()
        .map(|s| classifier.verdicts(s, &s.tools))
        .collect();
    let flows = crate::flows::analyse(&catalog.servers, &verdicts);
    Ok(flows
        .combinations
        .into_iter()
        .flat_map(|c| c.external_send)
        .collect())
}

fn write_policies(
    server: Option<&str>,
    all: bool,
    dialects: &[crate::policy::Dialect],
    out: Option<&Path>,
    opts: &crate::policy::Options,
    catalog_dir: &Path,
    config: &Config,
) -> Result<u8> {
    let catalog = catalog::load(catalog_dir)?;
    let policy_of = |s: &Server| {
        let verdicts = crate::classify::Classifier::new(config).verdicts(s, &s.tools);
        crate::policy::for_server(s, &verdicts, opts)
    };
    let servers: Vec<&Server> = if all {
        catalog.servers.iter().collect()
    } else {
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
        vec![s]
    };
    if let ([s], [dialect], false) = (&servers[..], dialects, all) {
        {
            let text = crate::policy::render(&policy_of(s), *dialect);
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
            return Ok(0);
        }
    }
    let Some(dir) = out else {
        bail!("--all and --format all write several files: give the directory with --out DIR");
    };
    refuse_catalog_folder(dir, catalog_dir, "--out")?;
    crate::write::create_dir(dir)?;
    let mut batch = crate::write::Batch::default();
    crate::interrupt::catch();
    for s in &servers {
        let policy = policy_of(s);
        for &dialect in dialects {
            crate::interrupt::check().context("no policy was written")?;
            let path = dir.join(format!("{}.{}", s.server.slug, dialect.extension()));
            batch
                .write(&path, crate::policy::render(&policy, dialect).as_bytes())
                .context("no policy was written")?;
        }
    }
    batch.commit()?;
    eprintln!(
        "wrote {} into {}",
        counted(servers.len() * dialects.len(), "policy file"),
        dir.display()
    );
    warn_unused(config);
    Ok(0)
}
