//! `toolcat policy --check FILE`: validate an Intercept YAML policy against every rule of
//! the dialect, collecting every error with its line and column.

use super::yaml::{self, Node, Pos};
use super::{Rate, Window};
use std::collections::{BTreeMap, BTreeSet};

/// One problem with a policy file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub at: Pos,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

const TOP_KEYS: &[&str] = &["version", "description", "default", "hide", "tools"];
const RULE_KEYS: &[&str] = &[
    "name",
    "action",
    "rate_limit",
    "conditions",
    "state",
    "on_deny",
    "approval_timeout",
];
const ACTIONS: &[&str] = &["evaluate", "deny", "require_approval"];
const OPS: &[&str] = &[
    "eq", "neq", "in", "not_in", "lt", "lte", "gt", "gte", "regex", "contains", "exists",
];

struct Checker {
    problems: Vec<Problem>,
}

impl Checker {
    fn err(&mut self, at: Pos, message: impl Into<String>) {
        self.problems.push(Problem {
            at,
            message: message.into(),
        });
    }

    /// A string value, or an error naming what it is instead.
    fn string<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n str> {
        let s = node.string();
        if s.is_none() {
            self.err(
                node.at(),
                format!("{what} must be a string, not {}", node.kind()),
            );
        }
        s
    }
}

/// Validate the text of an Intercept policy. An empty list means valid.
pub fn check(text: &str) -> Vec<Problem> {
    let mut c = Checker {
        problems: Vec::new(),
    };
    let doc = match yaml::parse(text) {
        Ok(Some(doc)) => doc,
        Ok(None) => {
            c.err(
                Pos { line: 1, col: 1 },
                "the file is empty: a policy needs at least `version: \"1\"`",
            );
            return c.problems;
        }
        Err(e) => {
            c.err(e.at, format!("YAML syntax: {}", e.message));
            return c.problems;
        }
    };
    let Some(entries) = doc.entries() else {
        c.err(
            doc.at(),
            format!("a policy is a mapping, not {}", doc.kind()),
        );
        return c.problems;
    };
    let mut seen = BTreeSet::new();
    for (k, _) in entries {
        let key = k.text().unwrap_or("");
        if !TOP_KEYS.contains(&key) {
            c.err(
                k.at(),
                format!("unknown key `{key}` (known: {})", TOP_KEYS.join(", ")),
            );
        }
        if !seen.insert(key) {
            c.err(k.at(), format!("`{key}` appears twice"));
        }
    }
    match doc.get("version") {
        None => c.err(doc.at(), "`version` is required and must be \"1\""),
        Some(v) if v.string() == Some("1") && !matches!(v, Node::Scalar { plain: true, .. }) => {}
        Some(v) => c.err(
            v.at(),
            format!(
                "`version` must be the string \"1\" (quoted), not {} `{}`",
                v.kind(),
                v.text().unwrap_or("")
            ),
        ),
    }
    if let Some(d) = doc.get("description") {
        c.string(d, "`description`");
    }
    if let Some(d) = doc.get("default") {
        if let Some(s) = c.string(d, "`default`") {
            if s != "allow" && s != "deny" {
                c.err(
                    d.at(),
                    format!("`default` must be allow or deny, not `{s}`"),
                );
            }
        }
    }
    if let Some(h) = doc.get("hide") {
        check_hide(&mut c, h);
    }
    // Counters declared by `state` rules, per tool, for `state.<tool>.<counter>` paths.
    let mut counters: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let tools = doc.get("tools");
    if let Some(tools) = tools {
        if let Some(entries) = tools.entries() {
            for (k, v) in entries {
                let tool = k.text().unwrap_or("").to_string();
                for rule in v.get("rules").and_then(Node::items).unwrap_or_default() {
                    if let Some(counter) = rule
                        .get("state")
                        .and_then(|s| s.get("counter"))
                        .and_then(Node::string)
                    {
                        counters
                            .entry(tool.clone())
                            .or_default()
                            .insert(counter.to_string());
                    }
                }
            }
        } else if !tools.is_null() {
            c.err(
                tools.at(),
                format!(
                    "`tools` must be a mapping of tool names, not {}",
                    tools.kind()
                ),
            );
        }
        let mut names = BTreeSet::new();
        for (k, v) in tools.entries().unwrap_or_default() {
            let name = c.string(k, "a tool name").unwrap_or("").to_string();
            if name.trim().is_empty() {
                c.err(k.at(), "a tool name is empty");
            }
            if !names.insert(name.clone()) {
                c.err(k.at(), format!("tool `{name}` appears twice"));
            }
            check_tool(&mut c, &name, v, &counters);
        }
    }
    c.problems.sort();
    c.problems
}

