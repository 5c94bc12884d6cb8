//! SQLite's writer thread: the collect flow's writes and reads and the dispatcher's, each
//! whole transaction in one hop.
//!
//! sqlx runs every SQLite statement on its connection's own thread and hands each one there
//! and back; a collect request's transaction of eight statements made sixteen thread switches,
//! and under load the portal spent most of its time switching. A [`Job`] sent here runs all its
//! statements on this thread, on a connection of its own, with SQLite's prepared statements
//! cached, and answers once. Jobs queued together commit together (a group commit), each in
//! a savepoint of its own, so that one job's refusal or failure undoes only its own work. The
//! jobs queue on one channel, so they need no lock among themselves; they take the process's
//! writer turn (`SqlStore::writer`) only to keep out the writes that still go through sqlx.

use super::tx::{Ends, Job, LiteRow, Row, Tx};
use super::{Backend, StoreError, StoreResult};
use crate::store::sql::binds::Bind;
use rusqlite::{Connection, OpenFlags};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::{Arc, mpsc};

/// Jobs run in one transaction, at most: a queue drains in few commits (each commit writes
/// every page its jobs touched to the log once, however many jobs touched it), and a write
/// through sqlx waits for one such transaction at most.
const JOBS_PER_COMMIT: usize = 32;

/// Statements kept prepared: every statement the jobs run, with room to spare.
const CACHED_STATEMENTS: usize = 128;

/// The writer's page cache: the pages a flow touches stay in memory between its requests.
const WRITER_CACHE_KIB: u32 = 16 * 1024;

/// How long a fold waits for readers of old snapshots, and how long a write waits for the
/// CLI (another process) to finish its own (as `busy_timeout` in the pragmas).
const FOLD_WAIT_MS: u64 = 200;
const BUSY_WAIT_MS: u64 = 5000;

/// How often, at most, the checkpoint thread copies the log back while writes go on.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// A job on its way through the thread: run in the open transaction, answered after the commit.
trait Work: Send {
    fn run(&mut self, connection: &mut Connection);
    /// Answers the caller: the job's outcome if the transaction committed, else why not.
    fn answer(self: Box<Self>, committed: &Result<(), String>);
}

struct Queued<J: Job> {
    job: Option<J>,
    outcome: Option<StoreResult<J::Output>>,
    answer: tokio::sync::oneshot::Sender<StoreResult<J::Output>>,
}

impl<J: Job> Work for Queued<J> {
    /// Runs the job in a savepoint of its own: a job that refuses or fails rolls back only its
    /// own statements. Its future runs to its end at once: every statement it awaits is done
    /// when it is polled.
    fn run(&mut self, connection: &mut Connection) {
        let Some(job) = self.job.take() else {
            return;
        };
        if let Err(error) = connection.execute_batch("SAVEPOINT job") {
            self.outcome = Some(Err(error.into()));
            return;
        }
        let ran = futures::executor::block_on(job.run(&mut Lite { connection }));
        let (end, outcome) = match ran {
            Ok(Ends::Commit(output)) => ("RELEASE job", Ok(output)),
            Ok(Ends::Rollback(output)) => ("ROLLBACK TO job; RELEASE job", Ok(output)),
            Err(error) => ("ROLLBACK TO job; RELEASE job", Err(error)),
        };
        self.outcome = Some(match connection.execute_batch(end) {
            Ok(()) => outcome,
            Err(error) => Err(error.into()),
        });
    }

    fn answer(self: Box<Self>, committed: &Result<(), String>) {
        let outcome = match (committed, self.outcome) {
            (Err(why), _) => Err(StoreError::Uncommitted(why.clone())),
            (Ok(()), Some(outcome)) => outcome,
            // It panicked: its caller learns so from the answer dropped unsent.
            (Ok(()), None) => return,
        };
        // A caller that went away leaves its job done and its answer unread, as a request
        // whose client hung up after the commit.
        let _ = self.answer.send(outcome);
    }
}

