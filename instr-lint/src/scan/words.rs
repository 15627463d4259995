//! Which words a file may contain: a Bloom filter of every run of identifier bytes in it
//! (comments and strings included). A file that was not parsed is parsed on demand only when
//! a name looked up across the crate may be in it; a false "maybe" costs one parse, a "no" is
//! always right.

use serde::{Deserialize, Serialize};

/// Bits per word read, before folding: room for every word even if none repeated.
const BITS_PER_WORD: usize = 4;

/// The fewest bits a filter has.
const MIN_BITS: usize = 256;

/// How full a filter may be after a fold: with three probes, a false "maybe" for at most
/// 0.8% of absent words (`0.2³`).
const MAX_FOLDED_FILL: f64 = 0.2;

/// The words of one file, as a Bloom filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordSet {
    bits: Box<[u64]>,
}

// The hash of a word, one byte at a time: written here, so that a filter stored in the
// cache by one build answers the same in another (the cache's version covers this file).
const SEED: u64 = 0xcbf2_9ce4_8422_2325;

fn step(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
}

/// Spreads the bits of an FNV-1a hash over the whole word (the probes use both halves).
fn finish(hash: u64) -> u64 {
    let hash = (hash ^ (hash >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    let hash = (hash ^ (hash >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^ (hash >> 33)
}

/// Bytes that may be part of an identifier: ASCII letters, digits, `_`, and every byte of a
/// non-ASCII character. A table, because the scanners read every byte of every file through it.
static WORD_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80;
        byte += 1;
    }
    table
};

/// True for a byte that may be part of an identifier (letters, digits, `_`, non-ASCII): the
/// one definition of a "word" that the lexer, the prefilter and the word filter share.
#[inline]
pub(crate) fn is_word_byte(byte: u8) -> bool {
    WORD_BYTES[usize::from(byte)]
}

/// The runs of word bytes in `bytes`, as `start..end` offsets, in order: every identifier
/// (and every other word, in comments, strings and numbers) starts and ends one.
pub(crate) fn word_runs(bytes: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        at += bytes
            .get(at..)?
            .iter()
            .position(|byte| is_word_byte(*byte))?;
        let start = at;
        at += bytes[at..]
            .iter()
            .position(|byte| !is_word_byte(*byte))
            .unwrap_or(bytes.len() - at);
        Some((start, at))
    })
}

/// The number of runs of word bytes in `text`.
fn count_runs(text: &[u8]) -> usize {
    let mut runs = 0;
    let mut previous = false;
    for &byte in text {
        let word = is_word_byte(byte);
        runs += usize::from(word & !previous);
        previous = word;
    }
    runs
}

impl WordSet {
    /// The words of `text`. The filter is sized by the number of words read (with repeats),
    /// so it is built in two passes without holding a list of them (a generated file has
    /// millions): one counts the runs of word bytes, one hashes and sets them.
    ///
    /// Sized so, it has room for every repeat of every word (a word repeats about five times
    /// in a file), and is then folded while it stays sparse: an unparsed file keeps its filter
    /// to the end of the check, and on published crates the folds halve most of them.
    pub fn of(text: &[u8]) -> Self {
        let bits = (count_runs(text) * BITS_PER_WORD)
            .next_power_of_two()
            .max(MIN_BITS);
        let mut set = Self::with_bits(text, bits);
        set.fold_while_sparse();
        set
    }

    /// The words of `text` in a filter of `bits` bits (a power of two, at least 64).
    fn with_bits(text: &[u8], bits: usize) -> Self {
        let mut set = Self {
            bits: vec![0; bits / 64].into_boxed_slice(),
        };
        // Not `word_runs`: hashing while the run is read passes over each byte once, where
        // finding the run first and hashing it then reads it twice (a third more time here).
        let mut at = 0;
        while at < text.len() {
            if !is_word_byte(text[at]) {
                at += 1;
                continue;
            }
            let mut hash = SEED;
            while let Some(&byte) = text.get(at).filter(|byte| is_word_byte(**byte)) {
                hash = step(hash, byte);
                at += 1;
            }
            set.insert(finish(hash));
        }
        set
    }

    /// Halves the filter while the half stays at most [`MAX_FOLDED_FILL`] full. A probe is
    /// taken modulo the size, a power of two: a bit of the upper half folds onto the same
    /// place of the lower half, so the halves OR-ed together are exactly the filter the same
    /// words give at half the size. No word is lost; absent words say "maybe" a little more
    /// often.
    fn fold_while_sparse(&mut self) {
        let mut words = std::mem::take(&mut self.bits).into_vec();
        while words.len() * 64 > MIN_BITS {
            let half = words.len() / 2;
            let (low, high) = words.split_at(half);
            let set: u32 = low
                .iter()
                .zip(high)
                .map(|(low, high)| (low | high).count_ones())
                .sum();
            if f64::from(set) > MAX_FOLDED_FILL * (half * 64) as f64 {
                break;
            }
            for index in 0..half {
                words[index] |= words[index + half];
            }
            words.truncate(half);
        }
        self.bits = words.into_boxed_slice();
    }

