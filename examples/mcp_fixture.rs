//! An MCP server for toolcat's tests, with switches to misbehave.
//!
//! `mcp_fixture [--tools N] [--page-size P] [--mode MODE] [--http [--sse]]`, where MODE is
//! one of: `ok` (default), `hang` (never answers tools/list), `hang-init` (never answers
//! initialize), `crash` (exits after the first page), `junk` (stdio: junk lines and logs on
//! stdout between answers; HTTP: bodies that are not JSON), `error` (answers tools/list
//! with a JSON-RPC error), `cursor-loop` (always returns the same cursor), `slow` (sleeps
//! 400 ms before each page).
//!
//! Over stdio by default. With `--http` it speaks streamable HTTP on a loopback port: it
//! prints `listening on 127.0.0.1:PORT` and answers POSTs to `/mcp` with JSON, or with
//! one-event `text/event-stream` bodies given `--sse`.
//!
//! Written by hand rather than with an SDK so that it can break the protocol on purpose.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;

struct Server {
    total: usize,
    page_size: usize,
    mode: String,
    pages_sent: usize,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let opt = |name: &str, default: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
            .unwrap_or_else(|| default.to_string())
    };
    let mut server = Server {
        total: opt("--tools", "3").parse().unwrap_or(3),
        page_size: opt("--page-size", "100").parse().unwrap_or(100).max(1),
        mode: opt("--mode", "ok"),
        pages_sent: 0,
    };
    if args.iter().any(|a| a == "--http") {
        http(&mut server, args.iter().any(|a| a == "--sse"));
        return;
    }
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { return };
        let Ok(msg) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if server.mode == "junk" {
            let _ = writeln!(out, "server starting... this is not JSON");
            let _ = writeln!(out, "{{\"half\": ");
        }
        if let Some(reply) = server.answer(&msg) {
            let _ = writeln!(out, "{reply}");
            let _ = out.flush();
        }
    }
}

fn respond(stream: &mut TcpStream, status: &str, kind: &str, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nMcp-Session-Id: fixture-session\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

/// Serve streamable HTTP on a loopback port, one request per connection.
fn http(server: &mut Server, sse: bool) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    println!(
        "listening on {}",
        listener.local_addr().expect("an address")
    );
    let _ = std::io::stdout().flush();
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let Ok(clone) = stream.try_clone() else {
            continue;
        };
        let mut reader = BufReader::new(clone);
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).is_err() {
            continue;
        }
        let mut length = 0usize;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            continue;
        }
        if !request_line.starts_with("POST") {
            respond(&mut stream, "405 Method Not Allowed", "text/plain", "");
            continue;
        }
        let Ok(msg) = serde_json::from_slice::<Value>(&body) else {
            respond(&mut stream, "400 Bad Request", "text/plain", "not JSON");
            continue;
        };
        match server.answer(&msg) {
            None => respond(&mut stream, "202 Accepted", "text/plain", ""),
            Some(_) if server.mode == "junk" => {
                respond(
                    &mut stream,
                    "200 OK",
                    "application/json",
                    "this is not JSON",
                );
            }
            Some(reply) if sse => {
                let event = format!("event: message\ndata: {reply}\n\n");
                respond(&mut stream, "200 OK", "text/event-stream", &event);
            }
            Some(reply) => respond(
                &mut stream,
                "200 OK",
                "application/json",
                &reply.to_string(),
            ),
        }
    }
}

impl Server {
    /// The answer to one message; `None` for notifications.
    fn answer(&mut self, msg: &Value) -> Option<Value> {
        let id = msg.get("id").cloned()?;
        let method = msg.get("method").and_then(Value::as_str).unwrap_or("");
        let reply = match method {
            "initialize" => {
                if self.mode == "hang-init" {
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
            "tools/list" => self.page(&id, msg),
            "ping" => json!({"jsonrpc": "2.0", "id": id, "result": {}}),
            _ => {
                json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32601, "message": "method not found"}})
            }
        };
        Some(reply)
    }

    fn page(&mut self, id: &Value, msg: &Value) -> Value {
        match self.mode.as_str() {
            "hang" => std::thread::sleep(std::time::Duration::from_secs(3600)),
            "crash" if self.pages_sent >= 1 => std::process::exit(3),
            "slow" => std::thread::sleep(std::time::Duration::from_millis(400)),
            _ => {}
        }
        if self.mode == "error" {
            return json!({"jsonrpc": "2.0", "id": id, "error": {"code": -32603, "message": "database is down"}});
        }
        let start: usize = msg
            .pointer("/params/cursor")
            .and_then(Value::as_str)
            .and_then(|c| c.strip_prefix("page-"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let end = (start + self.page_size).min(self.total);
        let tools: Vec<Value> = (start..end)
            .map(|i| {
                let description = if i % 2 == 0 {
                    format!("Lists things number {i}.")
                } else {
                    format!("Deletes thing number {i} permanently.")
                };
                json!({
                    "name": format!("tool_{i:05}"),
                    "description": description,
                    "inputSchema": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
                })
            })
            .collect();
        self.pages_sent += 1;
        let next = if self.mode == "cursor-loop" {
            Some("page-0".to_string())
        } else if end < self.total {
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
