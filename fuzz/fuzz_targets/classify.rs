//! Classification of arbitrary tools (read as `ingest` reads them): a verdict with
//! evidence, the same twice, and a policy decision.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|text: &str| {
    let naming = toolcat::ingest::Naming::default();
    let Ok((server, _)) = toolcat::ingest::parse_text(text, Path::new("fuzz.json"), &naming) else {
        return;
    };
    for tool in &server.tools {
        let v = toolcat::classify::classify(tool);
        assert!(!v.evidence.is_empty());
        assert_eq!(v, toolcat::classify::classify(tool));
        let _ = toolcat::policy::decide(tool, &v, &toolcat::policy::Options::default());
    }
    let p = toolcat::policy::for_server(
        &server,
        &toolcat::classify::classify_batch(&server.tools),
        &toolcat::policy::Options::default(),
    );
    let yaml = toolcat::policy::render(&p, toolcat::policy::Dialect::Intercept);
    assert!(toolcat::policy::check::check(&yaml).is_empty(), "{yaml}");
});
