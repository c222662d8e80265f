//! Numbers, sizes, dates and times as each interface language writes them, in the viewer's time
//! zone. The conventions (digits, separators, month names, the order of date and time) are
//! CLDR's, compiled into the binary by ICU4X; the zone rules are the system's tz database, read
//! by jiff.
//!
//! Digits: each language writes the numbers the interface makes (counts, sizes, dates, times)
//! in the numbering system CLDR gives it by default: Latin digits in English, Kurmanji, Dutch
//! and French, Arabic-Indic digits (`٣٫٤`) in Arabic and Sorani, as people in Iraq write them.
//! Values of the data — hashes, identifiers, references, file names, log positions, the dates
//! people typed — are never rewritten: they are shown exactly as stored, so that they can be
//! quoted and searched for. Dates are in the Gregorian calendar in every language (court
//! records and custody logs use it).
//!
//! Relative times ("3 hours ago") are Fluent messages with the language's plural forms
//! (`time-ago-*`, `time-in-*`); ICU4X's relative time formatter is not in a stable crate.

use std::sync::LazyLock;

use icu_calendar::{Date, Gregorian};
use icu_datetime::fieldsets::{self, zone::LocalizedOffsetShort, Combo, YMDT};
use icu_datetime::options::TimePrecision;
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_decimal::input::Decimal;
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;
use icu_time::zone::UtcOffset;
use icu_time::{Time, ZonedDateTime};
use jiff::tz::TimeZone;
use jiff::Timestamp;

use super::Lang;

/// How far from now a time is also said relatively ("3 hours ago"): within a week, a relative
/// time helps; beyond, the exact date says more.
const RELATIVE_WITHIN_SECONDS: i64 = 7 * 24 * 3600;

type DateTimeFormatter =
    FixedCalendarDateTimeFormatter<Gregorian, Combo<YMDT, LocalizedOffsetShort>>;

/// One language's formatters (`None` if CLDR had no data at all, never expected: the
/// formatters fall back through the locale's parents to the root).
struct Formatters {
    number: Option<DecimalFormatter>,
    datetime: Option<DateTimeFormatter>,
}

static FORMATTERS: LazyLock<Vec<Formatters>> = LazyLock::new(|| {
    Lang::ALL
        .into_iter()
        .map(|lang| {
            let locale = locale(lang);
            let number = DecimalFormatter::try_new((&locale).into(), Default::default()).ok();
            // A medium date and a time to the minute, with the zone's offset.
            let fields = YMDT::medium()
                .with_time_precision(TimePrecision::Minute)
                .with_zone(fieldsets::zone::LocalizedOffsetShort);
            let datetime = DateTimeFormatter::try_new((&locale).into(), fields).ok();
            Formatters { number, datetime }
        })
        .collect()
});

/// The CLDR locale of a language. CLDR files Kurmanji under `ku`, the macrolanguage it is the
/// default of.
fn locale(lang: Lang) -> Locale {
    let tag = if lang == Lang::Kmr { "ku" } else { lang.code() };
    Locale::try_from_str(tag).unwrap_or(Locale::UNKNOWN)
}

fn formatters(lang: Lang) -> &'static Formatters {
    &FORMATTERS[Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0)]
}

impl Lang {
    /// A count, in the language's digits and grouping (`12,345`; `12.345`; `١٢٬٣٤٥`).
    pub fn number(self, n: u64) -> String {
        self.decimal(Decimal::from(n))
    }

    fn decimal(self, value: Decimal) -> String {
        match &formatters(self).number {
            Some(f) => f.format_to_string(&value),
            None => value.to_string(),
        }
    }

