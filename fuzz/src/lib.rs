//! What every fuzz target shares: a memory limit that works without a sanitizer.
//!
//! libFuzzer's `-malloc_limit_mb` relies on AddressSanitizer's malloc hooks and does nothing
//! without them, and ASan makes the key derivations four times slower, so that `-timeout=1`
//! would measure ASan rather than the inspector (a file at the work budget takes 2.5 s under
//! ASan, 0.7 s without). The targets therefore run without a sanitizer (the inspector has no
//! unsafe code) and this allocator keeps the limit instead: it counts every allocation of the
//! code under test, and one that would take the total past the limit fails, which aborts the
//! process; libFuzzer reports that as a crash and saves the input.

use cap::Cap;
use std::alloc::System;

/// The most the code under test may hold at once, every allocation together.
pub const MEMORY_LIMIT: usize = 64 * 1024 * 1024;

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, MEMORY_LIMIT);
