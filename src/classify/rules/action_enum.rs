//! TC007: parameters that select what the tool does (`action`, `operation`, HTTP methods).

use super::prelude::*;

/// Parameter names that select among a tool's operations.
fn selector_param(key: &str) -> bool {
    let k = dashes_to_underscores(key);
    matches!(
        &*k,
        "action"
            | "operation"
            | "op"
            | "method"
            | "mode"
            | "verb"
            | "task"
            | "command"
            | "subcommand"
            | "actiontype"
            | "action_type"
            | "operation_type"
            | "update_type"
    ) || k.ends_with("_action")
        || k.ends_with("_update_type")
}

const HTTP_METHODS: [&str; 6] = ["get", "post", "put", "patch", "delete", "head"];

rule!(ACTION_ENUM {
    code: "TC007",
    name: "action-selector-enum",
    phase: Vote,
    effect: "most consequential enum value (weight 85); execute for an HTTP-method enum",
    explanation: "A parameter such as `action` or `operation` whose enum lists what the tool \
        can do (`list`, `create`, `delete`) means the tool can do every one of them, so it \
        takes the most consequential. Without an enum, when the name has no verb, the values \
        its description quotes (\"e.g. 'create', 'remove'\") count the same, and so do \
        selectors inside the branches of an `anyOf` of request shapes. A top-level parameter named for \
        deleting (`delete`, `remove`: the ids a batch call deletes) means the tool deletes. \
        An enum of HTTP methods marks a generic API request tool, which is execute.",
    fires: [
        r#"{"name":"manage_label","inputSchema":{"type":"object","properties":{"action":{"type":"string","enum":["list","create","delete"]}}}}"#,
        r#"{"name":"api","inputSchema":{"type":"object","properties":{"method":{"enum":["GET","POST","DELETE"]}}}}"#,
        r#"{"name":"volume","inputSchema":{"properties":{"action":{"type":"string","description":"Action (e.g., 'create', 'list', 'remove')"}}}}"#,
        r#"{"name":"batch_update","inputSchema":{"properties":{"update":{"type":"array"},"delete":{"type":"array"}}}}"#,
        r#"{"name":"site_services","inputSchema":{"properties":{"request":{"anyOf":[{"properties":{"operation":{"const":"rename-site"}}},{"properties":{"operation":{"const":"submissions"},"params":{"properties":{"action":{"enum":["list","delete"]}}}}}]}}}}"#
    ],
    quiet: [
        r#"{"name":"list_things","inputSchema":{"type":"object","properties":{"action":{"type":"string","enum":["list","get"]}}}}"#,
        r#"{"name":"volume","inputSchema":{"properties":{"action":{"type":"string","description":"One of 'list' or 'inspect'"}}}}"#
    ],
    check: check_action_enum,
});

fn check_action_enum(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    // `list_todos(action: assigned|mentioned)` filters by action; it does not perform one.
    if matches!(
        ctx.name_primary,
        Some((_, Category::Read, Strength::Strong))
    ) {
        return;
    }
    let selectors = ctx
        .params
        .params
        .iter()
        .zip(&ctx.param_keys)
        .filter(|(p, k)| selector_param(k) && (p.depth == 0 || in_union_of_requests(ctx, p)))
        .map(|(p, _)| p);
    for p in selectors {
        let mut values: Vec<&str> = p.enum_values().iter().filter_map(|v| v.as_str()).collect();
        // Without an enum, and with no verb in the name to say what it does, the values its
        // description quotes: "Action to perform (e.g., 'create', 'list', 'remove')".
        if values.is_empty() && p.depth == 0 && ctx.name_primary.is_none() {
            values = quoted_words(p.description);
        }
        let lower: Vec<Cow<'_, str>> = values.iter().map(|v| text::lower(v)).collect();
        let methods = lower
            .iter()
            .filter(|v| HTTP_METHODS.contains(&&***v))
            .count();
        let writes = lower
            .iter()
            .any(|v| matches!(&**v, "post" | "put" | "patch"));
        let http = methods >= 3 && writes;
        if http {
            acc.vote(
                &ACTION_ENUM,
                Category::Execute,
                85,
                schema_source(ctx, p),
                format!("{}: {}", ctx.params.name(p), values.join(", ")),
            );
            continue;
        }
        let best = values
            .iter()
            .filter_map(|v| {
                let first = text::name_tokens(v).into_iter().next()?;
                lexicon::verb(&first).map(|(c, _)| (c, v))
            })
            .max_by_key(|(c, _)| *c);
        if let Some((c, v)) = best {
            if c > Category::Read {
                acc.vote(
                    &ACTION_ENUM,
                    c,
                    85,
                    schema_source(ctx, p),
                    format!("{}: {v}", ctx.params.name(p)),
                );
            }
        }
    }
    // A batch call that takes the ids to delete deletes.
    let deletes = ctx
        .params
        .params
        .iter()
        .zip(&ctx.param_keys)
        .find(|(p, k)| p.depth == 0 && matches!(&***k, "delete" | "remove" | "destroy" | "purge"));
    if let Some((p, _)) = deletes {
        acc.vote(
            &ACTION_ENUM,
            Category::Destructive,
            85,
            schema_source(ctx, p),
            ctx.params.name(p),
        );
    }
}

/// Whether a nested selector lies in one branch of an `anyOf`/`oneOf` of request shapes
/// (`{operation: "update-forms", params: {...}} | {operation: "manage-env-vars", ...}`) on a
/// tool whose name has no verb: each branch is one thing the tool can do.
fn in_union_of_requests(ctx: &Ctx<'_>, p: &Param<'_>) -> bool {
    ctx.name_primary.is_none() && {
        let pointer = ctx.params.pointer(p);
        pointer.contains("/anyOf/") || pointer.contains("/oneOf/")
    }
}

/// The single words a text puts in quotes (`'create'`, `"delete"`, `` `list` ``).
fn quoted_words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for q in ['\'', '"', '`'] {
        let mut parts = text.split(q);
        parts.next();
        // Every second part lies between a pair of quotes.
        for (i, part) in parts.enumerate() {
            let word = i % 2 == 0
                && !part.is_empty()
                && part.len() <= 32
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if word {
                out.push(part);
            }
        }
    }
    out
}
