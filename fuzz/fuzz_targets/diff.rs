//! `check`/`diff` comparison of two arbitrary inputs (split at the first NUL byte).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Some(split) = data.iter().position(|b| *b == 0) else {
        return;
    };
    let (Ok(a), Ok(b)) = (
        std::str::from_utf8(&data[..split]),
        std::str::from_utf8(&data[split + 1..]),
    ) else {
        return;
    };
    let naming = toolcat::ingest::Naming {
        server: Some("s".into()),
        package: None,
    };
    let parse = |t: &str| {
        toolcat::ingest::parse_text(t, Path::new("fuzz.json"), &naming)
            .ok()
            .map(|(s, _)| s)
    };
    let (Some(old), Some(new)) = (parse(a), parse(b)) else {
        return;
    };
    let classifier = toolcat::classify::Classifier::plain();
    for f in toolcat::check::compare(Some(&old), &new, &classifier) {
        assert!(!f.message.is_empty());
    }
});
