//! Word tokens with byte offsets, and the small closed word lists that attribution needs
//! (speech verbs, titles, pronouns). The lists describe English news style, not any article.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use bumpalo::Bump;

use super::lexicon;

/// A word or a punctuation character, with its byte range in the article.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok<'a> {
    pub start: usize,
    pub end: usize,
    /// Lower-cased word without a possessive ending; the character itself for punctuation.
    /// A slice of the text or of its lower-cased copy; in [`Text`]'s arena for the rare word
    /// whose non-ASCII letters lower-case differently.
    pub norm: &'a str,
    pub word: bool,
    /// Starts with an upper-case letter.
    pub cap: bool,
    /// Ends in ’s / 's (or a bare ’ after s).
    pub possessive: bool,
    /// Word-list memberships ([`SPEECH`], [`TITLE`], …, and the relevance lists), looked up
    /// once per token.
    pub flags: u32,
}

/// Word-list flags (see [`Tok::has`]).
pub(crate) const SPEECH: u32 = 1;
pub(crate) const TITLE: u32 = 1 << 1;
pub(crate) const ROLE: u32 = 1 << 2;
pub(crate) const STOP: u32 = 1 << 3;
pub(crate) const ORG: u32 = 1 << 4;
pub(crate) const OUTLET: u32 = 1 << 5;
pub(crate) const PLACE: u32 = 1 << 6;
pub(crate) const RELAY: u32 = 1 << 7;
// Bits 8 to 15 are the mention lists (`lexicon::mention_words`).
/// Nouns that name unnamed sources when plural or indefinite ("a senior official", "U.S.
/// officials", "an influential TV host", "protesters").
pub(crate) const UNNAMED_HEADS: &[&str] = &[
    "official",
    "officials",
    "source",
    "sources",
    "service",
    "services",
    "critic",
    "critics",
    "analyst",
    "analysts",
    "expert",
    "experts",
    "observer",
    "observers",
    "diplomat",
    "diplomats",
    "lawmaker",
    "lawmakers",
    "aide",
    "aides",
    "insider",
    "insiders",
    "person",
    "people",
    "resident",
    "residents",
    "witness",
    "witnesses",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "representative",
    "representatives",
    "officer",
    "officers",
    "someone",
    "host",
    "hosts",
    "anchor",
    "commentator",
    "commentators",
    "protester",
    "protesters",
    "demonstrator",
    "demonstrators",
    "activist",
    "activists",
    "supporter",
    "supporters",
    "voter",
    "voters",
    "constituent",
    "constituents",
    "member",
    "members",
    "staffer",
    "staffers",
    "worker",
    "workers",
    "student",
    "students",
    "crowd",
    "man",
    "men",
    "woman",
    "women",
    "girl",
    "boy",
    "mother",
    "father",
    "executive",
    "executives",
    "strategist",
    "strategists",
    "adviser",
    "advisers",
    "advisor",
    "advisors",
];

/// Words whose reading as speech verbs depends on the context ([`is_speech_verb`]).
const SPEECH_CONTEXT: u32 = 1 << 16;
/// Not a list: the word holds a hyphen (U.S.-Russian), set by the tokenizer.
pub(crate) const HYPHEN: u32 = 1 << 17;
/// [`ABBREV`]: the tokenizer asks for it at a dot.
const ABBREVIATION: u32 = 1 << 18;
/// [`UNNAMED_HEADS`]: nouns that head an unnamed source.
pub(crate) const UNNAMED: u32 = 1 << 19;

/// The words [`is_speech_verb`] decides on by their neighbours or regardless of
/// [`SPEECH_VERBS`].
const SPEECH_CONTEXT_WORDS: &[&str] = &[
    "pointed",
    "pointing",
    "according",
    "quotes",
    "cites",
    "called",
    "calling",
    "calls",
];

/// Every word list in one table, so that a token costs one lookup.
static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::new(listed_words()));

