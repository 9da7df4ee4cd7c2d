//! A stdio MCP server for toolcat's tests, with switches to misbehave.
//!
//! `mcp_fixture [--tools N] [--page-size P] [--mode MODE]`, where MODE is one of:
//! `ok` (default), `hang` (never answers tools/list), `hang-init` (never answers
//! initialize), `crash` (exits after the first page), `junk` (writes junk lines and logs
//! on stdout between answers), `error` (answers tools/list with a JSON-RPC error),
//! `cursor-loop` (always returns the same cursor), `slow` (sleeps 400 ms before each page).
//!
//! Written by hand rather than with an SDK so that it can break the protocol on purpose.

use serde_json::{json, Value};
use std::io::{BufRead, Write};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let opt = |name: &str, default: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_else(|| default.to_string())
    };
    let total: usize = opt("--tools", "3").parse().unwrap_or(3);
    let page_size: usize = opt("--page-size", "100").parse().unwrap_or(100).max(1);
    let mode = opt("--mode", "ok");
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut pages_sent = 0;
    for line in stdin.lock().lines() {
        let Ok(line) = line else { return };
        let Ok(msg) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let Some(id) = msg.get("id").cloned() else {
            continue;
        };
        let method = msg.get("method").and_then(Value::as_str).unwrap_or("");
        if mode == "junk" {
            let _ = writeln!(out, "server starting... this is not JSON");
            let _ = writeln!(out, "{{\"half\": ");
        }
        let reply = match method {
            "initialize" => {
                if mode == "hang-init" {
                    std::thread::sleep(std::time::Duration::from_secs(3600));
                }
                let version = msg
                    .pointer("/params/protocolVersion")
                    .cloned()
                    .unwrap_or(json!("2025-06-18"));
                json!({"jsonrpc": "2.0", "id": id, "result": {
                    "protocolVersion": version,
                    "capabilities": {"tools": {}},
                    "serverInfo": {"name": "toolcat-fixture", "version": "1.2.3"}
                }})
            }
            "tools/list" => {
                match mode.as_str() {
                    "hang" => std::thread::sleep(std::time::Duration::from_secs(3600)),
                    "crash" if pages_sent >= 1 => std::process::exit(3),
                    "slow" => std::thread::sleep(std::time::Duration::from_millis(400)),
                    _ => {}
                }
                if mode == "error" {
                    json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32603, "message": "database is down"}})
                } else {
                    let start: usize = msg
                        .pointer("/params/cursor")
                        .and_then(Value::as_str)
                        .and_then(|c| c.strip_prefix("page-"))
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(0);
                    let end = (start + page_size).min(total);
                    let tools: Vec<Value> = (start..end)
                        .map(|i| json!({
                            "name": format!("tool_{i:05}"),
                            "description": if i % 2 == 0 { format!("Lists things number {i}.") } else { format!("Deletes thing number {i} permanently.") },
                            "inputSchema": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
                        }))
                        .collect();
                    pages_sent += 1;
                    let next = if mode == "cursor-loop" {
                        Some("page-0".to_string())
                    } else if end < total {
                        Some(format!("page-{end}"))
                    } else {
                        None
                    };
                    let mut result = json!({"tools": tools});
                    if let Some(n) = next {
                        result["nextCursor"] = json!(n);
                    }
                    json!({"jsonrpc": "2.0", "id": id, "result": result})
                }
            }
            "ping" => json!({"jsonrpc": "2.0", "id": id, "result": {}}),
            _ => {
                json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32601, "message": "method not found"}})
            }
        };
        let _ = writeln!(out, "{reply}");
        let _ = out.flush();
    }
}
