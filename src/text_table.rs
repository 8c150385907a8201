//! Plain-text tables for a terminal, one renderer for the command line's tables and the
//! trends table: columns as wide as their widest cell on screen (measured with
//! `unicode-width`, so that a Cyrillic or CJK name keeps the columns aligned), two spaces
//! apart, numbers right-aligned, text left-aligned.

use unicode_width::UnicodeWidthStr;

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text: padded on the right.
    Left,
    /// Numbers: padded on the left.
    Right,
}

/// A header row and rows of cells.
#[derive(Debug, Clone)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Numeric so far (every cell a number or `-`), for columns without a set alignment.
    numeric: Vec<bool>,
    align: Option<Vec<Align>>,
}

impl Table {
    /// A table with this header; each column is right-aligned when all its cells are
    /// numbers (or `-`), left-aligned otherwise, unless [`Table::align`] says.
    pub fn new<S: AsRef<str>>(header: &[S]) -> Self {
        Table {
            header: header.iter().map(|h| h.as_ref().to_string()).collect(),
            rows: Vec::new(),
            numeric: vec![true; header.len()],
            align: None,
        }
    }

    /// Sets every column's alignment.
    pub fn align(mut self, align: &[Align]) -> Self {
        self.align = Some(align.to_vec());
        self
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        for (i, cell) in cells.iter().enumerate() {
            if i < self.numeric.len() && cell.parse::<f64>().is_err() && cell != "-" {
                self.numeric[i] = false;
            }
        }
        self.rows.push(cells);
    }

    /// True when the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn alignment(&self, column: usize) -> Align {
        match &self.align {
            Some(align) => align.get(column).copied().unwrap_or(Align::Left),
            None if self.numeric[column] => Align::Right,
            None => Align::Left,
        }
    }

    /// The table as lines of text, trailing spaces trimmed.
    pub fn render(&self) -> Vec<String> {
        let n = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(n) {
                widths[i] = widths[i].max(cell.width());
            }
        }
        let line = |cells: &[String]| {
            let parts: Vec<String> = (0..n)
                .map(|i| {
                    let cell = cells.get(i).map_or("", String::as_str);
                    let pad = " ".repeat(widths[i].saturating_sub(cell.width()));
                    match self.alignment(i) {
                        Align::Right => format!("{pad}{cell}"),
                        Align::Left => format!("{cell}{pad}"),
                    }
                })
                .collect();
            parts.join("  ").trim_end().to_string()
        };
        std::iter::once(line(&self.header))
            .chain(self.rows.iter().map(|row| line(row)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_right_text_left() {
        let mut t = Table::new(&["name", "n"]);
        t.row(vec!["Lavrov".into(), "12".into()]);
        t.row(vec!["Pompeo".into(), "3".into()]);
        assert_eq!(t.render(), ["name     n", "Lavrov  12", "Pompeo   3"]);
    }

    #[test]
    fn wide_characters_keep_columns_aligned() {
        let mut t = Table::new(&["speaker", "tone"]).align(&[Align::Left, Align::Right]);
        t.row(vec!["Сергей Лавров".into(), "-0.15".into()]);
        t.row(vec!["王毅".into(), "+0.20".into()]);
        t.row(vec!["Mike Pompeo".into(), "+0.18".into()]);
        let lines = t.render();
        // Every line's tone column ends at the same screen column.
        let ends: Vec<usize> = lines.iter().map(|l| l.width()).collect();
        assert_eq!(ends, [20, 20, 20, 20], "{lines:#?}");
        assert_eq!(lines[2], format!("王毅{}+0.20", " ".repeat(11)));
    }
}
