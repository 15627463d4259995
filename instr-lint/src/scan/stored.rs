//! The facts of a scanned file, kept compact between the scan and the end of the lints.
//!
//! Decoded, the facts of a module take four to five times the bytes of their encoding (the
//! lists' headers, the allocator's per-allocation cost, spans of two words), and a check
//! holds every file's until detection is done: on a large workspace that was most of the
//! check's peak memory. A file's modules ([`StoredModules`]) and what it says about emission
//! are kept [`Encoded`] in one allocation each: the numbers of the names they use
//! (process-wide, [`Name::number`]), then postcard with each name a number into that list, so
//! reading them back hashes no text. [`RecentModules`] keeps the few files read last decoded,
//! since detection goes over files in order and looks names up mostly near where it is.
//!
//! A file is stored this way as soon as it is scanned ([`StoredFile`]: a parsed file's facts,
//! or an unparsed one's light facts), and the per-file cache keeps that form with the names
//! as texts: a re-check numbers each entry's names and keeps its bytes, decoding nothing
//! until a pass reads the file.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::facts::{EmissionFacts, FileFacts, ModDecl, ModPath, ModuleFacts, Name};
use super::name;

/// What the scan keeps of a file's facts, and the cache stores: every fact of a parsed file,
/// or the light facts (modules and `mod` items) of one left unparsed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredFile {
    /// The path of each module the file is, in order.
    pub paths: Vec<ModPath>,
    /// Its `mod x;` items, which the scan follows and then drops.
    pub children: Vec<ModDecl>,
    /// What it says about emission, encoded, when it says anything.
    pub emission: Option<Encoded<EmissionFacts>>,
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
            emission: emission.map(|emission| Encoded::new(&*emission)),
            modules: StoredModules::store(&modules),
        }
    }

    /// Its facts, decoded whole (tests compare them).
    pub fn facts(&self) -> FileFacts {
        let emission = self
            .emission
            .as_ref()
            .and_then(Encoded::load)
            .unwrap_or_default();
        FileFacts {
            modules: self.modules.load(),
            children: self.children.clone(),
            emits: emission.emits,
            raw_metric_calls: emission.raw_metric_calls,
            schema_calls: emission.schema_calls,
        }
    }
}

/// A value kept encoded in one allocation: the numbers of the names it uses
/// ([`Name::number`]), then its postcard bytes, each name a number into that list
/// (`super::name::write_numbered`), so that reading it back hashes no text. As a list of
/// names beside the bytes, the table took a second allocation and eight bytes a name, as much
/// as the value's own bytes.
///
/// Written to the cache as the names' texts, then the bytes: numbers differ between
/// processes.
#[derive(Debug, PartialEq)]
pub struct Encoded<T> {
    bytes: Box<[u8]>,
    of: PhantomData<fn() -> T>,
}

impl<T> Clone for Encoded<T> {
    fn clone(&self) -> Self {
        Self {
            bytes: self.bytes.clone(),
            of: PhantomData,
        }
    }
}

/// How an [`Encoded`] value is written to the cache.
#[derive(Serialize, Deserialize)]
struct Wire {
    names: Vec<Name>,
    bytes: Vec<u8>,
}

impl<T: Serialize + DeserializeOwned> Encoded<T> {
    /// `value` (which serializes as a `T` does: a slice for a `Vec`), encoded. Serde does not
    /// refuse the facts' types; if it ever did, the value would be stored as no bytes, read
    /// back as nothing, the same answer on every read.
    pub fn new<V: Serialize + ?Sized>(value: &V) -> Self {
        let (body, names) = name::write_numbered(|| postcard::to_stdvec(value));
        Self::of_parts(&names, &body.unwrap_or_default())
    }

    /// The value, decoded: `None` only for bytes this process did not encode.
    pub fn load(&self) -> Option<T> {
        let (names, body) = self.parts()?;
        name::read_numbered(names, || postcard::from_bytes(body)).ok()
    }
}

impl<T> Encoded<T> {
    /// The numbers of `names`, then `body`.
    fn of_parts(names: &[Name], body: &[u8]) -> Self {
        let numbers: Vec<u32> = names.iter().map(Name::number).collect();
        let mut bytes = postcard::to_stdvec(&numbers).unwrap_or_default();
        bytes.extend_from_slice(body);
        Self {
            bytes: bytes.into_boxed_slice(),
            of: PhantomData,
        }
    }

    /// The names and the body [`Self::of_parts`] joined.
    fn parts(&self) -> Option<(Vec<Name>, &[u8])> {
        let (numbers, body) = postcard::take_from_bytes::<Vec<u32>>(&self.bytes).ok()?;
        Some((Name::numbered(&numbers)?, body))
    }
}

impl<T> Serialize for Encoded<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (names, body) = self
            .parts()
            .ok_or_else(|| serde::ser::Error::custom("stored facts that do not decode"))?;
        Wire {
            names,
            bytes: body.to_vec(),
        }
        .serialize(serializer)
    }
}

impl<'de, T> Deserialize<'de> for Encoded<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        Ok(Self::of_parts(&wire.names, &wire.bytes))
    }
}

/// A file's modules, encoded, and what they hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredModules {
    encoded: Encoded<Vec<ModuleFacts>>,
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
    /// `modules`, encoded.
    pub fn store(modules: &[ModuleFacts]) -> Self {
        Self {
            encoded: Encoded::new(modules),
            contents: Contents::of(modules),
        }
    }

    /// The modules, decoded. Bytes this process encoded always decode; should they not, the
    /// file reads as holding no module, the same answer on every read.
    pub fn load(&self) -> Vec<ModuleFacts> {
        self.encoded.load().unwrap_or_default()
    }

    /// What they hold.
    pub fn contents(&self) -> Contents {
        self.contents
    }
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
        let (names, _) = stored.encoded.parts().unwrap();
        assert_eq!(names.len(), 7);
    }

    #[test]
    fn written_with_names_as_text() {
        let modules = vec![module("orders")];
        let stored = StoredModules::store(&modules);
        let written = postcard::to_stdvec(&stored).unwrap();
        // The form the cache has always had: the names' texts, the modules' bytes (names as
        // numbers into those texts), what they hold.
        let (names, body) = stored.encoded.parts().unwrap();
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
