//! Property tests of the CSV loader: on any bytes it returns rows or an error naming a line,
//! never panics, and what it accepts is well-formed.

use std::path::Path;

use proptest::prelude::*;
use tonetrack::data::{parse_csv, Columns};
use tonetrack::Error;

/// Pieces of CSV files: fields, quotes, separators, line ends, a BOM, invalid UTF-8.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"text,label\n".to_vec()),
        Just(b"id,text,label\r\n".to_vec()),
        Just(b",".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\xef\xbb\xbf".to_vec()),
        Just(b"\xff".to_vec()),
        Just(b"positive".to_vec()),
        Just(b"negative\n".to_vec()),
        "[a-z ]{1,10}".prop_map(String::into_bytes),
        "\\PC{1,4}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 1..4),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

fn check(bytes: &[u8], skip_invalid: bool) -> Result<(), TestCaseError> {
    let columns = Columns::new("text", Some("label"));
    match parse_csv(Path::new("p.csv"), bytes, &columns, skip_invalid) {
        Ok(dataset) => {
            let mut last_line = 1;
            for row in &dataset.rows {
                prop_assert!(!row.text.is_empty());
                prop_assert!(row.label.as_deref().is_some_and(|l| !l.is_empty()));
                prop_assert!(row.line > last_line, "lines increase: {}", row.line);
                last_line = row.line;
            }
        }
        Err(Error::Csv { line, message, .. }) => {
            prop_assert!(line >= 1);
            prop_assert!(!message.is_empty());
        }
        Err(Error::MissingColumn { column, .. }) => {
            prop_assert!(column == "text" || column == "label", "{column}");
        }
        Err(other) => prop_assert!(false, "not a CSV error: {other}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn any_csvish_bytes(bytes in csvish()) {
        check(&bytes, false)?;
        check(&bytes, true)?;
    }

    #[test]
    fn any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        check(&bytes, false)?;
        check(&bytes, true)?;
    }
}
