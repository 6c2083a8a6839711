//! The stub's connections: accepted under a cap, each request's body read within a time
//! limit into one buffer no larger than the size limit.
//!
//! A connection holds one slot of the cap from its accept to its end. When every slot is
//! taken the stub stops accepting: new connections wait in the listen queue (the kernel's)
//! until one ends, and the accepted ones are served meanwhile. The cap stays below the
//! process's open-file limit, so accept does not fail for want of descriptors; should it
//! fail anyway, the stub backs off (up to a second) and says so once, not once per try.
//!
//! Every connection is let go by a clock: its headers (and, on an idle keep-alive
//! connection, the next request's) within [`ConnectionLimits::header_timeout`], each body
//! within [`ConnectionLimits::body_timeout`] of its headers. A body is copied frame by
//! frame into one buffer that grows to at most the size limit, so what a connection holds
//! does not depend on how finely its bytes are cut.

use super::{Event, Shared};
use crate::text::limits::{
    STUB_BODY_TIMEOUT_SECS, STUB_HEADER_TIMEOUT_SECS, STUB_MAX_CONNECTIONS, STUB_SPARE_FILES,
};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

/// How long a stub waits for its clients, and how many it serves at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// For a request's headers, and for the next request on an idle keep-alive
    /// connection; then the connection is closed.
    pub header_timeout: Duration,
    /// For a whole request body, from the end of its headers; then the request is
    /// answered 408 and the connection closed.
    pub body_timeout: Duration,
    /// Most connections served at once (0: the default,
    /// [`STUB_MAX_CONNECTIONS`](crate::text::limits::STUB_MAX_CONNECTIONS)). Either way the
    /// cap is lowered to fit the open-file limit less
    /// [`STUB_SPARE_FILES`](crate::text::limits::STUB_SPARE_FILES).
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    /// 30 s for headers, 30 s for a body, 1024 connections.
    fn default() -> Self {
        ConnectionLimits {
            header_timeout: Duration::from_secs(STUB_HEADER_TIMEOUT_SECS),
            body_timeout: Duration::from_secs(STUB_BODY_TIMEOUT_SECS),
            max_connections: 0,
        }
    }
}

impl ConnectionLimits {
    /// The cap in force: the one asked for (or the default), lowered to leave
    /// [`STUB_SPARE_FILES`] descriptors free below the open-file limit, at least 1.
    pub fn connection_cap(&self) -> usize {
        let asked = match self.max_connections {
            0 => STUB_MAX_CONNECTIONS,
            n => n,
        };
        match open_file_limit() {
            Some(files) => asked.min(files.saturating_sub(STUB_SPARE_FILES).max(1)),
            None => asked,
        }
    }
}

/// The soft limit on open files, `None` when there is none (or the platform has none).
#[cfg(unix)]
fn open_file_limit() -> Option<usize> {
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    limit
        .current
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

#[cfg(not(unix))]
fn open_file_limit() -> Option<usize> {
    None
}

/// Accepts connections, at most `cap` at a time, until `stop`; each is served by `handle`
/// under `graceful`.
pub(super) async fn accept_until_stopped(
    listener: &TcpListener,
    shared: &Arc<Shared>,
    graceful: &GracefulShutdown,
    stop: &mut watch::Receiver<bool>,
) {
    let for_service = shared.clone();
    let service = service_fn(move |req| {
        let shared = for_service.clone();
        async move { super::scenario::unless_dropped(super::handle(&shared, req).await) }
    });
    let warn = |w: String| shared.emit(Event::Warning(w));
    serve_connections(listener, &shared.limits, &warn, graceful, stop, service).await;
}

/// The accept loop the stub and the proxy share: at most the cap of `limits` connections
/// at a time, each served by `service` with `limits`' header timeout, until `stop`. A
/// failed accept is told through `warn` once, not once per try.
pub(crate) async fn serve_connections<S, B>(
    listener: &TcpListener,
    limits: &ConnectionLimits,
    warn: &(dyn Fn(String) + Sync),
    graceful: &GracefulShutdown,
    stop: &mut watch::Receiver<bool>,
    service: S,
) where
    S: hyper::service::Service<hyper::Request<Incoming>, Response = hyper::Response<B>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let slots = Arc::new(Semaphore::new(limits.connection_cap()));
    let mut backoff = Backoff::default();
    loop {
        // A slot first: with every one taken, new connections wait in the listen queue.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => return,
            },
            _ = stop.wait_for(|s| *s) => return,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|s| *s) => return,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                drop(slot);
                let delay = backoff.failed();
                if backoff.failures == 1 {
                    warn(format!(
                        "accept failed: {e}; retrying, backing off up to {:?}",
                        Backoff::MAX
                    ));
                }
                tokio::time::sleep(delay).await;
                continue;
            }
        };
        if let Some(n) = backoff.succeeded() {
            warn(format!(
                "accepting connections again after {n} failed accepts"
            ));
        }
        let _ = stream.set_nodelay(true);
        let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service.clone()));
        tokio::spawn(async move {
            // A client that goes away mid-request is its own business.
            let _ = conn.await;
            drop(slot);
        });
    }
}

