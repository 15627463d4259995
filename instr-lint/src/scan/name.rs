//! [`Name`]: an identifier or short string the facts keep, stored once per process.
//!
//! The facts of a file name the same few words over and over (`get`, `Router`, `score`, the
//! crate's own types), and every file of a workspace names most of them again. Kept as a
//! `String` each, a name costs an allocation of its own (32 bytes at least, with the
//! allocator's header) plus 24 bytes where it sits; kept as a [`Name`], the text is allocated
//! once per process and a name costs the 8 bytes of one pointer (an `Option<Name>` too). The
//! facts of the bench's generated workspace hold about sixty names a file.
//!
//! Serialized, a name is its text (the cache on disk), or, inside [`write_numbered`] and
//! [`read_numbered`], a number into a table of the names of one value: the form
//! `super::stored` keeps a file's modules in, read back without hashing any text. That table
//! is kept as each name's number in the process ([`Name::number`]), half a name's size.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::{Mutex, OnceLock};

use foldhash::HashMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A shared, immutable string, equal to any other `Name` with the same text. Compares,
/// hashes and orders as its text does, so a `HashMap<Name, _>` is looked up by `&str`.
///
/// It points at a text the process keeps to its end: one pointer, half the size of an
/// `Arc<str>`, that costs no count to clone or drop.
#[derive(Clone)]
pub struct Name(&'static Text);

/// A name's text, behind one more pointer so that a reference to it is one pointer (a `&str`
/// is two), and its number in the process ([`Name::number`]).
struct Text {
    text: &'static str,
    number: u32,
}

/// Every name made so far, by its text and by its number. Names are never removed, so a
/// text is leaked on purpose when it is first made: a check holds its facts to the end, and
/// the distinct words of the workspaces a process checks are few (a few thousand for the
/// bench's 2,020 files).
struct Table {
    by_text: HashMap<&'static str, &'static Text>,
    by_number: Vec<&'static Text>,
}

fn table() -> std::sync::MutexGuard<'static, Table> {
    static TABLE: OnceLock<Mutex<Table>> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            let empty = Name::EMPTY.0;
            Mutex::new(Table {
                by_text: HashMap::from_iter([(empty.text, empty)]),
                by_number: vec![empty],
            })
        })
        .lock()
        // A poisoned lock only means another thread panicked while inserting: the table
        // still holds valid names.
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Name {
    /// The empty name, number 0 (equal to `Name::new("")`: the table is not needed to
    /// compare).
    pub const EMPTY: Name = Name(&Text {
        text: "",
        number: 0,
    });

    /// The name with this text, made once and shared after.
    pub fn new(text: &str) -> Self {
        let mut table = table();
        if let Some(existing) = table.by_text.get(text) {
            return Self(existing);
        }
        // More than 2^32 distinct names cannot be held in memory.
        let number = u32::try_from(table.by_number.len()).unwrap_or(u32::MAX);
        let text: &'static str = Box::leak(Box::from(text));
        let kept: &'static Text = Box::leak(Box::new(Text { text, number }));
        table.by_text.insert(text, kept);
        table.by_number.push(kept);
        Self(kept)
    }

    /// Its number: names are numbered in the order this process made them, so a number is
    /// half a name's size and is read back with [`Name::numbered`] without hashing its text.
    /// Numbers differ between processes: what is written to disk names its names by text.
    pub fn number(&self) -> u32 {
        self.0.number
    }

    /// The names with these numbers, or `None` if some number was never given.
    pub fn numbered(numbers: &[u32]) -> Option<Vec<Name>> {
        let table = table();
        numbers
            .iter()
            .map(|&number| table.by_number.get(number as usize).map(|text| Self(text)))
            .collect()
    }

    /// Its text.
    pub fn as_str(&self) -> &str {
        self.0.text
    }

    /// Its text, which the process keeps to its end.
    pub fn as_static(&self) -> &'static str {
        self.0.text
    }
}

impl Default for Name {
    fn default() -> Self {
        Self::EMPTY
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        self.0.text
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.0.text
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.0.text
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        // The table makes each text one allocation, so the pointers usually decide at once;
        // the texts are compared only when they differ (then they differ in text too).
        std::ptr::eq(self.0, other.0) || self.as_str() == other.as_str()
    }
}

impl Eq for Name {}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As `str` hashes: `Borrow<str>` lookups must find it.
        self.as_str().hash(state);
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for Name {
    fn from(text: String) -> Self {
        Self::new(&text)
    }
}

impl From<&String> for Name {
    fn from(text: &String) -> Self {
        Self::new(text)
    }
}

