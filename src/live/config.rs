//! The servers of a client's configuration file (Claude Desktop, Cursor, VS Code), with
//! `${VAR}` expanded as those clients do and the config as written kept for the record.

use super::{StdioSpec, Target, Written};
use anyhow::{anyhow, bail, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// The servers of a Claude Desktop or Cursor config (`mcpServers`) or a VS Code config
/// (`servers`, with `type`), by name. `${env:VAR}` and `${VAR}` in values are replaced from
/// the environment, as those clients do.
pub fn config(path: &Path) -> Result<BTreeMap<String, Target>> {
    let text = crate::ingest::read_small_text(path)?;
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| anyhow!("{}:{}:{}: {e}", path.display(), e.line(), e.column()))?;
    let (key, servers) = ["mcpServers", "servers"]
        .iter()
        .find_map(|k| doc.get(*k).and_then(Value::as_object).map(|m| (*k, m)))
        .ok_or_else(|| {
            anyhow!(
                "{}: no `mcpServers` (Claude, Cursor) or `servers` (VS Code) object",
                path.display()
            )
        })?;
    let mut out = BTreeMap::new();
    for (name, entry) in servers {
        let at = format!("{}: /{key}/{name}", path.display());
        // Every value substituted for a variable, to be kept out of what is shown.
        let expanded = std::cell::RefCell::new(Vec::new());
        let substitute = |s: &str| expand(s, &mut expanded.borrow_mut());
        let raw = |field: &str| entry.get(field).and_then(Value::as_str);
        let map = |field: &str| -> BTreeMap<String, String> {
            entry
                .get(field)
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .filter_map(|(k, v)| Some((k.clone(), substitute(v.as_str()?))))
                        .collect()
                })
                .unwrap_or_default()
        };
        let kind = entry.get("type").and_then(Value::as_str).unwrap_or("");
        let server = if let Some(written_url) = raw("url").or_else(|| raw("serverUrl")) {
            if kind == "stdio" {
                bail!("{at}: `type` is stdio but the entry has a `url`");
            }
            let url = substitute(written_url);
            let headers = map("headers");
            Target::Http {
                url,
                headers,
                written: Written {
                    url: Some(written_url.to_string()),
                    expanded: expanded.take(),
                    ..Written::default()
                },
            }
        } else if let Some(written_program) = raw("command") {
            let written_args: Vec<String> = entry
                .get("args")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let program = substitute(written_program);
            let args = written_args.iter().map(|a| substitute(a)).collect();
            let env = map("env");
            Target::Stdio(StdioSpec {
                program,
                args,
                env,
                written: Written {
                    program: Some(written_program.to_string()),
                    args: Some(written_args),
                    expanded: expanded.take(),
                    url: None,
                },
            })
        } else {
            bail!("{at}: neither `command` (stdio) nor `url` (remote)");
        };
        out.insert(name.clone(), server);
    }
    Ok(out)
}

/// Replace `${env:VAR}` and `${VAR}` with the variable's value (empty when unset); the
/// values substituted are added to `values`.
fn expand(s: &str, values: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &rest[start + 2..start + end];
        let var = name.strip_prefix("env:").unwrap_or(name);
        let value = std::env::var(var).unwrap_or_default();
        out.push_str(&value);
        if !value.is_empty() {
            values.push(value);
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vs_code_and_claude_configs_are_read_alike() {
        let dir = tempfile::tempdir().unwrap();
        let vscode = dir.path().join("mcp.json");
        std::fs::write(
            &vscode,
            r#"{"servers": {
                "gh": {"type": "http", "url": "https://api.example.com/mcp", "headers": {"Authorization": "Bearer ${env:TOOLCAT_TEST_TOKEN}"}},
                "time": {"type": "stdio", "command": "uvx", "args": ["mcp-server-time"], "env": {"TZ": "UTC"}}
            }}"#,
        )
        .unwrap();
        std::env::set_var("TOOLCAT_TEST_TOKEN", "t0k");
        let servers = config(&vscode).unwrap();
        assert_eq!(
            servers["gh"],
            Target::Http {
                url: "https://api.example.com/mcp".into(),
                headers: BTreeMap::from([("Authorization".into(), "Bearer t0k".into())]),
                written: Written {
                    url: Some("https://api.example.com/mcp".into()),
                    expanded: vec!["t0k".into()],
                    ..Written::default()
                },
            }
        );
        assert!(
            matches!(&servers["time"], Target::Stdio(s) if s.program == "uvx" && s.env["TZ"] == "UTC")
        );
        std::fs::write(&vscode, r#"{"servers": {"x": {"type": "stdio"}}}"#).unwrap();
        let e = config(&vscode).unwrap_err().to_string();
        assert!(
            e.contains("/servers/x") && e.contains("neither `command`"),
            "{e}"
        );
        std::fs::write(&vscode, r#"{"other": {}}"#).unwrap();
        assert!(config(&vscode)
            .unwrap_err()
            .to_string()
            .contains("no `mcpServers`"));
    }

    #[test]
    fn variables_expand_as_clients_do() {
        std::env::set_var("TOOLCAT_TEST_HOME", "/home/x");
        let mut values = Vec::new();
        assert_eq!(
            expand(
                "${env:TOOLCAT_TEST_HOME}/a:${TOOLCAT_TEST_HOME}",
                &mut values
            ),
            "/home/x/a:/home/x"
        );
        assert_eq!(values, ["/home/x", "/home/x"]);
        assert_eq!(expand("${TOOLCAT_SURELY_UNSET_VAR}-b", &mut values), "-b");
        assert_eq!(expand("plain ${unclosed", &mut values), "plain ${unclosed");
        assert_eq!(values.len(), 2);
    }

    #[test]
    fn a_config_is_recorded_as_written_and_its_values_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mcp.json");
        std::fs::write(
            &path,
            r#"{"mcpServers": {
                "s": {"command": "sh", "args": ["-c", "run # ${TOOLCAT_TEST_SECRET}"], "env": {"K": "env-value-1"}},
                "h": {"url": "https://${TOOLCAT_TEST_SECRET}@h.example/mcp?k=${TOOLCAT_TEST_SECRET}", "headers": {"A": "header-value-2"}}
            }}"#,
        )
        .unwrap();
        std::env::set_var("TOOLCAT_TEST_SECRET", "expanded-3");
        let servers = config(&path).unwrap();
        let Target::Stdio(s) = &servers["s"] else {
            panic!()
        };
        assert_eq!(s.args[1], "run # expanded-3");
        assert_eq!(s.as_written().args[1], "run # ${TOOLCAT_TEST_SECRET}");
        let message = "failed: run # expanded-3 with env-value-1";
        assert_eq!(servers["s"].redact(message), "failed: run # *** with ***");
        let h = &servers["h"];
        assert_eq!(
            h.shown(),
            "https://***@h.example/mcp?k=${TOOLCAT_TEST_SECRET}"
        );
        let message = "GET https://expanded-3@h.example/mcp?k=expanded-3: refused (header-value-2)";
        assert_eq!(
            h.redact(message),
            "GET https://***@h.example/mcp?k=***: refused (***)"
        );
    }
}
