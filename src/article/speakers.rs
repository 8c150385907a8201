//! Who is who in an article: the alias table (one canonical spelling per person across
//! articles) and the per-article registry of people and organisations, with the job titles
//! the article itself gives them ("Russian Foreign Minister Sergey Lavrov", "Nikki Haley,
//! U.S. ambassador to the United Nations,").

use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};

use super::lexicon::{side_of_word, Side};
use super::tokens::{
    is_speech_verb, packed, Table, Tok, DIPLOMAT_ROLES, HYPHEN, LAWMAKER_ROLES, ORG, OUTLET, PLACE,
    PLACE_WORDS, ROLE, ROLE_HEADS, STOP, TITLE, TITLE_WORDS,
};
use crate::{Error, Result};

/// The repository's alias table (`data/speakers.csv`), compiled into the library.
const BUILTIN_CSV: &str = include_str!("../../data/speakers.csv");

/// Canonical speaker names and their spelling variants (columns `canonical,alias`).
#[derive(Debug, Clone, Default)]
pub struct SpeakerAliases {
    by_name: FxHashMap<String, String>,
    /// Surname → canonical name, `None` when two canonical names share the surname.
    by_surname: FxHashMap<String, Option<String>>,
}

/// Lower-cases, drops dots and collapses whitespace: "Michael R. Pompeo" → "michael r pompeo".
fn key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    push_key(&mut out, name.split_whitespace(), |_| true);
    out
}

/// Appends to `out` the [`key`] of a name given as its words (none holding whitespace),
/// with only the key words that `keep` accepts.
fn push_key<'w>(
    out: &mut String,
    words: impl Iterator<Item = &'w str>,
    keep: impl Fn(&str) -> bool,
) {
    let start = out.len();
    for w in words {
        let before = out.len();
        if before > start {
            out.push(' ');
        }
        let word_start = out.len();
        if w.bytes().all(|b| b.is_ascii_lowercase()) {
            // Already a key word (a token's lower-cased form, see `key_word`).
            out.push_str(w);
        } else if w.is_ascii() && !w.as_bytes().contains(&b'.') {
            // No strings per word for ASCII words (almost every name).
            out.push_str(w);
            out[word_start..].make_ascii_lowercase();
        } else if w.is_ascii() {
            let lower = w
                .bytes()
                .filter(|&b| b != b'.')
                .map(|b| b.to_ascii_lowercase());
            out.extend(lower.map(char::from));
        } else {
            out.push_str(&w.replace('.', "").to_lowercase());
        }
        // A word of dots only is left out, with its separator.
        if out.len() == word_start || !keep(&out[word_start..]) {
            out.truncate(before);
        }
    }
}

/// The key without middle initials and suffixes: "joseph r biden jr" → "joseph biden".
fn short_key(k: &str) -> String {
    let mut out = String::new();
    short_key_into(&mut out, k);
    out
}

fn is_suffix(w: &str) -> bool {
    matches!(w, "jr" | "sr" | "ii" | "iii")
}

/// True for a key of up to two words without a suffix (most names): [`short_key`] keeps the
/// first and last words, so it is the key itself.
fn is_own_short_key(k: &str) -> bool {
    // Bytes scanned rather than split: cheaper for a few bytes.
    let (first, rest) = match k.bytes().position(|b| b == b' ') {
        Some(i) => (&k[..i], &k[i + 1..]),
        None => (k, ""),
    };
    !rest.bytes().any(|b| b == b' ') && !is_suffix(first) && !is_suffix(rest)
}

/// [`short_key`] written into `out`.
fn short_key_into(out: &mut String, k: &str) {
    out.clear();
    let words = || k.split(' ').filter(|w| !is_suffix(w));
    let n = words().count();
    for (i, w) in words().enumerate() {
        // The first and last words stay; middle ones only when longer than an initial.
        if i == 0 || i + 1 == n || w.chars().count() > 1 {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(w);
        }
    }
}

impl SpeakerAliases {
    /// The table shipped with tonetrack.
    pub fn builtin() -> Self {
        // The embedded file is checked by a unit test; a broken row would only lose aliases.
        Self::parse(BUILTIN_CSV, Path::new("data/speakers.csv")).unwrap_or_default()
    }

    /// Reads a `canonical,alias` CSV file (header row required).
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        Self::load_delimited(path, b',')
    }

    /// Loads an alias table whose fields are separated by `delimiter` (`b'\t'` for TSV).
    pub fn load_delimited(path: impl AsRef<Path>, delimiter: u8) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse_delimited(&text, path, delimiter)
    }

    /// Parses `canonical,alias` CSV text; `path` only names the source in errors.
    pub fn parse(csv_text: &str, path: &Path) -> Result<Self> {
        Self::parse_delimited(csv_text, path, b',')
    }

    /// Parses an alias table whose fields are separated by `delimiter`.
    pub fn parse_delimited(csv_text: &str, path: &Path, delimiter: u8) -> Result<Self> {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(false)
            .delimiter(delimiter)
            .from_reader(csv_text.as_bytes());
        let csv_err = |line: u64, message: String| Error::Csv {
            path: path.to_path_buf(),
            line,
            message,
        };
        let headers = rdr
            .headers()
            .map_err(|e| csv_err(1, e.to_string()))?
            .clone();
        let col = |name: &str| {
            headers
                .iter()
                .position(|h| h.trim() == name)
                .ok_or_else(|| {
                    csv_err(
                        1,
                        format!("missing column `{name}` (expected canonical,alias)"),
                    )
                })
        };
        let (ci, ai) = (col("canonical")?, col("alias")?);
        let mut out = Self::default();
        for rec in rdr.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                csv_err(line, e.to_string())
            })?;
            let line = rec.position().map_or(0, |p| p.line());
            let (canonical, alias) = (
                rec.get(ci).unwrap_or("").trim(),
                rec.get(ai).unwrap_or("").trim(),
            );
            if canonical.is_empty() {
                return Err(csv_err(line, "empty canonical name".into()));
            }
            out.insert(canonical, alias);
        }
        Ok(out)
    }

    /// Adds one alias (and the canonical name as its own alias).
    pub fn insert(&mut self, canonical: &str, alias: &str) {
        for name in [canonical, alias] {
            if name.trim().is_empty() {
                continue;
            }
            let k = key(name);
            self.by_name.insert(short_key(&k), canonical.to_string());
            self.by_name.insert(k, canonical.to_string());
        }
        if let Some(surname) = key(canonical).rsplit(' ').next() {
            let entry = self
                .by_surname
                .entry(surname.to_string())
                .or_insert_with(|| Some(canonical.to_string()));
            if entry.as_deref() != Some(canonical) {
                *entry = None;
            }
        }
    }

    /// Adds every entry of `other`; on conflicts `other` wins.
    pub fn merge(&mut self, other: SpeakerAliases) {
        for (k, v) in other.by_name {
            self.by_name.insert(k, v);
        }
        for (k, v) in other.by_surname {
            let entry = self.by_surname.entry(k).or_insert_with(|| v.clone());
            if *entry != v {
                *entry = None;
            }
        }
    }

    /// The canonical spelling of a full name, if the table knows it.
    pub fn canonical(&self, name: &str) -> Option<&str> {
        self.canonical_of_key(&key(name), &mut String::new())
    }

    /// [`Self::canonical`] of the name whose [`key`] is `k`; `short` is a buffer.
    fn canonical_of_key(&self, k: &str, short: &mut String) -> Option<&str> {
        if let Some(c) = self.by_name.get(k) {
            return Some(c);
        }
        // Most names are their own short form: no need to build it.
        if is_own_short_key(k) {
            return None;
        }
        short_key_into(short, k);
        // A key that is its own short form was just looked up.
        if short == k {
            return None;
        }
        self.by_name.get(short.as_str()).map(String::as_str)
    }

    /// The one canonical name with this surname, if exactly one exists.
    pub fn by_surname(&self, surname: &str) -> Option<&str> {
        // A lower-case ASCII word without dots is its own key (a token's form, usually).
        let own_key = !surname.is_empty()
            && surname
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b.is_ascii_uppercase() && b != b'.');
        let entry = if own_key {
            self.by_surname.get(surname)
        } else {
            self.by_surname.get(&key(surname))
        };
        entry?.as_deref()
    }

    /// Number of names (canonical and aliases) known.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// True when the table is empty.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Person {
    /// The name's place in [`People::words`] (see [`People::name`]).
    name: Range<usize>,
    /// The surname's place in [`People::words`].
    surname: Range<usize>,
    /// Its first byte: same surnames start with the same byte, so most persons are ruled
    /// out without reading theirs.
    initial: Option<u8>,
    titles: Titles,
    pub side: Side,
    /// The article or the name says so (spokeswoman, Ms., a woman's first name); used to
    /// match "she"/"he".
    pub female: bool,
    /// The first name is in [`FEMALE_FIRST_NAMES`] (the name never changes).
    female_name: bool,
    /// The [`Titles::len`] that `side` and `female` were derived from (titles are only
    /// added).
    derived_from: usize,
    /// The age the article gives ("Biden, 81,"), for "the 81-year-old".
    age: Option<u16>,
}

