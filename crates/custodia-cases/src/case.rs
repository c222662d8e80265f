//! A case's analysis as data: charges, incidents, and links from items to elements.
//!
//! Every value that comes from outside (a command line, a request body, a stored row) is
//! checked when it is built or deserialised, so the computations in [`crate::matrix`],
//! [`crate::timeline`], [`crate::geo`] and [`crate::ftm`] never meet an impossible coordinate,
//! date or time range.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::catalogue::{Crime, Element};
use crate::date::PartialDate;

/// A value refused on the way in; each names the value and what is expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("`{value}` is not a date; write `YYYY`, `YYYY-MM` or `YYYY-MM-DD`")]
    Date { value: String },
    #[error("latitude {value} is outside −90..90")]
    Latitude { value: String },
    #[error("longitude {value} is outside −180..180")]
    Longitude { value: String },
    #[error("precision {value} m must be a number of metres greater than 0")]
    Precision { value: String },
    #[error("`{value}` is not a time range; write `FROM-TO` as `[HH:]MM:SS[.mmm]` or seconds, e.g. `01:30-02:05`")]
    TimeRange { value: String },
    #[error("time range `{value}` ends before it starts")]
    TimeRangeOrder { value: String },
    #[error("`{value}` is not an item's SHA-256; expected 64 lowercase hexadecimal characters")]
    ItemHash { value: String },
    #[error("incident `{incident}` ends ({to}) before it starts ({from})")]
    IncidentDates {
        incident: String,
        from: String,
        to: String,
    },
    #[error("{field} is empty")]
    Empty { field: &'static str },
    #[error("page must be 1 or more")]
    Page,
}

/// An item's identity in the vault: its SHA-256, lowercase hexadecimal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ItemHash(String);

impl ItemHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ItemHash {
    type Err = InputError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.len() == 64
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            Ok(ItemHash(text.to_owned()))
        } else {
            Err(InputError::ItemHash {
                value: text.to_owned(),
            })
        }
    }
}

impl TryFrom<String> for ItemHash {
    type Error = InputError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<ItemHash> for String {
    fn from(hash: ItemHash) -> String {
        hash.0
    }
}

impl fmt::Display for ItemHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A point on the WGS 84 ellipsoid with how far off it may be.
///
/// The precision is part of the evidence: "a village" (2,000 m) and "this courtyard" (10 m)
/// support different findings, so it travels with the point into every export.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "LocationFields")]
pub struct Location {
    lat: f64,
    lon: f64,
    precision_m: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LocationFields {
    lat: f64,
    lon: f64,
    precision_m: f64,
}

impl TryFrom<LocationFields> for Location {
    type Error = InputError;

    fn try_from(fields: LocationFields) -> Result<Self, Self::Error> {
        Location::new(fields.lat, fields.lon, fields.precision_m)
    }
}

impl Location {
    pub fn new(lat: f64, lon: f64, precision_m: f64) -> Result<Location, InputError> {
        if !(-90.0..=90.0).contains(&lat) {
            return Err(InputError::Latitude {
                value: lat.to_string(),
            });
        }
        if !(-180.0..=180.0).contains(&lon) {
            return Err(InputError::Longitude {
                value: lon.to_string(),
            });
        }
        // `> 0.0` is false for NaN, so NaN is refused too; infinity is no precision.
        if !(precision_m > 0.0 && precision_m.is_finite()) {
            return Err(InputError::Precision {
                value: precision_m.to_string(),
            });
        }
        Ok(Location {
            lat,
            lon,
            precision_m,
        })
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }

    pub fn lon(&self) -> f64 {
        self.lon
    }

    pub fn precision_m(&self) -> f64 {
        self.precision_m
    }
}

/// A stretch of an audio or video item, in milliseconds from its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeRange {
    from_ms: u64,
    to_ms: u64,
}

impl TimeRange {
    pub fn new(from_ms: u64, to_ms: u64) -> Result<TimeRange, InputError> {
        if to_ms < from_ms {
            return Err(InputError::TimeRangeOrder {
                value: format!("{}-{}", clock(from_ms), clock(to_ms)),
            });
        }
        Ok(TimeRange { from_ms, to_ms })
    }

