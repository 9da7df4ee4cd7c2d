//! `toolcat policy`: default policies in each dialect, and `--check` of an Intercept file.

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
    /// The dialect to write.
    #[arg(long, value_enum, default_value = "intercept")]
    pub format: DialectArg,
    /// The file to write (one server) or the directory (--all); standard output if not
    /// given. With --all, files are named <server-slug>.yaml, .json or .claude.json.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// default, strict or permissive (overrides [policy] profile in toolcat.toml).
    #[arg(long)]
    pub profile: Option<String>,
    /// Execute tools require a person's approval instead of a rate limit.
    #[arg(long)]
    pub approval: bool,
    /// The server's key in the user's MCP configuration, for Claude Code rules
    /// (mcp__<key>__<tool>); defaults to the catalogue slug.
    #[arg(long, value_name = "KEY", conflicts_with = "all")]
    pub server_key: Option<String>,
    /// Validate this Intercept YAML policy: every error with its line and column.
    /// Exit 1 when it has errors, 2 when it cannot be read.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["server", "all"])]
    pub check: Option<PathBuf>,
    /// Catalogue directory.
    #[arg(long, default_value = "catalog", value_name = "DIR")]
    pub catalog: PathBuf,
}

/// `--format` of `policy`: [`crate::policy::Dialect`] on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DialectArg {
    /// Intercept YAML (an MCP proxy that enforces a YAML file per server).
    Intercept,
    /// The reference catalogue's gateway JSON.
    Gateway,
    /// Claude Code's `permissions` in `.claude/settings.json`.
    ClaudeCode,
}

impl From<DialectArg> for crate::policy::Dialect {
    fn from(d: DialectArg) -> Self {
        use crate::policy::Dialect;
        match d {
            DialectArg::Intercept => Dialect::Intercept,
            DialectArg::Gateway => Dialect::Gateway,
            DialectArg::ClaudeCode => Dialect::ClaudeCode,
        }
    }
}

pub fn run(args: Args, config: &Config) -> Result<u8> {
    if let Some(file) = &args.check {
        return cmd_policy_check(file);
    }
    let opts = crate::policy::Options {
        profile: config.policy.profile(args.profile.as_deref())?,
        approval: args.approval,
        server_key: args.server_key,
    };
    write_policies(
        args.server.as_deref(),
        args.all,
        args.format.into(),
        args.out.as_deref(),
        &opts,
        &args.catalog,
        config,
    )
}

fn cmd_policy_check(file: &Path) -> Result<u8> {
    let text = crate::ingest::read_small_text(file).context("reading the policy")?;
    let problems = crate::policy::check::check(&text);
    for p in &problems {
        // A problem quotes the checked file, which may come from anyone.
        stdout_line(&crate::untrusted::visible(&format!(
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

fn write_policies(
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
        crate::write::create_dir(dir)?;
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
