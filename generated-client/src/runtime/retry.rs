//! When and how long to wait before sending a failed request again.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Waits for a duration. The default sleeps on tokio's clock; tests inject one that records
/// the delays and returns at once.
pub type Sleeper = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// Retries with exponential backoff and jitter.
///
/// The default is the reference SDK's policy: first delay 500 ms, each next one 1.5 times
/// longer, at most 60 s apart, giving up once an hour has been spent; retrying on any 5XX
/// status, on 429, and on connection errors (nothing reached the server). A `Retry-After`
/// header on a 429 or 503 response sets the delay instead of the backoff. Timeouts are not
/// retried: the timeout is the caller's limit.
///
/// ```
/// use std::time::Duration;
/// use smithery_registry::RetryPolicy;
///
/// let patient = RetryPolicy::default().max_elapsed(Duration::from_secs(600));
/// let quick = RetryPolicy::default().max_attempts(3).max_interval(Duration::from_secs(2));
/// let never = RetryPolicy::none();
/// # let _ = (patient, quick, never);
/// ```
#[derive(Clone)]
pub struct RetryPolicy {
    pub(crate) enabled: bool,
    pub(crate) initial_interval: Duration,
    pub(crate) max_interval: Duration,
    pub(crate) exponent: f64,
    pub(crate) max_elapsed: Duration,
    pub(crate) max_attempts: Option<u32>,
    pub(crate) jitter: f64,
    pub(crate) connection_errors: bool,
    pub(crate) sleeper: Sleeper,
    /// Which statuses are retried and where the server's delay is read.
    pub(crate) rules: Rules,
    /// A server-requested delay longer than this is not slept: the call fails at once.
    pub(crate) max_server_wait: Option<Duration>,
    /// Whether an attempt that timed out is sent again.
    pub(crate) timeouts: bool,
}

/// The two sets of retry rules the Smithery SDKs have used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rules {
    /// The January 2026 reference SDK's: 5XX and 429; `Retry-After` on 429 and 503 only.
    Seed,
    /// The current SDK's (`@smithery/api`): 408, 409, 429 and 5XX, `x-should-retry`
    /// overriding; `retry-after-ms`, else `Retry-After`, on any response.
    Current,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            enabled: true,
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(60),
            exponent: 1.5,
            max_elapsed: Duration::from_secs(3600),
            max_attempts: None,
            jitter: 0.25,
            connection_errors: true,
            sleeper: Arc::new(|delay| Box::pin(tokio::time::sleep(delay))),
            rules: Rules::Seed,
            max_server_wait: None,
            timeouts: false,
        }
    }
}

/// A limit whose `Duration::MAX` means none: `Debug` says `unbounded` rather than
/// `18446744073709551615.999999999s`.
struct Unbounded(Duration);

impl fmt::Debug for Unbounded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == Duration::MAX {
            f.write_str("unbounded")
        } else {
            fmt::Debug::fmt(&self.0, f)
        }
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("enabled", &self.enabled)
            .field("initial_interval", &self.initial_interval)
            .field("max_interval", &self.max_interval)
            .field("exponent", &self.exponent)
            .field("max_elapsed", &Unbounded(self.max_elapsed))
            .field("max_attempts", &self.max_attempts)
            .field("jitter", &self.jitter)
            .field("connection_errors", &self.connection_errors)
            .field("rules", &self.rules)
            .field("max_server_wait", &self.max_server_wait)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

impl RetryPolicy {
    /// The current official SDK's rules (`@smithery/api`), the current API's default:
    ///
    /// - at most 2 retries (3 attempts);
    /// - retried: 408, 409, 429, every status from 500 up, timeouts and failed connections;
    ///   a response header `x-should-retry: true` or `false` overrides the status;
    /// - the delay is the server's when it gives one (`retry-after-ms`, else `Retry-After` in
    ///   seconds or as an HTTP date), else 0.5 s × 2^n, at most 8 s, less up to a quarter
    ///   at random;
    /// - unlike the SDK, a server-requested delay longer than [`RetryPolicy::max_server_wait`]
    ///   (60 s) is not slept: the call fails at once with `Error::RateLimited`, which carries
    ///   the requested delay.
    ///
    /// ```
    /// use std::time::Duration;
    /// use smithery_registry::RetryPolicy;
    ///
    /// let patient = RetryPolicy::current_sdk().max_retries(5).max_server_wait(Duration::from_secs(300));
    /// # let _ = patient;
    /// ```
    pub fn current_sdk() -> Self {
        Self {
            initial_interval: Duration::from_millis(500),
            max_interval: Duration::from_secs(8),
            exponent: 2.0,
            max_elapsed: Duration::MAX,
            max_attempts: Some(3),
            jitter: 0.25,
            rules: Rules::Current,
            max_server_wait: Some(Duration::from_secs(60)),
            timeouts: true,
            ..Self::default()
        }
    }