/// Every (word, flag) pair of the word lists, a word once per list it is in.
fn listed_words() -> impl Iterator<Item = (&'static str, u32)> {
    let lists: [(&HashSet<&'static str>, u32); 8] = [
        (&SPEECH_VERBS, SPEECH),
        (&TITLE_WORDS, TITLE),
        (&ROLE_HEADS, ROLE),
        (&CAP_STOP, STOP),
        (&ORG_WORDS, ORG),
        (&OUTLET_WORDS, OUTLET),
        (&PLACE_WORDS, PLACE),
        (&RELAY_VERBS, RELAY),
    ];
    lists
        .into_iter()
        .flat_map(|(set, flag)| set.iter().map(move |w| (*w, flag)))
        .chain(SPEECH_CONTEXT_WORDS.iter().map(|w| (*w, SPEECH_CONTEXT)))
        .chain(ABBREV.iter().map(|w| (*w, ABBREVIATION)))
        .chain(UNNAMED_HEADS.iter().map(|w| (*w, UNNAMED)))
        .chain(lexicon::mention_words())
}

/// The longest word of [`LEXICON`]: longer words need no lookup.
const LEXICON_MAX_LEN: usize = 16;

/// A word of at most 16 bytes as one integer (little-endian, zero-padded). Words never hold
/// a NUL byte (it is not alphanumeric), so two words share a key only when they are equal,
/// and no word's key is 0.
pub(crate) fn packed(word: &str) -> Option<u128> {
    let b = word.as_bytes();
    if b.len() > LEXICON_MAX_LEN {
        return None;
    }
    let mut k = [0u8; 16];
    k[..b.len()].copy_from_slice(b);
    Some(u128::from_le_bytes(k))
}

/// Word → flags, keyed by [`packed`] words. Every token is looked up, so this is written
/// for the reader's hot loop: words of up to 8 bytes (nearly all) and longer ones sit in two
/// open-addressed tables with linear probing, hashed by one multiplication, small enough to
/// stay in the L1 cache (a general hash map of `u128` keys cost about 50 instructions and
/// often a cache miss per token).
struct Lexicon {
    // 629 and 179 (word, list) pairs in 2026-12: room for 1,024 and 256.
    short: Table<u64, 2048>,
    long: Table<u128, 512>,
}

/// A key of a [`Table`]; 0 marks an empty slot (no word packs to 0).
pub(crate) trait Key: Copy + Eq + Default {
    fn hash64(self) -> u64;
}

impl Key for u64 {
    fn hash64(self) -> u64 {
        self
    }
}

impl Key for u128 {
    fn hash64(self) -> u64 {
        (self as u64) ^ ((self >> 64) as u64).rotate_left(29)
    }
}

/// Integer key → `u32` value (0 when absent), open-addressed: `SIZE` slots (a power of two),
/// at most half full, linear probing, hashed by one multiplication. The size is a constant
/// so that slot indices need no bounds checks and the hash's shift is known.
pub(crate) struct Table<K, const SIZE: usize> {
    keys: Box<[K; SIZE]>,
    values: Box<[u32; SIZE]>,
}

impl<K: Key, const SIZE: usize> Table<K, SIZE> {
    /// `64 - log2(SIZE)`: the hash is the product's top bits.
    const SHIFT: u32 = 64 - SIZE.trailing_zeros();

    /// A table of `entries`, the values of a key given twice or-ed together.
    pub(crate) fn new(entries: &[(K, u32)]) -> Self {
        assert!(
            SIZE.is_power_of_two() && entries.len() * 2 <= SIZE,
            "{} entries need a table of {} slots or more",
            entries.len(),
            entries.len() * 2
        );
        let mut table = Table {
            keys: Box::new([K::default(); SIZE]),
            values: Box::new([0; SIZE]),
        };
        for &(k, value) in entries {
            let i = table.slot(k);
            table.keys[i] = k;
            table.values[i] |= value;
        }
        table
    }

    /// The slot holding `key`, or the empty slot where it would go.
    #[inline(always)]
    fn slot(&self, key: K) -> usize {
        let mut i = (key.hash64().wrapping_mul(0x9E37_79B9_7F4A_7C15) >> Self::SHIFT) as usize;
        while self.keys[i] != key && self.keys[i] != K::default() {
            i = (i + 1) % SIZE;
        }
        i
    }

    /// The value of `key`, 0 when it has none.
    #[inline(always)]
    pub(crate) fn get(&self, key: K) -> u32 {
        self.values[self.slot(key)]
    }
}

impl Lexicon {
    fn new<'w>(words: impl Iterator<Item = (&'w str, u32)>) -> Self {
        let (mut short, mut long) = (Vec::new(), Vec::new());
        for (w, flag) in words {
            match packed(w) {
                Some(k) if w.len() <= 8 => short.push((k as u64, flag)),
                Some(k) => long.push((k, flag)),
                None => {}
            }
        }
        Lexicon {
            short: Table::new(&short),
            long: Table::new(&long),
        }
    }

    /// The flags of a word of `len` bytes packed into `key` (0 when it is in no list).
    #[inline(always)]
    fn get(&self, len: usize, key: u128) -> u32 {
        if len <= 8 {
            self.short.get(key as u64)
        } else {
            self.long.get(key)
        }
    }
}

/// The word-list flags of a lower-cased word.
fn lexicon_flags(lexicon: &Lexicon, word: &str) -> u32 {
    packed(word).map_or(0, |k| lexicon.get(word.len(), k))
}

impl Tok<'_> {
    /// True when the word is in the list(s) of `flag`.
    pub fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }
    pub fn is(&self, s: &str) -> bool {
        self.norm == s
    }
    pub fn is_punct(&self, c: char) -> bool {
        !self.word && self.norm.starts_with(c)
    }
}

/// Lower-case abbreviations that a dot may follow without ending a sentence.
const ABBREV: &[&str] = &[
    "mr", "mrs", "ms", "dr", "gen", "sen", "rep", "st", "jr", "sr", "lt", "col", "gov", "prof",
    "jan", "feb", "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "no", "vs", "inc",
    "corp", "co", "ltd",
];

/// True when a word ending before `.` is an abbreviation (Mr., U.S., J.) rather than a
/// sentence end; `listed` when its ASCII-lower-cased form is in [`ABBREV`] (a lexicon
/// lookup: the list is ASCII, so this is its case-insensitive comparison).
fn is_abbrev(word: &str, listed: bool) -> bool {
    listed || word.contains('.') || {
        let mut chars = word.chars();
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
    }
}

fn inner_char(c: char) -> bool {
    matches!(c, '.' | '\'' | '’' | '-' | '‑')
}

/// An article's text and a copy with ASCII letters lower-cased. The copy keeps every byte
/// offset, so an ASCII word's lower-cased form is a slice of it: tokens borrow it instead of
/// allocating a string per capitalised word.
pub(crate) struct Text<'a> {
    // Private: `lower` is `raw` ASCII-lower-cased, always (`ascii_word` relies on it).
    raw: &'a str,
    lower: String,
    /// Lower-cased words that are not slices of `lower` (non-ASCII capitals), so that tokens
    /// hold a `&str` and need no drop. Allocates nothing until one is stored.
    arena: Bump,
}

impl<'a> Text<'a> {
    pub fn new(raw: &'a str) -> Self {
        Self {
            raw,
            lower: raw.to_ascii_lowercase(),
            arena: Bump::new(),
        }
    }

