//! Parameters derived from a tool's input schema.
//!
//! The walk follows nested objects, array items, `allOf`/`anyOf`/`oneOf` branches and
//! local `$ref`s (`#/$defs/...`, `#/definitions/...`, any JSON pointer into the same
//! document). Network refs are never fetched. Depth and the number of parameters are
//! bounded and `$ref` cycles are cut, so a hostile schema cannot blow the stack or memory.

use serde_json::{Map, Value};
use std::borrow::Cow;

/// Nesting deeper than this is not walked (the parameter list says so with `truncated`).
pub const MAX_DEPTH: usize = 32;
/// At most this many parameters are listed for one tool.
pub const MAX_PARAMS: usize = 2_000;

/// One parameter of a tool, possibly nested (`name` is a dotted path such as `options.force`).
/// It borrows from the schema: listing parameters copies no descriptions or enums.
#[derive(Debug, Clone, PartialEq)]
pub struct Param<'a> {
    /// Dotted path from the top of the arguments (`items[]` marks array elements).
    pub name: Cow<'a, str>,
    /// The last segment of the path: the property's own name.
    pub key: &'a str,
    /// JSON pointer of the property's schema inside `inputSchema`.
    pub pointer: String,
    /// The property's schema, with a local `$ref` followed.
    pub schema: &'a Value,
    /// The whole input schema, for `$ref`s further down.
    root: &'a Value,
    pub required: bool,
    /// The description (or else the title) beside the `$ref` or on the schema it names.
    pub description: &'a str,
    pub default: Option<&'a Value>,
    /// 0 for top-level parameters.
    pub depth: usize,
}

impl<'a> Param<'a> {
    /// Human-readable type: `string`, `integer | null`, `array<string>`, `object`...
    pub fn ty(&self) -> String {
        type_name(self.schema, self.root, 0)
    }

    /// The values an `enum`, a `const`, `anyOf` consts or array items with an enum allow.
    pub fn enum_values(&self) -> Vec<&'a Value> {
        let mut out = Vec::new();
        enum_values(self.schema, &mut out, 0);
        out
    }
}

/// The parameters of a schema and whether the walk had to stop early.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params<'a> {
    pub params: Vec<Param<'a>>,
    /// True when depth or count bounds cut the walk, or a `$ref` could not be resolved.
    pub truncated: bool,
}

impl<'a> Params<'a> {
    pub fn top_level(&self) -> impl Iterator<Item = &Param<'a>> {
        self.params.iter().filter(|p| p.depth == 0)
    }
}

/// Walk `schema` and list its parameters in declaration order (sorted keys).
pub fn params(schema: Option<&Value>) -> Params<'_> {
    let Some(root) = schema else {
        return Params::default();
    };
    let mut walker = Walker {
        root,
        out: Params::default(),
        ref_stack: Vec::new(),
    };
    walker.object(root, "", "", 0);
    walker.out
}

struct Walker<'a> {
    root: &'a Value,
    out: Params<'a>,
    ref_stack: Vec<&'a str>,
}

/// The keywords of one schema object the walk reads, gathered in one pass over its keys.
#[derive(Default, Clone, Copy)]
struct Fields<'a> {
    reference: Option<&'a str>,
    properties: Option<&'a Map<String, Value>>,
    required: Option<&'a [Value]>,
    items: Option<&'a Value>,
    /// `allOf`, `anyOf`, `oneOf`.
    branches: [Option<&'a [Value]>; 3],
    description: Option<&'a str>,
    title: Option<&'a str>,
    default: Option<&'a Value>,
}

/// Objects with more keys than this are looked up key by key rather than scanned, so a
/// definition padded with junk keys and referenced many times stays cheap.
const SCAN_KEYS: usize = 16;

const BRANCH_KEYWORDS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

impl<'a> Fields<'a> {
    fn of(schema: &'a Value) -> Self {
        let mut f = Fields::default();
        let Value::Object(map) = schema else {
            return f;
        };
        if map.len() > SCAN_KEYS {
            for key in [
                "$ref",
                "properties",
                "required",
                "items",
                "description",
                "title",
                "default",
            ]
            .into_iter()
            .chain(BRANCH_KEYWORDS)
            {
                if let Some(v) = map.get(key) {
                    f.set(key, v);
                }
            }
        } else {
            for (k, v) in map {
                f.set(k, v);
            }
        }
        f
    }

