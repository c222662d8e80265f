//! Reading lists of persons: CSV with a header, a JSON array of the same objects, or
//! FollowTheMoney `Person` entities in JSON lines (as OpenSanctions and Aleph export them).
//!
//! CSV columns: `id`, `name` (required in the header), and optional `aliases` (`;`-separated),
//! `birth_date`, `birth_place`, `nationality` (`;`-separated), `gender`, `father_name`,
//! `grandfather_name`, `passport`, `national_id`, and the weak evidence of an address:
//! `address`, `city` (or `suburb`), `postcode` (or `postal_code`, `zip`), `region` (or `state`).
//! Any cell may be empty; a row with an empty id is given `line:N`. Unknown columns are ignored.
//!
//! A bad value does not stop a list: it is reported as a [`Problem`] (file, line, column,
//! reason) and the row is read without it; a row that cannot be read at all (wrong number of
//! fields, not an object, not JSON) is reported and skipped. In strict mode the first problem
//! is an error instead. Two rows with one id are an error in both modes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::country::normalise_country;
use crate::person::{BirthDate, Gender, Identifier, IdentifierKind, Person};
use crate::MatchError;

/// The formats [`read_list`] knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    FtmLines,
}

/// Reads a list, choosing the format from the extension, then from the first byte; strict: the
/// first bad value or row is an error.
pub fn read_list(path: &Path) -> Result<Vec<Person>, MatchError> {
    Ok(read_list_with(path, true)?.persons)
}

/// What was done with a bad value or row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemAction {
    /// The row was read without this value.
    ValueIgnored,
    /// The row could not be read and is not in the list.
    RowSkipped,
}

/// A value or row of a list that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: PathBuf,
    /// The line in the file (CSV, JSON lines); for a JSON array, the record's number from 1.
    pub line: u64,
    /// `line` counts records of a JSON array rather than lines.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub record: bool,
    /// The column (CSV header, JSON key, FollowTheMoney property), when one value is at fault.
    pub column: Option<String>,
    pub reason: String,
    pub action: ProblemAction,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = if self.record { "record" } else { "line" };
        write!(f, "`{}` {unit} {}", self.file.display(), self.line)?;
        if let Some(column) = &self.column {
            write!(f, ", column `{column}`")?;
        }
        let action = match self.action {
            ProblemAction::ValueIgnored => "the row is read without it",
            ProblemAction::RowSkipped => "the row is skipped",
        };
        write!(f, ": {} ({action})", self.reason)
    }
}

/// A list as read: its persons, where each came from, and what could not be read.
#[derive(Clone, Debug, Default)]
pub struct ListRead {
    pub persons: Vec<Person>,
    /// The line (record for a JSON array) of each person.
    pub lines: Vec<u64>,
    pub problems: Vec<Problem>,
}

/// Reads a list; with `strict`, the first problem is an error, otherwise problems are
/// collected and the rest of the list is read.
pub fn read_list_with(path: &Path, strict: bool) -> Result<ListRead, MatchError> {
    read_list_limited(path, strict, MAX_LIST_BYTES)
}

/// The largest list read, in bytes. Each person takes a few times its row's size in memory
/// while names are keyed and compared, so a list far past any register of persons (100,000
/// rows are some 20 MB) is refused before it is read, not after memory runs out.
pub const MAX_LIST_BYTES: u64 = 1 << 30;