    pub fn from_ms(&self) -> u64 {
        self.from_ms
    }

    pub fn to_ms(&self) -> u64 {
        self.to_ms
    }
}

/// `[[HH:]MM:]SS[.mmm]` → milliseconds. Minutes and seconds after a colon stay below 60.
fn parse_clock(text: &str) -> Option<u64> {
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (text, None),
    };
    let parts: Vec<&str> = whole.split(':').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let mut seconds: u64 = 0;
    for (index, part) in parts.iter().enumerate() {
        if !part.bytes().all(|b| b.is_ascii_digit()) || part.len() > 9 {
            return None;
        }
        let value: u64 = part.parse().ok()?;
        if index > 0 && (value >= 60 || part.len() != 2) {
            return None;
        }
        seconds = seconds.checked_mul(60)?.checked_add(value)?;
    }
    let millis = match fraction {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 3 && f.bytes().all(|b| b.is_ascii_digit()) => {
            f.parse::<u64>().ok()? * 10u64.pow(3 - f.len() as u32)
        }
        Some(_) => return None,
    };
    seconds.checked_mul(1000)?.checked_add(millis)
}

fn clock(ms: u64) -> String {
    let (seconds, millis) = (ms / 1000, ms % 1000);
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if millis == 0 {
        format!("{h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}.{millis:03}")
    }
}

impl FromStr for TimeRange {
    type Err = InputError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || InputError::TimeRange {
            value: text.to_owned(),
        };
        let (from, to) = text.split_once('-').ok_or_else(bad)?;
        let from_ms = parse_clock(from.trim()).ok_or_else(bad)?;
        let to_ms = parse_clock(to.trim()).ok_or_else(bad)?;
        TimeRange::new(from_ms, to_ms).map_err(|_| InputError::TimeRangeOrder {
            value: text.to_owned(),
        })
    }
}

impl TryFrom<String> for TimeRange {
    type Error = InputError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<TimeRange> for String {
    fn from(range: TimeRange) -> String {
        range.to_string()
    }
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", clock(self.from_ms), clock(self.to_ms))
    }
}

/// A charge: one crime (and optionally one mode of liability) against one suspect, with the
/// elements copied in when it was laid. The copy is what the custody log records, so a later
/// import or edition never changes what a charge was said to require.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    pub case: String,
    /// The charge's reference within the case, e.g. `C1`.
    pub charge: String,
    /// The crime's code.
    pub crime: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspect: Option<String>,
    /// The mode of liability's code; its elements follow the crime's in `elements`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode_of_liability: Option<String>,
    pub elements: Vec<Element>,
    /// Position of the custody entry that laid the charge, once logged.
    #[serde(default)]
    pub ledger_index: Option<u64>,
}

impl Charge {
    /// Lays a charge of `crime`, with the elements of `mode` (a mode of liability) after the
    /// crime's own. Element ids carry their code, so the two sets never collide.
    pub fn new(
        case: &str,
        charge: &str,
        crime: &Crime,
        mode: Option<&Crime>,
        suspect: Option<&str>,
    ) -> Result<Charge, InputError> {
        if case.trim().is_empty() {
            return Err(InputError::Empty { field: "case" });
        }
        if charge.trim().is_empty() {
            return Err(InputError::Empty { field: "charge" });
        }
        let mut elements = crime.elements.clone();
        if let Some(mode) = mode {
            elements.extend(mode.elements.iter().cloned());
        }
        Ok(Charge {
            case: case.to_owned(),
            charge: charge.to_owned(),
            crime: crime.code.clone(),
            title: crime.title.clone(),
            suspect: suspect.map(str::to_owned),
            mode_of_liability: mode.map(|m| m.code.clone()),
            elements,
            ledger_index: None,
        })
    }
}

