//! Reading tool definitions from files into [`Server`]s.
//!
//! Accepted shapes, detected from the content (never from the file name):
//! - toolcat's own catalogue file and the corpus server files: `{"server": {...}, "tools": [...]}`;
//! - a `tools/list` result: `{"tools": [...], "nextCursor"?: "..."}`;
//! - a JSON-RPC response whose `result` is one;
//! - a stream of JSON-RPC lines (a server's stdout): every `tools/list` result in it is
//!   concatenated, `initialize`'s `serverInfo` and `protocolVersion` are recorded, and
//!   lines that are not JSON (servers log to stdout) are skipped;
//! - a bare array of tools, in the MCP shape or Docker's older `arguments` shape.

use crate::json::Json;
use crate::model::{Annotations, Server, ServerInfo, Tool};
use crate::schema::escape_pointer;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Largest input file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// An input that could not be ingested, pointing at the file and the JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: PathBuf,
    /// JSON pointer into the document (for a line stream: `line N` then the pointer).
    pub pointer: Option<String>,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(p) = &self.pointer {
            let p = if p.is_empty() { "(document root)" } else { p };
            write!(f, ": at {p}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for InputError {}

/// How the caller names the server of an input that does not name itself.
#[derive(Debug, Clone, Default)]
pub struct Naming {
    /// `--server`: the slug (and display name when the file gives none).
    pub server: Option<String>,
    /// `--package`: the package id.
    pub package: Option<String>,
}

/// A problem that does not stop ingesting (duplicate tool names, a missing schema...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

/// Expand directories into the `.json` and `.jsonl` files below them, sorted.
pub fn expand_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, InputError> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            for entry in walkdir::WalkDir::new(path)
                .follow_links(false)
                .sort_by_file_name()
            {
                let entry = entry.map_err(|e| InputError {
                    file: path.clone(),
                    pointer: None,
                    message: format!("cannot list directory: {e}"),
                })?;
                let name = entry.file_name().to_string_lossy();
                if entry.file_type().is_file()
                    && !name.starts_with('.')
                    && (name.ends_with(".json") || name.ends_with(".jsonl"))
                {
                    found.push(entry.into_path());
                }
            }
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Read one file into a server.
pub fn read_file(path: &Path, naming: &Naming) -> Result<(Server, Vec<Diagnostic>), InputError> {
    let text = read_text(path)?;
    parse_text(&text, path, naming)
}

/// The text of one input file: at most [`MAX_FILE_BYTES`], valid UTF-8.
pub fn read_text(path: &Path) -> Result<String, InputError> {
    let err = |message: String| InputError {
        file: path.to_path_buf(),
        pointer: None,
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| err(format!("cannot read file: {e}")))?;
    if meta.is_dir() {
        return Err(err("is a directory".into()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(err(format!(
            "file is {} bytes, more than the {MAX_FILE_BYTES} bytes toolcat reads",
            meta.len()
        )));
    }
    // Pipes and devices report no length: the read itself stops past the cap.
    let read = std::fs::File::open(path).and_then(|f| read_capped(f, MAX_FILE_BYTES, meta.len()));
    let Some(bytes) = read.map_err(|e| err(format!("cannot read file: {e}")))? else {
        return Err(err(format!(
            "file is more than the {MAX_FILE_BYTES} bytes toolcat reads"
        )));
    };
    String::from_utf8(bytes).map_err(|e| {
        err(format!(
            "not valid UTF-8 (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// The text of a file toolcat is given besides tool definitions (a configuration, a
/// policy to check, a labels file, a client configuration, a template), with the same cap
/// as an input file: a device or an endless pipe is an error, not a memory blow-up.
pub fn read_small_text(path: &Path) -> anyhow::Result<String> {
    read_text(path).map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message))
}

/// Everything `reader` gives, or `None` when that is more than `cap` bytes (an endless
/// device or pipe included). `len` is the expected length, when known.
fn read_capped(reader: impl std::io::Read, cap: u64, len: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(usize::try_from(len.min(cap)).unwrap_or(0));
    reader.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= cap).then_some(bytes))
}

/// Parse the text of one input file.
pub fn parse_text(
    text: &str,
    path: &Path,
    naming: &Naming,
) -> Result<(Server, Vec<Diagnostic>), InputError> {
    let mut reader = Reader {
        file: path,
        diagnostics: Vec::new(),
    };
    let document = match serde_json::from_str::<Value>(text) {
        Ok(v) => Document::Single(v),
        Err(e) => match json_lines(text) {
            Some(lines) => Document::Stream(lines),
            None => {
                return Err(reader.error(
                    None,
                    format!(
                        "malformed JSON at line {}, column {}: {e}",
                        e.line(),
                        e.column()
                    ),
                ))
            }
        },
    };
    let server = reader.document(document, naming)?;
    reader.check_duplicates(&server);
    Ok((server, reader.diagnostics))
}

enum Document {
    Single(Value),
    /// (1-based line number, value) of every line that parsed as a JSON object.
    Stream(Vec<(usize, Value)>),
}

/// The JSON-RPC messages of a line stream, or `None` if the text is not one.
fn json_lines(text: &str) -> Option<Vec<(usize, Value)>> {
    let mut messages = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if !line.starts_with('{') {
            continue;
        }
        if let Ok(v @ Value::Object(_)) = serde_json::from_str::<Value>(line) {
            if v.get("jsonrpc").is_some() || v.get("result").is_some() || v.get("error").is_some() {
                messages.push((i + 1, v));
            }
        }
    }
    (!messages.is_empty()).then_some(messages)
}

struct Reader<'a> {
    file: &'a Path,
    diagnostics: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn error(&self, pointer: Option<String>, message: impl Into<String>) -> InputError {
        InputError {
            file: self.file.to_path_buf(),
            pointer,
            message: message.into(),
        }
    }

    fn diagnostic(&mut self, message: String) {
        self.diagnostics.push(Diagnostic {
            file: self.file.to_path_buf(),
            message,
        });
    }

    fn document(&mut self, document: Document, naming: &Naming) -> Result<Server, InputError> {
        let mut info = ServerInfo::default();
        let tools = match document {
            Document::Single(v) => self.single(&v, &mut info)?,
            Document::Stream(lines) => self.stream(&lines, &mut info)?,
        };
        self.name_server(&mut info, naming);
        Ok(Server {
            server: info,
            tools,
        })
    }

    fn single(&mut self, v: &Value, info: &mut ServerInfo) -> Result<Vec<Tool>, InputError> {
        match v {
            Value::Array(items) => self.tools(items, ""),
            Value::Object(obj) => {
                if let Some(server) = obj.get("server") {
                    self.server_info(server, info)?;
                    let tools = obj.get("tools").ok_or_else(|| {
                        self.error(Some("/tools".into()), "a server file needs a `tools` array")
                    })?;
                    return self.tools_value(tools, "/tools");
                }
                if let Some(tools) = obj.get("tools") {
                    return self.tools_value(tools, "/tools");
                }
                if let Some(e) = obj.get("error") {
                    return Err(self.error(Some("/error".into()), rpc_error(e)));
                }
                if let Some(result) = obj.get("result") {
                    return match result.get("tools") {
                        Some(tools) => self.tools_value(tools, "/result/tools"),
                        None => Err(self.error(
                            Some("/result".into()),
                            "JSON-RPC result has no `tools` array: not a tools/list response",
                        )),
                    };
                }
                Err(self.error(
                    Some(String::new()),
                    "not an accepted shape: expected a tools/list result (`tools`), a JSON-RPC \
                     response (`result.tools`), a server file (`server` and `tools`) or an array of tools",
                ))
            }
            _ => Err(self.error(
                Some(String::new()),
                "not an accepted shape: expected a JSON object or array",
            )),
        }
    }

    fn stream(
        &mut self,
        lines: &[(usize, Value)],
        info: &mut ServerInfo,
    ) -> Result<Vec<Tool>, InputError> {
        let mut tools = Vec::new();
        let mut found = false;
        for (line, msg) in lines {
            let at = |p: &str| format!("line {line}: {p}");
            if let Some(e) = msg.get("error") {
                self.diagnostic(format!(
                    "{}: JSON-RPC error: {}",
                    at("/error"),
                    rpc_error(e)
                ));
                continue;
            }
            let Some(result) = msg.get("result") else {
                continue;
            };
            if let Some(list) = result.get("tools") {
                let Value::Array(items) = list else {
                    return Err(self.error(Some(at("/result/tools")), "`tools` must be an array"));
                };
                found = true;
                for (i, item) in items.iter().enumerate() {
                    tools.push(self.tool(item, &at(&format!("/result/tools/{i}")))?);
                }
            } else if result.get("serverInfo").is_some() || result.get("protocolVersion").is_some()
            {
                for key in ["serverInfo", "protocolVersion"] {
                    if let Some(v) = result.get(key) {
                        info.extra.insert(key.to_string(), v.clone());
                    }
                }
            }
        }
        if !found {
            return Err(self.error(None, "the JSON-RPC stream holds no tools/list result"));
        }
        Ok(tools)
    }

    fn server_info(&mut self, v: &Value, info: &mut ServerInfo) -> Result<(), InputError> {
        let Value::Object(obj) = v else {
            return Err(self.error(Some("/server".into()), "`server` must be an object"));
        };
        for (key, value) in obj {
            let pointer = || Some(format!("/server/{}", escape_pointer(key)));
            let text = || {
                value
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| self.error(pointer(), format!("`{key}` must be a string")))
            };
            match key.as_str() {
                "slug" => info.slug = text()?,
                "name" => info.name = text()?,
                "package" => info.package = Some(text()?),
                "version" => info.version = Some(text()?),
                "source" => info.source = Some(text()?),
                // Environment values may be secrets: keep only the variable names.
                "launchEnv" => {
                    let names: Vec<Value> = value
                        .as_object()
                        .map(|m| m.keys().map(|k| Value::String(k.clone())).collect())
                        .unwrap_or_default();
                    info.extra
                        .insert("launchEnvNames".into(), Value::Array(names));
                }
                _ => {
                    info.extra.insert(key.clone(), value.clone());
                }
            }
        }
        Ok(())
    }

    fn name_server(&mut self, info: &mut ServerInfo, naming: &Naming) {
        let stem = file_stem(self.file);
        if let Some(name) = &naming.server {
            info.slug = crate::slug::slugify(name);
            if info.name.is_empty() {
                info.name.clone_from(name);
            }
        } else if info.slug.is_empty() {
            info.slug = crate::slug::slugify(&stem);
        } else {
            info.slug = crate::slug::slugify(&info.slug);
        }
        if info.name.is_empty() {
            info.name =
                server_info(&info.extra, "name").map_or_else(|| info.slug.clone(), str::to_string);
        }
        if let Some(package) = &naming.package {
            info.package = Some(package.clone());
        }
        if info.version.is_none() {
            info.version = server_info(&info.extra, "version").map(str::to_string);
        }
        if info.source.is_none() {
            info.source = self
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned());
        }
    }

    fn tools_value(&mut self, v: &Value, pointer: &str) -> Result<Vec<Tool>, InputError> {
        match v {
            Value::Array(items) => self.tools(items, pointer),
            _ => Err(self.error(Some(pointer.into()), "`tools` must be an array")),
        }
    }

    fn tools(&mut self, items: &[Value], pointer: &str) -> Result<Vec<Tool>, InputError> {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| self.tool(item, &format!("{pointer}/{i}")))
            .collect()
    }

    fn tool(&mut self, v: &Value, pointer: &str) -> Result<Tool, InputError> {
        let Value::Object(obj) = v else {
            return Err(self.error(Some(pointer.into()), "a tool must be a JSON object"));
        };
        let at = |key: &str| Some(format!("{pointer}/{}", escape_pointer(key)));
        let name = match obj.get("name") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::String(_)) => return Err(self.error(at("name"), "tool name is empty")),
            Some(_) => return Err(self.error(at("name"), "tool name must be a string")),
            None => return Err(self.error(Some(pointer.into()), "tool has no `name`")),
        };
        let mut tool = Tool {
            name,
            title: None,
            description: None,
            input_schema: None,
            output_schema: None,
            annotations: None,
            meta: None,
            extra: BTreeMap::new(),
        };
        for (key, value) in obj {
            match key.as_str() {
                "name" => {}
                "title" => tool.title = self.opt_string(value, at(key))?,
                "description" => tool.description = self.opt_string(value, at(key))?,
                "inputSchema" => {
                    self.schema(value, at(key))?;
                    tool.input_schema = Some(Json::from(value));
                }
                "outputSchema" if !value.is_null() => {
                    self.schema(value, at(key))?;
                    tool.output_schema = Some(value.clone());
                }
                "annotations" if !value.is_null() => {
                    tool.annotations = Some(self.annotations(value, at(key))?);
                }
                "_meta" => tool.meta = Some(value.clone()),
                "arguments" if !obj.contains_key("inputSchema") => {
                    tool.input_schema = Some(Json::from(self.docker_arguments(value, at(key))?));
                }
                _ => {
                    tool.extra.insert(key.clone(), value.clone());
                }
            }
        }
        if tool.input_schema.is_none() {
            self.diagnostic(format!(
                "{pointer}: tool `{}` has no inputSchema; treated as taking no parameters",
                tool.name
            ));
        }
        Ok(tool)
    }

    fn opt_string(&self, v: &Value, pointer: Option<String>) -> Result<Option<String>, InputError> {
        match v {
            Value::Null => Ok(None),
            Value::String(s) => Ok(Some(s.clone())),
            _ => Err(self.error(pointer, "must be a string")),
        }
    }

    /// Check that a schema is an object.
    fn schema(&self, v: &Value, pointer: Option<String>) -> Result<(), InputError> {
        match v {
            Value::Object(_) => Ok(()),
            _ => Err(self.error(
                pointer,
                format!("schema must be a JSON object, found {}", kind(v)),
            )),
        }
    }

    fn annotations(&self, v: &Value, pointer: Option<String>) -> Result<Annotations, InputError> {
        let Value::Object(obj) = v else {
            return Err(self.error(pointer, "annotations must be a JSON object"));
        };
        let mut a = Annotations::default();
        for (key, value) in obj {
            let slot = match key.as_str() {
                "readOnlyHint" => &mut a.read_only_hint,
                "destructiveHint" => &mut a.destructive_hint,
                "idempotentHint" => &mut a.idempotent_hint,
                "openWorldHint" => &mut a.open_world_hint,
                "title" if value.is_string() => {
                    a.title = value.as_str().map(str::to_string);
                    continue;
                }
                _ => {
                    a.extra.insert(key.clone(), value.clone());
                    continue;
                }
            };
            match value {
                Value::Bool(b) => *slot = Some(*b),
                _ => {
                    a.extra.insert(key.clone(), value.clone());
                }
            }
        }
        Ok(a)
    }

    /// Docker's older shape: `arguments: [{name, type, desc, optional?, items?}]`.
    fn docker_arguments(&self, v: &Value, pointer: Option<String>) -> Result<Value, InputError> {
        let Value::Array(args) = v else {
            return Err(self.error(pointer, "`arguments` must be an array"));
        };
        let mut properties = Map::new();
        let mut required = Vec::new();
        for (i, arg) in args.iter().enumerate() {
            let name = arg.get("name").and_then(Value::as_str).ok_or_else(|| {
                self.error(
                    pointer.as_ref().map(|p| format!("{p}/{i}/name")),
                    "argument has no `name`",
                )
            })?;
            let mut prop = Map::new();
            for (from, to) in [
                ("type", "type"),
                ("desc", "description"),
                ("items", "items"),
            ] {
                if let Some(x) = arg.get(from) {
                    prop.insert(to.into(), x.clone());
                }
            }
            let optional = arg
                .get("optional")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if !optional {
                required.push(Value::String(name.to_string()));
            }
            properties.insert(name.to_string(), Value::Object(prop));
        }
        let mut schema = Map::new();
        schema.insert("type".into(), "object".into());
        schema.insert("properties".into(), Value::Object(properties));
        if !required.is_empty() {
            schema.insert("required".into(), Value::Array(required));
        }
        Ok(Value::Object(schema))
    }

    fn check_duplicates(&mut self, server: &Server) {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for t in &server.tools {
            *seen.entry(t.name.as_str()).or_default() += 1;
        }
        for (name, n) in seen.into_iter().filter(|(_, n)| *n > 1) {
            self.diagnostic(format!(
                "server `{}` lists tool `{name}` {n} times; all are kept",
                server.server.slug
            ));
        }
    }
}