fn read_list_limited(path: &Path, strict: bool, limit: u64) -> Result<ListRead, MatchError> {
    let io = |source| MatchError::Io {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    // Read at most one byte past the limit: the file may grow, or not be a regular file.
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, limit + 1), &mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > limit {
        let size = std::fs::metadata(path)
            .map(|m| m.len())
            .unwrap_or(limit + 1);
        return Err(MatchError::TooLarge {
            path: path.to_owned(),
            size: size.max(limit + 1),
            limit,
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let before = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        MatchError::Parse {
            path: path.to_owned(),
            line: 1 + before.iter().filter(|&&b| b == b'\n').count() as u64,
            message: "the file is not UTF-8 text".into(),
        }
    })?;
    let format = detect_format(path, &text);
    parse_list_with(path, &text, format, strict)
}

/// The format of a file named `path` holding `text`.
pub fn detect_format(path: &Path, text: &str) -> Format {
    let first = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .next();
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match (extension.as_deref(), first) {
        (Some("jsonl" | "ndjson" | "ftm"), _) => Format::FtmLines,
        (_, Some('{')) => Format::FtmLines,
        (_, Some('[')) => Format::Json,
        (Some("json"), _) => Format::Json,
        _ => Format::Csv,
    }
}

/// Parses `text` (read from `path`, named in errors) in `format`, strictly.
pub fn parse_list(path: &Path, text: &str, format: Format) -> Result<Vec<Person>, MatchError> {
    Ok(parse_list_with(path, text, format, true)?.persons)
}

/// Parses `text` in `format`; see [`read_list_with`].
pub fn parse_list_with(
    path: &Path,
    text: &str,
    format: Format,
    strict: bool,
) -> Result<ListRead, MatchError> {
    let text = text.trim_start_matches('\u{feff}');
    let mut sink = Sink {
        path,
        strict,
        record: format == Format::Json,
        out: ListRead::default(),
    };
    match format {
        Format::Csv => parse_csv(&mut sink, text)?,
        Format::Json => parse_json(&mut sink, text)?,
        Format::FtmLines => parse_ftm(&mut sink, text)?,
    }
    let out = sink.out;
    let mut seen: HashMap<&str, u64> = HashMap::with_capacity(out.persons.len());
    for (person, &line) in out.persons.iter().zip(&out.lines) {
        if let Some(&first) = seen.get(person.id.as_str()) {
            return Err(MatchError::DuplicateId {
                path: path.to_owned(),
                id: person.id.clone(),
                unit: if format == Format::Json {
                    "record"
                } else {
                    "line"
                },
                first,
                second: line,
            });
        }
        seen.insert(&person.id, line);
    }
    Ok(out)
}

/// Where rows and problems go while a list is read.
struct Sink<'a> {
    path: &'a Path,
    strict: bool,
    record: bool,
    out: ListRead,
}

impl Sink<'_> {
    /// Records a problem; in strict mode it is the error that stops the list.
    fn problem(
        &mut self,
        line: u64,
        column: Option<&str>,
        reason: impl Into<String>,
        action: ProblemAction,
    ) -> Result<(), MatchError> {
        let problem = Problem {
            file: self.path.to_owned(),
            line,
            record: self.record,
            column: column.map(str::to_string),
            reason: reason.into(),
            action,
        };
        if self.strict {
            return Err(MatchError::Invalid(Box::new(problem)));
        }
        self.out.problems.push(problem);
        Ok(())
    }

    fn push(&mut self, line: u64, fields: Fields) -> Result<(), MatchError> {
        let person = build(self, line, fields)?;
        self.out.persons.push(person);
        self.out.lines.push(line);
        Ok(())
    }
}

fn parse_error(path: &Path, line: u64, message: impl Into<String>) -> MatchError {
    MatchError::Parse {
        path: path.to_owned(),
        line,
        message: message.into(),
    }
}

fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split(';').map(str::trim).filter(|s| !s.is_empty())
}

fn nationality(text: &str) -> String {
    normalise_country(text)
        .map(str::to_string)
        .unwrap_or_else(|| text.trim().to_string())
}

