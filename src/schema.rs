//! Parameters derived from a tool's input schema.
//!
//! The walk follows nested objects, array items, `allOf`/`anyOf`/`oneOf` branches and
//! local `$ref`s (`#/$defs/...`, `#/definitions/...`, any JSON pointer into the same
//! document). Network refs are never fetched. Depth and the number of parameters are
//! bounded and `$ref` cycles are cut, so a hostile schema cannot blow the stack or memory.

use serde::Serialize;
use serde_json::Value;

/// Nesting deeper than this is not walked (the parameter list says so with `truncated`).
pub const MAX_DEPTH: usize = 32;
/// At most this many parameters are listed for one tool.
pub const MAX_PARAMS: usize = 2_000;

/// One parameter of a tool, possibly nested (`name` is a dotted path such as `options.force`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Param {
    /// Dotted path from the top of the arguments (`items[]` marks array elements).
    pub name: String,
    /// The last segment of the path: the property's own name.
    pub key: String,
    /// JSON pointer of the property's schema inside `inputSchema`.
    pub pointer: String,
    /// Human-readable type: `string`, `integer | null`, `array<string>`, `object`...
    #[serde(rename = "type")]
    pub ty: String,
    pub required: bool,
    pub description: String,
    #[serde(rename = "enum", skip_serializing_if = "Vec::is_empty")]
    pub enum_values: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// 0 for top-level parameters.
    pub depth: usize,
}

/// The parameters of a schema and whether the walk had to stop early.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Params {
    pub params: Vec<Param>,
    /// True when depth or count bounds cut the walk, or a `$ref` could not be resolved.
    pub truncated: bool,
}

impl Params {
    pub fn top_level(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.depth == 0)
    }
}

/// Walk `schema` and list its parameters in declaration order (sorted keys).
pub fn params(schema: Option<&Value>) -> Params {
    let mut walker = Walker {
        root: schema.unwrap_or(&Value::Null),
        out: Params::default(),
        ref_stack: Vec::new(),
    };
    if let Some(s) = schema {
        walker.object(s, "", "", 0);
    }
    walker.out
}

struct Walker<'a> {
    root: &'a Value,
    out: Params,
    ref_stack: Vec<String>,
}

impl<'a> Walker<'a> {
    /// Resolve a local `$ref`; `None` for non-local, missing or cyclic refs.
    fn resolve(&mut self, schema: &'a Value) -> Option<(&'a Value, Option<String>)> {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            return Some((schema, None));
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            self.out.truncated = true;
            return None;
        };
        if self.ref_stack.iter().any(|r| r == reference) {
            return None;
        }
        if let Some(target) = self.root.pointer(pointer) {
            Some((target, Some(reference.to_string())))
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
        let Some((schema, pushed)) = self.resolve(schema) else {
            return;
        };
        if let Some(r) = &pushed {
            self.ref_stack.push(r.clone());
        }
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (key, prop) in props {
                let child_pointer = format!("{pointer}/properties/{}", escape_pointer(key));
                let is_required = required.contains(&key.as_str());
                self.property(key, prop, prefix, &child_pointer, is_required, depth);
            }
        }
        for (suffix, branch) in branches(schema) {
            self.object(branch, prefix, &format!("{pointer}{suffix}"), depth + 1);
        }
        if pushed.is_some() {
            self.ref_stack.pop();
        }
    }

    fn property(
        &mut self,
        key: &str,
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
        let name = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        // Descriptions and enums may sit on the ref'd schema or beside the $ref.
        let resolved = self.resolve(prop).map_or(prop, |(s, _)| s);
        let description = first_str(prop, resolved, "description")
            .or_else(|| first_str(prop, resolved, "title"))
            .unwrap_or_default();
        self.out.params.push(Param {
            name: name.clone(),
            key: key.to_string(),
            pointer: pointer.to_string(),
            ty: type_name(resolved, self.root, 0),
            required,
            description,
            enum_values: enum_values(resolved),
            default: prop
                .get("default")
                .or_else(|| resolved.get("default"))
                .cloned(),
            depth,
        });
        self.nested(prop, &name, pointer, depth + 1);
    }

    /// Recurse into an object property or into array items that are objects.
    fn nested(&mut self, prop: &'a Value, name: &str, pointer: &str, depth: usize) {
        let Some((resolved, pushed)) = self.resolve(prop) else {
            return;
        };
        if let Some(r) = &pushed {
            self.ref_stack.push(r.clone());
        }
        if has_properties(resolved) {
            self.object(resolved, name, pointer, depth);
        } else if let Some(items) = resolved.get("items").filter(|i| i.is_object()) {
            let item_pointer = format!("{pointer}/items");
            let item_name = format!("{name}[]");
            if let Some((item, _)) = self.resolve(items) {
                if has_properties(item) {
                    self.object(items, &item_name, &item_pointer, depth);
                }
            }
        } else {
            for (suffix, branch) in branches(resolved) {
                self.nested(branch, name, &format!("{pointer}{suffix}"), depth + 1);
            }
        }
        if pushed.is_some() {
            self.ref_stack.pop();
        }
    }
}

/// The subschemas of `allOf`, `anyOf` and `oneOf`, with their pointer suffixes.
fn branches(schema: &Value) -> impl Iterator<Item = (String, &Value)> {
    ["allOf", "anyOf", "oneOf"].into_iter().flat_map(move |c| {
        let items = schema
            .get(c)
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        items
            .enumerate()
            .map(move |(i, b)| (format!("/{c}/{i}"), b))
    })
}

fn has_properties(schema: &Value) -> bool {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
}

fn first_str(a: &Value, b: &Value, key: &str) -> Option<String> {
    a.get(key)
        .or_else(|| b.get(key))
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn enum_values(schema: &Value) -> Vec<Value> {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values.clone();
    }
    if let Some(c) = schema.get("const") {
        return vec![c.clone()];
    }
    // `anyOf: [{const: a}, {const: b}]` is an enum too; so are array items with an enum.
    let mut out = Vec::new();
    for key in ["anyOf", "oneOf"] {
        for branch in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.extend(enum_values(branch));
        }
    }
    if out.is_empty() {
        if let Some(items) = schema.get("items") {
            out = enum_values(items);
        }
    }
    out
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
pub fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
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
        let names: Vec<_> = p.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["opts", "opts.force", "opts.self", "repo", "tags"],
            "cycle through `self` is cut after one level"
        );
        assert!(p.params[1].required && p.params[1].depth == 1);
        assert_eq!(p.params[1].default, Some(json!(false)));
        assert_eq!(p.params[4].ty, "array<string>");
        assert_eq!(p.params[4].enum_values, vec![json!("a"), json!("b")]);
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
        assert_eq!(params(Some(&s)).params[0].ty, "integer | null");
    }
}