/// Every word a title can be (the title and role lists, and the women's titles), numbered
/// for [`TitleBits`] in alphabetical order (a word past the 256th has no number), keyed by
/// [`title_key`].
static TITLE_NUMBERS: LazyLock<Table<u128, 512>> = LazyLock::new(|| {
    let mut words: Vec<&'static str> = TITLE_WORDS
        .iter()
        .chain(ROLE_HEADS.iter())
        .chain(DIPLOMAT_ROLES.iter())
        .chain(LAWMAKER_ROLES.iter())
        .chain(FEMALE_TITLES)
        .copied()
        .collect();
    words.sort_unstable();
    words.dedup();
    // Stored as number + 1: the table's 0 is "no number".
    let entries: Vec<(u128, u32)> = words
        .into_iter()
        .filter_map(title_key)
        .zip(1..=u32::from(u8::MAX) + 1)
        .collect();
    Table::new(&entries)
});

/// A title word as one integer ([`packed`]), so that finding its number hashes and compares
/// integers rather than strings. A word ending in a NUL byte (never a title) has none: it
/// would share the key of the word without it.
fn title_key(word: &str) -> Option<u128> {
    if word.as_bytes().last() == Some(&0) {
        return None;
    }
    packed(word)
}

/// The number of a title word, if it has one.
fn title_number(word: &str) -> Option<u8> {
    let n = TITLE_NUMBERS.get(title_key(word)?);
    u8::try_from(n.checked_sub(1)?).ok()
}

/// A set of numbered title words ([`TITLE_NUMBERS`]).
#[derive(Debug, Clone, Copy, Default)]
struct TitleBits([u128; 2]);

impl TitleBits {
    /// The numbered ones of `words`.
    fn of<'w>(words: impl IntoIterator<Item = &'w str>) -> Self {
        let mut bits = Self::default();
        for w in words {
            if let Some(n) = title_number(w) {
                bits.insert(n);
            }
        }
        bits
    }

    fn has(&self, n: u8) -> bool {
        self.0[usize::from(n >> 7)] & 1 << (n & 127) != 0
    }

    /// Adds word `n`; true when it was not here.
    fn insert(&mut self, n: u8) -> bool {
        let new = !self.has(n);
        self.0[usize::from(n >> 7)] |= 1 << (n & 127);
        new
    }

    fn intersects(&self, other: &TitleBits) -> bool {
        self.0[0] & other.0[0] != 0 || self.0[1] & other.0[1] != 0
    }

    fn contains_all(&self, other: &TitleBits) -> bool {
        self.0[0] & other.0[0] == other.0[0] && self.0[1] & other.0[1] == other.0[1]
    }
}

/// [`ROLE_HEADS`] as title bits.
static ROLE_BITS: LazyLock<TitleBits> = LazyLock::new(|| TitleBits::of(ROLE_HEADS.iter().copied()));

/// [`LAWMAKER_ROLES`] as title bits.
static LAWMAKER_BITS: LazyLock<TitleBits> =
    LazyLock::new(|| TitleBits::of(LAWMAKER_ROLES.iter().copied()));

/// [`DIPLOMAT_ROLES`] as title bits.
static DIPLOMAT_BITS: LazyLock<TitleBits> =
    LazyLock::new(|| TitleBits::of(DIPLOMAT_ROLES.iter().copied()));

/// Titles that make someone a woman.
const FEMALE_TITLES: &[&str] = &[
    "spokeswoman",
    "congresswoman",
    "chairwoman",
    "assemblywoman",
    "councilwoman",
    "businesswoman",
    "ms.",
    "mrs.",
    "madam",
    "queen",
    "princess",
    "dame",
];

/// A title as descriptions name it: abbreviations spelt out ("Sen." is a senator, "Gov." a
/// governor), British "Mr" with its American dot, so that "the senator" finds "Sen. X".
pub(crate) fn full_title(t: &str) -> &str {
    match t {
        "sen." | "sen" | "sens." => "senator",
        "rep." | "reps." => "representative",
        "gov." | "gov" => "governor",
        "gen." => "general",
        "lt." => "lieutenant",
        "mr" => "mr.",
        "mrs" => "mrs.",
        "ms" => "ms.",
        "dr" => "dr.",
        _ => t,
    }
}

/// [`FEMALE_TITLES`] as title bits.
static FEMALE_BITS: LazyLock<TitleBits> =
    LazyLock::new(|| TitleBits::of(FEMALE_TITLES.iter().copied()));

/// A person's title words, each once: a set of bits rather than a string per title. Titles
/// are only ever asked "is there one such", or for the first with a side, which repeats do
/// not change; without them a person named throughout a long article does not collect one
/// copy per mention.
#[derive(Debug, Clone, Default)]
struct Titles {
    numbered: TitleBits,
    /// Titles without a number, in order (none while the word lists fit the bits).
    others: Vec<String>,
    /// The side of the first title that has one.
    first_side: Side,
    /// How many titles.
    len: usize,
}

impl Titles {
    fn contains(&self, title: &str) -> bool {
        match title_number(title) {
            Some(n) => self.numbered.has(n),
            None => self.others.iter().any(|t| t == title),
        }
    }

