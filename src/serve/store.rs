//! The stub's store of contact relations: in memory, optionally kept in a state file.
//!
//! Durability with `--state FILE`: every change bumps a generation number; one writer task
//! snapshots the store and writes it atomically (temporary file in the same folder, fsync,
//! rename over the old file, fsync of the folder), and a request that changed the store is
//! answered only once a snapshot holding its change is on disk. Concurrent changes share
//! one write (group commit), so durability costs one fsync per burst rather than per save.
//! A kill at any moment leaves either the old file or the new one, never a torn one.
//!
//! A write that fails is not applied: the store goes back to what the file holds (every
//! change since the last good write is undone) and each of those changes is answered with
//! the fault. (A Get in the meantime may have seen one of them, as in a database that reads
//! uncommitted data; no client was told it was saved.)
//!
//! One stub per file: the stub holds an exclusive lock on the state file (each new file is
//! locked before it replaces the old one), so a second stub on the same file refuses to
//! start. At start the stub also writes the file once (refusing a path it cannot write)
//! and removes the temporary files a killed stub left beside it.

use super::{Event, EventSink};
use crate::model::ContactRelationEntity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{oneshot, watch, Notify};

/// The state file's content.
#[derive(Debug, Default, Serialize, Deserialize)]
struct StateFile {
    /// Format version, so a later stub can tell an old file.
    version: u32,
    /// The next RelationId to hand out.
    next_relation_id: i32,
    /// The saved entities, by RelationId order.
    entities: Vec<ContactRelationEntity>,
}

const STATE_VERSION: u32 = 1;

/// Someone waiting for a change to be on disk.
type Waiter = oneshot::Sender<Result<(), DurableError>>;

#[derive(Debug)]
struct Inner {
    next_id: i32,
    entities: BTreeMap<i32, ContactRelationEntity>,
    /// Bumped by every change.
    generation: u64,
    /// The changes not yet on disk, each with its client.
    waiting: Vec<Waiter>,
}

impl Inner {
    fn lock(m: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the map half-changed (every change is
        // one insert or remove), so a poisoned lock is still good to use.
        m.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[derive(Debug)]
struct Persist {
    path: PathBuf,
    wake: Notify,
    /// The state file as last written, open and locked: the lock is the stub's claim.
    held: Mutex<fs::File>,
    /// What the file holds at the start (generation 0), for the writer to take.
    initial: Mutex<Option<OnDisk>>,
}

/// The store. Cheap to share (`Arc` inside).
#[derive(Debug, Clone)]
pub(crate) struct Store {
    inner: Arc<Mutex<Inner>>,
    persist: Option<Arc<Persist>>,
}

/// A change that must be durable before it is acknowledged.
#[must_use]
pub(crate) struct Pending(Option<oneshot::Receiver<Result<(), DurableError>>>);

/// Why a state file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The state file exists but could not be read.
    #[error("{path}: cannot be read: {source}")]
    Read {
        /// The state file's path.
        path: String,
        /// The I/O error.
        source: io::Error,
    },
    #[error(
        "{path}: not a state file of this stub ({why}); move it away or pick another --state FILE"
    )]
    /// The file is not a state file this stub wrote (not its JSON, or another version).
    Corrupt {
        /// The state file's path.
        path: String,
        /// What is wrong with it, in words.
        why: String,
    },
    /// Another stub holds the file's lock.
    #[error("{path}: in use by another stub (it holds the state file's lock); stop that stub or pick another --state FILE")]
    InUse {
        /// The state file's path.
        path: String,
    },
    /// The file could not be locked, or not written where it is.
    #[error("{path}: cannot be kept there: {source}")]
    NotWritable {
        /// The state file's path.
        path: String,
        /// The I/O error.
        source: io::Error,
    },
}

/// Why a change could not be made durable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurableError {
    #[error("the state writer has stopped")]
    WriterStopped,
    #[error("the stub could not write its state file {path}; the change was not made")]
    NotWritten { path: String },
}

/// How often opening and locking is tried when another stub replaces the file meanwhile.
const CLAIM_TRIES: usize = 5;

impl Store {
    /// An empty in-memory store.
    pub(crate) fn memory() -> Store {
        Store {
            inner: Arc::new(Mutex::new(Inner {
                next_id: 1,
                entities: BTreeMap::new(),
                generation: 0,
                waiting: Vec::new(),
            })),
            persist: None,
        }
    }