/// Something that happened, at a time and place as precisely as known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "IncidentFields")]
pub struct Incident {
    /// The incident's reference within the case, e.g. `I12`.
    pub incident: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IncidentFields {
    incident: String,
    title: String,
    #[serde(default)]
    from: Option<PartialDate>,
    #[serde(default)]
    to: Option<PartialDate>,
    #[serde(default)]
    place: Option<String>,
    #[serde(default)]
    location: Option<Location>,
    #[serde(default)]
    description: Option<String>,
}

impl TryFrom<IncidentFields> for Incident {
    type Error = InputError;

    fn try_from(f: IncidentFields) -> Result<Self, Self::Error> {
        let incident = Incident {
            incident: f.incident,
            title: f.title,
            from: f.from,
            to: f.to,
            place: f.place,
            location: f.location,
            description: f.description,
        };
        incident.validate()?;
        Ok(incident)
    }
}

impl Incident {
    /// Checks what the types cannot: a reference and a title, and an end not before the start.
    pub fn validate(&self) -> Result<(), InputError> {
        if self.incident.trim().is_empty() {
            return Err(InputError::Empty { field: "incident" });
        }
        if self.title.trim().is_empty() {
            return Err(InputError::Empty {
                field: "incident title",
            });
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if !from.may_precede(to) {
                return Err(InputError::IncidentDates {
                    incident: self.incident.clone(),
                    from: from.to_string(),
                    to: to.to_string(),
                });
            }
        }
        Ok(())
    }
}

/// How an item bears on an element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Assessment {
    Supports,
    Contradicts,
    /// Background that explains without proving; it never counts as support.
    Context,
}

impl Assessment {
    pub fn as_str(self) -> &'static str {
        match self {
            Assessment::Supports => "supports",
            Assessment::Contradicts => "contradicts",
            Assessment::Context => "context",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strength {
    Weak,
    Medium,
    Strong,
}

impl Strength {
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::Weak => "weak",
            Strength::Medium => "medium",
            Strength::Strong => "strong",
        }
    }
}

/// An analyst's statement that an item bears on an element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "LinkFields")]
pub struct Link {
    /// The link's reference within the case.
    pub link: String,
    /// The element's id, `<code>/<number>`.
    pub element: String,
    pub item: ItemHash,
    pub assessment: Assessment,
    pub strength: Strength,
    /// Restricts the link to one charge. Without it the link counts for every charge of the
    /// case that has the element: the killing is the same fact whoever is charged with it. An
    /// element of a mode of liability concerns one suspect, so its links should name the charge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charge: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incident: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeRange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkFields {
    link: String,
    element: String,
    item: ItemHash,
    assessment: Assessment,
    strength: Strength,
    #[serde(default)]
    charge: Option<String>,
    #[serde(default)]
    incident: Option<String>,
    #[serde(default)]
    excerpt: Option<String>,
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    time: Option<TimeRange>,
    #[serde(default)]
    note: Option<String>,
}

impl TryFrom<LinkFields> for Link {
    type Error = InputError;

    fn try_from(f: LinkFields) -> Result<Self, Self::Error> {
        let link = Link {
            link: f.link,
            element: f.element,
            item: f.item,
            assessment: f.assessment,
            strength: f.strength,
            charge: f.charge,
            incident: f.incident,
            excerpt: f.excerpt,
            page: f.page,
            time: f.time,
            note: f.note,
        };
        link.validate()?;
        Ok(link)
    }
}

impl Link {
    pub fn validate(&self) -> Result<(), InputError> {
        if self.link.trim().is_empty() {
            return Err(InputError::Empty { field: "link" });
        }
        if self.element.trim().is_empty() {
            return Err(InputError::Empty { field: "element" });
        }
        if self.page == Some(0) {
            return Err(InputError::Page);
        }
        Ok(())
    }
}

