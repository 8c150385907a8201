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
const SAMPLE_WORDS: usize = 400;
/// How many bytes `whatlang` reads (its trigram counts settle well before this).
const SAMPLE_BYTES: usize = 4096;
/// English prose has about one function word of this list in four; other languages that
/// share a few of these words ("in", "a", "die" is not one) reach far fewer. One in eight
/// decides English without `whatlang`.
const ENGLISH_SHARE: f64 = 0.125;
/// After this many words, twice the share of English words settles it without reading on.
const SETTLED_WORDS: usize = 40;
/// Fewer words than this tell nothing: the article is taken as English.
const MIN_WORDS: usize = 12;

/// Frequent English function words, none of them a frequent word in German, French, Spanish,
/// Italian or Dutch.
const ENGLISH_WORDS: &[&str] = &[
    "the", "of", "and", "to", "is", "that", "for", "with", "was", "said", "he", "she", "it", "on",
    "by", "are", "this", "have", "has", "not", "be", "they", "we", "his", "her", "from", "at",
    "will", "would", "which", "were", "their", "an", "been", "its", "but",
];

/// True for a word of [`ENGLISH_WORDS`], any case.
fn is_english_word(w: &str) -> bool {
    if w.len() > 5 || !w.is_ascii() {
        return false;
    }
    let mut buf = [0u8; 5];
    buf[..w.len()].copy_from_slice(w.as_bytes());
    buf.make_ascii_lowercase();
    let lower = &buf[..w.len()];
    ENGLISH_WORDS.iter().any(|e| e.as_bytes() == lower)
}

/// The language of `text` (its body: header lines and markup already removed).
pub fn detect(text: &str) -> Language {
    let mut words = 0usize;
    let mut english = 0usize;
    for w in text.split_ascii_whitespace().take(SAMPLE_WORDS) {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        if w.is_empty() {
            continue;
        }
        words += 1;
        english += usize::from(is_english_word(w));
        // Most articles settle it within their first sentences.
        if words >= SETTLED_WORDS && english as f64 >= ENGLISH_SHARE * 2.0 * words as f64 {
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
