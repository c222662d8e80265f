//! A person as one list describes them.

use serde::Serialize;

/// One row of a list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Person {
    /// The row's id in its list (as given; unique within the list).
    pub id: String,
    /// Full names as written, in any script; the first is the main one.
    pub names: Vec<String>,
    /// Aliases and kunyas (`Abu Ibrahim al-Hollandi`).
    pub aliases: Vec<String>,
    pub father_names: Vec<String>,
    pub grandfather_names: Vec<String>,
    pub birth_dates: Vec<BirthDate>,
    pub birth_places: Vec<String>,
    /// ISO 3166 alpha-2 codes where the value named a known country; the text otherwise.
    pub nationalities: Vec<String>,
    pub gender: Option<Gender>,
    pub identifiers: Vec<Identifier>,
    /// Street addresses (weak evidence: people move, families share one).
    pub addresses: Vec<String>,
    /// Towns or suburbs of residence.
    pub cities: Vec<String>,
    pub postcodes: Vec<String>,
    /// States, provinces, regions.
    pub regions: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    /// `m`, `male`, `man`, `homme`, `masculin`, `ذكر` …; `None` for anything else.
    pub fn parse(text: &str) -> Option<Gender> {
        match text.trim().to_lowercase().as_str() {
            "m" | "male" | "man" | "men" | "homme" | "masculin" | "mannelijk" | "h" | "ذكر" => {
                Some(Gender::Male)
            }
            "f" | "female" | "woman" | "vrouw" | "v" | "femme" | "feminin" | "féminin"
            | "vrouwelijk" | "أنثى" | "انثى" => Some(Gender::Female),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    Passport,
    NationalId,
}

/// A document number: upper case, letters and digits only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Identifier {
    pub kind: IdentifierKind,
    pub value: String,
}

impl Identifier {
    /// `None` if nothing but punctuation was given.
    pub fn new(kind: IdentifierKind, text: &str) -> Option<Identifier> {
        let value: String = text
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_uppercase)
            .collect();
        (!value.is_empty()).then_some(Identifier { kind, value })
    }
}

/// A date of birth as precisely as the list knows it.
///
/// Invariant: months are 1–12, days 1–31, `from <= to` for ranges. A full date of 1 January is
/// read as a year: registries write `YYYY-01-01` when only the year is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "precision", rename_all = "snake_case")]
pub enum BirthDate {
    Day { year: i32, month: u8, day: u8 },
    Month { year: i32, month: u8 },
    Year { year: i32 },
    Range { from: i32, to: i32 },
}

