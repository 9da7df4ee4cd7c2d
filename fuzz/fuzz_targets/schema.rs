//! Schema walking: deep nesting, $ref cycles, huge enums, any keyword. The flat document
//! the walk reads must also write out, and find pointers, exactly as the `Value` it came from.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let schema = toolcat::json::Json::from(&value);
    assert_eq!(
        serde_json::to_string(&schema).unwrap(),
        serde_json::to_string(&value).unwrap()
    );
    assert_eq!(schema.to_value(), value);
    let params = toolcat::schema::params(Some(&schema));
    assert!(params.params.len() <= toolcat::schema::MAX_PARAMS);
    for p in &params.params {
        let pointer = params.pointer(p);
        let _ = (p.ty(), p.enum_values(), params.name(p));
        assert_eq!(
            schema.root().pointer(&pointer).map(|r| r.to_value()),
            value.pointer(&pointer).cloned(),
            "{pointer}"
        );
    }
});
