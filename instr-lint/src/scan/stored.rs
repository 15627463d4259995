//! The facts of a parsed file, kept compact between the scan and the end of the lints.
//!
//! Decoded, the facts of a module take four to five times the bytes of their encoding (the
//! lists' headers, the allocator's per-allocation cost, spans of two words), and a check
//! holds every file's until detection is done: on a large workspace that was most of the
//! check's peak memory. [`StoredModules`] keeps them encoded in one allocation: the numbers
//! of the names they use (process-wide, [`Name::number`]), then postcard with each name a
//! number into that list, so reading them back hashes no text. [`RecentModules`] keeps the
//! few files read last decoded, since detection goes over files in order and looks names up
//! mostly near where it is. What a file says about emission is kept the same way
//! ([`StoredEmission`]).
//!
//! A parsed file is stored this way as soon as it is scanned ([`StoredFile`]), and the
//! per-file cache keeps that form with the names as texts: a re-check numbers each entry's
//! names and keeps its bytes, decoding nothing until a pass reads the file.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::facts::{EmissionFacts, FileFacts, ModDecl, ModPath, ModuleFacts, Name};
use super::name;

/// What the scan keeps of a parsed file, and the cache stores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredFile {
    /// The path of each module the file is, in order.
    pub paths: Vec<ModPath>,
    /// Its `mod x;` items, which the scan follows and then drops.
    pub children: Vec<ModDecl>,
    /// What it says about emission, when it says anything.
    pub emission: Option<Box<EmissionFacts>>,
    /// Its modules.
    pub modules: StoredModules,
}

impl StoredFile {
    /// `facts`, stored.
    pub fn of(mut facts: FileFacts) -> Self {
        let children = std::mem::take(&mut facts.children);
        let (modules, emission) = facts.split();
        Self {
            paths: modules.iter().map(|module| module.path.clone()).collect(),
            children,
            emission,
            modules: StoredModules::store(&modules),
        }
    }

    /// Its facts, decoded whole (tests compare them).
    pub fn facts(&self) -> FileFacts {
        let emission = self.emission.as_deref().cloned().unwrap_or_default();
        FileFacts {
            modules: self.modules.load(),
            children: self.children.clone(),
            emits: emission.emits,
            raw_metric_calls: emission.raw_metric_calls,
            schema_calls: emission.schema_calls,
        }
    }
}

/// A parsed file's modules, encoded.
///
/// One allocation: the numbers of the names the modules use ([`Name::number`]), then the
/// modules, each name a number into that list (`super::name::write_numbered`). As a list of
/// names beside the bytes, the table took a second allocation and eight bytes a name, as
/// much as the modules' own bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredModules {
    bytes: Box<[u8]>,
    contents: Contents,
}

/// How [`StoredModules`] are written to the cache: the names as their texts (numbers differ
/// between processes), then the modules' bytes.
#[derive(Serialize, Deserialize)]
struct Wire {
    names: Vec<Name>,
    bytes: Vec<u8>,
    contents: Contents,
}

/// What a file's modules hold, for passes that read only some of it to skip the others
/// without decoding them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contents {
    /// Some module mounts a router or configuration under a prefix.
    pub nests: bool,
    /// Some module registers a route.
    pub routes: bool,
}

impl Contents {
    /// What `modules` hold.
    pub fn of(modules: &[ModuleFacts]) -> Self {
        Self {
            nests: modules.iter().any(|module| !module.nests.is_empty()),
            routes: modules.iter().any(|module| !module.routes.is_empty()),
        }
    }
}

impl StoredModules {
    /// `modules`, encoded. Serde does not refuse the facts' types; if it ever did, they would
    /// be stored as no module, the same answer on every read.
    pub fn store(modules: &[ModuleFacts]) -> Self {
        Self {
            bytes: encode(modules),
            contents: Contents::of(modules),
        }
    }

    fn of_parts(names: &[Name], body: &[u8], contents: Contents) -> Self {
        Self {
            bytes: join(names, body),
            contents,
        }
    }

    /// The names the modules use, and the modules' bytes.
    fn parts(&self) -> Option<(Vec<Name>, &[u8])> {
        split(&self.bytes)
    }

    /// The modules, decoded. Bytes this process encoded always decode; should they not, the
    /// file reads as holding no module, the same answer on every read.
    pub fn load(&self) -> Vec<ModuleFacts> {
        decode(&self.bytes).unwrap_or_default()
    }

    /// What they hold.
    pub fn contents(&self) -> Contents {
        self.contents
    }
}

impl Serialize for StoredModules {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (names, body) = self
            .parts()
            .ok_or_else(|| serde::ser::Error::custom("stored modules that do not decode"))?;
        Wire {
            names,
            bytes: body.to_vec(),
            contents: self.contents,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for StoredModules {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        Ok(Self::of_parts(&wire.names, &wire.bytes, wire.contents))
    }
}

/// What a parsed file says about emission, encoded as its modules are (the lints decode it
/// for each pass over every file: a few times a check).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEmission(Box<[u8]>);

impl StoredEmission {
    /// `emission`, encoded.
    pub fn of(emission: &EmissionFacts) -> Self {
        Self(encode(emission))
    }

