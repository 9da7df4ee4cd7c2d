//! Ctrl-C (and `kill`) during a build: the build stops at the next file and cleans up as
//! it does after any failure (a full build removes its staging directory and keeps the
//! previous site; an incremental one stopped before it writes leaves the site and its
//! state as they were, and one stopped while writing says the site may be partly
//! updated), and the program exits with status 130. Without [`catch`], a signal ends the
//! process at once and leaves a staging directory behind. `ingest` and `policy --all`
//! catch them too while they write their temporary files, and then write nothing.

use std::sync::atomic::{AtomicBool, Ordering};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The error a build stopped by a signal returns.
#[derive(Debug)]
pub struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

/// From now on, SIGINT, SIGTERM and SIGHUP only set a flag that [`check`] reads. Only a
/// command that calls [`check`] often (a build) should call this: any other would no
/// longer stop on Ctrl-C. (A handler cannot be taken back: `signal-hook` leaves the signal
/// ignored once its action is removed.)
pub fn catch() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            // Without the handler a signal ends the build at once, as before.
            let _ = signal_hook::flag::register(signal, &INTERRUPTED);
        }
    });
}

/// `Err(Interrupted)` once a caught signal has arrived.
pub fn check() -> Result<(), Interrupted> {
    if INTERRUPTED.load(Ordering::Relaxed) {
        Err(Interrupted)
    } else {
        Ok(())
    }
}

/// Whether an error chain holds [`Interrupted`].
pub fn is_interrupted(e: &anyhow::Error) -> bool {
    e.chain().any(<dyn std::error::Error>::is::<Interrupted>)
}
