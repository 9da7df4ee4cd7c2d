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

use super::global::{cut_by_content, At, Key, Shared, Unit};
use super::{data, pages, ServerDigest, ToolDigest};
use crate::markdown::visible;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::BuildHasherDefault;
use xxhash_rust::xxh3::xxh3_64;

/// The largest part of a shard, in bytes of rows.
pub const SHARD_BYTES: usize = 1024 * 1024;

/// Tools of a part between content-defined cuts, on average (parts are cut earlier at
/// [`SHARD_BYTES`]): a tool that moves changes the parts it leaves and enters only.
const SHARD_EVERY: u64 = 2048;

/// Where the list of shards is.
pub const INDEX_PATH: &str = "assets/search-index.js";

/// Tools whose words one task of the index build collects.
const BLOCK: usize = 4096;

/// Characters of a summary a search result shows.
const SUMMARY_CHARS: usize = 140;

/// The words a name is indexed under, lowercased, each once, in order of appearance.
/// Words already in lowercase are borrowed from the name.
pub fn words(name: &str) -> Vec<Cow<'_, str>> {
    let mut out = Vec::new();
    words_into(name, &mut out);
    out
}

/// [`words`], appended to `out`.
fn words_into<'a>(name: &'a str, out: &mut Vec<Cow<'a, str>>) {
    fn push<'a>(word: &'a str, out: &mut Vec<Cow<'a, str>>) {
        if word.is_empty() {
            return;
        }
        let lower = if word.chars().any(char::is_uppercase) {
            Cow::Owned(word.to_lowercase())
        } else {
            Cow::Borrowed(word)
        };
        if !out.contains(&lower) {
            out.push(lower);
        }
    }
    let mut start = 0;
    let mut prev_lower = false;
    for (i, c) in name.char_indices() {
        if !c.is_alphanumeric() {
            push(&name[start..i], out);
            start = i + c.len_utf8();
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower {
            push(&name[start..i], out);
            start = i;
        }
        prev_lower = c.is_lowercase() || c.is_numeric();
    }
    push(&name[start..], out);
}

/// (rank, hash of the word, word) of a word of a ranked tool.
type Postings<'a> = Vec<(u32, u64, Cow<'a, str>)>;

/// A word and the ranks of the tools filed under it, in increasing order.
type Group<'a> = (Cow<'a, str>, Vec<u32>);

/// A hasher for keys that are hashes already: it passes a `u64` through.
#[derive(Default)]
struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `u64` keys are hashed with it; any other input is still folded in.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A shard: the words it holds and the tools under them, by rank.
struct Spec {
    key: String,
    leaf: bool,
    tools: Vec<u32>,
}

/// Append `s` as a JSON string safe inside a `<script>` element (as
/// [`data::script_json`] writes it), invisible characters shown as on pages.
fn push_str(out: &mut String, s: &str) {
    if crate::markdown::find_invisible(s).is_some() {
        return push_str(out, &visible(s));
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The length [`push_str`] gives `s`.
fn json_len(s: &str) -> usize {
    if crate::markdown::find_invisible(s).is_some() {
        return json_len(&visible(s));
    }
    2 + escaped_len(s)
}

/// The length of `s` escaped as [`push_str`] does, without the quotes.
fn escaped_len(s: &str) -> usize {
    s.chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' => 2,
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => 6,
            c if (c as u32) < 0x20 => 6,
            c => c.len_utf8(),
        })
        .sum()
}

/// The end of the part of a summary a row shows.
fn summary_end(summary: &str) -> usize {
    summary
        .char_indices()
        .nth(SUMMARY_CHARS)
        .map_or(summary.len(), |(i, _)| i)
}