    /// The article's text.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// [`lexicon_flags`] of the lower-cased ASCII word at `start..end`, with the key read
    /// straight from the lower-cased copy: one 16-byte load and a mask rather than a copy.
    #[inline(always)]
    fn lexicon_flags_at(&self, lexicon: &Lexicon, start: usize, end: usize) -> u32 {
        let len = end - start;
        let window = self.lower.as_bytes().get(start..start + 16);
        match window.and_then(|w| <[u8; 16]>::try_from(w).ok()) {
            Some(w) if len <= LEXICON_MAX_LEN => {
                // Masked as two 64-bit halves: a variable 128-bit shift costs a dozen
                // instructions.
                let w = u128::from_le_bytes(w);
                let (lo, hi) = (w as u64, (w >> 64) as u64);
                let low_bytes = |n: usize| u64::MAX >> (64 - 8 * n);
                if len <= 8 {
                    lexicon.short.get(lo & low_bytes(len))
                } else {
                    lexicon
                        .long
                        .get(u128::from(lo) | u128::from(hi & low_bytes(len - 8)) << 64)
                }
            }
            _ => lexicon_flags(lexicon, &self.lower[start..end]),
        }
    }
}

/// A run of ASCII bytes as a `&str`, without the character-boundary checks of slicing a
/// `str` (two per token on the tokenizer's fast path).
///
/// # Safety
/// Every byte of `run` is ASCII.
#[inline(always)]
unsafe fn ascii_word(run: &[u8]) -> &str {
    debug_assert!(run.is_ascii());
    // SAFETY: ASCII is valid UTF-8 (the caller guarantees the bytes are ASCII).
    unsafe { std::str::from_utf8_unchecked(run) }
}

/// The character starting at byte `i` (a character boundary), decoding only non-ASCII bytes.
fn char_at(s: &str, i: usize) -> char {
    match s.as_bytes()[i] {
        b if b.is_ascii() => char::from(b),
        _ => s[i..].chars().next().unwrap_or(' '),
    }
}

/// `char::is_whitespace` on an ASCII byte (which, unlike `u8::is_ascii_whitespace`, counts
/// the vertical tab).
pub(crate) const fn is_ascii_space(c: u8) -> bool {
    c == b' ' || (c >= 0x09 && c <= 0x0d)
}

/// What the tokenizer needs to know about an ASCII byte, without decoding it.
const ASCII_SPACE: u8 = 1;
const ASCII_ALNUM: u8 = 2;
static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = ASCII_ALNUM;
        } else if is_ascii_space(c) {
            t[b] = ASCII_SPACE;
        }
        b += 1;
    }
    t
};

/// Splits `text.raw[range]` into tokens. Linear in the range.
pub(crate) fn tokenize<'t>(text: &'t Text<'_>, range: Range<usize>) -> Vec<Tok<'t>> {
    let mut out = Vec::with_capacity(range.len() / 4);
    tokenize_into(text, range, &mut out);
    out
}

/// [`tokenize`], appending to `out`.
pub(crate) fn tokenize_into<'t>(text: &'t Text<'_>, range: Range<usize>, out: &mut Vec<Tok<'t>>) {
    // The lexicon is looked up once here, not at every word (each `LazyLock` access checks
    // that it is initialised).
    let lexicon = &*LEXICON;
    let mut i = range.start;
    while let Some(tok) = next_token(text, lexicon, i, range.end) {
        i = tok.end;
        out.push(tok);
    }
}

/// The tokens of a range, one at a time: a reader that needs only the first words of a
/// range (relevance stops once it is decided) does not tokenize the rest.
pub(crate) struct Tokens<'t, 's> {
    text: &'t Text<'s>,
    lexicon: &'static Lexicon,
    /// Where the next token is looked for.
    pos: usize,
    stop: usize,
}

impl<'t, 's> Tokens<'t, 's> {
    pub fn new(text: &'t Text<'s>, range: Range<usize>) -> Self {
        Self {
            text,
            lexicon: &LEXICON,
            pos: range.start,
            stop: range.end,
        }
    }
}

impl<'t> Iterator for Tokens<'t, '_> {
    type Item = Tok<'t>;

    // Inlined into the relevance scan, so that a token is not returned through memory.
    #[inline]
    fn next(&mut self) -> Option<Tok<'t>> {
        let tok = next_token(self.text, self.lexicon, self.pos, self.stop)?;
        self.pos = tok.end;
        Some(tok)
    }
}

/// `char::is_alphanumeric`, answered without Unicode tables for ASCII and for the General
/// Punctuation block (’ “ ” — …), the non-ASCII characters news text is full of (none of
/// U+2000–U+203F is a letter or digit).
#[inline(always)]
pub(crate) fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        !('\u{2000}'..='\u{203F}').contains(&c) && c.is_alphanumeric()
    }
}

/// The end of the run of ASCII letters and digits at `bytes[start..stop]`, read eight bytes
/// at a time: a word's end is then found without a branch per byte (and its misprediction
/// at the word's end).
#[inline(always)]
fn alnum_run_end(bytes: &[u8], start: usize, stop: usize) -> usize {
    let mut end = start;
    while end < stop {
        let Some(w) = bytes
            .get(end..end + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
        else {
            // The text's last bytes.
            while end < stop && BYTE_CLASS[usize::from(bytes[end])] & ASCII_ALNUM != 0 {
                end += 1;
            }
            return end;
        };
        let n = leading_alnum(u64::from_le_bytes(w));
        end += n;
        if n < 8 {
            break;
        }
    }
    end.min(stop)
}

/// How many of the eight bytes of `w` (little-endian) are ASCII letters or digits before the
/// first that is not (SWAR: each test runs on all eight bytes at once).
#[inline(always)]
fn leading_alnum(w: u64) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low7 = w & !HIGH;
    // High bit of each byte set where that byte's low seven bits are >= c (no borrow
    // crosses bytes: each byte is >= 0x80 before the subtraction, c < 0x80).
    let at_least = |x: u64, c: u8| (x | HIGH).wrapping_sub(ONES * u64::from(c)) & HIGH;
    let digit = at_least(low7, b'0') & !at_least(low7, b'9' + 1);
    // Setting bit 5 folds A–Z onto a–z and moves no other byte into a–z.
    let folded = low7 | (ONES * 0x20);
    let letter = at_least(folded, b'a') & !at_least(folded, b'z' + 1);
    let alnum = (digit | letter) & !w & HIGH;
    (!alnum & HIGH).trailing_zeros() as usize / 8
}