/// The handle to the thread; the thread ends when the last handle is dropped.
#[derive(Debug)]
pub(super) struct Writer {
    jobs: mpsc::Sender<Task>,
}

/// What the thread is asked to do.
enum Task {
    Job(Box<dyn Work>),
    /// Folds the log into the database and truncates it, between two transactions: `true`
    /// when done, `false` when readers kept it from finishing.
    Fold(tokio::sync::oneshot::Sender<StoreResult<bool>>),
}

impl Writer {
    /// Opens a connection of its own to the database at `path` (migrated already) and starts
    /// its thread.
    pub fn start(
        path: &Path,
        pragmas: &str,
        turn: Arc<tokio::sync::Mutex<()>>,
    ) -> StoreResult<Self> {
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.execute_batch(pragmas)?;
        // The log is copied back into the database by the checkpoint thread, beside the
        // writer, rather than by the writer's commit every thousand pages (a sixth of its
        // time under load, in a stall of every job queued behind it).
        connection.execute_batch(&format!(
            "PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -{WRITER_CACHE_KIB};"
        ))?;
        connection.set_prepared_statement_cache_capacity(CACHED_STATEMENTS);
        let checkpointer = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        checkpointer.execute_batch(pragmas)?;
        let (jobs, queue) = mpsc::channel::<Task>();
        let (wrote, written) = mpsc::sync_channel::<()>(1);
        let spawn = |name: &str, body: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.into())
                .spawn(body)
                .map_err(|error| StoreError::Uncommitted(format!("no {name} thread: {error}")))
        };
        spawn(
            "sqlite-writer",
            Box::new(move || serve(connection, &queue, &turn, &wrote)),
        )?;
        spawn(
            "sqlite-checkpoint",
            Box::new(move || checkpoint(&checkpointer, &written)),
        )?;
        Ok(Self { jobs })
    }

    /// Runs `job` on the thread, and answers once its transaction is committed.
    pub async fn run<J: Job>(&self, job: J) -> StoreResult<J::Output> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let work = Queued {
            job: Some(job),
            outcome: None,
            answer,
        };
        self.jobs
            .send(Task::Job(Box::new(work)))
            .map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }

    /// Folds the log into the database and truncates it, in the writer's turn: no copy of a
    /// wiped secret stays in the log. Done here, between two of the writer's transactions, it
    /// holds the writes up only for the fold itself.
    pub async fn fold(&self) -> StoreResult<bool> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.jobs.send(Task::Fold(answer)).map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }
}

fn stopped() -> StoreError {
    StoreError::Uncommitted("the SQLite writer thread stopped the job".into())
}

/// The thread: takes the process's writer turn, runs what is queued (up to
/// [`JOBS_PER_COMMIT`]) in one transaction, folds the log if asked, hands the turn back,
/// answers.
fn serve(
    mut connection: Connection,
    queue: &mpsc::Receiver<Task>,
    turn: &tokio::sync::Mutex<()>,
    wrote: &mpsc::SyncSender<()>,
) {
    while let Ok(first) = queue.recv() {
        let turn = turn.blocking_lock();
        let mut batch = Vec::new();
        let mut folds = Vec::new();
        let mut next = Some(first);
        while let Some(task) = next.take() {
            match task {
                Task::Job(work) => batch.push(work),
                Task::Fold(answer) => folds.push(answer),
            }
            if batch.len() < JOBS_PER_COMMIT {
                next = queue.try_recv().ok();
            }
        }
        let committed = if batch.is_empty() {
            Ok(())
        } else {
            run_batch(&mut connection, &mut batch)
        };
        // Folds asked for meanwhile share one: it covers every wipe committed before it.
        let folded = (!folds.is_empty()).then(|| fold(&connection));
        drop(turn);
        // Full means the checkpoint thread has a run to do already.
        let _ = wrote.try_send(());
        for work in batch {
            work.answer(&committed);
        }
        for answer in folds {
            let outcome = match &folded {
                Some(Ok(done)) => Ok(*done),
                Some(Err(why)) => Err(StoreError::Uncommitted(why.clone())),
                None => Ok(false),
            };
            let _ = answer.send(outcome);
        }
    }
}

