//! Generated policies: decisions by verdict, the three dialects, and the Intercept validator.

use crate::common::{bundled_catalog, stderr, stdout, toolcat};
use proptest::prelude::*;
use toolcat::classify::Classifier;
use toolcat::config::Config;
use toolcat::model::Category;
use toolcat::policy::yaml::{self, Node};
use toolcat::policy::{self, check::check, Decision, Dialect, Options, Profile, ServerPolicy};

fn policies(profile: &str) -> Vec<ServerPolicy> {
    let catalog = toolcat::catalog::load(&bundled_catalog()).unwrap();
    let config = Config::default();
    let opts = Options {
        profile: Profile::builtin(profile).unwrap(),
        ..Options::default()
    };
    catalog
        .servers
        .iter()
        .map(|s| {
            let verdicts = Classifier::new(&config).verdicts(s, &s.tools);
            policy::for_server(s, &verdicts, &opts)
        })
        .collect()
}

/// The tool names a generated Intercept file lists under `tools`, and its hidden ones.
fn intercept_names(text: &str) -> (Vec<String>, Vec<String>) {
    let doc = yaml::parse(text).unwrap().unwrap();
    assert_eq!(doc.get("default").and_then(Node::string), Some("deny"));
    let tools = doc
        .get("tools")
        .and_then(Node::entries)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, _)| k.string().map(str::to_string))
        .collect();
    let hidden = doc
        .get("hide")
        .and_then(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|n| n.string().map(str::to_string))
        .collect();
    (tools, hidden)
}

#[test]
fn every_profile_gives_every_server_a_valid_policy_in_each_dialect() {
    for profile in Profile::NAMES {
        for p in policies(profile) {
            let yaml = policy::render(&p, Dialect::Intercept);
            let problems = check(&yaml);
            assert!(
                problems.is_empty(),
                "{profile} {}: {problems:?}\n{yaml}",
                p.slug
            );
            for d in [Dialect::Gateway, Dialect::ClaudeCode] {
                let json: serde_json::Value = serde_json::from_str(&policy::render(&p, d))
                    .unwrap_or_else(|e| panic!("{} {d:?}: {e}", p.slug));
                assert!(json.is_object());
            }
        }
    }
}