    /// Adds a title if not yet here.
    fn insert(&mut self, t: &str) {
        let t = full_title(t);
        let new = match title_number(t) {
            Some(n) => self.numbered.insert(n),
            None if self.others.iter().any(|o| o == t) => false,
            None => {
                self.others.push(t.to_string());
                true
            }
        };
        if new {
            self.len += 1;
            if self.first_side == Side::Unknown {
                self.first_side = side_of_word(t);
            }
        }
    }

    #[cfg(test)]
    fn extend(&mut self, titles: &[&str]) {
        for t in titles {
            self.insert(t);
        }
    }

    /// Adds the titles of `other` not yet here, as if inserted one by one in their order.
    fn union(&mut self, other: &Titles) {
        let [a, b] = other.numbered.0;
        let [x, y] = self.numbered.0;
        self.len += ((a & !x).count_ones() + (b & !y).count_ones()) as usize;
        self.numbered = TitleBits([a | x, b | y]);
        for t in &other.others {
            if !self.others.contains(t) {
                self.others.push(t.clone());
                self.len += 1;
            }
        }
        // A title with a side sets `first_side`: while it is unknown here, no title here has
        // one, so the first of `other`'s that has one is new here and decides.
        if self.first_side == Side::Unknown {
            self.first_side = other.first_side;
        }
    }

    /// True when one of the titles is in `bits` or, unnumbered, passes `listed`.
    fn any_of(&self, bits: &TitleBits, listed: impl Fn(&str) -> bool) -> bool {
        self.numbered.intersects(bits) || self.others.iter().any(|t| listed(t))
    }

    fn len(&self) -> usize {
        self.len
    }
}

/// Common women's first names among public figures in the news (general knowledge, used
/// only to keep "he" and "she" apart).
const FEMALE_FIRST_NAMES: &[&str] = &[
    "maria",
    "mariya",
    "nikki",
    "jen",
    "jennifer",
    "hillary",
    "victoria",
    "karoline",
    "tammy",
    "heather",
    "morgan",
    "bonnie",
    "sabrina",
    "sarah",
    "kamala",
    "nancy",
    "condoleezza",
    "madeleine",
    "samantha",
    "linda",
    "kristi",
    "valentina",
    "ella",
    "elvira",
    "tulsi",
    "susan",
    "angela",
    "theresa",
    "ursula",
    "kaja",
    "liz",
    "annalena",
    "marine",
    "giorgia",
    "anna",
    "olga",
    "irina",
    "natalia",
    "tatiana",
    "elena",
    "yulia",
    "svetlana",
    "margarita",
    "federica",
    "catherine",
    "michelle",
    "jill",
    "melania",
    "ivanka",
    "elizabeth",
    "wendy",
    "rose",
    "julie",
    "mary",
    "patricia",
    "barbara",
    "karen",
    "lisa",
    "emily",
    "nina",
    "fiona",
    "marie",
    "kelly",
    "kristen",
    "caroline",
    "amy",
    "dana",
    "alexandra",
];

/// [`FEMALE_FIRST_NAMES`] as a set.
static FEMALE_FIRST_NAME_SET: LazyLock<FxHashSet<&'static [u8]>> =
    LazyLock::new(|| FEMALE_FIRST_NAMES.iter().map(|n| n.as_bytes()).collect());

/// True when the name's first word is a woman's first name.
fn has_female_first_name(name: &str) -> bool {
    // The first word: an ASCII name ends it at its first space (a name never starts with
    // one), others are split properly.
    let end = name
        .bytes()
        .position(|b| !b.is_ascii() || char::from(b).is_whitespace());
    let first = match end {
        None if !name.is_empty() => name,
        Some(i) if i > 0 && name.as_bytes()[i].is_ascii() => &name[..i],
        _ => name.split_whitespace().next().unwrap_or(""),
    };
    // The list is lower-case ASCII: an ASCII name is lower-cased on the stack (a longer
    // name than the buffer is longer than any in the list).
    let mut buf = [0u8; 16];
    if first.is_ascii() {
        let Some(lower) = buf.get_mut(..first.len()) else {
            return false;
        };
        lower.copy_from_slice(first.as_bytes());
        lower.make_ascii_lowercase();
        FEMALE_FIRST_NAME_SET.contains(&*lower)
    } else {
        FEMALE_FIRST_NAME_SET.contains(first.to_lowercase().as_bytes())
    }
}

fn is_female(female_name: bool, titles: &Titles) -> bool {
    female_name || titles.any_of(&FEMALE_BITS, |t| FEMALE_TITLES.contains(&t))
}

#[derive(Debug, Clone)]
pub(crate) struct Org {
    /// The name's place in [`People::words`] (see [`People::name`]).
    name: Range<usize>,
    /// The key's place in [`People::words`].
    key: Range<usize>,
    pub outlet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Who {
    Person(usize),
    Org(usize),
}

#[derive(Debug, Clone)]
pub(crate) struct Mention {
    pub start: usize,
    pub end: usize,
    pub who: Who,
    pub possessive: bool,
}

/// People and organisations of one article, and where they are mentioned.
#[derive(Debug, Default)]
pub(crate) struct People {
    pub persons: Vec<Person>,
    pub orgs: Vec<Org>,
    /// Sorted by `start`.
    pub mentions: Vec<Mention>,
    /// The names, the persons' surnames and the organisations' keys, one after another: one
    /// string rather than one per entry.
    words: String,
}

/// Same surname, allowing one typo in names of five letters or more (Ushkakov = Ushakov).
fn same_surname(a: &str, b: &str) -> bool {
    a == b || one_typo_apart(a, b)
}

/// [`same_surname`] for different strings. Out of line: rarely needed, and inlined it made
/// every look-up of a surname pay for its registers.
#[inline(never)]
fn one_typo_apart(a: &str, b: &str) -> bool {
    // Byte tests that only rule out: different first bytes mean different first characters,
    // and fewer than five bytes fewer than five characters.
    if a.as_bytes().first() != b.as_bytes().first() || a.len() < 5 || b.len() < 5 {
        return false;
    }
    // Cheap filters first: same initial, similar length.
    let (la, lb) = (a.chars().count(), b.chars().count());
    a.chars().next() == b.chars().next()
        && la.abs_diff(lb) <= 1
        && la >= 5
        && lb >= 5
        && one_edit_apart(a, b)
}

/// True when one edit turns `a` into `b` (different strings): a character substituted,
/// inserted or deleted, or two adjacent ones swapped. This is `strsim::osa_distance(a, b)
/// <= 1` for strings known to differ, without its tables.
fn one_edit_apart(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        // ASCII: bytes are characters.
        return one_edit_apart_in(a.as_bytes(), b.as_bytes());
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    one_edit_apart_in(&a, &b)
}

/// [`one_edit_apart`] of two sequences of characters.
fn one_edit_apart_in<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let Some(i) = short.iter().zip(long.iter()).position(|(x, y)| x != y) else {
        // One is a prefix of the other.
        return long.len() - short.len() <= 1;
    };
    if short.len() == long.len() {
        let substituted = short[i + 1..] == long[i + 1..];
        let swapped = i + 1 < short.len()
            && short[i] == long[i + 1]
            && short[i + 1] == long[i]
            && short[i + 2..] == long[i + 2..];
        substituted || swapped
    } else {
        long.len() - short.len() == 1 && short[i..] == long[i + 1..]
    }
}