/// Failed accepts in a row, and how long to wait before the next try.
#[derive(Debug, Default)]
struct Backoff {
    failures: u64,
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(10);
    const MAX: Duration = Duration::from_secs(1);

    /// One more failure; the wait before the next try (doubling from 10 ms to 1 s).
    fn failed(&mut self) -> Duration {
        self.failures += 1;
        let doublings = u32::try_from(self.failures - 1).unwrap_or(u32::MAX).min(7);
        (Self::FIRST * 2u32.pow(doublings)).min(Self::MAX)
    }

    /// An accept worked: how many had failed before it, if any.
    fn succeeded(&mut self) -> Option<u64> {
        let n = std::mem::take(&mut self.failures);
        (n > 0).then_some(n)
    }
}

/// A request body as read.
#[derive(Debug)]
pub(crate) enum Body {
    /// All of it.
    Whole(Vec<u8>),
    /// More than `max` bytes (declared or sent); read up to the limit and dropped.
    TooLarge,
    /// Not complete within the body timeout.
    TimedOut,
    /// The client went away, or the framing was broken.
    Broken,
}

/// Reads a body of at most `max` bytes within `timeout`.
pub(super) async fn read_body(body: Incoming, max: usize, timeout: Duration) -> Body {
    tokio::time::timeout(timeout, collect(body, max, false))
        .await
        .map_or(Body::TimedOut, |(b, _)| b)
}

/// A body as the proxy reads it: whole when it fits the limit, else what was read of it
/// and the rest, still unread, to be streamed on.
#[derive(Debug)]
pub(crate) enum Prefix<B> {
    /// The body read as [`read_body`] reads it (never [`Body::TooLarge`]).
    Read(Body),
    /// More than the limit: the bytes read so far (at most the limit plus one frame) and
    /// the body's remaining frames.
    Over(Vec<u8>, B),
}

/// Reads a body as [`read_body`] does (the same bound, the same timeout), except that a
/// body over `max` is not dropped: its first bytes and the rest are handed back.
pub(crate) async fn read_prefix<B>(body: B, max: usize, timeout: Duration) -> Prefix<B>
where
    B: hyper::body::Body<Data = bytes::Bytes> + Unpin,
{
    match tokio::time::timeout(timeout, collect(body, max, true)).await {
        Err(_) => Prefix::Read(Body::TimedOut),
        Ok((Body::TooLarge, Some((head, rest)))) => Prefix::Over(head, rest),
        Ok((b, _)) => Prefix::Read(b),
    }
}

/// What a buffer starts with when the body declares its length (up to this).
const FIRST_RESERVE: usize = 64 * 1024;

/// Copies the body's frames into one buffer of at most `max` bytes; each frame is dropped
/// as soon as it is copied, so the connection's read buffer is reused. A body declared
/// longer than `max` is read up to `max` (so the client gets to read the answer) and
/// nothing of it is kept. With `keep_rest`, a body over `max` (declared or sent) stops
/// being read instead, and its bytes so far and the body itself come back with
/// [`Body::TooLarge`].
async fn collect<B>(mut body: B, max: usize, keep_rest: bool) -> (Body, Option<(Vec<u8>, B)>)
where
    B: hyper::body::Body<Data = bytes::Bytes> + Unpin,
{
    let declared = body.size_hint().exact();
    let oversize = declared.is_some_and(|n| n > max as u64);
    if oversize && keep_rest {
        return (Body::TooLarge, Some((Vec::new(), body)));
    }
    let mut buf = Vec::new();
    if let Some(n) = declared.filter(|_| !oversize) {
        buf.reserve_exact(usize::try_from(n).unwrap_or(max).min(FIRST_RESERVE));
    }
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return (Body::Broken, None);
        };
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        seen = seen.saturating_add(data.len());
        if seen > max {
            if keep_rest {
                buf.extend_from_slice(&data);
                return (Body::TooLarge, Some((buf, body)));
            }
            return (Body::TooLarge, None);
        }
        if !oversize {
            grow_within(&mut buf, data.len(), max);
            buf.extend_from_slice(&data);
        }
    }
    if oversize {
        return (Body::TooLarge, None);
    }
    (Body::Whole(buf), None)
}

