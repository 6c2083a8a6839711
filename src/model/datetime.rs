//! `xs:dateTime` as the wire wrote it.

use crate::text::lexical::{self, DateTimeFields};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

pub use crate::text::lexical::Zone;

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
    /// The year, 1..=9999.
    pub year: u16,
    /// The month, 1..=12.
    pub month: u8,
    /// The day of the month, 1..=31 (a real date for the month and year).
    pub day: u8,
    /// The hour, 0..=23.
    pub hour: u8,
    /// The minute, 0..=59.
    pub minute: u8,
    /// The whole second, 0..=59; the fraction is [`XsdDateTime::fraction`].
    pub second: u8,
    /// The fractional-second digits after the `.`, exactly as written; empty when there was
    /// no fraction. Only ASCII digits.
    fraction: String,
    /// The zone as written: none, `Z`, or an offset.
    pub zone: Zone,
}

/// Why a string is not an accepted `xs:dateTime`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid xs:dateTime: {reason}")]
pub struct DateTimeError {
    /// The string that was rejected, as given.
    pub value: String,
    /// What is wrong with it, in words (such as `"month must be 01..12"`).
    pub reason: &'static str,
}

/// An instant on the UTC time line: whole seconds since 1970-01-01T00:00:00Z and the
/// nanoseconds within that second (fraction digits beyond the ninth are cut off; use
/// [`XsdDateTime::same_instant`] for an exact comparison).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Instant {
    /// Whole seconds since 1970-01-01T00:00:00Z (negative before).
    pub seconds: i64,
    /// Nanoseconds within the second, 0..1_000_000_000.
    pub nanos: u32,
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

    fn fields(&self) -> DateTimeFields<'_> {
        DateTimeFields {
            year: self.year,
            month: self.month,
            day: self.day,
            hour: self.hour,
            minute: self.minute,
            second: self.second,
            fraction: &self.fraction,
            zone: self.zone,
        }
    }

    fn check(&self) -> Result<(), &'static str> {
        self.fields().check()
    }

    /// The fractional-second digits as written (empty when none).
    pub fn fraction(&self) -> &str {
        &self.fraction
    }

    /// The instant, treating a value without zone as UTC.
    pub fn instant(&self) -> Instant {
        let seconds = self.fields().epoch_seconds();
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

/// The one `xs:dateTime` lexeme parser ([`lexical::date_time`]), kept as the model's value.
fn lexeme(s: &str) -> Result<XsdDateTime, &'static str> {
    let f = lexical::date_time(s)?;
    Ok(XsdDateTime {
        year: f.year,
        month: f.month,
        day: f.day,
        hour: f.hour,
        minute: f.minute,
        second: f.second,
        fraction: f.fraction.to_string(),
        zone: f.zone,
    })
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
