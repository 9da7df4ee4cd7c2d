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

use super::global::{cut_by_content, At, Key, SharedFiles, Unit};
use super::{data, pages, ServerDigest, ToolDigest};
use crate::untrusted::visible;
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

/// Servers whose tools' words one task of the index build collects.
const SERVERS_A_TASK: usize = 256;

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

/// (rank of a tool or index of a server, hash of the word, word).
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
    if crate::untrusted::find_invisible(s).is_some() {
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
    if crate::untrusted::find_invisible(s).is_some() {
        return json_len(&visible(s));
    }
    2 + escaped_len(s)
}

/// The bytes [`push_str`] adds to each byte of a string: a backslash before quotes,
/// backslashes and the usual line breaks and tabs, `\u00XX` for `<`, `>`, `&` and other
/// control characters.
const EXTRA: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = 5;
        b += 1;
    }
    t[b'"' as usize] = 1;
    t[b'\\' as usize] = 1;
    t[b'\n' as usize] = 1;
    t[b'\r' as usize] = 1;
    t[b'\t' as usize] = 1;
    t[b'<' as usize] = 5;
    t[b'>' as usize] = 5;
    t[b'&' as usize] = 5;
    t
};

/// The length of `s` escaped as [`push_str`] does, without the quotes.
fn escaped_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let extra: usize = bytes
        .iter()
        .map(|&b| usize::from(EXTRA[usize::from(b)]))
        .sum();
    // U+2028 and U+2029 (three bytes each) are written as six.
    let separators = if bytes.contains(&0xe2) {
        bytes
            .windows(3)
            .filter(|w| w[0] == 0xe2 && w[1] == 0x80 && (w[2] == 0xa8 || w[2] == 0xa9))
            .count()
    } else {
        0
    };
    bytes.len() + extra + 3 * separators
}

/// The end of the part of a summary a row shows.
fn summary_end(summary: &str) -> usize {
    summary
        .char_indices()
        .nth(SUMMARY_CHARS)
        .map_or(summary.len(), |(i, _)| i)
}

/// The length of a server's name as JSON plus that of its slug, as [`row`] writes them.
pub(super) fn server_row_len(s: &ServerDigest) -> usize {
    json_len(&s.name) + escaped_len(&s.slug)
}