    /// A store kept in `path`: locked, loaded when the file exists, written once (created
    /// when it does not), its leftover temporary files removed. The writer task is started
    /// by [`Store::run_writer`].
    pub(crate) fn with_state(path: &Path) -> Result<Store, StateError> {
        let shown = path.display().to_string();
        let not_writable = |source| StateError::NotWritable {
            path: shown.clone(),
            source,
        };
        let mut tries = 0;
        let (state, held) = loop {
            tries += 1;
            let (state, existing) = claim(path)?;
            let bytes =
                serde_json::to_vec(&state).map_err(|e| not_writable(io::Error::other(e)))?;
            // The first write: proves the path writable, and puts the lock on the new file
            // before it replaces the old one (whose lock goes with `existing`).
            match crate::atomic::write_locked(path, &bytes, existing.is_none()) {
                Ok(held) => break (state, held),
                // Another stub created the file first: it is theirs now.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < CLAIM_TRIES => {}
                Err(e) => return Err(not_writable(e)),
            }
        };
        crate::atomic::remove_leftovers(path).map_err(not_writable)?;
        let mut entities = BTreeMap::new();
        let next_id = state.next_relation_id.max(1);
        for e in state.entities {
            if let Some(id) = e.relation_id.filter(|id| *id > 0) {
                entities.insert(id, e);
            }
        }
        let initial = OnDisk {
            generation: 0,
            state: StateFile {
                version: STATE_VERSION,
                next_relation_id: next_id,
                entities: entities.values().cloned().collect(),
            },
        };
        Ok(Store {
            inner: Arc::new(Mutex::new(Inner {
                next_id,
                entities,
                generation: 0,
                waiting: Vec::new(),
            })),
            persist: Some(Arc::new(Persist {
                path: path.to_path_buf(),
                wake: Notify::new(),
                held: Mutex::new(held),
                initial: Mutex::new(Some(initial)),
            })),
        })
    }

    /// Hands out the next free RelationId: counting up from the last one handed out,
    /// skipping ids in use (a client may save under an id of its own choosing), and
    /// starting over at 1 past `i32::MAX`.
    fn take_id(inner: &mut Inner) -> Option<i32> {
        if inner.entities.len() >= i32::MAX as usize {
            return None;
        }
        let mut id = inner.next_id.max(1);
        while inner.entities.contains_key(&id) {
            id = id.checked_add(1).unwrap_or(1);
        }
        inner.next_id = id.checked_add(1).unwrap_or(1);
        Some(id)
    }

    /// Saves an entity: `prepare` gets the id (assigned when the entity's is 0, negative or
    /// absent) and the entity stored under it before (if any), and returns what to store.
    /// `None` when every RelationId is taken.
    pub(crate) fn save(
        &self,
        requested: Option<i32>,
        prepare: impl FnOnce(i32, Option<&ContactRelationEntity>) -> ContactRelationEntity,
    ) -> Option<(ContactRelationEntity, Pending)> {
        let mut inner = Inner::lock(&self.inner);
        let id = match requested.filter(|id| *id > 0) {
            Some(id) => id,
            None => Self::take_id(&mut inner)?,
        };
        let entity = prepare(id, inner.entities.get(&id));
        inner.entities.insert(id, entity.clone());
        let pending = self.changed(&mut inner);
        Some((entity, pending))
    }

    pub(crate) fn get(&self, id: i32) -> Option<ContactRelationEntity> {
        Inner::lock(&self.inner).entities.get(&id).cloned()
    }

    /// Removes an entity; whether there was one.
    pub(crate) fn delete(&self, id: i32) -> (bool, Pending) {
        let mut inner = Inner::lock(&self.inner);
        let removed = inner.entities.remove(&id).is_some();
        if !removed {
            return (false, Pending(None));
        }
        (true, self.changed(&mut inner))
    }

    /// How many entities are stored.
    pub(crate) fn len(&self) -> usize {
        Inner::lock(&self.inner).entities.len()
    }

    /// Counts a change (made under `inner`'s lock) and, with a state file, wakes the writer
    /// and gives the change's client something to wait on.
    fn changed(&self, inner: &mut Inner) -> Pending {
        inner.generation += 1;
        match &self.persist {
            Some(p) => {
                let (tx, rx) = oneshot::channel();
                inner.waiting.push(tx);
                p.wake.notify_one();
                Pending(Some(rx))
            }
            None => Pending(None),
        }
    }

    /// Waits until a change is on disk. `Err` when the state file could not be written
    /// (the change is then undone).
    pub(crate) async fn durable(&self, pending: Pending) -> Result<(), DurableError> {
        match pending.0 {
            None => Ok(()),
            Some(rx) => rx.await.unwrap_or(Err(DurableError::WriterStopped)),
        }
    }

