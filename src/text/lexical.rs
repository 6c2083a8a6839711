//! The one set of lexeme parsers of the contract's built-in types (`xs:int`, `xs:short`,
//! `xs:boolean`, `xs:dateTime`, `xs:list` items, XSD whitespace) and the one calendar
//! (leap years, days in a month, days to and from 1970-01-01).
//!
//! The decoder, the model's [`XsdDateTime`](crate::model::XsdDateTime) and `diff` all read
//! values through these functions, so they agree on which lexemes are valid.
//!
//! The parsers take the lexeme as written; each applies the XSD `whiteSpace="collapse"` facet
//! of its type first (leading and trailing XML whitespace is not part of the value), except
//! the crate's dateTime parser, which takes the bare lexeme (callers trim with [`trim`]);
//! outside the crate, read a dateTime through [`XsdDateTime`](crate::model::XsdDateTime).

use std::borrow::Cow;

/// XML whitespace (`#x20 | #x9 | #xD | #xA`).
pub(crate) const XML_WS: [char; 4] = [' ', '\t', '\n', '\r'];

/// Whether every character is XML whitespace (true for `""`).
pub(crate) fn is_ws(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// `s` without leading and trailing XML whitespace.
pub fn trim(s: &str) -> &str {
    s.trim_matches(XML_WS)
}

/// The XSD `collapse` facet: every run of XML whitespace becomes one space, and leading and
/// trailing whitespace is dropped. Borrows when nothing changes.
pub fn collapse(s: &str) -> Cow<'_, str> {
    let t = trim(s);
    let clean = !t.contains(['\t', '\n', '\r']) && !t.contains("  ");
    if clean {
        return Cow::Borrowed(t);
    }
    let mut out = String::with_capacity(t.len());
    for (i, item) in list_items(t).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(item);
    }
    Cow::Owned(out)
}

/// The items of an `xs:list` value: separated by any XML whitespace.
pub(crate) fn list_items(s: &str) -> impl Iterator<Item = &str> {
    s.split(XML_WS).filter(|t| !t.is_empty())
}

/// An `xs:integer` lexeme as `i64`: optional sign, then ASCII digits (leading zeros
/// allowed), whitespace collapsed. `None` when it is not one, or too large for `i64`.
pub(crate) fn integer(s: &str) -> Option<i64> {
    let v = trim(s);
    let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // The sign and digits are checked: `i64`'s parser only has the range left to judge.
    v.strip_prefix('+').unwrap_or(v).parse().ok()
}

/// Digits of `radix` alone (at least one; no sign, no blank) as a number: a character
/// reference's code, a percent escape, a chunk size. `from_str_radix` by itself would also
/// take a leading `+`.
pub fn unsigned(digits: &str, radix: u32) -> Option<u64> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// An `xs:int` (32-bit signed) lexeme.
pub fn int(s: &str) -> Option<i32> {
    integer(s).and_then(|n| i32::try_from(n).ok())
}

/// An `xs:short` (16-bit signed) lexeme.
pub fn short(s: &str) -> Option<i16> {
    integer(s).and_then(|n| i16::try_from(n).ok())
}

/// An `xs:boolean` lexeme: `true`, `false`, `1`, `0`.
pub fn boolean(s: &str) -> Option<bool> {
    match trim(s) {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

// --- the calendar (proleptic Gregorian) ---

/// Whether `year` is a leap year.
pub(crate) fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The days of a month (0 for a month outside 1..=12).
pub fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to the given date (era arithmetic: 400-year cycles of 146097 days,
/// years counted from March so the leap day ends the year). Exact for every year whose
/// day count fits in an `i64`, which the accepted dateTime years (0001..=9999) all do.
pub fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let (m, d) = (i64::from(month), i64::from(day));
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01: (year, month, day). The inverse of
/// [`days_from_civil`].
pub fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // doy < 366 and mp < 12: both fit a u8.
    let d = u8::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u8::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

// --- xs:dateTime ---

/// The time zone part of an `xs:dateTime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Zone {
    /// No zone written (a "local" or "unspecified" time in .NET terms).
    None,
    /// `Z`.
    Utc,
    /// `+hh:mm` / `-hh:mm`, in minutes east of UTC, within -14:00..=+14:00.
    /// `-00:00` is read as `Offset(0)`.
    Offset(i16),
}

/// The fields of an accepted `xs:dateTime` lexeme; `fraction` holds the fractional-second
/// digits as written (empty when none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DateTimeFields<'a> {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub fraction: &'a str,
    pub zone: Zone,
}

impl DateTimeFields<'_> {
    /// Whether the fields make an accepted value: years 0001..=9999 (the range of .NET's
    /// `DateTime`), a real calendar day, hours 00..=23 (XSD 1.0's `24:00:00` is refused, as
    /// .NET refuses it), minutes and seconds 00..=59, digits only in the fraction, offsets
    /// up to ±14:00.
    pub fn check(&self) -> Result<(), &'static str> {
        if !(1..=9999).contains(&self.year) {
            return Err("year must be 0001..9999");
        }
        if !(1..=12).contains(&self.month) {
            return Err("month must be 01..12");
        }
        if self.day < 1 || self.day > days_in_month(i64::from(self.year), self.month) {
            return Err("no such day in that month");
        }
        if self.hour > 23 {
            return Err("hour must be 00..23");
        }
        if self.minute > 59 {
            return Err("minute must be 00..59");
        }
        if self.second > 59 {
            return Err("second must be 00..59");
        }
        if !self.fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err("fractional seconds must be digits");
        }
        if let Zone::Offset(m) = self.zone {
            if !(-14 * 60..=14 * 60).contains(&m) {
                return Err("zone offset beyond 14:00");
            }
        }
        Ok(())
    }

    /// Seconds since 1970-01-01T00:00:00Z, a value without zone taken as UTC. Cannot
    /// overflow: years are at most four digits.
    pub fn epoch_seconds(&self) -> i64 {
        let days = days_from_civil(i64::from(self.year), self.month, self.day);
        let offset = match self.zone {
            Zone::Offset(m) => i64::from(m) * 60,
            _ => 0,
        };
        days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - offset
    }
}