/// The length of [`row`]'s text, without making it; `server` is [`server_row_len`].
pub(super) fn row_len(t: &ToolDigest, server: usize) -> usize {
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

/// A shard as the index lists it: its word prefix, whether it is a leaf (it holds every
/// word that starts with the prefix, not only the prefix itself), how many parts it has,
/// their bytes, and its file name.
struct ShardEntry {
    prefix: String,
    leaf: bool,
    parts: usize,
    bytes: usize,
    name: String,
}

/// The index and every part of every shard.
pub fn units<'g>(shared: &'g SharedFiles<'g>) -> Vec<Unit<'g>> {
    let ranked: &[At] = &shared.ranked;
    let sizes: Vec<usize> = ranked
        .par_iter()
        .map(|at| shared.row_bytes(*at) + 1)
        .collect();
    let groups = word_groups(shared.servers, ranked);
    let weight = |tools: &[u32]| tools.iter().map(|r| sizes[*r as usize]).sum();
    let mut specs: Vec<Spec> = Vec::new();
    split(String::new(), &groups, &weight, &mut specs);
    drop(groups);
    let size = |r: u32| sizes[r as usize];
    let mut listed: Vec<ShardEntry> = Vec::new();
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
        listed.push(ShardEntry {
            prefix: spec.key.clone(),
            leaf: spec.leaf,
            parts: parts.len(),
            bytes,
            name: name.clone(),
        });
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
    for e in &listed {
        key.str(&e.prefix)
            .num(usize::from(e.leaf))
            .num(e.parts)
            .num(e.bytes);
    }
    units.push(Unit::new(INDEX_PATH.into(), key.finish(), move || {
        let shards: Vec<serde_json::Value> = listed
            .iter()
            .map(|e| serde_json::json!([e.prefix, u8::from(e.leaf), e.parts, e.bytes, e.name]))
            .collect();
        let value = serde_json::json!({"tools": tools, "shards": shards});
        Ok(format!("window.TOOLCAT_SEARCH = {};\n", data::script_json(&value)?).into_bytes())
    }));
    units
}

/// Every word of tools' and servers' names with the ranks of the tools filed under it
/// (in increasing order), sorted by word. `ranked` lists every tool of `servers` once.
fn word_groups<'g>(servers: &'g [ServerDigest], ranked: &[At]) -> Vec<Group<'g>> {
    // A server's words, once per server.
    let server_words: Vec<Vec<Cow<'g, str>>> = servers.par_iter().map(|s| words(&s.name)).collect();
    // The ranks of each server's tools: in increasing order (a word of a server's name is
    // posted once for the server and stands for all of them), and by tool.
    let mut server_ranks: Vec<Vec<u32>> = servers
        .iter()
        .map(|s| Vec::with_capacity(s.tools.len()))
        .collect();
    let mut rank_of: Vec<Vec<u32>> = servers.iter().map(|s| vec![0; s.tools.len()]).collect();
    for (rank, at) in ranked.iter().enumerate() {
        server_ranks[at.0 as usize].push(rank as u32);
        rank_of[at.0 as usize][at.1 as usize] = rank as u32;
    }
    // Every (rank, hash of the word, word) of the words of tools' names that are not
    // words of their server's name, server after server (the digests are read in the
    // order they are in memory), and every (server, hash, word) of servers' names, each
    // split by hash into as many partitions as there are threads.
    let partitions = rayon::current_num_threads().max(1);
    let partition_of = |hash: u64| ((hash >> 32) % partitions as u64) as usize;
    let mut blocks: Vec<Vec<Postings<'_>>> = servers
        .par_chunks(SERVERS_A_TASK)
        .enumerate()
        .map(|(b, chunk)| {
            let mut out: Vec<Postings<'_>> = (0..partitions).map(|_| Vec::new()).collect();
            let mut w: Vec<Cow<'_, str>> = Vec::new();
            for (k, s) in chunk.iter().enumerate() {
                let si = b * SERVERS_A_TASK + k;
                let own = &server_words[si];
                for (t, rank) in s.tools.iter().zip(&rank_of[si]) {
                    w.clear();
                    words_into(&t.name, &mut w);
                    for word in w.drain(..) {
                        if own.contains(&word) {
                            continue;
                        }
                        let hash = xxh3_64(word.as_bytes());
                        out[partition_of(hash)].push((*rank, hash, word));
                    }
                }
            }
            out
        })
        .collect();
    drop(rank_of);
    let mut by_server: Vec<Postings<'_>> = (0..partitions).map(|_| Vec::new()).collect();
    for (i, ws) in server_words.iter().enumerate() {
        for word in ws {
            let hash = xxh3_64(word.as_bytes());
            by_server[partition_of(hash)].push((i as u32, hash, word.clone()));
        }
    }
    // Each partition's postings, block after block.
    let by_partition: Vec<(Vec<Postings<'_>>, Postings<'_>)> = by_server
        .into_iter()
        .enumerate()
        .map(|(p, servers)| {
            let tools = blocks
                .iter_mut()
                .map(|b| std::mem::take(&mut b[p]))
                .collect();
            (tools, servers)
        })
        .collect();
    drop(blocks);
    // Tools by word, one map per partition, keyed by the word's hash already computed
    // (words whose hashes collide share an entry and are told apart by their text).
    let server_ranks = &server_ranks;
    let mut groups: Vec<Group<'_>> = by_partition
        .into_par_iter()
        .flat_map_iter(|(tools, servers)| {
            let mut by_hash: HashMap<u64, Vec<Group<'_>>, BuildHasherDefault<Prehashed>> =
                HashMap::default();
            for (rank, hash, word) in tools.into_iter().flatten() {
                let entry = by_hash.entry(hash).or_default();
                match entry.iter_mut().find(|(w, _)| *w == word) {
                    Some((_, tools)) => tools.push(rank),
                    None => entry.push((word, vec![rank])),
                }
            }
            // A server's tools join the word's tools: no tool is there twice, as a
            // tool's own words that its server's name has are not posted for it.
            for (server, hash, word) in servers {
                let ranks = &server_ranks[server as usize];
                let entry = by_hash.entry(hash).or_default();
                match entry.iter_mut().find(|(w, _)| *w == word) {
                    Some((_, tools)) => tools.extend_from_slice(ranks),
                    None => entry.push((word, ranks.clone())),
                }
            }
            by_hash.into_values().flatten().map(|(word, mut tools)| {
                if !tools.is_sorted() {
                    tools.sort_unstable();
                }
                (word, tools)
            })
        })
        .collect();
    groups.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    groups
}

