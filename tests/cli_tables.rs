//! Tables of articles in (CSV, JSONL, Parquet) and Parquet out, through the real binary, on
//! the seed articles: the tables are built in the test from `seeds/`.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, UInt64Type};
use arrow_array::{ArrayRef, Date32Array, RecordBatch, StringArray, TimestampSecondArray};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use assert_cmd::Command;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use serde_json::Value;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn tonetrack() -> Command {
    let mut cmd = Command::cargo_bin("tonetrack").expect("binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// The seed articles: (id, file, text), and the date given to each in the tables (seed 002
/// none, seed 003 as a timestamp).
fn seeds() -> Vec<(String, PathBuf, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo("seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let id = p.file_stem().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).unwrap();
            (id, p, text)
        })
        .collect()
}

const DATES: [&str; 5] = [
    "2019-09-05",
    "2017-06-23",
    "",
    "2019-12-12T08:00:00Z",
    "2024-06-24",
];

/// The date a table row should give (the text's date where the cell is empty).
fn expected_date(i: usize) -> Option<&'static str> {
    match DATES[i] {
        "" => None,
        d => Some(&d[..10]),
    }
}

fn write_csv(path: &Path, delimiter: u8) {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_path(path)
        .unwrap();
    w.write_record(["id", "text", "date", "outlet", "label"])
        .unwrap();
    for (i, (id, _, text)) in seeds().iter().enumerate() {
        w.write_record([id.as_str(), text, DATES[i], &format!("outlet {i}"), "gold"])
            .unwrap();
    }
    w.flush().unwrap();
}