    /// The writer loop of a store with a state file: writes a snapshot whenever the store
    /// has changed since the last one, until `stop` fires; then writes a last one if needed.
    /// Returns at once for an in-memory store.
    /// A failed write is an [`Event::Error`] to `events`.
    pub(crate) async fn run_writer(
        &self,
        mut stop: watch::Receiver<bool>,
        events: Option<EventSink>,
    ) {
        let Some(p) = self.persist.clone() else {
            return;
        };
        // What the file holds: the store goes back to it when a write fails. (Taken from
        // the start, not from the store now: changes may come before the writer runs.)
        let initial = p.initial.lock().unwrap_or_else(|e| e.into_inner()).take();
        let Some(mut on_disk) = initial else {
            return; // a second writer for the same store
        };
        loop {
            let stopping = tokio::select! {
                _ = p.wake.notified() => false,
                _ = stop.wait_for(|s| *s) => true,
            };
            self.write_if_changed(&p, &mut on_disk, events.as_ref())
                .await;
            if stopping {
                return;
            }
        }
    }

    async fn write_if_changed(
        &self,
        p: &Arc<Persist>,
        on_disk: &mut OnDisk,
        events: Option<&EventSink>,
    ) {
        let (generation, state, waiting) = {
            let mut inner = Inner::lock(&self.inner);
            if inner.generation == on_disk.generation {
                return;
            }
            let waiting = std::mem::take(&mut inner.waiting);
            (inner.generation, snapshot(&inner), waiting)
        };
        let persist = p.clone();
        let result = tokio::task::spawn_blocking(move || {
            let written = write_atomically(&persist, &state);
            (state, written)
        })
        .await;
        let failure = match result {
            Ok((state, Ok(()))) => {
                *on_disk = OnDisk { generation, state };
                for w in waiting {
                    let _ = w.send(Ok(()));
                }
                return;
            }
            Ok((_, Err(e))) => e.to_string(),
            Err(e) => e.to_string(),
        };
        if let Some(sink) = events {
            sink(&Event::Error(format!(
                "{}: cannot write the state file: {failure}; the changes since the last write are undone",
                p.path.display()
            )));
        }
        // Not applied: back to what the file holds. Changes made meanwhile were made on
        // top of the failed ones: they are undone and refused too.
        let mut inner = Inner::lock(&self.inner);
        inner.next_id = on_disk.state.next_relation_id;
        inner.entities = on_disk
            .state
            .entities
            .iter()
            .filter_map(|e| e.relation_id.map(|id| (id, e.clone())))
            .collect();
        on_disk.generation = inner.generation;
        let later = std::mem::take(&mut inner.waiting);
        drop(inner);
        let err = DurableError::NotWritten {
            path: p.path.display().to_string(),
        };
        for w in waiting.into_iter().chain(later) {
            let _ = w.send(Err(err.clone()));
        }
    }
}

/// The state file as last written, and the generation it holds.
#[derive(Debug)]
struct OnDisk {
    generation: u64,
    state: StateFile,
}

fn snapshot(inner: &Inner) -> StateFile {
    StateFile {
        version: STATE_VERSION,
        next_relation_id: inner.next_id,
        entities: inner.entities.values().cloned().collect(),
    }
}

/// Opens, locks and reads the state file; no file (`None`) when there is none yet.
fn claim(path: &Path) -> Result<(StateFile, Option<fs::File>), StateError> {
    let shown = path.display().to_string();
    let read_error = |source| StateError::Read {
        path: shown.clone(),
        source,
    };
    for _ in 0..CLAIM_TRIES {
        // Never open what is not a regular file (a FIFO would block the open).
        match fs::metadata(path) {
            Ok(m) if !m.is_file() => {
                return Err(read_error(io::Error::other("not a regular file")));
            }
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((empty(), None)),
            Err(e) => return Err(read_error(e)),
        }
        let mut file = match fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(read_error(e)),
        };
        match crate::atomic::lock(&file) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                return Err(StateError::InUse { path: shown })
            }
            Err(source) => {
                return Err(StateError::NotWritable {
                    path: shown,
                    source,
                })
            }
        }
        if !still_at(&file, path) {
            continue; // replaced between the open and the lock: try the new one
        }
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(read_error)?;
        return Ok((parse(&bytes, &shown)?, Some(file)));
    }
    // Replaced again and again while we looked: another stub is writing it.
    Err(StateError::InUse { path: shown })
}

fn empty() -> StateFile {
    StateFile {
        version: STATE_VERSION,
        next_relation_id: 1,
        entities: Vec::new(),
    }
}