/// A text field of the `serverInfo` a server answered to `initialize`, when recorded.
fn server_info<'a>(extra: &'a BTreeMap<String, Value>, field: &str) -> Option<&'a str> {
    extra.get("serverInfo")?.get(field)?.as_str()
}

fn rpc_error(e: &Value) -> String {
    let code = e.get("code").map(ToString::to_string).unwrap_or_default();
    let message = e
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or("(no message)");
    format!("server answered with JSON-RPC error {code}: {message}")
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The file name without `.json`/`.jsonl` and without Docker's `.tools` suffix.
pub fn file_stem(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name
        .strip_suffix(".jsonl")
        .or_else(|| name.strip_suffix(".json"))
        .unwrap_or(&name);
    name.strip_suffix(".tools").unwrap_or(name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_past_the_cap_even_without_a_length() {
        // An endless reader (as `/dev/zero` or a pipe that never closes) ends at the cap.
        assert_eq!(read_capped(std::io::repeat(0), 1_000, 0).unwrap(), None);
        assert_eq!(
            read_capped(&b"abc"[..], 3, 0).unwrap().as_deref(),
            Some(&b"abc"[..])
        );
        assert_eq!(read_capped(&b"abc"[..], 2, 3).unwrap(), None);
        assert_eq!(read_capped(&b""[..], 0, 0).unwrap(), Some(Vec::new()));
    }

    fn parse(text: &str) -> Result<Server, InputError> {
        parse_text(text, Path::new("dir/my-server.json"), &Naming::default()).map(|(s, _)| s)
    }

    #[test]
    fn stem_names_the_server() {
        let s = parse(r#"{"tools":[{"name":"a","inputSchema":{"type":"object"}}]}"#).unwrap();
        assert_eq!(s.server.slug, "my-server");
        assert_eq!(s.server.source.as_deref(), Some("my-server.json"));
    }

    #[test]
    fn tool_without_name_points_at_it() {
        let e = parse(r#"{"tools":[{"name":"a"},{"description":"x"}]}"#).unwrap_err();
        assert_eq!(e.pointer.as_deref(), Some("/tools/1"));
        assert!(e.to_string().contains("has no `name`"), "{e}");
    }

    #[test]
    fn non_object_schema_is_refused() {
        let e = parse(r#"[{"name":"a","inputSchema":"string"}]"#).unwrap_err();
        assert_eq!(e.pointer.as_deref(), Some("/0/inputSchema"));
    }

    #[test]
    fn docker_arguments_become_a_schema() {
        let s = parse(r#"[{"name":"a","arguments":[{"name":"q","type":"string","desc":"Query"},{"name":"n","type":"integer","optional":true}]}]"#).unwrap();
        let schema = s.tools[0].input_schema.as_ref().unwrap().to_value();
        assert_eq!(schema["required"], serde_json::json!(["q"]));
        assert_eq!(schema["properties"]["q"]["description"], "Query");
    }

    #[test]
    fn non_boolean_hints_are_kept_aside() {
        let s =
            parse(r#"[{"name":"a","annotations":{"readOnlyHint":"yes","destructiveHint":false}}]"#)
                .unwrap();
        let a = s.tools[0].annotations.as_ref().unwrap();
        assert_eq!(a.read_only_hint, None);
        assert_eq!(a.destructive_hint, Some(false));
        assert_eq!(a.extra["readOnlyHint"], "yes");
    }
}