    /// A size in bytes with a binary unit, one decimal beyond bytes: `3.4 KiB`, `3,4 KiB`,
    /// `٣٫٤ KiB`. The unit symbols are the IEC's in every language.
    pub fn size(self, bytes: u64) -> String {
        const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
        let mut unit = 0;
        let mut scale: u128 = 1;
        while u128::from(bytes) >= scale * 1024 && unit < UNITS.len() - 1 {
            scale *= 1024;
            unit += 1;
        }
        if unit == 0 {
            return format!("{} B", self.number(bytes));
        }
        // Tenths of the unit, rounded half up, in integers (no float rounding surprises).
        let tenths = (u128::from(bytes) * 10 + scale / 2) / scale;
        let mut value = Decimal::from(u64::try_from(tenths).unwrap_or(u64::MAX));
        value.multiply_pow10(-1);
        format!("{} {}", self.decimal(value), UNITS[unit])
    }

    /// A moment as the language writes a medium date and a time to the minute, in `zone`, with
    /// the zone's offset (`Dec 2, 2026, 12:17 AM GMT`).
    pub fn date_time(self, at: Timestamp, zone: &TimeZone) -> String {
        let local = at.to_zoned(zone.clone());
        let civil = local.datetime();
        let offset = UtcOffset::try_from_seconds(local.offset().seconds()).unwrap_or_default();
        let built = Date::try_new_gregorian(
            i32::from(civil.year()),
            civil.month().unsigned_abs(),
            civil.day().unsigned_abs(),
        )
        .ok()
        .zip(
            Time::try_new(
                civil.hour().unsigned_abs(),
                civil.minute().unsigned_abs(),
                0,
                0,
            )
            .ok(),
        );
        match (&formatters(self).datetime, built) {
            (Some(f), Some((date, time))) => f
                .format(&ZonedDateTime {
                    date,
                    time,
                    zone: offset,
                })
                .to_string(),
            // Never expected; the moment as RFC 3339 rather than nothing.
            _ => local.strftime("%Y-%m-%d %H:%M %:z").to_string(),
        }
    }

    /// `at` said relatively to `now` ("3 hours ago", "in 2 days"), when it is within a week of
    /// it; `None` beyond.
    pub fn relative(self, at: Timestamp, now: Timestamp) -> Option<String> {
        let seconds = now.as_second() - at.as_second();
        if seconds.abs() >= RELATIVE_WITHIN_SECONDS {
            return None;
        }
        let past = seconds >= 0;
        let span = seconds.unsigned_abs();
        // Counted in whole units, as people say it: 59 minutes, then 1 hour, up to 6 days.
        let text = match (span, past) {
            (0..60, _) => self.t("time-now").to_owned(),
            (60..3600, true) => self.n("time-ago-minutes", span / 60),
            (60..3600, false) => self.n("time-in-minutes", span / 60),
            (3600..86400, true) => self.n("time-ago-hours", span / 3600),
            (3600..86400, false) => self.n("time-in-hours", span / 3600),
            (_, true) => self.n("time-ago-days", span / 86400),
            (_, false) => self.n("time-in-days", span / 86400),
        };
        Some(text)
    }
}

/// The zone a viewer chose by its IANA name (`Asia/Baghdad`), if the system knows it.
pub(crate) fn zone_named(name: &str) -> Option<TimeZone> {
    if name.eq_ignore_ascii_case("UTC") {
        return Some(TimeZone::UTC);
    }
    custodia_vault::is_time_zone_name(name)
        .then(|| TimeZone::get(name).ok())
        .flatten()
}

/// The names of the zones the system knows, sorted, UTC first: the choices offered.
pub(crate) fn zone_names() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_owned())
        .filter(|n| {
            n.contains('/')
                && !n.starts_with("Etc/")
                && !n.starts_with("posix/")
                && !n.starts_with("right/")
        })
        .collect();
    names.sort();
    names.dedup();
    names.insert(0, "UTC".to_owned());
    names
}

