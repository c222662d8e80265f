//! The boundary around third-party parsers: a panic becomes an error, and a parser that runs past
//! its time limit is abandoned.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use crate::{ExtractError, Result};

/// Stack of a parser thread: deep enough for nested documents, bounded so that runaway
/// recursion is not the process's main stack.
const PARSER_STACK: usize = 64 << 20;

/// Parser threads abandoned past their time limit that have not ended yet (in this process).
static RUNAWAY: AtomicUsize = AtomicUsize::new(0);

/// Most abandoned parser threads left running before new parsers are refused: each may hold a
/// processor, and a few hostile files must not take every one of them from the people
/// searching and reading (the process's other work).
pub const MAX_RUNAWAY: usize = 2;

/// Parser threads abandoned past their time limit and still running, in this process.
#[cfg(test)]
fn runaway_parsers() -> usize {
    RUNAWAY.load(Ordering::SeqCst)
}

/// Runs `work` on its own thread: a panic becomes [`ExtractError::Panicked`], and if no answer
/// comes within `timeout`, [`ExtractError::Timeout`]. A timed-out thread cannot be stopped from
/// outside; it is detached and its result dropped, so the caller moves on (the limit protects the
/// pipeline's progress, the CPU is freed when the parser ends). While [`MAX_RUNAWAY`] such
/// threads still run, no new parser starts: the item fails with [`ExtractError::Busy`], to be
/// retried later.
pub fn guarded<T: Send + 'static>(
    format: &'static str,
    timeout: Duration,
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    if RUNAWAY.load(Ordering::SeqCst) >= MAX_RUNAWAY {
        return Err(ExtractError::Busy { format });
    }
    let (tx, rx) = mpsc::sync_channel(1);
    // Set by the caller when it stops waiting; the thread then counts itself out when it ends.
    let abandoned = Arc::new(AtomicBool::new(false));
    let left_behind = Arc::clone(&abandoned);
    let spawned = std::thread::Builder::new()
        .name(format!("extract-{format}"))
        .stack_size(PARSER_STACK)
        .spawn(move || {
            let outcome = catch_unwind(AssertUnwindSafe(work));
            let _ = tx.send(outcome);
            // `swap` pairs with the caller's: exactly one of the two sees the other's mark, so
            // a thread that ends as it is abandoned is counted in and out once.
            if left_behind.swap(true, Ordering::SeqCst) {
                RUNAWAY.fetch_sub(1, Ordering::SeqCst);
            }
        });
    if let Err(e) = spawned {
        return Err(ExtractError::Tool {
            tool: "thread",
            detail: format!("cannot start a parser thread: {e}"),
        });
    }
    match rx.recv_timeout(timeout) {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => {
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(ExtractError::Panicked { format, detail })
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            // Counted in before the mark, so the thread's count out never comes first.
            RUNAWAY.fetch_add(1, Ordering::SeqCst);
            if abandoned.swap(true, Ordering::SeqCst) {
                // It ended meanwhile: not a runaway.
                RUNAWAY.fetch_sub(1, Ordering::SeqCst);
            }
            Err(ExtractError::Timeout {
                format,
                seconds: timeout.as_secs(),
            })
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(ExtractError::Panicked {
            format,
            detail: "the parser thread ended without an answer".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_and_timeouts_become_errors() {
        let e = guarded::<()>("test", Duration::from_secs(5), || panic!("boom")).unwrap_err();
        assert!(
            matches!(e, ExtractError::Panicked { ref detail, .. } if detail == "boom"),
            "{e}"
        );
        let e = guarded::<()>("test", Duration::from_millis(50), || {
            std::thread::sleep(Duration::from_secs(2));
            Ok(())
        })
        .unwrap_err();
        assert!(matches!(e, ExtractError::Timeout { .. }), "{e}");
        assert_eq!(
            guarded("test", Duration::from_secs(5), || Ok(7)).unwrap(),
            7
        );
        wait_for_no_runaway();

        // Parsers left running past their limit: past `MAX_RUNAWAY` of them, no new parser
        // starts until they end.
        let release = Arc::new(AtomicBool::new(false));
        for _ in 0..MAX_RUNAWAY {
            let release = Arc::clone(&release);
            let e = guarded::<()>("test", Duration::from_millis(20), move || {
                while !release.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Ok(())
            })
            .unwrap_err();
            assert!(matches!(e, ExtractError::Timeout { .. }), "{e}");
        }
        assert_eq!(runaway_parsers(), MAX_RUNAWAY);
        let e = guarded("test", Duration::from_secs(5), || Ok(7)).unwrap_err();
        assert!(matches!(e, ExtractError::Busy { .. }), "{e}");
        assert!(e.to_string().contains("--retry-failed"), "{e}");
        // Nor how many of others' files misbehave.
        assert!(!e.to_string().chars().any(|c| c.is_ascii_digit()), "{e}");
        release.store(true, Ordering::SeqCst);
        wait_for_no_runaway();
        assert_eq!(
            guarded("test", Duration::from_secs(5), || Ok(7)).unwrap(),
            7
        );
    }

    fn wait_for_no_runaway() {
        let started = std::time::Instant::now();
        while runaway_parsers() > 0 {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "abandoned parsers are never counted out"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