/// Endings of titles written as one word with what they head: German and Nordic compounds
/// ("Außenminister", "Regierungssprecher", "utrikesminister").
const COMPOUND_TITLE_ENDS: &[&str] = &[
    "minister",
    "präsident",
    "sprecher",
    "sprecherin",
    "kanzler",
    "kanzlerin",
];

/// A capitalised word that is a title made of title words ("Secretary-General",
/// "Vice-President") or a compound ending in one ("Außenminister").
fn is_compound_title(t: &Tok) -> bool {
    let n = t.norm;
    // The shortest compound is an ending of seven letters and a stem of three.
    (t.has(HYPHEN) && n.split('-').all(|p| TITLE_WORDS.contains(p)))
        || n.len() >= 10
            && COMPOUND_TITLE_ENDS
                .iter()
                .any(|e| n.len() > e.len() + 2 && n.ends_with(e))
}

/// A word that can only be part of a name: a name word ([`is_name_word`]) that is no title,
/// no all-capitals abbreviation and no compound title.
#[inline(always)]
fn is_pure_name_word(text: &str, t: &Tok) -> bool {
    // Nearly every such word is a short capitalised ASCII word without a listed flag
    // ("Lavrov", "Mitch"): told by its flags and two bytes.
    let n = t.norm.as_bytes();
    let plain = t.flags & (TITLE | PLACE | STOP | HYPHEN) == 0
        && t.word
        && t.cap
        && n.len() < 10
        && n.first().is_some_and(u8::is_ascii_alphabetic)
        && t.end - t.start >= 2
        && text.as_bytes()[t.start + 1].is_ascii_lowercase();
    plain || !t.has(TITLE) && is_name_word(t) && !is_all_caps(text, t) && !is_compound_title(t)
}

#[inline(always)]
fn is_name_word(t: &Tok) -> bool {
    let n = t.norm;
    t.word
        && t.cap
        && !t.has(PLACE)
        && !t.has(STOP)
        // An ASCII letter first (nearly always) spares decoding the word.
        && (n.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            || n.chars().any(char::is_alphabetic))
        && !(t.has(HYPHEN) && n.split('-').any(|p| PLACE_WORDS.contains(p)))
}

/// The word of `t` as printed, a possessive ending cut.
fn printed<'x>(text: &'x str, t: &Tok) -> &'x str {
    let w = &text[t.start..t.end];
    // The tokenizer marks every word ending in ’s or 's as possessive.
    if !t.possessive {
        return w;
    }
    w.strip_suffix("’s")
        .or_else(|| w.strip_suffix("'s"))
        .unwrap_or(w)
}

/// The word of `t` for [`push_key`]: its lower-cased form when that is the printed word
/// lower-cased, so that it is not lower-cased again (an ASCII printed word as long as the
/// form: the form is then the text's ASCII-lower-cased copy of the same bytes).
fn key_word<'x>(text: &'x str, t: &Tok<'x>) -> &'x str {
    let w = printed(text, t);
    if w.len() == t.norm.len() && w.is_ascii() {
        t.norm
    } else {
        w
    }
}

/// The words of `toks` as printed ([`printed`]), joined by spaces, appended to `out`.
fn push_raw_name(out: &mut String, text: &str, toks: &[Tok]) {
    for (k, t) in toks.iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        out.push_str(printed(text, t));
    }
}

#[inline]
fn is_all_caps(text: &str, t: &Tok) -> bool {
    // A lower-case ASCII second byte is the second character (the first is then ASCII too):
    // the common capitalised word is ruled out without decoding it.
    if t.end - t.start >= 2 && text.as_bytes()[t.start + 1].is_ascii_lowercase() {
        return false;
    }
    all_caps_slow(&text[t.start..t.end])
}

/// [`is_all_caps`] past its quick test.
fn all_caps_slow(w: &str) -> bool {
    let mut letters = 0;
    for c in w.chars() {
        if c.is_alphabetic() {
            if !c.is_uppercase() {
                return false;
            }
            letters += 1;
        }
    }
    letters >= 3
}

/// A comma, full stop or semicolon: `is_punct` of the three, on the first byte.
fn ends_apposition(t: &Tok) -> bool {
    !t.word && matches!(t.norm.as_bytes().first(), Some(b',' | b'.' | b';'))
}

/// The buffers of one registry build, reused from name to name.
struct Scratch<'t, 'a> {
    /// Single capitalised words, whether a speech verb follows and whether they come from a
    /// Title-Case line; resolved once every full name is known.
    singles: Vec<(&'t Tok<'a>, bool, bool)>,
    /// The names of two words or more read in Title-Case lines, with their titles and
    /// whether they are possessive: confirmed once the rest of the article is read
    /// ([`People::title_case_names`]).
    title_case: Vec<(&'t [Tok<'a>], Titles, bool)>,
    /// A buffer for [`short_key_into`] (rarely needed, so allocated when it is).
    short: String,
}

impl Scratch<'_, '_> {
    /// Room for what a news article needs, so the buffers rarely grow.
    fn new() -> Self {
        Self {
            singles: Vec::with_capacity(32),
            title_case: Vec::new(),
            short: String::new(),
        }
    }
}

impl People {
    /// Builds the registry from the article's non-quoted text (`ranges`, in order).
    #[cfg(test)]
    pub fn build(text: &str, ranges: &[std::ops::Range<usize>], aliases: &SpeakerAliases) -> Self {
        let source = super::tokens::Text::new(text);
        let groups: Vec<Vec<Tok>> = ranges
            .iter()
            .map(|r| super::tokens::tokenize(&source, r.clone()))
            .collect();
        Self::from_tokens(text, groups.iter().map(|g| (g.as_slice(), false)), aliases)
    }

