//! Every Cedar policy file toolcat writes, loaded and evaluated by Cedar itself.
//!
//! `toolcat-cedar-engine TOOLCAT` runs the toolcat binary on the bundled catalogue (three
//! profiles) and on a server with hostile tool names (several server keys), then, for each
//! file:
//!
//! - parses it with `cedar-policy`;
//! - validates it strictly against the schema `cedar-policy-mcp-schema-generator` makes
//!   from the same tools and a stub with a `User` principal and an `McpServer` resource,
//!   or, when the generator refuses the tools (it needs every tool name to be a Cedar
//!   identifier) or writes a schema Cedar cannot read, against the same shape written here;
//! - authorizes every tool, and a tool the catalogue does not have, and compares each
//!   decision with the one the `OpenAI` file of the same run encodes (allowed without
//!   approval: permit; anything else: deny, since Cedar cannot ask a person).
//!
//! Exit status 0 when every decision matches, 1 otherwise.

use cedar_policy::{
    Authorizer, Context, Decision, Entities, EntityId, EntityTypeName, EntityUid, PolicySet,
    Request, Schema, ValidationMode, Validator,
};
use cedar_policy_mcp_schema_generator::SchemaGenerator;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

/// Tool names with quotes, backslashes, line breaks, Cedar syntax, wildcards, astral,
/// invisible and direction-changing characters.
const HOSTILE: &[&str] = &[
    "a\"b",
    "a\\b",
    "a\nb",
    "*",
    "read*",
    "x.y",
    "\") || true || (\"",
    "Action::\"t\"",
    "t\"); permit(principal, action, resource); //",
    "A == B",
    "🦀 tool",
    "a\u{202e}b",
    "zero\u{200b}width",
    "del\u{7f}",
    "tab\there",
    "like \"*\"",
    "get_record",
];

const PROFILES: [&str; 3] = ["default", "strict", "permissive"];

fn main() {
    match run() {
        Ok(summary) => println!("cedar engine: {summary}"),
        Err(e) => {
            eprintln!("cedar engine: {e}");
            std::process::exit(1);
        }
    }
}