fn check_hide(c: &mut Checker, h: &Node) {
    let Some(items) = h.items() else {
        if !h.is_null() {
            c.err(
                h.at(),
                format!("`hide` must be a list of tool names, not {}", h.kind()),
            );
        }
        return;
    };
    let mut seen = BTreeSet::new();
    for item in items {
        let Some(name) = c.string(item, "a `hide` entry") else {
            continue;
        };
        if name.trim().is_empty() {
            c.err(item.at(), "a `hide` entry is empty");
        } else if !seen.insert(name) {
            c.err(item.at(), format!("`{name}` is hidden twice"));
        }
    }
}

fn check_tool(
    c: &mut Checker,
    tool: &str,
    v: &Node,
    counters: &BTreeMap<String, BTreeSet<String>>,
) {
    let Some(entries) = v.entries() else {
        c.err(
            v.at(),
            format!(
                "tool `{tool}` must be a mapping with `rules`, not {}",
                v.kind()
            ),
        );
        return;
    };
    for (k, _) in entries {
        if k.text() != Some("rules") {
            c.err(
                k.at(),
                format!(
                    "unknown key `{}` in tool `{tool}` (known: rules)",
                    k.text().unwrap_or("")
                ),
            );
        }
    }
    let Some(rules) = v.get("rules") else {
        c.err(
            v.at(),
            format!("tool `{tool}` has no `rules` (write `rules: []` to allow it)"),
        );
        return;
    };
    let Some(rules) = rules.items() else {
        c.err(
            rules.at(),
            format!("`rules` of `{tool}` must be a list, not {}", rules.kind()),
        );
        return;
    };
    let mut names = BTreeSet::new();
    for rule in rules {
        check_rule(c, tool, rule, counters, &mut names);
    }
}