    /// Retry at most `retries` times (`max_attempts(retries + 1)`).
    pub fn max_retries(self, retries: u32) -> Self {
        self.max_attempts(retries.saturating_add(1))
    }

    /// The longest server-requested delay (`retry-after-ms`, `Retry-After`) the client
    /// waits; a longer one fails the call at once with `Error::RateLimited`. Default 60 s
    /// for [`RetryPolicy::current_sdk`]; the seed policy has no cap (its time budget,
    /// [`RetryPolicy::max_elapsed`], limits the wait).
    pub fn max_server_wait(mut self, cap: Duration) -> Self {
        self.max_server_wait = Some(cap);
        self
    }

    /// Whether an attempt that timed out is sent again (default: yes for
    /// [`RetryPolicy::current_sdk`], no for the seed policy).
    pub fn retry_timeouts(mut self, retry: bool) -> Self {
        self.timeouts = retry;
        self
    }

    /// Never retry: every request is sent once.
    pub fn none() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// The delay before the first retry (default 500 ms).
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval;
        self
    }

    /// The longest delay between two attempts (default 60 s).
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// How much longer each delay is than the one before (default 1.5).
    pub fn exponent(mut self, exponent: f64) -> Self {
        self.exponent = if exponent.is_finite() && exponent >= 1.0 {
            exponent
        } else {
            1.0
        };
        self
    }

    /// Give up once this much time has been spent on a call, waiting included (default 1 h).
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// Send a request at most this many times in all (default: no limit but time).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts.max(1));
        self
    }

    /// How much of each delay is random, from 0 (exact schedule) to 1 (default 0.25: each
    /// delay is between 75% and 100% of the backoff), so that many clients that failed
    /// together do not retry together.
    pub fn jitter(mut self, jitter: f64) -> Self {
        self.jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self
    }

    /// Whether to retry when no connection could be made (default: yes).
    pub fn retry_connection_errors(mut self, retry: bool) -> Self {
        self.connection_errors = retry;
        self
    }

    /// Replaces the function that waits between attempts (for tests, or another runtime).
    pub fn sleeper(mut self, sleeper: Sleeper) -> Self {
        self.sleeper = sleeper;
        self
    }

    /// The backoff before retry number `retry` (1 for the first retry), before jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = self.exponent.powi(retry.saturating_sub(1).min(1_000) as i32);
        let millis = self.initial_interval.as_secs_f64() * 1000.0 * factor;
        let capped = millis.min(self.max_interval.as_secs_f64() * 1000.0);
        Duration::from_secs_f64((capped / 1000.0).max(0.0))
    }

    /// `backoff` less a random share of up to `jitter` of it; `unit` is uniform in [0, 1).
    pub(crate) fn jittered(&self, retry: u32, unit: f64) -> Duration {
        self.backoff(retry).mul_f64(1.0 - self.jitter * unit.clamp(0.0, 1.0))
    }
}

/// The verdict for a response status under `rules`.
pub(crate) fn for_status_under(rules: Rules, status: StatusCode, headers: &HeaderMap) -> Verdict {
    match rules {
        Rules::Seed => for_status(status, headers),
        Rules::Current => for_status_current(status, headers, chrono::Utc::now()),
    }
}

