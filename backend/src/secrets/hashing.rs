//! Where password hashes run: a few threads of their own, fed by a queue.
//!
//! Each argon2id run takes 19 MiB. A semaphore in front of tokio's blocking pool bounds how
//! many run at once, but not the memory: the pool has up to hundreds of threads, and each
//! thread's allocator arena keeps the block of its last hash, so a burst of sign-ins leaves
//! hundreds of MiB behind (measured: 500 MiB after 300 sign-ins with two at a time). A fixed
//! set of threads bounds both; sign-ins beyond it wait in the queue, holding only their
//! request. Written here because tokio offers no blocking pool of a fixed size per task kind.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads. Dropping the last handle lets them finish their jobs and end.
pub struct HashingPool {
    jobs: Mutex<mpsc::Sender<Job>>,
    /// Jobs queued or running, and the most that may be.
    waiting: Arc<AtomicUsize>,
    most: usize,
}

#[derive(Debug, thiserror::Error)]
#[error("the password hashing threads have stopped")]
pub struct HashingStopped;

/// Why a hash was not run.
#[derive(Debug, thiserror::Error)]
pub enum HashingRefused {
    /// The queue is full: a burst of sign-ins is waiting already.
    #[error("the password hashing queue is full")]
    Busy,
    #[error(transparent)]
    Stopped(#[from] HashingStopped),
}

/// Jobs that may wait per hashing thread: about a second of hashing, in release.
const WAITING_PER_THREAD: usize = 32;

impl HashingPool {
    /// Starts `threads` hashing threads (at least one).
    pub fn new(threads: usize) -> std::io::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads.max(1) {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || {
                    loop {
                        // The lock is held only to take the next job, not to run it.
                        let job = queue
                            .lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner())
                            .recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })?;
        }
        Ok(Self {
            jobs: Mutex::new(jobs),
            waiting: Arc::default(),
            most: threads.max(1) * WAITING_PER_THREAD,
        })
    }

    /// Runs `work` on a hashing thread, when one is free, and returns its result; refused at
    /// once when the queue is full, so that a flood of sign-ins cannot queue work for minutes.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashingRefused> {
        let most = self.most;
        if self
            .waiting
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < most).then_some(n + 1)
            })
            .is_err()
        {
            return Err(HashingRefused::Busy);
        }
        let waiting = self.waiting.clone();
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
            waiting.fetch_sub(1, Ordering::SeqCst);
        });
        let sent = self
            .jobs
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .send(job);
        if sent.is_err() {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(HashingStopped.into());
        }
        Ok(result.await.map_err(|_| HashingStopped)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn no_more_jobs_run_at_once_than_there_are_threads() {
        let pool = Arc::new(HashingPool::new(2).expect("threads"));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs = (0..20).map(|n| {
            let (pool, running, most) = (pool.clone(), running.clone(), most.clone());
            async move {
                pool.run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    running.fetch_sub(1, Ordering::SeqCst);
                    n * 2
                })
                .await
            }
        });
        let results = futures::future::join_all(jobs).await;
        assert_eq!(
            results.into_iter().map(Result::unwrap).sum::<usize>(),
            (0..20).map(|n| n * 2).sum::<usize>()
        );
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_full_queue_refuses_at_once() {
        let pool = HashingPool::new(1).expect("threads");
        let jobs = (0..WAITING_PER_THREAD + 8)
            .map(|_| pool.run(|| std::thread::sleep(std::time::Duration::from_millis(20))));
        let results = futures::future::join_all(jobs).await;
        let busy = results
            .iter()
            .filter(|result| matches!(result, Err(HashingRefused::Busy)))
            .count();
        assert_eq!(busy, 8, "the ones beyond the queue's room");
        assert!(pool.run(|| 1).await.is_ok(), "room again once it drained");
    }
}