/// The first token of `text.raw[i..stop]`, if any. Inlined into both loops over tokens
/// ([`tokenize_into`] and [`Tokens`]): it is the reader's innermost loop.
#[inline(always)]
fn next_token<'t>(
    text: &'t Text<'_>,
    lexicon: &Lexicon,
    mut i: usize,
    stop: usize,
) -> Option<Tok<'t>> {
    let s: &'t str = text.raw;
    let bytes = s.as_bytes();
    while i < stop {
        // The first character: ASCII bytes are classified by table, others decoded.
        let b = bytes[i];
        if b.is_ascii() {
            match BYTE_CLASS[usize::from(b)] {
                ASCII_SPACE => i += 1,
                ASCII_ALNUM => {
                    return Some(word(
                        text,
                        lexicon,
                        i,
                        1,
                        b.is_ascii_uppercase(),
                        true,
                        stop,
                    ))
                }
                _ => return Some(punct(s, i, 1)),
            }
        } else {
            let c = char_at(s, i);
            if c.is_whitespace() {
                i += c.len_utf8();
            } else if is_alnum(c) {
                return Some(word(
                    text,
                    lexicon,
                    i,
                    c.len_utf8(),
                    c.is_uppercase(),
                    false,
                    stop,
                ));
            } else {
                return Some(punct(s, i, c.len_utf8()));
            }
        }
    }
    None
}

/// The word starting at byte `i` with a first character of `first_len` bytes (`ascii` when
/// that character is ASCII).
#[inline(always)]
fn word<'t>(
    text: &'t Text<'_>,
    lexicon: &Lexicon,
    i: usize,
    first_len: usize,
    cap: bool,
    ascii: bool,
    stop: usize,
) -> Tok<'t> {
    let s: &'t str = text.raw;
    let bytes = s.as_bytes();
    let mut end = i + first_len;
    // Nearly every word is ASCII letters and digits ended by a space or by punctuation
    // other than . ' - : no possessive, no inner marks, its lower-cased form a slice.
    if ascii {
        end = alnum_run_end(bytes, end, stop);
        if end == stop || bytes[end].is_ascii() && !matches!(bytes[end], b'.' | b'\'' | b'-') {
            return Tok {
                start: i,
                end,
                flags: text.lexicon_flags_at(lexicon, i, end),
                // SAFETY: `raw[i]` is an ASCII letter or digit (`next_token` classified it)
                // and so is every byte of `raw[i + 1..end]` (`alnum_run_end`); `lower` is
                // `raw` ASCII-lower-cased (private to `Text`), so its bytes there are ASCII.
                norm: unsafe { ascii_word(&text.lower.as_bytes()[i..end]) },
                word: true,
                cap,
                possessive: false,
            };
        }
    }
    let (end, ascii, hyphen) = inner_word_end(text, lexicon, i, end, ascii, stop);
    let (raw_end, mut possessive) = without_possessive(s, i, end);
    // A word with a ’ may be ASCII once "’s" is cut off.
    let from_lower = ascii || s[i..raw_end].is_ascii();
    let norm: &'t str = if from_lower {
        &text.lower[i..raw_end]
    } else {
        let raw = &s[i..raw_end];
        if raw.chars().any(char::is_uppercase) {
            text.arena.alloc_str(&raw.to_lowercase())
        } else {
            raw
        }
    };
    possessive |= plural_possessive_follows(s, end, stop, norm);
    let flags = if from_lower {
        text.lexicon_flags_at(lexicon, i, raw_end)
    } else {
        lexicon_flags(lexicon, norm)
    } | if hyphen { HYPHEN } else { 0 };
    Tok {
        start: i,
        end,
        flags,
        norm,
        word: true,
        cap,
        possessive,
    }
}

