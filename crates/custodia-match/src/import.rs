//! Reading lists of persons: CSV with a header, a JSON array of the same objects, or
//! FollowTheMoney `Person` entities in JSON lines (as OpenSanctions and Aleph export them).
//!
//! CSV columns: `id`, `name` (required in the header), and optional `aliases` (`;`-separated),
//! `birth_date`, `birth_place`, `nationality` (`;`-separated), `gender`, `father_name`,
//! `grandfather_name`, `passport`, `national_id`. Any cell may be empty; a row with an empty id
//! is given `line:N`. Unknown columns are ignored.

use std::path::Path;

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

/// Reads a list, choosing the format from the extension, then from the first byte.
pub fn read_list(path: &Path) -> Result<Vec<Person>, MatchError> {
    let bytes = std::fs::read(path).map_err(|source| MatchError::Io {
        path: path.to_owned(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let before = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        MatchError::Parse {
            path: path.to_owned(),
            line: 1 + before.iter().filter(|&&b| b == b'\n').count() as u64,
            message: "the file is not UTF-8 text".into(),
        }
    })?;
    let format = detect_format(path, &text);
    parse_list(path, &text, format)
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

/// Parses `text` (read from `path`, named in errors) in `format`.
pub fn parse_list(path: &Path, text: &str, format: Format) -> Result<Vec<Person>, MatchError> {
    let text = text.trim_start_matches('\u{feff}');
    let people = match format {
        Format::Csv => parse_csv(path, text)?,
        Format::Json => parse_json(path, text)?,
        Format::FtmLines => parse_ftm(path, text)?,
    };
    Ok(people)
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
    birth_places: Vec<String>,
    nationalities: Vec<String>,
    genders: Vec<String>,
    fathers: Vec<String>,
    grandfathers: Vec<String>,
    passports: Vec<String>,
    national_ids: Vec<String>,
}

fn build(path: &Path, line: u64, fields: Fields) -> Result<Person, MatchError> {
    let mut birth_dates = Vec::new();
    for text in &fields.birth_dates {
        if let Some(date) =
            BirthDate::parse(text).map_err(|message| parse_error(path, line, message))?
        {
            birth_dates.push(date);
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
    })
}

fn parse_csv(path: &Path, text: &str) -> Result<Vec<Person>, MatchError> {
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
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| parse_error(path, 1, format!("cannot read the header: {e}")))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let id_column = column("id");
    let name_column = column("name");
    for (name, found) in [("id", id_column), ("name", name_column)] {
        if found.is_none() {
            return Err(MatchError::MissingColumn {
                path: path.to_owned(),
                column: name.to_string(),
            });
        }
    }
    let columns = [
        "aliases",
        "birth_date",
        "birth_place",
        "nationality",
        "gender",
        "father_name",
        "grandfather_name",
        "passport",
        "national_id",
    ]
    .map(column);
    let mut people = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            let message = match e.kind() {
                csv::ErrorKind::UnequalLengths {
                    expected_len, len, ..
                } => format!("the row has {len} fields, the header {expected_len}"),
                _ => e.to_string(),
            };
            parse_error(path, line, message)
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
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
            birth_places: cell(columns[2]),
            nationalities: cell(columns[3]),
            genders: cell(columns[4]),
            fathers: cell(columns[5]),
            grandfathers: cell(columns[6]),
            passports: cell(columns[7]),
            national_ids: cell(columns[8]),
        };
        people.push(build(path, line, fields)?);
    }
    Ok(people)
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

fn check_strings(
    path: &Path,
    line: u64,
    object: &serde_json::Map<String, Value>,
    key: &str,
) -> Result<(), MatchError> {
    match object.get(key) {
        None | Some(Value::Null | Value::String(_) | Value::Number(_)) => Ok(()),
        Some(Value::Array(items))
            if items
                .iter()
                .all(|v| matches!(v, Value::String(_) | Value::Number(_) | Value::Null)) =>
        {
            Ok(())
        }
        Some(_) => Err(parse_error(
            path,
            line,
            format!("`{key}` must be a string or an array of strings"),
        )),
    }
}