/// Makes room for `more` bytes, doubling the capacity but never past `max`.
fn grow_within(buf: &mut Vec<u8>, more: usize, max: usize) {
    let need = buf.len() + more;
    if need <= buf.capacity() {
        return;
    }
    let target = need
        .max(buf.capacity().saturating_mul(2))
        .min(max)
        .max(need);
    buf.reserve_exact(target - buf.len());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_buffer_doubles_but_never_past_the_limit() {
        let mut buf = Vec::new();
        for _ in 0..1000 {
            grow_within(&mut buf, 1, 700);
            buf.push(b'x');
            if buf.len() == 700 {
                break;
            }
        }
        assert_eq!(buf.len(), 700);
        assert!(buf.capacity() <= 700, "{}", buf.capacity());
        let mut buf = vec![0u8; 10];
        grow_within(&mut buf, 5, 100);
        assert!(buf.capacity() >= 20 && buf.capacity() <= 100);
    }

    /// A body of `n` one-byte frames.
    struct Pieces(usize);

    impl hyper::body::Body for Pieces {
        type Data = bytes::Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
            if self.0 == 0 {
                return std::task::Poll::Ready(None);
            }
            self.0 -= 1;
            let frame = hyper::body::Frame::data(bytes::Bytes::from_static(b"x"));
            std::task::Poll::Ready(Some(Ok(frame)))
        }
    }

    fn collected(n: usize, max: usize) -> Body {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(collect(Pieces(n), max, false)).0
    }

    #[test]
    fn one_byte_frames_make_one_bounded_buffer_in_linear_time() {
        match collected(5000, 5000) {
            Body::Whole(b) => assert!(b.len() == 5000 && b.capacity() <= 5000),
            other => panic!("{other:?}"),
        }
        assert!(matches!(collected(5001, 5000), Body::TooLarge));
        let ratio = crate::testkit::timing::assert_linear(
            "one-byte frames",
            &200_000usize,
            &400_000usize,
            |n| {
                assert!(matches!(collected(*n, usize::MAX), Body::Whole(_)));
            },
        );
        assert!(ratio > 0.0);
    }

    #[test]
    fn accept_backs_off_from_10_ms_to_a_second_and_counts_the_failures() {
        let mut b = Backoff::default();
        assert_eq!(b.succeeded(), None);
        let waits: Vec<Duration> = (0..10).map(|_| b.failed()).collect();
        assert_eq!(waits[0], Duration::from_millis(10));
        assert_eq!(waits[1], Duration::from_millis(20));
        assert_eq!(waits[6], Duration::from_millis(640));
        assert_eq!(waits[7], Duration::from_secs(1));
        assert_eq!(waits[9], Duration::from_secs(1));
        assert_eq!(b.succeeded(), Some(10));
        assert_eq!(b.succeeded(), None);
    }

    #[test]
    fn the_cap_fits_the_open_file_limit() {
        let limits = ConnectionLimits {
            max_connections: usize::MAX,
            ..ConnectionLimits::default()
        };
        let cap = limits.connection_cap();
        match open_file_limit() {
            Some(files) => assert_eq!(cap, files.saturating_sub(STUB_SPARE_FILES).max(1)),
            None => assert_eq!(cap, usize::MAX),
        }
        assert!(ConnectionLimits::default().connection_cap() <= STUB_MAX_CONNECTIONS);
        let one = ConnectionLimits {
            max_connections: 1,
            ..ConnectionLimits::default()
        };
        assert_eq!(one.connection_cap(), 1);
    }
}
