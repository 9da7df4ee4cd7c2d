//! `toolcat.toml`: strict (unknown keys are errors), validated into resolved settings
//! with every problem collected before failing.

use crate::classify::{OverrideNote, Verdict};
use crate::model::{Category, Risk};
use anyhow::{bail, Result};
use serde::Deserialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    site: RawSite,
    #[serde(default, rename = "override")]
    overrides: Vec<RawOverride>,
    #[serde(default)]
    policy: crate::policy::PolicySettings,
    #[serde(default)]
    check: RawCheck,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    #[serde(default)]
    ignore: Vec<RawIgnore>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    code: String,
    server: String,
    #[serde(default = "any_tool")]
    tool: String,
    reason: Option<String>,
}

fn any_tool() -> String {
    "*".into()
}

/// A `[[check.ignore]]` entry: findings with this code, server and tool glob do not fail.
#[derive(Debug, Clone)]
pub struct Ignore {
    pub code: String,
    pub server: String,
    pub tool: String,
    pub reason: String,
    used: std::sync::Arc<AtomicBool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    title: Option<String>,
    base_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    server: String,
    tool: String,
    category: Option<String>,
    risk: Option<String>,
    reason: Option<String>,
}

/// Resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub site_title: String,
    pub base_url: String,
    pub overrides: Vec<Override>,
    /// `[policy]`: the profile and settings of generated policies.
    pub policy: crate::policy::PolicySettings,
    /// `[[check.ignore]]`.
    pub ignores: Vec<Ignore>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            site_title: "toolcat: MCP tool risk catalogue".into(),
            base_url: "https://example.invalid/".into(),
            overrides: Vec::new(),
            policy: crate::policy::PolicySettings::default(),
            ignores: Vec::new(),
        }
    }
}

/// A verdict set by hand for the tools of a server matching a glob.
#[derive(Debug, Clone)]
pub struct Override {
    pub server: String,
    pub tool: String,
    pub category: Option<Category>,
    pub risk: Option<Risk>,
    pub reason: String,
    used: std::sync::Arc<AtomicBool>,
}

