//! What a parameter's schema says of its values: a short type (`string`,
//! `array<integer>`, `string | null`) and the values an enum allows, each read with a
//! bound on the schemas it may look at.

use super::MAX_DEPTH;
use crate::json::JsonRef;

/// Collect enum values; `anyOf: [{const: a}, {const: b}]` is an enum too, and so are
/// array items with an enum. At most `left` schemas are looked at: a parameter's schema may
/// be a shared definition with thousands of alternatives, read again for every parameter.
pub(super) fn enum_values<'a>(
    schema: JsonRef<'a>,
    out: &mut Vec<JsonRef<'a>>,
    depth: usize,
    left: &mut usize,
) {
    if depth > MAX_DEPTH || *left == 0 {
        return;
    }
    *left -= 1;
    if let Some(values) = schema.get("enum").and_then(JsonRef::as_array) {
        out.extend(values);
        return;
    }
    if let Some(c) = schema.get("const") {
        out.push(c);
        return;
    }
    let before = out.len();
    for branch in alternatives(schema) {
        if *left == 0 {
            break;
        }
        enum_values(branch, out, depth + 1, left);
    }
    if out.len() == before {
        if let Some(items) = schema.get("items") {
            enum_values(items, out, depth + 1, left);
        }
    }
}

/// The subschemas of `anyOf`, then of `oneOf`: the alternatives a value may match.
fn alternatives(schema: JsonRef<'_>) -> impl Iterator<Item = JsonRef<'_>> {
    ["anyOf", "oneOf"].into_iter().flat_map(move |key| {
        schema
            .get(key)
            .and_then(JsonRef::as_array)
            .into_iter()
            .flatten()
    })
}

/// How many schemas one [`Param::ty`] may look at. `anyOf` lists of `$ref`s to further
/// `anyOf` lists multiply: without a bound, a 130 KB definition took seconds a parameter.
/// Real types take a handful of steps.
pub(super) const TYPE_STEPS: usize = 256;

/// How many schemas one [`Param::enum_values`] may look at: enough for an enum written as
/// thousands of `const` alternatives, bounded because a shared definition is read again for
/// every parameter that uses it.
pub(super) const ENUM_STEPS: usize = 4_096;

/// A short, readable type for a property schema: the type of `schema`; past `depth` 4,
/// or once `left` steps are spent, `any`.
pub(super) fn type_name(
    schema: JsonRef<'_>,
    root: JsonRef<'_>,
    depth: usize,
    left: &mut usize,
) -> String {
    if depth > 4 || *left == 0 {
        return "any".into();
    }
    *left -= 1;
    if let Some(r) = schema.get("$ref").and_then(JsonRef::as_str) {
        return match r.strip_prefix('#').and_then(|p| root.pointer(p)) {
            Some(target) if target != schema => type_name(target, root, depth + 1, left),
            _ => "object".into(),
        };
    }
    let ty = schema.get("type");
    let mut names: Vec<String> =
        match (ty.and_then(JsonRef::as_str), ty.and_then(JsonRef::as_array)) {
            (Some(t), _) => vec![single_type(t, schema, root, depth, left)],
            (_, Some(ts)) => {
                let mut names = Vec::new();
                for t in ts.filter_map(JsonRef::as_str) {
                    if *left == 0 {
                        break;
                    }
                    names.push(single_type(t, schema, root, depth, left));
                }
                names
            }
            _ => Vec::new(),
        };
    if names.is_empty() {
        for branch in alternatives(schema) {
            if *left == 0 {
                break;
            }
            let n = type_name(branch, root, depth + 1, left);
            if !names.contains(&n) {
                names.push(n);
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

fn single_type(
    t: &str,
    schema: JsonRef<'_>,
    root: JsonRef<'_>,
    depth: usize,
    left: &mut usize,
) -> String {
    if t == "array" {
        if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
            return format!("array<{}>", type_name(items, root, depth + 1, left));
        }
    }
    t.to_string()
}