    /// Builds the registry from token groups in text order; a group is a stretch of text
    /// without quotations, so names never run across one. A group flagged `true` is in a
    /// headline line, whose capitals mark verbs and nouns too: a Title-Case line, or the
    /// article's headline however it is cased (`cues::is_headline_line`).
    pub fn from_tokens<'t, 'a: 't>(
        text: &'a str,
        groups: impl Iterator<Item = (&'t [Tok<'a>], bool)>,
        aliases: &SpeakerAliases,
    ) -> Self {
        // Room for a news article's people, organisations and mentions (the seed and dev
        // articles have up to 9, 6 and 32), so the lists rarely grow.
        let mut people = People {
            persons: Vec::with_capacity(8),
            orgs: Vec::with_capacity(8),
            mentions: Vec::with_capacity(32),
            words: String::with_capacity(128),
        };
        let mut s = Scratch::new();
        for (toks, title_case) in groups {
            people.scan(text, toks, title_case, aliases, &mut s);
        }
        people.title_case_names(text, aliases, &mut s);
        // Single names: a surname seen in full, an alias-table surname, or a capitalised
        // word directly followed by a speech verb.
        people.mentions.reserve(s.singles.len());
        for &(tok, speaks, _) in &s.singles {
            // A new person below is new for sure: no one has the surname.
            let who = people
                .person_by_surname(tok.norm)
                // Another word of a full name, for one who speaks ("Wang said").
                .or_else(|| {
                    speaks
                        .then(|| people.person_by_name_word(tok.norm))
                        .flatten()
                })
                .map(Who::Person)
                .or_else(|| {
                    aliases.by_surname(tok.norm).map(|canon| {
                        let name = people.push_word(canon);
                        Who::Person(people.new_person(name, tok.norm, Titles::default()))
                    })
                })
                .or_else(|| {
                    // An unknown single name that speaks ("Smith said") is a person.
                    speaks.then(|| {
                        let name = people.push_word(printed(text, tok));
                        Who::Person(people.new_person(name, tok.norm, Titles::default()))
                    })
                });
            if let Some(who) = who {
                people.mentions.push(Mention {
                    start: tok.start,
                    end: tok.end,
                    who,
                    possessive: tok.possessive,
                });
            }
        }
        people.mentions.sort_by_key(|m| m.start);
        people
    }

    /// The first person whose surname is [`same_surname`] as `surname`.
    fn person_by_surname(&self, surname: &str) -> Option<usize> {
        let initial = surname.as_bytes().first().copied();
        self.persons.iter().position(|p| {
            p.initial == initial && same_surname(&self.words[p.surname.clone()], surname)
        })
    }

    /// The one person whose name has `word` (lower-cased) as a word other than the surname
    /// ("Wang" for "Wang Yi", whose family name comes first), if exactly one has.
    fn person_by_name_word(&self, word: &str) -> Option<usize> {
        let mut found = None;
        for (i, p) in self.persons.iter().enumerate() {
            let name = &self.words[p.name.clone()];
            let same = |w: &str| {
                w.len() == word.len() && w.eq_ignore_ascii_case(word)
                    || !w.is_ascii() && w.to_lowercase() == word
            };
            if name.split(' ').any(same) {
                if found.is_some() {
                    return None;
                }
                found = Some(i);
            }
        }
        found
    }

    /// Adds titles to person `i`, and updates what they tell.
    fn add_titles(&mut self, i: usize, titles: &Titles) {
        let p = &mut self.persons[i];
        p.titles.union(titles);
        // Both are functions of the name and the titles: recomputed when titles came.
        if p.titles.len() != p.derived_from {
            p.side = side_from_titles(&p.titles);
            p.female = is_female(p.female_name, &p.titles);
            p.derived_from = p.titles.len();
        }
    }

    /// Appends `w` to [`People::words`]; its place there.
    fn push_word(&mut self, w: &str) -> Range<usize> {
        let start = self.words.len();
        self.words.push_str(w);
        start..self.words.len()
    }

    /// The name of a person or organisation.
    pub fn name(&self, who: Who) -> &str {
        let range = match who {
            Who::Person(p) => &self.persons[p].name,
            Who::Org(o) => &self.orgs[o].name,
        };
        &self.words[range.clone()]
    }

    /// Adds a person nobody in the registry shares the surname with, named by `name` in
    /// [`People::words`].
    fn new_person(&mut self, name: Range<usize>, surname: &str, titles: Titles) -> usize {
        let female_name = has_female_first_name(&self.words[name.clone()]);
        let initial = surname.as_bytes().first().copied();
        let surname = self.push_word(surname);
        self.persons.push(Person {
            name,
            surname,
            initial,
            derived_from: titles.len(),
            side: side_from_titles(&titles),
            female: is_female(female_name, &titles),
            female_name,
            titles,
            age: None,
        });
        self.persons.len() - 1
    }

    /// The organisation named by `toks`, added when new.
    fn add_org(&mut self, text: &str, toks: &[Tok], outlet: bool) -> usize {
        // The key's words without sides and "the" (tokens hold no whitespace: each is a
        // word of the key), written where the key stays if the organisation is new.
        let words = toks.iter().map(|t| key_word(text, t));
        let key_start = self.words.len();
        push_key(&mut self.words, words, |w| {
            side_of_word(w) == Side::Unknown && w != "the"
        });
        let key = key_start..self.words.len();
        let known = self
            .orgs
            .iter()
            .position(|o| self.words[o.key.clone()] == self.words[key.clone()]);
        if known.is_some() {
            self.words.truncate(key_start);
        }
        let start = self.words.len();
        push_raw_name(&mut self.words, text, toks);
        let name = start..self.words.len();
        if let Some(i) = known {
            // Prefer the fuller name ("Russian Foreign Ministry" over "Foreign Ministry").
            if name.len() > self.orgs[i].name.len() {
                self.orgs[i].name = name;
            } else {
                self.words.truncate(start);
            }
            return i;
        }
        self.orgs.push(Org { name, key, outlet });
        self.orgs.len() - 1
    }

    fn scan<'t, 'a>(
        &mut self,
        text: &str,
        toks: &'t [Tok<'a>],
        title_case: bool,
        aliases: &SpeakerAliases,
        s: &mut Scratch<'t, 'a>,
    ) {
        let mut i = 0;
        while i < toks.len() {
            // `&`, not `&&`: two loads and one branch per token (most tokens take this).
            if !(toks[i].word & toks[i].cap) {
                i += 1;
                continue;
            }
            // A run of capitalised words ("of" allowed inside), ending after a possessive.
            let a = i;
            let mut b = i;
            while b < toks.len() {
                let t = &toks[b];
                let inner_of =
                    t.is("of") && b > a && toks.get(b + 1).is_some_and(|n| n.word && n.cap);
                if !(t.word && t.cap || inner_of) {
                    break;
                }
                b += 1;
                if t.possessive {
                    break;
                }
            }
            self.run(text, toks, a, b, title_case, aliases, s);
            i = b.max(a + 1);
        }
    }

    /// Reads the run of capitalised words `toks[a..b]`: an organisation, a person's full
    /// name (with the titles around it), or a single name word kept for later; in a
    /// Title-Case line (`title_case`), a name of two words or more is kept for later too.
    #[allow(clippy::too_many_arguments)]
    fn run<'t, 'a>(
        &mut self,
        text: &str,
        toks: &'t [Tok<'a>],
        a: usize,
        b: usize,
        title_case: bool,
        aliases: &SpeakerAliases,
        s: &mut Scratch<'t, 'a>,
    ) {
        let run = &toks[a..b];
        let possessive = run.last().is_some_and(|t| t.possessive);
        if self.organisation(text, run, possessive) {
            return;
        }
        // No name unless the run ends with a word that can be one (most runs are a
        // sentence's first word: "The", "In", "He").
        if !is_name_word(&run[run.len() - 1]) {
            return;
        }
        let (lead, name) = split_name(text, run);
        if name.is_empty() {
            return;
        }
        let before = titles_before(toks, a);
        let appos = if possessive {
            &[][..]
        } else {
            apposition(toks, b)
        };
        if name.len() >= 2 && title_case {
            s.title_case
                .push((name, titles_of(lead, before, appos), possessive));
        } else if name.len() >= 2 {
            let titles = || titles_of(lead, before, appos);
            let p = self.full_name(text, name, titles, aliases, s);
            if let Some(age) = age_apposition(&toks[b..]) {
                self.persons[p].age = Some(age);
            }
            self.mentions.push(Mention {
                start: name[0].start,
                end: name[name.len() - 1].end,
                who: Who::Person(p),
                possessive,
            });
        } else {
            let t = &name[0];
            let titled = lead.iter().any(|t| t.has(TITLE))
                || !before.is_empty()
                || appos.iter().any(|t| t.has(TITLE) || t.has(ROLE));
            if titled {
                // "Mr. Lavrov", "President Trump": remember the titles through the surname
                // (what they tell is only derived when the full name comes again).
                if let Some(p) = self.person_by_surname(t.norm) {
                    self.persons[p]
                        .titles
                        .union(&titles_of(lead, before, appos));
                }
            }
            let speaks = !t.possessive && b < toks.len() && is_speech_verb(toks, b);
            s.singles.push((t, speaks, title_case));
        }
    }

    /// Records the run as an organisation if it is one (it ends in an organisation word, or
    /// is a known outlet written in capitals), its leading stop words left out.
    fn organisation(&mut self, text: &str, run: &[Tok], possessive: bool) -> bool {
        let last = &run[run.len() - 1];
        let org_like = last.has(ORG)
            || run.len() == 1 && last.has(OUTLET) && run.iter().all(|t| is_all_caps(text, t));
        if !org_like {
            return false;
        }
        let first = run.iter().position(|t| !t.has(STOP)).unwrap_or(run.len());
        let name_toks = &run[first..];
        if !name_toks.is_empty() {
            let outlet = name_toks.iter().any(|t| t.has(OUTLET));
            let o = self.add_org(text, name_toks, outlet);
            self.mentions.push(Mention {
                start: name_toks[0].start,
                end: last.end,
                who: Who::Org(o),
                possessive,
            });
        }
        true
    }

    /// The names of headline lines (Title-Case lines, and the article's headline however it
    /// is cased). Such a line capitalises its verbs and nouns too ("Putin Delivers Annual
    /// Address", "Lavrov Delivers a Message to Tillerson: talks must go on"), so a run
    /// of capitalised words there is a name only as far as the rest of the article or the
    /// alias table confirms it: a prefix the alias table knows, or a first name and a
    /// surname that the body names (or the table knows) when the first word is no name of
    /// its own ("Jens Stoltenberg Warns Allies"). The other words are read as single names.
    fn title_case_names<'t, 'a>(
        &mut self,
        text: &str,
        aliases: &SpeakerAliases,
        s: &mut Scratch<'t, 'a>,
    ) {
        let runs = std::mem::take(&mut s.title_case);
        for (name, titles, possessive) in runs {
            let is_surname = |people: &Self, w: &str| {
                people.person_by_surname(w).is_some()
                    || aliases.by_surname(w).is_some()
                    || s.singles.iter().any(|(t, _, tc)| !tc && t.norm == w)
            };
            let known = |k: usize| {
                let words = name[..=k].iter().map(|t| printed(text, t));
                aliases
                    .canonical(&words.collect::<Vec<_>>().join(" "))
                    .is_some()
            };
            let confirmed = (1..name.len()).rev().find(|&k| known(k)).or_else(|| {
                (is_surname(self, name[1].norm) && !is_surname(self, name[0].norm)).then_some(1)
            });
            let rest = match confirmed {
                Some(k) => {
                    let p = self.full_name(text, &name[..=k], || titles.clone(), aliases, s);
                    self.mentions.push(Mention {
                        start: name[0].start,
                        end: name[k].end,
                        who: Who::Person(p),
                        possessive: possessive && k + 1 == name.len(),
                    });
                    &name[k + 1..]
                }
                None => name,
            };
            s.singles.extend(rest.iter().map(|t| (t, false, true)));
        }
    }

    /// The person a full name (two words or more) is: someone met before by the surname,
    /// who gets the `titles`; else a new person, named as the aliases say.
    fn full_name<'t, 'a>(
        &mut self,
        text: &str,
        name: &[Tok],
        titles: impl Fn() -> Titles,
        aliases: &SpeakerAliases,
        s: &mut Scratch<'t, 'a>,
    ) -> usize {
        let surname = &name[name.len() - 1].norm;
        if let Some(p) = self.person_by_surname(surname) {
            // Someone known keeps their first name: this one is not needed.
            self.add_titles(p, &titles());
            return p;
        }
        // The key is looked up at the end of `words`, then makes way for the name (tokens
        // hold no whitespace: each is a word of the key).
        let start = self.words.len();
        let words = name.iter().map(|t| key_word(text, t));
        push_key(&mut self.words, words, |_| true);
        let canonical = aliases.canonical_of_key(&self.words[start..], &mut s.short);
        self.words.truncate(start);
        match canonical {
            Some(canonical) => self.words.push_str(canonical),
            None => push_raw_name(&mut self.words, text, name),
        }
        self.new_person(start..self.words.len(), surname, titles())
    }

    /// The mention covering byte `offset`, if any.
    pub fn at(&self, offset: usize) -> Option<&Mention> {
        let i = self.mentions.partition_point(|m| m.start <= offset);
        let m = self.mentions.get(i.checked_sub(1)?)?;
        (offset < m.end).then_some(m)
    }

    /// The last person mentioned before `offset` with this index.
    pub fn last_mention_before(&self, person: usize, offset: usize) -> Option<usize> {
        let end = self.mentions.partition_point(|m| m.start < offset);
        self.mentions[..end]
            .iter()
            .rev()
            .find(|m| m.who == Who::Person(person))
            .map(|m| m.start)
    }

    /// True when the article gives person `p` a role ("minister", "senator"), not only
    /// honorifics and places.
    pub fn has_role(&self, p: usize) -> bool {
        self.persons[p]
            .titles
            .any_of(&ROLE_BITS, |t| ROLE_HEADS.contains(t))
    }

    /// Resolves a description ("the Russian minister", "U.S. Secretary of State") to the
    /// person of this article whose titles fit it best; ties go to the latest mentioned.
    pub fn describe(&self, words: &[String], offset: usize) -> Option<usize> {
        if let Some(age) = words.last().and_then(|w| age_of(w)) {
            // "the 72-year-old": the person the article gave that age, latest mentioned.
            return (0..self.persons.len())
                .filter(|&i| self.persons[i].age == Some(age))
                .max_by_key(|&i| self.last_mention_before(i, offset));
        }
        let head = words
            .iter()
            .rev()
            .find(|w| ROLE_HEADS.contains(w.as_str()))?;
        let secretary_of_state = head == "secretary" && words.iter().any(|w| w == "state");
        let mut best: Option<(i32, usize, usize)> = None; // (score, recency, person)
        for (i, p) in self.persons.iter().enumerate() {
            let mut score = 0;
            if p.titles.contains(head) {
                score += 3;
            }
            if (head == "diplomat" || secretary_of_state)
                && p.titles
                    .any_of(&DIPLOMAT_BITS, |t| DIPLOMAT_ROLES.contains(t))
            {
                score += 3;
            }
            if LAWMAKER_ROLES.contains(head.as_str())
                && p.titles
                    .any_of(&LAWMAKER_BITS, |t| LAWMAKER_ROLES.contains(t))
            {
                score += 3;
            }
            for w in words {
                if w == head
                    || matches!(
                        w.as_str(),
                        "the" | "a" | "top" | "senior" | "former" | "his" | "her"
                    )
                {
                    continue;
                }
                match (side_of_word(w), p.side) {
                    (Side::Unknown, _) => {
                        if p.titles.contains(w) {
                            score += 1;
                        }
                    }
                    (s, ps) if s == ps => score += 2,
                    (_, Side::Unknown) => {}
                    _ => score -= 10,
                }
            }
            if score < 2 {
                continue;
            }
            let recency = self.last_mention_before(i, offset).map_or(0, |s| s + 1);
            if best.is_none_or(|(bs, br, _)| (score, recency) > (bs, br)) {
                best = Some((score, recency, i));
            }
        }
        best.map(|(_, _, i)| i)
    }
}

