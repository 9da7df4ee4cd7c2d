//! The catalogue's types: servers and their tools. No IO here.
//!
//! Tool definitions come from third parties, so the model is lenient: every field a
//! server sent is kept (unknown fields in `extra`, hints that are not booleans in the
//! annotations' `extra`), and schemas stay raw JSON values.

use crate::json::{Json, JsonRef};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One MCP server of the catalogue and the tools it lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Server {
    pub server: ServerInfo,
    pub tools: Vec<Tool>,
}

/// Where a server's tool list came from and what it is.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ServerInfo {
    /// Stable identifier: the catalogue file stem and the first part of tool ids.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Package id such as `npm:@scope/name` or `pypi:name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Where the definitions were read from (a file name, never a full local path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Any other facts recorded about the server (`serverInfo`, `protocolVersion`...).
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// One tool as the server declared it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tool {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `None` only for inputs (such as some Docker catalogue files) that carry no schema.
    /// Kept flat ([`Json`]): the classifier walks it for every tool.
    #[serde(rename = "inputSchema", skip_serializing_if = "Option::is_none")]
    pub input_schema: Option<Json>,
    #[serde(rename = "outputSchema", skip_serializing_if = "Option::is_none")]
    pub output_schema: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<Annotations>,
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
    /// Fields this version of toolcat does not model (`icons`, `execution`...), kept verbatim.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// MCP `ToolAnnotations`: hints, untrusted, each possibly absent.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Annotations {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(rename = "readOnlyHint", skip_serializing_if = "Option::is_none")]
    pub read_only_hint: Option<bool>,
    #[serde(rename = "destructiveHint", skip_serializing_if = "Option::is_none")]
    pub destructive_hint: Option<bool>,
    #[serde(rename = "idempotentHint", skip_serializing_if = "Option::is_none")]
    pub idempotent_hint: Option<bool>,
    #[serde(rename = "openWorldHint", skip_serializing_if = "Option::is_none")]
    pub open_world_hint: Option<bool>,
    /// Non-spec keys (`readOnly`...) and hints whose value was not a boolean.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// The spec's pessimistic defaults applied to declared hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EffectiveHints {
    pub read_only: bool,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
}

impl Annotations {
    /// Hints with the MCP defaults filled in for the ones not declared.
    pub fn effective(&self) -> EffectiveHints {
        EffectiveHints {
            read_only: self.read_only_hint.unwrap_or(false),
            destructive: self.destructive_hint.unwrap_or(true),
            idempotent: self.idempotent_hint.unwrap_or(false),
            open_world: self.open_world_hint.unwrap_or(true),
        }
    }

    /// `readOnlyHint`, or the non-spec `readOnly` key some servers send.
    pub fn read_only(&self) -> Option<bool> {
        self.read_only_hint
            .or_else(|| self.extra.get("readOnly").and_then(Value::as_bool))
    }
}

impl Tool {
    /// A tool with only a name and an empty object schema.
    pub fn named(name: &str) -> Self {
        Tool {
            name: name.to_string(),
            title: None,
            description: None,
            input_schema: Some(serde_json::json!({"type": "object"}).into()),
            output_schema: None,
            annotations: None,
            meta: None,
            extra: BTreeMap::new(),
        }
    }

    /// Display name: `title`, then `annotations.title`, then `name` (MCP precedence).
    pub fn display_name(&self) -> &str {
        self.title
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .or_else(|| {
                self.annotations
                    .as_ref()
                    .and_then(|a| a.title.as_deref())
                    .filter(|t| !t.trim().is_empty())
            })
            .unwrap_or(&self.name)
    }

    pub fn description(&self) -> &str {
        self.description.as_deref().unwrap_or("")
    }

    /// SHA-256 (hex) over the canonical JSON of the whole definition.
    pub fn fingerprint(&self) -> String {
        let mut hasher = HashWriter(Sha256::new());
        // The same bytes as `canonical_json(&serde_json::to_value(self))`, written straight
        // into the hash without copying the schemas into a `Value` first.
        let _ = serde_json::to_writer(&mut hasher, &sorted_fields(self));
        hex(&hasher.0.finalize())
    }
}

