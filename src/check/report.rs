//! The findings of `check` and `diff` in the formats CI systems read: text, JSON (schema
//! `schemas/check-report-v1.json`), SARIF 2.1.0, a Markdown pull-request comment, GitHub
//! workflow annotations.

use super::{Finding, Kind};
use crate::model::Risk;
use crate::policy::counted;
use crate::untrusted::visible;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The version of the JSON report's schema.
pub const JSON_VERSION: u32 = 1;

/// The formats a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Markdown,
    Github,
}

/// Where a finding points in the repository: a catalogue file and a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
}

/// A check's result, ready to write.
#[derive(Debug, Clone)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Servers compared (slugs), sorted.
    pub servers: Vec<String>,
    /// Where each (server, tool) is in the catalogue.
    pub locations: BTreeMap<(String, Option<String>), Location>,
}

impl Report {
    /// The report of `findings` on `servers`, with the findings `[[check.ignore]]` of
    /// `config` covers marked ignored (they are shown, and do not count).
    pub fn new(
        mut findings: Vec<Finding>,
        mut servers: Vec<String>,
        locations: BTreeMap<(String, Option<String>), Location>,
        config: &crate::config::Config,
    ) -> Report {
        for f in &mut findings {
            if let Some(reason) = config.ignore_reason(f.code, &f.server, f.tool.as_deref()) {
                f.ignored = Some(reason);
            }
        }
        servers.sort();
        Report {
            findings,
            servers,
            locations,
        }
    }

