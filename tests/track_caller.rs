//! Every assertion the library offers a client's test suite points at the caller's line
//! when it fails (`#[track_caller]`), not into the library. One test in its own binary:
//! the panic hook it sets is process-wide.

use relation_contract::assert::{assert_request_valid, assert_valid};
use relation_contract::diff::{assert_golden, assert_golden_file, Options};
use std::sync::{Arc, Mutex};

#[test]
fn a_failing_assertion_points_at_the_line_that_called_it() {
    let at: Arc<Mutex<Vec<(String, u32)>>> = Arc::default();
    let seen = at.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Some(l) = info.location() {
            seen.lock().unwrap().push((l.file().to_string(), l.line()));
        }
    }));
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.golden.xml");
    let (no_capture, golden) = (dir.path().join("no-capture.xml"), dir.path().join("g.xml"));
    let calls: Vec<Box<dyn Fn() + std::panic::RefUnwindSafe>> = vec![
        Box::new(|| assert_valid("not xml")),
        Box::new(|| assert_request_valid("<a/>")),
        Box::new(move || assert_golden("<a/>", &missing, &Options::exact())),
        Box::new(move || assert_golden_file(&no_capture, &golden, &Options::exact())),
    ];
    for (i, call) in calls.iter().enumerate() {
        assert!(std::panic::catch_unwind(call).is_err(), "call {i} fails");
    }
    std::panic::set_hook(previous);
    let at = at.lock().unwrap();
    assert_eq!(at.len(), calls.len(), "{at:?}");
    // Each panic is placed in this file (at the closure's call), none in the library.
    for (file, line) in at.iter() {
        assert_eq!(file, file!(), "line {line}");
    }
}
