//! Calendar days as day numbers, and date arithmetic.
//!
//! One rule for month and year arithmetic: adding months or years keeps the
//! day of the month, and when the resulting month is shorter the result is
//! its last day (2024-01-31 + 1 month = 2024-02-29; 2012-02-29 + 1 year =
//! 2013-02-28). Term boundaries are always computed from their anchor
//! (start + k terms), never by repeated addition, so a clamped day does not
//! drift.

use jiff::civil::Date;
use jiff::Span;

use serde::{Deserialize, Serialize};

/// Days since 1970-01-01 (negative before).
pub type Day = i32;

/// A unit of a duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Days,
    Months,
    Years,
}

/// A length of time: a number of days, months or years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Duration {
    pub amount: i64,
    pub unit: Unit,
}

const EPOCH: Date = Date::constant(1970, 1, 1);

/// The day number of a calendar date, if it exists and is on Charter's
/// calendar (years 1 to 9999).
pub fn from_ymd(year: i16, month: i8, day: i8) -> Option<Day> {
    if year < 1 {
        return None;
    }
    Date::new(year, month, day).ok().map(from_date)
}

/// The day number of a date: days since 1970-01-01, by the proleptic
/// Gregorian calendar's arithmetic (counted from 0000-03-01, so a leap day
/// ends its year), without a calendar library's duration machinery: this
/// runs for every date read.
pub fn from_date(date: Date) -> Day {
    let (month, day) = (i32::from(date.month()), i32::from(date.day()));
    let year = i32::from(date.year()) - i32::from(month <= 2);
    let era = year.div_euclid(400);
    let of_era = year - era * 400;
    let of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let of_era_days = of_era * 365 + of_era / 4 - of_era / 100 + of_year;
    era * 146_097 + of_era_days - 719_468
}

pub fn to_date(day: Day) -> Option<Date> {
    EPOCH.checked_add(Span::new().try_days(i64::from(day)).ok()?).ok()
}

/// `YYYY-MM-DD`.
pub fn format(day: Day) -> String {
    match to_date(day) {
        Some(d) => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        None => format!("day {day}"),
    }
}

/// Parses `YYYY-MM-DD` strictly: four digits of a year on the calendar
/// (0001 to 9999; no sign), two of a month, two of a day.
pub fn parse(text: &str) -> Option<Day> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| bytes.get(range).is_some_and(|b| b.iter().all(u8::is_ascii_digit));
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return None;
    }
    let year = text.get(0..4)?.parse().ok()?;
    let month = text.get(5..7)?.parse().ok()?;
    let day = text.get(8..10)?.parse().ok()?;
    from_ymd(year, month, day)
}

/// The first day of the calendar Charter works in, 0001-01-01: date
/// arithmetic that would go before it is an error, as past [`LAST`] is.
pub const FIRST: Day = -719_162;

/// The last day of the calendar Charter works in, 9999-12-31: the end of an
/// open-ended term whose next boundary would fall off the calendar.
pub const LAST: Day = 2_932_896;

/// `day + times * duration`, or `None` off the calendar: a day off it is
/// no value, so arithmetic from one is refused too, as native code does
/// (fuzz/README.md, F6), even where the result would land on it.
pub fn add(day: Day, duration: Duration, times: i64) -> Option<Day> {
    if !(FIRST..=LAST).contains(&day) {
        return None;
    }
    let amount = duration.amount.checked_mul(times)?;
    let span = match duration.unit {
        Unit::Days => Span::new().try_days(amount).ok()?,
        Unit::Months => Span::new().try_months(amount).ok()?,
        Unit::Years => Span::new().try_years(amount).ok()?,
    };
    to_date(day)?
        .checked_add(span)
        .ok()
        .map(from_date)
        .filter(|d| (FIRST..=LAST).contains(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The arithmetic of `from_date` is the calendar library's on every
    /// day of the calendar.
    #[test]
    fn every_day_of_the_calendar_numbers_as_the_library_counts() {
        for day in FIRST..=LAST {
            let date = EPOCH.checked_add(Span::new().days(i64::from(day))).unwrap_or(EPOCH);
            assert_eq!(from_date(date), day, "{date}");
            let seconds = date.duration_since(EPOCH).as_secs();
            assert_eq!(i64::from(day), seconds.div_euclid(86_400), "{date}");
        }
    }

    #[test]
    fn round_trips_and_clamps() {
        let d = parse("2013-08-31").unwrap_or_default();
        assert_eq!(format(d), "2013-08-31");
        assert_eq!(parse("1970-01-01"), Some(0));
        assert_eq!(parse("1969-12-31"), Some(-1));
        assert_eq!(parse("2013-02-30"), None);
        let jan31 = parse("2024-01-31").unwrap_or_default();
        let month = Duration {
            amount: 1,
            unit: Unit::Months,
        };
        assert_eq!(add(jan31, month, 1).map(format), Some("2024-02-29".to_string()));
        let two_years = Duration {
            amount: 2,
            unit: Unit::Years,
        };
        assert_eq!(add(d, two_years, 1).map(format), Some("2015-08-31".to_string()));
        assert_eq!(format(LAST), "9999-12-31");
        assert_eq!(parse("0001-01-01"), Some(FIRST));
        // No year off the calendar, and no sign (issue 29).
        for text in ["0000-12-31", "-001-01-01", "+201-01-01", "2013-+1-01", "2013-01-+1"] {
            assert_eq!(parse(text), None, "{text}");
        }
        let day = Duration {
            amount: 1,
            unit: Unit::Days,
        };
        assert_eq!(add(FIRST, day, -1), None, "before the calendar's first day");
        assert_eq!(add(LAST, day, 1), None, "after its last");
        // F6: from a day off the calendar, nothing, even back onto it.
        let fourteen_months = Duration {
            amount: 14,
            unit: Unit::Months,
        };
        assert_eq!(add(FIRST - 77, fourteen_months, 1), None, "from before the calendar");
        assert_eq!(add(LAST + 1, day, -1), None, "from after it");
    }
}

/// A day as a report row holds it: compared and computed with as a day,
/// printed and serialized as `YYYY-MM-DD`, so no reader parses a date
/// back out of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoDay(pub Day);

impl std::fmt::Display for IsoDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format(self.0))
    }
}

impl serde::Serialize for IsoDay {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format(self.0))
    }
}
