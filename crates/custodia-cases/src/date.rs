//! Dates as investigators know them: a day, or only a month, or only a year.
//!
//! A witness remembers "August 2014"; a document bears a year. Such a date is kept as precise
//! as it is known and never padded to a day that nobody asserted.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::InputError;

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (ISO 8601 calendar dates, years 0001–9999).
///
/// Ordering: by the period's first day, and a less precise date before a more precise one that
/// starts on the same day (`2014` < `2014-01` < `2014-01-01` < `2014-01-02`), so that in a
/// timeline the period opens before what happened within it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartialDate {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
}

impl PartialDate {
    pub fn year(self) -> u16 {
        self.year
    }

    pub fn month(self) -> Option<u8> {
        self.month
    }

    pub fn day(self) -> Option<u8> {
        self.day
    }

    fn sort_key(self) -> (u16, u8, u8, u8) {
        let precision = match (self.month, self.day) {
            (None, _) => 0,
            (Some(_), None) => 1,
            (Some(_), Some(_)) => 2,
        };
        (
            self.year,
            self.month.unwrap_or(1),
            self.day.unwrap_or(1),
            precision,
        )
    }

    /// The last day the date may mean, for checking that a period does not end before it starts.
    fn last_day(self) -> (u16, u8, u8) {
        let month = self.month.unwrap_or(12);
        let day = self.day.unwrap_or_else(|| days_in_month(self.year, month));
        (self.year, month, day)
    }

    fn first_day(self) -> (u16, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// Whether `self` may begin no later than `end` ends: `2014-08` → `2014-08-03` is fine.
    pub fn may_precede(self, end: PartialDate) -> bool {
        self.first_day() <= end.last_day()
    }
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

impl Ord for PartialDate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn digits(part: &str, len: usize) -> Option<u16> {
    if part.len() == len && part.bytes().all(|b| b.is_ascii_digit()) {
        part.parse().ok()
    } else {
        None
    }
}

impl FromStr for PartialDate {
    type Err = InputError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || InputError::Date {
            value: text.to_owned(),
        };
        let mut parts = text.split('-');
        let year = parts.next().and_then(|p| digits(p, 4)).ok_or_else(bad)?;
        if year == 0 {
            return Err(bad());
        }
        let month = match parts.next() {
            None => None,
            Some(p) => Some(
                digits(p, 2)
                    .filter(|m| (1..=12).contains(m))
                    .ok_or_else(bad)? as u8,
            ),
        };
        let day = match parts.next() {
            None => None,
            Some(p) => {
                // A day needs a month: `split` yields parts in order, so `month` is Some here.
                let month = month.ok_or_else(bad)?;
                let day = digits(p, 2).ok_or_else(bad)? as u8;
                if day == 0 || day > days_in_month(year, month) {
                    return Err(bad());
                }
                Some(day)
            }
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(PartialDate { year, month, day })
    }
}

impl TryFrom<String> for PartialDate {
    type Error = InputError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<PartialDate> for String {
    fn from(date: PartialDate) -> String {
        date.to_string()
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> PartialDate {
        text.parse().unwrap()
    }

    #[test]
    fn parses_and_prints_each_precision() {
        for text in ["2014", "2014-08", "2014-08-03", "2016-02-29", "0001"] {
            assert_eq!(d(text).to_string(), text);
        }
    }

    #[test]
    fn refuses_what_is_not_a_calendar_date() {
        for text in [
            "",
            "14",
            "2014-8",
            "2014-13",
            "2014-00",
            "2015-02-29",
            "2014-04-31",
            "2014-08-03T10:00",
            "2014/08",
            "0000",
            "2014-08-03-01",
            "+2014",
            "２０１４",
        ] {
            assert!(
                text.parse::<PartialDate>().is_err(),
                "{text:?} was accepted"
            );
        }
    }

    #[test]
    fn periods_open_before_what_happens_within_them() {
        let mut dates = [
            d("2014-08-03"),
            d("2015"),
            d("2014-08"),
            d("2014"),
            d("2014-07-31"),
        ];
        dates.sort();
        let printed: Vec<String> = dates.iter().map(ToString::to_string).collect();
        assert_eq!(
            printed,
            ["2014", "2014-07-31", "2014-08", "2014-08-03", "2015"]
        );
    }

    #[test]
    fn a_partial_end_may_contain_the_start() {
        assert!(d("2014-08-03").may_precede(d("2014-08")));
        assert!(d("2014-08").may_precede(d("2014")));
        assert!(!d("2014-09").may_precede(d("2014-08-31")));
        assert!(d("2016-02").may_precede(d("2016-02-29")));
    }
}
