//! The language an article is written in. The reader's attribution rules and the tone model
//! are English: an article in another language is reported, not scored.
//!
//! Most articles are English and are told so cheaply: among their first words, English
//! function words are frequent. Only the others go to `whatlang` (trigram profiles), on a
//! bounded sample.

/// An article's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Language {
    /// ISO 639-3 code (`eng`, `rus`, `deu`, …).
    pub code: &'static str,
    /// English name (`English`, `Russian`, `German`, …).
    pub name: &'static str,
}

impl Language {
    /// English, as most articles are.
    pub const ENGLISH: Language = Language {
        code: "eng",
        name: "English",
    };

    /// True for English.
    pub fn is_english(&self) -> bool {
        self.code == "eng"
    }
}

/// How many words the quick test reads.
const SAMPLE_WORDS: usize = 200;
/// How many bytes `whatlang` reads (its trigram counts settle well before this).
const SAMPLE_BYTES: usize = 4096;
/// English prose has about one function word of [`is_english_word`]'s list in four; other languages that
/// share a few of these words ("in", "a", "die" is not one) reach far fewer. One in eight
/// decides English without `whatlang`.
const ENGLISH_SHARE: f64 = 0.125;
/// After this many words, a share of English words half again the threshold settles it
/// without reading on (most articles settle within their first 20 to 60 words).
const SETTLED_WORDS: usize = 20;
const SETTLED_SHARE: f64 = ENGLISH_SHARE * 1.5;
/// Fewer words than this tell nothing: the article is taken as English.
const MIN_WORDS: usize = 12;

/// True for a frequent English function word (none of them frequent in German, French,
/// Spanish, Italian or Dutch), any case: a `match`, compiled to a decision tree.
fn is_english_word(w: &[u8]) -> bool {
    if w.len() > 5 {
        return false;
    }
    let mut buf = [0u8; 5];
    buf[..w.len()].copy_from_slice(w);
    buf.make_ascii_lowercase();
    matches!(
        &buf[..w.len()],
        b"the"
            | b"of"
            | b"and"
            | b"to"
            | b"is"
            | b"that"
            | b"for"
            | b"with"
            | b"was"
            | b"said"
            | b"he"
            | b"she"
            | b"it"
            | b"on"
            | b"by"
            | b"are"
            | b"this"
            | b"have"
            | b"has"
            | b"not"
            | b"be"
            | b"they"
            | b"we"
            | b"his"
            | b"her"
            | b"from"
            | b"at"
            | b"will"
            | b"would"
            | b"which"
            | b"were"
            | b"their"
            | b"an"
            | b"been"
            | b"its"
            | b"but"
    )
}

/// How many bytes the quickest test searches for " the ".
const THE_BYTES: usize = 2048;
/// " the " this many times in the first [`THE_BYTES`] bytes: English (the word is frequent
/// in English prose and no word of German, French, Spanish, Italian or Dutch).
const THE_COUNT: usize = 3;

/// The search for " the ", built once (building a searcher costs more than searching 2 KB).
static THE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b" the "));

/// The language of `text` (its body: header lines and markup already removed).
pub fn detect(text: &str) -> Language {
    let head = &text.as_bytes()[..text.len().min(THE_BYTES)];
    if THE.find_iter(head).nth(THE_COUNT - 1).is_some() {
        return Language::ENGLISH;
    }
    let mut words = 0usize;
    let mut english = 0usize;
    // Words are runs of letters; a run with a non-ASCII byte counts as a word, never English.
    let bytes = text.as_bytes();
    let letter = |b: u8| b.is_ascii_alphabetic() || b >= 0x80;
    let mut i = 0;
    while i < bytes.len() && words < SAMPLE_WORDS {
        if !letter(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && letter(bytes[i]) {
            i += 1;
        }
        words += 1;
        english += usize::from(is_english_word(&bytes[start..i]));
        // Most articles settle it within their first sentences.
        if words >= SETTLED_WORDS && english as f64 >= SETTLED_SHARE * words as f64 {
            return Language::ENGLISH;
        }
    }
    if words < MIN_WORDS || english as f64 >= ENGLISH_SHARE * words as f64 {
        return Language::ENGLISH;
    }
    let mut end = text.len().min(SAMPLE_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match whatlang::detect(&text[..end]) {
        Some(info) => Language {
            code: info.lang().code(),
            name: info.lang().eng_name(),
        },
        None => Language::ENGLISH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_russian_and_german() {
        let en = "The minister said on Monday that the talks with his counterpart were useful and that both sides would meet again in the spring.";
        assert!(detect(en).is_english());
        let ru = "Министр иностранных дел заявил в понедельник, что переговоры с коллегой были полезными и что стороны снова встретятся весной в Женеве.";
        assert_eq!(detect(ru).code, "rus");
        let de = "Der Außenminister sagte am Montag, die Gespräche mit seinem Amtskollegen seien nützlich gewesen und beide Seiten würden sich im Frühjahr wieder treffen.";
        assert_eq!(detect(de).code, "deu");
        assert!(detect("Short.").is_english());
    }
}