fn check_rule(
    c: &mut Checker,
    tool: &str,
    rule: &Node,
    counters: &BTreeMap<String, BTreeSet<String>>,
    names: &mut BTreeSet<String>,
) {
    let Some(entries) = rule.entries() else {
        c.err(
            rule.at(),
            format!("a rule of `{tool}` must be a mapping, not {}", rule.kind()),
        );
        return;
    };
    for (k, _) in entries {
        let key = k.text().unwrap_or("");
        if !RULE_KEYS.contains(&key) {
            c.err(
                k.at(),
                format!("unknown rule key `{key}` (known: {})", RULE_KEYS.join(", ")),
            );
        }
    }
    let label = match rule.get("name") {
        None => {
            c.err(rule.at(), format!("a rule of `{tool}` has no `name`"));
            String::from("(unnamed)")
        }
        Some(n) => match c.string(n, "a rule's `name`") {
            Some(s) if s.trim().is_empty() => {
                c.err(n.at(), "a rule's `name` is empty");
                String::new()
            }
            Some(s) => {
                if !names.insert(s.to_string()) {
                    c.err(n.at(), format!("two rules of `{tool}` are named `{s}`"));
                }
                s.to_string()
            }
            None => String::new(),
        },
    };
    let action = match rule.get("action") {
        None => "evaluate",
        Some(a) => match c.string(a, "`action`") {
            Some(s) if ACTIONS.contains(&s) => s,
            // An unknown action is reported once; the rule is not checked as any action.
            Some(s) => {
                c.err(
                    a.at(),
                    format!("unknown action `{s}` (known: {})", ACTIONS.join(", ")),
                );
                ""
            }
            None => "",
        },
    };
    let conditions = rule.get("conditions");
    let state = rule.get("state");
    if let Some(r) = rule.get("rate_limit") {
        match r.text() {
            Some(t) if Rate::parse(t).is_some() => {}
            _ => c.err(
                r.at(),
                format!(
                    "`rate_limit` of rule `{label}` must be N/minute, N/hour or N/day, not `{}`",
                    r.text().unwrap_or(r.kind())
                ),
            ),
        }
        if conditions.is_some()
            || state.is_some()
            || rule.get("action").is_some() && action != "evaluate"
        {
            c.err(
                r.at(),
                format!("rule `{label}`: `rate_limit` cannot be combined with conditions, state or an action"),
            );
        }
    }
    match action {
        "deny" => {
            for key in ["conditions", "state"] {
                if let Some(at) = rule.key_at(key) {
                    c.err(at, format!("rule `{label}`: a deny rule takes no `{key}`"));
                }
            }
        }
        "evaluate" if rule.get("rate_limit").is_none() && conditions.is_none() => {
            c.err(rule.at(), format!("rule `{label}`: an evaluate rule needs `conditions` (or `rate_limit`, or an action)"));
        }
        _ => {}
    }
    if let Some(t) = rule.get("approval_timeout") {
        if action != "require_approval" {
            c.err(
                t.at(),
                format!("rule `{label}`: `approval_timeout` needs `action: require_approval`"),
            );
        }
        let ok = t.text().is_some_and(|s| {
            s.strip_suffix(['s', 'm', 'h', 'd'])
                .is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n > 0))
        });
        if !ok {
            c.err(
                t.at(),
                format!(
                    "`approval_timeout` must look like 30m, 2h or 1d, not `{}`",
                    t.text().unwrap_or(t.kind())
                ),
            );
        }
    }
    if let Some(o) = rule.get("on_deny") {
        c.string(o, "`on_deny`");
    }
    if let Some(s) = state {
        check_state(c, &label, s);
    }
    if let Some(cs) = conditions {
        match cs.items() {
            Some(items) if !items.is_empty() => {
                for cond in items {
                    check_condition(c, &label, cond, counters);
                }
            }
            Some(_) => c.err(cs.at(), format!("rule `{label}`: `conditions` is empty")),
            None => c.err(
                cs.at(),
                format!(
                    "rule `{label}`: `conditions` must be a list, not {}",
                    cs.kind()
                ),
            ),
        }
    }
}

fn check_state(c: &mut Checker, label: &str, s: &Node) {
    let Some(entries) = s.entries() else {
        c.err(
            s.at(),
            format!(
                "rule `{label}`: `state` must be a mapping, not {}",
                s.kind()
            ),
        );
        return;
    };
    for (k, _) in entries {
        let key = k.text().unwrap_or("");
        if !["counter", "window", "increment_from", "increment"].contains(&key) {
            c.err(
                k.at(),
                format!(
                    "unknown state key `{key}` (known: counter, window, increment_from, increment)"
                ),
            );
        }
    }
    match s.get("counter") {
        None => c.err(s.at(), format!("rule `{label}`: `state` needs a `counter`")),
        Some(n) => {
            if c.string(n, "`counter`")
                .is_some_and(|v| v.trim().is_empty())
            {
                c.err(n.at(), "`counter` is empty");
            }
        }
    }
    match s.get("window") {
        None => c.err(
            s.at(),
            format!("rule `{label}`: `state` needs a `window` (minute, hour or day)"),
        ),
        Some(w) => {
            if let Some(v) = c.string(w, "`window`") {
                if Window::parse(v).is_none() {
                    c.err(
                        w.at(),
                        format!("`window` must be minute, hour or day, not `{v}`"),
                    );
                }
            }
        }
    }
    if let Some(i) = s.get("increment_from") {
        if let Some(v) = c.string(i, "`increment_from`") {
            if !v.starts_with("args.") || v.len() <= 5 {
                c.err(
                    i.at(),
                    format!("`increment_from` must be an `args.` path, not `{v}`"),
                );
            }
        }
    }
    if let Some(i) = s.get("increment") {
        if i.number().is_none() {
            c.err(
                i.at(),
                format!("`increment` must be a number, not {}", i.kind()),
            );
        }
    }
}