/// A field of a definition, borrowed, for [`sorted_fields`].
#[derive(Serialize)]
#[serde(untagged)]
enum Field<'a> {
    Str(&'a str),
    Bool(bool),
    Value(&'a Value),
    Json(JsonRef<'a>),
    Map(BTreeMap<&'a str, Field<'a>>),
}

/// A tool's fields, its unmodelled ones included, keyed by their JSON names: a map that
/// serializes in key order, as a `serde_json::Value` of the tool would.
fn sorted_fields(t: &Tool) -> BTreeMap<&str, Field<'_>> {
    let mut m: BTreeMap<&str, Field<'_>> = t
        .extra
        .iter()
        .map(|(k, v)| (k.as_str(), Field::Value(v)))
        .collect();
    m.insert("name", Field::Str(&t.name));
    let optional = [
        ("title", t.title.as_deref().map(Field::Str)),
        ("description", t.description.as_deref().map(Field::Str)),
        (
            "inputSchema",
            t.input_schema.as_ref().map(|s| Field::Json(s.root())),
        ),
        ("outputSchema", t.output_schema.as_ref().map(Field::Value)),
        ("_meta", t.meta.as_ref().map(Field::Value)),
    ];
    m.extend(optional.into_iter().filter_map(|(k, v)| Some((k, v?))));
    if let Some(a) = &t.annotations {
        let mut am: BTreeMap<&str, Field<'_>> = a
            .extra
            .iter()
            .map(|(k, v)| (k.as_str(), Field::Value(v)))
            .collect();
        if let Some(title) = &a.title {
            am.insert("title", Field::Str(title));
        }
        let hints = [
            ("readOnlyHint", a.read_only_hint),
            ("destructiveHint", a.destructive_hint),
            ("idempotentHint", a.idempotent_hint),
            ("openWorldHint", a.open_world_hint),
        ];
        am.extend(
            hints
                .into_iter()
                .filter_map(|(k, v)| Some((k, Field::Bool(v?)))),
        );
        m.insert("annotations", Field::Map(am));
    }
    m
}

/// Bytes written into a SHA-256.
struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Canonical JSON: object keys sorted, no insignificant whitespace.
///
/// `serde_json`'s map is a `BTreeMap` (the `preserve_order` feature is off), so keys
/// serialize sorted by their UTF-8 bytes; for keys of ASCII and the Basic Multilingual
/// Plane this is the order RFC 8785 prescribes.
pub fn canonical_json(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The category of a tool, by what it can do (REFERENCE §3). Ordered by precedence.
/// What a tool can do beside others: the three legs of a toxic combination (an agent that
/// holds all three can be made to leak private data by text a stranger wrote).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Capability {
    /// Reads data that is not public: mail, files, databases, private repositories,
    /// records, secrets.
    PrivateData,
    /// Returns text a third party can write: web pages, inbound mail, comments, messages.
    UntrustedContent,
    /// Can move data to a place outside the user's control.
    ExternalSend,
}

impl Capability {
    pub const ALL: [Capability; 3] = [
        Capability::PrivateData,
        Capability::UntrustedContent,
        Capability::ExternalSend,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Capability::PrivateData => "private-data",
            Capability::UntrustedContent => "untrusted-content",
            Capability::ExternalSend => "external-send",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Read,
    Write,
    Execute,
    Destructive,
    Financial,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Read,
        Category::Write,
        Category::Execute,
        Category::Destructive,
        Category::Financial,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Read => "read",
            Category::Write => "write",
            Category::Execute => "execute",
            Category::Destructive => "destructive",
            Category::Financial => "financial",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Read => "Read",
            Category::Write => "Write",
            Category::Execute => "Execute",
            Category::Destructive => "Destructive",
            Category::Financial => "Financial",
        }
    }

    /// The risk a tool of this category has before any signal raises it.
    pub fn default_risk(self) -> Risk {
        match self {
            Category::Read => Risk::Low,
            Category::Write => Risk::Medium,
            Category::Execute => Risk::High,
            Category::Destructive | Category::Financial => Risk::Critical,
        }
    }
}

impl std::str::FromStr for Category {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                format!("unknown category `{s}` (expected read, write, execute, destructive or financial)")
            })
    }
}

impl std::fmt::Display for Category {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Risk class, ordered from least to most severe.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    Low,
    Medium,
    High,
    Critical,
}

impl Risk {
    pub const ALL: [Risk; 4] = [Risk::Low, Risk::Medium, Risk::High, Risk::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
            Risk::Critical => "critical",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Risk::Low => "Low",
            Risk::Medium => "Medium",
            Risk::High => "High",
            Risk::Critical => "Critical",
        }
    }

    /// One step more severe, saturating at critical.
    #[must_use]
    pub fn raised(self) -> Risk {
        match self {
            Risk::Low => Risk::Medium,
            Risk::Medium => Risk::High,
            Risk::High | Risk::Critical => Risk::Critical,
        }
    }
}

impl std::str::FromStr for Risk {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Risk::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown risk `{s}` (expected low, medium, high or critical)"))
    }
}

impl std::fmt::Display for Risk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_name_precedence() {
        let mut t = Tool::named("do_it");
        assert_eq!(t.display_name(), "do_it");
        t.annotations = Some(Annotations {
            title: Some("Ann".into()),
            ..Annotations::default()
        });
        assert_eq!(t.display_name(), "Ann");
        t.title = Some("Title".into());
        assert_eq!(t.display_name(), "Title");
    }

    #[test]
    fn fingerprint_hashes_the_canonical_json_of_the_definition() {
        use serde_json::json;
        let mut t = Tool::named("x");
        t.title = Some("T".into());
        t.description = Some("d".into());
        t.input_schema =
            Some(json!({"type": "object", "properties": {"q": {"type": "string"}}}).into());
        t.output_schema = Some(json!({"type": "object"}));
        t.meta = Some(json!({"k": "v"}));
        t.extra.insert("zeta".into(), json!([1, {"b": 1, "a": 2}]));
        t.extra.insert("alpha".into(), Value::Null);
        let mut a = Annotations {
            title: Some("A".into()),
            read_only_hint: Some(true),
            open_world_hint: Some(false),
            ..Annotations::default()
        };
        a.extra.insert("custom".into(), json!(1));
        a.extra.insert("readOnly".into(), json!("yes"));
        t.annotations = Some(a);
        let canonical = canonical_json(&serde_json::to_value(&t).unwrap());
        assert_eq!(t.fingerprint(), hex(&Sha256::digest(canonical.as_bytes())));
        let bare = Tool::named("y");
        let canonical = canonical_json(&serde_json::to_value(&bare).unwrap());
        assert_eq!(
            bare.fingerprint(),
            hex(&Sha256::digest(canonical.as_bytes()))
        );
    }

    #[test]
    fn fingerprint_ignores_key_order_but_not_content() {
        let a = Tool::named("x");
        let mut b = Tool::named("x");
        assert_eq!(a.fingerprint(), b.fingerprint());
        b.description = Some("changed".into());
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint().len(), 64);
    }

    #[test]
    fn effective_hints_use_spec_defaults() {
        let e = Annotations::default().effective();
        assert!(!e.read_only && e.destructive && !e.idempotent && e.open_world);
    }
}