/// The script of one part of a shard.
fn shard_text(out: &mut String, shared: &SharedFiles<'_>, key: &str, part: usize, tools: &[At]) {
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

    proptest::proptest! {
        /// The length is that of the text [`push_str`] writes (a text with invisible
        /// characters is measured as shown).
        #[test]
        fn escaped_length_is_the_written_length(text in "[a-z\"\\\\<>&\n\r\t\u{1}\u{1f}\u{2028}\u{2029}é€ ]{0,40}") {
            let mut out = String::new();
            push_str(&mut out, &text);
            proptest::prop_assert_eq!(json_len(&text), out.len());
        }
    }

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
            rules: crate::classify::rules::RuleSet::default(),
            summary: "é".repeat(200),
            needs_review: false,
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

    fn digest(slug: &str, name: &str, tools: &[&str]) -> ServerDigest {
        ServerDigest {
            slug: slug.into(),
            name: name.into(),
            package: None,
            version: None,
            tools: tools
                .iter()
                .map(|t| ToolDigest {
                    name: (*t).into(),
                    slug: t.to_lowercase(),
                    category: crate::model::Category::Read,
                    risk: crate::model::Risk::Low,
                    rules: crate::classify::rules::RuleSet::default(),
                    summary: String::new(),
                    needs_review: false,
                })
                .collect(),
        }
    }

    #[test]
    fn every_tool_is_filed_under_its_words_and_its_servers_once_in_rank_order() {
        let servers = [
            digest(
                "a",
                "GitHub Issues",
                &["github_create_issue", "listRepos", "get"],
            ),
            digest(
                "b",
                "gitlab",
                &["create_issue", "Issues-Search", "gitlab_get"],
            ),
            digest("c", "Create", &["create", "x"]),
        ];
        // Tools ranked in an order unlike the servers' own.
        let ranked: Vec<At> = vec![
            (1, 2),
            (0, 1),
            (2, 0),
            (0, 0),
            (1, 0),
            (2, 1),
            (0, 2),
            (1, 1),
        ];
        let mut expected = std::collections::BTreeMap::<String, Vec<u32>>::new();
        for (rank, &(si, ti)) in ranked.iter().enumerate() {
            let s = &servers[si as usize];
            let mut all = words(&s.tools[ti as usize].name);
            all.extend(words(&s.name));
            all.sort();
            all.dedup();
            for w in all {
                expected
                    .entry(w.into_owned())
                    .or_default()
                    .push(rank as u32);
            }
        }
        let got: Vec<(String, Vec<u32>)> = word_groups(&servers, &ranked)
            .into_iter()
            .map(|(w, r)| (w.into_owned(), r))
            .collect();
        let expected: Vec<(String, Vec<u32>)> = expected.into_iter().collect();
        assert_eq!(got, expected);
        assert!(got.iter().any(|(w, r)| w == "issues" && r.len() == 4));
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