/// The age in an apposition right after a name: `, 72,` (or `, 72.`).
fn age_apposition(after: &[Tok]) -> Option<u16> {
    match after {
        [c, n, e, ..] if c.is_punct(',') && (e.is_punct(',') || e.is_punct('.')) => {
            let age: u16 = n.norm.parse().ok()?;
            (n.norm.len() == 2 && (18..=110).contains(&age)).then_some(age)
        }
        _ => None,
    }
}

/// The age of a description's head such as "72-year-old".
pub(crate) fn age_of(word: &str) -> Option<u16> {
    word.strip_suffix("-year-old")?.parse().ok()
}

/// Title words that say "US" together: "United States", "Secretary of State", "White House"
/// (numbered: they are title words).
static US_TITLE_SETS: LazyLock<[TitleBits; 3]> = LazyLock::new(|| {
    let sets: [&[&str]; 3] = [&["united", "states"], &["secretary", "state"], &["white"]];
    sets.map(|words| {
        // A word without a number would drop out of its set, and an empty set is contained
        // in every person's titles.
        assert!(
            words.iter().all(|w| title_number(w).is_some()),
            "{words:?} must be numbered title words"
        );
        TitleBits::of(words.iter().copied())
    })
});

fn side_from_titles(titles: &Titles) -> Side {
    if titles.first_side != Side::Unknown || titles.len() == 0 {
        return titles.first_side;
    }
    if US_TITLE_SETS
        .iter()
        .any(|set| titles.numbered.contains_all(set))
    {
        return Side::Us;
    }
    Side::Unknown
}

