//! The search index, split into shards by word prefix so that the first results of a
//! query need one small file, whatever the size of the catalogue.
//!
//! Every tool is indexed under the words of its name and of its server's name (split at
//! anything not a letter or digit and at lower-to-upper case changes, lowercased). Words
//! are grouped by prefix: a prefix whose tools fit in [`SHARD_BYTES`] is one shard (a
//! *leaf*, holding every word that starts with it); a larger one is split by the next
//! character, and the word equal to the prefix itself, if any, becomes an *exact* shard.
//! A shard larger than [`SHARD_BYTES`] (one very common word) is cut into parts, riskiest
//! tools first. Each part is a script, `assets/search/<name>-<part>.js`, that calls
//! `TOOLCAT_SHARD(key, part, rows)`, so search works from `file://` too.
//!
//! `assets/search-index.js` lists the shards: `window.TOOLCAT_SEARCH = {"tools": N,
//! "shards": [[key, leaf, parts, bytes, name], ...]}`. The page picks, among the words of
//! a query, the one whose shards weigh least, loads their parts one by one and shows
//! results after the first: at most the index and one part, [`SHARD_BYTES`] at most.

use super::global::{At, Key, Shared, Unit};
use super::{data, pages, ServerDigest, ToolDigest};
use crate::markdown::visible;
use anyhow::Result;
use rayon::prelude::*;
use std::fmt::Write as _;
use std::sync::Arc;

/// The largest part of a shard, in bytes of rows.
pub const SHARD_BYTES: usize = 1024 * 1024;

/// Where the list of shards is.
pub const INDEX_PATH: &str = "assets/search-index.js";

/// Characters of a summary a search result shows.
const SUMMARY_CHARS: usize = 140;

/// The words a name is indexed under, lowercased, each once, in order of appearance.
pub fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    let push = |word: &mut String, out: &mut Vec<String>| {
        if !word.is_empty() && !out.contains(word) {
            out.push(std::mem::take(word));
        }
        word.clear();
    };
    for c in name.chars() {
        if !c.is_alphanumeric() {
            push(&mut word, &mut out);
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            push(&mut word, &mut out);
        }
        prev_lower = c.is_lowercase() || c.is_numeric();
        word.extend(c.to_lowercase());
    }
    push(&mut word, &mut out);
    out
}

/// A shard: the words it holds and the tools under them, by rank.
struct Spec {
    key: String,
    leaf: bool,
    tools: Vec<u32>,
}

/// A result row: `[name, server, category, risk, summary, page]`, as script JSON.
fn row(s: &ServerDigest, t: &ToolDigest) -> Result<String> {
    data::script_json(&[
        visible(&t.name),
        visible(&s.name),
        t.category.as_str().to_string(),
        t.risk.as_str().to_string(),
        t.summary.chars().take(SUMMARY_CHARS).collect(),
        pages::tool_path(&s.slug, &t.slug),
    ])
}

/// The index and every part of every shard.
pub fn units<'g>(shared: &'g Shared<'g>) -> Vec<Unit<'g>> {
    let ranked: &[At] = &shared.ranked;
    let rows: Vec<String> = ranked
        .par_iter()
        .map(|at| {
            let (s, t) = shared.at(*at);
            // A row that cannot serialize (it always can) is left empty.
            row(s, t).unwrap_or_default()
        })
        .collect();
    let mut postings: Vec<(String, u32)> = ranked
        .par_iter()
        .enumerate()
        .flat_map_iter(|(rank, at)| {
            let (s, t) = shared.at(*at);
            let mut w = words(&t.name);
            for extra in words(&s.name) {
                if !w.contains(&extra) {
                    w.push(extra);
                }
            }
            w.into_iter().map(move |w| (w, rank as u32))
        })
        .collect();
    postings.par_sort_unstable();
    let mut groups: Vec<(String, Vec<u32>)> = Vec::new();
    for (word, rank) in postings {
        match groups.last_mut() {
            Some((w, tools)) if *w == word => tools.push(rank),
            _ => groups.push((word, vec![rank])),
        }
    }
    let weight = |tools: &[u32]| tools.iter().map(|r| rows[*r as usize].len() + 1).sum();
    let mut specs: Vec<Spec> = Vec::new();
    split(String::new(), &groups, &weight, &mut specs);
    let rows = Arc::new(rows);
    let mut units: Vec<Unit<'g>> = Vec::new();
    let mut listed: Vec<(String, bool, usize, usize, String)> = Vec::new();
    for spec in specs {
        let name = shard_name(&spec.key);
        let parts = cut(&spec.tools, &|r| rows[r as usize].len() + 1);
        let bytes: usize = spec.tools.iter().map(|r| rows[*r as usize].len() + 1).sum();
        listed.push((
            spec.key.clone(),
            spec.leaf,
            parts.len(),
            bytes,
            name.clone(),
        ));
        for (i, part) in parts.into_iter().enumerate() {
            let path = format!("assets/search/{name}-{i}.js");
            let mut key = Key::new("shard");
            key.str(&path).str(&spec.key).num(part.len());
            for r in &part {
                key.str(&rows[*r as usize]);
            }
            let rows = Arc::clone(&rows);
            let shard_key = spec.key.clone();
            units.push(Unit::new(path, key.finish(), move || {
                let mut text = String::from("TOOLCAT_SHARD(");
                text.push_str(&data::script_json(&shard_key)?);
                let _ = write!(text, ",{i},[");
                for (n, r) in part.iter().enumerate() {
                    if n > 0 {
                        text.push(',');
                    }
                    text.push_str(&rows[*r as usize]);
                }
                text.push_str("]);\n");
                Ok(text.into_bytes())
            }));
        }
    }
    let tools = ranked.len();
    let mut key = Key::new("search-index");
    key.num(tools).num(listed.len());
    for (k, leaf, parts, bytes, _) in &listed {
        key.str(k).num(usize::from(*leaf)).num(*parts).num(*bytes);
    }
    units.push(Unit::new(INDEX_PATH.into(), key.finish(), move || {
        let shards: Vec<serde_json::Value> = listed
            .iter()
            .map(|(k, leaf, parts, bytes, name)| {
                serde_json::json!([k, u8::from(*leaf), parts, bytes, name])
            })
            .collect();
        let value = serde_json::json!({"tools": tools, "shards": shards});
        Ok(format!("window.TOOLCAT_SEARCH = {};\n", data::script_json(&value)?).into_bytes())
    }));
    units
}