    fn set(&mut self, key: &str, v: &'a Value) {
        match key {
            "$ref" => self.reference = v.as_str(),
            "properties" => self.properties = v.as_object(),
            "required" => self.required = v.as_array().map(Vec::as_slice),
            "items" => self.items = Some(v).filter(|i| i.is_object()),
            "allOf" => self.branches[0] = v.as_array().map(Vec::as_slice),
            "anyOf" => self.branches[1] = v.as_array().map(Vec::as_slice),
            "oneOf" => self.branches[2] = v.as_array().map(Vec::as_slice),
            "description" => self.description = v.as_str(),
            "title" => self.title = v.as_str(),
            "default" => self.default = Some(v),
            _ => {}
        }
    }

    fn has_properties(&self) -> bool {
        self.properties.is_some_and(|p| !p.is_empty())
    }

    /// The subschemas of `allOf`, `anyOf` and `oneOf`, with their pointer suffixes.
    fn branches(&self) -> impl Iterator<Item = (String, &'a Value)> + 'a {
        let lists = self.branches;
        BRANCH_KEYWORDS
            .into_iter()
            .zip(lists)
            .flat_map(|(c, list)| {
                list.unwrap_or_default()
                    .iter()
                    .enumerate()
                    .map(move |(i, b)| (format!("/{c}/{i}"), b))
            })
    }
}

/// A schema with its `$ref` followed: the schema, its fields, and the ref it went through.
type Resolved<'a> = (&'a Value, Fields<'a>, Option<&'a str>);

impl<'a> Walker<'a> {
    /// Follow a local `$ref`; `None` for non-local, missing or cyclic refs.
    fn resolve(&mut self, schema: &'a Value, fields: Fields<'a>) -> Option<Resolved<'a>> {
        let Some(reference) = fields.reference else {
            return Some((schema, fields, None));
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            self.out.truncated = true;
            return None;
        };
        if self.ref_stack.contains(&reference) {
            return None;
        }
        if let Some(target) = self.root.pointer(pointer) {
            Some((target, Fields::of(target), Some(reference)))
        } else {
            self.out.truncated = true;
            None
        }
    }

    /// List the properties of an object schema under `prefix`.
    fn object(&mut self, schema: &'a Value, prefix: &str, pointer: &str, depth: usize) {
        if depth > MAX_DEPTH {
            self.out.truncated = true;
            return;
        }
        let Some((_, fields, pushed)) = self.resolve(schema, Fields::of(schema)) else {
            return;
        };
        self.ref_stack.extend(pushed);
        let required = fields.required.unwrap_or_default();
        for (key, prop) in fields.properties.into_iter().flatten() {
            let child_pointer = format!("{pointer}/properties/{}", escape_pointer(key));
            let is_required = required.iter().any(|v| v.as_str() == Some(key));
            self.property(key, prop, prefix, &child_pointer, is_required, depth);
        }
        for (suffix, branch) in fields.branches() {
            self.object(branch, prefix, &format!("{pointer}{suffix}"), depth + 1);
        }
        if pushed.is_some() {
            self.ref_stack.pop();
        }
    }

    fn property(
        &mut self,
        key: &'a str,
        prop: &'a Value,
        prefix: &str,
        pointer: &str,
        required: bool,
        depth: usize,
    ) {
        if self.out.params.len() >= MAX_PARAMS {
            self.out.truncated = true;
            return;
        }
        let name: Cow<'a, str> = if prefix.is_empty() {
            Cow::Borrowed(key)
        } else {
            Cow::Owned(format!("{prefix}.{key}"))
        };
        // Descriptions and defaults may sit beside the $ref or on the schema it names.
        let declared = Fields::of(prop);
        let resolved = self.resolve(prop, declared);
        let (schema, fields) = resolved.map_or((prop, declared), |(s, f, _)| (s, f));
        let description = declared
            .description
            .or(fields.description)
            .or(declared.title)
            .or(fields.title)
            .unwrap_or_default();
        let nested_name = name.clone();
        self.out.params.push(Param {
            name,
            key,
            pointer: pointer.to_string(),
            schema,
            root: self.root,
            required,
            description,
            default: declared.default.or(fields.default),
            depth,
        });
        if let Some(resolved) = resolved {
            self.nested(resolved, &nested_name, pointer, depth + 1);
        }
    }

    /// Recurse into an object property or into array items that are objects.
    fn nested(&mut self, resolved: Resolved<'a>, name: &str, pointer: &str, depth: usize) {
        let (schema, fields, pushed) = resolved;
        self.ref_stack.extend(pushed);
        if fields.has_properties() {
            self.object(schema, name, pointer, depth);
        } else if let Some(items) = fields.items {
            let item = self.resolve(items, Fields::of(items));
            if item.is_some_and(|(_, f, _)| f.has_properties()) {
                self.object(
                    items,
                    &format!("{name}[]"),
                    &format!("{pointer}/items"),
                    depth,
                );
            }
        } else {
            for (suffix, branch) in fields.branches() {
                if let Some(r) = self.resolve(branch, Fields::of(branch)) {
                    self.nested(r, name, &format!("{pointer}{suffix}"), depth + 1);
                }
            }
        }
        if pushed.is_some() {
            self.ref_stack.pop();
        }
    }
}

