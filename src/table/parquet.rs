//! Rows of typed columns written to a Parquet file: in record batches as they come (bounded
//! memory), through a temporary file renamed at the end, so that a run that fails leaves no
//! file, or the old one, but never half a file.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, ListBuilder, StringBuilder,
    UInt64Builder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use chrono::NaiveDate;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::output_file::AtomicFile;
use crate::{Error, Result};

/// The type of an output column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// Text (Utf8).
    Text,
    /// A calendar date (Date32).
    Date,
    /// A number (Float64).
    Float,
    /// True or false (Boolean).
    Bool,
    /// A count or an offset (UInt64).
    Count,
    /// A signed integer (Int64).
    Integer,
    /// A list of texts (`List<Utf8>`).
    TextList,
}

impl ColumnType {
    fn arrow(self) -> DataType {
        match self {
            ColumnType::Text => DataType::Utf8,
            ColumnType::Date => DataType::Date32,
            ColumnType::Float => DataType::Float64,
            ColumnType::Bool => DataType::Boolean,
            ColumnType::Count => DataType::UInt64,
            ColumnType::Integer => DataType::Int64,
            ColumnType::TextList => {
                DataType::List(Arc::new(Field::new("item", DataType::Utf8, true)))
            }
        }
    }
}

/// One cell of a row; `None` is null. Its variant must match its column's [`ColumnType`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cell<'a> {
    /// A [`ColumnType::Text`] cell.
    Text(Option<&'a str>),
    /// A [`ColumnType::Date`] cell.
    Date(Option<NaiveDate>),
    /// A [`ColumnType::Float`] cell.
    Float(Option<f64>),
    /// A [`ColumnType::Bool`] cell.
    Bool(Option<bool>),
    /// A [`ColumnType::Count`] cell.
    Count(Option<u64>),
    /// A [`ColumnType::Integer`] cell.
    Integer(Option<i64>),
    /// A [`ColumnType::TextList`] cell.
    TextList(&'a [String]),
}

enum Builder {
    Text(StringBuilder),
    Date(Date32Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    Count(UInt64Builder),
    Integer(Int64Builder),
    TextList(ListBuilder<StringBuilder>),
}

impl Builder {
    fn new(t: ColumnType) -> Builder {
        match t {
            ColumnType::Text => Builder::Text(StringBuilder::new()),
            ColumnType::Date => Builder::Date(Date32Builder::new()),
            ColumnType::Float => Builder::Float(Float64Builder::new()),
            ColumnType::Bool => Builder::Bool(BooleanBuilder::new()),
            ColumnType::Count => Builder::Count(UInt64Builder::new()),
            ColumnType::Integer => Builder::Integer(Int64Builder::new()),
            ColumnType::TextList => Builder::TextList(ListBuilder::new(StringBuilder::new())),
        }
    }

    /// Appends a cell; false when its type is not the column's.
    fn push(&mut self, cell: Cell) -> bool {
        match (self, cell) {
            (Builder::Text(b), Cell::Text(v)) => b.append_option(v),
            (Builder::Date(b), Cell::Date(v)) => b.append_option(v.map(days_since_epoch)),
            (Builder::Float(b), Cell::Float(v)) => b.append_option(v),
            (Builder::Bool(b), Cell::Bool(v)) => b.append_option(v),
            (Builder::Count(b), Cell::Count(v)) => b.append_option(v),
            (Builder::Integer(b), Cell::Integer(v)) => b.append_option(v),
            (Builder::TextList(b), Cell::TextList(v)) => {
                for s in v {
                    b.values().append_value(s);
                }
                b.append(true);
            }
            _ => return false,
        }
        true
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::Date(b) => Arc::new(b.finish()),
            Builder::Float(b) => Arc::new(b.finish()),
            Builder::Bool(b) => Arc::new(b.finish()),
            Builder::Count(b) => Arc::new(b.finish()),
            Builder::Integer(b) => Arc::new(b.finish()),
            Builder::TextList(b) => Arc::new(b.finish()),
        }
    }
}

/// Days since 1970-01-01, Arrow's Date32.
fn days_since_epoch(d: NaiveDate) -> i32 {
    const EPOCH_FROM_CE: i32 = 719_163;
    chrono::Datelike::num_days_from_ce(&d) - EPOCH_FROM_CE
}

/// Rows gathered before they are handed to the Parquet writer as one record batch.
pub const BATCH_ROWS: usize = 8192;

/// Rows per row group: the writer holds at most one row group's encoded pages in memory.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// A Parquet file being written, row by row.
pub struct ParquetRows {
    path: PathBuf,
    schema: SchemaRef,
    builders: Vec<Builder>,
    pending: usize,
    rows: u64,
    writer: ArrowWriter<BufWriter<File>>,
    /// The temporary file (the writer writes through a second handle to it).
    handle: File,
    file: AtomicFile,
}

impl std::fmt::Debug for ParquetRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetRows")
            .field("path", &self.path)
            .field("rows", &self.rows)
            .finish()
    }
}

