//! Every assertion the library offers a client's test suite points at the caller's line
//! when it fails (`#[track_caller]`), not into the library. One test in its own binary:
//! the panic hook it sets is process-wide.

use relation_contract::assert::{assert_request_valid, assert_valid};
use relation_contract::diff::{assert_golden, Options};
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
    let calls: Vec<(u32, Box<dyn Fn() + std::panic::RefUnwindSafe>)> = vec![
        (line!(), Box::new(|| assert_valid("not xml"))),
        (line!(), Box::new(|| assert_request_valid("<a/>"))),
        (
            line!(),
            Box::new(move || assert_golden("<a/>", &missing, &Options::exact())),
        ),
    ];
    let mut expected = Vec::new();
    for (line, call) in &calls {
        assert!(
            std::panic::catch_unwind(call).is_err(),
            "the call at line {line} fails"
        );
        expected.push((file!().to_string(), *line));
    }
    std::panic::set_hook(previous);
    assert_eq!(*at.lock().unwrap(), expected);
}
