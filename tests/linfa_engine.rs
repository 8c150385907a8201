//! linfa as the ecosystem: the sparse model fitted through linfa's `Fit` trait, and a model
//! trained by `train --engine linfa-logistic`, each compared with the sparse engine.

use assert_cmd::Command;
use linfa::prelude::*;
use ndarray::Array1;
use tonetrack::features::Csr;
use tonetrack::model::linfa_traits::CsrRecords;
use tonetrack::model::logistic::LogisticParams;
use tonetrack::model::Model;

/// Six rows per class of three classes, each class with words of its own and shared ones.
fn rows() -> Vec<(String, &'static str)> {
    let words = [
        ("positive", ["welcome", "progress", "agree"]),
        ("negative", ["sanctions", "threat", "hostile"]),
        ("neutral", ["meeting", "monday", "schedule"]),
    ];
    let mut rows = Vec::new();
    for i in 0..6 {
        for (label, own) in &words {
            let text = format!(
                "the {} and the {} talks {}",
                own[i % 3],
                own[(i + 1) % 3],
                i % 2
            );
            rows.push((text, *label));
        }
    }
    rows
}

#[test]
fn fit_through_linfa_traits_equals_the_sparse_fit() {
    // A small TF-IDF-like matrix: 3 classes, 9 features.
    let mut triplets = Vec::new();
    let mut y = Vec::new();
    for i in 0..30usize {
        let class = i % 3;
        y.push(class);
        triplets.push((i, class * 3 + i % 3, 0.8));
        triplets.push((i, (i * 7) % 9, 0.6));
    }
    let mut dense = ndarray::Array2::<f64>::zeros((30, 9));
    for (i, j, v) in triplets {
        dense[[i, j]] += v;
    }
    let csr = Csr::csr_from_dense(dense.view(), 0.0);
    let params = LogisticParams {
        c: 1.0,
        max_iterations: 2000,
        gradient_tolerance: 1e-10,
    }
    .check()
    .expect("params");
    let direct = params.fit(&csr, &y, 3, None).expect("sparse fit");
    let dataset = DatasetBase::new(CsrRecords(csr.clone()), Array1::from(y.clone()));
    let through_linfa = Fit::fit(&params, &dataset).expect("linfa Fit");
    assert_eq!(through_linfa, direct, "the same fit, bit for bit");
    // `Predict::predict`: the inherent `predict` takes the CSR matrix itself.
    let predicted: Array1<usize> = Predict::predict(&through_linfa, &dataset);
    assert_eq!(predicted.to_vec(), direct.predict(&csr));
    assert!(predicted.iter().zip(&y).filter(|(p, t)| p == t).count() >= 25);
}

#[test]
fn train_engine_linfa_logistic_gives_the_sparse_model() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("d.csv");
    let mut csv = String::from("text,label\n");
    for (text, label) in rows() {
        csv.push_str(&format!("{text},{label}\n"));
    }
    std::fs::write(&data, csv).expect("write");
    let train = |engine: &str| {
        let out = dir.path().join(format!("{engine}.json"));
        Command::cargo_bin("tonetrack")
            .expect("binary")
            .args(["train", "--c", "1", "--min-df", "1", "--max-iter", "1000"])
            .args(["--engine", engine, "--data"])
            .arg(&data)
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        Model::load(&out).expect("model")
    };
    let sparse = train("sparse");
    let linfa = train("linfa-logistic");
    let (a, b) = (
        sparse.classifier_for(None).expect("single"),
        linfa.classifier_for(None).expect("single"),
    );
    assert_eq!(a.classes(), b.classes());
    // Both stop at a gradient of 1e-4 per row, so the parameters agree to about that.
    let (wa, wb) = (a.model().weights(), b.model().weights());
    assert_eq!(wa.len(), wb.len());
    let scale = wa.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let worst = wa
        .iter()
        .zip(wb)
        .chain(a.model().intercepts().iter().zip(b.model().intercepts()))
        .fold(0.0f64, |m, (x, y)| m.max((x - y).abs()));
    assert!(scale > 0.1, "a trivial optimum proves nothing: {scale}");
    assert!(
        worst <= 1e-3 * scale,
        "parameters differ by {worst:e} (largest {scale:e})"
    );
    for (text, _) in rows() {
        let (pa, pb) = (a.predict(&text, 0), b.predict(&text, 0));
        assert_eq!(pa.label, pb.label, "{text}");
        assert!((pa.tone() - pb.tone()).abs() < 1e-3, "{text}");
    }
}
