//! The boundary around third-party parsers: a panic becomes an error, and a parser that runs past
//! its time limit is abandoned.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::Duration;

use crate::{ExtractError, Result};

/// Stack of a parser thread: deep enough for nested documents, bounded so that runaway
/// recursion is not the process's main stack.
const PARSER_STACK: usize = 64 << 20;

/// Runs `work` on its own thread: a panic becomes [`ExtractError::Panicked`], and if no answer
/// comes within `timeout`, [`ExtractError::Timeout`]. A timed-out thread cannot be stopped from
/// outside; it is detached and its result dropped, so the caller moves on (the limit protects the
/// pipeline's progress, the CPU is freed when the parser ends).
pub fn guarded<T: Send + 'static>(
    format: &'static str,
    timeout: Duration,
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    let (tx, rx) = mpsc::sync_channel(1);
    let spawned = std::thread::Builder::new()
        .name(format!("extract-{format}"))
        .stack_size(PARSER_STACK)
        .spawn(move || {
            let outcome = catch_unwind(AssertUnwindSafe(work));
            let _ = tx.send(outcome);
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
        Err(mpsc::RecvTimeoutError::Timeout) => Err(ExtractError::Timeout {
            format,
            seconds: timeout.as_secs(),
        }),
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
    }
}
