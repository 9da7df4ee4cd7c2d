//! A JSON document stored flat, for input schemas.
//!
//! A `serde_json::Value` keeps every object in a `BTreeMap` whose nodes are separate
//! allocations of about 600 bytes, with each key in its own allocation: walking a schema's
//! parameters is a chain of cache misses, and it was the largest single cost of
//! classifying a tool. [`Json`] keeps a whole document in four vectors: the values, the
//! members of every object (each object's members side by side, sorted by key), the
//! elements of every array, and one buffer for every string and key. It is built once from
//! a parsed `Value` and read through [`JsonRef`], a copyable handle.
//!
//! It serializes exactly as the `Value` it was made from (keys in sorted order, numbers as
//! `serde_json` writes them), so pages, API files and fingerprints are unchanged.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Number, Value};
use std::fmt;

/// A whole JSON document; [`Json::root`] reads it.
#[derive(Clone)]
pub struct Json {
    nodes: Vec<JsonNode>,
    /// Every object's members, one object after another, each object's sorted by key.
    members: Vec<Member>,
    /// Every array's elements (node indices), one array after another.
    items: Vec<u32>,
    /// Every string and key, one after another.
    text: String,
}

#[derive(Clone)]
enum JsonNode {
    Null,
    Bool(bool),
    Number(Number),
    /// A span of `text`.
    String(Span),
    /// A span of `items`.
    Array(Span),
    /// A span of `members`.
    Object(Span),
}

/// A range of one of the vectors of a [`Json`]. Indices are `u32`: toolcat reads at most
/// 512 MiB a file (`ingest::MAX_INPUT_BYTES`), far below what they count.
#[derive(Clone, Copy)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

#[derive(Clone, Copy)]
struct Member {
    key: Span,
    value: u32,
}

/// `n` as an index; see [`Span`] for why it fits.
fn index(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Json {
    /// The document's top value.
    pub fn root(&self) -> JsonRef<'_> {
        JsonRef { doc: self, at: 0 }
    }

    /// The document as a `serde_json::Value` (a copy).
    pub fn to_value(&self) -> Value {
        self.root().to_value()
    }

    fn push_text(&mut self, s: &str) -> Span {
        let start = index(self.text.len());
        self.text.push_str(s);
        Span {
            start,
            end: index(self.text.len()),
        }
    }

    /// Append `v` and everything in it; returns its node index. A container's node and
    /// its run of members or items are reserved before its children are added, so every
    /// object's members (and every array's items) stay side by side.
    fn add(&mut self, v: &Value) -> u32 {
        let at = self.nodes.len();
        self.nodes.push(JsonNode::Null);
        let node = match v {
            Value::Null => JsonNode::Null,
            Value::Bool(b) => JsonNode::Bool(*b),
            Value::Number(n) => JsonNode::Number(n.clone()),
            Value::String(s) => JsonNode::String(self.push_text(s)),
            Value::Array(list) => {
                let start = self.items.len();
                self.items.resize(start + list.len(), 0);
                for (i, item) in list.iter().enumerate() {
                    self.items[start + i] = self.add(item);
                }
                JsonNode::Array(Span {
                    start: index(start),
                    end: index(start + list.len()),
                })
            }
            Value::Object(map) => {
                let start = self.members.len();
                let empty = Member {
                    key: Span { start: 0, end: 0 },
                    value: 0,
                };
                self.members.resize(start + map.len(), empty);
                // A `Map` iterates in key order (the `preserve_order` feature is off), so
                // the members come out sorted, as lookups need.
                for (i, (k, item)) in map.iter().enumerate() {
                    let key = self.push_text(k);
                    let value = self.add(item);
                    self.members[start + i] = Member { key, value };
                }
                JsonNode::Object(Span {
                    start: index(start),
                    end: index(start + map.len()),
                })
            }
        };
        self.nodes[at] = node;
        index(at)
    }
}

impl From<&Value> for Json {
    fn from(v: &Value) -> Self {
        let mut doc = Json {
            nodes: Vec::new(),
            members: Vec::new(),
            items: Vec::new(),
            text: String::new(),
        };
        doc.add(v);
        doc
    }
}

impl From<Value> for Json {
    fn from(v: Value) -> Self {
        Json::from(&v)
    }
}

impl PartialEq for Json {
    fn eq(&self, other: &Self) -> bool {
        self.root() == other.root()
    }
}

impl fmt::Debug for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.root(), f)
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.root().serialize(serializer)
    }
}

/// A value of a document by its place alone, 4 bytes where a [`JsonRef`] takes 16: for
/// structures that hold many (the schema walk's keyword table). `Option<Id>` is 4 bytes too.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Id(std::num::NonZeroU32);

impl Json {
    /// The value an [`Id`] from this document names.
    pub(crate) fn at(&self, id: Id) -> JsonRef<'_> {
        JsonRef {
            doc: self,
            at: id.0.get() - 1,
        }
    }
}