/// The fields of one record, as strings, wherever they came from.
#[derive(Default)]
struct Fields {
    id: String,
    names: Vec<String>,
    aliases: Vec<String>,
    birth_dates: Vec<String>,
    /// The column that holds dates of birth in this format (for problems).
    date_column: &'static str,
    birth_places: Vec<String>,
    nationalities: Vec<String>,
    genders: Vec<String>,
    fathers: Vec<String>,
    grandfathers: Vec<String>,
    passports: Vec<String>,
    national_ids: Vec<String>,
    addresses: Vec<String>,
    cities: Vec<String>,
    postcodes: Vec<String>,
    regions: Vec<String>,
}

fn build(sink: &mut Sink, line: u64, fields: Fields) -> Result<Person, MatchError> {
    let mut birth_dates = Vec::new();
    for text in &fields.birth_dates {
        match BirthDate::parse(text) {
            Ok(Some(date)) => {
                if !birth_dates.contains(&date) {
                    birth_dates.push(date);
                }
            }
            Ok(None) => {}
            Err(message) => sink.problem(
                line,
                Some(fields.date_column),
                message,
                ProblemAction::ValueIgnored,
            )?,
        }
    }
    let clean = |v: Vec<String>| -> Vec<String> {
        v.into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let mut nationalities: Vec<String> = fields
        .nationalities
        .iter()
        .flat_map(|n| split_list(n))
        .map(nationality)
        .collect();
    nationalities.dedup();
    let mut identifiers: Vec<Identifier> = Vec::new();
    for (kind, values) in [
        (IdentifierKind::Passport, &fields.passports),
        (IdentifierKind::NationalId, &fields.national_ids),
    ] {
        identifiers.extend(
            values
                .iter()
                .flat_map(|v| split_list(v))
                .filter_map(|v| Identifier::new(kind, v)),
        );
    }
    let id = fields.id.trim().to_string();
    Ok(Person {
        id: if id.is_empty() {
            format!("line:{line}")
        } else {
            id
        },
        names: clean(fields.names),
        aliases: clean(fields.aliases),
        father_names: clean(fields.fathers),
        grandfather_names: clean(fields.grandfathers),
        birth_dates,
        birth_places: clean(fields.birth_places),
        nationalities,
        gender: fields.genders.iter().find_map(|g| Gender::parse(g)),
        identifiers,
        addresses: clean(fields.addresses),
        cities: clean(fields.cities),
        postcodes: clean(fields.postcodes),
        regions: clean(fields.regions),
    })
}

fn parse_csv(sink: &mut Sink, text: &str) -> Result<(), MatchError> {
    let path = sink.path;
    // A header row of tab-separated columns makes a TSV file.
    let header_line = text.lines().next().unwrap_or("");
    let delimiter = if header_line.contains('\t') && !header_line.contains(',') {
        b'\t'
    } else if header_line.contains(';') && !header_line.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| parse_error(path, 1, format!("cannot read the header: {e}")))?
        .clone();
    let column = |names: &[&str]| {
        names.iter().find_map(|name| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        })
    };
    let id_column = column(&["id"]);
    let name_column = column(&["name"]);
    for (name, found) in [("id", id_column), ("name", name_column)] {
        if found.is_none() {
            return Err(MatchError::MissingColumn {
                path: path.to_owned(),
                column: name.to_string(),
            });
        }
    }
    let columns = [
        &["aliases"][..],
        &["birth_date"],
        &["birth_place"],
        &["nationality"],
        &["gender"],
        &["father_name"],
        &["grandfather_name"],
        &["passport"],
        &["national_id"],
        &["address"],
        &["city", "suburb"],
        &["postcode", "postal_code", "zip"],
        &["region", "state"],
    ]
    .map(column);
    let width = headers.len();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(0);
                sink.problem(line, None, e.to_string(), ProblemAction::RowSkipped)?;
                // The reader cannot go on past an error it does not know how to skip.
                if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. }) {
                    break;
                }
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.len() != width {
            sink.problem(
                line,
                None,
                format!("the row has {} fields, the header {width}", record.len()),
                ProblemAction::RowSkipped,
            )?;
            continue;
        }
        let cell = |c: Option<usize>| -> Vec<String> {
            c.and_then(|c| record.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| vec![s.to_string()])
                .unwrap_or_default()
        };
        let fields = Fields {
            id: cell(id_column).pop().unwrap_or_default(),
            names: cell(name_column),
            aliases: cell(columns[0])
                .iter()
                .flat_map(|a| split_list(a).map(str::to_string).collect::<Vec<_>>())
                .collect(),
            birth_dates: cell(columns[1]),
            date_column: "birth_date",
            birth_places: cell(columns[2]),
            nationalities: cell(columns[3]),
            genders: cell(columns[4]),
            fathers: cell(columns[5]),
            grandfathers: cell(columns[6]),
            passports: cell(columns[7]),
            national_ids: cell(columns[8]),
            addresses: cell(columns[9]),
            cities: cell(columns[10]),
            postcodes: cell(columns[11]),
            regions: cell(columns[12]),
        };
        sink.push(line, fields)?;
    }
    Ok(())
}

