//! Who is who in an article: the alias table (one canonical spelling per person across
//! articles) and the per-article registry of people and organisations, with the job titles
//! the article itself gives them ("Russian Foreign Minister Sergey Lavrov", "Nikki Haley,
//! U.S. ambassador to the United Nations,").

use std::path::Path;

use rustc_hash::FxHashMap;

use super::tokens::{
    is_speech_verb, Tok, DIPLOMAT_ROLES, HYPHEN, ORG, OUTLET, PLACE, PLACE_WORDS, ROLE, ROLE_HEADS,
    STOP, TITLE,
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
    for w in name.split_whitespace() {
        let before = out.len();
        if before > 0 {
            out.push(' ');
        }
        let word_start = out.len();
        if w.is_ascii() && !w.contains('.') {
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
        if out.len() == word_start {
            out.truncate(before);
        }
    }
    out
}

/// The key without middle initials and suffixes: "joseph r biden jr" → "joseph biden".
fn short_key(k: &str) -> String {
    let words: Vec<&str> = k
        .split(' ')
        .filter(|w| !matches!(*w, "jr" | "sr" | "ii" | "iii"))
        .collect();
    match words.as_slice() {
        [first, middle @ .., last] if !middle.is_empty() => {
            let kept: Vec<&str> = std::iter::once(*first)
                .chain(middle.iter().copied().filter(|w| w.chars().count() > 1))
                .chain(std::iter::once(*last))
                .collect();
            kept.join(" ")
        }
        _ => words.join(" "),
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
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(&text, path)
    }

    /// Parses `canonical,alias` CSV text; `path` only names the source in errors.
    pub fn parse(csv_text: &str, path: &Path) -> Result<Self> {
        let mut rdr = csv::ReaderBuilder::new()
            .flexible(false)
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
        let k = key(name);
        self.by_name
            .get(&k)
            .or_else(|| self.by_name.get(&short_key(&k)))
            .map(String::as_str)
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

/// Which side of the relationship someone speaks for, as far as the article says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Side {
    /// Not said by the article.
    #[default]
    Unknown,
    /// The United States.
    Us,
    /// Russia.
    Ru,
}

/// The side a single word points to (demonyms, capitals, institutions).
pub(crate) fn side_of_word(w: &str) -> Side {
    match w {
        "russian" | "russia" | "moscow" | "kremlin" | "russians" => Side::Ru,
        "u.s." | "us" | "american" | "america" | "washington" | "americans" | "pentagon"
        | "usa" => Side::Us,
        _ => Side::Unknown,
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub name: String,
    surname: String,
    pub titles: Vec<String>,
    pub side: Side,
    /// The article or the name says so (spokeswoman, Ms., a woman's first name); used to
    /// match "she"/"he".
    pub female: bool,
    /// How many titles `side` and `female` were derived from (titles are only added).
    derived_from: usize,
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

fn is_female(name: &str, titles: &[String]) -> bool {
    let first = name.split_whitespace().next().unwrap_or("");
    // The list is lower-case ASCII: an ASCII name is compared without lower-casing it.
    let listed = if first.is_ascii() {
        FEMALE_FIRST_NAMES
            .iter()
            .any(|n| n.eq_ignore_ascii_case(first))
    } else {
        FEMALE_FIRST_NAMES.contains(&first.to_lowercase().as_str())
    };
    listed
        || titles.iter().any(|t| {
            matches!(
                t.as_str(),
                "spokeswoman" | "congresswoman" | "chairwoman" | "ms." | "mrs." | "madam" | "queen"
            )
        })
}

#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub name: String,
    key: String,
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
}

/// Adds the titles not yet in `into`. Titles are only ever asked "is there one such", or
/// for the first with a side, which repeats do not change; without them a person named
/// throughout a long article does not collect one copy per mention.
fn add_titles(into: &mut Vec<String>, titles: &[&str]) {
    for &t in titles {
        if !into.iter().any(|x| x == t) {
            into.push(t.to_string());
        }
    }
}

/// Same surname, allowing one typo in names of five letters or more (Ushkakov = Ushakov).
fn same_surname(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
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
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
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

fn is_name_word(t: &Tok) -> bool {
    let n = &*t.norm;
    t.word
        && t.cap
        && !t.has(PLACE)
        && !t.has(STOP)
        && n.chars().any(char::is_alphabetic)
        && !(t.has(HYPHEN) && n.split('-').any(|p| PLACE_WORDS.contains(p)))
}

/// The words of `toks` as printed, possessive endings cut, joined by spaces.
fn raw_name(text: &str, toks: &[Tok]) -> String {
    let mut out = String::with_capacity(toks.iter().map(|t| t.end - t.start + 1).sum());
    for (k, t) in toks.iter().enumerate() {
        let w = &text[t.start..t.end];
        let w = w
            .strip_suffix("’s")
            .or_else(|| w.strip_suffix("'s"))
            .unwrap_or(w);
        if k > 0 {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn is_all_caps(text: &str, t: &Tok) -> bool {
    let mut letters = 0;
    for c in text[t.start..t.end].chars() {
        if c.is_alphabetic() {
            if !c.is_uppercase() {
                return false;
            }
            letters += 1;
        }
    }
    letters >= 3
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
        Self::from_tokens(text, groups.iter().map(Vec::as_slice), aliases)
    }

    /// Builds the registry from token groups in text order; a group is a stretch of text
    /// without quotations, so names never run across one.
    pub fn from_tokens<'t, 'a: 't>(
        text: &'a str,
        groups: impl Iterator<Item = &'t [Tok<'a>]>,
        aliases: &SpeakerAliases,
    ) -> Self {
        let mut people = People::default();
        // (start, end, token, speaks)
        let mut singles: Vec<(usize, usize, Tok<'a>, bool)> = Vec::new();
        // One buffer for the titles of every run of names.
        let mut titles: Vec<&'t str> = Vec::new();
        for toks in groups {
            people.scan(text, toks, aliases, &mut singles, &mut titles);
        }
        // Single names: a surname seen in full, an alias-table surname, or a capitalised
        // word directly followed by a speech verb.
        for (start, end, tok, speaks) in singles {
            let who = people
                .person_by_surname(&tok.norm)
                .map(Who::Person)
                .or_else(|| {
                    aliases
                        .by_surname(&tok.norm)
                        .map(|canon| Who::Person(people.add_person(canon, &tok.norm, &[])))
                })
                .or_else(|| {
                    // An unknown single name that speaks ("Smith said") is a person.
                    speaks.then(|| {
                        let raw = raw_name(text, std::slice::from_ref(&tok));
                        Who::Person(people.add_person(&raw, &tok.norm, &[]))
                    })
                });
            if let Some(who) = who {
                people.mentions.push(Mention {
                    start,
                    end,
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
        // Same surnames start with the same byte: that test first, inline.
        let initial = surname.as_bytes().first();
        self.persons.iter().position(|p| {
            p.surname.as_bytes().first() == initial && same_surname(&p.surname, surname)
        })
    }

    fn add_person(&mut self, name: &str, surname: &str, titles: &[&str]) -> usize {
        if let Some(i) = self.person_by_surname(surname) {
            let p = &mut self.persons[i];
            add_titles(&mut p.titles, titles);
            // Both are functions of the name and the titles: recomputed when titles came.
            if p.titles.len() != p.derived_from {
                p.side = side_from_titles(&p.titles);
                p.female = is_female(&p.name, &p.titles);
                p.derived_from = p.titles.len();
            }
            return i;
        }
        let mut unique = Vec::with_capacity(titles.len());
        add_titles(&mut unique, titles);
        let titles = unique;
        let side = side_from_titles(&titles);
        let female = is_female(name, &titles);
        self.persons.push(Person {
            name: name.to_string(),
            surname: surname.to_string(),
            derived_from: titles.len(),
            titles,
            side,
            female,
        });
        self.persons.len() - 1
    }

    fn add_org(&mut self, name: &str, outlet: bool) -> usize {
        // The key's words without sides and "the", joined by spaces.
        let full = key(name);
        let words = full
            .split(' ')
            .filter(|w| side_of_word(w) == Side::Unknown && *w != "the");
        let mut k = String::with_capacity(full.len());
        for (n, w) in words.enumerate() {
            if n > 0 {
                k.push(' ');
            }
            k.push_str(w);
        }
        if let Some(i) = self.orgs.iter().position(|o| o.key == k) {
            // Prefer the fuller name ("Russian Foreign Ministry" over "Foreign Ministry").
            if name.len() > self.orgs[i].name.len() {
                self.orgs[i].name = name.to_string();
            }
            return i;
        }
        self.orgs.push(Org {
            name: name.to_string(),
            key: k,
            outlet,
        });
        self.orgs.len() - 1
    }

    fn scan<'t, 'a>(
        &mut self,
        text: &str,
        toks: &'t [Tok<'a>],
        aliases: &SpeakerAliases,
        singles: &mut Vec<(usize, usize, Tok<'a>, bool)>,
        titles: &mut Vec<&'t str>,
    ) {
        let mut i = 0;
        while i < toks.len() {
            if !(toks[i].word && toks[i].cap) {
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
            self.run(text, toks, a, b, aliases, singles, titles);
            i = b.max(a + 1);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn run<'t, 'a>(
        &mut self,
        text: &str,
        toks: &'t [Tok<'a>],
        a: usize,
        b: usize,
        aliases: &SpeakerAliases,
        singles: &mut Vec<(usize, usize, Tok<'a>, bool)>,
        titles: &mut Vec<&'t str>,
    ) {
        let run = &toks[a..b];
        let possessive = run.last().is_some_and(|t| t.possessive);
        // Organisations: the run ends in an organisation word, or is a known outlet.
        let last = &run[run.len() - 1];
        let org_like = last.has(ORG)
            || run.len() == 1 && last.has(OUTLET) && run.iter().all(|t| is_all_caps(text, t));
        if org_like {
            let first = run.iter().position(|t| !t.has(STOP)).unwrap_or(run.len());
            let name_toks = &run[first..];
            if !name_toks.is_empty() {
                let outlet = name_toks.iter().any(|t| t.has(OUTLET));
                let name = raw_name(text, name_toks);
                let o = self.add_org(&name, outlet);
                self.mentions.push(Mention {
                    start: name_toks[0].start,
                    end: last.end,
                    who: Who::Org(o),
                    possessive,
                });
            }
            return;
        }
        // Split off leading stop words and titles; the rest is the name.
        titles.clear();
        let mut k = 0;
        while k < run.len() && (run[k].has(STOP) || run[k].has(TITLE)) {
            if run[k].has(TITLE) {
                titles.push(&run[k].norm);
            }
            k += 1;
        }
        let name = &run[k..];
        if name.is_empty()
            || !name.iter().all(|t| is_name_word(t) || t.is("of"))
            || name.iter().any(|t| is_all_caps(text, t))
        {
            return;
        }
        if name.iter().any(|t| t.is("of")) {
            return;
        }
        // Titles just before the run ("national security adviser Jake Sullivan").
        let mut j = a;
        while j > 0 && a - j < 6 {
            let t = &toks[j - 1];
            if t.word && !t.possessive && (t.has(TITLE) || t.has(ROLE)) {
                titles.push(&t.norm);
                j -= 1;
            } else {
                break;
            }
        }
        // Apposition after the name: "Nikki Haley, U.S. ambassador to the United Nations,".
        if toks.get(b).is_some_and(|t| t.is_punct(',')) && !possessive {
            let after = &toks[b + 1..];
            let len = after
                .iter()
                .take(16)
                .take_while(|t| !(t.is_punct(',') || t.is_punct('.') || t.is_punct(';')))
                .count();
            let seg = &after[..len];
            // Skip an owner ("President Donald Trump’s special envoy").
            let from = seg.iter().position(|t| t.possessive).map_or(0, |p| p + 1);
            let seg = &seg[from..];
            let starts_like_title = seg.first().is_some_and(|t| {
                matches!(&*t.norm, "the" | "a" | "an") || t.has(TITLE) || t.has(ROLE)
            });
            if starts_like_title {
                titles.extend(
                    seg.iter()
                        .filter(|t| t.has(TITLE) || t.has(ROLE))
                        .map(|t| &*t.norm),
                );
            }
        }
        if name.len() >= 2 {
            let full = raw_name(text, name);
            let canonical = aliases.canonical(&full).unwrap_or(&full);
            let surname = &name[name.len() - 1].norm;
            let p = self.add_person(canonical, surname, titles);
            self.mentions.push(Mention {
                start: name[0].start,
                end: name[name.len() - 1].end,
                who: Who::Person(p),
                possessive,
            });
        } else {
            let t = name[0].clone();
            if !titles.is_empty() {
                // "Mr. Lavrov", "President Trump": remember the titles through the surname.
                if let Some(p) = self.person_by_surname(&t.norm) {
                    add_titles(&mut self.persons[p].titles, titles);
                }
            }
            let speaks = !t.possessive && b < toks.len() && is_speech_verb(toks, b);
            singles.push((t.start, t.end, t, speaks));
        }
    }

    /// The mention covering byte `offset`, if any.
    pub fn at(&self, offset: usize) -> Option<&Mention> {
        let i = self.mentions.partition_point(|m| m.start <= offset);
        let m = self.mentions.get(i.checked_sub(1)?)?;
        (offset < m.end).then_some(m)
    }

    /// The last person mentioned before `offset` with this index.
    fn last_mention_before(&self, person: usize, offset: usize) -> Option<usize> {
        let end = self.mentions.partition_point(|m| m.start < offset);
        self.mentions[..end]
            .iter()
            .rev()
            .find(|m| m.who == Who::Person(person))
            .map(|m| m.start)
    }

    /// The person named last before `offset` (not as a possessive).
    pub fn last_person_before(&self, offset: usize) -> Option<usize> {
        let end = self.mentions.partition_point(|m| m.start < offset);
        self.mentions[..end].iter().rev().find_map(|m| match m.who {
            Who::Person(p) if !m.possessive => Some(p),
            _ => None,
        })
    }

    /// Resolves a description ("the Russian minister", "U.S. Secretary of State") to the
    /// person of this article whose titles fit it best; ties go to the latest mentioned.
    pub fn describe(&self, words: &[String], offset: usize) -> Option<usize> {
        let head = words
            .iter()
            .rev()
            .find(|w| ROLE_HEADS.contains(w.as_str()))?;
        let secretary_of_state = head == "secretary" && words.iter().any(|w| w == "state");
        let mut best: Option<(i32, usize, usize)> = None; // (score, recency, person)
        for (i, p) in self.persons.iter().enumerate() {
            let mut score = 0;
            if p.titles.iter().any(|t| t == head) {
                score += 3;
            }
            if (head == "diplomat" || secretary_of_state)
                && p.titles.iter().any(|t| DIPLOMAT_ROLES.contains(t.as_str()))
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
                        if p.titles.iter().any(|t| t == w) {
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

fn side_from_titles(titles: &[String]) -> Side {
    let has = |w: &str| titles.iter().any(|t| t == w);
    for t in titles {
        let s = side_of_word(t);
        if s != Side::Unknown {
            return s;
        }
    }
    if has("united") && has("states") || has("secretary") && has("state") || has("white") {
        return Side::Us;
    }
    Side::Unknown
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
        let lavrov = p
            .persons
            .iter()
            .position(|x| x.name == "Sergey Lavrov")
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
        let pompeo = p
            .persons
            .iter()
            .position(|x| x.name == "Mike Pompeo")
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
    fn misspelt_surnames_merge() {
        assert!(same_surname("ushakov", "ushkakov"));
        assert!(same_surname("ryabkov", "rybakov"));
        assert!(!same_surname("biden", "bolton"));
    }
}
