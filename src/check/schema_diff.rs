//! Differences between two JSON Schemas, each at its JSON pointer, with the changes that
//! break existing calls marked: a parameter became required or disappeared, a type
//! narrowed, an enum lost a value.

use crate::schema::escape_pointer;
use serde_json::Value;
use std::collections::BTreeSet;

/// Changes listed for one pair of schemas, at most.
pub const MAX_CHANGES: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaChange {
    pub pointer: String,
    pub change: String,
    pub breaking: bool,
}

/// Schema-aware differences.
pub fn diff(old: &Value, new: &Value) -> Vec<SchemaChange> {
    let mut out = Vec::new();
    walk(old, new, "", true, &mut out, 0);
    out
}

/// Plain JSON differences (no schema meaning).
pub fn diff_values(old: &Value, new: &Value) -> Vec<SchemaChange> {
    let mut out = Vec::new();
    walk(old, new, "", false, &mut out, 0);
    out
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    crate::untrusted::one_line(&s, 60)
}

fn push(out: &mut Vec<SchemaChange>, pointer: &str, change: String, breaking: bool) {
    if out.len() < MAX_CHANGES {
        out.push(SchemaChange {
            pointer: if pointer.is_empty() {
                "/".into()
            } else {
                pointer.into()
            },
            change,
            breaking,
        });
    }
}

fn strings(v: Option<&Value>) -> BTreeSet<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| match x {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        Some(Value::String(s)) => BTreeSet::from([s.clone()]),
        _ => BTreeSet::new(),
    }
}

fn walk(
    old: &Value,
    new: &Value,
    at: &str,
    schema: bool,
    out: &mut Vec<SchemaChange>,
    depth: usize,
) {
    if old == new || out.len() >= MAX_CHANGES {
        return;
    }
    if depth > crate::schema::MAX_DEPTH * 4 {
        push(out, at, "changed (too deep to list)".into(), false);
        return;
    }
    let (Value::Object(before_map), Value::Object(after_map)) = (old, new) else {
        push(out, at, format!("{} → {}", short(old), short(new)), false);
        return;
    };
    let keys: BTreeSet<&String> = before_map.keys().chain(after_map.keys()).collect();
    for key in keys {
        let here = format!("{at}/{}", escape_pointer(key));
        let (x, y) = (before_map.get(key), after_map.get(key));
        if x == y {
            continue;
        }
        if schema && keyword(key, x, y, &here, out, depth) {
            continue;
        }
        match (x, y) {
            (Some(x), Some(y)) => walk(x, y, &here, schema, out, depth + 1),
            (Some(x), None) => push(out, &here, format!("removed (was {})", short(x)), false),
            (None, Some(y)) => push(out, &here, format!("added: {}", short(y)), false),
            (None, None) => {}
        }
    }
}

/// The JSON Schema types a `type` keyword accepts; none means every type.
fn types(v: Option<&Value>) -> Option<BTreeSet<String>> {
    let set = strings(v);
    (!set.is_empty()).then_some(set)
}

/// Whether values of type `t` are all accepted by a schema of the types `by` (`integer`
/// values are numbers).
fn covers(by: Option<&BTreeSet<String>>, t: &str) -> bool {
    by.is_none_or(|by| by.contains(t) || (t == "integer" && by.contains("number")))
}

fn shown_types(s: Option<&BTreeSet<String>>) -> String {
    s.map_or_else(
        || "any".to_string(),
        |s| s.iter().cloned().collect::<Vec<_>>().join("|"),
    )
}

/// Which way a bound moved, for the accepted values: `lower` bounds (`minimum`,
/// `minLength`) narrow when they rise or appear, upper ones when they fall or appear.
fn bound(x: Option<&Value>, y: Option<&Value>, lower: bool) -> Option<bool> {
    let num = |v: Option<&Value>| v.and_then(Value::as_f64);
    match (num(x), num(y)) {
        (None, None) => None,
        (None, Some(_)) => Some(true),
        (Some(_), None) => Some(false),
        (Some(a), Some(b)) => Some(if lower { b > a } else { b < a }),
    }
}

