//! The one doubling measurement behind every linear-time test: cost is proved linear by
//! timing an input and one twice its size and comparing the times, never by an absolute
//! bound.
//!
//! A busy machine only makes a run slower, so each size is timed several times, the two
//! sizes interleaved, and the best time of each kept; a process-wide lock keeps two
//! measurements of one test binary from loading each other. A ratio over the bound is
//! measured again (up to three rounds): noise comes and goes, a quadratic cost stays near 4.

use std::sync::Mutex;
use std::time::Instant;

/// The bound on t(2n)/t(n): linear work gives about 2, quadratic about 4.
pub const MAX_RATIO: f64 = 3.5;

static LOCK: Mutex<()> = Mutex::new(());

/// The best times (seconds) of `run` on `small` and on `large`, interleaved, `tries` each.
pub fn best_times<I: ?Sized>(
    small: &I,
    large: &I,
    tries: usize,
    mut run: impl FnMut(&I),
) -> (f64, f64) {
    let _guard = LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut time = |input: &I| {
        let start = Instant::now();
        run(input);
        start.elapsed().as_secs_f64()
    };
    let (mut s, mut l) = (f64::INFINITY, f64::INFINITY);
    for _ in 0..tries.max(1) {
        s = s.min(time(small));
        l = l.min(time(large));
    }
    (s, l)
}

/// Panics unless `run` costs linear time from `small` to `large` (twice its size): the best
/// ratio of up to three rounds of three tries each must stay under [`MAX_RATIO`]. Returns
/// the ratio, for the test's own report.
pub fn assert_linear<I: ?Sized>(what: &str, small: &I, large: &I, mut run: impl FnMut(&I)) -> f64 {
    let mut seen = Vec::new();
    for _ in 0..3 {
        let (s, l) = best_times(small, large, 3, &mut run);
        let ratio = l / s.max(1e-9);
        if ratio < MAX_RATIO {
            return ratio;
        }
        seen.push(format!("{s:.4}s -> {l:.4}s ({ratio:.2})"));
    }
    panic!(
        "{what}: t(2n)/t(n) stays over {MAX_RATIO}: {}",
        seen.join(", ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn work(n: &usize) {
        let mut x = 0u64;
        for i in 0..*n as u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
    }

    #[test]
    fn linear_work_passes_and_quadratic_work_fails() {
        let r = assert_linear("a loop", &2_000_000usize, &4_000_000usize, work);
        assert!(r > 1.0 && r < MAX_RATIO, "{r}");
        // Cubic work (t(2n)/t(n) about 8): far over the bound whatever the machine's load,
        // so the harness must refuse it in every round.
        let cubic = std::panic::catch_unwind(|| {
            assert_linear("a nested loop", &200usize, &400usize, |n| {
                for _ in 0..*n * *n {
                    work(n);
                }
            })
        });
        assert!(cubic.is_err());
    }
}