/// Splits a run of capitalised words into what leads the name and the name: the run's last
/// words that can be a name; what leads it is titles, places and organisations ("Senate
/// Majority Leader Mitch McConnell", "FBI Director James Comey", "Kentucky Gov. Ernie
/// Fletcher"). A title word that ends a titled run belongs to the name ("Sen. Angus King").
fn split_name<'t, 'a>(text: &str, run: &'t [Tok<'a>]) -> (&'t [Tok<'a>], &'t [Tok<'a>]) {
    let pure = |t: &Tok| is_pure_name_word(text, t);
    let k = run.len() - run.iter().rev().take_while(|t| pure(t)).count();
    let lead_end = if k == run.len() {
        run[..k.saturating_sub(1)].iter().rposition(|t| !pure(t))
    } else {
        None
    };
    let k = match lead_end {
        Some(i) if i + 2 < k && is_name_word(&run[k - 1]) && run[i].has(TITLE) => i + 1,
        _ => k,
    };
    run.split_at(k)
}

/// The title words just before the run starting at `a` ("national security adviser Jake
/// Sullivan"), at most six; "to" inside a title ("Ambassador to the United States Anatoly
/// Antonov").
fn titles_before<'t, 'a>(toks: &'t [Tok<'a>], a: usize) -> &'t [Tok<'a>] {
    let mut j = a;
    while j > 0 && a - j < 6 {
        let t = &toks[j - 1];
        let to = t.is("to") && j >= 2 && toks[j - 2].has(TITLE);
        if t.word && !t.possessive && (t.has(TITLE) || t.has(ROLE) || to) {
            j -= 1;
        } else {
            break;
        }
    }
    &toks[j..a]
}

/// The apposition after a name that ends at `b` ("Nikki Haley, U.S. ambassador to the
/// United Nations,"): after a comma, up to 16 words that start like a title, an owner before
/// them skipped ("President Donald Trump’s special envoy"); empty if there is none.
fn apposition<'t, 'a>(toks: &'t [Tok<'a>], b: usize) -> &'t [Tok<'a>] {
    if !toks.get(b).is_some_and(|t| t.is_punct(',')) {
        return &[];
    }
    let after = &toks[b + 1..];
    let len = after
        .iter()
        .take(16)
        .take_while(|t| !ends_apposition(t))
        .count();
    let seg = &after[..len];
    let from = seg.iter().position(|t| t.possessive).map_or(0, |p| p + 1);
    let seg = &seg[from..];
    let starts_like_title = seg
        .first()
        .is_some_and(|t| t.has(TITLE) || t.has(ROLE) || matches!(t.norm, "the" | "a" | "an"));
    if starts_like_title {
        seg
    } else {
        &[]
    }
}