/// A Fluent formatter for the numbers of a language's messages (`$count`), so that a count in
/// a sentence is written in the same digits as the rest of the page. Fluent takes a plain
/// function, hence one per language.
pub(crate) fn fluent_numbers<M>(
    lang: Lang,
) -> fn(&fluent_bundle::FluentValue, &M) -> Option<String> {
    fn with(lang: Lang, value: &fluent_bundle::FluentValue) -> Option<String> {
        match value {
            fluent_bundle::FluentValue::Number(n)
                if n.value >= 0.0 && n.value.fract() == 0.0 && n.value < 9.0e15 =>
            {
                Some(lang.number(n.value as u64))
            }
            _ => None,
        }
    }
    match lang {
        Lang::En => |v, _| with(Lang::En, v),
        Lang::Ar => |v, _| with(Lang::Ar, v),
        Lang::Ckb => |v, _| with(Lang::Ckb, v),
        Lang::Kmr => |v, _| with(Lang::Kmr, v),
        Lang::Nl => |v, _| with(Lang::Nl, v),
        Lang::Fr => |v, _| with(Lang::Fr, v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    /// Each language: a count, a size, a date and time, in UTC and in another zone. Arabic
    /// keeps Latin digits (CLDR's default for `ar`), Sorani has Arabic-Indic ones.
    #[test]
    fn numbers_sizes_and_times_per_language() {
        let t = at("2026-12-02T00:17:51.140565Z");
        let baghdad = zone_named("Asia/Baghdad").unwrap();
        let cases: [(Lang, &str, &str, &str, &str); 6] = [
            (
                Lang::En,
                "1,234,567",
                "3.4 KiB",
                "Dec 2, 2026, 12:17\u{202f}AM GMT+0",
                "Dec 2, 2026, 3:17\u{202f}AM GMT+3",
            ),
            (
                Lang::Ar,
                "1,234,567",
                "3.4 KiB",
                "02\u{200f}/12\u{200f}/2026، 12:17 ص غرينتش\u{200e}+0",
                "02\u{200f}/12\u{200f}/2026، 3:17 ص غرينتش\u{200e}+3",
            ),
            (
                Lang::Ckb,
                "١٬٢٣٤٬٥٦٧",
                "٣٫٤ KiB",
                "٢ی کانونی یەکەمی ٢٠٢٦ ١٢:١٧ ب.ن گرینیچ \u{200f}+٠",
                "٢ی کانونی یەکەمی ٢٠٢٦ ٣:١٧ ب.ن گرینیچ \u{200f}+٣",
            ),
            (
                Lang::Kmr,
                "1.234.567",
                "3,4 KiB",
                "2 brf, 2026 00:17 GMT+0",
                "2 brf, 2026 03:17 GMT+3",
            ),
            (
                Lang::Nl,
                "1.234.567",
                "3,4 KiB",
                "2 dec 2026, 00:17 GMT+0",
                "2 dec 2026, 03:17 GMT+3",
            ),
            (
                Lang::Fr,
                "1\u{202f}234\u{202f}567",
                "3,4 KiB",
                "2 déc. 2026, 00:17 UTC+0",
                "2 déc. 2026, 03:17 UTC+3",
            ),
        ];
        for (lang, count, size, utc, local) in cases {
            assert_eq!(lang.number(1_234_567), count, "{}", lang.code());
            assert_eq!(lang.size(3482), size, "{}", lang.code());
            assert_eq!(lang.date_time(t, &TimeZone::UTC), utc, "{}", lang.code());
            assert_eq!(lang.date_time(t, &baghdad), local, "{}", lang.code());
        }
    }

    #[test]
    fn sizes_round_to_a_tenth_of_their_unit() {
        assert_eq!(Lang::En.size(0), "0 B");
        assert_eq!(Lang::En.size(1023), "1,023 B");
        assert_eq!(Lang::En.size(1024), "1.0 KiB");
        assert_eq!(Lang::En.size(1024 * 1024 - 1), "1,024.0 KiB");
        assert_eq!(Lang::En.size(5 * 1024 * 1024 * 1024 + 1), "5.0 GiB");
        assert_eq!(Lang::Ckb.size(17), "١٧ B");
        // The largest size there is: no overflow, no panic.
        assert_eq!(Lang::En.size(u64::MAX), "16,777,216.0 TiB");
    }

    #[test]
    fn relative_times_within_a_week() {
        let now = at("2026-12-05T12:00:00Z");
        let said = |lang: Lang, t: &str| lang.relative(at(t), now);
        assert_eq!(
            said(Lang::En, "2026-12-05T11:59:30Z").as_deref(),
            Some("just now")
        );
        assert_eq!(
            said(Lang::En, "2026-12-05T11:59:00Z").as_deref(),
            Some("1 minute ago")
        );
        assert_eq!(
            said(Lang::En, "2026-12-05T09:00:00Z").as_deref(),
            Some("3 hours ago")
        );
        assert_eq!(
            said(Lang::En, "2026-12-07T12:00:00Z").as_deref(),
            Some("in 2 days")
        );
        assert_eq!(
            said(Lang::En, "2026-11-28T12:00:01Z").as_deref(),
            Some("6 days ago")
        );
        assert_eq!(said(Lang::En, "2026-11-28T12:00:00Z"), None);
        assert_eq!(said(Lang::En, "2026-12-12T12:00:00Z"), None);
        assert_eq!(
            said(Lang::Fr, "2026-12-05T11:00:00Z").as_deref(),
            Some("il y a 1 heure")
        );
        assert_eq!(
            said(Lang::Fr, "2026-12-05T11:58:00Z").as_deref(),
            Some("il y a 2 minutes")
        );
        assert_eq!(
            said(Lang::Nl, "2026-12-05T09:00:00Z").as_deref(),
            Some("3 uur geleden")
        );
        assert_eq!(
            said(Lang::Nl, "2026-12-04T12:00:00Z").as_deref(),
            Some("1 dag geleden")
        );
        assert_eq!(
            said(Lang::Kmr, "2026-12-05T09:00:00Z").as_deref(),
            Some("berî 3 saetan")
        );
        assert_eq!(
            said(Lang::Kmr, "2026-12-05T13:00:00Z").as_deref(),
            Some("piştî 1 saetê")
        );
        assert_eq!(
            said(Lang::Ckb, "2026-12-05T09:00:00Z").as_deref(),
            Some("٣ کاتژمێر لەمەوبەر")
        );
        assert_eq!(
            said(Lang::Ckb, "2026-12-07T12:00:00Z").as_deref(),
            Some("دوای ٢ ڕۆژ")
        );
        assert_eq!(
            said(Lang::Ar, "2026-12-05T11:59:59Z").as_deref(),
            Some("الآن")
        );
        assert_eq!(
            said(Lang::Ar, "2026-12-05T10:00:00Z").as_deref(),
            Some("منذ ساعتين")
        );
        assert_eq!(
            said(Lang::Ar, "2026-12-08T12:00:00Z").as_deref(),
            Some("بعد 3 أيام")
        );
    }

    /// Arabic's six plural forms, each worded as Arabic counts: a number, one, two, three to
    /// ten, eleven to ninety-nine, a hundred.
    #[test]
    fn arabic_relative_times_take_six_plural_forms() {
        let forms = [
            (0, "منذ 0 ساعة"),
            (1, "منذ ساعة"),
            (2, "منذ ساعتين"),
            (3, "منذ 3 ساعات"),
            (11, "منذ 11 ساعة"),
            (100, "منذ 100 ساعة"),
        ];
        for (count, text) in forms {
            assert_eq!(Lang::Ar.n("time-ago-hours", count), text);
        }
        assert_eq!(Lang::Ar.n("time-in-days", 2), "بعد يومين");
        assert_eq!(Lang::Ar.n("time-ago-days", 11), "منذ 11 يومًا");
        assert_eq!(Lang::Ar.n("time-ago-minutes", 10), "منذ 10 دقائق");
    }

    #[test]
    fn zones_by_name_only() {
        assert!(zone_named("UTC").is_some());
        assert!(zone_named("Europe/Amsterdam").is_some());
        for bad in [
            "",
            "Nowhere/Atlantis",
            "../../etc/passwd",
            "EST5EDT,M3.2.0,M11.1.0",
            "/etc/localtime",
        ] {
            assert!(zone_named(bad).is_none(), "{bad}");
        }
        let names = zone_names();
        assert_eq!(names[0], "UTC");
        assert!(names.iter().any(|n| n == "Asia/Baghdad"));
    }
}
