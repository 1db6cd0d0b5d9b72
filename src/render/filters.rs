//! The filters templates may use beside Tera's own: dates, amounts and numbers in the
//! page's language.

use crate::format;
use tera::{Kwargs, State, Tera};

pub(super) fn register_filters(tera: &mut Tera) {
    tera.register_filter("long_date", |date: &str, kwargs: Kwargs, _: &State| {
        let lang = kwargs.get::<&str>("lang").ok().flatten().unwrap_or("fr");
        format::long_date_str(date, lang)
    });
    tera.register_filter("money", |amount: f64, kwargs: Kwargs, _: &State| {
        let lang = kwargs.get::<&str>("lang").ok().flatten().unwrap_or("fr");
        let currency = kwargs
            .get::<&str>("currency")
            .ok()
            .flatten()
            .unwrap_or("CAD");
        format::money(amount, currency, lang)
    });
    tera.register_filter("number", |value: f64, kwargs: Kwargs, _: &State| {
        let lang = kwargs.get::<&str>("lang").ok().flatten().unwrap_or("fr");
        format::number(value, lang)
    });
}
