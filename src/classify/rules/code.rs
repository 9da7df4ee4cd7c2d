//! TC008 and TC009: parameters that take code, a command or a query language that can write.

use super::prelude::*;

rule!(CODE_PARAMETER {
    code: "TC008",
    name: "code-or-command-parameter",
    phase: Vote,
    effect: "execute (weight 75; 84 beside a write verb in the name)",
    explanation: "A top-level parameter that carries code or a command for the server to run \
        (`command`, `script`, `code`, `javascript`) makes the tool a runner: execute. A \
        clear read verb in the name (weight 80) still wins, so `search_code` stays a read; \
        a write verb does not win over a command (`command`, `shell`, `python`), since what \
        is created or updated (a cron job, a terminal session) runs it.",
    fires: [
        r#"{"name":"terminal","inputSchema":{"properties":{"command":{"type":"string"}}}}"#,
        r#"{"name":"create_cron_job","inputSchema":{"properties":{"command":{"type":"string"}}}}"#
    ],
    quiet: [r#"{"name":"search_code","inputSchema":{"properties":{"q":{"type":"string"}}}}"#],
    check: check_code_param,
});

fn check_code_param(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    if let (_, Some(p)) = code_params(ctx) {
        // `code` and `script` also name an item's code or a script by name; a command does not.
        let beside_write = matches!(ctx.name_primary, Some((_, Category::Write, _)))
            && lexicon::command_param(&text::lower(p.key));
        acc.vote(
            &CODE_PARAMETER,
            Category::Execute,
            if beside_write { 84 } else { 75 },
            schema_source(ctx, p),
            param_name(ctx, p),
        );
    }
}

rule!(QUERY_LANGUAGE_PARAMETER {
    code: "TC009",
    name: "query-language-parameter",
    phase: Vote,
    effect: "execute (weight 75)",
    explanation: "A parameter that takes SQL or another query language runs whatever it is \
        given, writes included: per the taxonomy an arbitrary query runner is execute. A \
        description restricting it to reading (rule TC006) outweighs this.",
    fires: [
        r#"{"name":"db","description":"Runs SQL.","inputSchema":{"properties":{"sql":{"type":"string"}}}}"#
    ],
    quiet: [
        r#"{"name":"search_docs","description":"Search the docs.","inputSchema":{"properties":{"query":{"type":"string"}}}}"#
    ],
    check: check_query_language,
});

fn check_query_language(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    if let Some(p) = query_language_param(ctx) {
        acc.vote(
            &QUERY_LANGUAGE_PARAMETER,
            Category::Execute,
            75,
            schema_source(ctx, p),
            param_name(ctx, p),
        );
    }
}
