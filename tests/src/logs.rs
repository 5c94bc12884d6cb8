//! Captures the tracing output of the whole test binary, so tests can check that no secret
//! ever reaches a log line.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use tracing_subscriber::fmt::MakeWriter;

static CAPTURED: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Installs the capturing subscriber (once per test binary): everything at debug level and
/// above, certportal's own events at trace level.
pub fn install() {
    CAPTURED.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let filter = tracing_subscriber::EnvFilter::new("debug,certportal=trace");
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(Capture(buffer.clone()))
            .with_ansi(false)
            .try_init();
        buffer
    });
}

/// Everything logged so far in this test binary.
pub fn captured() -> String {
    let buffer = CAPTURED
        .get()
        .map(|b| b.lock().unwrap_or_else(|p| p.into_inner()).clone())
        .unwrap_or_default();
    String::from_utf8_lossy(&buffer).into_owned()
}
