//! Property tests: the reader never panics, and its quotations are well-formed on any input.

use proptest::prelude::*;
use tonetrack::article::{Article, Reader};

fn check(text: &str, a: &Article) -> Result<(), TestCaseError> {
    let mut last_end = 0;
    for q in &a.quotes {
        prop_assert!(q.start < q.end && q.end <= text.len(), "{q:?}");
        prop_assert!(
            text.is_char_boundary(q.start) && text.is_char_boundary(q.end),
            "{q:?}"
        );
        prop_assert!(q.start >= last_end, "overlap or disorder: {q:?}");
        prop_assert!(!q.text.is_empty());
        last_end = q.end;
    }
    Ok(())
}

/// Words, quotation marks, punctuation and line breaks: the material quotations are made of.
fn newsy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\"".to_string()),
        Just("“".to_string()),
        Just("”".to_string()),
        Just("‘".to_string()),
        Just("’".to_string()),
        Just("'".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just(", ".to_string()),
        Just(". ".to_string()),
        Just(": ".to_string()),
        Just(" ".to_string()),
        Just("Lavrov said".to_string()),
        Just("he added".to_string()),
        Just("Russian Foreign Minister Sergey Lavrov".to_string()),
        Just("the minister".to_string()),
        Just("according to".to_string()),
        Just("U.S.".to_string()),
        Just("Sept. 5, 2019".to_string()),
        "[a-zA-Z]{1,8}",
        "\\PC{1,3}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_unicode(text in "\\PC*") {
        let a = Reader::new().read("x", &text);
        check(&text, &a)?;
    }

    #[test]
    fn quote_marks_words_and_newlines(text in newsy()) {
        let a = Reader::new().read("x", &text);
        check(&text, &a)?;
    }
}
