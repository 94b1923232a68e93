//! Where observations live: entities and indicators are numbered once, and each
//! entity's cells sit in one vector sorted by (indicator, year), so that a
//! province's worth of values costs a few dozen bytes each and a lookup is a
//! binary search in a short vector.

use super::Cell;
use rustc_hash::FxHashMap as HashMap;

/// An entity's number in one submission.
pub type EntityId = u32;
/// An indicator's number: its place in the schema's (sorted) list.
pub type IndicatorId = u32;

/// Names numbered in order of first appearance.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    names: Vec<Box<str>>,
    ids: HashMap<Box<str>, u32>,
    /// Names of up to eight bytes without a NUL (county codes, mostly), packed into an
    /// integer: a row's lookup then hashes and compares one word.
    short: HashMap<u64, u32>,
}

/// `name` as one word, when it fits and has no NUL (so that padding cannot collide).
fn packed(name: &str) -> Option<u64> {
    let bytes = name.as_bytes();
    if bytes.len() > 8 || bytes.contains(&0) {
        return None;
    }
    let mut word = [0u8; 8];
    word.get_mut(..bytes.len())?.copy_from_slice(bytes);
    Some(u64::from_le_bytes(word))
}

impl Interner {
    pub fn id(&self, name: &str) -> Option<u32> {
        match packed(name) {
            Some(word) => self.short.get(&word).copied(),
            None => self.ids.get(name).copied(),
        }
    }

    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(id) = self.id(name) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.into());
        match packed(name) {
            Some(word) => {
                self.short.insert(word, id);
            }
            None => {
                self.ids.insert(name.into(), id);
            }
        }
        id
    }

    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |n| n)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// One observation of an entity.
#[derive(Debug, Clone)]
pub struct Obs {
    pub indicator: IndicatorId,
    pub year: i32,
    pub cell: Cell,
}

/// Every entity's observations, sorted by (indicator, year) without repeats.
#[derive(Debug, Default)]
pub struct Observations {
    by_entity: Vec<Vec<Obs>>,
    count: usize,
}

impl Observations {
    pub fn get(&self, entity: EntityId, indicator: IndicatorId, year: i32) -> Option<&Cell> {
        let cells = self.by_entity.get(entity as usize)?;
        cells
            .binary_search_by(|o| (o.indicator, o.year).cmp(&(indicator, year)))
            .ok()
            .and_then(|i| cells.get(i))
            .map(|o| &o.cell)
    }

    pub fn of(&self, entity: EntityId) -> &[Obs] {
        self.by_entity.get(entity as usize).map_or(&[], |v| v)
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn has(&self, entity: EntityId) -> bool {
        !self.of(entity).is_empty()
    }

    /// Adds one file's observations, per entity in the order they were read. A key
    /// already present, from an earlier file or earlier in this one, keeps its first
    /// cell; each repeat is handed to `repeat(kept, repeated, entity, indicator, year)`.
    pub fn merge(
        &mut self,
        batch: Vec<(EntityId, Vec<Obs>)>,
        mut repeat: impl FnMut(&Cell, &Cell, EntityId, IndicatorId, i32),
    ) {
        for (entity, new) in batch {
            let index = entity as usize;
            if self.by_entity.len() <= index {
                self.by_entity.resize_with(index + 1, Vec::new);
            }
            let Some(cells) = self.by_entity.get_mut(index) else {
                continue;
            };
            self.count -= cells.len();
            if cells.is_empty() {
                *cells = new;
            } else {
                cells.extend(new);
            }
            let sorted = cells
                .windows(2)
                .all(|w| matches!(w, [a, b] if (a.indicator, a.year) < (b.indicator, b.year)));
            if !sorted {
                // Stable: among equal keys the one read first stays first, and is kept.
                cells.sort_by_key(|o| (o.indicator, o.year));
                let mut kept: Vec<Obs> = Vec::with_capacity(cells.len());
                for obs in cells.drain(..) {
                    match kept.last() {
                        Some(first)
                            if (first.indicator, first.year) == (obs.indicator, obs.year) =>
                        {
                            repeat(&first.cell, &obs.cell, entity, obs.indicator, obs.year);
                        }
                        _ => kept.push(obs),
                    }
                }
                *cells = kept;
            }
            cells.shrink_to_fit();
            self.count += cells.len();
        }
    }
}
