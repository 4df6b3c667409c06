//! The dashboard's HTTP server with a bounded graceful shutdown.
//!
//! At SIGINT or SIGTERM axum stops accepting connections and waits for the open requests to be
//! answered. A request that never ends (a client that stalls its body, a handler waiting on ARM
//! at its limits) would hold the process for ever, and an orchestrator would end it with SIGKILL
//! anyway (Kubernetes after `terminationGracePeriodSeconds`, 30 s by default). So the wait has a
//! bound, `SHUTDOWN_GRACE_SECONDS` (default 20 s, inside Kubernetes' 30): after it the server
//! stops waiting, the open connections are dropped, and the process exits. Nothing durable is
//! lost: jobs live in their rows and are resumed at the next start.

use axum::Router;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// How serving ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Shutdown {
    /// Every open request was answered within the grace period.
    Drained,
    /// The grace period ran out with requests still open; they were dropped.
    Cut,
}

/// Serves `app` on `listener` until `signal`, then waits at most `grace` for open requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    signal: impl Future<Output = ()>,
    grace: Duration,
) -> std::io::Result<Shutdown> {
    let stop = CancellationToken::new();
    let serving = axum::serve(listener, app).with_graceful_shutdown(stop.clone().cancelled_owned());
    let mut serving = std::pin::pin!(serving.into_future());
    tokio::select! {
        served = &mut serving => return served.map(|()| Shutdown::Drained),
        () = signal => {}
    }
    tracing::info!(
        grace_seconds = grace.as_secs_f64(),
        "shutting down: waiting for open requests"
    );
    stop.cancel();
    match tokio::time::timeout(grace, serving).await {
        Ok(served) => served.map(|()| Shutdown::Drained),
        Err(_) => {
            tracing::warn!(
                grace_seconds = grace.as_secs_f64(),
                "open requests outlived the shutdown grace period; dropping them"
            );
            Ok(Shutdown::Cut)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use std::sync::Arc;
    use tokio::sync::{Notify, oneshot};

    /// A server whose `/hang` never answers and `/ok` answers at once; answers its address,
    /// the signal to fire, a notice that `/hang` was entered, and the serving task.
    async fn server(
        grace: Duration,
    ) -> (
        String,
        oneshot::Sender<()>,
        Arc<Notify>,
        tokio::task::JoinHandle<std::io::Result<Shutdown>>,
    ) {
        let entered = Arc::new(Notify::new());
        let notice = entered.clone();
        let app = Router::new().route("/ok", get(|| async { "ok" })).route(
            "/hang",
            get(move || {
                let notice = notice.clone();
                async move {
                    notice.notify_one();
                    std::future::pending::<&str>().await
                }
            }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = format!("http://{}", listener.local_addr().expect("address"));
        let (fire, signal) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(
            listener,
            app,
            async move {
                let _ = signal.await;
            },
            grace,
        ));
        (address, fire, entered, task)
    }

    #[tokio::test]
    async fn a_request_that_never_ends_holds_the_shutdown_only_for_the_grace_period() {
        let (address, fire, entered, task) = server(Duration::from_millis(300)).await;
        let hanging = tokio::spawn(reqwest::get(format!("{address}/hang")));
        entered.notified().await;
        let fired_at = tokio::time::Instant::now();
        fire.send(()).expect("signal");
        let ended = tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("serving ends")
            .expect("task")
            .expect("served");
        assert_eq!(ended, Shutdown::Cut);
        let waited = fired_at.elapsed();
        assert!(
            waited >= Duration::from_millis(300) && waited < Duration::from_secs(2),
            "{waited:?}"
        );
        hanging.abort();
    }

    #[tokio::test]
    async fn without_open_requests_the_shutdown_is_immediate() {
        let (address, fire, _entered, task) = server(Duration::from_secs(30)).await;
        let answer = reqwest::get(format!("{address}/ok")).await.expect("ok");
        assert_eq!(answer.text().await.expect("body"), "ok");
        fire.send(()).expect("signal");
        let ended = tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("serving ends before the grace period")
            .expect("task")
            .expect("served");
        assert_eq!(ended, Shutdown::Drained);
    }
}