    /// Findings that count towards the exit status (not ignored).
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.ignored.is_none())
    }

    fn location(&self, f: &Finding) -> Option<&Location> {
        self.locations
            .get(&(f.server.clone(), f.tool.clone()))
            .or_else(|| self.locations.get(&(f.server.clone(), None)))
    }

    fn counts(&self) -> BTreeMap<Risk, usize> {
        let mut c = BTreeMap::new();
        for f in self.active() {
            *c.entry(f.severity).or_insert(0) += 1;
        }
        c
    }

    pub fn render(&self, format: Format, color: bool) -> String {
        match format {
            Format::Text => self.text(color),
            Format::Json => self.json(),
            Format::Sarif => self.sarif(),
            Format::Markdown => self.markdown(),
            Format::Github => self.github(),
        }
    }

    fn by_server(&self) -> BTreeMap<&str, Vec<&Finding>> {
        let mut m: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for s in &self.servers {
            m.entry(s.as_str()).or_default();
        }
        for f in &self.findings {
            m.entry(f.server.as_str()).or_default().push(f);
        }
        m
    }

    fn summary_line(&self) -> String {
        let counts = self.counts();
        let total: usize = counts.values().sum();
        let parts: Vec<String> = Risk::ALL
            .iter()
            .rev()
            .map(|r| format!("{} {}", counts.get(r).copied().unwrap_or(0), r.as_str()))
            .collect();
        let ignored = self.findings.len() - total;
        let ignored = if ignored > 0 {
            format!(", {ignored} ignored")
        } else {
            String::new()
        };
        format!(
            "{} in {} ({}){ignored}",
            counted(total, "finding"),
            counted(self.servers.len(), "server"),
            parts.join(", ")
        )
    }

    fn text(&self, color: bool) -> String {
        let paint = |r: Risk, s: &str| {
            if !color {
                return s.to_string();
            }
            let code = match r {
                Risk::Critical => "1;31",
                Risk::High => "31",
                Risk::Medium => "33",
                Risk::Low => "2",
            };
            format!("\x1b[{code}m{s}\x1b[0m")
        };
        let mut out = String::new();
        for (server, findings) in self.by_server() {
            if findings.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{server}");
            for f in findings {
                let tool = f
                    .tool
                    .as_deref()
                    .map(|t| format!(" {}", visible(t)))
                    .unwrap_or_default();
                let ignored = f
                    .ignored
                    .as_deref()
                    .map(|r| format!(" [ignored: {r}]"))
                    .unwrap_or_default();
                // Messages, pointers and changes quote the definitions (and a live server's
                // own error): their control and invisible characters are shown, never sent
                // to the terminal.
                let _ = writeln!(
                    out,
                    "  {} {} {}{tool}: {}{ignored}",
                    paint(f.severity, &format!("{:<8}", f.severity.as_str())),
                    f.code,
                    f.kind,
                    visible(&f.message)
                );
                for c in &f.changes {
                    let at = c
                        .pointer
                        .as_deref()
                        .map(|p| format!(" {}", visible(p)))
                        .unwrap_or_default();
                    let br = if c.breaking { " (breaking)" } else { "" };
                    let _ = writeln!(out, "      {}{at}: {}{br}", c.field, visible(&c.change));
                }
            }
        }
        let _ = writeln!(out, "{}", self.summary_line());
        out
    }

    fn json(&self) -> String {
        let value = json!({
            "version": JSON_VERSION,
            "generator": "toolcat",
            "servers": self.servers,
            "summary": {
                "total": self.active().count(),
                "ignored": self.findings.len() - self.active().count(),
                "bySeverity": Risk::ALL.iter().map(|r| (r.as_str().to_string(), json!(self.counts().get(r).copied().unwrap_or(0)))).collect::<serde_json::Map<_, _>>(),
            },
            "findings": self.findings,
        });
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        crate::untrusted::escape_invisible(&text).into_owned()
    }

    /// SARIF 2.1.0 for GitHub code scanning. Code scanning shows a result with the
    /// `security-severity` of its *rule*, so there is a rule per finding kind and severity
    /// (`TCK001/low`, `TCK001/high`): a low-risk tool added shows as low. One run holds
    /// every server, under one `automationDetails.id`, so an upload that no longer holds a
    /// server's findings (the server was removed) closes its alerts.
    fn sarif(&self) -> String {
        let findings: Vec<&Finding> = self
            .findings
            .iter()
            .filter(|f| f.ignored.is_none())
            .collect();
        let used: std::collections::BTreeSet<(Kind, Risk)> =
            findings.iter().map(|f| (f.kind_enum, f.severity)).collect();
        let rules: Vec<Value> = used
            .iter()
            .map(|&(k, r)| {
                json!({
                    "id": sarif_rule_id(k, r),
                    "name": format!("{}-{}", k.name(), r.as_str()),
                    "shortDescription": {"text": format!("{} ({})", k.name().replace('-', " "), r.as_str())},
                    "fullDescription": {"text": k.help()},
                    "help": {"text": k.help(), "markdown": k.help()},
                    "defaultConfiguration": {"level": sarif_level(r)},
                    "properties": {"security-severity": security_severity(r), "tags": ["security", "mcp"]},
                })
            })
            .collect();
        let results: Vec<Value> = findings.iter().map(|f| self.sarif_result(f)).collect();
        let value = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {
                    "name": "toolcat",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }},
                "automationDetails": {"id": "toolcat/check/"},
                "results": results,
            }],
        });
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        crate::untrusted::escape_invisible(&text).into_owned()
    }

    fn sarif_result(&self, f: &Finding) -> Value {
        let mut text = match &f.tool {
            Some(t) => format!("{}/{}: {}", f.server, t, f.message),
            None => format!("{}: {}", f.server, f.message),
        };
        for c in &f.changes {
            let at = c.pointer.as_deref().unwrap_or("");
            let _ = write!(
                text,
                "; {}{at}: {}{}",
                c.field,
                c.change,
                if c.breaking { " (breaking)" } else { "" }
            );
        }
        let mut result = json!({
            "ruleId": sarif_rule_id(f.kind_enum, f.severity),
            "level": sarif_level(f.severity),
            "message": {"text": text},
            "properties": {"severity": f.severity.as_str(), "security-severity": security_severity(f.severity), "breaking": f.breaking, "server": f.server},
        });
        if let Some(loc) = self.location(f) {
            result["locations"] = json!([{"physicalLocation": {
                "artifactLocation": {"uri": loc.file},
                "region": {"startLine": loc.line.max(1)},
            }}]);
        }
        let identity = format!(
            "{}/{}/{}",
            f.code,
            f.server,
            f.tool.as_deref().unwrap_or("")
        );
        let mut fingerprints = serde_json::Map::new();
        fingerprints.insert("findingIdentity/v1".into(), json!(identity));
        if let Some(fp) = &f.fingerprint {
            fingerprints.insert("toolFingerprint/v1".into(), json!(fp));
        }
        result["partialFingerprints"] = Value::Object(fingerprints);
        result
    }

    fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "### toolcat check: {}\n", self.summary_line());
        let _ = writeln!(out, "| Server | Critical | High | Medium | Low |");
        let _ = writeln!(out, "|---|---:|---:|---:|---:|");
        let groups = self.by_server();
        for (server, findings) in &groups {
            let n = |r: Risk| {
                findings
                    .iter()
                    .filter(|f| f.severity == r && f.ignored.is_none())
                    .count()
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                md(server),
                n(Risk::Critical),
                n(Risk::High),
                n(Risk::Medium),
                n(Risk::Low)
            );
        }
        for (server, findings) in groups {
            if findings.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "\n<details><summary><code>{}</code>: {}</summary>\n",
                md(server),
                counted(findings.len(), "finding")
            );
            for f in findings {
                let tool = f
                    .tool
                    .as_deref()
                    .map(|t| format!(" {}", code(t)))
                    .unwrap_or_default();
                let ignored = f
                    .ignored
                    .as_deref()
                    .map(|r| format!(" _(ignored: {})_", md(r)))
                    .unwrap_or_default();
                // A server's error is its own text; every other message is toolcat's.
                let message = if f.kind_enum == Kind::ServerUnreachable {
                    code(&f.message)
                } else {
                    md(&f.message)
                };
                let _ = writeln!(
                    out,
                    "- **{}** `{}` {}{tool}: {message}{ignored}",
                    f.severity.as_str(),
                    f.code,
                    f.kind,
                );
                for c in &f.changes {
                    let at = c
                        .pointer
                        .as_deref()
                        .map(|p| format!(" {}", code(p)))
                        .unwrap_or_default();
                    let br = if c.breaking { " **(breaking)**" } else { "" };
                    let _ = writeln!(out, "  - {}{at}: {}{br}", c.field, code(&c.change));
                }
            }
            let _ = writeln!(out, "\n</details>");
        }
        out
    }

    fn github(&self) -> String {
        let mut out = String::new();
        for f in self.active() {
            let level = match f.severity {
                Risk::Critical | Risk::High => "error",
                Risk::Medium => "warning",
                Risk::Low => "notice",
            };
            let mut props = vec![format!(
                "title={}",
                gh_prop(&format!("{} {}", f.code, f.kind))
            )];
            if let Some(loc) = self.location(f) {
                props.insert(
                    0,
                    format!("file={},line={}", gh_prop(&loc.file), loc.line.max(1)),
                );
            }
            let subject = match &f.tool {
                Some(t) => format!("{}/{}", f.server, t),
                None => f.server.clone(),
            };
            let _ = writeln!(
                out,
                "::{level} {}::{}",
                props.join(","),
                gh_data(&format!("{subject}: {}", f.message))
            );
        }
        out
    }
}