#[test]
fn default_policies_never_let_an_agent_destroy_or_spend_alone() {
    for p in policies("default") {
        let (listed, hidden) = intercept_names(&policy::render(&p, Dialect::Intercept));
        let gateway: serde_json::Value =
            serde_json::from_str(&policy::render(&p, Dialect::Gateway)).unwrap();
        let claude: serde_json::Value =
            serde_json::from_str(&policy::render(&p, Dialect::ClaudeCode)).unwrap();
        let allowed: Vec<&str> = claude["permissions"]["allow"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(gateway["default"], "deny");
        for t in &p.tools {
            let rule = policy::claude::rule(&p.key, &t.name);
            if matches!(t.category, Category::Destructive | Category::Financial) {
                assert!(!t.decision.allows(), "{}/{} is allowed", p.slug, t.name);
                assert!(!allowed.contains(&rule.as_str()));
            }
            if t.decision == Decision::Hide {
                assert!(hidden.contains(&t.name), "{}/{}", p.slug, t.name);
                assert!(
                    !listed.contains(&t.name),
                    "hidden {}/{} is listed",
                    p.slug,
                    t.name
                );
                assert!(!allowed.contains(&rule.as_str()));
                assert!(gateway["tools"].get(&t.name).is_none());
                assert!(gateway["hide"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|h| h == &t.name));
            } else {
                assert!(listed.contains(&t.name), "{}/{} is missing", p.slug, t.name);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// A tool a server adds later is denied by the generated policy until it is reviewed.
    #[test]
    fn a_tool_not_in_the_catalogue_is_denied(name in "[a-z_]{1,24}", server in 0usize..58) {
        let all = policies("default");
        let p = &all[server % all.len()];
        prop_assume!(p.tool(&name).is_none());
        let (listed, hidden) = intercept_names(&policy::render(p, Dialect::Intercept));
        prop_assert!(!listed.contains(&name) && !hidden.contains(&name));
        let claude = policy::render(p, Dialect::ClaudeCode);
        let quoted = format!("\"{}\"", policy::claude::rule(&p.key, &name));
        prop_assert!(!claude.contains(&quoted));
    }
}

#[test]
fn risk_signals_tighten_and_permissive_caps_spend_on_the_real_amount_path() {
    let default = policies("default");
    let stripe = default.iter().find(|p| p.slug == "stripe-mcp").unwrap();
    let refund = stripe.tool("create_refund").unwrap();
    assert_eq!(
        refund.decision,
        Decision::Deny(policy::NEEDS_APPROVAL.into())
    );
    let permissive = policies("permissive");
    let stripe = permissive.iter().find(|p| p.slug == "stripe-mcp").unwrap();
    match &stripe.tool("create_refund").unwrap().decision {
        Decision::SpendCap { path, .. } => assert_eq!(path, "args.amount"),
        other => panic!("{other:?}"),
    }
    // A read raised above low risk by a signal is rate-limited, like a write.
    for p in &default {
        for t in &p.tools {
            if t.category == Category::Read && t.risk > toolcat::model::Risk::Low {
                // Or, when its verdict awaits review, a person's approval.
                assert!(
                    matches!(t.decision, Decision::RateLimit(_) | Decision::Deny(_))
                        || (t.needs_review && t.decision == Decision::Approval),
                    "{}/{}",
                    p.slug,
                    t.name
                );
            }
        }
    }
}

#[test]
fn policies_of_two_servers_match_their_snapshots() {
    for p in policies("default") {
        if p.slug != "stripe-mcp" && p.slug != "cli-mcp-server" {
            continue;
        }
        for d in Dialect::ALL {
            insta::assert_snapshot!(
                format!("{}.{}", p.slug, d.extension()),
                policy::render(&p, d)
            );
        }
    }
}

/// A broken policy for each rule of the dialect, each caught on its line.
#[test]
fn the_validator_catches_each_rule_on_its_line() {
    let head = "version: \"1\"\ndefault: \"deny\"\n";
    let cases: &[(&str, usize, &str)] = &[
        ("default: \"deny\"\n", 1, "`version` is required"),
        ("version: 1\n", 1, "must be the string \"1\""),
        ("version: \"2\"\n", 1, "must be the string \"1\""),
        ("version: \"1\"\ndefault: \"maybe\"\n", 2, "allow or deny"),
        ("version: \"1\"\nhide: [\"a\", \"\"]\n", 2, "`hide` entry is empty"),
        ("version: \"1\"\nhide:\n  - a\n  - a\n", 4, "hidden twice"),
        ("version: \"1\"\nfoo: 1\n", 2, "unknown key `foo`"),
        ("tools:\n  t:\n    rules:\n      - action: deny\n", 4, "has no `name`"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        action: explode\n", 5, "unknown action `explode`"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        rate_limit: 5/week\n", 5, "N/minute, N/hour or N/day"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        rate_limit: 5/hour\n        action: deny\n", 5, "cannot be combined"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        rate_limit: 5/hour\n        conditions:\n          - path: args.x\n            op: eq\n            value: 1\n", 5, "cannot be combined"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        action: deny\n        conditions:\n          - path: args.x\n            op: eq\n            value: 1\n", 6, "a deny rule takes no `conditions`"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        on_deny: \"no\"\n", 4, "needs `conditions`"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        conditions:\n          - path: x.y\n            op: eq\n            value: 1\n", 6, "start with `args.` or `state.`"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        conditions:\n          - path: state.t.spend\n            op: lt\n            value: 5\n", 6, "declares no counter `spend`"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        conditions:\n          - path: args.x\n            op: near\n            value: 1\n", 7, "unknown op `near`"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        conditions:\n          - path: args.x\n            op: lt\n            value: \"ten\"\n", 8, "needs a number"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        conditions:\n          - path: args.x\n            op: in\n            value: 3\n", 8, "needs a list"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        conditions:\n          - path: args.x\n            op: eq\n", 6, "needs a `value`"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        conditions:\n          - path: args.x\n            op: lt\n            value: 5\n        state:\n          counter: c\n          window: week\n", 11, "minute, hour or day"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        conditions:\n          - path: args.x\n            op: lt\n            value: 5\n        state:\n          counter: c\n          window: day\n          increment_from: amount\n", 12, "must be an `args.` path"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        action: deny\n        approval_timeout: 30m\n", 6, "needs `action: require_approval`"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        action: require_approval\n        approval_timeout: 5é\n", 6, "approval_timeout"),
        ("tools:\n  t:\n    rules:\n      - name: a\n        action: deny\n      - name: a\n        action: deny\n", 6, "two rules of `t` are named `a`"),
        ("tools:\n  t: {}\n", 2, "has no `rules`"),
        ("tools:\n  t: a: b\n", 2, "YAML syntax"),
    ];
    for (body, line, message) in cases {
        let text = if body.starts_with("tools") {
            format!("{head}{body}")
        } else {
            (*body).to_string()
        };
        let offset = if body.starts_with("tools") { 2 } else { 0 };
        let problems = check(&text);
        assert!(
            problems
                .iter()
                .any(|p| p.at.line == line + offset && p.message.contains(message)),
            "expected `{message}` on line {}:\n{text}\ngot {problems:#?}",
            line + offset
        );
    }
    // Every problem is reported, not only the first.
    let two = format!("{head}tools:\n  t:\n    rules:\n      - action: explode\n      - name: b\n        rate_limit: often\n");
    assert_eq!(check(&two).len(), 3, "{:#?}", check(&two));
}

#[test]
fn policy_command_writes_checks_and_explains_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = bundled_catalog();
    let cat = catalog.to_str().unwrap();
    let out = dir.path().join("stripe.yaml");
    let o = toolcat(
        dir.path(),
        &[
            "policy",
            "stripe-mcp",
            "--catalog",
            cat,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = toolcat(dir.path(), &["policy", "--check", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));

    let text = std::fs::read_to_string(&out)
        .unwrap()
        .replace("rate_limit: 30/minute", "rate_limit: lots");
    std::fs::write(&out, text).unwrap();
    let o = toolcat(dir.path(), &["policy", "--check", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("stripe.yaml:") && stdout(&o).contains("N/minute"),
        "{}",
        stdout(&o)
    );
    let o = toolcat(dir.path(), &["policy", "--check", "missing.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    // A problem quotes the file: its control characters are shown, not sent.
    let hostile = "version: \"1\"\ntools:\n  t:\n    rules:\n      - name: x\n        action: bogus\u{1b}[2J\n";
    std::fs::write(dir.path().join("hostile.yaml"), hostile).unwrap();
    let o = toolcat(dir.path(), &["policy", "--check", "hostile.yaml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("bogus⟨U+001B⟩[2J"), "{}", stdout(&o));
    // A file nesting a collection every two bytes is one problem, not a stack overflow.
    std::fs::write(dir.path().join("deep.yaml"), "- ".repeat(100_000) + "x").unwrap();
    let o = toolcat(dir.path(), &["policy", "--check", "deep.yaml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stdout(&o).contains("nested deeper than"), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("deep.yaml: 1 problem\n"),
        "{}",
        stderr(&o)
    );

    let o = toolcat(dir.path(), &["policy", "no-such-server", "--catalog", cat]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no server `no-such-server`"),
        "{}",
        stderr(&o)
    );
    let o = toolcat(dir.path(), &["policy", "--all", "--catalog", cat]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
    let o = toolcat(
        dir.path(),
        &["policy", "stripe-mcp", "--catalog", cat, "--profile", "lax"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown policy profile `lax`"),
        "{}",
        stderr(&o)
    );

    let all = dir.path().join("claude");
    let o = toolcat(
        dir.path(),
        &[
            "policy",
            "--all",
            "--format",
            "claude-code",
            "--catalog",
            cat,
            "--out",
            all.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_dir(&all).unwrap().count(), 74);
    let git: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(all.join("mcp-server-git.claude.json")).unwrap(),
    )
    .unwrap();
    let deny = git["permissions"]["deny"].as_array().unwrap();
    assert!(deny.iter().any(|r| r == "mcp__mcp-server-git__git_reset"));
}

#[test]
fn hostile_names_stay_exact_and_cannot_break_a_policy_file() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = crate::common::ingest_hostile(dir.path());
    let loaded = toolcat::catalog::load(&catalog).unwrap();
    let server = &loaded.servers[0];
    let config = Config::default();
    for profile in Profile::NAMES {
        let opts = Options {
            profile: Profile::builtin(profile).unwrap(),
            ..Options::default()
        };
        let verdicts = Classifier::new(&config).verdicts(server, &server.tools);
        let p = policy::for_server(server, &verdicts, &opts);
        let yaml = policy::render(&p, Dialect::Intercept);
        assert!(check(&yaml).is_empty(), "{:#?}\n{yaml}", check(&yaml));
        assert!(!yaml.contains('\u{202e}'), "bidi characters are escaped");
        let (listed, hidden) = intercept_names(&yaml);
        for t in &server.tools {
            assert!(
                listed.contains(&t.name) || hidden.contains(&t.name),
                "{} reads back exactly",
                t.name
            );
        }
        for d in [Dialect::Gateway, Dialect::ClaudeCode] {
            let text = policy::render(&p, d);
            assert!(!text.contains('\u{202e}'));
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert!(
                v.to_string().contains("bidi\\u202eexe.txt")
                    || v.to_string().contains("bidi\u{202e}exe.txt")
            );
        }
    }
}

/// Names holding characters past U+FFFF (a tag character, an emoji), bidi overrides,
/// variation selectors and controls: every dialect's file parses in its own reader (the
/// YAML one, which `policy --check` uses, and a JSON one) and names each tool exactly.
#[test]
fn names_of_any_character_survive_every_dialect_and_its_reader() {
    let names = [
        "tag\u{E0041}\u{E0042}",
        "emoji\u{1F600}_delete",
        "bidi\u{202E}exe",
        "isolate\u{2066}x\u{2069}",
        "bell\u{7}and\u{1B}[31m",
        "smuggle\u{FE01}\u{E0100}",
        "filler\u{3164}\u{115F}",
        "mark\u{61C}\u{34F}",
    ];
    let tools: Vec<serde_json::Value> = names
        .iter()
        .map(|n| serde_json::json!({"name": n, "description": "Deletes the thing."}))
        .collect();
    let text = serde_json::Value::Array(tools).to_string();
    let (server, _) = toolcat::ingest::parse_text(
        &text,
        std::path::Path::new("weird.json"),
        &toolcat::ingest::Naming::default(),
    )
    .unwrap();
    let config = Config::default();
    let verdicts = Classifier::new(&config).verdicts(&server, &server.tools);
    let p = policy::for_server(&server, &verdicts, &Options::default());
    let yaml = policy::render(&p, Dialect::Intercept);
    assert!(check(&yaml).is_empty(), "{:#?}\n{yaml}", check(&yaml));
    assert!(yaml.contains("\\U000E0041"), "{yaml}");
    assert!(
        !yaml.contains("\\udb40"),
        "no surrogate pair in YAML: {yaml}"
    );
    let (listed, hidden) = intercept_names(&yaml);
    for n in names {
        assert!(
            listed.iter().chain(&hidden).any(|l| l == n),
            "{n:?} in {yaml}"
        );
        let hides = toolcat::untrusted::find_invisible(n).is_some();
        assert!(
            !hides || !yaml.contains(n),
            "{n:?} is escaped, not written raw"
        );
    }
    for d in [Dialect::Gateway, Dialect::ClaudeCode] {
        let text = policy::render(&p, d);
        let v: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{d:?}: {e}\n{text}"));
        let strings = v.to_string();
        for n in names {
            let encoded = serde_json::to_string(n).unwrap();
            let inner = &encoded[1..encoded.len() - 1];
            assert!(strings.contains(inner), "{d:?}: {n:?} in {text}");
            let hides = toolcat::untrusted::find_invisible(n).is_some();
            assert!(!hides || !text.contains(n), "{d:?}: {n:?} is escaped");
        }
    }
}

#[test]
fn classifier_overrides_and_policy_settings_flow_into_policies() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("toolcat.toml"),
        "[[override]]\nserver = \"mcp-server-git\"\ntool = \"git_status\"\ncategory = \"destructive\"\nreason = \"test: pretend it wipes\"\n\n[policy]\nwrite = \"5/hour\"\ndestructive = \"deny\"\n",
    )
    .unwrap();
    let catalog = bundled_catalog();
    let o = toolcat(
        dir.path(),
        &[
            "policy",
            "mcp-server-git",
            "--catalog",
            catalog.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let yaml = stdout(&o);
    let at = yaml
        .find("\"git_status\":")
        .expect("git_status is listed, not hidden, under destructive = deny");
    assert!(
        yaml[at..]
            .lines()
            .take(5)
            .any(|l| l.contains("action: deny")),
        "{yaml}"
    );
    assert!(yaml.contains("rate_limit: 5/hour"), "{yaml}");
    std::fs::write(
        dir.path().join("toolcat.toml"),
        "[policy]\nexecute = \"sometimes\"\n",
    )
    .unwrap();
    let o = toolcat(
        dir.path(),
        &[
            "policy",
            "mcp-server-git",
            "--catalog",
            catalog.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("policy.execute"), "{}", stderr(&o));
}

/// Found by fuzzing (`fuzz/fuzz_targets/classify.rs`): a tool name longer than YAML's
/// 1024-character limit on implicit keys made an invalid policy.
#[test]
fn a_very_long_tool_name_is_written_as_an_explicit_key() {
    let dir = tempfile::tempdir().unwrap();
    let long = format!("list_{}", "x".repeat(3000));
    std::fs::write(
        dir.path().join("long.json"),
        serde_json::json!({"tools": [{"name": long}, {"name": "get_thing"}]}).to_string(),
    )
    .unwrap();
    let o = toolcat(dir.path(), &["ingest", "--server", "long", "long.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = toolcat(dir.path(), &["policy", "long", "--out", "p.yaml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let yaml = std::fs::read_to_string(dir.path().join("p.yaml")).unwrap();
    assert!(check(&yaml).is_empty(), "{:#?}", check(&yaml));
    let (listed, _) = intercept_names(&yaml);
    assert!(listed.contains(&long) && listed.contains(&"get_thing".to_string()));
}

#[test]
fn policies_and_reports_are_never_written_into_the_catalogue_folder() {
    let dir = tempfile::tempdir().unwrap();
    let cat = crate::common::one_server_catalog(dir.path());
    let file = cat.join("mcp-server-time.json");
    let before = std::fs::read(&file).unwrap();
    for args in [
        &[
            "policy",
            "--all",
            "--format",
            "gateway",
            "--catalog",
            "one",
            "--out",
            "one",
        ][..],
        &["policy", "--all", "--catalog", "one", "--out", "./one/"],
        &[
            "policy",
            "mcp-server-time",
            "--format",
            "gateway",
            "--catalog",
            "one",
            "--out",
            "one/mcp-server-time.json",
        ],
    ] {
        crate::common::assert_refused(
            dir.path(),
            args,
            "is the catalogue folder: files written there",
        );
        assert_eq!(std::fs::read(&file).unwrap(), before, "{args:?}");
        assert_eq!(std::fs::read_dir(&cat).unwrap().count(), 1, "{args:?}");
    }
    let o = toolcat(
        dir.path(),
        &[
            "policy",
            "--all",
            "--catalog",
            "one",
            "--out",
            "one/policies",
        ],
    );
    assert!(
        o.status.success(),
        "a folder inside it is not read as the catalogue"
    );

    // The CI gate's report neither.
    let o = toolcat(
        dir.path(),
        &[
            "check",
            "--catalog",
            "one",
            "--format",
            "json",
            "--output",
            "one/report.json",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("choose another --output"),
        "{}",
        stderr(&o)
    );
    assert!(!cat.join("report.json").exists());
}

/// Every tool of the bundled catalogue whose verdict needs review is gated in every dialect
/// and every profile: approval in Intercept YAML and Claude Code (`ask`, or `deny` when its
/// category is denied anyway), a deny that says it awaits review in gateway JSON (which
/// has no approval step), or hidden or denied when its category asks for more. The
/// Intercept files still pass `policy --check`.
#[test]
fn tools_that_need_review_are_gated_in_every_dialect() {
    let mut gated = 0;
    for profile in Profile::NAMES {
        for p in policies(profile) {
            let yaml = policy::intercept::render(&p);
            assert!(check(&yaml).is_empty(), "{}: {:?}", p.slug, check(&yaml));
            let gateway: serde_json::Value =
                serde_json::from_str(&policy::gateway::render(&p)).unwrap();
            for t in p.tools.iter().filter(|t| t.needs_review) {
                gated += 1;
                assert!(
                    !t.decision.allows(),
                    "{}/{}: {:?}",
                    p.slug,
                    t.name,
                    t.decision
                );
                assert_ne!(policy::claude::list_of(t), "allow", "{}/{}", p.slug, t.name);
                if t.decision == Decision::Approval {
                    let entry = &gateway["tools"][&t.name];
                    assert_eq!(
                        entry["deny_if"][0]["on_deny"],
                        policy::AWAITS_REVIEW,
                        "{}/{}",
                        p.slug,
                        t.name
                    );
                    let rule = format!(
                        "{} needs approval",
                        toolcat::untrusted::one_line(&t.name, 80)
                    );
                    assert!(yaml.contains(&rule), "{}/{}", p.slug, t.name);
                }
            }
        }
    }
    assert!(gated >= 3 * 10, "only {gated} needs-review tools seen");
}

/// `--break-flows`: beside a file reader, the web fetch (the way out of the toxic
/// combination the two make) goes behind approval, and the file says why; alone, or
/// without the flag, it stays as the profile decides.
#[test]
fn break_flows_puts_the_send_leg_behind_approval() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog");
    std::fs::create_dir(&catalog).unwrap();
    for s in ["mcp-server-fetch", "modelcontextprotocol-server-filesystem"] {
        std::fs::copy(
            crate::common::repo().join(format!("catalog/{s}.json")),
            catalog.join(format!("{s}.json")),
        )
        .unwrap();
    }
    let policy = |extra: &[&str]| {
        let mut args = vec!["policy", "mcp-server-fetch"];
        args.extend(extra);
        let o = crate::common::toolcat(dir.path(), &args);
        assert_eq!(o.status.code(), Some(0), "{}", crate::common::stderr(&o));
        crate::common::stdout(&o)
    };
    let plain = policy(&[]);
    assert!(
        plain.contains("rate_limit:") && !plain.contains("require_approval"),
        "{plain}"
    );
    let broken = policy(&["--break-flows"]);
    assert!(broken.contains("action: require_approval"), "{broken}");
    assert!(
        broken.contains("behind approval: it can send data out"),
        "{broken}"
    );
    // Alone, the fetch server makes no combination.
    std::fs::remove_file(catalog.join("modelcontextprotocol-server-filesystem.json")).unwrap();
    assert_eq!(policy(&["--break-flows"]), plain);
}