/// The file name of a shard: `all` for the whole index, else `s` and the key's bytes in
/// hex (stable as other shards come and go, and safe on every filesystem).
fn shard_name(key: &str) -> String {
    if key.is_empty() {
        return "all".into();
    }
    let mut name = String::from("s");
    for b in key.bytes() {
        let _ = write!(name, "{b:02x}");
    }
    name
}

/// Shards for the words of `groups` (sorted, all starting with `prefix`).
fn split(
    prefix: String,
    groups: &[(String, Vec<u32>)],
    weight: &dyn Fn(&[u32]) -> usize,
    out: &mut Vec<Spec>,
) {
    if groups.is_empty() {
        return;
    }
    let size: usize = groups.iter().map(|g| weight(&g.1)).sum();
    if size <= SHARD_BYTES || groups.len() == 1 && groups[0].0 == prefix {
        let mut tools: Vec<u32> = groups.iter().flat_map(|g| g.1.iter().copied()).collect();
        tools.sort_unstable();
        tools.dedup();
        let leaf = !(groups.len() == 1 && groups[0].0 == prefix && size > SHARD_BYTES);
        out.push(Spec {
            key: prefix,
            leaf,
            tools,
        });
        return;
    }
    let mut rest = groups;
    if rest[0].0 == prefix {
        out.push(Spec {
            key: prefix.clone(),
            leaf: false,
            tools: rest[0].1.clone(),
        });
        rest = &rest[1..];
    }
    while let Some(first) = rest.first() {
        let next = first.0[prefix.len()..]
            .chars()
            .next()
            .expect("a longer word than its prefix");
        let mut child = prefix.clone();
        child.push(next);
        let n = rest.iter().take_while(|g| g.0.starts_with(&child)).count();
        split(child, &rest[..n], weight, out);
        rest = &rest[n..];
    }
}

/// Cut a shard's tools into parts of at most [`SHARD_BYTES`] (a part has at least one).
fn cut(tools: &[u32], size: &dyn Fn(u32) -> usize) -> Vec<Vec<u32>> {
    let mut parts: Vec<Vec<u32>> = vec![Vec::new()];
    let mut bytes = 0;
    for &r in tools {
        let n = size(r);
        let last = parts.last_mut().expect("one part at least");
        if bytes + n > SHARD_BYTES && !last.is_empty() {
            parts.push(Vec::new());
            bytes = 0;
        }
        parts.last_mut().expect("one part at least").push(r);
        bytes += n;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_at_separators_and_case_changes() {
        assert_eq!(words("getIssue"), ["get", "issue"]);
        assert_eq!(words("git_reset-HARD.now"), ["git", "reset", "hard", "now"]);
        assert_eq!(words("HTTPRequest v2"), ["httprequest", "v2"]);
        assert_eq!(words("read read"), ["read"]);
        assert_eq!(words("Ärger_über"), ["ärger", "über"]);
        assert!(words("__").is_empty());
    }

    #[test]
    fn large_prefixes_split_and_common_words_are_cut_into_parts() {
        // 3,000 tools under "get" at 1 KiB each: more than three parts.
        let mut groups: Vec<(String, Vec<u32>)> = vec![("get".into(), (0..3000).collect())];
        groups.push(("getter".into(), vec![1]));
        groups.push(("go".into(), vec![5, 7]));
        groups.push(("zip".into(), vec![9]));
        let weight = |t: &[u32]| t.len() * 1024;
        let mut specs = Vec::new();
        split(String::new(), &groups, &weight, &mut specs);
        let keys: Vec<(&str, bool)> = specs.iter().map(|s| (s.key.as_str(), s.leaf)).collect();
        assert_eq!(
            keys,
            [("get", false), ("gett", true), ("go", true), ("z", true)]
        );
        let parts = cut(&specs[0].tools, &|_| 1024);
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| p.len() * 1024 <= SHARD_BYTES));
        assert_eq!(parts.iter().map(Vec::len).sum::<usize>(), 3000);
        assert_eq!(shard_name("get"), "s676574");
        assert_eq!(shard_name(""), "all");
    }

    #[test]
    fn a_small_catalogue_is_one_shard() {
        let groups: Vec<(String, Vec<u32>)> = vec![("a".into(), vec![0, 1]), ("b".into(), vec![1])];
        let mut specs = Vec::new();
        split(String::new(), &groups, &|t: &[u32]| t.len(), &mut specs);
        assert_eq!(specs.len(), 1);
        assert_eq!((specs[0].key.as_str(), specs[0].leaf), ("", true));
        assert_eq!(specs[0].tools, [0, 1]);
    }
}