/// The end of the word starting at `i`, read on from `end` over letters and digits and the
/// inner marks that join them (U.S, don’t, a hyphen); a final dot is kept when it closes an
/// abbreviation (U.S., Mr.). Also whether the word is still all ASCII, and whether it has a
/// hyphen.
fn inner_word_end(
    text: &Text<'_>,
    lexicon: &Lexicon,
    i: usize,
    mut end: usize,
    mut ascii: bool,
    stop: usize,
) -> (usize, bool, bool) {
    let s = text.raw;
    let bytes = s.as_bytes();
    let mut hyphen = false;
    loop {
        // Most words are ASCII letters: step over them a byte at a time.
        end = alnum_run_end(bytes, end, stop);
        if end >= stop {
            break;
        }
        // An ASCII byte other than . ' - ends the word (a space, a comma).
        let b = bytes[end];
        if b.is_ascii() && !matches!(b, b'.' | b'\'' | b'-') {
            break;
        }
        let d = char_at(s, end);
        if is_alnum(d) {
            ascii = false;
            end += d.len_utf8();
        } else if inner_char(d) {
            // Keep inner punctuation only when a letter or digit follows (U.S, don’t),
            // or a dot closes an abbreviation (U.S., Mr.).
            let after = end + d.len_utf8();
            if after < stop && is_alnum(char_at(s, after)) {
                ascii &= d.is_ascii();
                hyphen |= d == '-';
                end = after;
            } else if d == '.'
                && is_abbrev(
                    &s[i..end],
                    lexicon_flags(lexicon, &text.lower[i..end]) & ABBREVIATION != 0,
                )
            {
                end += 1;
                break;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    (end, ascii, hyphen)
}

/// Where the word `s[i..end]` ends without a possessive ’s or 's, and whether it had one.
fn without_possessive(s: &str, i: usize, end: usize) -> (usize, bool) {
    let bytes = s.as_bytes();
    let mut raw_end = end;
    let mut possessive = false;
    // The byte before the s is ' or the last byte of ’.
    if matches!(bytes[end - 1], b's' | b'S')
        && end - i >= 3
        && matches!(bytes[end - 2], b'\'' | 0x99)
    {
        for suffix in ["’s", "'s", "’S", "'S"] {
            if raw_end - i > suffix.len() && s[i..raw_end].ends_with(suffix) {
                raw_end -= suffix.len();
                possessive = true;
            }
        }
    }
    (raw_end, possessive)
}

/// Whether a plural possessive mark follows the word ending at `end` whose lower-cased form
/// is `norm`: partners’ (the mark right after a word ending in s, then a space or the end).
fn plural_possessive_follows(s: &str, end: usize, stop: usize, norm: &str) -> bool {
    // ’ starts with byte E2.
    if end >= stop || !matches!(s.as_bytes()[end], b'\'' | 0xE2) {
        return false;
    }
    let d = char_at(s, end);
    if !((d == '’' || d == '\'') && norm.ends_with('s')) {
        return false;
    }
    let after = end + d.len_utf8();
    after >= stop || char_at(s, after).is_whitespace()
}

/// A punctuation token: the `len` bytes of one character at `i`.
fn punct(s: &str, i: usize, len: usize) -> Tok<'_> {
    Tok {
        start: i,
        end: i + len,
        norm: &s[i..i + len],
        word: false,
        cap: false,
        possessive: false,
        // No word list holds punctuation ([`is_speech_verb`] relies on it).
        flags: 0,
    }
}

fn set(words: &[&'static str]) -> HashSet<&'static str> {
    words.iter().copied().collect()
}

/// Verbs (all forms) that report speech or writing.
pub(crate) static SPEECH_VERBS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    let stems: &[(&str, &[&str])] = &[
        ("say", &["says", "said", "saying"]),
        ("tell", &["tells", "told", "telling"]),
        ("add", &["adds", "added", "adding"]),
        ("stress", &["stresses", "stressed", "stressing"]),
        ("note", &["notes", "noted", "noting"]),
        ("argue", &["argues", "argued", "arguing"]),
        ("insist", &["insists", "insisted", "insisting"]),
        ("warn", &["warns", "warned", "warning"]),
        ("complain", &["complains", "complained", "complaining"]),
        ("explain", &["explains", "explained", "explaining"]),
        ("denounce", &["denounces", "denounced", "denouncing"]),
        ("value", &["valued"]),
        ("state", &["stated", "stating"]),
        ("emphasize", &["emphasizes", "emphasized", "emphasizing"]),
        ("emphasise", &["emphasises", "emphasised", "emphasising"]),
        ("underline", &["underlines", "underlined", "underlining"]),
        ("declare", &["declares", "declared", "declaring"]),
        ("remark", &["remarks", "remarked", "remarking"]),
        ("assert", &["asserts", "asserted", "asserting"]),
        ("comment", &["comments", "commented", "commenting"]),
        ("write", &["writes", "wrote", "written"]),
        ("tweet", &["tweets", "tweeted", "tweeting"]),
        ("reply", &["replies", "replied", "replying"]),
        ("answer", &["answers", "answered", "answering"]),
        ("urge", &["urges", "urged", "urging"]),
        ("recall", &["recalls", "recalled", "recalling"]),
        (
            "acknowledge",
            &["acknowledges", "acknowledged", "acknowledging"],
        ),
        ("admit", &["admits", "admitted", "admitting"]),
        ("suggest", &["suggests", "suggested", "suggesting"]),
        ("claim", &["claims", "claimed", "claiming"]),
        ("continue", &["continued"]),
        ("conclude", &["concludes", "concluded", "concluding"]),
        ("ask", &["asks", "asked", "asking"]),
        ("announce", &["announces", "announced", "announcing"]),
        ("reiterate", &["reiterates", "reiterated", "reiterating"]),
        ("reaffirm", &["reaffirms", "reaffirmed", "reaffirming"]),
        ("confirm", &["confirms", "confirmed", "confirming"]),
        ("assure", &["assures", "assured", "assuring"]),
        ("promise", &["promises", "promised", "promising"]),
        ("vow", &["vows", "vowed", "vowing"]),
        ("accuse", &["accuses", "accused", "accusing"]),
        ("criticize", &["criticizes", "criticized", "criticizing"]),
        ("criticise", &["criticises", "criticised", "criticising"]),
        ("call", &["calls", "called", "calling"]),
        ("describe", &["describes", "described", "describing"]),
        ("respond", &["responds", "responded", "responding"]),
        ("speak", &["speaks", "spoke"]),
        ("report", &["reports", "reported"]),
        ("quote", &["quotes", "quoted"]),
        ("cite", &["cites", "cited"]),
        ("predict", &["predicts", "predicted"]),
        ("point", &["points", "pointed", "pointing"]),
        ("observe", &["observes", "observed"]),
        ("insist", &[]),
        ("deny", &["denies", "denied", "denying"]),
        ("agree", &[]),
        ("mention", &["mentions", "mentioned"]),
        ("blame", &["blames", "blamed", "blaming"]),
        ("repeat", &["repeats", "repeated"]),
        ("counter", &["countered"]),
        ("testify", &["testifies", "testified", "testifying"]),
        ("boast", &["boasts", "boasted", "boasting"]),
        ("brag", &["brags", "bragged", "bragging"]),
        ("yell", &["yells", "yelled", "yelling"]),
        ("shout", &["shouts", "shouted", "shouting"]),
        ("chant", &["chants", "chanted", "chanting"]),
        ("scream", &["screams", "screamed"]),
        ("exclaim", &["exclaims", "exclaimed"]),
        ("scoff", &["scoffs", "scoffed"]),
        ("tout", &["touts", "touted", "touting"]),
        ("quip", &["quips", "quipped"]),
        ("joke", &["jokes", "joked", "joking"]),
        ("concede", &["concedes", "conceded", "conceding"]),
        ("lament", &["laments", "lamented", "lamenting"]),
        ("contend", &["contends", "contended", "contending"]),
        ("caution", &["cautions", "cautioned", "cautioning"]),
        ("retort", &["retorts", "retorted"]),
        ("allege", &["alleges"]),
        ("chastise", &["chastises", "chastised", "chastising"]),
        ("plead", &["pleads", "pleaded", "pleading"]),
        ("demand", &["demanded"]),
        ("refer", &["referred"]),
        ("charge", &[]),
        ("add", &[]),
    ];
    let mut s = HashSet::new();
    for (stem, forms) in stems {
        // Bare stems that are also common nouns are left out (state, point, call, value).
        if !matches!(
            *stem,
            "state"
                | "point"
                | "call"
                | "value"
                | "continue"
                | "report"
                | "quote"
                | "comment"
                | "remark"
                | "answer"
                | "charge"
                | "counter"
                | "agree"
                | "blame"
                | "promise"
                | "vow"
                | "note"
                | "warn"
                | "claim"
                | "speak"
                | "cite"
                | "observe"
                | "mention"
                | "repeat"
                | "describe"
                | "respond"
                | "predict"
                | "write"
                | "recall"
                | "joke"
                | "caution"
                | "retort"
                | "tout"
                | "quip"
                | "lament"
                | "chant"
                | "shout"
                | "scream"
                | "plead"
                | "demand"
                | "refer"
                | "yell"
                | "boast"
                | "brag"
        ) {
            s.insert(*stem);
        }
        s.extend(forms.iter().copied());
    }
    // "points"/"pointing" only with "out"; checked by the caller. Nouns with the same form:
    s.remove("points");
    s.remove("remarks");
    s.remove("comments");
    s.remove("reports");
    s.remove("claims");
    s.remove("calls");
    s.remove("notes");
    s.remove("quotes");
    s.remove("jokes");
    s.remove("chants");
    s.remove("shouts");
    s.remove("screams");
    s.remove("laments");
    s.remove("cautions");
    s.remove("quips");
    s.remove("boasts");
    s
});

/// Verbs that report through a medium ("TASS quotes him as telling"): their subject is the
/// outlet, the speaker is the object.
pub(crate) static RELAY_VERBS: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| set(&["quotes", "quoted", "cites", "cited", "quoting", "citing"]));

/// Returns true when `toks[i]` is a speech verb in context (handles "pointed out",
/// "according to", relay verbs, and nouns that share a verb's form).
///
/// Inlined: it runs on every token of an article, and the first test rules out nearly all.
#[inline(always)]
pub(crate) fn is_speech_verb(toks: &[Tok], i: usize) -> bool {
    // Every word that can be one is in one of the two lists ("says" and "said" too);
    // punctuation is in none (its flags are 0), so one test rules out nearly every token.
    toks[i].has(SPEECH | SPEECH_CONTEXT) && is_listed_speech_verb(toks, i)
}

/// [`is_speech_verb`] for a word of the lists.
fn is_listed_speech_verb(toks: &[Tok], i: usize) -> bool {
    let t = &toks[i];
    if t.cap {
        // Capitalised: a sentence-opening participle frames ("Speaking from …") rather than
        // attributes; headlines capitalise "Says"; a sentence may open with "According to".
        return matches!(t.norm, "says" | "said")
            || t.is("according") && toks.get(i + 1).is_some_and(|n| n.is("to"));
    }
    let next = toks.get(i + 1).map(|n| n.norm);
    match t.norm {
        "pointed" | "pointing" => next == Some("out"),
        "according" => next == Some("to"),
        "quotes" | "cites" => true,
        "called" | "calling" | "calls" => true,
        _ => t.has(SPEECH),
    }
}

/// Present participles used as "…, saying": their subject is the clause's subject.
pub(crate) fn is_participle(t: &Tok) -> bool {
    t.norm.ends_with("ing")
}

/// Words of job titles and their modifiers (capitalised or not).
pub(crate) static TITLE_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(&[
        "president",
        "vice",
        "prime",
        "minister",
        "deputy",
        "foreign",
        "secretary",
        "state",
        "of",
        "defense",
        "defence",
        "national",
        "security",
        "adviser",
        "advisor",
        "ambassador",
        "envoy",
        "special",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "press",
        "representative",
        "permanent",
        "senator",
        "sen.",
        "rep.",
        "congressman",
        "congresswoman",
        "speaker",
        "house",
        "majority",
        "minority",
        "leader",
        "chief",
        "head",
        "director",
        "general",
        "gen.",
        "admiral",
        "commander",
        "chairman",
        "chair",
        "official",
        "officials",
        "senior",
        "top",
        "former",
        "acting",
        "assistant",
        "under",
        "undersecretary",
        "counselor",
        "counterpart",
        "diplomat",
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "russian",
        "russia",
        "u.s.",
        "us",
        "american",
        "united",
        "states",
        "kremlin",
        "white",
        "pentagon",
        "department",
        "ministry",
        "adviser",
        "aide",
        "council",
        "federation",
        "duma",
        "upper",
        "lower",
        "sitting",
        "then",
        "outgoing",
        "incoming",
        "elect",
        "president-elect",
        "lawmaker",
        "governor",
        "presidential",
        "policy",
        "affairs",
        "fm",
        "the",
        "his",
        "her",
        "its",
        "their",
        "britain's",
        "un",
        "u.n.",
        "nato",
        "eu",
        "european",
        "executive",
        "attorney",
        "treasury",
        "commerce",
        "energy",
        "homeland",
        "intelligence",
        "staff",
        "joint",
        "chiefs",
        "army",
        "navy",
        "mayor",
        "premier",
        "chancellor",
        "king",
        "queen",
        "pope",
        // Abbreviations (spelt out by `speakers::full_title`) and British forms without dots.
        "gov.",
        "gov",
        "sens.",
        "reps.",
        "lt.",
        "mr",
        "mrs",
        "ms",
        "dr",
        // Offices of state and local politics, courts and parliaments.
        "assemblyman",
        "assemblywoman",
        "councilman",
        "councilwoman",
        "councillor",
        "councilor",
        "alderman",
        "commissioner",
        "judge",
        "justice",
        "sheriff",
        "legislator",
        "lieutenant",
        "mp",
        "senate",
        "assembly",
        "sir",
        "dame",
        "lord",
        "prince",
        "princess",
        "chairwoman",
        "founder",
        "ceo",
    ])
});