/// One value of a [`Json`] document.
#[derive(Clone, Copy)]
pub struct JsonRef<'a> {
    doc: &'a Json,
    at: u32,
}

impl<'a> JsonRef<'a> {
    /// Its place, to find it again with [`Json::at`] on the same document.
    pub(crate) fn id(self) -> Id {
        Id(std::num::NonZeroU32::MIN.saturating_add(self.at))
    }

    /// The document it is part of.
    pub(crate) fn doc(self) -> &'a Json {
        self.doc
    }

    fn node(self) -> &'a JsonNode {
        &self.doc.nodes[self.at as usize]
    }

    fn to(self, at: u32) -> JsonRef<'a> {
        JsonRef { doc: self.doc, at }
    }

    pub fn is_object(self) -> bool {
        matches!(self.node(), JsonNode::Object(_))
    }

    pub fn as_str(self) -> Option<&'a str> {
        match self.node() {
            JsonNode::String(s) => Some(&self.doc.text[s.range()]),
            _ => None,
        }
    }

    pub fn as_bool(self) -> Option<bool> {
        match self.node() {
            JsonNode::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements of an array.
    pub fn as_array(self) -> Option<impl ExactSizeIterator<Item = JsonRef<'a>> + Clone> {
        match self.node() {
            JsonNode::Array(s) => Some(self.doc.items[s.range()].iter().map(move |&i| self.to(i))),
            _ => None,
        }
    }

    /// The members of an object, sorted by key.
    pub fn as_object(
        self,
    ) -> Option<impl ExactSizeIterator<Item = (&'a str, JsonRef<'a>)> + Clone> {
        match self.node() {
            JsonNode::Object(s) => Some(self.members(*s)),
            _ => None,
        }
    }

    fn members(self, s: Span) -> impl ExactSizeIterator<Item = (&'a str, JsonRef<'a>)> + Clone {
        let doc = self.doc;
        doc.members[s.range()]
            .iter()
            .map(move |m| (&doc.text[m.key.range()], self.to(m.value)))
    }

    /// Whether this is an array that holds the string `s`.
    pub fn contains_str(self, s: &str) -> bool {
        let JsonNode::Array(span) = self.node() else {
            return false;
        };
        let doc = self.doc;
        doc.items[span.range()]
            .iter()
            .any(|&i| match &doc.nodes[i as usize] {
                JsonNode::String(t) => &doc.text[t.range()] == s,
                _ => false,
            })
    }

    /// The number of members of an object or elements of an array; 0 for anything else.
    pub fn len(self) -> usize {
        match self.node() {
            JsonNode::Object(s) | JsonNode::Array(s) => (s.end - s.start) as usize,
            _ => 0,
        }
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// The member `key` of an object.
    pub fn get(self, key: &str) -> Option<JsonRef<'a>> {
        let JsonNode::Object(s) = self.node() else {
            return None;
        };
        let doc = self.doc;
        let members = &doc.members[s.range()];
        members
            .binary_search_by(|m| doc.text[m.key.range()].cmp(key))
            .ok()
            .map(|i| self.to(members[i].value))
    }

    /// The value a JSON pointer (RFC 6901) names, as `serde_json::Value::pointer` finds it.
    pub fn pointer(self, pointer: &str) -> Option<JsonRef<'a>> {
        if pointer.is_empty() {
            return Some(self);
        }
        let rest = pointer.strip_prefix('/')?;
        rest.split('/').try_fold(self, |target, token| {
            let token = if token.contains('~') {
                std::borrow::Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
            } else {
                std::borrow::Cow::Borrowed(token)
            };
            match target.node() {
                JsonNode::Object(_) => target.get(&token),
                JsonNode::Array(s) => array_index(&token)
                    .filter(|&i| i < (s.end - s.start) as usize)
                    .map(|i| target.to(target.doc.items[s.start as usize + i])),
                _ => None,
            }
        })
    }

    /// A copy as a `serde_json::Value`.
    pub fn to_value(self) -> Value {
        match self.node() {
            JsonNode::Null => Value::Null,
            JsonNode::Bool(b) => Value::Bool(*b),
            JsonNode::Number(n) => Value::Number(n.clone()),
            JsonNode::String(_) => Value::String(self.as_str().unwrap_or_default().to_string()),
            JsonNode::Array(_) => Value::Array(
                self.as_array()
                    .into_iter()
                    .flatten()
                    .map(JsonRef::to_value)
                    .collect(),
            ),
            JsonNode::Object(_) => Value::Object(
                self.as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.to_string(), v.to_value()))
                    .collect::<Map<_, _>>(),
            ),
        }
    }
}

/// An array index in a JSON pointer: digits, no sign, no leading zero.
fn array_index(s: &str) -> Option<usize> {
    if s.starts_with('+') || (s.starts_with('0') && s.len() != 1) {
        return None;
    }
    s.parse().ok()
}

