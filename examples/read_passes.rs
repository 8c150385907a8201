//! A driver for measuring the article reader: reads every `.txt` article of the given
//! directories N times, one core, and prints the number of quotations found. Under
//! `valgrind --tool=callgrind`, the instructions of one pass are (count at N = 21 − count at
//! N = 1) / 20, which leaves out start-up (the alias table, lazily built searchers).
//!
//! ```sh
//! cargo build --release --example read_passes
//! valgrind --tool=callgrind target/release/examples/read_passes 21 ../shared/data/articles-dev
//! ```

use std::path::Path;

use tonetrack::article::Reader;

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .expect("usage: read_passes N DIR…");
    let mut texts = Vec::new();
    for dir in args {
        let mut paths: Vec<_> = std::fs::read_dir(Path::new(&dir))
            .expect("readable directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        paths.sort();
        texts.extend(
            paths
                .iter()
                .map(|p| std::fs::read_to_string(p).expect("UTF-8 text")),
        );
    }
    let reader = Reader::new();
    let mut quotes = 0;
    for _ in 0..n {
        for t in &texts {
            quotes += reader.read("article", std::hint::black_box(t)).quotes.len();
        }
    }
    println!("{} articles, {n} passes, {quotes} quotations", texts.len());
}