impl BirthDate {
    /// Parses `YYYY-MM-DD`, `YYYYMMDD`, `YYYY-MM`, `YYYY`, `DD/MM/YYYY`, `DD-MM-YYYY`, `DD.MM.YYYY`,
    /// `YYYY/MM/DD`, ranges `YYYY..YYYY` / `YYYY-YYYY` / `YYYY/YYYY`, `ca. YYYY`, in Latin or
    /// Arabic-Indic digits. `Ok(None)` for an empty or unknown value (`unknown`, `?`, `-`).
    pub fn parse(text: &str) -> Result<Option<BirthDate>, String> {
        let text: String = text
            .trim()
            .chars()
            .map(|c| match c {
                '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
                '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
                c => c,
            })
            .collect();
        let lower = text.to_lowercase();
        let lower = lower
            .trim_start_matches("ca.")
            .trim_start_matches("ca ")
            .trim_start_matches("circa")
            .trim_start_matches('~')
            .trim();
        if matches!(
            lower,
            "" | "?"
                | "-"
                | "unknown"
                | "onbekend"
                | "inconnu"
                | "inconnue"
                | "n/a"
                | "na"
                | "none"
                | "null"
        ) {
            return Ok(None);
        }
        let numbers: Vec<&str> = lower
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .collect();
        let separators_ok = lower
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '/' | '.' | ' ' | 't' | ':' | 'z'));
        let bad = || {
            format!("`{text}` is not a date of birth (expected a real date as YYYY-MM-DD, YYYYMMDD, DD/MM/YYYY, YYYY-MM, YYYY or YYYY..YYYY)")
        };
        if !separators_ok || numbers.is_empty() {
            return Err(bad());
        }
        let num = |s: &str| s.parse::<i32>().map_err(|_| bad());
        // An ISO timestamp (FollowTheMoney sometimes carries one): keep the date part.
        let numbers = if numbers.len() > 3 && numbers[0].len() == 4 {
            &numbers[..3]
        } else {
            &numbers[..]
        };
        let date = match numbers {
            [y] if y.len() == 4 => BirthDate::Year { year: num(y)? },
            // ISO 8601 basic: YYYYMMDD.
            [compact] if compact.len() == 8 && lower.len() == 8 => day(
                num(&compact[..4])?,
                num(&compact[4..6])?,
                num(&compact[6..])?,
            )
            .ok_or_else(bad)?,
            [a, b] if a.len() == 4 && b.len() == 4 => {
                let (from, to) = (num(a)?, num(b)?);
                BirthDate::Range {
                    from: from.min(to),
                    to: from.max(to),
                }
            }
            [y, m] | [m, y] if y.len() == 4 && m.len() <= 2 => match num(m)? {
                // `1990-00`: the month not known.
                0 => BirthDate::Year { year: num(y)? },
                month => BirthDate::Month {
                    year: num(y)?,
                    month: month as u8,
                },
            },
            [y, m, d] if y.len() == 4 => day(num(y)?, num(m)?, num(d)?).ok_or_else(bad)?,
            [d, m, y] if y.len() == 4 => day(num(y)?, num(m)?, num(d)?).ok_or_else(bad)?,
            _ => return Err(bad()),
        };
        let year_ok = |y: i32| (1800..=2100).contains(&y);
        let valid = match date {
            BirthDate::Day { year, .. } | BirthDate::Year { year } => year_ok(year),
            BirthDate::Month { year, month } => year_ok(year) && (1..=12).contains(&month),
            BirthDate::Range { from, to } => year_ok(from) && year_ok(to),
        };
        if !valid {
            return Err(bad());
        }
        Ok(Some(date))
    }

    /// The years this date allows.
    pub fn years(&self) -> (i32, i32) {
        match *self {
            BirthDate::Day { year, .. }
            | BirthDate::Month { year, .. }
            | BirthDate::Year { year } => (year, year),
            BirthDate::Range { from, to } => (from, to),
        }
    }
}

/// Days in `month` of `year` (Gregorian).
pub(crate) fn days_in_month(year: i32, month: i32) -> i32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

