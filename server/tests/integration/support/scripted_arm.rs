//! A scripted stand-in for ARM on a loopback port, for the protocol corners the sandbox never
//! produces (a PUT answered 503, a poll without a status, a `nextLink` to itself): each request
//! takes the next answer of the script, the last one repeating, and every request is recorded so
//! a test can count what the client sent.

use super::credential;
use axum::extract::State;
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use server::arm::{ApiVersions, ArmClient, ArmClientSettings, RetryPolicy};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One scripted answer. In its body and header values, `{base}` becomes the server's base URL
/// and `{n}` the request's number (from 1).
#[derive(Clone)]
pub struct Scripted {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    delay: Duration,
}

impl Scripted {
    /// `status` with a JSON `body`.
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Self {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_string(),
            delay: Duration::ZERO,
        }
    }

    /// `status` with no body.
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: String::new(),
            delay: Duration::ZERO,
        }
    }

    /// An ARM error answer.
    pub fn error(status: u16, code: &str) -> Self {
        Self::json(
            status,
            serde_json::json!({"error": {"code": code, "message": format!("scripted {code}")}}),
        )
    }

    /// Adds a header.
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    /// Answers only after `delay` (to outlast a client's timeout).
    pub fn after(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

#[derive(Default)]
struct Script {
    answers: Mutex<VecDeque<Scripted>>,
    seen: Mutex<Vec<(Method, String)>>,
}

/// The scripted server; stops when dropped.
pub struct ScriptedArm {
    /// e.g. `http://127.0.0.1:40123`.
    pub base_url: String,
    script: Arc<Script>,
    task: tokio::task::JoinHandle<()>,
}

impl ScriptedArm {
    /// Serves `answers` in order on a free loopback port.
    pub async fn start(answers: Vec<Scripted>) -> Self {
        let script = Arc::new(Script {
            answers: Mutex::new(answers.into()),
            seen: Mutex::default(),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind scripted ARM");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let router = axum::Router::new()
            .fallback(answer)
            .with_state((script.clone(), base_url.clone()));
        let task = tokio::spawn(async move {
            axum::serve(listener, router).await.expect("serve");
        });
        Self {
            base_url,
            script,
            task,
        }
    }

    /// Requests received so far with this method.
    pub fn count(&self, method: &Method) -> usize {
        self.seen().iter().filter(|(m, _)| m == method).count()
    }

    /// Every request received so far: method and path with query.
    pub fn seen(&self) -> Vec<(Method, String)> {
        self.script.seen.lock().expect("lock").clone()
    }

    /// A client of this server with `settings`, quick retries, and the sandbox credential.
    pub fn client(&self, settings: ArmClientSettings) -> ArmClient {
        ArmClient::with_settings(
            url::Url::parse(&self.base_url).expect("base url"),
            credential(),
            ApiVersions::default(),
            settings,
        )
        .expect("client")
    }

    /// [`ScriptedArm::client`] with the default settings but retries 10 ms apart.
    pub fn quick_client(&self) -> ArmClient {
        self.client(ArmClientSettings {
            retry: RetryPolicy {
                initial_backoff: Duration::from_millis(10),
                ..RetryPolicy::default()
            },
            ..ArmClientSettings::default()
        })
    }
}

impl Drop for ScriptedArm {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    State((script, base_url)): State<(Arc<Script>, String)>,
    method: Method,
    uri: Uri,
) -> Response {
    let number = {
        let mut seen = script.seen.lock().expect("lock");
        seen.push((method, uri.to_string()));
        seen.len()
    };
    let next = {
        let mut answers = script.answers.lock().expect("lock");
        if answers.len() > 1 {
            answers.pop_front()
        } else {
            answers.front().cloned()
        }
    };
    let Some(next) = next else {
        return StatusCode::NOT_IMPLEMENTED.into_response();
    };
    tokio::time::sleep(next.delay).await;
    let fill = |text: &str| {
        text.replace("{base}", &base_url)
            .replace("{n}", &number.to_string())
    };
    let mut response = (
        StatusCode::from_u16(next.status).expect("status"),
        fill(&next.body),
    )
        .into_response();
    for (name, value) in &next.headers {
        if let Ok(value) = fill(value).parse() {
            response.headers_mut().insert(*name, value);
        }
    }
    response
}
