//! The terminal side of `tonetrack label`: a full screen that takes one key per answer
//! (crossterm: raw mode, alternate screen, resize events; works over SSH), or plain line
//! prompts (a key, then Enter) when standard input or output is not a terminal or `--plain`
//! is given. The session itself is the library's [`Session`]; this only draws and reads keys,
//! and measures how long each key takes to bring the next quotation on screen.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::{cursor, execute, queue, style, terminal};

use tonetrack::label::card::render;
use tonetrack::label::session::KEYS;
use tonetrack::label::{Key, Outcome, Session};

/// Width of the card in line mode when `COLUMNS` does not say.
const LINE_MODE_WIDTH: usize = 100;

/// How often the screen looks for a finished refit while waiting for a key.
const POLL: Duration = Duration::from_millis(100);

/// What a run of the screen measured.
pub struct Summary {
    /// Quotations neither answered nor skipped when the session ended.
    pub open: usize,
    /// For each key that led to another quotation: time from the key to the next quotation
    /// drawn (flushed to the terminal).
    pub latencies: Vec<Duration>,
}

impl Summary {
    /// "key → next quotation on screen: median …, max … over N keys".
    pub fn latency(&self) -> Option<String> {
        if self.latencies.is_empty() {
            return None;
        }
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        Some(format!(
            "key → next quotation on screen: median {:.2} ms, max {:.2} ms over {} keys",
            ms(sorted[sorted.len() / 2]),
            ms(sorted[sorted.len() - 1]),
            sorted.len()
        ))
    }
}

/// Runs the session on the terminal (or with line prompts) until quit or done.
pub fn run(session: &mut Session, plain: bool) -> anyhow::Result<Summary> {
    let tty = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let latencies = if tty && !plain {
        full_screen(session)?
    } else {
        line_prompts(session)?
    };
    Ok(Summary {
        open: session.view().map_or(0, |v| v.open),
        latencies,
    })
}

/// Restores the terminal however the screen ends (error or panic included).
struct RawScreen;

/// Whether a [`RawScreen`] is up, for [`restore_terminal`].
static RAW_SCREEN: AtomicBool = AtomicBool::new(false);

/// Gives the terminal back as it was, if the labeling screen holds it: for a program stopped
/// by a signal (SIGTERM), whose destructors do not run.
pub fn restore_terminal() {
    if RAW_SCREEN.swap(false, Ordering::SeqCst) {
        leave_screen();
    }
}

fn leave_screen() {
    let _ = execute!(
        std::io::stdout(),
        cursor::Show,
        terminal::LeaveAlternateScreen
    );
    let _ = terminal::disable_raw_mode();
}

impl RawScreen {
    fn enter() -> anyhow::Result<RawScreen> {
        terminal::enable_raw_mode().context("cannot put the terminal in raw mode")?;
        RAW_SCREEN.store(true, Ordering::SeqCst);
        let screen = RawScreen;
        execute!(
            std::io::stdout(),
            terminal::EnterAlternateScreen,
            cursor::Hide
        )?;
        Ok(screen)
    }
}

impl Drop for RawScreen {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Draws `lines` from the top of a cleared screen, cut to the terminal's height.
fn draw(lines: &[String], height: usize) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    queue!(
        out,
        cursor::MoveTo(0, 0),
        terminal::Clear(terminal::ClearType::All)
    )?;
    for (i, line) in lines.iter().take(height.max(1)).enumerate() {
        if i > 0 {
            queue!(out, cursor::MoveToNextLine(1))?;
        }
        queue!(out, style::Print(line))?;
    }
    out.flush()?;
    Ok(())
}

/// The card of the current quotation for a terminal of `width` × `height`; on a short
/// terminal the lines of context are dropped first, so the keys stay visible.
fn screen(session: &Session, width: usize, height: usize) -> Option<Vec<String>> {
    let view = session.view()?;
    let mut lines = render(&view, width);
    while lines.len() > height {
        match lines.iter().position(|l| l.starts_with("  │ ")) {
            Some(i) => {
                lines.remove(i);
            }
            None => break,
        }
    }
    Some(lines)
}

/// The guide, wrapped to the screen's width.
fn guide_lines(width: usize) -> Vec<String> {
    let mut lines = tonetrack::label::card::guide_lines(width);
    lines.push(String::new());
    lines.push("(any key: back to the quotation)".into());
    lines
}

/// The page of the guide that starts at line `from`, for a screen of `height` lines: the
/// lines that fit above a last line saying how to go on, and whether more follow.
fn guide_page(width: usize, height: usize, from: usize) -> (Vec<String>, bool) {
    let lines = guide_lines(width);
    if lines.len() <= from + height {
        return (lines[from.min(lines.len())..].to_vec(), false);
    }
    let room = height.saturating_sub(1).max(1);
    let mut page = lines[from..from + room].to_vec();
    page.push(format!(
        "(space: more, {} of {} lines · any other key: back)",
        from + room,
        lines.len()
    ));
    (page, true)
}

