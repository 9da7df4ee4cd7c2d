//! Every input shape `ingest` accepts, from arbitrary bytes: an error or a server, never a
//! panic, and a server that survives the catalogue's own round trip.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let naming = toolcat::ingest::Naming::default();
    if let Ok((server, _)) = toolcat::ingest::parse_text(text, Path::new("fuzz.json"), &naming) {
        let json = toolcat::catalog::to_json(&server);
        let again = toolcat::ingest::parse_text(&json, Path::new("fuzz.json"), &naming);
        assert!(again.is_ok(), "a written catalogue file reads back");
    }
});