impl Config {
    /// Load `path` if given (it must exist), else `./toolcat.toml` if present, else defaults.
    pub fn load(path: Option<&Path>) -> Result<Config> {
        let (path, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (PathBuf::from("toolcat.toml"), false),
        };
        if !required && !path.exists() {
            return Ok(Config::default());
        }
        let text = crate::ingest::read_small_text(&path)?;
        Self::parse(&text, &path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let mut errors = Vec::new();
        let mut overrides = Vec::new();
        for (i, o) in raw.overrides.into_iter().enumerate() {
            let at = format!(
                "{}: [[override]] #{} ({}/{})",
                path.display(),
                i + 1,
                o.server,
                o.tool
            );
            let category = o
                .category
                .as_deref()
                .map(str::parse::<Category>)
                .transpose();
            let risk = o.risk.as_deref().map(str::parse::<Risk>).transpose();
            let reason = o.reason.unwrap_or_default();
            match (category, risk) {
                (Err(e), _) | (_, Err(e)) => errors.push(format!("{at}: {e}")),
                (Ok(None), Ok(None)) => {
                    errors.push(format!("{at}: sets neither `category` nor `risk`"));
                }
                (Ok(category), Ok(risk)) => {
                    if reason.trim().is_empty() {
                        errors.push(format!("{at}: `reason` is required and must not be empty"));
                    }
                    overrides.push(Override {
                        server: o.server,
                        tool: o.tool,
                        category,
                        risk,
                        reason,
                        used: std::sync::Arc::new(AtomicBool::new(false)),
                    });
                }
            }
        }
        let mut ignores = Vec::new();
        for (i, g) in raw.check.ignore.into_iter().enumerate() {
            let at = format!(
                "{}: [[check.ignore]] #{} ({} {}/{})",
                path.display(),
                i + 1,
                g.code,
                g.server,
                g.tool
            );
            let known = crate::check::Kind::ALL
                .iter()
                .any(|k| k.code().eq_ignore_ascii_case(&g.code));
            if !known {
                errors.push(format!("{at}: unknown finding code `{}`", g.code));
            }
            let reason = g.reason.unwrap_or_default();
            if reason.trim().is_empty() {
                errors.push(format!("{at}: `reason` is required and must not be empty"));
            }
            ignores.push(Ignore {
                code: g.code.to_ascii_uppercase(),
                server: g.server,
                tool: g.tool,
                reason,
                used: std::sync::Arc::new(AtomicBool::new(false)),
            });
        }
        if let Err(e) = raw.policy.profile(None) {
            errors.push(format!("{}: {e}", path.display()));
        }
        if !errors.is_empty() {
            bail!("invalid configuration:\n  {}", errors.join("\n  "));
        }
        let defaults = Config::default();
        Ok(Config {
            path: Some(path.to_path_buf()),
            site_title: raw.site.title.unwrap_or(defaults.site_title),
            base_url: raw.site.base_url.unwrap_or(defaults.base_url),
            overrides,
            policy: raw.policy,
            ignores,
        })
    }

    /// Apply the last matching override (later entries are more specific by convention).
    pub fn apply(&self, server: &str, tool: &str, verdict: &mut Verdict) {
        let Some(o) = self
            .overrides
            .iter()
            .rev()
            .find(|o| glob_match(&o.server, server) && glob_match(&o.tool, tool))
        else {
            return;
        };
        o.used.store(true, Ordering::Relaxed);
        verdict.overridden = Some(OverrideNote {
            pattern: format!("{}/{}", o.server, o.tool),
            reason: o.reason.clone(),
            classified_category: verdict.category,
            classified_risk: verdict.risk,
            resolved_review: verdict.review_reason.take(),
        });
        // A person decided: the verdict no longer waits for review.
        verdict.needs_review = false;
        if let Some(c) = o.category {
            verdict.category = c;
            verdict.risk = o.risk.unwrap_or(c.default_risk());
        }
        if let Some(r) = o.risk {
            verdict.risk = r;
        }
    }

    /// Mark the override that applies to a tool as used, as [`Config::apply`] would,
    /// for a tool an incremental build does not classify again.
    pub fn note_match(&self, server: &str, tool: &str) {
        if let Some(o) = self
            .overrides
            .iter()
            .rev()
            .find(|o| glob_match(&o.server, server) && glob_match(&o.tool, tool))
        {
            o.used.store(true, Ordering::Relaxed);
        }
    }

    /// Everything of the configuration that a built site depends on, as text: what an
    /// incremental build compares to decide whether the last build can be reused.
    pub fn site_inputs(&self) -> String {
        let mut text = format!(
            "title={:?}\nbase_url={:?}\npolicy={:?}\n",
            self.site_title, self.base_url, self.policy
        );
        for o in &self.overrides {
            let _ = writeln!(
                text,
                "override={:?} {:?} {:?} {:?} {:?}",
                o.server, o.tool, o.category, o.risk, o.reason
            );
        }
        text
    }

    /// The reason of the first `[[check.ignore]]` that covers a finding.
    pub fn ignore_reason(&self, code: &str, server: &str, tool: Option<&str>) -> Option<String> {
        let g = self.ignores.iter().find(|g| {
            g.code == code
                && glob_match(&g.server, server)
                && glob_match(&g.tool, tool.unwrap_or(""))
        })?;
        g.used.store(true, Ordering::Relaxed);
        Some(g.reason.clone())
    }

    /// Ignores that covered no finding.
    pub fn unused_ignores(&self) -> Vec<String> {
        self.ignores
            .iter()
            .filter(|g| !g.used.load(Ordering::Relaxed))
            .map(|g| {
                format!(
                    "[[check.ignore]] {} {}/{} matched no finding",
                    g.code, g.server, g.tool
                )
            })
            .collect()
    }

    pub fn unused_overrides(&self) -> Vec<String> {
        self.overrides
            .iter()
            .filter(|o| !o.used.load(Ordering::Relaxed))
            .map(|o| format!("override {}/{} matched no tool", o.server, o.tool))
            .collect()
    }
}

/// Glob match with `*` (any run of characters) and `?` (one character).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("create_*", "create_refund"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("create_*", "list_create"));
        assert!(glob_match("*_delete", "sql_db_delete"));
    }

    #[test]
    fn reason_is_required_and_unknown_keys_refused() {
        let e = Config::parse(
            "[[override]]\nserver='s'\ntool='t'\ncategory='read'\n",
            Path::new("t.toml"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("`reason` is required"), "{e}");
        let e = Config::parse("[site]\ntitel='x'\n", Path::new("t.toml")).unwrap_err();
        assert!(e.to_string().contains("titel"), "{e}");
        let e = Config::parse(
            "[[override]]\nserver='s'\ntool='t'\ncategory='reed'\nreason='r'\n",
            Path::new("t.toml"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("unknown category"), "{e}");
    }
}
