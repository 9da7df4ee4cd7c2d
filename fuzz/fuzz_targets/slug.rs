//! Slugs are safe path segments and distinct within a set.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|names: Vec<String>| {
    for n in &names {
        let s = toolcat::slug::slugify(n);
        assert!(!s.is_empty() && s != "." && s != "..");
        assert!(
            s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'),
            "{s}"
        );
    }
    let keys: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "fp")).collect();
    let slugs = toolcat::slug::assign(&keys);
    let unique: std::collections::BTreeSet<&String> = slugs.iter().collect();
    assert_eq!(unique.len(), slugs.len());
});