/// A SARIF rule: the finding's kind at one severity.
fn sarif_rule_id(k: Kind, r: Risk) -> String {
    format!("{}/{}", k.code(), r.as_str())
}

fn sarif_level(r: Risk) -> &'static str {
    match r {
        Risk::Critical | Risk::High => "error",
        Risk::Medium => "warning",
        Risk::Low => "note",
    }
}

/// GitHub code scanning's numeric severity.
fn security_severity(r: Risk) -> &'static str {
    match r {
        Risk::Critical => "9.5",
        Risk::High => "8.0",
        Risk::Medium => "5.5",
        Risk::Low => "2.0",
    }
}

/// Text from a definition inside Markdown: one line, no markup.
fn md(s: &str) -> String {
    crate::untrusted::one_line(s, 300)
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('`', "'")
}

/// Text from a definition inside Markdown, as a code span: one line, shown as written, and
/// nothing in it (links, images, mentions, issue references, HTML) is acted on. A backtick
/// cannot close the span: it is written as `'`.
fn code(s: &str) -> String {
    let line = crate::untrusted::one_line(s, 300).replace('`', "'");
    if line.trim().is_empty() {
        "` `".to_string()
    } else {
        format!("`{line}`")
    }
}

/// Text for a workflow command: control and invisible characters shown (GitHub's log
/// obeys ANSI sequences), then `%`, CR and LF escaped as the command syntax wants.
fn gh_data(s: &str) -> String {
    visible(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_prop(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}
