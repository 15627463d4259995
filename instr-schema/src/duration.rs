//! Durations in Prometheus' notation (`5m`, `28d`, `1h30m`), as objectives' windows use.

use std::fmt;

/// A whole number of seconds, with the text it was written as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Duration {
    /// The length in seconds.
    pub seconds: u64,
    /// The text as written, which is also valid PromQL.
    pub text: String,
}

impl Duration {
    /// A duration of `seconds`, written in the largest whole Prometheus unit.
    pub fn from_seconds(seconds: u64) -> Self {
        const UNITS: [(u64, &str); 5] = [
            (604_800, "w"),
            (86_400, "d"),
            (3_600, "h"),
            (60, "m"),
            (1, "s"),
        ];
        let text = UNITS
            .iter()
            .find(|(size, _)| seconds >= *size && seconds.is_multiple_of(*size))
            .map_or_else(
                || "0s".to_owned(),
                |(size, unit)| format!("{}{unit}", seconds / size),
            );
        Self { seconds, text }
    }

    /// Parses `<number><unit>` groups with units `s`, `m`, `h`, `d`, `w`, `y` (365 days), in
    /// decreasing order, as Prometheus does. Milliseconds are refused: objectives' windows
    /// are never that short.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err("the duration is empty".to_owned());
        }
        let mut seconds: u64 = 0;
        let mut rest = text;
        let mut last_rank = usize::MAX;
        while !rest.is_empty() {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return Err(format!("expected a number at `{rest}`"));
            }
            let (number, after) = rest.split_at(digits);
            let unit_len = after.bytes().take_while(u8::is_ascii_alphabetic).count();
            let (unit, after) = after.split_at(unit_len);
            let (rank, size) = match unit {
                "y" => (0, 365 * 86_400),
                "w" => (1, 7 * 86_400),
                "d" => (2, 86_400),
                "h" => (3, 3_600),
                "m" => (4, 60),
                "s" => (5, 1),
                "" => {
                    return Err(format!(
                        "`{number}` has no unit; add one of s, m, h, d, w, y"
                    ));
                }
                other => {
                    return Err(format!(
                        "`{other}` is not a unit; use one of s, m, h, d, w, y"
                    ));
                }
            };
            if last_rank != usize::MAX && rank <= last_rank {
                return Err(
                    "units must go from largest to smallest, each once (`1h30m`)".to_owned(),
                );
            }
            last_rank = rank;
            let number: u64 = number
                .parse()
                .map_err(|_| format!("`{number}` is too large"))?;
            seconds = number
                .checked_mul(size)
                .and_then(|part| seconds.checked_add(part))
                .ok_or_else(|| "the duration is too long".to_owned())?;
            rest = after;
        }
        Ok(Self {
            seconds,
            text: text.to_owned(),
        })
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Windows are read as Prometheus reads them.
    #[test]
    fn parses_prometheus_durations() {
        assert_eq!(Duration::parse("28d").map(|d| d.seconds), Ok(28 * 86_400));
        assert_eq!(Duration::parse("1h30m").map(|d| d.seconds), Ok(5_400));
        assert_eq!(Duration::parse("1y").map(|d| d.seconds), Ok(365 * 86_400));
        assert!(Duration::parse("").is_err());
        assert!(Duration::parse("28").is_err());
        assert!(Duration::parse("28days").is_err());
        assert!(Duration::parse("30m1h").is_err());
        assert!(Duration::parse("d").is_err());
        assert!(Duration::parse("99999999999999999999d").is_err());
    }

    /// Rendering picks the largest unit that divides evenly.
    #[test]
    fn renders_in_largest_unit() {
        assert_eq!(Duration::from_seconds(3_600).text, "1h");
        assert_eq!(Duration::from_seconds(5_400).text, "90m");
        assert_eq!(Duration::from_seconds(14 * 86_400).text, "2w");
        assert_eq!(Duration::from_seconds(0).text, "0s");
    }
}