fn digits(s: &[u8], at: usize, n: usize) -> Option<u32> {
    let part = s.get(at..at + n)?;
    let mut v = 0u32;
    for b in part {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(b - b'0');
    }
    Some(v)
}

fn two(s: &[u8], at: usize) -> Result<u8, &'static str> {
    digits(s, at, 2)
        .and_then(|v| u8::try_from(v).ok())
        .ok_or(DATE_TIME_SHAPE)
}

const DATE_TIME_SHAPE: &str = "expected YYYY-MM-DDThh:mm:ss[.f+][Z|(+|-)hh:mm]";

/// A negative year or one of more than four digits: valid XSD 1.0, beyond .NET's `DateTime`.
const YEAR_RANGE: &str =
    "the year is outside 0001..9999: XSD allows it, but .NET's DateTime (the service's) cannot hold it";

/// An `xs:dateTime` lexeme (without surrounding whitespace):
/// `YYYY-MM-DDThh:mm:ss[.f+][Z|(+|-)hh:mm]` with exactly four year digits, checked by
/// [`DateTimeFields::check`]. Longer and negative years, which XSD allows but .NET's
/// `DateTime` cannot hold, are refused.
pub(crate) fn date_time(s: &str) -> Result<DateTimeFields<'_>, &'static str> {
    let b = s.as_bytes();
    let long_year = b.len() > 4 && b[..5].iter().all(u8::is_ascii_digit);
    if (b.first() == Some(&b'-') || long_year) && b.contains(&b'T') {
        return Err(YEAR_RANGE);
    }
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(DATE_TIME_SHAPE);
    }
    let year = digits(b, 0, 4)
        .and_then(|y| u16::try_from(y).ok())
        .ok_or(DATE_TIME_SHAPE)?;
    let mut i = 19;
    let mut fraction = "";
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        let mut end = start;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end == start {
            return Err("a '.' must be followed by at least one digit");
        }
        fraction = &s[start..end];
        i = end;
    }
    let zone = match &b[i..] {
        [] => Zone::None,
        [b'Z'] => Zone::Utc,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let h = digits(b, i + 1, 2).ok_or(DATE_TIME_SHAPE)?;
            let m = digits(b, i + 4, 2).ok_or(DATE_TIME_SHAPE)?;
            if m > 59 {
                return Err("zone minutes must be 00..59");
            }
            let total = i16::try_from(h * 60 + m).map_err(|_| "zone offset beyond 14:00")?;
            Zone::Offset(if *sign == b'-' { -total } else { total })
        }
        _ => return Err(DATE_TIME_SHAPE),
    };
    let v = DateTimeFields {
        year,
        month: two(b, 5)?,
        day: two(b, 8)?,
        hour: two(b, 11)?,
        minute: two(b, 14)?,
        second: two(b, 17)?,
        fraction,
        zone,
    };
    v.check()?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        assert_eq!(int(" +007\n"), Some(7));
        assert_eq!(int("-2147483648"), Some(i32::MIN));
        assert_eq!(int("2147483648"), None);
        assert_eq!(short("32767"), Some(i16::MAX));
        assert_eq!(short("-32769"), None);
        for bad in [
            "", " ", "+", "-", "1 2", "--1", "+-1", "1e3", "0x10", "1.0", "٣",
        ] {
            assert_eq!(integer(bad), None, "{bad:?}");
        }
        assert_eq!(integer("000000000000000000000000000001"), Some(1));
        assert_eq!(integer("99999999999999999999999"), None);
    }

    #[test]
    fn booleans_and_whitespace() {
        assert_eq!(boolean(" 1 "), Some(true));
        assert_eq!(boolean("False"), None);
        assert_eq!(collapse("\t a \r\n b  c "), "a b c");
        assert!(matches!(collapse("a b"), Cow::Borrowed("a b")));
        assert_eq!(
            list_items("Read\tWrite\n").collect::<Vec<_>>(),
            ["Read", "Write"]
        );
    }

    #[test]
    fn the_calendar_round_trips() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(1, 1, 1), -719_162);
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        // Every day from 0001-01-01 to 9999-12-31, one by one against a running date.
        let (mut y, mut m, mut d) = (1i64, 1u8, 1u8);
        for days in days_from_civil(1, 1, 1)..=days_from_civil(9999, 12, 31) {
            assert_eq!(civil_from_days(days), (y, m, d));
            assert_eq!(days_from_civil(y, m, d), days);
            d += 1;
            if d > days_in_month(y, m) {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }

    #[test]
    fn date_times() {
        let v = date_time("2003-04-03T16:48:30.4750298+02:00").expect("valid");
        assert_eq!(
            (v.year, v.fraction, v.zone),
            (2003, "4750298", Zone::Offset(120))
        );
        assert_eq!(
            date_time("2021-03-25T21:35:56Z").map(|v| v.epoch_seconds()),
            Ok(1_616_708_156)
        );
        for bad in [
            "123456789012-01-01T00:00:00",
            "-2021-01-01T00:00:00",
            "2021-02-29T00:00:00",
            "2020-12-31T24:00:00",
            "2021-01-01T00:00:00+14:01",
            "0000-01-01T00:00:00",
            " 2021-01-01T00:00:00",
        ] {
            assert!(date_time(bad).is_err(), "{bad}");
        }
    }
}