fn full_screen(session: &mut Session) -> anyhow::Result<Vec<Duration>> {
    let _screen = RawScreen::enter()?;
    let size = || {
        terminal::size()
            .map(|(w, h)| (w as usize, h as usize))
            .unwrap_or((80, 24))
    };
    let mut latencies = Vec::new();
    // The guide's first line on screen while it is shown; `None` for the quotation.
    let mut guide_from: Option<usize> = None;
    let redraw = |session: &Session, guide: Option<usize>| -> anyhow::Result<bool> {
        let (w, h) = size();
        if let Some(from) = guide {
            draw(&guide_page(w, h, from).0, h)?;
            return Ok(true);
        }
        match screen(session, w, h) {
            Some(lines) => draw(&lines, h).map(|_| true),
            None => Ok(false),
        }
    };
    if !redraw(session, None)? {
        return Ok(latencies);
    }
    loop {
        if !event::poll(POLL)? {
            if session.poll() && guide_from.is_none() {
                redraw(session, None)?;
            }
            continue;
        }
        let key = match event::read()? {
            Event::Resize(..) => {
                redraw(session, guide_from)?;
                continue;
            }
            Event::Key(k) if k.kind == KeyEventKind::Press => k,
            _ => continue,
        };
        let pressed = Instant::now();
        if let Some(from) = guide_from {
            let next_page = matches!(
                key.code,
                KeyCode::Char(' ') | KeyCode::Down | KeyCode::PageDown
            );
            let (w, h) = size();
            guide_from = if next_page && guide_page(w, h, from).1 {
                Some(from + h.saturating_sub(1).max(1))
            } else {
                None
            };
            redraw(session, guide_from)?;
            continue;
        }
        let key = match key.code {
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Key::Quit,
            KeyCode::Char(c) => match Key::from_char(c) {
                Some(k) => k,
                None => continue,
            },
            KeyCode::Backspace | KeyCode::Left => Key::Back,
            KeyCode::Esc => Key::Quit,
            _ => continue,
        };
        match session.press(key)? {
            Outcome::Finished => break,
            Outcome::Guide => {
                guide_from = Some(0);
                redraw(session, guide_from)?;
            }
            Outcome::Unchanged(message) => {
                let (w, h) = size();
                if let Some(mut lines) = screen(session, w, h) {
                    lines.push(message);
                    draw(&lines, h)?;
                }
            }
            Outcome::Next => {
                session.poll();
                redraw(session, None)?;
                latencies.push(pressed.elapsed());
            }
        }
    }
    Ok(latencies)
}

fn line_prompts(session: &mut Session) -> anyhow::Result<Vec<Duration>> {
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(LINE_MODE_WIDTH);
    let keys: Vec<String> = KEYS.iter().map(|(k, _)| k.to_string()).collect();
    let prompt = format!("answer [{}]: ", keys.join(" "));
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut latencies = Vec::new();
    let mut pressed: Option<Instant> = None;
    let mut line = String::new();
    loop {
        session.poll();
        let mut out = std::io::stdout().lock();
        let Some(view) = session.view() else {
            break;
        };
        writeln!(out)?;
        for l in render(&view, width) {
            writeln!(out, "{l}")?;
        }
        write!(out, "{prompt}")?;
        out.flush()?;
        if let Some(t) = pressed.take() {
            latencies.push(t.elapsed());
        }
        drop(out);
        let key = loop {
            line.clear();
            if input.read_line(&mut line)? == 0 {
                // End of input: quit (every answer is saved).
                println!();
                return Ok(latencies);
            }
            let typed = line.trim();
            match typed.chars().next().and_then(Key::from_char) {
                Some(k) if typed.chars().count() == 1 => break k,
                _ => {
                    print!("unknown key `{typed}`; {prompt}");
                    std::io::stdout().flush()?;
                }
            }
        };
        let t = Instant::now();
        match session.press(key)? {
            Outcome::Finished => break,
            Outcome::Guide => {
                println!();
                for l in guide_lines(width) {
                    println!("{l}");
                }
            }
            Outcome::Unchanged(message) => println!("{message}"),
            Outcome::Next => pressed = Some(t),
        }
    }
    Ok(latencies)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guide_pages_through_every_line_on_a_small_screen() {
        let whole = guide_lines(80);
        let height = 24;
        assert!(whole.len() > height, "the guide outgrows 80 × 24");
        let (mut shown, mut from) = (Vec::new(), 0);
        loop {
            let (page, more) = guide_page(80, height, from);
            assert!(page.len() <= height);
            if !more {
                shown.extend(page);
                break;
            }
            assert!(page.last().unwrap().starts_with("(space: more"));
            shown.extend_from_slice(&page[..page.len() - 1]);
            from += height - 1;
        }
        assert_eq!(shown, whole);
        let (page, more) = guide_page(80, 500, 0);
        assert!(!more && page == whole);
    }
}
