//! Bytes (as UTF-8) -> `Settings::load`, as a `docsteward.toml` at the repository root with no
//! schema files readable. Errors are fine; panics, hangs and runaway memory are not.
#![no_main]

use docsteward::config::Settings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Settings::load(text, "docsteward.toml", "", &|_| None) {
        Ok(settings) => {
            // Exercise what a run asks the settings for.
            for path in ["README.md", "docs/a.md", "glossary/x.markdown", "a/b/c.png"] {
                let _ = settings.is_document(path);
                let _ = settings.content_type(path);
            }
        }
        Err(e) => {
            // Rendering the error (with its snippet) must not panic either.
            let _ = docsteward::report::human::render_error(&e, false);
        }
    }
});
