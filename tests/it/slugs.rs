//! Slugs are safe path segments, unique within a set, and independent of input order.

use proptest::prelude::*;
use std::collections::BTreeSet;
use toolcat::slug::{assign, slugify};

fn safe(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 80
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && s != "."
        && s != ".."
}

proptest! {
    #[test]
    fn any_name_gives_a_safe_slug(name in any::<String>()) {
        let s = slugify(&name);
        prop_assert!(safe(&s), "{:?} -> {:?}", name, s);
    }

    #[test]
    fn hostile_names_give_safe_slugs(name in "(\\.\\./|/|\\\\|\u{0}|\u{202e}|[A-Z]|[a-z]|💥|\\.){0,40}") {
        prop_assert!(safe(&slugify(&name)));
    }

    #[test]
    fn a_set_of_names_gets_distinct_slugs_in_any_order(
        names in proptest::collection::vec("[a-zA-Z_./ -]{0,6}", 1..40),
        seed in any::<u64>(),
    ) {
        let keys: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "")).collect();
        let slugs = assign(&keys);
        let distinct: BTreeSet<&String> = slugs.iter().collect();
        prop_assert_eq!(distinct.len(), slugs.len(), "{:?} -> {:?}", names, slugs);
        prop_assert!(slugs.iter().all(|s| safe(s)));
        // Shuffle deterministically and compare the multiset of (name, slug) pairs.
        let mut order: Vec<usize> = (0..names.len()).collect();
        let mut x = seed | 1;
        for i in (1..order.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            order.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let shuffled: Vec<(&str, &str)> = order.iter().map(|&i| keys[i]).collect();
        let again = assign(&shuffled);
        let mut a: Vec<(&str, &String)> = keys.iter().map(|k| k.0).zip(&slugs).collect();
        let mut b: Vec<(&str, &String)> = shuffled.iter().map(|k| k.0).zip(&again).collect();
        a.sort(); b.sort();
        prop_assert_eq!(a, b);
    }
}

#[test]
fn a_ten_kilobyte_name_is_bounded() {
    let name = "a".repeat(10_000);
    let s = slugify(&name);
    assert!(s.len() <= 80, "{}", s.len());
    assert_ne!(s, slugify(&"a".repeat(9_999)));
}

#[test]
fn names_differing_only_by_case_do_not_collide() {
    let slugs = assign(&[("Deploy", ""), ("deploy", ""), ("DEPLOY", "")]);
    let lower: BTreeSet<String> = slugs.iter().map(|s| s.to_lowercase()).collect();
    assert_eq!(lower.len(), 3, "{slugs:?}");
}