impl From<Name> for String {
    fn from(name: Name) -> Self {
        name.as_str().to_owned()
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match numbered(self) {
            Some(number) => serializer.serialize_u32(number),
            None => serializer.serialize_str(self.as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Name;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Name, E> {
                Ok(Name::new(text))
            }
        }
        if !NAMES.with_borrow(|names| matches!(names, Numbering::Reading(_))) {
            return deserializer.deserialize_str(Visit);
        }
        let number = u32::deserialize(deserializer)?;
        NAMES
            .with_borrow(|names| match names {
                Numbering::Reading(table) => table.get(number as usize).cloned(),
                _ => None,
            })
            .ok_or_else(|| serde::de::Error::custom("a name number out of its table"))
    }
}

/// How names are (de)serialized on this thread: as their text (the cache on disk), or as
/// numbers into a table of the names of one value ([`write_numbered`], [`read_numbered`]).
enum Numbering {
    Text,
    /// The table so far, and each name's place in it by its [`Name::number`].
    Writing(Vec<Name>, HashMap<u32, u32>),
    Reading(Vec<Name>),
}

thread_local! {
    static NAMES: std::cell::RefCell<Numbering> = const { std::cell::RefCell::new(Numbering::Text) };
}

/// The number of `name` in the table being written, when one is.
fn numbered(name: &Name) -> Option<u32> {
    NAMES.with_borrow_mut(|names| {
        let Numbering::Writing(table, numbers) = names else {
            return None;
        };
        if let Some(&number) = numbers.get(&name.number()) {
            return Some(number);
        }
        // More than 2^32 distinct names in one value cannot be: its text would not be read.
        let number = u32::try_from(table.len()).unwrap_or(u32::MAX);
        table.push(name.clone());
        numbers.insert(name.number(), number);
        Some(number)
    })
}

/// Sets this thread's numbering back when dropped, also on an error or a panic.
struct Restore;

impl Drop for Restore {
    fn drop(&mut self) {
        NAMES.set(Numbering::Text);
    }
}

/// Runs `write` (a serialization) with each name written as a number into a table, and gives
/// its result with the table: each name is then read back without hashing its text
/// ([`read_numbered`]).
pub fn write_numbered<T>(write: impl FnOnce() -> T) -> (T, Vec<Name>) {
    let _restore = Restore;
    NAMES.set(Numbering::Writing(Vec::new(), HashMap::default()));
    let out = write();
    let table = match NAMES.replace(Numbering::Text) {
        Numbering::Writing(table, _) => table,
        _ => Vec::new(),
    };
    (out, table)
}

/// Runs `read` (a deserialization of what [`write_numbered`] wrote) with names read as numbers
/// into `table`.
pub fn read_numbered<T>(table: Vec<Name>, read: impl FnOnce() -> T) -> T {
    let _restore = Restore;
    NAMES.set(Numbering::Reading(table));
    read()
}

#[cfg(test)]
mod tests {
    use super::Name;

    #[test]
    fn equal_texts_share_one_allocation() {
        let a = Name::new("score");
        let b = Name::from(String::from("score"));
        assert_eq!(a, b);
        assert!(std::ptr::eq(a.0, b.0));
        assert_eq!(a, "score");
        assert_ne!(a, Name::new("scores"));
    }

    #[test]
    fn numbered_names_read_back_as_the_same_names() {
        let names = ["get", "Router", "get", "score"].map(Name::new).to_vec();
        let (bytes, table) = super::write_numbered(|| postcard::to_allocvec(&names).unwrap());
        assert_eq!(table, ["get", "Router", "score"].map(Name::new).to_vec());
        let back: Vec<Name> =
            super::read_numbered(table.clone(), || postcard::from_bytes(&bytes).unwrap());
        assert_eq!(back, names);
        // Outside a numbering, names are text again.
        assert_eq!(
            postcard::to_allocvec(&names[0]).unwrap(),
            postcard::to_allocvec("get").unwrap()
        );
        let wrong: Result<Vec<Name>, _> =
            super::read_numbered(table[..1].to_vec(), || postcard::from_bytes(&bytes));
        assert!(wrong.is_err());
    }

    #[test]
    fn numbers_give_the_names_back() {
        let names = ["checkout", "Router", "checkout"].map(Name::new);
        assert_eq!(names[0].number(), names[2].number());
        assert_ne!(names[0].number(), names[1].number());
        let numbers: Vec<u32> = names.iter().map(Name::number).collect();
        assert_eq!(Name::numbered(&numbers).unwrap(), names.to_vec());
        assert_eq!(Name::EMPTY.number(), 0);
        assert_eq!(Name::numbered(&[0]).unwrap(), [Name::new("")]);
        // A number never given reads as nothing, not as some other name.
        assert!(Name::numbered(&[u32::MAX]).is_none());
    }

    #[test]
    fn is_one_pointer() {
        assert_eq!(std::mem::size_of::<Name>(), std::mem::size_of::<usize>());
        assert_eq!(
            std::mem::size_of::<Option<Name>>(),
            std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn looked_up_by_its_text() {
        let mut map: foldhash::HashMap<Name, u8> = Default::default();
        map.insert(Name::new("router"), 1);
        assert_eq!(map.get("router"), Some(&1));
        assert_eq!(["a", "b"].map(Name::new).join("::"), "a::b");
    }

    #[test]
    fn survives_the_cache_format() {
        let name = Name::new("Record0");
        let bytes = postcard::to_allocvec(&name).unwrap();
        assert_eq!(bytes, postcard::to_allocvec("Record0").unwrap());
        let back: Name = postcard::from_bytes(&bytes).unwrap();
        assert!(std::ptr::eq(back.0, name.0));
    }
}
