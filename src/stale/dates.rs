//! Calendar dates for staleness: parsing what authors write, and day arithmetic. All dates
//! are UTC calendar days.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// `2024-01-05`, a timestamp starting with one (`2024-01-05T10:00:00Z`, a YAML or TOML
/// datetime), or `MM/DD/YYYY` as Microsoft Learn's `ms.date` writes it.
pub fn parse(text: &str) -> Option<Date> {
    let text = text.trim();
    if let Ok(d) = text.parse::<Date>() {
        return Some(d);
    }
    if text.len() > 10
        && text.is_char_boundary(10)
        && matches!(text.as_bytes()[10], b'T' | b't' | b' ')
    {
        if let Ok(d) = text[..10].parse::<Date>() {
            return Some(d);
        }
    }
    Date::strptime("%m/%d/%Y", text).ok()
}

/// The UTC day of a commit time.
pub fn from_seconds(seconds: i64) -> Option<Date> {
    Timestamp::from_second(seconds)
        .ok()
        .map(|t| TimeZone::UTC.to_datetime(t).date())
}

pub fn today() -> Date {
    TimeZone::UTC.to_datetime(Timestamp::now()).date()
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    to.since(from).map_or(0, |span| i64::from(span.get_days()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_authors_write() {
        let d = jiff::civil::date(2024, 1, 5);
        assert_eq!(parse("2024-01-05"), Some(d));
        assert_eq!(parse("2024-01-05T10:00:00Z"), Some(d));
        assert_eq!(parse("01/05/2024"), Some(d));
        assert_eq!(parse("1/5/2024"), Some(d));
        assert_eq!(parse("last spring"), None);
        assert_eq!(days_between(d, jiff::civil::date(2024, 3, 5)), 60);
        assert_eq!(
            from_seconds(1_700_000_000),
            Some(jiff::civil::date(2023, 11, 14))
        );
    }
}
