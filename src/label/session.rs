//! A labeling session: which quotation is shown, what each key does, when the model is refit.
//!
//! The session is a state machine with no terminal in it: [`Session::view`] says what to show,
//! [`Session::press`] applies a key, [`Session::poll`] takes in a refit that finished. A batch
//! of `batch` quotations is chosen by the current model ([`candidates::rank`](super::candidates::rank) +
//! [`candidates::select_batch`](super::candidates::select_batch)); when it has been gone through, a refit on base data + every
//! answer starts in the background ([`refit::spawn`]) and the next batch is chosen at once by
//! the model at hand. When the refit is done its model replaces the old one, and the rest of
//! the current batch is chosen again by it. Every answer is in the answers file before the
//! next quotation is shown.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::label::answers::{Answer, AnswersFile};
use crate::label::candidates::{rank, select_batch, Candidate, DupKey, Strategy};
use crate::label::refit::{self, Learner, RefitReport, Running};
use crate::model::classifier::{Classifier, Prediction};
use crate::predict::predict_batch;

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// Label the quotation with this tone.
    Tone(Tone),
    /// Not about U.S.–Russia relations.
    NotRelevant,
    /// Leave it unlabeled (not asked again in this session).
    Skip,
    /// Undo the last answer or skip and show that quotation again.
    Back,
    /// Show the labeling guide.
    Guide,
    /// End the session (every answer is already saved).
    Quit,
}

/// The three tones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    /// The positive class.
    Positive,
    /// The neutral class.
    Neutral,
    /// The negative class.
    Negative,
}

impl Tone {
    /// The label written to the answers file.
    pub fn label(self) -> &'static str {
        match self {
            Tone::Positive => "positive",
            Tone::Neutral => "neutral",
            Tone::Negative => "negative",
        }
    }
}

/// The keys, in the order the screen lists them: (key, what it does).
pub const KEYS: [(char, &str); 8] = [
    ('p', "positive"),
    ('u', "neutral"),
    ('n', "negative"),
    ('x', "not relevant"),
    ('s', "skip"),
    ('b', "back"),
    ('q', "quit"),
    ('?', "guide"),
];

impl Key {
    /// The key for a typed character (either case), `None` for any other.
    pub fn from_char(c: char) -> Option<Key> {
        Some(match c.to_ascii_lowercase() {
            'p' => Key::Tone(Tone::Positive),
            'u' => Key::Tone(Tone::Neutral),
            'n' => Key::Tone(Tone::Negative),
            'x' => Key::NotRelevant,
            's' => Key::Skip,
            'b' => Key::Back,
            'q' => Key::Quit,
            '?' | 'h' => Key::Guide,
            _ => return None,
        })
    }
}

/// What a key led to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The next quotation is ready ([`Session::view`]).
    Next,
    /// Show the guide, then the same quotation.
    Guide,
    /// Nothing changed; the message says why.
    Unchanged(String),
    /// The session is over: quit, or no quotation is left.
    Finished,
}

/// Options of a session.
#[derive(Clone, Copy, Debug)]
pub struct SessionOptions {
    /// Quotations per batch (the model is refit after each).
    pub batch: usize,
    /// How candidates are chosen.
    pub strategy: Strategy,
    /// Seed of the random strategy (batch `b` uses `seed + b`).
    pub seed: u64,
    /// Leave near-duplicates out of a batch.
    pub diversity: bool,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            batch: 20,
            strategy: Strategy::Margin,
            seed: 42,
            diversity: true,
        }
    }
}

/// Where each candidate stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Open,
    Answered,
    Skipped,
}

/// The model that ranks the candidates, and its probabilities for each.
struct Scores {
    classifier: Arc<Classifier>,
    probabilities: Vec<f64>,
}

/// State of the background refit.
#[derive(Clone, Debug, PartialEq)]
pub enum RefitStatus {
    /// No refit: no base data and too few answers, or refits are off.
    Off,
    /// No refit yet (the first starts after the first batch).
    NotYet,
    /// A refit is running; the last one that finished, if any.
    Running(Option<RefitReport>),
    /// The last refit that finished.
    Done(RefitReport),
    /// The last refit failed (the previous model is kept).
    Failed(String),
}