/// The length of [`row`]'s text, without making it; `server` is the length of the
/// server's name as JSON plus that of its slug.
fn row_len(t: &ToolDigest, server: usize) -> usize {
    // Brackets, commas, the quotes of category, risk and page, and the page's fixed parts.
    let fixed = 2 + 5 + 4 + 2 + "tools/".len() + 1 + ".html".len();
    // Summaries already show invisible characters.
    fixed
        + json_len(&t.name)
        + server
        + t.category.as_str().len()
        + t.risk.as_str().len()
        + 2
        + escaped_len(&t.summary[..summary_end(&t.summary)])
        + escaped_len(&t.slug)
}

/// A result row: `[name, server, category, risk, summary, page]`, as script JSON.
fn row(s: &ServerDigest, t: &ToolDigest) -> String {
    let mut out = String::with_capacity(64 + t.name.len() + s.name.len() + 2 * t.summary.len());
    out.push('[');
    push_str(&mut out, &t.name);
    out.push(',');
    push_str(&mut out, &s.name);
    let _ = write!(out, ",\"{}\",\"{}\",", t.category.as_str(), t.risk.as_str());
    push_str(&mut out, &t.summary[..summary_end(&t.summary)]);
    out.push(',');
    push_str(&mut out, &pages::tool_path(&s.slug, &t.slug));
    out.push(']');
    out
}