impl PartialEq for JsonRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self.node(), other.node()) {
            (JsonNode::Null, JsonNode::Null) => true,
            (JsonNode::Bool(a), JsonNode::Bool(b)) => a == b,
            (JsonNode::Number(a), JsonNode::Number(b)) => a == b,
            (JsonNode::String(_), JsonNode::String(_)) => self.as_str() == other.as_str(),
            (JsonNode::Array(_), JsonNode::Array(_)) => self
                .as_array()
                .into_iter()
                .flatten()
                .eq(other.as_array().into_iter().flatten()),
            (JsonNode::Object(_), JsonNode::Object(_)) => self
                .as_object()
                .into_iter()
                .flatten()
                .eq(other.as_object().into_iter().flatten()),
            _ => false,
        }
    }
}

impl fmt::Debug for JsonRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&serde_json::to_string(self).unwrap_or_default())
    }
}

impl Serialize for JsonRef<'_> {
    /// As `serde_json::Value` serializes: lengths given, keys in order.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.node() {
            JsonNode::Null => serializer.serialize_unit(),
            JsonNode::Bool(b) => serializer.serialize_bool(*b),
            JsonNode::Number(n) => n.serialize(serializer),
            JsonNode::String(_) => serializer.serialize_str(self.as_str().unwrap_or_default()),
            JsonNode::Array(_) => {
                let mut seq = serializer.serialize_seq(Some(self.len()))?;
                for item in self.as_array().into_iter().flatten() {
                    seq.serialize_element(&item)?;
                }
                seq.end()
            }
            JsonNode::Object(_) => {
                let mut map = serializer.serialize_map(Some(self.len()))?;
                for (k, v) in self.as_object().into_iter().flatten() {
                    map.serialize_entry(k, &v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    /// Any JSON value, a few levels deep, with keys that collide, need escaping in a
    /// pointer, or are empty.
    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            (-1e9f64..1e9).prop_map(|f| json!(f)),
            "[a-c~/ é]{0,4}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec(("[a-c~/0-9]{0,3}", inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    /// Every pointer to a value inside `v`, and a few that name nothing.
    fn pointers(v: &Value, at: &str, out: &mut Vec<String>) {
        out.push(at.to_string());
        out.push(format!("{at}/missing"));
        out.push(format!("{at}/01"));
        match v {
            Value::Array(list) => {
                for (i, item) in list.iter().enumerate() {
                    pointers(item, &format!("{at}/{i}"), out);
                }
            }
            Value::Object(map) => {
                for (k, item) in map {
                    let k = k.replace('~', "~0").replace('/', "~1");
                    pointers(item, &format!("{at}/{k}"), out);
                }
            }
            _ => {}
        }
    }

    proptest! {
        #[test]
        fn reads_and_writes_as_the_value_it_was_made_from(v in any_value(), w in any_value()) {
            let doc = Json::from(&v);
            prop_assert_eq!(serde_json::to_string(&doc).unwrap(), serde_json::to_string(&v).unwrap());
            prop_assert_eq!(
                serde_json::to_string_pretty(&doc).unwrap(),
                serde_json::to_string_pretty(&v).unwrap()
            );
            prop_assert_eq!(doc.to_value(), v.clone());
            let mut all = Vec::new();
            pointers(&v, "", &mut all);
            for p in all {
                prop_assert_eq!(doc.root().pointer(&p).map(JsonRef::to_value), v.pointer(&p).cloned(), "{}", p);
            }
            prop_assert_eq!(doc == Json::from(&w), v == w);
            prop_assert!(doc == Json::from(&v));
        }
    }

    #[test]
    fn lookups_and_shapes() {
        let doc = Json::from(json!({"b": [1, "x", null], "a": {"": true}, "c~/": 2.5}));
        let root = doc.root();
        assert_eq!(root.len(), 3);
        assert_eq!(
            root.get("a")
                .and_then(|a| a.get(""))
                .and_then(JsonRef::as_bool),
            Some(true)
        );
        assert_eq!(root.get("z"), None);
        let b: Vec<Value> = root
            .get("b")
            .unwrap()
            .as_array()
            .unwrap()
            .map(JsonRef::to_value)
            .collect();
        assert_eq!(b, [json!(1), json!("x"), Value::Null]);
        assert_eq!(
            root.pointer("/c~0~1").map(JsonRef::to_value),
            Some(json!(2.5))
        );
        assert_eq!(root.pointer("/b/1").and_then(JsonRef::as_str), Some("x"));
        assert!(root.pointer("b").is_none() && root.pointer("/b/3").is_none());
        let keys: Vec<&str> = root.as_object().unwrap().map(|(k, _)| k).collect();
        assert_eq!(keys, ["a", "b", "c~/"]);
        assert!(root.get("b").unwrap().get("0").is_none() && root.as_array().is_none());
        assert_eq!(
            format!("{doc:?}"),
            r#"{"a":{"":true},"b":[1,"x",null],"c~/":2.5}"#
        );
    }
}