/// The strings of a JSON value: a string, a number, or an array of them (`;`-separated lists
/// for `aliases` and `nationality` are split by the caller).
fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Number(n)) => vec![n.to_string()],
        Some(Value::Array(items)) => items.iter().flat_map(|v| strings(Some(v))).collect(),
        Some(_) => Vec::new(),
    }
}

/// Whether a JSON value is one the reader takes: a string, a number, or an array of them.
fn is_strings(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null | Value::String(_) | Value::Number(_)) => true,
        Some(Value::Array(items)) => items
            .iter()
            .all(|v| matches!(v, Value::String(_) | Value::Number(_) | Value::Null)),
        Some(_) => false,
    }
}

/// Drops from `object` the values that are not strings, reporting each.
fn check_strings(
    sink: &mut Sink,
    line: u64,
    object: &mut serde_json::Map<String, Value>,
    keys: &[&str],
) -> Result<(), MatchError> {
    for key in keys {
        if !is_strings(object.get(*key)) {
            sink.problem(
                line,
                Some(key),
                format!("`{key}` must be a string or an array of strings"),
                ProblemAction::ValueIgnored,
            )?;
            object.remove(*key);
        }
    }
    Ok(())
}

const JSON_KEYS: &[&str] = &[
    "id",
    "name",
    "aliases",
    "birth_date",
    "birth_place",
    "nationality",
    "gender",
    "father_name",
    "grandfather_name",
    "passport",
    "national_id",
    "address",
    "city",
    "postcode",
    "region",
];

fn parse_json(sink: &mut Sink, text: &str) -> Result<(), MatchError> {
    let path = sink.path;
    let value: Value = serde_json::from_str(text)
        .map_err(|e| parse_error(path, e.line() as u64, format!("invalid JSON: {e}")))?;
    let Value::Array(items) = value else {
        return Err(parse_error(path, 1, "expected a JSON array of persons"));
    };
    // serde_json does not keep positions of values: problems name the record's number instead.
    for (index, item) in items.into_iter().enumerate() {
        let line = index as u64 + 1;
        let Value::Object(mut object) = item else {
            sink.problem(line, None, "not an object", ProblemAction::RowSkipped)?;
            continue;
        };
        check_strings(sink, line, &mut object, JSON_KEYS)?;
        let split = |key: &str| -> Vec<String> {
            strings(object.get(key))
                .iter()
                .flat_map(|s| split_list(s).map(str::to_string).collect::<Vec<_>>())
                .collect()
        };
        let fields = Fields {
            id: strings(object.get("id")).join(" "),
            names: strings(object.get("name")),
            aliases: split("aliases"),
            birth_dates: strings(object.get("birth_date")),
            date_column: "birth_date",
            birth_places: strings(object.get("birth_place")),
            nationalities: split("nationality"),
            genders: strings(object.get("gender")),
            fathers: strings(object.get("father_name")),
            grandfathers: strings(object.get("grandfather_name")),
            passports: split("passport"),
            national_ids: split("national_id"),
            addresses: strings(object.get("address")),
            cities: strings(object.get("city")),
            postcodes: strings(object.get("postcode")),
            regions: strings(object.get("region")),
        };
        sink.push(line, fields)?;
    }
    Ok(())
}

