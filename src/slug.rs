//! Slugs for servers and tools: safe path segments, deterministic and collision-free.
//!
//! A slug is made of `[a-z0-9_-]` only, so it can never name a parent directory,
//! contain a separator, or differ from another slug by case alone (which would collide
//! on a case-insensitive filesystem). A name that is already such a slug is kept as it
//! is; any other name (upper case, other characters, too long, a reserved device name)
//! gets a readable stem plus eight hex digits of the SHA-256 of the full name, so two
//! names that simplify alike still get distinct slugs. [`assign`] settles the remaining
//! collisions (duplicate names, hash collisions) in a stable order.

use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// Longest readable stem kept before the hash suffix.
const MAX_STEM: usize = 60;

/// Names Windows refuses as file names, whatever the extension.
const RESERVED: [&str; 22] = [
    "con", "prn", "aux", "nul", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8",
    "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The slug of one name, before collisions with other names are settled.
pub fn slugify(name: &str) -> String {
    let mut stem = String::with_capacity(name.len().min(MAX_STEM));
    let mut last_dash = true;
    for c in name.chars() {
        if stem.len() >= MAX_STEM {
            break;
        }
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
            stem.push(c);
            last_dash = false;
        } else if c.is_ascii_uppercase() {
            stem.push(c.to_ascii_lowercase());
            last_dash = false;
        } else if !last_dash {
            stem.push('-');
            last_dash = true;
        }
    }
    let stem = stem.trim_matches('-');
    let exact = stem == name && !RESERVED.contains(&stem) && !stem.is_empty();
    if exact {
        return stem.to_string();
    }
    let digest = Sha256::digest(name.as_bytes());
    let suffix = crate::model::hex(&digest[..4]);
    if stem.is_empty() {
        format!("x-{suffix}")
    } else {
        format!("{stem}-{suffix}")
    }
}

/// Slugs for a set of names, unique within the set.
///
/// `keys` are `(name, tiebreak)` pairs; the tiebreak (a fingerprint, say) orders
/// duplicate names stably. The result maps each key's index to its slug and does not
/// depend on the order of `keys`.
pub fn assign(keys: &[(&str, &str)]) -> Vec<String> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]).then(a.cmp(&b)));
    let candidates: Vec<String> = keys.iter().map(|(n, _)| slugify(n)).collect();
    let mut used: BTreeSet<String> = candidates.iter().cloned().collect();
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in &order {
        groups.entry(candidates[i].as_str()).or_default().push(i);
    }
    let mut out = candidates.clone();
    for (candidate, members) in groups {
        let mut n = 2;
        for &i in members.iter().skip(1) {
            let mut next = format!("{candidate}-{n}");
            while used.contains(&next) {
                n += 1;
                next = format!("{candidate}-{n}");
            }
            used.insert(next.clone());
            out[i] = next;
            n += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_kept() {
        assert_eq!(slugify("git_status"), "git_status");
        assert_eq!(slugify("search-actors"), "search-actors");
    }

    #[test]
    fn unsafe_names_are_hashed() {
        for name in [
            "../etc/passwd",
            "a/b",
            "a\\b",
            "nul",
            "Create",
            "\u{202e}x",
            "",
            "💥",
        ] {
            let s = slugify(name);
            assert!(
                s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'),
                "{s}"
            );
            assert!(s.len() > 8, "{name:?} -> {s}");
        }
        assert_ne!(slugify("Create"), slugify("create"));
    }

    #[test]
    fn duplicates_get_numbered_stably() {
        let a = assign(&[("x", "2"), ("x", "1"), ("x-2", "0")]);
        assert_eq!(a, ["x-3", "x", "x-2"]);
        let b = assign(&[("x-2", "0"), ("x", "1"), ("x", "2")]);
        assert_eq!(b, ["x-2", "x", "x-3"]);
    }
}