/// The titles of a name, in the order they count (the first with a side decides): those
/// leading its run, those just before the run (nearest first), then an apposition's.
fn titles_of(lead: &[Tok], before: &[Tok], appos: &[Tok]) -> Titles {
    let mut titles = Titles::default();
    let listed = lead
        .iter()
        .filter(|t| t.has(TITLE))
        .chain(before.iter().rev())
        .chain(appos.iter().filter(|t| t.has(TITLE) || t.has(ROLE)));
    for t in listed {
        titles.insert(t.norm);
    }
    titles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_parses_and_maps_variants() {
        let a = SpeakerAliases::parse(BUILTIN_CSV, Path::new("data/speakers.csv"))
            .expect("embedded alias table parses");
        assert_eq!(a.canonical("Sergei Lavrov"), Some("Sergey Lavrov"));
        assert_eq!(a.canonical("Michael R. Pompeo"), Some("Mike Pompeo"));
        assert_eq!(a.by_surname("Lavrov"), Some("Sergey Lavrov"));
    }

    #[test]
    fn load_reports_file_and_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a.csv");
        std::fs::write(&path, "canonical,alias\nA B,C\n,D\n").expect("write");
        let err = SpeakerAliases::load(&path).expect_err("empty canonical is an error");
        assert!(err.to_string().contains("a.csv:3"), "{err}");
        std::fs::write(&path, "name,alias\n").expect("write");
        assert!(SpeakerAliases::load(&path).is_err());
    }

    #[test]
    fn merge_lets_users_extend() {
        let mut a = SpeakerAliases::builtin();
        let mut b = SpeakerAliases::default();
        b.insert("Jane Roe", "J. Roe");
        a.merge(b);
        assert_eq!(a.canonical("J. Roe"), Some("Jane Roe"));
        assert_eq!(a.canonical("Sergei Lavrov"), Some("Sergey Lavrov"));
    }

    #[test]
    fn titles_bind_descriptions() {
        let t = "Russian Foreign Minister Sergei Lavrov met his U.S. counterpart Mike Pompeo.";
        let p = People::build(
            t,
            std::slice::from_ref(&(0..t.len())),
            &SpeakerAliases::builtin(),
        );
        let lavrov = (0..p.persons.len())
            .position(|i| p.name(Who::Person(i)) == "Sergey Lavrov")
            .expect("lavrov");
        let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            p.describe(&words("the russian minister"), t.len()),
            Some(lavrov)
        );
        assert_eq!(
            p.describe(&words("russia top diplomat"), t.len()),
            Some(lavrov)
        );
        let pompeo = (0..p.persons.len())
            .position(|i| p.name(Who::Person(i)) == "Mike Pompeo")
            .expect("pompeo");
        assert_eq!(
            p.describe(&words("u.s. secretary of state"), t.len()),
            Some(pompeo)
        );
    }

    #[test]
    fn one_edit_apart_is_osa_distance_one() {
        let words = [
            "ushakov",
            "ushkakov",
            "ryabkov",
            "rybakov",
            "rybakvo",
            "ryabkvo",
            "lavrov",
            "lavrova",
            "alvrov",
            "lavorv",
            "peskov",
            "pesokv",
            "zakharova",
            "zaharova",
            "zakharov",
            "biden",
            "bident",
            "ibden",
            "bidne",
            "bdien",
            "navalny",
            "navalnyy",
            "šojgu",
            "shoigu",
            "šojgú",
            "ab",
            "ba",
            "a",
            "",
        ];
        for a in words {
            for b in words {
                if a != b {
                    let want = strsim::osa_distance(a, b) <= 1;
                    assert_eq!(one_edit_apart(a, b), want, "{a} {b}");
                }
            }
        }
    }

    #[test]
    fn short_key_drops_middle_initials_and_suffixes() {
        assert_eq!(short_key("joseph r biden jr"), "joseph biden");
        assert_eq!(short_key("george h w bush"), "george bush");
        assert_eq!(short_key("martin luther king jr"), "martin luther king");
        assert_eq!(short_key("a b"), "a b");
        assert_eq!(short_key("j biden"), "j biden");
        assert_eq!(short_key("biden jr"), "biden");
        assert_eq!(short_key("jr"), "");
        assert_eq!(short_key("jr sr a"), "a");
        assert_eq!(short_key("é ö ü lavrov"), "é lavrov");
        for k in [
            "",
            "jr",
            "a",
            "a b",
            "biden jr",
            "jr biden",
            "j biden",
            "a b c",
            "é lavrov",
        ] {
            assert!(!is_own_short_key(k) || short_key(k) == k, "{k}");
        }
        assert!(is_own_short_key("joseph biden") && !is_own_short_key("joseph r biden"));
    }

    #[test]
    fn key_of_words_keeps_what_is_asked() {
        let mut k = String::from("kept ");
        push_key(
            &mut k,
            ["The", "U.S.", "State", "Department"].into_iter(),
            |w| side_of_word(w) == Side::Unknown && w != "the",
        );
        assert_eq!(k, "kept state department");
        k.clear();
        push_key(&mut k, ["Šojgú", "S.", "..."].into_iter(), |_| true);
        assert_eq!(k, "šojgú s");
        assert_eq!(key("  Michael R.  Pompeo "), "michael r pompeo");
    }

    #[test]
    fn key_words_key_as_printed_words_do() {
        let text = "Lavrov’s NATO'S Reuters’ Šojgú’s \u{212A}elvin's U.S. Ab'S’s McFaul O'Brien";
        let source = super::super::tokens::Text::new(text);
        let toks = super::super::tokens::tokenize(&source, 0..text.len());
        for t in toks.iter().filter(|t| t.word) {
            let (mut fast, mut slow) = (String::new(), String::new());
            push_key(&mut fast, std::iter::once(key_word(text, t)), |_| true);
            push_key(&mut slow, std::iter::once(printed(text, t)), |_| true);
            assert_eq!(fast, slow, "{t:?}");
            let w = &text[t.start..t.end];
            let cut = w.strip_suffix("’s").or_else(|| w.strip_suffix("'s"));
            assert_eq!(printed(text, t), cut.unwrap_or(w), "{t:?}");
        }
    }

    #[test]
    fn titles_are_a_set_that_remembers_the_first_side() {
        let mut t = Titles::default();
        t.extend(&["foreign", "minister", "foreign"]);
        assert_eq!((t.len(), t.first_side), (2, Side::Unknown));
        t.extend(&["russian", "u.s.", "unlisted-word", "unlisted-word"]);
        assert_eq!((t.len(), t.first_side), (5, Side::Ru));
        assert!(t.contains("minister") && t.contains("unlisted-word") && t.contains("u.s."));
        assert!(!t.contains("president") && !t.contains("other"));
        assert!(t.any_of(&DIPLOMAT_BITS, |w| DIPLOMAT_ROLES.contains(w)));
        assert!(!is_female(false, &t));
        t.extend(&["ms."]);
        assert!(is_female(false, &t));
        assert_eq!(side_from_titles(&t), Side::Ru);
        let mut us = Titles::default();
        us.extend(&["secretary", "of", "state"]);
        assert_eq!(side_from_titles(&us), Side::Us);
        // A union is the other's titles inserted one by one.
        let words = [
            "minister", "odd-word", "u.s.", "foreign", "russian", "minister",
        ];
        for cut in 0..words.len() {
            let (mine, theirs) = words.split_at(cut);
            let (mut one_by_one, mut united, mut other) =
                (Titles::default(), Titles::default(), Titles::default());
            one_by_one.extend(&words);
            united.extend(mine);
            other.extend(theirs);
            united.union(&other);
            assert_eq!(format!("{one_by_one:?}"), format!("{united:?}"), "{cut}");
        }
    }

    #[test]
    fn every_title_word_is_numbered() {
        // More words than bits would still work (as strings), only slower.
        let listed = TITLE_WORDS.iter().chain(ROLE_HEADS.iter());
        assert!(listed
            .chain(FEMALE_TITLES)
            .all(|w| title_number(w).is_some()));
        assert!(title_number("minister") != title_number("ministers"));
        // side_from_titles reads these as bits.
        let us = ["united", "states", "secretary", "state", "white"];
        assert!(us.iter().all(|w| title_number(w).is_some()));
        assert_eq!(title_number("ms.\0"), None);
        assert_eq!(title_number(""), None);
        assert_eq!(title_number("extraordinarily-long"), None);
    }

    #[test]
    fn female_first_names_ignore_case() {
        assert!(FEMALE_FIRST_NAMES.iter().all(|n| n.len() <= 16));
        assert!(has_female_first_name("Maria Zakharova"));
        assert!(has_female_first_name("NIKKI Haley"));
        assert!(!has_female_first_name("Sergey Lavrov"));
        assert!(!has_female_first_name("Mariazakharovaaaaaaaa"));
        assert!(!has_female_first_name(""));
        assert!(!has_female_first_name("Ælla X"));
        assert!(has_female_first_name(" Maria Zakharova"));
        assert!(has_female_first_name("Maria\u{a0}Zakharova"));
        assert!(has_female_first_name("Maria\tZakharova"));
        assert!(has_female_first_name("Maria"));
    }

    #[test]
    fn all_caps_needs_three_capitals_and_no_small_letter() {
        let text = "NATO Nato USA U.S. ÉLYSÉE Élysée TASS-Ria A";
        let source = super::super::tokens::Text::new(text);
        let toks = super::super::tokens::tokenize(&source, 0..text.len());
        let caps: Vec<bool> = toks.iter().map(|t| is_all_caps(text, t)).collect();
        assert_eq!(caps, [true, false, true, false, true, false, false, false]);
    }

    #[test]
    fn misspelt_surnames_merge() {
        assert!(same_surname("ushakov", "ushkakov"));
        assert!(same_surname("ryabkov", "rybakov"));
        assert!(!same_surname("biden", "bolton"));
    }
}