/// The current SDK's verdict: `x-should-retry` first, then the status; the server's delay
/// from any response.
pub(crate) fn for_status_current(
    status: StatusCode,
    headers: &HeaderMap,
    now: chrono::DateTime<chrono::Utc>,
) -> Verdict {
    let forced = headers
        .get("x-should-retry")
        .and_then(|v| v.to_str().ok())
        .map(str::trim);
    let retry = match forced {
        Some("true") => true,
        Some("false") => false,
        _ => matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error(),
    };
    if !retry {
        return Verdict::Final;
    }
    Verdict::Retry {
        retry_after: retry_after_ms(headers).or_else(|| retry_after_seconds_or_date(headers, now)),
    }
}

/// `retry-after-ms`: milliseconds, possibly fractional.
fn retry_after_ms(headers: &HeaderMap) -> Option<Duration> {
    let millis: f64 = headers.get("retry-after-ms")?.to_str().ok()?.trim().parse().ok()?;
    (millis.is_finite() && millis >= 0.0).then(|| Duration::from_secs_f64(millis / 1000.0))
}

/// `Retry-After` as (possibly fractional) seconds or as an HTTP date.
fn retry_after_seconds_or_date(headers: &HeaderMap, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return (0.0..1e12).contains(&seconds).then(|| Duration::from_secs_f64(seconds));
    }
    retry_after(headers, now)
}

/// Whether a failed attempt may be retried, and the delay the server asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Final,
    Retry { retry_after: Option<Duration> },
}

/// The verdict for a response status.
pub(crate) fn for_status(status: StatusCode, headers: &HeaderMap) -> Verdict {
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        let honoured = status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE;
        let retry_after = if honoured {
            retry_after(headers, chrono::Utc::now())
        } else {
            None
        };
        Verdict::Retry { retry_after }
    } else {
        Verdict::Final
    }
}

