//! Every accepted input shape, from real corpus files, and every input error.

use crate::common::{input, stderr, stdout, toolcat};
use toolcat::ingest::{read_file, Naming};

fn read(name: &str) -> toolcat::model::Server {
    read_file(&input(name), &Naming::default())
        .unwrap_or_else(|e| panic!("{e}"))
        .0
}

#[test]
fn corpus_server_file_keeps_package_and_version() {
    let s = read("mcp-server-git.json");
    assert_eq!(s.server.slug, "mcp-server-git");
    assert_eq!(s.server.package.as_deref(), Some("pypi:mcp-server-git"));
    assert_eq!(s.server.version.as_deref(), Some("2026.10.19"));
    assert_eq!(s.tools.len(), 12);
    assert!(s.tools.iter().all(|t| t.annotations.is_some()));
}

#[test]
fn json_rpc_line_stream_skips_log_lines() {
    let s = read("office-word-mcp-server.jsonl");
    assert_eq!(s.tools.len(), 54);
    assert_eq!(s.server.extra["protocolVersion"], "2025-06-18");
    // `_meta` is kept, not dropped.
    assert!(s.tools.iter().any(|t| t.meta.is_some()));
}

#[test]
fn response_result_and_bare_array_give_the_same_tools() {
    let a = read("time-response.json");
    let b = read("time-result.json");
    let c = read("time-array.json");
    let d = read("mcp-server-time.jsonl");
    assert_eq!(a.tools, b.tools);
    assert_eq!(b.tools, c.tools);
    assert_eq!(c.tools, d.tools);
    assert_eq!(a.tools.len(), 2);
}

#[test]
fn docker_catalogue_shapes() {
    let mcp = read("alfresco.tools.json");
    assert_eq!(mcp.server.slug, "alfresco");
    assert_eq!(mcp.tools.len(), 10);
    let old = read("keboola-mcp.tools.json");
    let add = old
        .tools
        .iter()
        .find(|t| t.name == "add_config_row")
        .unwrap();
    let schema = add.input_schema.as_ref().unwrap().to_value();
    assert_eq!(schema["properties"]["component_id"]["type"], "string");
    let required = schema["required"].as_array().unwrap();
    assert!(required.iter().any(|r| r == "component_id"));
    assert!(
        !required.iter().any(|r| r == "storage"),
        "optional arguments are not required"
    );
    // No inputSchema at all: accepted, with annotations kept.
    let bk = read("buildkite.tools.json");
    assert!(bk.tools[0].input_schema.is_none());
    assert_eq!(
        bk.tools[0].annotations.as_ref().unwrap().read_only_hint,
        Some(true)
    );
}

#[test]
fn own_catalogue_files_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = read("mcp-server-git.json");
    toolcat::catalog::sort_tools(&mut s.tools);
    toolcat::catalog::write_server(dir.path(), &s).unwrap();
    let again = read_file(&dir.path().join("mcp-server-git.json"), &Naming::default())
        .unwrap()
        .0;
    assert_eq!(again.server.slug, "mcp-server-git");
    assert_eq!(again.tools, s.tools);
    let text = std::fs::read_to_string(dir.path().join("mcp-server-git.json")).unwrap();
    assert_eq!(
        text,
        toolcat::catalog::to_json(&again),
        "writing is a fixed point"
    );
}

#[test]
fn server_and_package_flags_name_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let o = toolcat(
        dir.path(),
        &[
            "ingest",
            input("time-array.json").to_str().unwrap(),
            "--server",
            "time",
            "--package",
            "pypi:mcp-server-time",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("added time (2 tools): 2 added"),
        "{}",
        stdout(&o)
    );
    let text = std::fs::read_to_string(dir.path().join("catalog/time.json")).unwrap();
    assert!(text.contains("\"package\": \"pypi:mcp-server-time\""));
}