fn toolcat(bin: &str, dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new(bin)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("running {bin}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "toolcat {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

struct Tally {
    files: usize,
    generated: usize,
    decisions: usize,
}

fn run() -> Result<String, String> {
    let bin = std::env::args()
        .nth(1)
        .ok_or("usage: toolcat-cedar-engine TOOLCAT")?;
    let bin = std::fs::canonicalize(&bin).map_err(|e| format!("{bin}: {e}"))?;
    let bin = bin.to_string_lossy().into_owned();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..");
    let catalog = repo.join("catalog");
    let work = std::env::temp_dir().join(format!("toolcat-cedar-{}", std::process::id()));
    std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let result = check_all(&bin, &catalog, &work);
    let _ = std::fs::remove_dir_all(&work);
    let t = result?;
    Ok(format!(
        "{} files, {} decisions, all as toolcat decided; {} validated against the generator's schema",
        t.files, t.decisions, t.generated
    ))
}

fn check_all(bin: &str, catalog: &Path, work: &Path) -> Result<Tally, String> {
    let mut tally = Tally {
        files: 0,
        generated: 0,
        decisions: 0,
    };
    let catalog_arg = catalog.to_string_lossy().into_owned();
    let mut servers: Vec<PathBuf> = std::fs::read_dir(catalog)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    servers.sort();
    for profile in PROFILES {
        let out = work.join(profile);
        let out_arg = out.to_string_lossy().into_owned();
        toolcat(
            bin,
            work,
            &[
                "policy",
                "--all",
                "--format",
                "all",
                "--profile",
                profile,
                "--out",
                &out_arg,
                "--catalog",
                &catalog_arg,
            ],
        )?;
        for server in &servers {
            let slug = server.file_stem().unwrap().to_string_lossy();
            let dump: Value = serde_json::from_str(&read(server)?).map_err(|e| e.to_string())?;
            let cedar = read(&out.join(format!("{slug}.cedar")))?;
            let openai = read(&out.join(format!("{slug}.openai.json")))?;
            check(
                &format!("{slug} ({profile})"),
                &dump["tools"],
                &cedar,
                &openai,
                &mut tally,
            )?;
        }
    }

    // A server whose tools carry hostile names, under several server keys.
    let tools: Vec<Value> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let what = ["Reads a record.", "Deletes a record.", "Updates a record."][i % 3];
            json!({"name": name, "description": what, "inputSchema": {"type": "object"}})
        })
        .collect();
    let tools = Value::Array(tools);
    std::fs::write(
        work.join("hostile.json"),
        json!({"tools": tools}).to_string(),
    )
    .map_err(|e| e.to_string())?;
    let hostile = work.join("hostile-catalog");
    let hostile_arg = hostile.to_string_lossy().into_owned();
    toolcat(
        bin,
        work,
        &[
            "ingest",
            "hostile.json",
            "--server",
            "hostile",
            "--catalog",
            &hostile_arg,
        ],
    )?;
    for key in ["plain", "if", "we\"ird key", "9 lives", "a::b"] {
        for profile in PROFILES {
            let policy = |format: &str| {
                toolcat(
                    bin,
                    work,
                    &[
                        "policy",
                        "hostile",
                        "--format",
                        format,
                        "--profile",
                        profile,
                        "--server-key",
                        key,
                        "--catalog",
                        &hostile_arg,
                    ],
                )
            };
            check(
                &format!("hostile {key:?} ({profile})"),
                &tools,
                &policy("cedar")?,
                &policy("openai")?,
                &mut tally,
            )?;
        }
    }
    Ok(tally)
}

/// The namespace the file's header names.
fn namespace(cedar: &str) -> Result<String, String> {
    let at = cedar
        .find("in namespace ")
        .ok_or("the file names no namespace")?;
    let rest = &cedar[at + "in namespace ".len()..];
    Ok(rest[..rest.find(',').ok_or("no namespace")?].to_string())
}

/// The schema `cedar-policy-mcp-schema-generator` makes, if it makes one Cedar reads.
fn generated_schema(tools: &Value, ns: &str) -> Option<Schema> {
    let stub = format!(
        "namespace {ns} {{\n  @mcp_principal(\"User\")\n  entity User;\n  \
         @mcp_resource(\"McpServer\")\n  entity McpServer;\n}}\n"
    );
    let description =
        mcp_tools_sdk::description::ServerDescription::from_json_str(&tools.to_string()).ok()?;
    let mut generator = SchemaGenerator::from_cedarschema_str(&stub).ok()?;
    generator
        .add_actions_from_server_description(&description)
        .ok()?;
    Schema::from_cedarschema_str(&generator.get_schema_as_str())
        .ok()
        .map(|s| s.0)
}

/// The same shape by hand: one action per tool, whatever its name.
fn plain_schema(names: &[&str], ns: &str) -> Result<Schema, String> {
    let applies =
        json!({"appliesTo": {"principalTypes": ["User"], "resourceTypes": ["McpServer"]}});
    let actions: serde_json::Map<String, Value> = names
        .iter()
        .map(|n| ((*n).to_string(), applies.clone()))
        .collect();
    Schema::from_json_value(json!({
        ns: {"entityTypes": {"User": {}, "McpServer": {}}, "actions": actions}
    }))
    .map_err(|e| format!("{e:?}"))
}

fn authorize(policies: &PolicySet, ns: &str, tool: &str) -> Result<Decision, String> {
    let uid = |ty: &str, id: &str| -> Result<EntityUid, String> {
        let ty = EntityTypeName::from_str(&format!("{ns}::{ty}")).map_err(|e| e.to_string())?;
        Ok(EntityUid::from_type_name_and_id(ty, EntityId::new(id)))
    };
    let request = Request::new(
        uid("User", "someone")?,
        uid("Action", tool)?,
        uid("McpServer", "server")?,
        Context::empty(),
        None,
    )
    .map_err(|e| e.to_string())?;
    let answer = Authorizer::new().is_authorized(&request, policies, &Entities::empty());
    if let Some(e) = answer.diagnostics().errors().next() {
        return Err(format!("{tool:?}: {e}"));
    }
    Ok(answer.decision())
}

/// What the `OpenAI` file says of `tool`: offered and never asking is the only allow.
fn openai_allows(openai: &Value, tool: &str) -> bool {
    let has = |v: &Value| v.as_array().is_some_and(|a| a.iter().any(|n| n == tool));
    let r = &openai["responses_api_tool"];
    has(&r["allowed_tools"]) && has(&r["require_approval"]["never"]["tool_names"])
}

fn check(
    what: &str,
    tools: &Value,
    cedar: &str,
    openai: &str,
    tally: &mut Tally,
) -> Result<(), String> {
    let fail = |m: String| format!("{what}: {m}");
    let ns = namespace(cedar).map_err(fail)?;
    let policies = PolicySet::from_str(cedar).map_err(|e| fail(format!("{e:?}\n{cedar}")))?;
    let names: Vec<&str> = tools
        .as_array()
        .ok_or_else(|| fail("no tools".into()))?
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    let schema = match generated_schema(tools, &ns) {
        Some(s) => {
            tally.generated += 1;
            s
        }
        None => plain_schema(&names, &ns).map_err(fail)?,
    };
    let validation = Validator::new(schema).validate(&policies, ValidationMode::Strict);
    if !validation.validation_passed() {
        let errors: Vec<String> = validation
            .validation_errors()
            .map(ToString::to_string)
            .collect();
        return Err(fail(format!("does not validate: {errors:?}\n{cedar}")));
    }
    let openai: Value = serde_json::from_str(openai).map_err(|e| fail(e.to_string()))?;
    for name in &names {
        let want = if openai_allows(&openai, name) {
            Decision::Allow
        } else {
            Decision::Deny
        };
        let got = authorize(&policies, &ns, name).map_err(fail)?;
        if got != want {
            return Err(fail(format!(
                "{name:?}: Cedar says {got:?}, toolcat {want:?}"
            )));
        }
        // The same name in another namespace is not this file's to allow.
        if authorize(&policies, "another_server", name).map_err(fail)? != Decision::Deny {
            return Err(fail(format!("{name:?} is allowed in another namespace")));
        }
        tally.decisions += 1;
    }
    if authorize(&policies, &ns, "a_tool_added_after_review").map_err(fail)? != Decision::Deny {
        return Err(fail("an unreviewed tool is allowed".into()));
    }
    tally.files += 1;
    Ok(())
}