    fn insert(&mut self, hash: u64) {
        for bit in self.probes(hash) {
            self.bits[bit / 64] |= 1 << (bit % 64);
        }
    }

    fn probes(&self, hash: u64) -> [usize; 3] {
        let mask = self.bits.len() * 64 - 1;
        let step = (hash >> 32) | 1;
        [0u64, 1, 2].map(|probe| {
            let bit = hash.wrapping_add(probe.wrapping_mul(step));
            usize::try_from(bit).unwrap_or(usize::MAX) & mask
        })
    }

    /// False when `word` (an identifier; a leading `r#` is ignored) is certainly not in the
    /// file.
    pub fn may_contain(&self, word: &str) -> bool {
        let word = word.strip_prefix("r#").unwrap_or(word);
        if word.is_empty() {
            return true;
        }
        let hash = finish(word.bytes().fold(SEED, step));
        self.probes(hash)
            .iter()
            .all(|bit| self.bits[bit / 64] & (1 << (bit % 64)) != 0)
    }

    /// Its size in bytes.
    pub fn size(&self) -> usize {
        self.bits.len() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::WordSet;

    /// The filter of a text is that of its runs of word bytes, set one by one: reading the
    /// text byte by byte changes no bit (cached filters stay valid).
    #[test]
    fn the_filter_sets_the_bits_of_every_run() {
        let text = "fn é_x(a: u8) -> r#B {} // tail_word";
        let set = WordSet::of(text.as_bytes());
        let runs: Vec<&[u8]> = text
            .as_bytes()
            .split(|byte| !super::is_word_byte(*byte))
            .filter(|run| !run.is_empty())
            .collect();
        let bits = (runs.len() * super::BITS_PER_WORD)
            .next_power_of_two()
            .max(super::MIN_BITS);
        let mut expected = vec![0u64; bits / 64];
        for run in runs {
            let hash = super::finish(run.iter().copied().fold(super::SEED, super::step));
            for bit in set.probes(hash) {
                expected[bit / 64] |= 1 << (bit % 64);
            }
        }
        assert_eq!(*set.bits, *expected);
    }

    /// A folded filter is the filter built at the smaller size, bit for bit; a sparse one is
    /// folded, and a folded one is no more than the allowed fill.
    #[test]
    fn folding_gives_the_smaller_filter() {
        // Many repeats of few words: room for every repeat is mostly empty.
        let text = "let order = order_id + order_id * total; ".repeat(200);
        let wide = WordSet::with_bits(text.as_bytes(), 4096);
        let mut folded = wide.clone();
        folded.fold_while_sparse();
        assert!(folded.bits.len() < wide.bits.len());
        let mut expected = WordSet::with_bits(text.as_bytes(), folded.bits.len() * 64);
        assert_eq!(folded, expected);
        // Folded as far as it goes: another fold would pass the fill allowed.
        expected.fold_while_sparse();
        assert_eq!(folded, expected);
        assert_eq!(WordSet::of(text.as_bytes()), folded);
        for word in ["let", "order", "order_id", "total"] {
            assert!(folded.may_contain(word), "{word}");
        }
    }

    /// Folding stops at the fill allowed: a filter of many distinct words, each repeated,
    /// is folded, keeps more than the fewest bits, is no fuller than allowed, and one more
    /// fold would pass that.
    #[test]
    fn folding_stops_at_the_allowed_fill() {
        let words: String = (0..3000).map(|index| format!("word{index} ")).collect();
        let text = words.repeat(10);
        let set = WordSet::of(text.as_bytes());
        let bits = set.bits.len() * 64;
        assert!(bits > super::MIN_BITS, "{bits} bits");
        let fill = |words: &[u64]| {
            let set: u32 = words.iter().map(|word| word.count_ones()).sum();
            f64::from(set) / (words.len() * 64) as f64
        };
        assert!(fill(&set.bits) <= super::MAX_FOLDED_FILL);
        let (low, high) = set.bits.split_at(set.bits.len() / 2);
        let once_more: Vec<u64> = low.iter().zip(high).map(|(a, b)| a | b).collect();
        assert!(fill(&once_more) > super::MAX_FOLDED_FILL);
        // Folded at all: the room for every repeat was more than the words needed.
        let room = (30_000 * super::BITS_PER_WORD).next_power_of_two();
        assert!(bits < room, "{bits} of {room}");
    }

    /// Every word of a file is found, raw identifiers by their name; absent words mostly not.
    #[test]
    fn finds_every_word() {
        let text = "impl r#Type { fn méthode(&self) -> u8 { 1 } } // comment_word\n";
        let set = WordSet::of(text.as_bytes());
        for word in [
            "impl",
            "Type",
            "r#Type",
            "méthode",
            "self",
            "u8",
            "comment_word",
        ] {
            assert!(set.may_contain(word), "{word}");
        }
        let absent = (0..200)
            .filter(|index| set.may_contain(&format!("absent_{index}")))
            .count();
        assert!(absent < 10, "{absent} false positives of 200");
    }
}
