//! Classification of tools whose text is arbitrary, without a JSON file around it: the
//! input is split at NUL into a name, a description, a parameter key, that parameter's
//! description and an enum value. The verdict is made, is the same twice, and a policy is
//! decided from it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let mut parts = text.split('\0');
    let mut next = || parts.next().unwrap_or("").to_string();
    let (name, description, key, param, value) = (next(), next(), next(), next(), next());
    let mut tool = toolcat::model::Tool::named(&name);
    tool.description = Some(description);
    tool.input_schema = Some(serde_json::json!({
        "type": "object",
        "properties": {
            key: {"type": "string", "description": param, "enum": [value, "delete"]},
        },
    }).into());
    let v = toolcat::classify::classify(&tool);
    assert!(!v.evidence.is_empty() || v.rules.is_empty());
    assert_eq!(v, toolcat::classify::classify(&tool));
    let _ = toolcat::policy::decide(&tool, &v, &toolcat::policy::Options::default());
});
