//! The wall clock, on either half: the browser's `Date.now()`, the server's system time.

/// Milliseconds since the epoch.
pub fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        // Date.now() is a whole number of milliseconds well inside i64.
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| {
                i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
            })
    }
}