/// What the screen shows.
pub struct View<'a> {
    /// The candidate shown.
    pub candidate: &'a Candidate,
    /// The current model's prediction for it.
    pub prediction: Prediction<'a>,
    /// 1-based position in the current batch, and the batch's length.
    pub position: (usize, usize),
    /// Batch number, from 1.
    pub batch: usize,
    /// Answers in the file, of which given in this session.
    pub answered: usize,
    /// Answers given in this session.
    pub answered_here: usize,
    /// Quotations neither answered nor skipped, this one included.
    pub open: usize,
    /// How candidates are chosen.
    pub strategy: Strategy,
    /// Where the background refit is.
    pub refit: RefitStatus,
    /// A message for the status line (e.g. what `back` undid).
    pub message: Option<String>,
}

/// A labeling session.
pub struct Session {
    candidates: Vec<Candidate>,
    texts: Arc<Vec<String>>,
    keys: Vec<DupKey>,
    state: Vec<State>,
    answers: AnswersFile,
    options: SessionOptions,
    scores: Scores,
    current: Option<usize>,
    queue: VecDeque<usize>,
    /// Length of the current batch (grows when `back` reaches into the previous one).
    batch_len: usize,
    /// Shown so far in the current batch, the current one included.
    batch_pos: usize,
    batches: usize,
    /// Candidates answered or skipped in this session, in order.
    history: Vec<usize>,
    answered_here: usize,
    learner: Option<Arc<Learner>>,
    running: Option<Running>,
    /// A batch ended while a refit was running: refit again when it is done.
    refit_pending: bool,
    refits: usize,
    last_report: Option<RefitReport>,
    last_error: Option<String>,
    message: Option<String>,
}

impl Session {
    /// A session over `candidates` (ids unique), ranked first by `classifier`, writing to
    /// `answers`; with a learner, the model is refit after each batch. Candidates already in
    /// the answers file are not asked again.
    pub fn new(
        candidates: Vec<Candidate>,
        answers: AnswersFile,
        classifier: Arc<Classifier>,
        learner: Option<Learner>,
        options: SessionOptions,
    ) -> Result<Session> {
        if options.batch == 0 {
            return Err(Error::InvalidParams("--batch must be at least 1".into()));
        }
        let texts: Arc<Vec<String>> = Arc::new(candidates.iter().map(|c| c.text.clone()).collect());
        let probabilities = probabilities_of(&classifier, &texts);
        let state = candidates
            .iter()
            .map(|c| {
                if answers.contains(&c.id) {
                    State::Answered
                } else {
                    State::Open
                }
            })
            .collect();
        let keys = candidates.iter().map(DupKey::of).collect();
        let mut session = Session {
            candidates,
            texts,
            keys,
            state,
            answers,
            options,
            scores: Scores {
                classifier,
                probabilities,
            },
            current: None,
            queue: VecDeque::new(),
            batch_len: 0,
            batch_pos: 0,
            batches: 0,
            history: Vec::new(),
            answered_here: 0,
            learner: learner.map(Arc::new),
            running: None,
            refit_pending: false,
            refits: 0,
            last_report: None,
            last_error: None,
            message: None,
        };
        session.next_batch();
        session.advance();
        Ok(session)
    }

    /// The answers file.
    pub fn answers(&self) -> &AnswersFile {
        &self.answers
    }

    /// Answers given in this session.
    pub fn answered_here(&self) -> usize {
        self.answered_here
    }

    /// The model ranking the candidates now.
    pub fn classifier(&self) -> &Classifier {
        &self.scores.classifier
    }

