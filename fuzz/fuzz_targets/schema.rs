//! Input split at the first NUL byte (or the first `\n---\n` line) into a schema (JSON) and
//! an instance (YAML). The schema is compiled with `Schema::load` reading from memory (the
//! schema may `$ref` `other.json`, which is the schema text itself, so cycles are reachable),
//! and the instance is validated against it.
#![no_main]

use docsteward::document::yaml;
use docsteward::schema::Schema;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (schema, instance) = split(data);
    let schema_bytes = schema.to_vec();
    let read = move |p: &str| match p {
        "schemas/root.json" | "schemas/other.json" => Some(schema_bytes.clone()),
        "schemas/root.yaml" => Some(schema_bytes.clone()),
        _ => None,
    };
    let Ok(instance_text) = std::str::from_utf8(instance) else {
        return;
    };
    let instance = match yaml::parse_value(instance_text) {
        Ok(node) => node.to_json(),
        Err(_) => serde_json::Value::Null,
    };
    for path in ["schemas/root.json", "schemas/root.yaml"] {
        if let Ok(schema) = Schema::load(path, &read) {
            let _ = schema.validator().is_valid(&instance);
            for error in schema.validator().iter_errors(&instance).take(32) {
                let _ = error.to_string();
            }
        }
    }
});

fn split(data: &[u8]) -> (&[u8], &[u8]) {
    if let Some(i) = data.iter().position(|&b| b == 0) {
        return (&data[..i], &data[i + 1..]);
    }
    let sep = b"\n---\n";
    if let Some(i) = data.windows(sep.len()).position(|w| w == sep) {
        return (&data[..i], &data[i + sep.len()..]);
    }
    (data, b"{}")
}
