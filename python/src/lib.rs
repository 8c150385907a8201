//! `tonetrack._tonetrack`: the Rust side of the Python package. Columns come in and go out as
//! Arrow arrays (the Arrow C data interface, through pyo3-arrow); the GIL is released while
//! the library works. The pandas-facing API is `python/tonetrack/__init__.py`.

mod columns;
mod rows;
mod train;
mod trends;

use std::path::PathBuf;
use std::sync::Arc;

use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray2};
use pyo3::exceptions::{PyFileNotFoundError, PyKeyError, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use pyo3_arrow::{PyArray, PyRecordBatch};
use tonetrack::model::classifier::{Classifier, DEFAULT_TOP_TERMS};
use tonetrack::model::Model;
use tonetrack::predict::predict_batch;
use tonetrack::score::default_model;

use columns::{BatchBuilder, Strings};

/// A library error as the Python exception that fits it: a file that cannot be read is an
/// `OSError` (`FileNotFoundError` when it is missing), a missing column a `KeyError`, anything else a `ValueError`; the message is the
/// library's (it names the problem and the fix).
pub(crate) fn py_err(e: tonetrack::Error) -> PyErr {
    match &e {
        // `FileNotFoundError` (an `OSError`) for a missing file, as Python's `open` raises.
        tonetrack::Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            PyFileNotFoundError::new_err(e.to_string())
        }
        tonetrack::Error::Io { .. } => PyOSError::new_err(e.to_string()),
        tonetrack::Error::MissingColumn { .. } => PyKeyError::new_err(e.to_string()),
        _ => PyValueError::new_err(e.to_string()),
    }
}

/// A tone model: the built-in one, a model file, or one just trained.
#[pyclass(name = "Model", module = "tonetrack._tonetrack", frozen)]
pub struct PyModel {
    pub(crate) model: Arc<Model>,
    /// Where it came from, for `repr`.
    origin: String,
}

impl PyModel {
    pub(crate) fn new(model: Model, origin: String) -> Self {
        PyModel {
            model: Arc::new(model),
            origin,
        }
    }

    /// The model's single classifier (a per-target model cannot score quotations, which have
    /// no target).
    pub(crate) fn classifier(&self) -> PyResult<&Classifier> {
        self.model.classifier_for(None).map_err(py_err)
    }
}

#[pymethods]
impl PyModel {
    /// The built-in model (`models/default.json`).
    #[staticmethod]
    fn default() -> PyResult<Self> {
        Ok(Self::new(
            default_model().map_err(py_err)?,
            "built-in".to_string(),
        ))
    }

    /// Reads and checks a model file (as written by `tonetrack train` or `Model.save`).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let model = py.detach(|| Model::load(&path)).map_err(py_err)?;
        Ok(Self::new(model, path.display().to_string()))
    }

    /// A model from the bytes of a model file.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: Vec<u8>) -> PyResult<Self> {
        let model = py
            .detach(|| Model::from_bytes(&data, std::path::Path::new("<bytes>")))
            .map_err(py_err)?;
        Ok(Self::new(model, "bytes".to_string()))
    }

    /// The bytes of the model file.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let model = Arc::clone(&self.model);
        let bytes = py.detach(move || model.to_bytes()).map_err(py_err)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// Writes the model file atomically.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let model = Arc::clone(&self.model);
        py.detach(move || model.save(&path)).map_err(py_err)
    }

    /// The classes, in the model's order (the columns of `predict_proba`).
    #[getter]
    fn classes(&self) -> Vec<String> {
        self.model.classes().to_vec()
    }

    /// Where the model came from.
    #[getter]
    fn origin(&self) -> String {
        self.origin.clone()
    }

    /// Label, one probability per class (`p_CLASS`, model order), tone and top terms of each
    /// text, as an Arrow record batch.
    #[pyo3(signature = (texts, top = DEFAULT_TOP_TERMS))]
    fn predict(&self, py: Python<'_>, texts: PyArray, top: usize) -> PyResult<PyRecordBatch> {
        let classifier = self.classifier()?;
        let texts = Strings::of(texts.array(), "texts")?;
        let batch = py.detach(|| {
            let all: Vec<&str> = (0..texts.len())
                .map(|i| texts.get(i).unwrap_or(""))
                .collect();
            let predictions = predict_batch(classifier, &all, top);
            let mut b = BatchBuilder::default();
            b.strings("label", predictions.iter().map(|p| Some(p.label)));
            for (k, class) in classifier.classes().iter().enumerate() {
                b.floats(
                    &format!("p_{class}"),
                    predictions.iter().map(|p| Some(p.probabilities[k].1)),
                );
            }
            b.floats("tone", predictions.iter().map(|p| Some(p.tone())));
            b.string_lists(
                "top_terms",
                predictions
                    .iter()
                    .map(|p| p.top_terms.iter().map(|t| t.term.as_ref())),
            );
            b.finish(all.len())
        })?;
        Ok(PyRecordBatch::new(batch))
    }

    /// The probability of every class for each text: an array of shape (texts, classes).
    fn predict_proba<'py>(
        &self,
        py: Python<'py>,
        texts: PyArray,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let classifier = self.classifier()?;
        let texts = Strings::of(texts.array(), "texts")?;
        let k = classifier.classes().len();
        let values = py.detach(|| {
            let all: Vec<&str> = (0..texts.len())
                .map(|i| texts.get(i).unwrap_or(""))
                .collect();
            let predictions = predict_batch(classifier, &all, 0);
            let mut values = Vec::with_capacity(all.len() * k);
            for p in &predictions {
                values.extend(p.probabilities.iter().map(|&(_, v)| v));
            }
            values
        });
        let n = values.len() / k.max(1);
        let array = Array2::from_shape_vec((n, k), values)
            .map_err(|e| PyValueError::new_err(format!("probabilities: {e}")))?;
        Ok(array.into_pyarray(py))
    }

    fn __repr__(&self) -> String {
        format!(
            "tonetrack.Model({}, classes={:?})",
            self.origin,
            self.model.classes()
        )
    }
}

/// How many threads the Rust side works with: the `RAYON_NUM_THREADS` environment variable
/// when set before the first call, else one per core. On a cluster of one-thread workers, set
/// it to 1 in the workers' environment so that they do not compete for the cores.
#[pyfunction]
fn threads() -> usize {
    rayon::current_num_threads()
}

#[pymodule]
fn _tonetrack(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyModel>()?;
    m.add_function(wrap_pyfunction!(rows::score_rows, m)?)?;
    m.add_function(wrap_pyfunction!(rows::quote_rows, m)?)?;
    m.add_function(wrap_pyfunction!(trends::trend_rows, m)?)?;
    m.add_function(wrap_pyfunction!(train::train_rows, m)?)?;
    m.add_function(wrap_pyfunction!(threads, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_TOP_TERMS", DEFAULT_TOP_TERMS)?;
    Ok(())
}