    /// It, decoded; should the bytes not decode, the file says nothing, on every read.
    pub fn load(&self) -> EmissionFacts {
        decode(&self.0).unwrap_or_default()
    }
}

/// `value` encoded in one allocation: the numbers of the names it uses, then its bytes, each
/// name a number into that list. Serde does not refuse the facts' types; if it ever did,
/// the value would be stored as no bytes, read back as nothing.
fn encode<T: Serialize + ?Sized>(value: &T) -> Box<[u8]> {
    let (body, names) = name::write_numbered(|| postcard::to_stdvec(value));
    join(&names, &body.unwrap_or_default())
}

/// What [`encode`] encoded.
fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let (names, body) = split(bytes)?;
    name::read_numbered(names, || postcard::from_bytes(body)).ok()
}

/// The numbers of `names`, then `body`.
fn join(names: &[Name], body: &[u8]) -> Box<[u8]> {
    let numbers: Vec<u32> = names.iter().map(Name::number).collect();
    let mut bytes = postcard::to_stdvec(&numbers).unwrap_or_default();
    bytes.extend_from_slice(body);
    bytes.into_boxed_slice()
}

/// The names and the body [`join`] joined.
fn split(bytes: &[u8]) -> Option<(Vec<Name>, &[u8])> {
    let (numbers, body) = postcard::take_from_bytes::<Vec<u32>>(bytes).ok()?;
    Some((Name::numbered(&numbers)?, body))
}

/// The decoded modules of the files read last, by file index.
#[derive(Debug)]
pub struct RecentModules {
    slots: Mutex<VecDeque<(usize, Arc<[ModuleFacts]>)>>,
}

/// Files kept decoded: a pass reads one file at a time, and the lookups it makes go mostly
/// to the same file or its neighbours; a few dozen files cost little next to thousands.
const RECENT: usize = 32;

impl Default for RecentModules {
    fn default() -> Self {
        Self {
            slots: Mutex::new(VecDeque::with_capacity(RECENT)),
        }
    }
}

impl RecentModules {
    /// The modules of file `file`, decoded by `load` unless they were read recently.
    pub fn get(&self, file: usize, load: impl FnOnce() -> Vec<ModuleFacts>) -> Arc<[ModuleFacts]> {
        if let Some(found) = self.find(file) {
            return found;
        }
        // Decoded outside the lock: two threads may both decode a file, and either copy is
        // the same facts.
        let modules: Arc<[ModuleFacts]> = load().into();
        let mut slots = self.lock();
        if slots.len() == RECENT {
            slots.pop_front();
        }
        slots.push_back((file, Arc::clone(&modules)));
        modules
    }

    fn find(&self, file: usize) -> Option<Arc<[ModuleFacts]>> {
        let slots = self.lock();
        // Most recent last: searched from the end.
        slots
            .iter()
            .rev()
            .find(|(index, _)| *index == file)
            .map(|(_, modules)| Arc::clone(modules))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<(usize, Arc<[ModuleFacts]>)>> {
        // A panic while the list was held leaves a valid list.
        self.slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::facts::{FnFact, UseFact};
    use instr_schema::diag::Span;

    fn module(name: &str) -> ModuleFacts {
        ModuleFacts {
            path: vec![Name::new("api"), Name::new(name)],
            uses: vec![UseFact {
                name: Name::new("get"),
                target: vec![Name::new("axum"), Name::new("routing"), Name::new("get")],
                public: false,
            }],
            fns: vec![FnFact {
                name: Name::new(name),
                self_ty: Some(Name::new("Record")),
                impl_block: None,
                is_pub: true,
                name_span: Span::new(3, 9),
                body: None,
            }],
            ..ModuleFacts::default()
        }
    }

    #[test]
    fn modules_read_back_as_they_were_stored() {
        let modules = vec![module("orders"), module("users")];
        let stored = StoredModules::store(&modules);
        assert_eq!(stored.load(), modules);
        assert_eq!(stored.contents(), Contents::default());
        // Each distinct name once in the table: api, orders, get, axum, routing, Record,
        // users.
        let (names, _) = stored.parts().unwrap();
        assert_eq!(names.len(), 7);
    }

    #[test]
    fn written_with_names_as_text() {
        let modules = vec![module("orders")];
        let stored = StoredModules::store(&modules);
        let written = postcard::to_stdvec(&stored).unwrap();
        // The form the cache has always had: the names' texts, the modules' bytes (names as
        // numbers into those texts), what they hold.
        let (names, body) = stored.parts().unwrap();
        let texts: Vec<String> = names.iter().map(|name| name.as_str().to_owned()).collect();
        assert_eq!(
            written,
            postcard::to_stdvec(&(texts, body.to_vec(), stored.contents())).unwrap()
        );
        let back: StoredModules = postcard::from_bytes(&written).unwrap();
        assert_eq!(back, stored);
        assert_eq!(back.load(), modules);
    }

    #[test]
    fn recent_files_are_decoded_once() {
        let recent = RecentModules::default();
        let mut loads = 0;
        for file in [0, 1, 0, 1] {
            recent.get(file, || {
                loads += 1;
                vec![module("orders")]
            });
        }
        assert_eq!(loads, 2);
        // Past its room, the file read longest ago is decoded again.
        for file in 2..RECENT + 2 {
            recent.get(file, Vec::new);
        }
        recent.get(0, || {
            loads += 1;
            Vec::new()
        });
        assert_eq!(loads, 3);
    }
}