fn parse_ftm(sink: &mut Sink, text: &str) -> Result<(), MatchError> {
    for (index, line_text) in text.lines().enumerate() {
        let line = index as u64 + 1;
        if line_text.trim().is_empty() {
            continue;
        }
        let value: Value = match serde_json::from_str(line_text) {
            Ok(value) => value,
            Err(e) => {
                sink.problem(
                    line,
                    None,
                    format!("invalid JSON: {e}"),
                    ProblemAction::RowSkipped,
                )?;
                continue;
            }
        };
        let Value::Object(entity) = value else {
            sink.problem(
                line,
                None,
                "expected a FollowTheMoney entity object",
                ProblemAction::RowSkipped,
            )?;
            continue;
        };
        // Other schemata (companies, sanctions, addresses) travel in the same exports.
        if entity.get("schema").and_then(Value::as_str) != Some("Person") {
            continue;
        }
        let mut properties = match entity.get("properties") {
            None | Some(Value::Null) => serde_json::Map::new(),
            Some(Value::Object(p)) => p.clone(),
            Some(_) => {
                sink.problem(
                    line,
                    Some("properties"),
                    "`properties` must be an object",
                    ProblemAction::ValueIgnored,
                )?;
                serde_json::Map::new()
            }
        };
        let keys: Vec<String> = properties.keys().cloned().collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        check_strings(sink, line, &mut properties, &keys)?;
        let get = |key: &str| strings(properties.get(key));
        let mut nationalities = get("nationality");
        nationalities.extend(get("citizenship"));
        nationalities.extend(get("country"));
        let mut aliases = get("alias");
        aliases.extend(get("weakAlias"));
        aliases.extend(get("previousName"));
        let mut names = get("name");
        if names.is_empty() {
            let parts: Vec<String> = [
                "firstName",
                "secondName",
                "middleName",
                "fatherName",
                "lastName",
            ]
            .iter()
            .flat_map(|k| get(k))
            .collect();
            if !parts.is_empty() {
                names.push(parts.join(" "));
            }
        }
        let fields = Fields {
            id: strings(entity.get("id")).join(" "),
            names,
            aliases,
            birth_dates: get("birthDate"),
            date_column: "birthDate",
            birth_places: get("birthPlace"),
            nationalities,
            genders: get("gender"),
            fathers: get("fatherName"),
            grandfathers: Vec::new(),
            passports: get("passportNumber"),
            national_ids: get("idNumber"),
            addresses: get("address"),
            cities: Vec::new(),
            postcodes: get("postalCode"),
            regions: Vec::new(),
        };
        sink.push(line, fields)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> Result<Vec<Person>, MatchError> {
        parse_list(Path::new("list.csv"), text, Format::Csv)
    }

    #[test]
    fn csv_with_all_columns_and_empty_cells() {
        let people = csv("id,name,aliases,birth_date,birth_place,nationality,gender,father_name\n\
             1,Mohammed Bouchta,Abu Ibrahim al-Hollandi;Abou Brahim,1990-01-01,Tetouan,Dutch;MA,m,Ahmed\n\
             2,محمد أحمد,,,,,,\n")
        .unwrap();
        assert_eq!(people.len(), 2);
        assert_eq!(people[0].aliases.len(), 2);
        assert_eq!(people[0].nationalities, vec!["NL", "MA"]);
        assert_eq!(people[0].birth_dates, vec![BirthDate::Year { year: 1990 }]);
        assert_eq!(people[0].gender, Some(Gender::Male));
        assert_eq!(people[1].names, vec!["محمد أحمد"]);
        assert!(people[1].birth_dates.is_empty() && people[1].aliases.is_empty());
    }

    #[test]
    fn a_list_past_the_limit_is_refused_naming_it_and_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge.csv");
        std::fs::write(&path, "id,name\n1,A\n2,B\n").unwrap();
        let e = read_list_limited(&path, false, 10).unwrap_err();
        assert!(matches!(e, MatchError::TooLarge { limit: 10, .. }), "{e}");
        assert!(e.to_string().contains("huge.csv"), "{e}");
        let read = read_list_limited(&path, false, 64).unwrap();
        assert_eq!(read.persons.len(), 2);
    }

    #[test]
    fn csv_errors_name_the_line() {
        let e = csv("id,name,birth_date\n1,A,1990\n2,B,soon\n").unwrap_err();
        assert!(matches!(&e, MatchError::Invalid(p) if p.line == 3), "{e}");
        assert!(e.to_string().contains("list.csv"));
        let e = csv("id,fullname\n1,A\n").unwrap_err();
        assert!(matches!(e, MatchError::MissingColumn { .. }), "{e}");
        let e = csv("id,name\n1,A,extra\n").unwrap_err();
        assert!(matches!(&e, MatchError::Invalid(p) if p.line == 2), "{e}");
    }

    fn lenient(text: &str) -> Result<ListRead, MatchError> {
        parse_list_with(Path::new("list.csv"), text, Format::Csv, false)
    }

    #[test]
    fn bad_values_are_reported_and_the_list_goes_on() {
        let read = lenient(
            "id,name,birth_date,gender\n1,Ali,1945-02-30,m\n2,Omar\n3,Said,19560409,m\n4,Aziz,1945-04-93,\n5,Nour,1990,f\n",
        )
        .unwrap();
        let ids: Vec<&str> = read.persons.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["1", "3", "4", "5"]);
        assert_eq!(read.lines, [2, 4, 5, 6]);
        assert!(read.persons[0].birth_dates.is_empty());
        assert_eq!(read.persons[0].gender, Some(Gender::Male));
        assert_eq!(read.persons[1].birth_dates.len(), 1);
        let problems: Vec<(u64, Option<&str>, ProblemAction)> = read
            .problems
            .iter()
            .map(|p| (p.line, p.column.as_deref(), p.action))
            .collect();
        assert_eq!(
            problems,
            [
                (2, Some("birth_date"), ProblemAction::ValueIgnored),
                (3, None, ProblemAction::RowSkipped),
                (5, Some("birth_date"), ProblemAction::ValueIgnored),
            ]
        );
        let shown = read.problems[0].to_string();
        assert!(
            shown.contains("list.csv") && shown.contains("line 2") && shown.contains("birth_date"),
            "{shown}"
        );
        // Strict: the first problem stops the list.
        let e = csv("id,name,birth_date\n1,Ali,1945-02-30\n").unwrap_err();
        assert!(
            matches!(&e, MatchError::Invalid(p) if p.line == 2 && p.column.as_deref() == Some("birth_date")),
            "{e}"
        );
    }

    #[test]
    fn duplicate_ids_name_both_lines_in_both_modes() {
        let text = "id,name\nA,Ali\nB,Omar\nA,Said\n";
        for e in [csv(text).unwrap_err(), lenient(text).unwrap_err()] {
            assert!(
                matches!(
                    &e,
                    MatchError::DuplicateId {
                        first: 2,
                        second: 4,
                        ..
                    }
                ),
                "{e}"
            );
            let shown = e.to_string();
            assert!(
                shown.contains("line 2") && shown.contains("line 4"),
                "{shown}"
            );
        }
    }

    #[test]
    fn address_columns_and_their_other_names() {
        let people = csv(
            "id,name,address,suburb,postcode,state\n1,Ann Lee,12 High St,Marrickville,2204,nsw\n",
        )
        .unwrap();
        assert_eq!(people[0].addresses, ["12 High St"]);
        assert_eq!(people[0].cities, ["Marrickville"]);
        assert_eq!(people[0].postcodes, ["2204"]);
        assert_eq!(people[0].regions, ["nsw"]);
    }

    #[test]
    fn json_array() {
        let people = parse_list(
            Path::new("l.json"),
            r#"[{"id": 7, "name": "Yassine Bouchta", "aliases": ["Abu Yahya"], "nationality": "Belgique;Maroc", "birth_date": "1992"}]"#,
            Format::Json,
        )
        .unwrap();
        assert_eq!(people[0].id, "7");
        assert_eq!(people[0].nationalities, vec!["BE", "MA"]);
        assert!(parse_list(Path::new("l.json"), r#"{"a":1}"#, Format::Json).is_err());
        let e = parse_list(
            Path::new("l.json"),
            r#"[{"id": 1}, {"name": {"x":1}}]"#,
            Format::Json,
        )
        .unwrap_err();
        assert!(
            matches!(&e, MatchError::Invalid(p) if p.record && p.line == 2),
            "{e}"
        );
    }

    #[test]
    fn followthemoney_lines() {
        let text = r#"{"id":"os-1","schema":"Person","properties":{"name":["Abdelkader Ben Ali"],"alias":["Abu Musa"],"birthDate":["1985-06"],"nationality":["tn"],"country":["fr"],"gender":["male"],"fatherName":["Ali"],"passportNumber":["X123"]}}
{"id":"os-2","schema":"Company","properties":{"name":["Acme"]}}
"#;
        let people = parse_list(Path::new("x.ftm"), text, Format::FtmLines).unwrap();
        assert_eq!(people.len(), 1);
        assert_eq!(people[0].nationalities, vec!["TN", "FR"]);
        assert_eq!(people[0].identifiers[0].value, "X123");
        let e = parse_list(
            Path::new("x.ftm"),
            "{\"id\":1}\nnot json\n",
            Format::FtmLines,
        )
        .unwrap_err();
        assert!(matches!(&e, MatchError::Invalid(p) if p.line == 2), "{e}");
    }

    #[test]
    fn format_from_extension_then_content() {
        assert_eq!(detect_format(Path::new("a.csv"), "id,name"), Format::Csv);
        assert_eq!(detect_format(Path::new("a.json"), "[]"), Format::Json);
        assert_eq!(
            detect_format(Path::new("a.json"), "{\"id\":1}\n"),
            Format::FtmLines
        );
        assert_eq!(detect_format(Path::new("a.txt"), " [ ]"), Format::Json);
        assert_eq!(detect_format(Path::new("a"), "id,name"), Format::Csv);
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic(text in "\\PC*") {
            for format in [Format::Csv, Format::Json, Format::FtmLines] {
                let _ = parse_list(Path::new("x"), &text, format);
                let _ = parse_list_with(Path::new("x"), &text, format, false);
            }
            let _ = BirthDate::parse(&text);
            let _ = crate::name::parse_name(&text);
        }

        #[test]
        fn csv_like_input_never_panics(rows in proptest::collection::vec("[a-z0-9 ,;\"\\-/.محمد]{0,30}", 0..6)) {
            let text = format!("id,name,birth_date,nationality,aliases\n{}", rows.join("\n"));
            let _ = parse_list(Path::new("x.csv"), &text, Format::Csv);
            // Lenient reading keeps every row it can, and every row it drops is a problem.
            if let Ok(read) = parse_list_with(Path::new("x.csv"), &text, Format::Csv, false) {
                let skipped = read.problems.iter().filter(|p| p.action == ProblemAction::RowSkipped).count();
                proptest::prop_assert!(read.persons.len() + skipped <= rows.len().max(1));
                proptest::prop_assert_eq!(read.persons.len(), read.lines.len());
            }
        }
    }
}