/// `Retry-After` as delay-seconds or as an HTTP date (RFC 9110, section 10.2.3).
pub(crate) fn retry_after(headers: &HeaderMap, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some(
        (date.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

/// A small xorshift generator: jitter needs spread, not cryptographic quality, and this
/// keeps a dependency out of every user's build.
pub(crate) struct Jitter(u64);

impl Jitter {
    pub(crate) fn seeded() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9e37_79b9_7f4a_7c15);
        Self(nanos | 1)
    }

    /// Uniform in [0, 1).
    pub(crate) fn next_unit(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn current_schedule_doubles_from_half_a_second_up_to_eight() {
        let policy = RetryPolicy::current_sdk();
        let schedule: Vec<u128> = (1..=6).map(|n| policy.backoff(n).as_millis()).collect();
        assert_eq!(schedule, [500, 1000, 2000, 4000, 8000, 8000]);
        assert_eq!(policy.max_attempts, Some(3));
        assert_eq!(policy.max_server_wait, Some(Duration::from_secs(60)));
    }

    #[test]
    fn current_rules_statuses_and_overrides() {
        let now = chrono::Utc::now();
        let none = HeaderMap::new();
        for code in [408, 409, 429, 500, 501, 502, 503, 504, 599] {
            let status = StatusCode::from_u16(code).expect("valid");
            assert_eq!(
                for_status_current(status, &none, now),
                Verdict::Retry { retry_after: None },
                "{code}"
            );
        }
        for code in [200, 400, 401, 403, 404, 410, 422] {
            let status = StatusCode::from_u16(code).expect("valid");
            assert_eq!(for_status_current(status, &none, now), Verdict::Final, "{code}");
        }
        let mut yes = HeaderMap::new();
        yes.insert("x-should-retry", "true".parse().expect("header"));
        assert_eq!(
            for_status_current(StatusCode::BAD_REQUEST, &yes, now),
            Verdict::Retry { retry_after: None }
        );
        let mut no = HeaderMap::new();
        no.insert("x-should-retry", "false".parse().expect("header"));
        assert_eq!(
            for_status_current(StatusCode::SERVICE_UNAVAILABLE, &no, now),
            Verdict::Final
        );
    }

    #[test]
    fn current_rules_read_retry_after_ms_first_then_retry_after() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .expect("date")
            .to_utc();
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "3".parse().expect("header"));
        headers.insert("retry-after-ms", "250".parse().expect("header"));
        assert_eq!(
            for_status_current(StatusCode::BAD_GATEWAY, &headers, now),
            Verdict::Retry {
                retry_after: Some(Duration::from_millis(250))
            },
            "retry-after-ms wins, on any retried status"
        );
        headers.remove("retry-after-ms");
        assert_eq!(
            for_status_current(StatusCode::CONFLICT, &headers, now),
            Verdict::Retry {
                retry_after: Some(Duration::from_secs(3))
            }
        );
        headers.insert(RETRY_AFTER, "1.5".parse().expect("header"));
        assert_eq!(
            for_status_current(StatusCode::TOO_MANY_REQUESTS, &headers, now),
            Verdict::Retry {
                retry_after: Some(Duration::from_millis(1500))
            }
        );
        headers.insert(RETRY_AFTER, "Thu, 01 Jan 2026 00:00:30 GMT".parse().expect("header"));
        assert_eq!(
            for_status_current(StatusCode::TOO_MANY_REQUESTS, &headers, now),
            Verdict::Retry {
                retry_after: Some(Duration::from_secs(30))
            }
        );
        headers.insert(RETRY_AFTER, "-1".parse().expect("header"));
        assert_eq!(
            for_status_current(StatusCode::TOO_MANY_REQUESTS, &headers, now),
            Verdict::Retry { retry_after: None },
            "a negative delay is ignored: the backoff applies"
        );
    }

    #[test]
    fn default_schedule_is_the_reference_sdks() {
        let policy = RetryPolicy::default();
        let schedule: Vec<u128> = (1..=4).map(|n| policy.backoff(n).as_millis()).collect();
        assert_eq!(schedule, [500, 750, 1125, 1687]);
        assert_eq!(policy.backoff(30), Duration::from_secs(60), "capped at max_interval");
        assert_eq!(policy.max_elapsed, Duration::from_secs(3600));
        assert!(format!("{policy:?}").contains("max_elapsed: 3600s"), "{policy:?}");
        let current = format!("{:?}", RetryPolicy::current_sdk());
        assert!(current.contains("max_elapsed: unbounded"), "{current}");
        assert!(!current.contains("18446744073709551615"), "{current}");
    }

    #[test]
    fn jitter_stays_within_its_share() {
        let policy = RetryPolicy::default().jitter(0.5);
        let mut jitter = Jitter(42);
        for _ in 0..1000 {
            let delay = policy.jittered(3, jitter.next_unit());
            assert!(
                delay <= policy.backoff(3) && delay >= policy.backoff(3).mul_f64(0.5),
                "{delay:?}"
            );
        }
        assert_eq!(
            RetryPolicy::default().jitter(0.0).jittered(2, 0.99),
            Duration::from_millis(750)
        );
    }

    #[test]
    fn statuses_that_are_retried() {
        let none = HeaderMap::new();
        for code in [500, 502, 503, 504, 429] {
            let status = StatusCode::from_u16(code).expect("valid");
            assert_eq!(
                for_status(status, &none),
                Verdict::Retry { retry_after: None },
                "{code}"
            );
        }
        for code in [200, 400, 401, 403, 404, 409, 422] {
            let status = StatusCode::from_u16(code).expect("valid");
            assert_eq!(for_status(status, &none), Verdict::Final, "{code}");
        }
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date_on_429_and_503_only() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "7".parse().expect("header"));
        assert_eq!(
            for_status(StatusCode::TOO_MANY_REQUESTS, &headers),
            Verdict::Retry {
                retry_after: Some(Duration::from_secs(7))
            }
        );
        assert_eq!(
            for_status(StatusCode::SERVICE_UNAVAILABLE, &headers),
            Verdict::Retry {
                retry_after: Some(Duration::from_secs(7))
            }
        );
        assert_eq!(
            for_status(StatusCode::BAD_GATEWAY, &headers),
            Verdict::Retry { retry_after: None }
        );

        let now = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .expect("date")
            .to_utc();
        headers.insert(RETRY_AFTER, "Thu, 01 Jan 2026 00:00:30 GMT".parse().expect("header"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        headers.insert(RETRY_AFTER, "Wed, 31 Dec 2025 23:00:00 GMT".parse().expect("header"));
        assert_eq!(
            retry_after(&headers, now),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        headers.insert(RETRY_AFTER, "soon".parse().expect("header"));
        assert_eq!(retry_after(&headers, now), None);
    }
}
