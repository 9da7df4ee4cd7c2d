//! Schema walking: deep nesting, $ref cycles, huge enums, any keyword.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let params = toolcat::schema::params(Some(&value));
    assert!(params.params.len() <= toolcat::schema::MAX_PARAMS);
    for p in &params.params {
        let _ = (p.ty(), p.enum_values(), params.name(p), params.pointer(p));
    }
});