/// What the case knows of an item for its timeline and map: a title (the file name, say), when
/// it was made and where, as far as known. The storage layer fills it from the item's metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseItem {
    pub item: ItemHash,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

/// A case's analysis, as the storage layer hands it over for one computation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub case: String,
    #[serde(default)]
    pub charges: Vec<Charge>,
    #[serde(default)]
    pub incidents: Vec<Incident>,
    #[serde(default)]
    pub links: Vec<Link>,
    /// Facts of the linked items; items no link names are ignored.
    #[serde(default)]
    pub items: Vec<CaseItem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_checked() {
        assert!(Location::new(36.3, 43.1, 500.0).is_ok());
        assert!(Location::new(90.0, -180.0, 0.5).is_ok());
        for (lat, lon, precision) in [
            (90.1, 0.0, 1.0),
            (-91.0, 0.0, 1.0),
            (0.0, 180.5, 1.0),
            (0.0, -181.0, 1.0),
            (0.0, 0.0, 0.0),
            (0.0, 0.0, -5.0),
            (f64::NAN, 0.0, 1.0),
            (0.0, 0.0, f64::NAN),
            (0.0, 0.0, f64::INFINITY),
        ] {
            assert!(
                Location::new(lat, lon, precision).is_err(),
                "{lat} {lon} {precision}"
            );
        }
        let refused: Result<Location, _> =
            serde_json::from_str(r#"{"lat": 95, "lon": 0, "precision_m": 10}"#);
        assert!(refused.unwrap_err().to_string().contains("latitude 95"));
    }

    #[test]
    fn time_ranges_parse_and_print() {
        let range: TimeRange = "01:30-02:05.5".parse().unwrap();
        assert_eq!((range.from_ms(), range.to_ms()), (90_000, 125_500));
        assert_eq!(range.to_string(), "00:01:30-00:02:05.500");
        assert_eq!(
            "90-125".parse::<TimeRange>().unwrap(),
            range_ms(90_000, 125_000)
        );
        assert_eq!(
            "1:00:00-1:00:01".parse::<TimeRange>().unwrap(),
            range_ms(3_600_000, 3_601_000)
        );
        for bad in [
            "",
            "90",
            "1:75-2:00",
            "a-b",
            "10-5",
            "1:5-2:00",
            "1.2345-2",
            "-5",
            "1:2:3:4-5",
        ] {
            assert!(bad.parse::<TimeRange>().is_err(), "{bad:?} was accepted");
        }
        assert!(matches!(
            "10-5".parse::<TimeRange>(),
            Err(InputError::TimeRangeOrder { .. })
        ));
    }

    fn range_ms(from: u64, to: u64) -> TimeRange {
        TimeRange::new(from, to).unwrap()
    }

    #[test]
    fn item_hashes_are_lowercase_sha256() {
        assert!("a".repeat(64).parse::<ItemHash>().is_ok());
        assert!("A".repeat(64).parse::<ItemHash>().is_err());
        assert!("a".repeat(63).parse::<ItemHash>().is_err());
        assert!("g".repeat(64).parse::<ItemHash>().is_err());
    }

    #[test]
    fn incidents_and_links_are_checked_when_read() {
        let backwards =
            r#"{"incident": "I1", "title": "t", "from": "2014-09", "to": "2014-08-31"}"#;
        let error = serde_json::from_str::<Incident>(backwards).unwrap_err();
        assert!(error
            .to_string()
            .contains("ends (2014-08-31) before it starts (2014-09)"));
        let bad_date = r#"{"incident": "I1", "title": "t", "from": "2014-02-30"}"#;
        assert!(serde_json::from_str::<Incident>(bad_date).is_err());
        let link = format!(
            r#"{{"link": "L1", "element": "7(1)(a)/1", "item": "{}", "assessment": "supports", "strength": "strong", "page": 0}}"#,
            "a".repeat(64)
        );
        assert!(serde_json::from_str::<Link>(&link)
            .unwrap_err()
            .to_string()
            .contains("page"));
    }
}
