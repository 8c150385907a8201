//! Oracle test: the sparse trainer reaches the optimum that linfa-logistic 0.8.1 (dense, same
//! objective, same L-BFGS) reaches on the same data.

use linfa::prelude::*;
use linfa_logistic::MultiLogisticRegression;
use ndarray::{Array1, Array2};
use tonetrack::features::Csr;
use tonetrack::model::logistic::{balanced_weights, LogisticModel, LogisticParams};

/// Tight enough that both solvers stop at the optimum, not near it.
const TOLERANCE: f64 = 1e-10;
const MAX_ITERATIONS: u64 = 2000;

/// splitmix64: a tiny deterministic generator, so the data are the same on every machine.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Roughly standard normal (Irwin–Hall with 12 terms).
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.uniform()).sum::<f64>() - 6.0
    }
}

/// 60 samples × 8 features, 3 overlapping Gaussian classes with class-dependent means.
fn dense_gaussian() -> (Array2<f64>, Vec<usize>) {
    let mut rng = SplitMix(42);
    let (n, d) = (60, 8);
    let y: Vec<usize> = (0..n).map(|i| i % 3).collect();
    let x = Array2::from_shape_fn((n, d), |(i, j)| {
        let shift = if j % 3 == y[i] { 0.8 } else { 0.0 };
        rng.normal() + shift
    });
    (x, y)
}

/// 90 "documents" over a 40-term vocabulary: Zipf-distributed background words plus
/// class-specific words, weighted by smoothed TF-IDF and L2-normalised per row, as the feature
/// pipeline produces them (non-negative, mostly zero).
fn tfidf_like() -> (Array2<f64>, Vec<usize>) {
    let mut rng = SplitMix(7);
    let (n, vocab) = (90, 40);
    let y: Vec<usize> = (0..n).map(|i| (i * 7 + i / 5) % 3).collect();
    let zipf: Vec<f64> = (1..=vocab).map(|r| 1.0 / r as f64).collect();
    let zipf_total: f64 = zipf.iter().sum();
    let mut counts = Array2::<f64>::zeros((n, vocab));
    for i in 0..n {
        let length = 4 + (rng.next_u64() % 9) as usize;
        for _ in 0..length {
            let term = if rng.uniform() < 0.3 {
                // Class words: terms 30..39, a block of three per class, with some leakage.
                let class = if rng.uniform() < 0.8 {
                    y[i]
                } else {
                    (y[i] + 1) % 3
                };
                30 + class * 3 + (rng.next_u64() % 3) as usize
            } else {
                let mut u = rng.uniform() * zipf_total;
                let mut t = 0;
                while t + 1 < vocab && u >= zipf[t] {
                    u -= zipf[t];
                    t += 1;
                }
                t
            };
            counts[[i, term]] += 1.0;
        }
    }
    let df: Vec<f64> = (0..vocab)
        .map(|t| counts.column(t).iter().filter(|&&c| c > 0.0).count() as f64)
        .collect();
    let mut x = counts;
    for mut row in x.rows_mut() {
        for (t, v) in row.iter_mut().enumerate() {
            *v *= ((1.0 + n as f64) / (1.0 + df[t])).ln() + 1.0;
        }
        let norm = row.dot(&row).sqrt();
        if norm > 0.0 {
            row /= norm;
        }
    }
    (x, y)
}

/// The objective computed densely from scratch: Σᵢ (lse(zᵢ) − zᵢ,yᵢ) + α/2‖W‖².
fn dense_objective(
    x: &Array2<f64>,
    y: &[usize],
    alpha: f64,
    w: &Array2<f64>,
    b: &Array1<f64>,
) -> f64 {
    let z = x.dot(w) + b;
    let mut loss = 0.0;
    for (row, &label) in z.rows().into_iter().zip(y) {
        let max = row.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
        let lse = max + row.mapv(|v| (v - max).exp()).sum().ln();
        loss += lse - row[label];
    }
    loss + 0.5 * alpha * w.iter().map(|v| v * v).sum::<f64>()
}

fn assert_close(what: &str, ours: f64, theirs: f64, rel: f64) {
    let scale = ours.abs().max(theirs.abs());
    assert!(
        (ours - theirs).abs() <= rel * scale,
        "{what}: ours {ours:e}, linfa {theirs:e}, relative difference {:e}",
        (ours - theirs).abs() / scale
    );
}