fn write_jsonl(path: &Path) {
    let lines: Vec<String> = seeds()
        .iter()
        .enumerate()
        .map(|(i, (id, _, text))| {
            let date = if DATES[i].is_empty() {
                Value::Null
            } else {
                Value::String(DATES[i].into())
            };
            serde_json::json!({"id": id, "text": text, "date": date, "outlet": format!("outlet {i}"), "label": "gold"}).to_string()
        })
        .collect();
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

/// A Parquet table with the date as Date32 (`timestamp`: as a Timestamp in seconds).
fn write_parquet(path: &Path, timestamp: bool) {
    let seeds = seeds();
    let days = |i: usize| {
        expected_date(i).map(|d| {
            let d = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
            (d - chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days()
        })
    };
    let dates: ArrayRef = if timestamp {
        Arc::new(TimestampSecondArray::from(
            (0..seeds.len())
                .map(|i| days(i).map(|d| d * 86_400 + 3600))
                .collect::<Vec<_>>(),
        ))
    } else {
        Arc::new(Date32Array::from(
            (0..seeds.len())
                .map(|i| days(i).map(|d| d as i32))
                .collect::<Vec<_>>(),
        ))
    };
    let date_type = if timestamp {
        DataType::Timestamp(TimeUnit::Second, None)
    } else {
        DataType::Date32
    };
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("text", DataType::Utf8, false),
        Field::new("date", date_type, true),
        Field::new("outlet", DataType::Utf8, false),
        Field::new("label", DataType::Utf8, false),
    ]));
    let strings = |f: &dyn Fn(usize) -> String| -> ArrayRef {
        Arc::new(StringArray::from(
            (0..seeds.len()).map(f).collect::<Vec<_>>(),
        ))
    };
    let batch = RecordBatch::try_new(
        schema.clone(),
        vec![
            strings(&|i| seeds[i].0.clone()),
            strings(&|i| seeds[i].2.clone()),
            dates,
            strings(&|i| format!("outlet {i}")),
            strings(&|_| "gold".to_string()),
        ],
    )
    .unwrap();
    let mut writer = ArrowWriter::try_new(File::create(path).unwrap(), schema, None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

/// `score TABLE --format csv` on a table that fails: exit 2; (stdout, stderr).
fn score_csv_failing(path: &Path) -> (String, String) {
    let output = tonetrack()
        .args(["score", path.to_str().unwrap(), "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn run_jsonl(args: &[&str]) -> Vec<Value> {
    let output = tonetrack().args(args).output().unwrap();
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A CSV (comma- or, with `--delimiter`, semicolon-separated), a TSV, a JSONL and two Parquet
/// tables of the seed articles give the quotations and tones of the .txt files, with the
/// table's date (`column`) where it has one, the id as the article, and the other columns
/// passed through (`label` as `input_label`).
#[test]
fn tables_of_the_seeds_score_as_the_files_do() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_csv(&d.join("a.csv"), b',');
    write_csv(&d.join("semicolons.csv"), b';');
    write_csv(&d.join("a.tsv"), b'\t');
    write_jsonl(&d.join("a.jsonl"));
    write_parquet(&d.join("a.parquet"), false);
    write_parquet(&d.join("t.parquet"), true);
    let files = run_jsonl(&["score", "seeds/", "--all", "--format", "jsonl"]);
    assert!(files.len() > 30);
    let seeds = seeds();
    let tables: [(&str, &[&str]); 6] = [
        ("a.csv", &[]),
        ("semicolons.csv", &["--delimiter", ";"]),
        ("a.tsv", &[]),
        ("a.jsonl", &[]),
        ("a.parquet", &[]),
        ("t.parquet", &[]),
    ];
    for (table, options) in tables {
        let path = d.join(table);
        let mut args = vec![
            "score",
            path.to_str().unwrap(),
            "--all",
            "--format",
            "jsonl",
        ];
        args.extend(options);
        let rows = run_jsonl(&args);
        assert_eq!(rows.len(), files.len(), "{table}");
        for (row, file) in rows.iter().zip(&files) {
            for key in [
                "speaker", "quote", "start", "end", "label", "tone", "relevant", "title",
            ] {
                assert_eq!(row[key], file[key], "{table}: {key}");
            }
            let i = seeds
                .iter()
                .position(|(id, ..)| row["article"] == id.as_str())
                .unwrap_or_else(|| panic!("{table}: article {}", row["article"]));
            match expected_date(i) {
                Some(date) => {
                    assert_eq!(row["date"], date, "{table}");
                    assert_eq!(row["date_source"], "column", "{table}");
                }
                None => {
                    assert_eq!(row["date"], file["date"], "{table}");
                    assert_eq!(row["date_source"], file["date_source"], "{table}");
                }
            }
            assert_eq!(row["outlet"], format!("outlet {i}"), "{table}");
            assert_eq!(row["input_label"], "gold", "{table}");
        }
    }
    // `quotes` passes the columns through too, after its own.
    let csv_path = d.join("a.csv");
    let output = tonetrack()
        .args(["quotes", csv_path.to_str().unwrap(), "--format", "csv"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("article,title,url,date,date_source,speaker,speaker_kind,attribution,quote,start,end,paragraph,partial,relevant,cue,outlet,input_label\n"),
        "{}",
        &text[..200]
    );
}

/// Without `--delimiter`, a semicolon-separated table reads as one column, and the error says
/// which flag reads it.
#[test]
fn a_semicolon_table_without_the_delimiter_names_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("semicolons.csv");
    write_csv(&path, b';');
    let output = tonetrack()
        .args(["score", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("no column named `text`")
            && stderr.contains("separated by `;`, pass --delimiter ';'"),
        "{stderr}"
    );
}

#[test]
fn a_missing_column_names_the_file_the_columns_and_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.csv");
    write_csv(&path, b',');
    for (flag, name) in [("--date-col", "published"), ("--text-col", "body")] {
        let output = tonetrack()
            .args(["score", path.to_str().unwrap(), flag, name])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        let err = String::from_utf8(output.stderr).unwrap();
        assert!(err.contains("a.csv: no column named"), "{err}");
        assert!(err.contains(name), "{err}");
        assert!(err.contains("id, text, date, outlet, label"), "{err}");
        assert!(err.contains("hint: name the table's"), "{err}");
        assert!(err.contains(flag), "{err}");
    }
}

#[test]
fn a_bad_date_names_the_file_the_row_and_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.jsonl");
    let seeds = seeds();
    let lines = [
        serde_json::json!({"text": seeds[0].2, "date": "2019-09-05"}).to_string(),
        serde_json::json!({"text": seeds[1].2, "date": "23/06/2017"}).to_string(),
    ];
    std::fs::write(&path, lines.join("\n")).unwrap();
    let (out, err) = score_csv_failing(&path);
    assert!(
        err.contains(
            "a.jsonl: line 2: `23/06/2017` in column `date` is not a date; give yyyy-mm-dd"
        ),
        "{err}"
    );
    // The first row was scored, named FILE:ROW (no id column).
    assert!(out.contains("a.jsonl:1,"), "{out}");
}

fn read_parquet(path: &Path) -> RecordBatch {
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.map(|b| b.unwrap()).collect();
    single_batch(&batches)
}

fn single_batch(batches: &[RecordBatch]) -> RecordBatch {
    assert_eq!(batches.len(), 1, "small outputs are one batch");
    batches[0].clone()
}

/// `score --format parquet` writes the rows of `--format csv`, typed: dates as Date32,
/// offsets as UInt64, flags as Boolean, probabilities and tone as Float64, top terms as a
/// list, passed columns as text.
#[test]
fn score_parquet_has_the_csv_rows_with_types() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("a.csv");
    write_csv(&table, b',');
    let out = dir.path().join("s.parquet");
    for input in ["seeds/", table.to_str().unwrap()] {
        let csv_out = tonetrack()
            .args(["score", input, "--format", "csv"])
            .output()
            .unwrap();
        assert!(csv_out.status.success());
        let status = tonetrack()
            .args(["score", input, "--format", "parquet", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
        let batch = read_parquet(&out);
        let mut csv = csv::Reader::from_reader(csv_out.stdout.as_slice());
        let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
        let names: Vec<String> = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(names, header);
        let schema = batch.schema();
        let type_of = |name: &str| schema.field_with_name(name).unwrap().data_type().clone();
        assert_eq!(type_of("date"), DataType::Date32);
        assert_eq!(type_of("start"), DataType::UInt64);
        assert_eq!(type_of("relevant"), DataType::Boolean);
        assert_eq!(type_of("p_positive"), DataType::Float64);
        assert_eq!(type_of("tone"), DataType::Float64);
        assert!(matches!(type_of("top_terms"), DataType::List(_)));
        let records: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
        assert_eq!(records.len(), batch.num_rows());
        let col = |name: &str| batch.column(header.iter().position(|h| h == name).unwrap());
        for (i, r) in records.iter().enumerate() {
            let cell = |name: &str| &r[header.iter().position(|h| h == name).unwrap()];
            assert_eq!(col("quote").as_string::<i32>().value(i), cell("quote"));
            assert_eq!(col("article").as_string::<i32>().value(i), cell("article"));
            let date = col("date");
            let csv_date = cell("date");
            if csv_date.is_empty() {
                assert!(date.is_null(i));
            } else {
                let days = date.as_primitive::<Date32Type>().value(i);
                let d = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
                    + chrono::Duration::days(days.into());
                assert_eq!(d.to_string(), csv_date);
            }
            assert_eq!(
                col("start")
                    .as_primitive::<UInt64Type>()
                    .value(i)
                    .to_string(),
                cell("start")
            );
            assert_eq!(
                col("relevant").as_boolean().value(i).to_string(),
                cell("relevant")
            );
            for p in ["p_positive", "p_negative", "tone"] {
                let v = col(p).as_primitive::<Float64Type>().value(i);
                assert_eq!(format!("{v:.4}"), cell(p), "{p}");
            }
            let terms = col("top_terms").as_list::<i32>().value(i);
            let terms: Vec<&str> = terms.as_string::<i32>().iter().flatten().collect();
            assert_eq!(terms.join("; "), cell("top_terms"));
            if header.iter().any(|h| h == "outlet") {
                assert_eq!(col("outlet").as_string::<i32>().value(i), cell("outlet"));
            }
        }
    }
    // No temporary file is left beside the output.
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 2, "{left:?}");
}

/// `quotes` and `trends` to Parquet: the same rows as their CSV.
#[test]
fn quotes_and_trends_parquet_have_the_csv_rows() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("q.parquet");
    for (command, extra) in [
        ("quotes", vec!["seeds/"]),
        (
            "trends",
            vec![
                "seeds/",
                "--dates",
                "data/seeds_dates.csv",
                "--period",
                "year",
            ],
        ),
    ] {
        let mut csv_args = vec![command];
        csv_args.extend(&extra);
        csv_args.extend(["--format", "csv"]);
        let csv_out = tonetrack().args(&csv_args).output().unwrap();
        assert!(csv_out.status.success());
        let mut args = vec![command];
        args.extend(&extra);
        args.extend(["--format", "parquet", "--out", out.to_str().unwrap()]);
        let status = tonetrack().args(&args).output().unwrap();
        assert!(status.status.success(), "{status:?}");
        let batch = read_parquet(&out);
        let mut csv = csv::Reader::from_reader(csv_out.stdout.as_slice());
        let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
        let records: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
        assert_eq!(records.len(), batch.num_rows(), "{command}");
        let schema = batch.schema();
        for (j, field) in schema.fields().iter().enumerate() {
            assert_eq!(field.name(), &header[j], "{command}");
            let column = batch.column(j);
            for (i, r) in records.iter().enumerate() {
                let cell = &r[j];
                match field.data_type() {
                    DataType::Utf8 => {
                        assert_eq!(column.as_string::<i32>().value(i), cell, "{command}")
                    }
                    DataType::UInt64 => assert_eq!(
                        column.as_primitive::<UInt64Type>().value(i).to_string(),
                        *cell
                    ),
                    DataType::Boolean => {
                        assert_eq!(column.as_boolean().value(i).to_string(), *cell)
                    }
                    DataType::Float64 if cell.is_empty() => assert!(column.is_null(i)),
                    DataType::Float64 => {
                        let v = column.as_primitive::<Float64Type>().value(i);
                        let c: f64 = cell.parse().unwrap();
                        assert!(
                            (v - c).abs() < 1e-6,
                            "{command} {}: {v} vs {c}",
                            field.name()
                        );
                    }
                    DataType::Date32 if cell.is_empty() => assert!(column.is_null(i)),
                    DataType::Date32 => {
                        let days = column.as_primitive::<Date32Type>().value(i);
                        let d = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
                            + chrono::Duration::days(days.into());
                        assert_eq!(d.to_string(), *cell);
                    }
                    other => panic!("{command}: unexpected type {other}"),
                }
            }
        }
    }
}

/// `predict --data` reads a JSONL and a Parquet table as it reads the CSV: the same output.
#[test]
fn predict_reads_jsonl_and_parquet_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let source = repo("data/seeds_gold.csv");
    let mut reader = csv::Reader::from_path(&source).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    let jsonl = dir.path().join("gold.jsonl");
    let lines: Vec<String> = records
        .iter()
        .map(|r| {
            let mut object = String::from("{");
            for (j, h) in header.iter().enumerate() {
                if j > 0 {
                    object.push(',');
                }
                object.push_str(&format!(
                    "{}:{}",
                    Value::String(h.clone()),
                    Value::String(r[j].to_string())
                ));
            }
            object + "}"
        })
        .collect();
    std::fs::write(&jsonl, lines.join("\n")).unwrap();
    let parquet = dir.path().join("gold.parquet");
    let schema = Arc::new(Schema::new(
        header
            .iter()
            .map(|h| Field::new(h, DataType::Utf8, false))
            .collect::<Vec<_>>(),
    ));
    let columns: Vec<ArrayRef> = (0..header.len())
        .map(|j| {
            Arc::new(StringArray::from(
                records.iter().map(|r| r[j].to_string()).collect::<Vec<_>>(),
            )) as ArrayRef
        })
        .collect();
    let mut writer =
        ArrowWriter::try_new(File::create(&parquet).unwrap(), schema.clone(), None).unwrap();
    writer
        .write(&RecordBatch::try_new(schema, columns).unwrap())
        .unwrap();
    writer.close().unwrap();
    for format in ["csv", "jsonl"] {
        let run = |data: &Path| {
            let output = tonetrack()
                .args(["predict", "--data"])
                .arg(data)
                .args(["--format", format])
                .output()
                .unwrap();
            assert!(output.status.success(), "{output:?}");
            output.stdout
        };
        let from_csv = run(&source);
        assert!(from_csv.len() > 1000);
        assert_eq!(run(&jsonl), from_csv, "{format} from JSONL");
        assert_eq!(run(&parquet), from_csv, "{format} from Parquet");
    }
}

