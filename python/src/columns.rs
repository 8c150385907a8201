//! Arrow columns in and out: the input's text, date and name columns read in place (no copy
//! of the strings), the output built column by column.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::types::Date32Type;
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use pyo3::exceptions::PyValueError;
use pyo3::PyResult;
use pyo3_arrow::PyArray;

/// 1970-01-01, day 0 of Arrow's `date32`.
fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date")
}

/// A date as Arrow's `date32` (days since 1970-01-01).
pub fn to_date32(date: NaiveDate) -> i32 {
    (date - epoch()).num_days() as i32
}

/// A column of strings of any of Arrow's three layouts, read in place.
pub enum Strings<'a> {
    Utf8(&'a arrow_array::StringArray),
    LargeUtf8(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
}

impl<'a> Strings<'a> {
    /// The strings of `array`; `what` names the column in the error.
    pub fn of(array: &'a ArrayRef, what: &str) -> PyResult<Self> {
        match array.data_type() {
            DataType::Utf8 => Ok(Strings::Utf8(array.as_string::<i32>())),
            DataType::LargeUtf8 => Ok(Strings::LargeUtf8(array.as_string::<i64>())),
            DataType::Utf8View => Ok(Strings::View(array.as_string_view())),
            other => Err(PyValueError::new_err(format!(
                "{what}: expected a column of strings, got Arrow type {other}"
            ))),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Strings::Utf8(a) => a.len(),
            Strings::LargeUtf8(a) => a.len(),
            Strings::View(a) => a.len(),
        }
    }

    /// The `i`th string; `None` for a null.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Strings::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Strings::LargeUtf8(a) => a.is_valid(i).then(|| a.value(i)),
            Strings::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }

    /// The `i`th string, `None` for a null or a blank one.
    pub fn non_blank(&self, i: usize) -> Option<&'a str> {
        self.get(i).filter(|s| !s.trim().is_empty())
    }
}

/// An optional string column of the same length as the texts.
pub fn optional_strings<'a>(
    array: Option<&'a PyArray>,
    what: &str,
    len: usize,
) -> PyResult<Option<Strings<'a>>> {
    let Some(array) = array else {
        return Ok(None);
    };
    let strings = Strings::of(array.array(), what)?;
    check_len(strings.len(), len, what)?;
    Ok(Some(strings))
}

/// An optional `date32` column of the same length as the texts, as dates.
pub fn optional_dates(
    array: Option<&PyArray>,
    what: &str,
    len: usize,
) -> PyResult<Option<Vec<Option<NaiveDate>>>> {
    let Some(array) = array else {
        return Ok(None);
    };
    let array = array.array();
    let Some(days) = array.as_primitive_opt::<Date32Type>() else {
        return Err(PyValueError::new_err(format!(
            "{what}: expected a date32 column, got Arrow type {}",
            array.data_type()
        )));
    };
    check_len(days.len(), len, what)?;
    Ok(Some(
        (0..days.len())
            .map(|i| {
                days.is_valid(i)
                    .then(|| epoch() + chrono::Duration::days(i64::from(days.value(i))))
            })
            .collect(),
    ))
}

fn check_len(found: usize, expected: usize, what: &str) -> PyResult<()> {
    if found == expected {
        Ok(())
    } else {
        Err(PyValueError::new_err(format!(
            "{what}: {found} values for {expected} texts"
        )))
    }
}

/// A record batch assembled column by column.
#[derive(Default)]
pub struct BatchBuilder {
    fields: Vec<Field>,
    columns: Vec<ArrayRef>,
}

impl BatchBuilder {
    pub fn strings<'s>(
        &mut self,
        name: &str,
        values: impl Iterator<Item = Option<&'s str>>,
    ) -> &mut Self {
        let mut b = StringBuilder::new();
        for v in values {
            b.append_option(v);
        }
        self.push(name, Arc::new(b.finish()))
    }

    pub fn dates(
        &mut self,
        name: &str,
        values: impl Iterator<Item = Option<NaiveDate>>,
    ) -> &mut Self {
        let mut b = Date32Builder::new();
        for v in values {
            b.append_option(v.map(to_date32));
        }
        self.push(name, Arc::new(b.finish()))
    }

    pub fn ints(&mut self, name: &str, values: impl Iterator<Item = usize>) -> &mut Self {
        let mut b = Int64Builder::new();
        for v in values {
            b.append_value(v as i64);
        }
        self.push(name, Arc::new(b.finish()))
    }

    pub fn floats(&mut self, name: &str, values: impl Iterator<Item = Option<f64>>) -> &mut Self {
        let mut b = Float64Builder::new();
        for v in values {
            b.append_option(v);
        }
        self.push(name, Arc::new(b.finish()))
    }

    pub fn bools(&mut self, name: &str, values: impl Iterator<Item = bool>) -> &mut Self {
        let mut b = BooleanBuilder::new();
        for v in values {
            b.append_value(v);
        }
        self.push(name, Arc::new(b.finish()))
    }

    pub fn string_lists<'s, I: IntoIterator<Item = &'s str>>(
        &mut self,
        name: &str,
        values: impl Iterator<Item = I>,
    ) -> &mut Self {
        let mut b = ListBuilder::new(StringBuilder::new()).with_field(Arc::new(Field::new(
            "item",
            DataType::Utf8,
            true,
        )));
        for list in values {
            for s in list {
                b.values().append_value(s);
            }
            b.append(true);
        }
        self.push(name, Arc::new(b.finish()))
    }

    fn push(&mut self, name: &str, array: ArrayRef) -> &mut Self {
        self.fields
            .push(Field::new(name, array.data_type().clone(), true));
        self.columns.push(array);
        self
    }

    pub fn finish(self, rows: usize) -> PyResult<RecordBatch> {
        let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(rows));
        RecordBatch::try_new_with_options(
            Arc::new(Schema::new(self.fields)),
            self.columns,
            &options,
        )
        .map_err(|e| PyValueError::new_err(format!("building the result: {e}")))
    }
}
