//! A sandbox cloud on port 0 behind a counting layer: the test, not the sandbox, counts the
//! create PUTs ARM accepted (201) or throttled, the operation polls and the reads answered 5xx,
//! at the HTTP boundary the dashboard talks to.

use arm_sandbox::SandboxCloud;
use arm_sandbox::world::World;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// What crossed the sandbox's boundary.
#[derive(Debug, Default)]
pub struct Counts {
    /// Create PUTs answered 201.
    pub creates_accepted: AtomicUsize,
    /// Create PUTs answered 429.
    pub creates_throttled: AtomicUsize,
    /// Requests answered 429, create PUTs included.
    pub throttled: AtomicUsize,
    /// Operation status reads received.
    pub polls: AtomicUsize,
    /// Reads (GET, HEAD) answered 5xx.
    pub reads_failed: AtomicUsize,
    /// Writes answered 5xx.
    pub writes_failed: AtomicUsize,
}

impl Counts {
    /// The value of one counter.
    pub fn get(counter: &AtomicUsize) -> usize {
        counter.load(Ordering::SeqCst)
    }
}

/// What a request is, for counting.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    CreatePut,
    Poll,
    Read,
    Write,
}

impl Kind {
    fn of(method: &Method, path: &str) -> Self {
        let lowered = path.to_ascii_lowercase();
        let segments: Vec<&str> = lowered.split('/').filter(|s| !s.is_empty()).collect();
        let read = matches!(*method, Method::GET | Method::HEAD);
        match segments.as_slice() {
            [_, _, _, _, _, _, "managedclusters", _] if *method == Method::PUT => Self::CreatePut,
            [
                _,
                _,
                _,
                _,
                "locations",
                _,
                "operations" | "operationresults",
                _,
            ] if read => Self::Poll,
            _ if read => Self::Read,
            _ => Self::Write,
        }
    }
}

/// A counted sandbox; stops when dropped.
pub struct CountedSandbox {
    /// e.g. `http://127.0.0.1:40123`.
    pub base_url: String,
    /// What it saw.
    pub counts: Arc<Counts>,
    task: tokio::task::JoinHandle<()>,
}

impl CountedSandbox {
    /// Serves `world` on a free loopback port.
    pub async fn start(world: World) -> Self {
        let counts = Arc::new(Counts::default());
        let seen = counts.clone();
        let cloud = SandboxCloud::new(world, uuid::Uuid::new_v4().to_string());
        let router = arm_sandbox::router(cloud).layer(axum::middleware::from_fn(
            move |request: Request, next: Next| {
                let counts = seen.clone();
                async move {
                    let kind = Kind::of(request.method(), request.uri().path());
                    if kind == Kind::Poll {
                        // Counted on arrival: a poll that hangs may never be answered.
                        counts.polls.fetch_add(1, Ordering::SeqCst);
                    }
                    let response = next.run(request).await;
                    let status = response.status();
                    if status == StatusCode::TOO_MANY_REQUESTS {
                        counts.throttled.fetch_add(1, Ordering::SeqCst);
                    }
                    let counter = match kind {
                        Kind::CreatePut if status == StatusCode::CREATED => {
                            Some(&counts.creates_accepted)
                        }
                        Kind::CreatePut if status == StatusCode::TOO_MANY_REQUESTS => {
                            Some(&counts.creates_throttled)
                        }
                        Kind::Poll | Kind::Read if status.is_server_error() => {
                            Some(&counts.reads_failed)
                        }
                        Kind::CreatePut | Kind::Write if status.is_server_error() => {
                            Some(&counts.writes_failed)
                        }
                        _ => None,
                    };
                    if let Some(counter) = counter {
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                    response
                }
            },
        ));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind sandbox");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let task = tokio::spawn(async move {
            axum::serve(listener, router).await.expect("serve");
        });
        Self {
            base_url,
            counts,
            task,
        }
    }
}

impl Drop for CountedSandbox {
    fn drop(&mut self) {
        self.task.abort();
    }
}
