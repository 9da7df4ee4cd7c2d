//! Same input, same bytes: across runs, input order and JSON key order.

use crate::common::{bundled_catalog, input, toolcat, tree};
use serde_json::Value;

#[test]
fn two_builds_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let cat = bundled_catalog();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    for out in [&a, &b] {
        let o = toolcat(
            dir.path(),
            &[
                "build",
                "--catalog",
                cat.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(ta.len() > 2632, "a page per tool: {}", ta.len());
    assert!(ta == tb, "builds differ");
}

/// Rewrite JSON with object keys in reverse order (`serde_json` sorts, so build the text by hand).
fn reversed_keys(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .rev()
                .map(|(k, v)| format!("{}:{}", serde_json::to_string(k).unwrap(), reversed_keys(v)))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(reversed_keys).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

#[test]
fn shuffled_tools_and_key_order_give_the_same_catalogue_and_site() {
    let dir = tempfile::tempdir().unwrap();
    let original: Value =
        serde_json::from_str(&std::fs::read_to_string(input("mcp-server-git.json")).unwrap())
            .unwrap();
    let mut shuffled = original.clone();
    shuffled["tools"].as_array_mut().unwrap().reverse();
    let a_in = dir.path().join("in-a/mcp-server-git.json");
    let b_in = dir.path().join("in-b/mcp-server-git.json");
    for (p, text) in [
        (&a_in, serde_json::to_string_pretty(&original).unwrap()),
        (&b_in, reversed_keys(&shuffled)),
    ] {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    for (input, cat, site) in [(&a_in, "cat-a", "site-a"), (&b_in, "cat-b", "site-b")] {
        let o = toolcat(
            dir.path(),
            &["ingest", input.to_str().unwrap(), "--catalog", cat],
        );
        assert!(o.status.success());
        let o = toolcat(dir.path(), &["build", "--catalog", cat, "--out", site]);
        assert!(o.status.success());
    }
    assert_eq!(
        tree(&dir.path().join("cat-a")),
        tree(&dir.path().join("cat-b"))
    );
    assert!(tree(&dir.path().join("site-a")) == tree(&dir.path().join("site-b")));
}

#[test]
fn server_order_does_not_matter() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "time-array.json",
        "alfresco.tools.json",
        "keboola-mcp.tools.json",
    ];
    for (cat, order) in [("c1", [0, 1, 2]), ("c2", [2, 0, 1])] {
        let mut args = vec!["ingest".to_string()];
        args.extend(
            order
                .iter()
                .map(|&i| input(names[i]).to_string_lossy().into_owned()),
        );
        args.extend(["--catalog".into(), cat.into()]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        assert!(toolcat(dir.path(), &refs).status.success());
    }
    let c1 = tree(&dir.path().join("c1"));
    assert_eq!(c1, tree(&dir.path().join("c2")));
    let site1 = dir.path().join("s1");
    let site2 = dir.path().join("s2");
    assert!(toolcat(
        dir.path(),
        &["build", "--catalog", "c1", "--out", site1.to_str().unwrap()]
    )
    .status
    .success());
    assert!(toolcat(
        dir.path(),
        &["build", "--catalog", "c2", "--out", site2.to_str().unwrap()]
    )
    .status
    .success());
    assert!(tree(&site1) == tree(&site2));
}