#[test]
fn reingest_reports_added_removed_changed() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("srv.json");
    std::fs::write(
        &f,
        r#"[{"name":"a","inputSchema":{}},{"name":"b","inputSchema":{}}]"#,
    )
    .unwrap();
    assert!(toolcat(dir.path(), &["ingest", "srv.json"])
        .status
        .success());
    std::fs::write(
        &f,
        r#"[{"name":"a","description":"new","inputSchema":{}},{"name":"c","inputSchema":{}}]"#,
    )
    .unwrap();
    let o = toolcat(dir.path(), &["ingest", "srv.json"]);
    let out = stdout(&o);
    assert!(
        out.contains("updated srv (2 tools): 1 added, 1 removed, 1 changed"),
        "{out}"
    );
    assert!(
        out.contains("  + c") && out.contains("  - b") && out.contains("  ~ a"),
        "{out}"
    );
}

#[test]
fn duplicate_tool_names_are_kept_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("dup.json"),
        r#"[{"name":"a","inputSchema":{}},{"name":"a","description":"2","inputSchema":{}}]"#,
    )
    .unwrap();
    let o = toolcat(dir.path(), &["ingest", "dup.json"]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("lists tool `a` 2 times; all are kept"),
        "{}",
        stderr(&o)
    );
    let s = read_file(&dir.path().join("catalog/dup.json"), &Naming::default())
        .unwrap()
        .0;
    assert_eq!(s.tools.len(), 2);
}

/// Write `text` as `name`, ingest it, and return the output; the catalogue must stay empty.
fn bad_input(name: &str, text: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    let o = toolcat(dir.path(), &["ingest", name]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        !dir.path().join("catalog").exists(),
        "nothing may be written"
    );
    let err = stderr(&o);
    assert!(err.contains(name), "the message names the file: {err}");
    err
}

#[test]
fn malformed_json_is_refused_with_position() {
    let e = bad_input("broken.json", br#"{"tools": [{"name": "a",}]}"#);
    assert!(e.contains("malformed JSON at line 1, column"), "{e}");
}

#[test]
fn unaccepted_shape_is_refused() {
    let e = bad_input("shape.json", br#"{"hello": 1}"#);
    assert!(
        e.contains("at (document root): not an accepted shape"),
        "{e}"
    );
}

#[test]
fn tool_without_name_is_refused_with_pointer() {
    let e = bad_input(
        "noname.json",
        br#"{"tools": [{"name": "a"}, {"description": "x"}]}"#,
    );
    assert!(e.contains("at /tools/1: tool has no `name`"), "{e}");
}

#[test]
fn non_object_schema_is_refused_with_pointer() {
    let e = bad_input(
        "schema.json",
        br#"{"tools": [{"name": "a", "inputSchema": []}]}"#,
    );
    assert!(
        e.contains("at /tools/0/inputSchema: schema must be a JSON object, found an array"),
        "{e}"
    );
}

#[test]
fn invalid_utf8_is_refused() {
    let e = bad_input("bytes.json", b"[{\"name\": \"\xff\"}]");
    assert!(e.contains("not valid UTF-8"), "{e}");
}

#[test]
fn json_rpc_error_is_refused() {
    let e = bad_input(
        "err.json",
        br#"{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"Method not found"}}"#,
    );
    assert!(e.contains("JSON-RPC error -32601: Method not found"), "{e}");
}

#[test]
fn unreadable_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let o = toolcat(dir.path(), &["ingest", "missing.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("missing.json: cannot read file"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn one_bad_file_among_many_ingests_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(input("mcp-server-git.json"), inputs.join("a.json")).unwrap();
    std::fs::write(inputs.join("b.json"), "{").unwrap();
    let o = toolcat(dir.path(), &["ingest", "in"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("nothing was ingested: 1 of 2 input files could not be read"),
        "{err}"
    );
    assert!(err.contains("b.json"), "{err}");
    assert!(!dir.path().join("catalog").exists());
}

#[test]
fn a_pipe_is_read_to_its_end() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_toolcat"))
        .args(["classify", "/dev/stdin", "--format", "jsonl"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let definition = br#"{"tools": [{"name": "drop_table", "description": "Deletes a table.", "inputSchema": {"type": "object"}}]}"#;
    child.stdin.take().unwrap().write_all(definition).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("\"tool\":\"drop_table\"") && out.contains("\"category\":\"destructive\""),
        "{out}"
    );
}