    /// What to show, `None` when no quotation is left.
    pub fn view(&self) -> Option<View<'_>> {
        let i = self.current?;
        let candidate = &self.candidates[i];
        let prediction = self.scores.classifier.predict(&candidate.text, 3);
        Some(View {
            candidate,
            prediction,
            position: (self.batch_pos, self.batch_len),
            batch: self.batches,
            answered: self.answers.rows().len(),
            answered_here: self.answered_here,
            open: self.state.iter().filter(|s| **s == State::Open).count(),
            strategy: self.options.strategy,
            refit: self.refit_status(),
            message: self.message.clone(),
        })
    }

    /// State of the background refit.
    pub fn refit_status(&self) -> RefitStatus {
        if let Some(e) = &self.last_error {
            return RefitStatus::Failed(e.clone());
        }
        match (&self.learner, &self.running, &self.last_report) {
            (None, _, _) => RefitStatus::Off,
            (Some(_), Some(_), last) => RefitStatus::Running(last.clone()),
            (Some(_), None, Some(last)) => RefitStatus::Done(last.clone()),
            (Some(_), None, None) => RefitStatus::NotYet,
        }
    }

    /// Applies a key.
    pub fn press(&mut self, key: Key) -> Result<Outcome> {
        self.message = None;
        let Some(i) = self.current else {
            return Ok(Outcome::Finished);
        };
        match key {
            Key::Quit => return Ok(Outcome::Finished),
            Key::Guide => return Ok(Outcome::Guide),
            Key::Back => return self.back(i),
            Key::Skip => self.state[i] = State::Skipped,
            Key::Tone(tone) => self.answer(i, tone.label().to_string(), true)?,
            Key::NotRelevant => {
                let label = self
                    .scores
                    .classifier
                    .predict(&self.candidates[i].text, 0)
                    .label
                    .to_string();
                self.answer(i, label, false)?;
            }
        }
        self.history.push(i);
        self.advance();
        Ok(if self.current.is_some() {
            Outcome::Next
        } else {
            Outcome::Finished
        })
    }

    fn answer(&mut self, i: usize, label: String, relevant: bool) -> Result<()> {
        let c = &self.candidates[i];
        self.answers.append(Answer {
            id: c.id.clone(),
            text: c.text.clone(),
            speaker: c.speaker.clone(),
            date: c.date.clone(),
            source_url: c.source_url.clone(),
            label,
            relevant,
            article: c.article.clone(),
        })?;
        self.state[i] = State::Answered;
        self.answered_here += 1;
        Ok(())
    }

    /// Undoes the last answer or skip of this session and shows that quotation again.
    fn back(&mut self, current: usize) -> Result<Outcome> {
        let Some(previous) = self.history.pop() else {
            return Ok(Outcome::Unchanged(
                "nothing to undo in this session".to_string(),
            ));
        };
        if self.state[previous] == State::Answered {
            let removed = self.answers.remove_last()?;
            if removed.as_ref().map(|a| a.id.as_str()) != Some(&self.candidates[previous].id) {
                return Err(Error::Data(format!(
                    "{}: the last answer is not the one this session gave last; the file \
                     was changed by something else",
                    self.answers.path().display()
                )));
            }
            self.answered_here -= 1;
            self.message = Some("undone: the last answer was removed from the file".into());
        } else {
            self.message = Some("back to the quotation skipped".into());
        }
        self.state[previous] = State::Open;
        self.queue.push_front(current);
        self.current = Some(previous);
        if self.batch_pos > 1 {
            self.batch_pos -= 1;
        } else {
            self.batch_len += 1;
        }
        Ok(Outcome::Next)
    }

    /// Shows the next quotation of the batch; at the end of a batch, starts a refit and
    /// chooses the next batch.
    fn advance(&mut self) {
        self.current = None;
        while let Some(i) = self.queue.pop_front() {
            if self.state[i] == State::Open {
                self.current = Some(i);
                self.batch_pos += 1;
                return;
            }
        }
        if self.batches > 0 {
            self.start_refit();
        }
        self.next_batch();
        if let Some(i) = self.queue.pop_front() {
            self.current = Some(i);
            self.batch_pos = 1;
        }
    }

    /// Candidates that may go into a batch: open, not shown now, not queued.
    fn pool(&self) -> Vec<usize> {
        (0..self.candidates.len())
            .filter(|&i| {
                self.state[i] == State::Open && Some(i) != self.current && !self.queue.contains(&i)
            })
            .collect()
    }

    /// `n` candidates from the pool, chosen by the current model.
    fn choose(&self, n: usize) -> Vec<usize> {
        let k = self.scores.classifier.classes().len();
        let ranked = rank(
            self.options.strategy,
            &self.scores.probabilities,
            k,
            &self.pool(),
            self.options.seed.wrapping_add(self.batches as u64),
        );
        select_batch(&ranked, &self.keys, n, self.options.diversity)
    }

    fn next_batch(&mut self) {
        self.queue.clear();
        let chosen = self.choose(self.options.batch);
        if chosen.is_empty() {
            return;
        }
        self.batches += 1;
        self.batch_len = chosen.len();
        self.batch_pos = 0;
        self.queue.extend(chosen);
    }

    fn start_refit(&mut self) {
        let Some(learner) = &self.learner else {
            return;
        };
        if self.running.is_some() {
            self.refit_pending = true;
            return;
        }
        self.refit_pending = false;
        self.refits += 1;
        self.running = Some(refit::spawn(
            Arc::clone(learner),
            self.answers.rows().to_vec(),
            Arc::clone(&self.texts),
            self.refits,
        ));
    }

    /// Takes in a refit that has finished, without waiting: its model replaces the current
    /// one and the rest of the batch is chosen again. True when something on the screen
    /// changed.
    pub fn poll(&mut self) -> bool {
        let Some(result) = self.running.as_ref().and_then(Running::try_take) else {
            return false;
        };
        self.running = None;
        match result {
            Ok(refitted) => {
                self.scores = Scores {
                    classifier: refitted.classifier,
                    probabilities: refitted.probabilities,
                };
                self.last_report = Some(refitted.report);
                self.last_error = None;
                let rest = self.queue.len();
                self.queue.clear();
                let chosen = self.choose(rest);
                self.batch_len = self.batch_pos + chosen.len();
                self.queue.extend(chosen);
            }
            Err(e) => self.last_error = Some(e.to_string()),
        }
        if self.refit_pending {
            self.start_refit();
        }
        true
    }

    /// Waits for a running refit and takes it in (tests, and the end of a session that
    /// wants its last report).
    pub fn wait_for_refit(&mut self) -> bool {
        while self.running.is_some() {
            if self.poll() {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        false
    }
}

/// The batch a session would ask about first: the `options.batch` most informative
/// candidates for `classifier` (no two near-duplicates when `options.diversity`), leaving out
/// those `skip` says are done. For `label --export`.
pub fn first_batch(
    candidates: &[Candidate],
    classifier: &Classifier,
    skip: impl Fn(&Candidate) -> bool,
    options: &SessionOptions,
) -> Vec<usize> {
    let texts: Vec<String> = candidates.iter().map(|c| c.text.clone()).collect();
    let probabilities = probabilities_of(classifier, &texts);
    let pool: Vec<usize> = (0..candidates.len())
        .filter(|&i| !skip(&candidates[i]))
        .collect();
    let keys: Vec<DupKey> = candidates.iter().map(DupKey::of).collect();
    let ranked = rank(
        options.strategy,
        &probabilities,
        classifier.classes().len(),
        &pool,
        options.seed,
    );
    select_batch(&ranked, &keys, options.batch, options.diversity)
}

/// Every text's class probabilities, `classes().len()` per text.
fn probabilities_of(classifier: &Classifier, texts: &[String]) -> Vec<f64> {
    let k = classifier.classes().len();
    let mut out = Vec::with_capacity(texts.len() * k);
    for p in predict_batch(classifier, texts, 0) {
        out.extend(p.probabilities.iter().map(|(_, p)| *p));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::label::refit::BaseRows;
    use crate::model::train::{CChoice, Examples, TrainParams};

    fn params() -> TrainParams {
        TrainParams {
            min_df: 1,
            folds: 2,
            c: CChoice::Fixed(1.0),
            ..TrainParams::default()
        }
    }

    fn toy_base() -> BaseRows {
        let rows = [
            ("talks were useful and constructive", "positive"),
            ("we are ready for dialogue", "positive"),
            ("sanctions are hostile and illegal", "negative"),
            ("relations are deteriorating fast", "negative"),
            ("the meeting is on Monday", "neutral"),
            ("they discussed the schedule", "neutral"),
        ];
        BaseRows {
            texts: rows.iter().map(|r| r.0.to_string()).collect(),
            labels: rows.iter().map(|r| r.1.to_string()).collect(),
            groups: (0..rows.len()).map(|i| format!("page{i}")).collect(),
            train_only: vec![false; rows.len()],
        }
    }

    fn candidates(n: usize) -> Vec<Candidate> {
        let words = [
            "useful",
            "hostile",
            "dialogue",
            "sanctions",
            "schedule",
            "ready",
            "illegal",
            "meeting",
            "constructive",
            "deteriorating",
        ];
        (0..n)
            .map(|i| Candidate {
                id: format!("id{i}"),
                text: format!(
                    "{} {} talk number {i}",
                    words[i % words.len()],
                    words[(i * 7 + 3) % words.len()]
                ),
                speaker: format!("Speaker {}", i % 3),
                date: String::new(),
                source_url: format!("https://example.org/{}", i / 2),
                article: format!("a{}.txt", i / 2),
                title: String::new(),
                context: String::new(),
                known_label: None,
            })
            .collect()
    }

    fn session(dir: &std::path::Path, n: usize, batch: usize) -> Session {
        let base = toy_base();
        let examples = Examples::new(base.texts.clone(), base.labels.clone());
        let (classifier, _) = params().check().unwrap().fit(examples).unwrap();
        let (answers, _) = AnswersFile::open(&dir.join("labels.csv")).unwrap();
        let learner = Learner::new(params(), base).unwrap();
        Session::new(
            candidates(n),
            answers,
            Arc::new(classifier),
            Some(learner),
            SessionOptions {
                batch,
                ..SessionOptions::default()
            },
        )
        .unwrap()
    }

    fn shown(s: &Session) -> String {
        s.view().unwrap().candidate.id.clone()
    }

    #[test]
    fn the_first_batch_is_the_least_sure_by_margin() {
        let dir = tempfile::tempdir().unwrap();
        let s = session(dir.path(), 30, 5);
        let k = s.scores.classifier.classes().len();
        let margin = |i: usize| {
            crate::label::candidates::uncertainty(
                Strategy::Margin,
                &s.scores.probabilities[i * k..(i + 1) * k],
            )
        };
        let first = s.current.unwrap();
        let least_sure = (0..30).map(margin).fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(margin(first), least_sure);
        assert_eq!(s.view().unwrap().position, (1, 5));
    }

    #[test]
    fn answers_skip_back_and_resume() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = session(dir.path(), 30, 5);
        let a = shown(&s);
        assert_eq!(s.press(Key::Tone(Tone::Positive)).unwrap(), Outcome::Next);
        let b = shown(&s);
        assert_ne!(a, b);
        s.press(Key::Skip).unwrap();
        let c = shown(&s);
        s.press(Key::NotRelevant).unwrap();
        assert_eq!(s.answers().rows().len(), 2);
        assert!(!s.answers().rows()[1].relevant);
        // Back undoes the answer to c, then the skip of b.
        s.press(Key::Back).unwrap();
        assert_eq!(shown(&s), c);
        assert_eq!(s.answers().rows().len(), 1);
        s.press(Key::Back).unwrap();
        assert_eq!(shown(&s), b);
        s.press(Key::Tone(Tone::Negative)).unwrap();
        assert_eq!(s.press(Key::Quit).unwrap(), Outcome::Finished);
        let labels: Vec<(String, String)> = s
            .answers()
            .rows()
            .iter()
            .map(|r| (r.id.clone(), r.label.clone()))
            .collect();
        assert_eq!(
            labels,
            [
                (a.clone(), "positive".into()),
                (b.clone(), "negative".into())
            ]
        );
        drop(s);
        // Resumed: nothing answered is shown again.
        let mut s = session(dir.path(), 30, 5);
        for _ in 0..28 {
            let id = shown(&s);
            assert!(id != a && id != b, "asked twice about {id}");
            s.press(Key::Tone(Tone::Neutral)).unwrap();
            s.poll();
        }
        assert!(s.view().is_none(), "all 30 answered");
        assert_eq!(s.answers().rows().len(), 30);
    }

    #[test]
    fn a_refit_starts_after_a_batch_and_its_model_is_taken_in() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = session(dir.path(), 40, 4);
        assert_eq!(s.refit_status(), RefitStatus::NotYet);
        for tone in [
            Tone::Positive,
            Tone::Negative,
            Tone::Neutral,
            Tone::Positive,
        ] {
            s.press(Key::Tone(tone)).unwrap();
        }
        assert!(matches!(s.refit_status(), RefitStatus::Running(None)));
        // The next batch is there at once.
        assert_eq!(s.view().unwrap().position, (1, 4));
        assert!(s.wait_for_refit());
        match s.refit_status() {
            RefitStatus::Done(report) => {
                assert_eq!(report.generation, 1);
                assert_eq!(report.rows, 10);
                assert_eq!(report.yours, 4);
                assert!(report.cv_macro_f1.is_some());
            }
            other => panic!("{other:?}"),
        }
        // Still 4 in this batch, none answered.
        let v = s.view().unwrap();
        assert_eq!(v.position, (1, 4));
        assert!(!s.answers().contains(&v.candidate.id));
    }
}