/// Role nouns that can head a description of a person ("the minister", "the diplomat").
pub(crate) static ROLE_HEADS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(&[
        "president",
        "minister",
        "diplomat",
        "secretary",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "adviser",
        "advisor",
        "ambassador",
        "envoy",
        "official",
        "leader",
        "senator",
        "chief",
        "aide",
        "premier",
        "chancellor",
        "director",
        "representative",
        "counterpart",
        "head",
        "governor",
        "general",
        "commander",
        "lawmaker",
        "congressman",
        "congresswoman",
        "chairman",
        "negotiator",
        "president-elect",
        "fm",
        "assemblyman",
        "assemblywoman",
        "councilman",
        "councilwoman",
        "mayor",
        "commissioner",
        "judge",
        "sheriff",
        "legislator",
        "king",
        "queen",
        "prince",
        "pope",
        "chairwoman",
        "founder",
        "ceo",
        "candidate",
        "nominee",
    ])
});

/// Roles that make someone a lawmaker ("the lawmaker", "the legislator").
pub(crate) static LAWMAKER_ROLES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(&[
        "senator",
        "representative",
        "congressman",
        "congresswoman",
        "assemblyman",
        "assemblywoman",
        "legislator",
        "lawmaker",
        "mp",
    ])
});

/// Roles that make someone a diplomat ("the diplomat", "top diplomat").
pub(crate) static DIPLOMAT_ROLES: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(&[
        "foreign",
        "ambassador",
        "envoy",
        "diplomat",
        "counterpart",
        "representative",
        "fm",
    ])
});

