//! Live ingest over stdio against the fixture server (`examples/mcp_fixture.rs`), which
//! can misbehave on purpose.

use crate::common::{stderr, stdout, toolcat};
use std::path::{Path, PathBuf};

/// The fixture server, built by `cargo test` with the other examples.
pub fn fixture() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let path = dir
        .join("examples")
        .join(format!("mcp_fixture{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "{} is built by cargo test", path.display());
    path
}

fn ingest(dir: &Path, name: &str, fixture_args: &[&str], extra: &[&str]) -> std::process::Output {
    let f = fixture();
    let mut args = vec!["ingest", "--quiet", "--stdio", "--name", name];
    args.extend(extra);
    args.push("--");
    args.push(f.to_str().unwrap());
    args.extend(fixture_args);
    toolcat(dir, &args)
}

/// Processes whose command line holds `tag`.
fn running(tag: &str) -> usize {
    let out = std::process::Command::new("ps")
        .args(["-eo", "args"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(tag) && l.contains("mcp_fixture"))
        .count()
}

/// A failed live ingest: exit 3, the server and what went wrong named, within the
/// timeout, nothing written.
fn assert_failed(
    o: &std::process::Output,
    dir: &Path,
    mode: &str,
    message: &str,
    started: std::time::Instant,
) {
    assert_eq!(o.status.code(), Some(3), "{mode}: {}", stderr(o));
    let err = stderr(o);
    assert!(
        err.contains(&format!("server bad-{mode}")) && err.contains(message),
        "{mode}: {err}"
    );
    assert!(
        started.elapsed().as_secs() < 20,
        "{mode}: bounded by the timeout"
    );
    assert!(!dir.join("catalog").exists(), "{mode}: nothing written");
}

#[test]
fn a_stdio_server_is_listed_to_its_last_page_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let o = ingest(
        dir.path(),
        "fixture",
        &["--tools", "10000", "--page-size", "50"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let catalog = toolcat::catalog::load(&dir.path().join("catalog")).unwrap();
    let s = &catalog.servers[0];
    assert_eq!(s.tools.len(), 10_000, "200 pages followed to the end");
    assert_eq!(s.server.version.as_deref(), Some("1.2.3"));
    assert_eq!(s.server.extra["transport"], "stdio");
    assert_eq!(s.server.extra["serverInfo"]["name"], "toolcat-fixture");
    assert!(s.server.extra["protocolVersion"]
        .as_str()
        .is_some_and(|v| !v.is_empty()));
    assert_eq!(s.tools[1].name, "tool_00001");

    // The same server again: nothing changes, and --dry-run writes nothing.
    let o = ingest(
        dir.path(),
        "fixture",
        &["--tools", "10001", "--page-size", "50"],
        &["--dry-run"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("would update fixture (10001 tools): 1 added"),
        "{}",
        stdout(&o)
    );
    let again = toolcat::catalog::load(&dir.path().join("catalog")).unwrap();
    assert_eq!(again.servers[0].tools.len(), 10_000);
}

#[test]
fn junk_and_logs_on_stdout_between_answers_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let o = ingest(
        dir.path(),
        "noisy",
        &["--tools", "250", "--page-size", "100", "--mode", "junk"],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let catalog = toolcat::catalog::load(&dir.path().join("catalog")).unwrap();
    assert_eq!(catalog.servers[0].tools.len(), 250);
}

#[test]
fn every_misbehaviour_is_an_error_naming_the_server_and_nothing_is_written() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("hang", "no complete answer within 2 s", &[]),
        ("hang-init", "no complete answer within 2 s", &[]),
        ("crash", "tools/list failed on page 2", &[]),
        ("error", "database is down", &[]),
        ("cursor-loop", "repeated cursor `page-0`", &[]),
        (
            "slow",
            "no complete answer within 2 s",
            &["--tools", "1000"],
        ),
    ];
    for (mode, message, more) in cases {
        let dir = tempfile::tempdir().unwrap();
        let tag = format!("tag-{mode}-{}", std::process::id());
        // The fixture reads the first occurrence of a switch: the case's own come first.
        let mut args: Vec<&str> = more.to_vec();
        args.extend([
            "--tools",
            "250",
            "--page-size",
            "100",
            "--mode",
            mode,
            "--tag",
            &tag,
        ]);
        let started = std::time::Instant::now();
        let o = ingest(
            dir.path(),
            &format!("bad-{mode}"),
            &args,
            &["--timeout", "2"],
        );
        assert_failed(&o, dir.path(), mode, message, started);
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert_eq!(
            running(&tag),
            0,
            "{mode}: the server process was not left behind"
        );
    }
}

#[test]
fn a_client_config_ingests_the_good_servers_and_reports_the_broken_ones() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture();
    let config = serde_json::json!({
        "mcpServers": {
            "alpha": {"command": f, "args": ["--tools", "3"], "env": {"API_TOKEN": "secret-value"}},
            "beta": {"command": f, "args": ["--tools", "5", "--mode", "${env:TOOLCAT_FIXTURE_MODE}"]},
            "broken": {"command": "/nonexistent/mcp-server"},
            "remote": {"url": "http://127.0.0.1:9/mcp"}
        }
    });
    std::fs::write(dir.path().join("claude.json"), config.to_string()).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_toolcat"))
        .args([
            "ingest",
            "--quiet",
            "--timeout",
            "5",
            "--mcp-config",
            "claude.json",
        ])
        .current_dir(dir.path())
        .env("TOOLCAT_FIXTURE_MODE", "ok")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("server broken") && stderr(&o).contains("server remote"),
        "{}",
        stderr(&o)
    );
    let catalog = toolcat::catalog::load(&dir.path().join("catalog")).unwrap();
    let names: Vec<&str> = catalog
        .servers
        .iter()
        .map(|s| s.server.slug.as_str())
        .collect();
    assert_eq!(names, ["alpha", "beta"]);
    assert_eq!(
        catalog.servers[1].tools.len(),
        5,
        "${{env:...}} expanded as clients do"
    );
    let text = std::fs::read_to_string(dir.path().join("catalog/alpha.json")).unwrap();
    assert!(
        text.contains("API_TOKEN") && !text.contains("secret-value"),
        "only variable names are kept"
    );

    // --only picks servers; an unknown one is a usage error.
    let o = toolcat(
        dir.path(),
        &[
            "ingest",
            "--quiet",
            "--dry-run",
            "--mcp-config",
            "claude.json",
            "--only",
            "alpha",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = toolcat(
        dir.path(),
        &["ingest", "--mcp-config", "claude.json", "--only", "gamma"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--only gamma"), "{}", stderr(&o));
}

/// The fixture serving streamable HTTP on a loopback port, and its URL; killed on drop.
struct HttpFixture {
    child: std::process::Child,
    url: String,
}

impl HttpFixture {
    fn start(args: &[&str]) -> HttpFixture {
        use std::io::BufRead;
        let mut child = std::process::Command::new(fixture())
            .arg("--http")
            .args(args)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .expect("the fixture's address");
        assert!(addr.starts_with("127.0.0.1:"), "loopback only: {addr}");
        HttpFixture {
            child,
            url: format!("http://{addr}/mcp"),
        }
    }
}

impl Drop for HttpFixture {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_streamable_http_server_answers_in_json_or_event_streams() {
    for sse in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec!["--tools", "1000", "--page-size", "40"];
        if sse {
            args.push("--sse");
        }
        let server = HttpFixture::start(&args);
        let url = format!("{}?api_key=query-secret-7", server.url);
        let o = toolcat(
            dir.path(),
            &[
                "ingest",
                "--quiet",
                "--url",
                &url,
                "--name",
                "remote",
                "--header",
                "Authorization: Bearer secret-token",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "sse={sse}: {}", stderr(&o));
        let catalog = toolcat::catalog::load(&dir.path().join("catalog")).unwrap();
        let s = &catalog.servers[0];
        assert_eq!(s.tools.len(), 1000, "25 pages followed");
        assert_eq!(s.server.extra["transport"], "streamable-http");
        let text = std::fs::read_to_string(dir.path().join("catalog/remote.json")).unwrap();
        assert!(
            text.contains("Authorization") && !text.contains("secret-token"),
            "only header names are kept"
        );
        assert!(
            text.contains("?api_key=***") && !text.contains("query-secret-7"),
            "the URL is recorded without its query values: {text}"
        );
    }
}

#[test]
fn every_misbehaviour_over_http_is_an_error_naming_the_server() {
    let cases: &[(&str, &str)] = &[
        ("hang", "no complete answer within 2 s"),
        ("hang-init", "no complete answer within 2 s"),
        ("crash", "tools/list failed on page 2"),
        ("junk", "failed"),
        ("error", "database is down"),
        ("cursor-loop", "repeated cursor `page-0`"),
        ("slow", "no complete answer within 2 s"),
    ];
    for (mode, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        let tools = if *mode == "slow" { "1000" } else { "250" };
        let server = HttpFixture::start(&["--tools", tools, "--page-size", "100", "--mode", mode]);
        let started = std::time::Instant::now();
        let o = toolcat(
            dir.path(),
            &[
                "ingest",
                "--quiet",
                "--timeout",
                "2",
                "--url",
                &server.url,
                "--name",
                &format!("bad-{mode}"),
            ],
        );
        assert_failed(&o, dir.path(), mode, message, started);
    }
}

/// What a config expands (`${VAR}`), and the credentials and query values of a URL, never
/// land in the catalogue, which teams commit, nor in a message, which CI logs publish.
#[test]
fn secrets_of_a_config_reach_neither_the_catalogue_nor_any_message() {
    let dir = tempfile::tempdir().unwrap();
    let f = fixture();
    let secret = "s3cr3t-value-from-env";
    let config = serde_json::json!({
        "mcpServers": {
            "shell": {"command": "sh", "args": ["-c", format!("exec {} --tools 2 # ${{MY_SECRET}}", f.display())]},
            "remote": {"url": "http://user:${MY_SECRET}@127.0.0.1:9/mcp?key=${env:MY_SECRET}&sig=literal-sig-9876"}
        }
    });
    std::fs::write(dir.path().join("mcp.json"), config.to_string()).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_toolcat"))
        .args(["ingest", "--timeout", "5", "--mcp-config", "mcp.json"])
        .current_dir(dir.path())
        .env("MY_SECRET", secret)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let messages = format!("{}{}", stdout(&o), stderr(&o));
    assert!(messages.contains("server remote"), "{messages}");
    for leaked in [secret, "literal-sig-9876"] {
        assert!(!messages.contains(leaked), "{leaked} in:\n{messages}");
    }
    let text = std::fs::read_to_string(dir.path().join("catalog/shell.json")).unwrap();
    assert!(!text.contains(secret), "{text}");
    assert!(
        text.contains("# ${MY_SECRET}"),
        "recorded as written: {text}"
    );

    // A URL on the command line: named by its host, its query kept out of every line.
    let o = toolcat(
        dir.path(),
        &[
            "ingest",
            "--timeout",
            "2",
            "--url",
            "http://tok:pass-word-1@127.0.0.1:9/mcp?api_key=query-secret-5",
        ],
    );
    let messages = format!("{}{}", stdout(&o), stderr(&o));
    assert_ne!(o.status.code(), Some(0), "{messages}");
    assert!(messages.contains("127.0.0.1-9"), "{messages}");
    for leaked in ["pass-word-1", "query-secret-5", "tok"] {
        assert!(!messages.contains(leaked), "{leaked} in:\n{messages}");
    }
}