fn compare_with_linfa(x: Array2<f64>, y: Vec<usize>, c: f64) -> LogisticModel {
    let n_classes = 3;
    let alpha = 1.0 / c;

    let linfa_model = MultiLogisticRegression::default()
        .alpha(alpha)
        .gradient_tolerance(TOLERANCE)
        .max_iterations(MAX_ITERATIONS)
        .fit(&Dataset::new(x.clone(), Array1::from(y.clone())))
        .expect("linfa fit");
    // linfa sorts the class labels; with labels 0, 1, 2 all present its order is ours.
    assert_eq!(linfa_model.classes(), &[0, 1, 2]);

    let csr = Csr::csr_from_dense(x.view(), 0.0);
    let ours = LogisticParams {
        c,
        max_iterations: MAX_ITERATIONS,
        gradient_tolerance: TOLERANCE,
    }
    .check()
    .and_then(|p| p.fit(&csr, &y, n_classes, None))
    .expect("tonetrack fit");
    assert!(ours.converged(), "did not converge: {ours:?}");
    assert_eq!(ours.n_features(), x.ncols());
    assert_eq!(ours.n_classes(), n_classes);

    // Both solvers stop when the cost no longer changes in floating point, which leaves the
    // gradient near 1e-7 and each parameter within ~1e-8 of the optimum: a per-entry relative
    // test would fail on entries near zero for either solver, so the difference is measured
    // relative to the largest parameter.
    let linfa_params: Vec<f64> = linfa_model
        .params()
        .iter()
        .chain(linfa_model.intercept())
        .copied()
        .collect();
    let our_params: Vec<f64> = (0..x.ncols())
        .flat_map(|j| (0..n_classes).map(move |k| (j, k)))
        .map(|(j, k)| ours.weight(j, k).expect("in range"))
        .chain((0..n_classes).map(|k| ours.intercept(k).expect("in range")))
        .collect();
    let scale = linfa_params.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let worst = our_params
        .iter()
        .zip(&linfa_params)
        .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
    assert!(scale > 0.1, "a trivial optimum proves nothing: {scale}");
    assert!(
        worst <= 1e-6 * scale,
        "parameters differ by {worst:e} (largest parameter {scale:e})"
    );
    eprintln!(
        "C = {c}: {} iterations, max |difference| / max |parameter| = {:e}",
        ours.iterations(),
        worst / scale
    );

    // The reported loss is the objective at our parameters, and it is the optimum linfa found.
    let our_w =
        Array2::from_shape_vec((x.ncols(), n_classes), ours.weights().to_vec()).expect("shape");
    let our_b = Array1::from(ours.intercepts().to_vec());
    let at_ours = dense_objective(&x, &y, alpha, &our_w, &our_b);
    let at_linfa = dense_objective(&x, &y, alpha, linfa_model.params(), linfa_model.intercept());
    assert_close("loss vs dense objective", ours.loss(), at_ours, 1e-12);
    assert_close("loss vs linfa's optimum", ours.loss(), at_linfa, 1e-10);

    // Same predictions as linfa on the training rows.
    let linfa_pred = linfa_model.predict(&x);
    assert_eq!(ours.predict(&csr), linfa_pred.to_vec());
    ours
}

#[test]
fn dense_gaussian_matches_linfa() {
    let (x, y) = dense_gaussian();
    compare_with_linfa(x.clone(), y.clone(), 1.0);
    compare_with_linfa(x, y, 0.1);
}

#[test]
fn tfidf_like_matches_linfa() {
    let (x, y) = tfidf_like();
    let zeros = x.iter().filter(|&&v| v == 0.0).count();
    assert!(zeros * 2 > x.len(), "the case should be sparse");
    compare_with_linfa(x.clone(), y.clone(), 1.0);
    let weak = compare_with_linfa(x, y, 10.0);
    // With weak regularisation the class words dominate their own class.
    for class in 0..3 {
        let own = weak.weight(30 + class * 3, class).expect("in range");
        let other = weak
            .weight(30 + class * 3, (class + 1) % 3)
            .expect("in range");
        assert!(own > other, "class {class}: {own} vs {other}");
    }
}

/// `tests/fixtures/logistic/sklearn_balanced.json` (written by `make_fixture.py` beside it).
#[derive(serde::Deserialize)]
struct SklearnFixture {
    x: Vec<Vec<f64>>,
    y: Vec<usize>,
    fits: Vec<SklearnFit>,
}

#[derive(serde::Deserialize)]
struct SklearnFit {
    c: f64,
    balanced: bool,
    /// n_features × n_classes.
    coef: Vec<Vec<f64>>,
    intercept: Vec<f64>,
}

/// scikit-learn's `LogisticRegression(C, class_weight)` reaches the same optimum: `α = 1/C`, and
/// `balanced_weights` are its `class_weight="balanced"`.
#[test]
fn sklearn_c_and_balanced_weights_match() {
    let text = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/logistic/sklearn_balanced.json"
    ));
    let fixture: SklearnFixture = serde_json::from_str(text).expect("fixture parses");
    let (n, d) = (fixture.x.len(), fixture.x[0].len());
    let dense = Array2::from_shape_fn((n, d), |(i, j)| fixture.x[i][j]);
    let x = Csr::csr_from_dense(dense.view(), 0.0);
    assert!(x.nnz() < n * d, "the fixture should be sparse");
    let weights = balanced_weights(&fixture.y, 3);
    assert_eq!(fixture.fits.len(), 4);
    for fit in &fixture.fits {
        let model = LogisticParams {
            c: fit.c,
            max_iterations: MAX_ITERATIONS,
            gradient_tolerance: TOLERANCE,
        }
        .check()
        .and_then(|p| p.fit(&x, &fixture.y, 3, fit.balanced.then_some(&weights[..])))
        .expect("fit");
        let ours: Vec<f64> = model
            .weights()
            .iter()
            .chain(model.intercepts())
            .copied()
            .collect();
        let theirs: Vec<f64> = fit
            .coef
            .iter()
            .flatten()
            .chain(&fit.intercept)
            .copied()
            .collect();
        let scale = theirs.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let worst = ours
            .iter()
            .zip(&theirs)
            .fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
        // Balanced and unweighted optima differ by ~60% of the largest parameter here, so this
        // bound tells a wrong C or wrong weights apart with a wide margin.
        assert!(
            worst <= 1e-6 * scale,
            "C = {}, balanced = {}: parameters differ by {worst:e} (largest {scale:e})",
            fit.c,
            fit.balanced
        );
        eprintln!(
            "sklearn C = {}, balanced = {}: max |difference| / max |parameter| = {:e}",
            fit.c,
            fit.balanced,
            worst / scale
        );
    }
}
