//! Differences between two JSON Schemas, each at its JSON pointer, with the changes that
//! break existing calls marked: a parameter became required or disappeared, a type
//! narrowed, an enum lost a value.

use crate::schema::escape_pointer;
use serde_json::Value;
use std::collections::BTreeSet;

/// Changes listed for one pair of schemas, at most.
pub const MAX_CHANGES: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub pointer: String,
    pub change: String,
    pub breaking: bool,
}

/// Schema-aware differences.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk(old, new, "", true, &mut out, 0);
    out
}

/// Plain JSON differences (no schema meaning).
pub fn diff_values(old: &Value, new: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk(old, new, "", false, &mut out, 0);
    out
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    crate::policy::one_line(&s, 60)
}

fn push(out: &mut Vec<Change>, pointer: &str, change: String, breaking: bool) {
    if out.len() < MAX_CHANGES {
        out.push(Change {
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

fn walk(old: &Value, new: &Value, at: &str, schema: bool, out: &mut Vec<Change>, depth: usize) {
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
        if schema {
            match key.as_str() {
                "required" => {
                    let (before, after) = (strings(x), strings(y));
                    for p in after.difference(&before) {
                        push(out, &here, format!("parameter `{p}` became required"), true);
                    }
                    for p in before.difference(&after) {
                        push(
                            out,
                            &here,
                            format!("parameter `{p}` is no longer required"),
                            false,
                        );
                    }
                    continue;
                }
                "enum" => {
                    let (before, after) = (strings(x), strings(y));
                    for v in before.difference(&after) {
                        push(out, &here, format!("enum lost `{v}`"), true);
                    }
                    for v in after.difference(&before) {
                        push(out, &here, format!("enum gained `{v}`"), false);
                    }
                    continue;
                }
                "type" => {
                    let (before, after) = (strings(x), strings(y));
                    let narrowed = !before.is_empty() && !before.is_subset(&after);
                    let shown = |s: &BTreeSet<String>| {
                        if s.is_empty() {
                            "any".to_string()
                        } else {
                            s.iter().cloned().collect::<Vec<_>>().join("|")
                        }
                    };
                    let verb = if narrowed { "narrowed" } else { "widened" };
                    push(
                        out,
                        &here,
                        format!("type {verb}: {} → {}", shown(&before), shown(&after)),
                        narrowed,
                    );
                    continue;
                }
                "properties" => {
                    if let (Some(Value::Object(pa)), Some(Value::Object(pb))) = (x, y) {
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
                        continue;
                    }
                }
                _ => {}
            }
        }
        match (x, y) {
            (Some(x), Some(y)) => walk(x, y, &here, schema, out, depth + 1),
            (Some(x), None) => push(out, &here, format!("removed (was {})", short(x)), false),
            (None, Some(y)) => push(out, &here, format!("added: {}", short(y)), false),
            (None, None) => {}
        }
    }
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
}
