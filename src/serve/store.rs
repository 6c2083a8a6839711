//! The stub's store of contact relations: in memory, optionally kept in a state file.
//!
//! Durability with `--state FILE`: every change bumps a generation number; one writer task
//! snapshots the store and writes it atomically (temporary file in the same folder, fsync,
//! rename over the old file, fsync of the folder), and a request that changed the store is
//! answered only once a snapshot holding its change is on disk. Concurrent changes share
//! one write (group commit), so durability costs one fsync per burst rather than per save.
//! A kill at any moment leaves either the old file or the new one, never a torn one.

use super::{Event, EventSink};
use crate::model::ContactRelationEntity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{watch, Notify};

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

#[derive(Debug)]
struct Inner {
    next_id: i32,
    entities: BTreeMap<i32, ContactRelationEntity>,
    /// Bumped by every change.
    generation: u64,
}

impl Inner {
    fn lock(m: &Mutex<Inner>) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the map half-changed (every change is
        // one insert or remove), so a poisoned lock is still good to use.
        m.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// What the writer has made durable so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Durable {
    generation: u64,
    /// The last write failed (the generation is then the one that failed).
    failed: bool,
}

#[derive(Debug)]
struct Persist {
    path: PathBuf,
    wake: Notify,
    durable: watch::Sender<Durable>,
}

/// The store. Cheap to share (`Arc` inside).
#[derive(Debug, Clone)]
pub(crate) struct Store {
    inner: Arc<Mutex<Inner>>,
    persist: Option<Arc<Persist>>,
}

/// A change that must be durable before it is acknowledged.
#[must_use]
pub(crate) struct Pending(Option<u64>);

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
}

/// Why a change could not be made durable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurableError {
    #[error("the state writer has stopped")]
    WriterStopped,
    #[error("the stub could not write its state file {path}")]
    NotWritten { path: String },
}

impl Store {
    /// An empty in-memory store.
    pub(crate) fn memory() -> Store {
        Store {
            inner: Arc::new(Mutex::new(Inner {
                next_id: 1,
                entities: BTreeMap::new(),
                generation: 0,
            })),
            persist: None,
        }
    }

    /// A store kept in `path`: loaded when the file exists, created on the first change.
    /// The writer task is started by [`Store::run_writer`].
    pub(crate) fn with_state(path: &Path) -> Result<Store, StateError> {
        let shown = path.display().to_string();
        let state = match fs::read(path) {
            Ok(bytes) => {
                let s: StateFile =
                    serde_json::from_slice(&bytes).map_err(|e| StateError::Corrupt {
                        path: shown.clone(),
                        why: e.to_string(),
                    })?;
                if s.version != STATE_VERSION {
                    return Err(StateError::Corrupt {
                        path: shown,
                        why: format!(
                            "format version {} (this stub writes {STATE_VERSION})",
                            s.version
                        ),
                    });
                }
                s
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => StateFile {
                version: STATE_VERSION,
                next_relation_id: 1,
                entities: Vec::new(),
            },
            Err(source) => {
                return Err(StateError::Read {
                    path: shown,
                    source,
                })
            }
        };
        let mut entities = BTreeMap::new();
        let next_id = state.next_relation_id.max(1);
        for e in state.entities {
            if let Some(id) = e.relation_id.filter(|id| *id > 0) {
                entities.insert(id, e);
            }
        }
        let (durable, _) = watch::channel(Durable {
            generation: 0,
            failed: false,
        });
        Ok(Store {
            inner: Arc::new(Mutex::new(Inner {
                next_id,
                entities,
                generation: 0,
            })),
            persist: Some(Arc::new(Persist {
                path: path.to_path_buf(),
                wake: Notify::new(),
                durable,
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
        inner.generation += 1;
        let g = inner.generation;
        drop(inner);
        Some((entity, self.changed(g)))
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
        inner.generation += 1;
        let g = inner.generation;
        drop(inner);
        (true, self.changed(g))
    }

    /// How many entities are stored.
    pub(crate) fn len(&self) -> usize {
        Inner::lock(&self.inner).entities.len()
    }

    fn changed(&self, generation: u64) -> Pending {
        match &self.persist {
            Some(p) => {
                p.wake.notify_one();
                Pending(Some(generation))
            }
            None => Pending(None),
        }
    }

    /// Waits until a change is on disk. `Err` when the state file could not be written.
    pub(crate) async fn durable(&self, pending: Pending) -> Result<(), DurableError> {
        let (Some(p), Some(g)) = (&self.persist, pending.0) else {
            return Ok(());
        };
        let mut rx = p.durable.subscribe();
        let seen = rx
            .wait_for(|d| d.generation >= g)
            .await
            .map(|d| *d)
            .map_err(|_| DurableError::WriterStopped)?;
        if seen.failed {
            Err(DurableError::NotWritten {
                path: p.path.display().to_string(),
            })
        } else {
            Ok(())
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
        let mut written = 0u64;
        loop {
            let stopping = tokio::select! {
                _ = p.wake.notified() => false,
                _ = stop.wait_for(|s| *s) => true,
            };
            self.write_if_changed(&p, &mut written, events.as_ref())
                .await;
            if stopping {
                return;
            }
        }
    }

    async fn write_if_changed(
        &self,
        p: &Arc<Persist>,
        written: &mut u64,
        events: Option<&EventSink>,
    ) {
        let (generation, snapshot) = {
            let inner = Inner::lock(&self.inner);
            if inner.generation == *written {
                return;
            }
            (
                inner.generation,
                StateFile {
                    version: STATE_VERSION,
                    next_relation_id: inner.next_id,
                    entities: inner.entities.values().cloned().collect(),
                },
            )
        };
        let path = p.path.clone();
        let result = tokio::task::spawn_blocking(move || write_atomically(&path, &snapshot))
            .await
            .map_err(|e| io::Error::other(e.to_string()))
            .and_then(|r| r);
        let failed = match result {
            Ok(()) => false,
            Err(e) => {
                if let Some(sink) = events {
                    sink(&Event::Error(format!(
                        "{}: cannot write the state file: {e}",
                        p.path.display()
                    )));
                }
                true
            }
        };
        *written = generation;
        p.durable.send_replace(Durable { generation, failed });
    }
}

/// Writes the state atomically (see [`crate::atomic`]): after a crash the file is the old
/// state or the new one.
fn write_atomically(path: &Path, state: &StateFile) -> io::Result<()> {
    let bytes = serde_json::to_vec(state).map_err(io::Error::other)?;
    crate::atomic::write(path, &bytes)
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
}