fn check_condition(
    c: &mut Checker,
    label: &str,
    cond: &Node,
    counters: &BTreeMap<String, BTreeSet<String>>,
) {
    let Some(entries) = cond.entries() else {
        c.err(
            cond.at(),
            format!(
                "rule `{label}`: a condition must be a mapping, not {}",
                cond.kind()
            ),
        );
        return;
    };
    for (k, _) in entries {
        let key = k.text().unwrap_or("");
        if !["path", "op", "value"].contains(&key) {
            c.err(
                k.at(),
                format!("unknown condition key `{key}` (known: path, op, value)"),
            );
        }
    }
    match cond.get("path").map(|p| (p, p.string())) {
        None => c.err(
            cond.at(),
            format!("rule `{label}`: a condition needs a `path`"),
        ),
        Some((p, None)) => c.err(p.at(), format!("`path` must be a string, not {}", p.kind())),
        Some((p, Some(path))) => {
            if let Some(rest) = path.strip_prefix("state.") {
                match rest.rsplit_once('.') {
                    Some((tool, counter)) if !tool.is_empty() && !counter.is_empty() => {
                        if !counters.get(tool).is_some_and(|cs| cs.contains(counter)) {
                            c.err(
                                p.at(),
                                format!("`{path}`: tool `{tool}` declares no counter `{counter}` (a `state` with `counter: {counter}`)"),
                            );
                        }
                    }
                    _ => c.err(p.at(), format!("`{path}` must be state.<tool>.<counter>")),
                }
            } else if !path.starts_with("args.") || path.len() <= 5 {
                c.err(
                    p.at(),
                    format!("`path` must start with `args.` or `state.`, not `{path}`"),
                );
            }
        }
    }
    let op = match cond.get("op") {
        None => {
            c.err(
                cond.at(),
                format!("rule `{label}`: a condition needs an `op`"),
            );
            return;
        }
        Some(o) => match c.string(o, "`op`") {
            Some(s) if OPS.contains(&s) => s,
            Some(s) => {
                c.err(
                    o.at(),
                    format!("unknown op `{s}` (known: {})", OPS.join(" ")),
                );
                return;
            }
            None => return,
        },
    };
    let value = cond.get("value");
    let Some(value) = value else {
        if op != "exists" {
            c.err(
                cond.at(),
                format!("rule `{label}`: op `{op}` needs a `value`"),
            );
        }
        return;
    };
    let ok = match op {
        "lt" | "lte" | "gt" | "gte" => value.number().is_some(),
        "in" | "not_in" => value.items().is_some(),
        "regex" => value.string().is_some_and(|r| !r.is_empty()),
        "exists" => value.boolean().is_some(),
        "contains" | "eq" | "neq" => matches!(value, Node::Scalar { .. }),
        _ => true,
    };
    if !ok {
        let want = match op {
            "lt" | "lte" | "gt" | "gte" => "a number",
            "in" | "not_in" => "a list",
            "regex" => "a non-empty string",
            "exists" => "true or false",
            _ => "a single value",
        };
        c.err(
            value.at(),
            format!("op `{op}` needs {want} as `value`, not {}", value.kind()),
        );
    }
}