/// Capitalised words that start sentences or headlines but never names.
pub(crate) static CAP_STOP: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(&[
        "the",
        "a",
        "an",
        "and",
        "but",
        "or",
        "both",
        "however",
        "in",
        "on",
        "at",
        "for",
        "if",
        "as",
        "after",
        "before",
        "during",
        "while",
        "then",
        "also",
        "meanwhile",
        "moreover",
        "notably",
        "earlier",
        "later",
        "according",
        "among",
        "despite",
        "instead",
        "this",
        "that",
        "these",
        "those",
        "his",
        "her",
        "their",
        "our",
        "we",
        "i",
        "he",
        "she",
        "it",
        "they",
        "when",
        "where",
        "what",
        "why",
        "how",
        "should",
        "with",
        "from",
        "to",
        "by",
        "of",
        "so",
        "yet",
        "there",
        "here",
        "thus",
        "still",
        "even",
        "since",
        "because",
        "although",
        "though",
        "unfortunately",
        "of",
        "about",
        "over",
        "under",
        "back",
        "go",
        "top",
        "related",
        "support",
        "subscribe",
        "leave",
        "please",
        "latest",
        "all",
        "some",
        "many",
        "most",
        "other",
        "another",
        "more",
        "no",
        "not",
        "now",
        "today",
        "yesterday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan.",
        "feb.",
        "aug.",
        "sept.",
        "oct.",
        "nov.",
        "dec.",
        "says",
        "said",
        "secretary",
        "president",
        "minister",
    ])
});

/// Heads of organisation names that can speak (ministries, offices, the Kremlin).
pub(crate) static ORG_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(&[
        "kremlin",
        "ministry",
        "department",
        "pentagon",
        "embassy",
        "office",
        "house",
        "council",
        "committee",
        "agency",
        "administration",
        "government",
        "commission",
        "service",
        "services",
        "senate",
        "congress",
        "duma",
        "parliament",
        "court",
        "bank",
        "party",
        "society",
        "institute",
        "foundation",
        "university",
        "union",
        "organization",
        "organisation",
        "treaty",
        "forces",
        "army",
        "navy",
        "command",
        "press",
        "news",
        "times",
        "post",
        "journal",
        "channel",
        "network",
        "tv",
        "radio",
        "television",
        "magazine",
        "newspaper",
        "review",
        "herald",
        "tribune",
        "telegraph",
        "guardian",
        "daily",
        "company",
        "corporation",
        "group",
        "center",
        "centre",
        "war",
        "summit",
        "agreement",
        "program",
        "programme",
        "initiative",
        "fund",
        "club",
        "association",
    ])
});

/// Media outlets: when they "report" or "quote", the speaker is someone else.
pub(crate) static OUTLET_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(&[
        "tass",
        "interfax",
        "sputnik",
        "ria",
        "novosti",
        "reuters",
        "ap",
        "afp",
        "cnn",
        "abc",
        "bbc",
        "nbc",
        "cbs",
        "fox",
        "izvestia",
        "kommersant",
        "bloomberg",
        "axios",
        "politico",
        "press",
        "news",
        "times",
        "post",
        "journal",
        "channel",
        "network",
        "tv",
        "radio",
        "television",
        "magazine",
        "newspaper",
        "agency",
        "review",
        "herald",
        "tribune",
        "telegraph",
        "guardian",
        "daily",
        "associated",
        "media",
    ])
});

