//! The Intercept policy checker on arbitrary text: problems, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for p in toolcat::policy::check::check(text) {
        assert!(p.at.line >= 1);
    }
});