/// Collect enum values; `anyOf: [{const: a}, {const: b}]` is an enum too, and so are
/// array items with an enum.
fn enum_values<'a>(schema: &'a Value, out: &mut Vec<&'a Value>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        out.extend(values);
        return;
    }
    if let Some(c) = schema.get("const") {
        out.push(c);
        return;
    }
    let before = out.len();
    for key in ["anyOf", "oneOf"] {
        for branch in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            enum_values(branch, out, depth + 1);
        }
    }
    if out.len() == before {
        if let Some(items) = schema.get("items") {
            enum_values(items, out, depth + 1);
        }
    }
}

/// A short, readable type for a property schema.
fn type_name(schema: &Value, root: &Value, depth: usize) -> String {
    if depth > 4 {
        return "any".into();
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return match r.strip_prefix('#').and_then(|p| root.pointer(p)) {
            Some(target) if target != schema => type_name(target, root, depth + 1),
            _ => "object".into(),
        };
    }
    let mut names: Vec<String> = match schema.get("type") {
        Some(Value::String(t)) => vec![single_type(t, schema, root, depth)],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(|t| single_type(t, schema, root, depth))
            .collect(),
        _ => Vec::new(),
    };
    if names.is_empty() {
        for key in ["anyOf", "oneOf"] {
            for branch in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let n = type_name(branch, root, depth + 1);
                if !names.contains(&n) {
                    names.push(n);
                }
            }
        }
    }
    if names.is_empty() {
        if schema.get("enum").is_some() || schema.get("const").is_some() {
            return "enum".into();
        }
        if schema.get("properties").is_some() {
            return "object".into();
        }
        return "any".into();
    }
    names.join(" | ")
}

fn single_type(t: &str, schema: &Value, root: &Value, depth: usize) -> String {
    if t == "array" {
        if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
            return format!("array<{}>", type_name(items, root, depth + 1));
        }
    }
    t.to_string()
}

/// Escape a key for use inside a JSON pointer (RFC 6901).
pub fn escape_pointer(key: &str) -> Cow<'_, str> {
    if key.contains(['~', '/']) {
        Cow::Owned(key.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_objects_refs_and_required() {
        let schema = json!({
            "type": "object",
            "required": ["repo"],
            "properties": {
                "repo": {"type": "string", "description": "Repository"},
                "opts": {"$ref": "#/$defs/Opts"},
                "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
            },
            "$defs": {"Opts": {"type": "object", "required": ["force"], "properties": {
                "force": {"type": "boolean", "default": false},
                "self": {"$ref": "#/$defs/Opts"}
            }}}
        });
        let p = params(Some(&schema));
        let names: Vec<_> = p.params.iter().map(|p| p.name.as_ref()).collect();
        assert_eq!(
            names,
            ["opts", "opts.force", "opts.self", "repo", "tags"],
            "cycle through `self` is cut after one level"
        );
        assert!(p.params[1].required && p.params[1].depth == 1);
        assert_eq!(p.params[1].default, Some(&json!(false)));
        assert_eq!(p.params[4].ty(), "array<string>");
        assert_eq!(p.params[4].enum_values(), [&json!("a"), &json!("b")]);
        assert_eq!(p.params[1].pointer, "/properties/opts/properties/force");
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let mut s = json!({"type": "string"});
        for _ in 0..500 {
            s = json!({"type": "object", "properties": {"a": s}});
        }
        let p = params(Some(&s));
        assert!(p.truncated);
        assert!(p.params.len() <= MAX_DEPTH + 2);
    }

    #[test]
    fn nullable_union_type() {
        let s = json!({"properties": {"x": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}});
        assert_eq!(params(Some(&s)).params[0].ty(), "integer | null");
    }
}
