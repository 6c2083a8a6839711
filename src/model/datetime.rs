//! `xs:dateTime` as the wire wrote it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The time zone part of an `xs:dateTime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Zone {
    /// No zone written (a "local" or "unspecified" time in .NET terms).
    None,
    /// `Z`.
    Utc,
    /// `+hh:mm` / `-hh:mm`, in minutes east of UTC, within -14:00..=+14:00.
    /// `-00:00` is read as `Offset(0)` and written back as `+00:00`.
    Offset(i16),
}

/// An `xs:dateTime` value that keeps exactly what the wire said: the fields, the
/// fractional-second digits as written (any count, trailing zeros kept) and the zone.
///
/// Accepted: years `0001`..=`9999` written with exactly four digits (the range of .NET's
/// `DateTime`; XSD itself also allows longer and negative years, which are rejected here),
/// real calendar dates (Gregorian leap rule), hours 00..=23 (XSD 1.0's `24:00:00` is
/// rejected), minutes and seconds 00..=59, offsets up to ±14:00. Any number of
/// fractional digits is accepted and kept, as the XSD accepts any; WCF itself writes at
/// most 7. Leading/trailing XML whitespace is the decoder's business (it collapses it);
/// `FromStr` takes the bare lexeme.
///
/// `Display` writes the value back exactly as it was parsed (the only exception being
/// `-00:00`, written `+00:00`). Equality is lexical (`...T10:00:00Z` and
/// `...T12:00:00+02:00` differ); use [`XsdDateTime::same_instant`] to compare instants.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct XsdDateTime {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    /// The fractional-second digits after the `.`, exactly as written; empty when there was
    /// no fraction. Only ASCII digits.
    fraction: String,
    pub zone: Zone,
}

/// Why a string is not an accepted `xs:dateTime`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid xs:dateTime: {reason}")]
pub struct DateTimeError {
    pub value: String,
    pub reason: &'static str,
}

/// An instant on the UTC time line: whole seconds since 1970-01-01T00:00:00Z and the
/// nanoseconds within that second (fraction digits beyond the ninth are cut off; use
/// [`XsdDateTime::same_instant`] for an exact comparison).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Instant {
    pub seconds: i64,
    pub nanos: u32,
}

fn is_leap(y: u16) -> bool {
    (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400)
}

fn days_in_month(y: u16, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date.
fn days_since_epoch(y: u16, m: u8, d: u8) -> i64 {
    // Count from 0001-01-01 (day 0) by whole years, then months.
    let y0 = i64::from(y) - 1;
    let mut days = y0 * 365 + y0 / 4 - y0 / 100 + y0 / 400;
    for mm in 1..m {
        days += i64::from(days_in_month(y, mm));
    }
    days += i64::from(d) - 1;
    // 0001-01-01 .. 1970-01-01 is 719162 days.
    days - 719_162
}

impl XsdDateTime {
    /// A value from its parts; `None` when a part is out of range or the date impossible,
    /// or `fraction` holds anything but ASCII digits.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        fraction: &str,
        zone: Zone,
    ) -> Option<Self> {
        let v = XsdDateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
            fraction: fraction.to_string(),
            zone,
        };
        v.check().ok().map(|_| v)
    }

    fn check(&self) -> Result<(), &'static str> {
        if !(1..=9999).contains(&self.year) {
            return Err("year must be 0001..9999");
        }
        if !(1..=12).contains(&self.month) {
            return Err("month must be 01..12");
        }
        if self.day < 1 || self.day > days_in_month(self.year, self.month) {
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

    /// The fractional-second digits as written (empty when none).
    pub fn fraction(&self) -> &str {
        &self.fraction
    }

    /// The instant, treating a value without zone as UTC.
    pub fn instant(&self) -> Instant {
        let days = days_since_epoch(self.year, self.month, self.day);
        let offset = match self.zone {
            Zone::Offset(m) => i64::from(m) * 60,
            _ => 0,
        };
        let seconds = days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - offset;
        let mut nanos: u32 = 0;
        for i in 0..9 {
            let digit = self
                .fraction
                .as_bytes()
                .get(i)
                .map_or(0, |b| u32::from(b - b'0'));
            nanos = nanos * 10 + digit;
        }
        Instant { seconds, nanos }
    }

    /// Whether both denote the same instant (no-zone values taken as UTC), comparing every
    /// fractional digit.
    pub fn same_instant(&self, other: &XsdDateTime) -> bool {
        let (a, b) = (self.instant(), other.instant());
        a.seconds == b.seconds
            && self.fraction.trim_end_matches('0') == other.fraction.trim_end_matches('0')
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

fn lexeme(s: &str) -> Result<XsdDateTime, &'static str> {
    const SHAPE: &str = "expected YYYY-MM-DDThh:mm:ss[.f+][Z|(+|-)hh:mm]";
    let b = s.as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(SHAPE);
    }
    let num = |at, n| digits(b, at, n).ok_or(SHAPE);
    let year = u16::try_from(num(0, 4)?).map_err(|_| SHAPE)?;
    let mut i = 19;
    let mut fraction = String::new();
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        let mut end = start;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        if end == start {
            return Err("a '.' must be followed by at least one digit");
        }
        fraction.push_str(&s[start..end]);
        i = end;
    }
    let zone = match &b[i..] {
        [] => Zone::None,
        [b'Z'] => Zone::Utc,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let h = num(i + 1, 2)?;
            let m = num(i + 4, 2)?;
            if m > 59 {
                return Err("zone minutes must be 00..59");
            }
            let total = i16::try_from(h * 60 + m).map_err(|_| "zone offset beyond 14:00")?;
            Zone::Offset(if *sign == b'-' { -total } else { total })
        }
        _ => return Err(SHAPE),
    };
    let v = XsdDateTime {
        year,
        month: num(5, 2)? as u8,
        day: num(8, 2)? as u8,
        hour: num(11, 2)? as u8,
        minute: num(14, 2)? as u8,
        second: num(17, 2)? as u8,
        fraction,
        zone,
    };
    v.check()?;
    Ok(v)
}

