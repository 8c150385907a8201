//! Printing: errors on stderr, tables and JSON lines on stdout.

use std::io::{self, BufWriter, Stdout, Write};

/// Prints an error and its causes, one per line, like `tonetrack: error: …`.
pub fn print_error(err: &anyhow::Error) {
    let mut message = format!("tonetrack: error: {err}");
    for cause in err.chain().skip(1) {
        message.push_str(&format!("\n  caused by: {cause}"));
    }
    eprintln!("{message}");
}

/// Prints a warning on stderr.
pub fn warn(message: impl std::fmt::Display) {
    eprintln!("tonetrack: warning: {message}");
}

/// Buffered stdout that treats a closed pipe (`tonetrack … | head`) as the end, not an error.
pub struct Out {
    inner: BufWriter<Stdout>,
}

impl Out {
    pub fn new() -> Self {
        Out {
            inner: BufWriter::new(io::stdout()),
        }
    }

    /// Writes one line.
    pub fn line(&mut self, text: impl AsRef<str>) -> anyhow::Result<()> {
        let result = writeln!(self.inner, "{}", text.as_ref());
        ignore_broken_pipe(result)
    }

    /// Writes a value as one line of JSON.
    pub fn json_line(&mut self, value: &impl serde::Serialize) -> anyhow::Result<()> {
        let json = serde_json::to_string(value)?;
        self.line(json)
    }

    /// Writes a value as pretty JSON.
    pub fn json(&mut self, value: &impl serde::Serialize) -> anyhow::Result<()> {
        let json = serde_json::to_string_pretty(value)?;
        self.line(json)
    }

    /// A CSV writer on stdout.
    pub fn csv(&mut self) -> csv::Writer<&mut BufWriter<Stdout>> {
        csv::Writer::from_writer(&mut self.inner)
    }

    pub fn flush(&mut self) -> anyhow::Result<()> {
        ignore_broken_pipe(self.inner.flush())
    }
}

fn ignore_broken_pipe(result: io::Result<()>) -> anyhow::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        other => Ok(other?),
    }
}

/// A plain text table: a header row and right-aligned numbers, left-aligned text.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    numeric: Vec<bool>,
}

impl Table {
    pub fn new(header: &[&str]) -> Self {
        Table {
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            numeric: vec![true; header.len()],
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        for (i, cell) in cells.iter().enumerate() {
            if i < self.numeric.len() && cell.parse::<f64>().is_err() && cell != "-" {
                self.numeric[i] = false;
            }
        }
        self.rows.push(cells);
    }

    /// The table as lines of text.
    pub fn render(&self) -> Vec<String> {
        let n = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(n) {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let fmt_row = |cells: &[String]| {
            let parts: Vec<String> = (0..n)
                .map(|i| {
                    let cell = cells.get(i).map_or("", String::as_str);
                    let pad = widths[i].saturating_sub(cell.chars().count());
                    if self.numeric[i] {
                        format!("{}{cell}", " ".repeat(pad))
                    } else if i + 1 == n {
                        cell.to_string()
                    } else {
                        format!("{cell}{}", " ".repeat(pad))
                    }
                })
                .collect();
            parts.join("  ").trim_end().to_string()
        };
        let mut lines = vec![fmt_row(&self.header)];
        for row in &self.rows {
            lines.push(fmt_row(row));
        }
        lines
    }

    pub fn print(&self, out: &mut Out) -> anyhow::Result<()> {
        for line in self.render() {
            out.line(line)?;
        }
        Ok(())
    }
}

/// A number with 3 decimals.
pub fn f3(x: f64) -> String {
    format!("{x:.3}")
}
