//! Front matter that multiplies memory through YAML anchors and aliases. Expansion is bounded
//! in bytes, and an anchor's value is shared, never copied: a counting allocator measures
//! what parsing one document allocates at its peak.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use docsteward::document::{yaml, Document, Value};

/// Counts the bytes each thread holds, and the most it held.
struct Counting;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

/// A thread holding more than this is refused memory, which aborts the test binary: a
/// regression fails here instead of taking the machine's memory (unbounded, the alias case
/// took 2 GB).
const CAP: isize = 1 << 30;

fn grow(bytes: usize) -> bool {
    let bytes = isize::try_from(bytes).unwrap_or(isize::MAX);
    LIVE.try_with(|live| {
        let now = live.get().saturating_add(bytes);
        if now > CAP {
            return false;
        }
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
        true
    })
    .unwrap_or(true)
}

fn shrink(bytes: usize) {
    let bytes = isize::try_from(bytes).unwrap_or(isize::MAX);
    let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(bytes)));
}

// SAFETY: every call is passed on to the system allocator unchanged; the counters are
// thread-local cells that never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !grow(layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's layout, passed on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !grow(layout.size()) {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's layout, passed on.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        shrink(layout.size());
        // SAFETY: `ptr` came from this allocator, which is the system's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !grow(new_size) {
            return std::ptr::null_mut();
        }
        // SAFETY: `ptr` came from this allocator, which is the system's.
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        shrink(if moved.is_null() {
            new_size
        } else {
            layout.size()
        });
        moved
    }
}

/// Runs `f` and returns its result with the most memory this thread held meanwhile, beyond
/// what it held before.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let out = f();
    let peak = PEAK.with(Cell::get) - base;
    (out, usize::try_from(peak).unwrap_or(0))
}

const MIB: usize = 1024 * 1024;

#[test]
fn aliases_of_a_large_value_stop_at_the_byte_budget() {
    // One 100,000-byte string and 20,000 aliases of it: 2 GB once expanded, from a 180 KB
    // block that is within the front matter size limit.
    let big = "x".repeat(100_000);
    let aliases = vec!["*a"; 20_000].join(", ");
    let text = format!("---\nbig: &a \"{big}\"\nlist: [{aliases}]\n---\n# A\n");
    assert!(text.len() < 256 * 1024);
    let (doc, peak) = peak_of(|| Document::parse("a.md", text.as_bytes()));
    let errors = &doc.front_matter_errors;
    assert_eq!(errors.len(), 1, "{errors:?}");
    let message = &errors[0].message;
    assert!(
        message.contains(&format!(
            "expands to more than {} bytes",
            yaml::MAX_EXPANDED_BYTES
        )),
        "{message}"
    );
    // Keys and values count their bytes: `big` and its value and `list` come first, then
    // 100,000 bytes per alias. The parse stops at the alias that crosses the budget, not at
    // the end of the list.
    let written = 3 + 100_000 + 4;
    let crossing = (yaml::MAX_EXPANDED_BYTES - written) / 100_000 + 1;
    let at = errors[0].span.start;
    assert_eq!(&text[at..at + 2], "*a");
    assert_eq!(text[..at].matches("*a").count() + 1, crossing);
    assert!(doc.data().is_none());
    assert!(peak < 32 * MIB, "parsing took {} MiB", peak / MIB);
}

#[test]
fn nested_anchors_share_their_values_instead_of_copying_them() {
    // 126 anchors nested around 80,000 scalars, and no alias: copied at each anchor, the
    // scalars were stored 126 times over (800 MB).
    let mut yaml = String::from("nest: ");
    for level in 0..126 {
        yaml.push_str(&format!("&n{level} ["));
    }
    yaml.push_str(&vec!["x"; 80_000].join(","));
    yaml.push_str(&"]".repeat(126));
    let text = format!("---\n{yaml}\n---\n# A\n");
    assert!(text.len() < 256 * 1024);
    let (doc, peak) = peak_of(|| Document::parse("a.md", text.as_bytes()));
    assert!(
        doc.front_matter_errors.is_empty(),
        "{:?}",
        doc.front_matter_errors
    );
    let mut node = &doc.data().expect("parsed").get("nest").expect("nest").value;
    for _ in 1..126 {
        let Value::Seq(items) = &node.value else {
            panic!("a list")
        };
        assert_eq!(items.len(), 1);
        node = &items[0];
    }
    let Value::Seq(items) = &node.value else {
        panic!("a list")
    };
    assert_eq!(items.len(), 80_000);
    assert!(peak < 64 * MIB, "parsing took {} MiB", peak / MIB);
}

#[test]
fn aliases_share_their_anchor_within_the_budget() {
    // Under the budget, an alias reads as its anchor's value, wherever it is written.
    let text = "---\nbase: &b {name: x, tags: [a, b]}\ncopy: *b\n---\n";
    let doc = Document::parse("a.md", text.as_bytes());
    assert!(doc.front_matter_errors.is_empty());
    let data = doc.data().expect("parsed");
    let (base, copy) = (data.get("base").unwrap(), data.get("copy").unwrap());
    assert_eq!(base.value.value, copy.value.value);
    assert_eq!(&text[copy.value.span.clone()], "*b");
    assert_eq!(
        copy.value.to_json(),
        serde_json::json!({"name": "x", "tags": ["a", "b"]})
    );
}