fn parquet_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Table {
        path: path.to_path_buf(),
        location: None,
        message: format!("writing Parquet: {e}"),
    }
}

impl ParquetRows {
    /// Starts a Parquet file at `path` with these columns (every column nullable), written
    /// to a temporary file beside it until [`finish`](Self::finish).
    pub fn create(path: &Path, columns: &[(String, ColumnType)]) -> Result<ParquetRows> {
        let schema: SchemaRef = Arc::new(Schema::new(
            columns
                .iter()
                .map(|(name, t)| Field::new(name, t.arrow(), true))
                .collect::<Vec<_>>(),
        ));
        let (file, handle) = AtomicFile::create(path)?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let second = handle.try_clone().map_err(|e| Error::io(path, e))?;
        let writer = ArrowWriter::try_new(BufWriter::new(second), schema.clone(), Some(properties))
            .map_err(|e| parquet_error(path, e))?;
        Ok(ParquetRows {
            path: path.to_path_buf(),
            builders: columns.iter().map(|(_, t)| Builder::new(*t)).collect(),
            schema,
            pending: 0,
            rows: 0,
            writer,
            handle,
            file,
        })
    }

    /// Appends one row: a cell per column, in the columns' order and of their types.
    pub fn push(&mut self, row: &[Cell]) -> Result<()> {
        if row.len() != self.builders.len() {
            return Err(parquet_error(
                &self.path,
                format!(
                    "a row of {} cells for {} columns",
                    row.len(),
                    self.builders.len()
                ),
            ));
        }
        for (i, (builder, cell)) in self.builders.iter_mut().zip(row).enumerate() {
            if !builder.push(*cell) {
                return Err(parquet_error(
                    &self.path,
                    format!(
                        "column `{}` is {}, not {cell:?}",
                        self.schema.field(i).name(),
                        self.schema.field(i).data_type()
                    ),
                ));
            }
        }
        self.pending += 1;
        self.rows += 1;
        if self.pending >= BATCH_ROWS {
            self.flush_batch()?;
        }
        Ok(())
    }

    fn flush_batch(&mut self) -> Result<()> {
        if self.pending == 0 {
            return Ok(());
        }
        let columns: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        let batch = RecordBatch::try_new(self.schema.clone(), columns)
            .map_err(|e| parquet_error(&self.path, e))?;
        self.writer
            .write(&batch)
            .map_err(|e| parquet_error(&self.path, e))?;
        self.pending = 0;
        Ok(())
    }

    /// Writes the rows still pending and the file's footer, and puts the file in place;
    /// returns the number of rows. Dropped without `finish`, nothing is left.
    pub fn finish(mut self) -> Result<u64> {
        self.flush_batch()?;
        self.writer
            .finish()
            .map_err(|e| parquet_error(&self.path, e))?;
        std::io::Write::flush(self.writer.inner_mut()).map_err(|e| Error::io(&self.path, e))?;
        drop(self.writer);
        self.file.commit(self.handle)?;
        Ok(self.rows)
    }
}
