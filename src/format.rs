//! Dates, amounts and numbers as readers expect them: « 15 mars 2022 », « 643 000 $ ».
//! Follows the conventions of `Intl.NumberFormat('fr-CA')`: no-break spaces between groups
//! of thousands and before the currency sign.

use chrono::{Datelike, NaiveDate};

const NBSP: char = '\u{00A0}';

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// « 15 mars 2022 », « 1er mai 2023 », "March 15, 2022".
pub fn long_date(date: NaiveDate, lang: &str) -> String {
    let month = date.month0() as usize;
    if lang == "en" {
        format!("{} {}, {}", MONTHS_EN[month], date.day(), date.year())
    } else {
        let day = if date.day() == 1 {
            "1er".to_string()
        } else {
            date.day().to_string()
        };
        format!("{day}{NBSP}{}{NBSP}{}", MONTHS_FR[month], date.year())
    }
}

/// Parses the ISO date kept in the model and formats it; other text is returned as is.
pub fn long_date_str(iso: &str, lang: &str) -> String {
    NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|d| long_date(d, lang))
        .unwrap_or_else(|_| iso.to_string())
}

/// « 15 000 » (fr) or "15,000" (en); decimals kept to two places when not whole.
/// Every digit is the float's own: Rust prints its exact decimal value, where a cast to an
/// integer type saturates (1e300 used to print as « 18 446 744 073 709 551 615 »). Values
/// that are not finite (validation refuses them) are printed as Rust spells them.
pub fn number(value: f64, lang: &str) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let (group, decimal) = if lang == "en" {
        (',', '.')
    } else {
        (NBSP, ',')
    };
    let fixed = format!("{:.2}", value.abs());
    let (digits, cents) = fixed.split_once('.').unwrap_or((fixed.as_str(), "00"));
    let mut out = String::with_capacity(fixed.len() + fixed.len() / 3 + 1);
    // -0.001 rounds to 0: no sign then.
    if value < 0.0 && fixed != "0.00" {
        out.push('-');
    }
    let count = digits.chars().count();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (count - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    if cents != "00" {
        out.push(decimal);
        out.push_str(cents);
    }
    out
}

/// « 643 000 $ » (fr) or "$643,000" (en). Currencies other than CAD show their code.
pub fn money(value: f64, currency: &str, lang: &str) -> String {
    let amount = number(value, lang);
    let symbol = match currency.to_ascii_uppercase().as_str() {
        "" | "CAD" | "$" => "$".to_string(),
        "EUR" => "€".to_string(),
        other => other.to_string(),
    };
    if lang == "en" && symbol == "$" {
        format!("${amount}")
    } else {
        format!("{amount}{NBSP}{symbol}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_dates() {
        let d = NaiveDate::from_ymd_opt(2022, 3, 15).unwrap();
        assert_eq!(long_date(d, "fr"), "15\u{a0}mars\u{a0}2022");
        assert_eq!(long_date(d, "en"), "March 15, 2022");
        let first = NaiveDate::from_ymd_opt(2023, 5, 1).unwrap();
        assert_eq!(long_date(first, "fr"), "1er\u{a0}mai\u{a0}2023");
    }

    #[test]
    fn french_amounts() {
        assert_eq!(money(643000.0, "CAD", "fr"), "643\u{a0}000\u{a0}$");
        assert_eq!(money(250000.0, "", "en"), "$250,000");
        assert_eq!(money(1234.5, "CAD", "fr"), "1\u{a0}234,50\u{a0}$");
        assert_eq!(number(999.0, "fr"), "999");
        assert_eq!(number(23000000.0, "fr"), "23\u{a0}000\u{a0}000");
        assert_eq!(number(-1234.5, "en"), "-1,234.50");
        assert_eq!(number(-0.001, "fr"), "0");
    }

    #[test]
    fn large_values_print_every_digit() {
        // The largest integer validation accepts (config::MAX_EXACT_INTEGER).
        assert_eq!(
            number(9_007_199_254_740_991.0, "fr"),
            "9\u{a0}007\u{a0}199\u{a0}254\u{a0}740\u{a0}991"
        );
        assert_eq!(number(10_000_000_000.0, "en"), "10,000,000,000");
        assert_eq!(
            money(999_999_999_999.99, "CAD", "fr"),
            "999\u{a0}999\u{a0}999\u{a0}999,99\u{a0}$"
        );
        // Not u64::MAX: every digit of the float itself.
        let huge = number(1e300, "en");
        assert!(
            huge.starts_with("1,000,000,000,000,000,052,504,760,255"),
            "{huge}"
        );
        assert_eq!(huge.chars().filter(char::is_ascii_digit).count(), 301);
    }
}