/// Place names and demonyms that are not people (checked on single words of a name run).
pub(crate) static PLACE_WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    set(&[
        "russia",
        "russian",
        "russians",
        "moscow",
        "washington",
        "america",
        "american",
        "americans",
        "u.s.",
        "us",
        "usa",
        "united",
        "states",
        "kingdom",
        "britain",
        "british",
        "ukraine",
        "ukrainian",
        "kyiv",
        "kiev",
        "syria",
        "syrian",
        "iran",
        "iranian",
        "china",
        "chinese",
        "beijing",
        "europe",
        "european",
        "germany",
        "german",
        "france",
        "french",
        "nato",
        "eu",
        "un",
        "u.n.",
        "crimea",
        "donbas",
        "venezuela",
        "israel",
        "turkey",
        "japan",
        "korea",
        "korean",
        "north",
        "south",
        "east",
        "west",
        "western",
        "eastern",
        "middle",
        "new",
        "york",
        "geneva",
        "vienna",
        "helsinki",
        "paris",
        "london",
        "brussels",
        "alaska",
        "anchorage",
        "sochi",
        "soviet",
        "arctic",
        "pacific",
        "atlantic",
        "asia",
        "africa",
        "india",
        "poland",
        "finland",
        "georgia",
        "belarus",
        "baltic",
        "cold",
        "world",
        "federation",
        "republic",
        "city",
        "region",
        "peninsula",
        "sea",
        "island",
        "islands",
        "afghanistan",
        "iraq",
        "libya",
        "cuba",
        "mexico",
        "canada",
        "tehran",
        "damascus",
        "minsk",
        "vladivostok",
        "st",
        "petersburg",
        "democrats",
        "republicans",
        "democratic",
        "republican",
        "internet",
        "twitter",
        "facebook",
        "telegram",
        "covid-19",
        "god",
    ])
});

/// Personal pronouns that can stand for a speaker.
pub(crate) fn is_pronoun(t: &Tok) -> bool {
    t.word && matches!(t.norm, "he" | "she" | "him" | "her")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_max_len_covers_every_word() {
        assert!(listed_words().all(|(w, _)| w.len() <= LEXICON_MAX_LEN));
    }

    #[test]
    fn lexicon_agrees_with_a_hash_map_of_the_lists() {
        // The oracle: every (word, flag) pair of the lists in a std map.
        let mut expected: std::collections::HashMap<String, u32> = Default::default();
        let pairs = listed_words();
        for (w, flag) in pairs {
            *expected.entry(w.to_string()).or_default() |= flag;
        }
        // Listed words, their prefixes and extensions (near misses), and a real text's words,
        // both through the word-at-a-time lookup and the one reading the lower-cased copy.
        let mut probes: Vec<String> = Vec::new();
        for w in expected.keys() {
            probes.push(w.clone());
            probes.push(format!("{w}s"));
            probes.push(w[..w.len() - 1].to_string());
        }
        let seed = include_str!("../../seeds/000_2883c3e9d1bf4ca2.txt");
        probes.extend(seed.split_whitespace().map(str::to_lowercase));
        let joined = probes.join(" ");
        let text = Text::new(&joined);
        let mut at = 0;
        for p in &probes {
            let want = expected.get(p.as_str()).copied().unwrap_or(0);
            assert_eq!(lexicon_flags(&LEXICON, p), want, "{p:?}");
            if p.is_ascii() && !p.is_empty() {
                let got = text.lexicon_flags_at(&LEXICON, at, at + p.len());
                assert_eq!(
                    got,
                    if p.len() <= LEXICON_MAX_LEN { want } else { 0 },
                    "{p:?}"
                );
            }
            at += p.len() + 1;
        }
    }

    #[test]
    fn alnum_runs_end_where_a_byte_is_not_an_ascii_letter_or_digit() {
        // Every byte value at every position of an eight-byte window, against the byte table.
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut w = *b"aZ09mQz5";
                w[at] = b;
                let expected = w
                    .iter()
                    .position(|&c| !c.is_ascii_alphanumeric())
                    .unwrap_or(8);
                assert_eq!(
                    leading_alnum(u64::from_le_bytes(w)),
                    expected,
                    "{b:#x} at {at}"
                );
            }
        }
        let text = b"Lavrov2024 said, x-y abcdefghijklmnopqrstuvwxyz0123456789!";
        for start in 0..text.len() {
            for stop in start..=text.len() {
                let expected = text[start..stop]
                    .iter()
                    .position(|c| !c.is_ascii_alphanumeric())
                    .map_or(stop, |n| start + n);
                assert_eq!(
                    alnum_run_end(text, start, stop),
                    expected,
                    "{start}..{stop}"
                );
            }
        }
    }

    #[test]
    fn is_alnum_is_is_alphanumeric() {
        for c in '\0'..=char::MAX {
            assert_eq!(is_alnum(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn hyphen_flag_is_a_hyphen_in_the_word() {
        let t = "U.S.-Russian pro-Kremlin -x y- Russia’s-backed a‑b ПРО-Запад";
        let text = Text::new(t);
        for tok in tokenize(&text, 0..t.len()).iter().filter(|t| t.word) {
            assert_eq!(tok.has(HYPHEN), tok.norm.contains('-'), "{:?}", tok.norm);
        }
    }

    #[test]
    fn tokens_keep_abbreviations_and_possessives() {
        let t = "U.S. Secretary Pompeo’s aide, Mr. Lavrov said.";
        let text = Text::new(t);
        let toks = tokenize(&text, 0..t.len());
        let words: Vec<&str> = toks.iter().map(|t| t.norm).collect();
        assert_eq!(
            words,
            [
                "u.s.",
                "secretary",
                "pompeo",
                "aide",
                ",",
                "mr.",
                "lavrov",
                "said",
                "."
            ]
        );
        assert!(toks[2].possessive);
        assert!(is_speech_verb(&toks, 7));
    }
}
