//! Freshness over time: how many documents were stale, due and fresh at the end of each
//! month, per owner and per content type. It reads only what the one history walk found
//! (each document's meaningful changes back to the series' first day, see
//! [`crate::repo::Reach::Since`]) and what the document says today: its review date counts
//! from the day it names, its threshold, owner and content type are today's. Documents
//! deleted since are not in it; a document counts from the month it was created.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::ToSpan;
use serde::Serialize;

use super::{dates, judge, Entry, Status};

/// How many months a series covers unless told otherwise.
pub const DEFAULT_MONTHS: u32 = 24;

/// The days a series of `months` points is taken on, oldest first: the last day of each of
/// the `months - 1` months before `as_of`'s month, then `as_of` itself (so the last point is
/// the report's own count).
pub fn days(as_of: Date, months: u32) -> Vec<Date> {
    let mut days: Vec<Date> = (1..months)
        .rev()
        .filter_map(|back| {
            let first = as_of
                .first_of_month()
                .checked_sub(i64::from(back - 1).months());
            first.ok()?.checked_sub(1.day()).ok()
        })
        .collect();
    if months > 0 {
        days.push(as_of);
    }
    days
}

/// How many documents were in each status on one day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub stale: usize,
    pub due: usize,
    pub fresh: usize,
}

impl Tally {
    fn add(&mut self, status: Status) {
        match status {
            Status::Stale => self.stale += 1,
            Status::Due => self.due += 1,
            Status::Fresh => self.fresh += 1,
            Status::Exempt => {}
        }
    }

    pub fn total(&self) -> usize {
        self.stale + self.due + self.fresh
    }
}

/// The series: one tally per day, for all documents and per group.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Trend {
    /// The days, oldest first: month ends, then the report's day. Months before the first
    /// document existed are left out.
    #[serde(serialize_with = "iso_days")]
    pub days: Vec<Date>,
    pub total: Vec<Tally>,
    pub by_owner: BTreeMap<String, Vec<Tally>>,
    pub by_content_type: BTreeMap<String, Vec<Tally>>,
}

fn iso_days<S: serde::Serializer>(days: &[Date], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(days.iter().map(|d| d.to_string()))
}

impl Trend {
    /// The series of `entries` on `days` (from [`days`]; the last is the report's day).
    pub fn new<'e>(entries: impl IntoIterator<Item = &'e Entry>, days: &[Date]) -> Trend {
        let n = days.len();
        let mut trend = Trend {
            days: days.to_vec(),
            total: vec![Tally::default(); n],
            ..Trend::default()
        };
        for e in entries {
            let owners = e.owner_names();
            let content = e.content_type.as_deref().unwrap_or(super::report::NONE);
            for (i, &day) in days.iter().enumerate() {
                let Some(status) = status_on(e, day, i + 1 == n) else {
                    continue;
                };
                trend.total[i].add(status);
                for owner in &owners {
                    let series = trend.by_owner.entry((*owner).to_owned());
                    series.or_insert_with(|| vec![Tally::default(); n])[i].add(status);
                }
                let series = trend.by_content_type.entry(content.to_owned());
                series.or_insert_with(|| vec![Tally::default(); n])[i].add(status);
            }
        }
        // "Since the first commit": the months before any document existed say nothing.
        let empty = trend.total.iter().take_while(|t| t.total() == 0).count();
        let empty = empty.min(n.saturating_sub(1));
        if empty > 0 {
            trend.days.drain(..empty);
            trend.total.drain(..empty);
            for series in trend
                .by_owner
                .values_mut()
                .chain(trend.by_content_type.values_mut())
            {
                series.drain(..empty);
            }
        }
        trend
    }
}

impl Trend {
    /// The most documents counted on any day (at least 1): the top of a chart's scale.
    pub fn most(&self) -> usize {
        self.total
            .iter()
            .map(Tally::total)
            .max()
            .unwrap_or(0)
            .max(1)
    }

    /// Day `i`'s label on a chart: a month's end by its month (`2024-05`), the report's own
    /// day (the last) in full.
    pub fn label(&self, i: usize) -> String {
        let day = self.days[i].to_string();
        if i + 1 == self.days.len() {
            day
        } else {
            day[..7].to_owned()
        }
    }
}

/// `e`'s status at the end of `day`; `None` when it did not exist then, is exempt, or its
/// past is unknown (changes not yet committed). On the report's own day (`last`), the
/// status the report gives.
pub fn status_on(e: &Entry, day: Date, last: bool) -> Option<Status> {
    if e.status == Status::Exempt {
        return None;
    }
    if last {
        return Some(e.status);
    }
    let change = e.last_change.as_ref()?;
    let changed = std::iter::once(change.time)
        .chain(change.earlier.iter().copied())
        .filter_map(dates::from_seconds)
        .find(|&date| date <= day)?;
    let fresh_since = match e.reviewed {
        Some(r) if r <= day => r.max(changed),
        _ => changed,
    };
    let age = dates::days_between(fresh_since, day).max(0);
    Some(judge(age, e.threshold_days, e.due_within_days))
}

/// The committer time (seconds) a walk must see past for a series on `days`: the end of the
/// first day. A document's change at or before it is the one that counts on every day.
pub fn walk_since(days: &[Date]) -> Option<i64> {
    let first = days.first()?;
    let next = first.checked_add(1.day()).ok()?;
    let midnight = jiff::tz::TimeZone::UTC
        .to_timestamp(next.to_datetime(jiff::civil::Time::midnight()))
        .ok()?
        .as_second();
    Some(midnight - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn month_ends_then_the_day_itself() {
        assert_eq!(
            days(date(2024, 3, 15), 4),
            vec![
                date(2023, 12, 31),
                date(2024, 1, 31),
                date(2024, 2, 29),
                date(2024, 3, 15)
            ]
        );
        assert_eq!(days(date(2024, 3, 15), 1), vec![date(2024, 3, 15)]);
        assert!(days(date(2024, 3, 15), 0).is_empty());
        assert_eq!(
            walk_since(&[date(2023, 12, 31)]),
            Some(1_704_067_200 - 1) // 2024-01-01T00:00:00Z, less a second
        );
    }
}