fn parse(bytes: &[u8], shown: &str) -> Result<StateFile, StateError> {
    let s: StateFile = serde_json::from_slice(bytes).map_err(|e| StateError::Corrupt {
        path: shown.to_string(),
        why: e.to_string(),
    })?;
    if s.version != STATE_VERSION {
        return Err(StateError::Corrupt {
            path: shown.to_string(),
            why: format!(
                "format version {} (this stub writes {STATE_VERSION})",
                s.version
            ),
        });
    }
    Ok(s)
}

/// Whether the open `file` is still the one at `path`.
#[cfg(unix)]
fn still_at(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn still_at(_: &fs::File, _: &Path) -> bool {
    // Elsewhere an open file cannot be renamed over.
    true
}

/// Writes the state atomically (see [`crate::atomic::write_locked`]): after a crash the
/// file is the old state or the new one. The new file, locked, replaces the old as the
/// stub's claim.
fn write_atomically(p: &Persist, state: &StateFile) -> io::Result<()> {
    let bytes = serde_json::to_vec(state).map_err(io::Error::other)?;
    let file = crate::atomic::write_locked(&p.path, &bytes, false)?;
    *p.held.lock().unwrap_or_else(|e| e.into_inner()) = file;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(store: &Store, requested: Option<i32>) -> i32 {
        let (e, _) = store
            .save(requested, |id, _| ContactRelationEntity {
                relation_id: Some(id),
                ..ContactRelationEntity::default()
            })
            .unwrap();
        e.relation_id.unwrap()
    }

    #[test]
    fn ids_count_up_skip_ids_in_use_and_survive_the_top() {
        let s = Store::memory();
        assert_eq!(stored(&s, Some(0)), 1);
        assert_eq!(stored(&s, Some(2)), 2, "a client's own id is kept");
        assert_eq!(stored(&s, None), 3, "and skipped");
        assert_eq!(stored(&s, Some(i32::MAX)), i32::MAX);
        assert_eq!(stored(&s, Some(-5)), 4, "negative is new");
        Inner::lock(&s.inner).next_id = i32::MAX;
        assert_eq!(stored(&s, Some(0)), 5, "past the top it starts over at 1");
        assert_eq!(s.len(), 6);
    }

    fn saved(store: &Store, comment: &str) -> (i32, Pending) {
        let (e, pending) = store
            .save(None, |id, _| ContactRelationEntity {
                relation_id: Some(id),
                comment: comment.into(),
                ..ContactRelationEntity::default()
            })
            .unwrap();
        (e.relation_id.unwrap(), pending)
    }

    #[test]
    fn a_failed_write_undoes_its_change_and_a_second_store_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        let leftover = dir.path().join(".state.json.AbC123.tmp");
        fs::write(&leftover, b"half a write").unwrap();
        let store = Store::with_state(&path).unwrap();
        assert!(path.is_file(), "written at start");
        assert!(
            !leftover.exists(),
            "a killed stub's temporary file is removed"
        );
        match Store::with_state(&path) {
            Err(StateError::InUse { .. }) => {}
            other => panic!("a second store on the file: {other:?}"),
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (stop_tx, stop_rx) = watch::channel(false);
            let writer = {
                let store = store.clone();
                tokio::spawn(async move { store.run_writer(stop_rx, None).await })
            };
            let (kept, pending) = saved(&store, "kept");
            assert_eq!(store.durable(pending).await, Ok(()));
            // A directory where the file goes: the rename fails.
            let aside = dir.path().join("aside.json");
            fs::rename(&path, &aside).unwrap();
            fs::create_dir(&path).unwrap();
            let (lost, pending) = saved(&store, "lost");
            let (_, deleted) = store.delete(kept);
            assert!(matches!(
                store.durable(pending).await,
                Err(DurableError::NotWritten { .. })
            ));
            assert!(store.durable(deleted).await.is_err());
            assert_eq!(store.get(lost), None, "the failed save is not applied");
            assert!(
                store.get(kept).is_some(),
                "the failed delete is not applied"
            );
            fs::remove_dir(&path).unwrap();
            fs::rename(&aside, &path).unwrap();
            let (again, pending) = saved(&store, "again");
            assert_eq!(again, lost, "the id of the undone save is free again");
            assert_eq!(store.durable(pending).await, Ok(()));
            let _ = stop_tx.send(true);
            writer.await.unwrap();
        });
        drop(store);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("kept") && text.contains("again") && !text.contains("lost"));
        assert!(
            Store::with_state(&path).is_ok(),
            "free once the first is gone"
        );
    }
}