fn parse_json(path: &Path, text: &str) -> Result<Vec<Person>, MatchError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| parse_error(path, e.line() as u64, format!("invalid JSON: {e}")))?;
    let Value::Array(items) = value else {
        return Err(parse_error(path, 1, "expected a JSON array of persons"));
    };
    // serde_json does not keep positions of values: errors name the record's index instead.
    let record_error = |index: usize| {
        move |e: MatchError| match e {
            MatchError::Parse { path, message, .. } => MatchError::Record {
                path,
                index: index as u64,
                message,
            },
            other => other,
        }
    };
    let mut people = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let line = index as u64 + 1;
        let Value::Object(object) = item else {
            return Err(record_error(index)(parse_error(
                path,
                line,
                "not an object",
            )));
        };
        for key in [
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
        ] {
            check_strings(path, line, object, key).map_err(record_error(index))?;
        }
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
            birth_places: strings(object.get("birth_place")),
            nationalities: split("nationality"),
            genders: strings(object.get("gender")),
            fathers: strings(object.get("father_name")),
            grandfathers: strings(object.get("grandfather_name")),
            passports: split("passport"),
            national_ids: split("national_id"),
        };
        people.push(build(path, line, fields).map_err(record_error(index))?);
    }
    Ok(people)
}

fn parse_ftm(path: &Path, text: &str) -> Result<Vec<Person>, MatchError> {
    let mut people = Vec::new();
    for (index, line_text) in text.lines().enumerate() {
        let line = index as u64 + 1;
        if line_text.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line_text)
            .map_err(|e| parse_error(path, line, format!("invalid JSON: {e}")))?;
        let Value::Object(entity) = value else {
            return Err(parse_error(
                path,
                line,
                "expected a FollowTheMoney entity object",
            ));
        };
        // Other schemata (companies, sanctions, addresses) travel in the same exports.
        if entity.get("schema").and_then(Value::as_str) != Some("Person") {
            continue;
        }
        let properties = match entity.get("properties") {
            None | Some(Value::Null) => serde_json::Map::new(),
            Some(Value::Object(p)) => p.clone(),
            Some(_) => return Err(parse_error(path, line, "`properties` must be an object")),
        };
        for key in properties.keys() {
            check_strings(path, line, &properties, key)?;
        }
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
            birth_places: get("birthPlace"),
            nationalities,
            genders: get("gender"),
            fathers: get("fatherName"),
            grandfathers: Vec::new(),
            passports: get("passportNumber"),
            national_ids: get("idNumber"),
        };
        people.push(build(path, line, fields)?);
    }
    Ok(people)
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
    fn csv_errors_name_the_line() {
        let e = csv("id,name,birth_date\n1,A,1990\n2,B,soon\n").unwrap_err();
        assert!(matches!(e, MatchError::Parse { line: 3, .. }), "{e}");
        assert!(e.to_string().contains("list.csv"));
        let e = csv("id,fullname\n1,A\n").unwrap_err();
        assert!(matches!(e, MatchError::MissingColumn { .. }), "{e}");
        let e = csv("id,name\n1,A,extra\n").unwrap_err();
        assert!(matches!(e, MatchError::Parse { line: 2, .. }), "{e}");
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
        assert!(matches!(e, MatchError::Record { index: 1, .. }), "{e}");
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
        assert!(matches!(e, MatchError::Parse { line: 2, .. }));
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
            }
            let _ = BirthDate::parse(&text);
            let _ = crate::name::parse_name(&text);
        }

        #[test]
        fn csv_like_input_never_panics(rows in proptest::collection::vec("[a-z0-9 ,;\"\\-/.محمد]{0,30}", 0..6)) {
            let text = format!("id,name,birth_date,nationality,aliases\n{}", rows.join("\n"));
            let _ = parse_list(Path::new("x.csv"), &text, Format::Csv);
        }
    }
}