/// A schema keyword's change, read for what it does to the values a call may send: what
/// the new schema refuses that the old accepted is breaking. Returns false for keywords
/// left to the plain walk.
fn keyword(
    key: &str,
    x: Option<&Value>,
    y: Option<&Value>,
    here: &str,
    out: &mut Vec<SchemaChange>,
    depth: usize,
) -> bool {
    match key {
        "required" => {
            let (before, after) = (strings(x), strings(y));
            for p in after.difference(&before) {
                push(out, here, format!("parameter `{p}` became required"), true);
            }
            for p in before.difference(&after) {
                push(
                    out,
                    here,
                    format!("parameter `{p}` is no longer required"),
                    false,
                );
            }
        }
        "enum" | "const" => {
            let values = |v: Option<&Value>| match (key, v) {
                ("const", Some(c)) => Some(strings(Some(&Value::Array(vec![c.clone()])))),
                (_, Some(_)) => Some(strings(v)),
                (_, None) => None,
            };
            match (values(x), values(y)) {
                (None, Some(after)) => {
                    let list: Vec<String> = after.into_iter().collect();
                    push(
                        out,
                        here,
                        format!("{key} added: only `{}`", list.join("`, `")),
                        true,
                    );
                }
                (Some(_), None) => push(out, here, format!("{key} removed: any value"), false),
                (Some(before), Some(after)) => {
                    for v in before.difference(&after) {
                        push(out, here, format!("{key} lost `{v}`"), true);
                    }
                    for v in after.difference(&before) {
                        push(out, here, format!("{key} gained `{v}`"), false);
                    }
                }
                (None, None) => {}
            }
        }
        "type" => {
            let (before, after) = (types(x), types(y));
            // Narrowed when a type the old schema took is one the new does not: "any" takes
            // every type, and `number` takes integers.
            let narrowed = match &before {
                None => after.is_some(),
                Some(b) => b.iter().any(|t| !covers(after.as_ref(), t)),
            };
            let verb = if narrowed { "narrowed" } else { "widened" };
            push(
                out,
                here,
                format!(
                    "type {verb}: {} → {}",
                    shown_types(before.as_ref()),
                    shown_types(after.as_ref())
                ),
                narrowed,
            );
        }
        "minimum" | "exclusiveMinimum" | "minLength" | "minItems" | "minProperties" | "maximum"
        | "exclusiveMaximum" | "maxLength" | "maxItems" | "maxProperties" => {
            let lower = key.starts_with("min") || key == "exclusiveMinimum";
            let show = |v: Option<&Value>| v.map_or_else(|| "none".to_string(), short);
            let Some(narrowed) = bound(x, y, lower) else {
                return false;
            };
            let verb = if narrowed { "tightened" } else { "loosened" };
            push(
                out,
                here,
                format!("{key} {verb}: {} → {}", show(x), show(y)),
                narrowed,
            );
        }
        "pattern" => {
            // Two patterns cannot be compared: a new or changed one may refuse old values.
            let narrowed = y.is_some();
            let change = match (x, y) {
                (None, Some(b)) => format!("pattern added: {}", short(b)),
                (Some(a), None) => format!("pattern removed (was {})", short(a)),
                (Some(a), Some(b)) => format!("pattern changed: {} → {}", short(a), short(b)),
                (None, None) => return true,
            };
            push(out, here, change, narrowed);
        }
        "additionalProperties" | "unevaluatedProperties" => {
            // Absent and `true` accept any extra property; `false` none; a schema some.
            let open = |v: Option<&Value>| v.is_none_or(|v| v == &Value::Bool(true));
            match (x, y) {
                (Some(a @ Value::Object(_)), Some(b @ Value::Object(_))) => {
                    walk(a, b, here, true, out, depth + 1);
                }
                _ if open(x) && !open(y) => {
                    push(
                        out,
                        here,
                        format!("{key} restricted: {}", y.map_or_else(String::new, short)),
                        true,
                    );
                }
                _ if !open(x) && open(y) => {
                    push(
                        out,
                        here,
                        format!("{key} opened (was {})", x.map_or_else(String::new, short)),
                        false,
                    );
                }
                _ => {
                    // `false` to a schema, or a schema to `false`: fewer values either way
                    // unless the new one is open.
                    push(
                        out,
                        here,
                        format!(
                            "{key} changed: {} → {}",
                            x.map_or_else(String::new, short),
                            y.map_or_else(String::new, short)
                        ),
                        !open(y),
                    );
                }
            }
        }
        "anyOf" | "oneOf" => {
            let (Some(Value::Array(a)), Some(Value::Array(b))) = (x, y) else {
                let (change, breaking) = match y {
                    Some(_) => (format!("{key} added: values must match a branch"), true),
                    None => (format!("{key} removed: any value"), false),
                };
                push(out, here, change, breaking);
                return true;
            };
            if a.len() == b.len() {
                for (i, (ba, bb)) in a.iter().zip(b).enumerate() {
                    walk(ba, bb, &format!("{here}/{i}"), true, out, depth + 1);
                }
            } else {
                for (i, branch) in a.iter().enumerate().filter(|(_, br)| !b.contains(br)) {
                    push(
                        out,
                        &format!("{here}/{i}"),
                        format!("branch removed: {}", short(branch)),
                        true,
                    );
                }
                for (i, branch) in b.iter().enumerate().filter(|(_, br)| !a.contains(br)) {
                    push(
                        out,
                        &format!("{here}/{i}"),
                        format!("branch added: {}", short(branch)),
                        false,
                    );
                }
            }
        }
        "$ref" => {
            // What another definition accepts is not known here: pointing elsewhere may
            // refuse what the old one took (changes inside a definition are walked there).
            let show = |v: Option<&Value>| v.map_or_else(|| "none".to_string(), short);
            push(
                out,
                here,
                format!("$ref changed: {} → {}", show(x), show(y)),
                y.is_some(),
            );
        }
        "properties" => {
            let (Some(Value::Object(pa)), Some(Value::Object(pb))) = (x, y) else {
                return false;
            };
            for name in pa.keys().filter(|k| !pb.contains_key(*k)) {
                let p = format!("{here}/{}", escape_pointer(name));
                push(out, &p, format!("parameter `{name}` removed"), true);
            }
            for name in pb.keys().filter(|k| !pa.contains_key(*k)) {
                let p = format!("{here}/{}", escape_pointer(name));
                push(out, &p, format!("parameter `{name}` added"), false);
            }
            for (name, va) in pa {
                if let Some(vb) = pb.get(name) {
                    let p = format!("{here}/{}", escape_pointer(name));
                    walk(va, vb, &p, true, out, depth + 1);
                }
            }
        }
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn breaking_changes_are_marked_at_their_pointer() {
        let old = json!({"type": "object", "required": ["a"], "properties": {
            "a": {"type": ["string", "null"]}, "b": {"enum": ["x", "y"]}, "c": {"type": "integer"}}});
        let new = json!({"type": "object", "required": ["a", "b"], "properties": {
            "a": {"type": "string"}, "b": {"enum": ["x", "z"]}, "d": {"type": "integer", "description": "new"}}});
        let changes = diff(&old, &new);
        let find = |p: &str| {
            changes
                .iter()
                .find(|c| c.pointer == p)
                .unwrap_or_else(|| panic!("{p}: {changes:#?}"))
        };
        assert!(
            find("/required").breaking && find("/required").change.contains("`b` became required")
        );
        assert!(find("/properties/a/type").breaking);
        assert!(find("/properties/c").breaking && find("/properties/c").change.contains("removed"));
        assert!(!find("/properties/d").breaking);
        let lost = changes
            .iter()
            .find(|c| c.pointer == "/properties/b/enum" && c.breaking)
            .unwrap();
        assert!(lost.change.contains("lost `y`"));
        assert!(diff(&old, &old).is_empty());
        let widened = diff(
            &json!({"type": "string"}),
            &json!({"type": ["string", "null"]}),
        );
        assert!(!widened[0].breaking, "{widened:?}");
    }

    /// Each keyword both ways: breaking exactly when the new schema refuses a value the
    /// old one accepted.
    #[test]
    fn every_keyword_is_read_in_the_direction_of_accepted_values() {
        let cases = [
            // type: absent is any; integer is a number.
            (
                json!({}),
                json!({"type": "string"}),
                true,
                "type narrowed: any → string",
            ),
            (
                json!({"type": "string"}),
                json!({}),
                false,
                "type widened: string → any",
            ),
            (
                json!({"type": "integer"}),
                json!({"type": "number"}),
                false,
                "widened",
            ),
            (
                json!({"type": "number"}),
                json!({"type": "integer"}),
                true,
                "narrowed",
            ),
            (
                json!({"type": ["string", "null"]}),
                json!({"type": "string"}),
                true,
                "narrowed",
            ),
            // enum and const: absent is any value.
            (
                json!({}),
                json!({"enum": ["a"]}),
                true,
                "enum added: only `a`",
            ),
            (json!({"enum": ["a"]}), json!({}), false, "enum removed"),
            (
                json!({"enum": ["a", "b"]}),
                json!({"enum": ["a"]}),
                true,
                "enum lost `b`",
            ),
            (
                json!({"enum": ["a"]}),
                json!({"enum": ["a", "b"]}),
                false,
                "enum gained `b`",
            ),
            (json!({}), json!({"const": "x"}), true, "const added"),
            (json!({"const": "x"}), json!({}), false, "const removed"),
            // Bounds.
            (
                json!({"minimum": 1}),
                json!({"minimum": 5}),
                true,
                "minimum tightened",
            ),
            (
                json!({"minimum": 5}),
                json!({"minimum": 1}),
                false,
                "minimum loosened",
            ),
            (json!({}), json!({"maximum": 10}), true, "maximum tightened"),
            (json!({"maximum": 10}), json!({}), false, "maximum loosened"),
            (
                json!({"maximum": 10}),
                json!({"maximum": 20}),
                false,
                "loosened",
            ),
            (
                json!({"minLength": 0}),
                json!({"minLength": 3}),
                true,
                "minLength tightened",
            ),
            (
                json!({"maxLength": 30}),
                json!({"maxLength": 10}),
                true,
                "maxLength tightened",
            ),
            (
                json!({"maxLength": 10}),
                json!({"maxLength": 30}),
                false,
                "maxLength loosened",
            ),
            (
                json!({"minItems": 2}),
                json!({}),
                false,
                "minItems loosened",
            ),
            // Patterns cannot be compared: a new or changed one may refuse old values.
            (json!({}), json!({"pattern": "^a"}), true, "pattern added"),
            (
                json!({"pattern": "^a"}),
                json!({"pattern": "^b"}),
                true,
                "pattern changed",
            ),
            (
                json!({"pattern": "^a"}),
                json!({}),
                false,
                "pattern removed",
            ),
            // Extra properties.
            (
                json!({}),
                json!({"additionalProperties": false}),
                true,
                "restricted",
            ),
            (
                json!({"additionalProperties": false}),
                json!({}),
                false,
                "opened",
            ),
            (
                json!({"additionalProperties": false}),
                json!({"additionalProperties": true}),
                false,
                "opened",
            ),
            (
                json!({"additionalProperties": {"type": "string"}}),
                json!({"additionalProperties": {"type": "integer"}}),
                true,
                "type narrowed: string → integer",
            ),
            // Alternatives.
            (
                json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
                json!({"anyOf": [{"type": "string"}]}),
                true,
                "branch removed",
            ),
            (
                json!({"anyOf": [{"type": "string"}]}),
                json!({"anyOf": [{"type": "string"}, {"type": "integer"}]}),
                false,
                "branch added",
            ),
            (
                json!({"oneOf": [{"type": "string"}, {"type": "number"}]}),
                json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
                true,
                "type narrowed: number → integer",
            ),
            (
                json!({}),
                json!({"oneOf": [{"type": "string"}]}),
                true,
                "oneOf added",
            ),
            (
                json!({"anyOf": [{"type": "string"}]}),
                json!({}),
                false,
                "anyOf removed",
            ),
            // References: what another definition accepts is not compared here.
            (
                json!({"$ref": "#/$defs/a"}),
                json!({"$ref": "#/$defs/b"}),
                true,
                "$ref changed",
            ),
            (
                json!({"$ref": "#/$defs/a"}),
                json!({}),
                false,
                "$ref changed",
            ),
            (
                json!({"$defs": {"a": {"type": "integer"}}}),
                json!({"$defs": {"a": {"type": "number"}}}),
                false,
                "type widened: integer → number",
            ),
        ];
        for (old, new, breaking, says) in cases {
            let changes = diff(&old, &new);
            let c = changes
                .iter()
                .find(|c| c.change.contains(says))
                .unwrap_or_else(|| panic!("{old} → {new}: no `{says}` in {changes:#?}"));
            assert_eq!(c.breaking, breaking, "{old} → {new}: {c:?}");
        }
    }
}