/// `--format parquet` needs `--out`; a run that fails half-way leaves no file behind.
#[test]
fn parquet_needs_out_and_a_failed_run_leaves_no_file() {
    let output = tonetrack()
        .args(["score", "seeds/", "--format", "parquet"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(err.contains("--out F.parquet"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("texts.jsonl");
    let mut lines: Vec<String> = (0..5000)
        .map(|i| {
            serde_json::json!({"text": format!("Talks with Russia number {i} went well")})
                .to_string()
        })
        .collect();
    lines.push("{not json".to_string());
    std::fs::write(&data, lines.join("\n")).unwrap();
    let out = dir.path().join("p.parquet");
    let output = tonetrack()
        .args(["predict", "--data"])
        .arg(&data)
        .args(["--format", "parquet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8(output.stderr).unwrap();
    assert!(
        err.contains("texts.jsonl: line 5001: not a JSON object"),
        "{err}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("texts.jsonl")]);
}

/// A JSON lines table whose first line leaves keys out (exporters drop null keys): its columns
/// are the keys of its first lines, and a key given after them is an error naming its line.
#[test]
fn jsonl_columns_are_the_keys_of_the_first_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.jsonl");
    let quote =
        |who: &str| format!("{who} said: \"Our relations with the United States are bad.\"");
    let lines = [
        serde_json::json!({"id": "a", "text": quote("Lavrov")}),
        serde_json::json!({"id": "b", "date": "2021-05-03", "outlet": "TASS", "text": quote("Putin")}),
    ];
    let text: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    std::fs::write(&path, text.join("\n")).unwrap();
    let rows = run_jsonl(&["score", path.to_str().unwrap(), "--format", "jsonl"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["date"], Value::Null);
    assert_eq!(rows[0]["outlet"], Value::Null);
    assert_eq!(rows[1]["date"], "2021-05-03");
    assert_eq!(rows[1]["date_source"], "column");
    assert_eq!(rows[1]["outlet"], "TASS");

    // A key first given after the sampled lines is an error that names its line.
    let mut late: Vec<String> = (0..1000)
        .map(|i| serde_json::json!({"id": i.to_string(), "text": quote("Lavrov")}).to_string())
        .collect();
    late.push(serde_json::json!({"id": "x", "text": quote("Putin"), "outlet": "TASS"}).to_string());
    std::fs::write(&path, late.join("\n")).unwrap();
    let (_, err) = score_csv_failing(&path);
    assert!(
        err.contains(
            "a.jsonl: line 1001: key `outlet` is not among the keys of the first 1000 lines"
        ),
        "{err}"
    );
}

/// A table that fails half-way (a bad date in row 3000) stops `score`, `quotes` and `trends`
/// when they write files: no Parquet file, chart or report holds the rows before it, and no
/// temporary file is left. On standard output the run goes on past it and exits 2.
#[test]
fn a_table_failing_half_way_leaves_no_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("t.csv");
    let mut w = csv::Writer::from_path(&table).unwrap();
    w.write_record(["id", "date", "text"]).unwrap();
    for i in 0..3000 {
        let date = if i == 2999 {
            "23/06/2017"
        } else {
            "2021-05-03"
        };
        let text = format!("Lavrov said: \"Our relations with the United States are bad, {i}.\"");
        w.write_record([i.to_string().as_str(), date, text.as_str()])
            .unwrap();
    }
    w.flush().unwrap();
    let runs: [&[&str]; 3] = [
        &["score", "--format", "parquet", "--out", "o.parquet"],
        &["quotes", "--format", "parquet", "--out", "o.parquet"],
        &["trends", "--chart", "c.svg", "--html", "r.html"],
    ];
    for args in runs {
        let output = tonetrack()
            .current_dir(dir.path())
            .arg(args[0])
            .arg("t.csv")
            .args(&args[1..])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(output.stderr).unwrap();
        assert!(err.contains("wrote no output file"), "{err}");
        assert!(err.contains("t.csv: line 3001"), "{err}");
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("t.csv")], "{args:?}");
    }
    // To standard output, the rows before the bad one are printed and the run exits 2.
    let (out, _) = score_csv_failing(&table);
    assert_eq!(out.lines().count(), 3000);
}

/// `trends` reads a table of articles too, with its date column (`--date-col`).
#[test]
fn trends_reads_a_table_with_its_dates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.csv");
    let mut w = csv::Writer::from_path(&path).unwrap();
    w.write_record(["id", "body", "published"]).unwrap();
    for (i, (id, _, text)) in seeds().iter().enumerate() {
        w.write_record([id.as_str(), text, &format!("{}-03-01", 2016 + i)])
            .unwrap();
    }
    w.flush().unwrap();
    drop(w);
    let output = tonetrack()
        .args(["trends"])
        .arg(&path)
        .args([
            "--text-col",
            "body",
            "--date-col",
            "published",
            "--period",
            "year",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    // Seed 004 (the last row) is dated 2020 by its column, not 2024 by its banner.
    assert!(text.contains("Sergey Lavrov,2020,"), "{text}");
    assert!(!text.contains(",2024,"), "{text}");
}

/// A Parquet table's numbers, flags and dates pass through to Parquet output as their own
/// kinds (integers Int64, unsigned UInt64, floats Float64, timestamps as dates), text stays
/// text, and the CSV of the same run writes them as before; a column that a CSV table also
/// has is text, since the CSV gives no type.
#[test]
fn parquet_columns_pass_through_with_their_types() {
    use arrow_array::{BooleanArray, Float32Array, Int32Array, UInt16Array};
    let dir = tempfile::tempdir().unwrap();
    let seeds = seeds();
    let n = seeds.len();
    let table = dir.path().join("typed.parquet");
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("text", DataType::Utf8, false),
        Field::new("clicks", DataType::Int32, true),
        Field::new("shares", DataType::UInt16, true),
        Field::new("weight", DataType::Float32, true),
        Field::new("paywall", DataType::Boolean, true),
        Field::new("seen", DataType::Timestamp(TimeUnit::Second, None), true),
        Field::new("outlet", DataType::Utf8, true),
    ]));
    let clicks: Vec<Option<i32>> = (0..n).map(|i| (i != 1).then_some(-7 * i as i32)).collect();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(
            seeds.iter().map(|s| s.0.clone()).collect::<Vec<_>>(),
        )),
        Arc::new(StringArray::from(
            seeds.iter().map(|s| s.2.clone()).collect::<Vec<_>>(),
        )),
        Arc::new(Int32Array::from(clicks.clone())),
        Arc::new(UInt16Array::from(
            (0..n).map(|i| 1000 + i as u16).collect::<Vec<_>>(),
        )),
        Arc::new(Float32Array::from(
            (0..n).map(|i| i as f32 / 4.0).collect::<Vec<_>>(),
        )),
        Arc::new(BooleanArray::from(
            (0..n).map(|i| i % 2 == 0).collect::<Vec<_>>(),
        )),
        Arc::new(TimestampSecondArray::from(
            (0..n)
                .map(|i| 1_577_836_800 + 86_400 * i as i64 + 7200)
                .collect::<Vec<_>>(),
        )),
        Arc::new(StringArray::from(
            (0..n).map(|i| format!("outlet {i}")).collect::<Vec<_>>(),
        )),
    ];
    let mut writer =
        ArrowWriter::try_new(File::create(&table).unwrap(), schema.clone(), None).unwrap();
    writer
        .write(&RecordBatch::try_new(schema, columns).unwrap())
        .unwrap();
    writer.close().unwrap();

    let out = dir.path().join("s.parquet");
    let run = |args: &[&str]| {
        let output = tonetrack().args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
        output.stdout
    };
    let score_to_parquet = |inputs: &[&str]| {
        let mut args = vec!["score"];
        args.extend(inputs);
        args.extend(["--format", "parquet", "--out", out.to_str().unwrap()]);
        run(&args);
        read_parquet(&out)
    };
    let t = table.to_str().unwrap();
    let csv_out = run(&["score", t, "--format", "csv"]);
    let batch = score_to_parquet(&[t]);
    let schema = batch.schema();
    let type_of = |name: &str| schema.field_with_name(name).unwrap().data_type().clone();
    assert_eq!(type_of("clicks"), DataType::Int64);
    assert_eq!(type_of("shares"), DataType::UInt64);
    assert_eq!(type_of("weight"), DataType::Float64);
    assert_eq!(type_of("paywall"), DataType::Boolean);
    assert_eq!(type_of("seen"), DataType::Date32);
    assert_eq!(type_of("outlet"), DataType::Utf8);
    let col = |name: &str| batch.column(schema.index_of(name).unwrap()).clone();
    let mut csv = csv::Reader::from_reader(csv_out.as_slice());
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    let records: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), batch.num_rows());
    assert!(batch.num_rows() > 20);
    let mut null_clicks = 0;
    for (row, r) in records.iter().enumerate() {
        let cell = |name: &str| &r[header.iter().position(|h| h == name).unwrap()];
        let i = seeds.iter().position(|s| s.0 == cell("article")).unwrap();
        // The CSV writes the values as the table reader reads them, as before.
        match clicks[i] {
            Some(c) => {
                assert_eq!(cell("clicks"), c.to_string());
                assert_eq!(
                    col("clicks")
                        .as_primitive::<arrow_array::types::Int64Type>()
                        .value(row),
                    i64::from(c)
                );
            }
            None => {
                assert_eq!(cell("clicks"), "");
                assert!(col("clicks").is_null(row));
                null_clicks += 1;
            }
        }
        assert_eq!(
            col("shares").as_primitive::<UInt64Type>().value(row),
            1000 + i as u64
        );
        assert_eq!(
            col("weight").as_primitive::<Float64Type>().value(row),
            i as f64 / 4.0
        );
        assert_eq!(col("paywall").as_boolean().value(row), i % 2 == 0);
        let days = col("seen").as_primitive::<Date32Type>().value(row);
        assert_eq!(days, 18_262 + i as i32, "2020-01-01 plus {i} days");
        assert_eq!(
            cell("seen"),
            (chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()
                + chrono::Duration::days(i as i64))
            .to_string()
        );
        assert_eq!(
            col("outlet").as_string::<i32>().value(row),
            format!("outlet {i}")
        );
    }
    assert!(null_clicks > 0, "the seed without clicks has quotations");

    // With a CSV table that also has `clicks`, the column is text in both.
    let csv_table = dir.path().join("more.csv");
    std::fs::write(
        &csv_table,
        "id,text,clicks\nx,\"“We are ready to talk,” Lavrov said.\",12\n",
    )
    .unwrap();
    let batch = score_to_parquet(&[t, csv_table.to_str().unwrap(), "--all"]);
    let schema = batch.schema();
    assert_eq!(
        schema.field_with_name("clicks").unwrap().data_type(),
        &DataType::Utf8
    );
    assert_eq!(
        schema.field_with_name("shares").unwrap().data_type(),
        &DataType::UInt64
    );

    // `predict` passes a Parquet table's columns through with their types as well, one row
    // per article, a null cell null.
    run(&[
        "predict",
        "--data",
        t,
        "--format",
        "parquet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let batch = read_parquet(&out);
    let schema = batch.schema();
    assert_eq!(batch.num_rows(), n);
    for (name, kind) in [
        ("id", DataType::Utf8),
        ("text", DataType::Utf8),
        ("clicks", DataType::Int64),
        ("shares", DataType::UInt64),
        ("weight", DataType::Float64),
        ("paywall", DataType::Boolean),
        ("seen", DataType::Date32),
        ("outlet", DataType::Utf8),
        ("tone", DataType::Float64),
    ] {
        assert_eq!(schema.field_with_name(name).unwrap().data_type(), &kind);
    }
    let col = |name: &str| batch.column(schema.index_of(name).unwrap()).clone();
    for (i, c) in clicks.iter().enumerate() {
        let got = col("clicks");
        match c {
            Some(c) => assert_eq!(
                got.as_primitive::<arrow_array::types::Int64Type>().value(i),
                i64::from(*c)
            ),
            None => assert!(got.is_null(i)),
        }
        assert_eq!(
            col("seen").as_primitive::<Date32Type>().value(i),
            18_262 + i as i32
        );
    }
}

/// A table's URL column reaches `quotes` as it reaches `score`: the `url` of every quotation,
/// in JSONL and in Parquet (the column is the table's, not a passed-through one).
#[test]
fn quotes_carry_the_tables_url() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("u.csv");
    let mut w = csv::Writer::from_path(&table).unwrap();
    w.write_record(["id", "url", "text"]).unwrap();
    for (id, _, text) in seeds() {
        w.write_record([id.as_str(), &format!("https://example.org/{id}"), &text])
            .unwrap();
    }
    w.flush().unwrap();
    let path = table.to_str().unwrap();
    let rows = run_jsonl(&["quotes", path, "--format", "jsonl"]);
    assert!(rows.len() > 30);
    for row in &rows {
        let id = row["article"].as_str().unwrap();
        assert_eq!(row["url"], format!("https://example.org/{id}"), "{row}");
        assert!(row.get("input_url").is_none(), "{row}");
    }
    let out = dir.path().join("q.parquet");
    let status = tonetrack()
        .args(["quotes", path, "--format", "parquet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let batch = read_parquet(&out);
    let (articles, urls) = (
        batch.column_by_name("article").unwrap().as_string::<i32>(),
        batch.column_by_name("url").unwrap().as_string::<i32>(),
    );
    assert_eq!(batch.num_rows(), rows.len());
    for i in 0..batch.num_rows() {
        let want = format!("https://example.org/{}", articles.value(i));
        assert_eq!(urls.value(i), want);
    }
}

/// Ctrl-C while `score` writes Parquet: the run stops (exit 130) and leaves neither the
/// output nor its temporary file.
#[cfg(unix)]
#[test]
fn ctrl_c_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("t.csv");
    let mut w = csv::Writer::from_path(&table).unwrap();
    w.write_record(["id", "text"]).unwrap();
    let text = seeds()[0].2.clone();
    for i in 0..20_000 {
        w.write_record([i.to_string().as_str(), text.as_str()])
            .unwrap();
    }
    w.flush().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("tonetrack"))
        .current_dir(dir.path())
        .args([
            "score",
            "t.csv",
            "--format",
            "parquet",
            "--out",
            "o.parquet",
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let names = || -> Vec<String> {
        std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };
    // Wait (at most a minute) for the temporary file, then interrupt.
    let start = std::time::Instant::now();
    while !names().iter().any(|n| n.ends_with(".tmp")) {
        assert!(
            start.elapsed().as_secs() < 60,
            "no temporary file: {:?}",
            names()
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "finished before the signal"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", pid.as_str()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert_eq!(child.wait().unwrap().code(), Some(130));
    assert_eq!(names(), ["t.csv"]);
}
