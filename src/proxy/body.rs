//! The bodies the proxy sends either way: one read whole, or, for a body over the size
//! limit, the bytes read so far followed by the rest as it arrives (never buffered: each
//! frame goes on as it comes), given up when the sender goes quiet for too long.

use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// The error of a streamed body: the sender's, or its silence.
pub(crate) type BodyError = Box<dyn std::error::Error + Send + Sync>;

/// A body the proxy sends on.
#[derive(Debug)]
pub struct ProxyBody(Inner);

#[derive(Debug)]
enum Inner {
    /// Read whole (`None` once sent).
    Whole(Option<Bytes>),
    /// Streamed: what was read (`None` once sent), then the rest.
    Stream {
        head: Option<Bytes>,
        rest: Incoming,
        idle: Duration,
        quiet: Pin<Box<tokio::time::Sleep>>,
    },
}

impl ProxyBody {
    /// A body read whole.
    pub(crate) fn whole(bytes: impl Into<Bytes>) -> ProxyBody {
        let bytes = bytes.into();
        ProxyBody(Inner::Whole((!bytes.is_empty()).then_some(bytes)))
    }

    /// Whether the body was read whole (not streamed).
    pub(crate) fn is_whole(&self) -> bool {
        matches!(self.0, Inner::Whole(_))
    }

    /// `head`, then every frame of `rest` as it comes; an error once `rest` sends nothing
    /// for `idle`.
    pub(crate) fn stream(head: Vec<u8>, rest: Incoming, idle: Duration) -> ProxyBody {
        ProxyBody(Inner::Stream {
            head: (!head.is_empty()).then(|| Bytes::from(head)),
            rest,
            idle,
            quiet: Box::pin(tokio::time::sleep(idle)),
        })
    }
}

impl Body for ProxyBody {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        match &mut self.get_mut().0 {
            Inner::Whole(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Inner::Stream {
                head,
                rest,
                idle,
                quiet,
            } => {
                if let Some(h) = head.take() {
                    return Poll::Ready(Some(Ok(Frame::data(h))));
                }
                match Pin::new(rest).poll_frame(cx) {
                    Poll::Ready(Some(Ok(frame))) => {
                        let deadline = tokio::time::Instant::now() + *idle;
                        quiet.as_mut().reset(deadline);
                        Poll::Ready(Some(Ok(frame)))
                    }
                    Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
                    Poll::Ready(None) => Poll::Ready(None),
                    Poll::Pending => match quiet.as_mut().poll(cx) {
                        Poll::Ready(()) => Poll::Ready(Some(Err(format!(
                            "the body stopped arriving for {idle:?}"
                        )
                        .into()))),
                        Poll::Pending => Poll::Pending,
                    },
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.0 {
            Inner::Whole(bytes) => bytes.is_none(),
            Inner::Stream { head, rest, .. } => head.is_none() && rest.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.0 {
            Inner::Whole(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            Inner::Stream { head, rest, .. } => {
                let more = head.as_ref().map_or(0, |h| h.len() as u64);
                let r = rest.size_hint();
                let mut hint = SizeHint::new();
                if let Some(upper) = r.upper() {
                    hint.set_upper(upper.saturating_add(more));
                }
                hint.set_lower(r.lower().saturating_add(more));
                hint
            }
        }
    }
}