/// A TRUNCATE checkpoint: waits for readers of old snapshots, so give up quickly (`false`)
/// and let the caller try again rather than stall the writes.
fn fold(connection: &Connection) -> Result<bool, String> {
    let set = |ms| connection.busy_timeout(std::time::Duration::from_millis(ms));
    set(FOLD_WAIT_MS).map_err(|error| error.to_string())?;
    let busy = connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| {
        row.get::<_, i64>(0)
    });
    set(BUSY_WAIT_MS).map_err(|error| error.to_string())?;
    busy.map(|busy| busy == 0)
        .map_err(|error| error.to_string())
}

/// The checkpoint thread: after writes, copies the log back into the database without
/// holding writers off (a PASSIVE checkpoint), so that the log restarts from its beginning
/// instead of growing. Ends with the writer.
fn checkpoint(connection: &Connection, written: &mpsc::Receiver<()>) {
    while written.recv().is_ok() {
        if let Err(error) = connection.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!("the SQLite log was not copied back this time: {error}");
        }
        std::thread::sleep(CHECKPOINT_EVERY);
    }
}

fn run_batch(connection: &mut Connection, batch: &mut [Box<dyn Work>]) -> Result<(), String> {
    connection
        .execute_batch("BEGIN IMMEDIATE")
        .map_err(|error| error.to_string())?;
    for work in batch.iter_mut() {
        // A panic in one job must not stop the writes of every other: it is that job's
        // failure, and its statements roll back.
        if std::panic::catch_unwind(AssertUnwindSafe(|| work.run(connection))).is_err() {
            let _ = connection.execute_batch("ROLLBACK TO job; RELEASE job");
        }
        if connection.is_autocommit() {
            // SQLite rolled the whole transaction back (a full disk, an I/O error): what the
            // jobs before did is gone with it.
            return Err("the transaction was rolled back".into());
        }
    }
    connection.execute_batch("COMMIT").map_err(|error| {
        if !connection.is_autocommit() {
            let _ = connection.execute_batch("ROLLBACK");
        }
        error.to_string()
    })
}

/// The writer's connection inside a job's transaction.
struct Lite<'c> {
    connection: &'c mut Connection,
}

/// Binds `args` to `$1`, `$2`, ... as sqlx does: by the number in each placeholder's name, so
/// that one statement text serves both drivers.
fn bind_all(statement: &mut rusqlite::CachedStatement<'_>, args: &[Bind]) -> StoreResult<()> {
    for index in 1..=statement.parameter_count() {
        let value = statement
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|number| number.parse::<usize>().ok())
            .and_then(|number| args.get(number.checked_sub(1)?))
            .ok_or_else(|| StoreError::Corrupt(format!("statement parameter {index} unbound")))?;
        statement.raw_bind_parameter(index, value)?;
    }
    Ok(())
}

impl Tx for Lite<'_> {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn exec(&mut self, sql: &str, args: &[Bind]) -> StoreResult<u64> {
        let mut statement = self.connection.prepare_cached(sql)?;
        bind_all(&mut statement, args)?;
        Ok(statement.raw_execute()? as u64)
    }

    async fn rows(&mut self, sql: &str, args: &[Bind]) -> StoreResult<Vec<Row>> {
        let mut statement = self.connection.prepare_cached(sql)?;
        bind_all(&mut statement, args)?;
        let columns: Arc<[String]> = statement
            .column_names()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let mut rows = statement.raw_query();
        let mut read = Vec::new();
        while let Some(row) = rows.next()? {
            let values = (0..columns.len())
                .map(|at| row.get::<_, rusqlite::types::Value>(at))
                .collect::<Result<Vec<_>, _>>()?;
            read.push(Row::Lite(LiteRow {
                columns: columns.clone(),
                values,
            }));
        }
        Ok(read)
    }
}