impl FromStr for XsdDateTime {
    type Err = DateTimeError;

    fn from_str(s: &str) -> Result<Self, DateTimeError> {
        lexeme(s).map_err(|reason| DateTimeError {
            value: s.to_string(),
            reason,
        })
    }
}

impl fmt::Display for XsdDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )?;
        if !self.fraction.is_empty() {
            write!(f, ".{}", self.fraction)?;
        }
        match self.zone {
            Zone::None => Ok(()),
            Zone::Utc => f.write_str("Z"),
            Zone::Offset(m) => {
                let sign = if m < 0 { '-' } else { '+' };
                let a = m.unsigned_abs();
                write!(f, "{sign}{:02}:{:02}", a / 60, a % 60)
            }
        }
    }
}

impl Serialize for XsdDateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for XsdDateTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_exactly() {
        for s in [
            "2003-04-03T16:48:30.4750298+02:00",
            "2021-03-25T21:35:56Z",
            "2021-03-25T21:35:56",
            "2021-03-25T21:35:56.10-14:00",
            "0001-01-01T00:00:00.000000000000+14:00",
            "2000-02-29T23:59:59.9999999Z",
        ] {
            let v: XsdDateTime = s.parse().unwrap();
            assert_eq!(v.to_string(), s);
        }
    }

    #[test]
    fn rejects_impossible_values() {
        for s in [
            "2021-02-30T00:00:00Z",
            "2021-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2021-13-01T00:00:00Z",
            "2021-00-01T00:00:00Z",
            "2021-01-01T24:00:00Z",
            "2021-01-01T23:60:00Z",
            "2021-01-01T23:59:60Z",
            "2021-01-01T00:00:00+14:01",
            "2021-01-01T00:00:00-15:00",
            "2021-01-01T00:00:00+02:60",
            "0000-01-01T00:00:00Z",
            "12021-01-01T00:00:00Z",
            "2021-01-01T00:00:00.Z",
            "2021-01-01T00:00:00+0200",
            "2021-01-01 00:00:00Z",
            "2021-1-01T00:00:00Z",
            "2021-01-01T00:00:00Zjunk",
            "",
            "２０２1-01-01T00:00:00Z",
        ] {
            assert!(s.parse::<XsdDateTime>().is_err(), "{s} accepted");
        }
        assert!("2000-02-29T00:00:00Z".parse::<XsdDateTime>().is_ok());
    }

    #[test]
    fn instants() {
        let a: XsdDateTime = "1970-01-01T02:00:00.5+02:00".parse().unwrap();
        assert_eq!(
            a.instant(),
            Instant {
                seconds: 0,
                nanos: 500_000_000
            }
        );
        let b: XsdDateTime = "1970-01-01T00:00:00.50Z".parse().unwrap();
        assert!(a.same_instant(&b));
        assert_ne!(a, b);
        let c: XsdDateTime = "2021-03-25T21:35:56Z".parse().unwrap();
        assert_eq!(c.instant().seconds, 1_616_708_156);
        let d: XsdDateTime = "0001-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(d.instant().seconds, -62_135_596_800);
        let e: XsdDateTime = "1970-01-01T00:00:00.0000000001Z".parse().unwrap();
        assert!(!e.same_instant(&"1970-01-01T00:00:00Z".parse().unwrap()));
    }
}
