//! Markdown rendering and sanitizing: no raw tag or dangerous link ever comes out.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let html = toolcat::markdown::to_html(text);
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script",
        "<img",
        "<iframe",
        "<style",
        "javascript:",
        "<svg",
        " onerror",
        " onload",
    ] {
        if lower.contains(bad) {
            // Only escaped text may carry these words: never inside a tag or an href.
            assert!(
                !lower.contains(&format!("href=\"{bad}")) && !bad.starts_with('<'),
                "{bad} in {html}"
            );
        }
    }
    assert!(
        toolcat::markdown::find_invisible(&html).is_none(),
        "invisible characters are shown"
    );
    let _ = toolcat::markdown::summary(text, 200);
});
