//! TC103 to TC106: risky parameters (free-form code, SQL, URLs, file paths).

use super::prelude::*;

rule!(FREE_FORM_CODE {
    code: "TC103",
    name: "free-form-code",
    phase: Vote,
    effect: "risk +1",
    explanation: "A parameter takes code or a shell command (`command`, `script`, `code`, \
        `javascript`, `expression`), at any depth: whatever the agent is tricked into \
        writing there runs.",
    fires: [
        r#"{"name":"x","inputSchema":{"properties":{"opts":{"type":"object","properties":{"script":{"type":"string"}}}}}}"#
    ],
    quiet: [r#"{"name":"x","inputSchema":{"properties":{"country_code":{"type":"string"}}}}"#],
    check: check_free_form_code,
});

fn check_free_form_code(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    if let (Some(p), _) = code_params(ctx) {
        acc.signal(
            &FREE_FORM_CODE,
            false,
            schema_source(ctx, p),
            param_name(ctx, p),
        );
    }
}

rule!(SQL_PARAMETER {
    code: "TC104",
    name: "sql-or-query-language",
    phase: Vote,
    effect: "risk +1",
    explanation: "A parameter takes SQL or another query language. Even a runner restricted \
        to reading can exfiltrate whole tables, and a restriction enforced by the server's \
        wording is not enforced by the database.",
    fires: [
        r#"{"name":"q","description":"Run SQL","inputSchema":{"properties":{"query":{"type":"string"}}}}"#
    ],
    quiet: [
        r#"{"name":"search","description":"Search the web","inputSchema":{"properties":{"query":{"type":"string"}}}}"#
    ],
    check: check_sql_param,
});

fn check_sql_param(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    if let Some(p) = query_language_param(ctx) {
        acc.signal(
            &SQL_PARAMETER,
            false,
            schema_source(ctx, p),
            param_name(ctx, p),
        );
    }
}

rule!(URL_PARAMETER {
    code: "TC105",
    name: "url-parameter",
    phase: Vote,
    effect: "risk +1",
    explanation: "A parameter takes a URL (`url`, `uri`, `endpoint`, `webhook`, a name ending \
        in `_url`, or `format: uri`). The server will reach whatever address the agent \
        supplies: internal services, metadata endpoints, exfiltration targets.",
    fires: [r#"{"name":"fetch","inputSchema":{"properties":{"url":{"type":"string"}}}}"#],
    quiet: [r#"{"name":"fetch","inputSchema":{"properties":{"id":{"type":"string"}}}}"#],
    check: check_url_param,
});

fn check_url_param(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    let hit = param_where(ctx, |k, _| {
        matches!(
            k,
            "url" | "uri" | "urls" | "endpoint" | "webhook" | "href" | "base_url" | "baseurl"
        ) || (k.ends_with("url") && k.len() > 3)
    });
    if let Some(p) = hit {
        acc.signal(
            &URL_PARAMETER,
            false,
            schema_source(ctx, p),
            param_name(ctx, p),
        );
    }
}

rule!(FILE_PATH_PARAMETER {
    code: "TC106",
    name: "file-path-parameter",
    phase: Vote,
    effect: "risk +1",
    explanation: "A parameter takes a file-system path (`path`, `file_path`, `directory`, a \
        name ending in `_path`, `_file` or `_dir`). Paths reach outside what the tool is for \
        (`../../.ssh/id_rsa`) unless the server confines them.",
    fires: [r#"{"name":"read_file","inputSchema":{"properties":{"path":{"type":"string"}}}}"#],
    quiet: [r#"{"name":"get_page","inputSchema":{"properties":{"page":{"type":"string"}}}}"#],
    check: check_path_param,
});

fn check_path_param(ctx: &Ctx<'_>, _: Option<Category>, acc: &mut Acc) {
    let hit = param_where(ctx, |k, _| {
        matches!(
            k,
            "path"
                | "paths"
                | "file"
                | "filepath"
                | "file_path"
                | "filename"
                | "directory"
                | "dir"
                | "folder"
                | "repo_path"
        ) || k.ends_with("_dir")
            || k.ends_with("_directory")
            || (k.ends_with("path") && !matches!(k, "xpath" | "jsonpath" | "json_path"))
    });
    if let Some(p) = hit {
        acc.signal(
            &FILE_PATH_PARAMETER,
            false,
            schema_source(ctx, p),
            param_name(ctx, p),
        );
    }
}