fn day(year: i32, month: i32, day: i32) -> Option<BirthDate> {
    // Zeros stand for what the clerk did not know (`00/00/1990`, `1990-03-00`).
    match (month, day) {
        (0, 0..=31) => return Some(BirthDate::Year { year }),
        (1..=12, 0) => {
            return Some(BirthDate::Month {
                year,
                month: month as u8,
            })
        }
        _ => {}
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    if month == 1 && day == 1 {
        return Some(BirthDate::Year { year });
    }
    Some(BirthDate::Day {
        year,
        month: month as u8,
        day: day as u8,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Option<BirthDate> {
        BirthDate::parse(s).unwrap()
    }

    #[test]
    fn dates_in_every_precision() {
        assert_eq!(
            p("1990-03-14"),
            Some(BirthDate::Day {
                year: 1990,
                month: 3,
                day: 14
            })
        );
        assert_eq!(
            p("14/03/1990"),
            Some(BirthDate::Day {
                year: 1990,
                month: 3,
                day: 14
            })
        );
        assert_eq!(
            p("14.03.1990"),
            Some(BirthDate::Day {
                year: 1990,
                month: 3,
                day: 14
            })
        );
        assert_eq!(
            p("1990-03"),
            Some(BirthDate::Month {
                year: 1990,
                month: 3
            })
        );
        assert_eq!(p("1990"), Some(BirthDate::Year { year: 1990 }));
        assert_eq!(p("ca. 1990"), Some(BirthDate::Year { year: 1990 }));
        assert_eq!(
            p("1988..1990"),
            Some(BirthDate::Range {
                from: 1988,
                to: 1990
            })
        );
        assert_eq!(
            p("1990-1988"),
            Some(BirthDate::Range {
                from: 1988,
                to: 1990
            })
        );
        assert_eq!(p("١٩٩٠"), Some(BirthDate::Year { year: 1990 }));
        assert_eq!(p(""), None);
        assert_eq!(p("unknown"), None);
    }

    #[test]
    fn zeros_are_placeholders_for_what_is_not_known() {
        for text in [
            "00/00/1990",
            "1990-00-00",
            "00-00-1990",
            "00.00.1990",
            "19900000",
        ] {
            assert_eq!(p(text), Some(BirthDate::Year { year: 1990 }), "{text}");
        }
        let march = Some(BirthDate::Month {
            year: 1990,
            month: 3,
        });
        assert_eq!(p("00/03/1990"), march);
        assert_eq!(p("03/1990"), march);
        assert_eq!(p("1990-03"), march);
        assert_eq!(p("1990-00"), Some(BirthDate::Year { year: 1990 }));
        assert_eq!(p("1990-03-00"), march);
        // Numbers out of range are still refused, not read as placeholders.
        for text in ["1945-04-93", "1945-13-00", "1945-02-30"] {
            assert!(BirthDate::parse(text).is_err(), "{text}");
        }
    }

    #[test]
    fn first_of_january_is_a_placeholder_for_the_year() {
        assert_eq!(p("1990-01-01"), Some(BirthDate::Year { year: 1990 }));
        assert_eq!(p("01/01/1990"), Some(BirthDate::Year { year: 1990 }));
    }

    #[test]
    fn nonsense_is_an_error() {
        for s in ["1990-13-01", "yesterday", "12", "1990-02-40", "0001"] {
            assert!(BirthDate::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn impossible_dates_are_refused() {
        for s in [
            "1945-02-30",
            "1945-04-93",
            "1945-04-31",
            "30/02/1945",
            "1900-02-29",
            "19451301",
            "19450230",
            "1945023",
        ] {
            assert!(BirthDate::parse(s).is_err(), "{s}");
        }
        assert_eq!(
            p("2000-02-29"),
            Some(BirthDate::Day {
                year: 2000,
                month: 2,
                day: 29
            })
        );
        assert_eq!(
            p("19560409"),
            Some(BirthDate::Day {
                year: 1956,
                month: 4,
                day: 9
            })
        );
    }

    proptest::proptest! {
        /// Every real day parses, in every written form, to itself; no day past the month's end does.
        #[test]
        fn real_days_and_only_real_days(year in 1800i32..2100, month in 1i32..=12, d in 1i32..=31) {
            let real = d <= days_in_month(year, month);
            for text in [
                format!("{year:04}-{month:02}-{d:02}"),
                format!("{year:04}{month:02}{d:02}"),
                format!("{d:02}/{month:02}/{year:04}"),
            ] {
                let parsed = BirthDate::parse(&text);
                proptest::prop_assert_eq!(parsed.is_ok(), real, "{}", text);
                if real && (month, d) != (1, 1) {
                    proptest::prop_assert_eq!(
                        parsed.unwrap(),
                        Some(BirthDate::Day { year, month: month as u8, day: d as u8 })
                    );
                }
            }
        }
    }

    #[test]
    fn genders_and_identifiers() {
        assert_eq!(Gender::parse("Homme"), Some(Gender::Male));
        assert_eq!(Gender::parse("V"), Some(Gender::Female));
        assert_eq!(Gender::parse("other"), None);
        assert_eq!(
            Identifier::new(IdentifierKind::Passport, "nx-12 345")
                .unwrap()
                .value,
            "NX12345"
        );
        assert!(Identifier::new(IdentifierKind::Passport, " - ").is_none());
    }
}