/// The index and every part of every shard.
pub fn units<'g>(shared: &'g Shared<'g>) -> Vec<Unit<'g>> {
    let ranked: &[At] = &shared.ranked;
    // A server's words and the length of its name in a row, once per server.
    let server_words: Vec<(Vec<String>, usize)> = shared
        .servers
        .par_iter()
        .map(|s| {
            let words = words(&s.name).into_iter().map(Cow::into_owned).collect();
            (words, json_len(&s.name) + escaped_len(&s.slug))
        })
        .collect();
    let sizes: Vec<usize> = ranked
        .par_iter()
        .map(|at| row_len(shared.at(*at).1, server_words[at.0 as usize].1) + 1)
        .collect();
    // Every (rank, hash of the word, word), in blocks of tools in rank order, each block
    // split by hash into as many partitions as there are threads.
    let partitions = rayon::current_num_threads().max(1);
    let partition_of = |hash: u64| ((hash >> 32) % partitions as u64) as usize;
    let mut blocks: Vec<Vec<Postings<'_>>> = ranked
        .par_chunks(BLOCK)
        .enumerate()
        .map(|(b, ats)| {
            let mut out: Vec<Postings<'_>> = (0..partitions)
                .map(|_| Vec::with_capacity(ats.len() * 8 / partitions))
                .collect();
            let mut w: Vec<Cow<'_, str>> = Vec::new();
            for (k, at) in ats.iter().enumerate() {
                w.clear();
                words_into(&shared.at(*at).1.name, &mut w);
                for extra in &server_words[at.0 as usize].0 {
                    if !w.iter().any(|x| x == extra) {
                        w.push(Cow::Borrowed(extra.as_str()));
                    }
                }
                let rank = (b * BLOCK + k) as u32;
                for word in w.drain(..) {
                    let hash = xxh3_64(word.as_bytes());
                    out[partition_of(hash)].push((rank, hash, word));
                }
            }
            out
        })
        .collect();
    // Each partition's postings, block after block: ranks in increasing order.
    let by_partition: Vec<Vec<Postings<'_>>> = (0..partitions)
        .map(|p| {
            blocks
                .iter_mut()
                .map(|b| std::mem::take(&mut b[p]))
                .collect()
        })
        .collect();
    drop(blocks);
    // Tools by word, one map per partition, keyed by the word's hash already computed
    // (words whose hashes collide share an entry and are told apart by their text).
    let mut groups: Vec<Group<'_>> = by_partition
        .into_par_iter()
        .flat_map_iter(|lists| {
            let mut by_hash: HashMap<u64, Vec<Group<'_>>, BuildHasherDefault<Prehashed>> =
                HashMap::default();
            for (rank, hash, word) in lists.into_iter().flatten() {
                let entry = by_hash.entry(hash).or_default();
                match entry.iter_mut().find(|(w, _)| *w == word) {
                    Some((_, tools)) => tools.push(rank),
                    None => entry.push((word, vec![rank])),
                }
            }
            by_hash.into_values().flatten()
        })
        .collect();
    groups.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let weight = |tools: &[u32]| tools.iter().map(|r| sizes[*r as usize]).sum();
    let mut specs: Vec<Spec> = Vec::new();
    split(String::new(), &groups, &weight, &mut specs);
    drop(groups);
    let size = |r: u32| sizes[r as usize];
    let mut listed: Vec<(String, bool, usize, usize, String)> = Vec::new();
    let mut units: Vec<Unit<'g>> = Vec::new();
    for spec in specs {
        let name = shard_name(&spec.key);
        let parts = cut_by_content(
            &spec.tools,
            (
                |r| {
                    shared
                        .anchor(ranked[r as usize])
                        .is_multiple_of(SHARD_EVERY)
                },
                256,
            ),
            size,
            SHARD_BYTES,
        );
        let bytes = spec.tools.iter().map(|r| size(*r)).sum();
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
            key.str(&path).str(&spec.key);
            let members: Vec<At> = part.iter().map(|r| ranked[*r as usize]).collect();
            shared.key_rows(&mut key, &members);
            let shard_key = spec.key.clone();
            units.push(Unit::new(path, key.finish(), move || {
                let mut text = String::new();
                shard_text(&mut text, shared, &shard_key, i, &members);
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

/// The script of one part of a shard.
fn shard_text(out: &mut String, shared: &Shared<'_>, key: &str, part: usize, tools: &[At]) {
    out.push_str("TOOLCAT_SHARD(");
    push_str(out, key);
    let _ = write!(out, ",{part},[");
    for (n, at) in tools.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        let (s, t) = shared.at(*at);
        out.push_str(&row(s, t));
    }
    out.push_str("]);\n");
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
    groups: &[Group<'_>],
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
        let mut groups: Vec<(Cow<'_, str>, Vec<u32>)> = vec![("get".into(), (0..3000).collect())];
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
        let parts = cut_by_content(&specs[0].tools, (|_| false, 1), |_| 1024, SHARD_BYTES);
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| p.len() * 1024 <= SHARD_BYTES));
        assert_eq!(parts.iter().map(Vec::len).sum::<usize>(), 3000);
        assert_eq!(shard_name("get"), "s676574");
        assert_eq!(shard_name(""), "all");
    }

    #[test]
    fn rows_are_json_that_cannot_end_a_script() {
        let s = ServerDigest {
            slug: "s".into(),
            name: "Srv \"q\" \\ \u{1}".into(),
            package: None,
            version: None,
            tools: Vec::new(),
        };
        let t = ToolDigest {
            name: "</script><b>\u{2028}x\u{200b}".into(),
            slug: "x".into(),
            category: crate::model::Category::Read,
            risk: crate::model::Risk::Low,
            rules: 0,
            summary: "é".repeat(200),
        };
        let text = row(&s, &t);
        assert_eq!(row_len(&t, json_len(&s.name) + s.slug.len()), text.len());
        assert!(!text.contains('<') && !text.contains('\u{2028}'));
        let back: Vec<String> = serde_json::from_str(&text).unwrap();
        assert_eq!(back[0], "</script><b>\u{2028}x⟨U+200B⟩");
        assert_eq!(back[1], "Srv \"q\" \\ ⟨U+0001⟩");
        assert_eq!(back[4].chars().count(), SUMMARY_CHARS);
        assert_eq!(back[5], "tools/s/x.html");
    }

    #[test]
    fn a_small_catalogue_is_one_shard() {
        let groups: Vec<(Cow<'_, str>, Vec<u32>)> =
            vec![("a".into(), vec![0, 1]), ("b".into(), vec![1])];
        let mut specs = Vec::new();
        split(String::new(), &groups, &|t: &[u32]| t.len(), &mut specs);
        assert_eq!(specs.len(), 1);
        assert_eq!((specs[0].key.as_str(), specs[0].leaf), ("", true));
        assert_eq!(specs[0].tools, [0, 1]);
    }
}
