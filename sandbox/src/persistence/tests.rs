//! Keeping the cloud on disk, through real files: a round trip keeps every resource and field,
//! a create runs on across a restart and ends when it would have, a bad file is refused with
//! its reason, and sandbox mode comes back on the address it had.

use crate::control_plane::{ControlPlane, Origin};
use crate::entra::EntraSaved;
use crate::reply::{Reply, headers};
use crate::state_file::{StateFile, StateFileError};
use crate::world::World;
use crate::{RunningSandbox, SandboxStartError};
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const SUB: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";
const ORIGIN: Origin<'static> = Origin {
    base_url: "http://127.0.0.1:1",
    api_version: "2025-10-01",
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The default world with creates of `create_seconds`.
fn world(create_seconds: f64) -> World {
    let mut world = World::default_world().expect("world");
    world.timings.create_seconds = create_seconds;
    world
}

/// Creates resource group `group` and starts the create of a tagged cluster `name` in it, both
/// in `region`; answers the create operation's id.
fn start_create(plane: &mut ControlPlane, region: &str, group: &str, name: &str) -> String {
    let reply = plane.put_group(SUB, group, &json!({ "location": region }));
    assert!(reply.status.is_success(), "{:?}", reply.body);
    let body = json!({
        "location": region,
        "tags": { "aks-dashboard-job": format!("job-{name}"), "team": "blue" },
        "identity": { "type": "SystemAssigned" },
        "properties": {
            "dnsPrefix": name,
            "agentPoolProfiles": [
                { "name": "system", "mode": "System", "vmSize": "Standard_D2s_v5", "count": 1 },
                { "name": "workers", "mode": "User", "vmSize": "Standard_D4s_v5", "count": 2 },
            ],
        },
    });
    let reply = plane.put_cluster(&ORIGIN, SUB, group, name, Some("*"), &body);
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    let url = header(&reply, &headers::AZURE_ASYNC_OPERATION);
    let path = url.split('?').next().unwrap_or_default();
    path.rsplit('/').next().unwrap_or_default().to_owned()
}

fn header(reply: &Reply, name: &axum::http::HeaderName) -> String {
    reply
        .headers
        .iter()
        .find(|(h, _)| h == name)
        .map(|(_, value)| value.clone())
        .expect("header")
}

fn body(reply: Reply) -> Value {
    reply.body.expect("a body")
}

/// Writes `plane` to `file` and reads it back into a new control plane, as a restart does.
fn restart(plane: &ControlPlane, file: &StateFile, world: World) -> ControlPlane {
    let document =
        StateFile::encode(None, &plane.snapshot(), &EntraSaved::default()).expect("encode");
    file.write(&document).expect("write");
    let saved = file.load().expect("load").expect("a saved cloud");
    ControlPlane::restore(world, saved.cloud)
}

#[test]
fn a_saved_cloud_reads_back_whole() -> TestResult {
    let directory = tempfile::tempdir()?;
    let file = StateFile::new(directory.path().join("cloud.json"));
    let mut plane = ControlPlane::new(world(600.0));
    // One cluster finished (its operation too), one that met centralindia's competing
    // deployment (which keeps the quota it took), and one still creating.
    let done = start_create(&mut plane, "eastus", "rg-kept", "aks-done");
    start_create(&mut plane, "centralindia", "rg-india", "aks-india");
    plane.advance(OffsetDateTime::now_utc() + Duration::from_secs(3600));
    let running = start_create(&mut plane, "eastus", "rg-kept", "aks-running");

    let mut restored = restart(&plane, &file, world(600.0));

    assert_eq!(
        StateFile::encode(None, &restored.snapshot(), &EntraSaved::default())?,
        StateFile::encode(None, &plane.snapshot(), &EntraSaved::default())?,
        "every field survives"
    );
    for (group, name) in [
        ("rg-kept", "aks-done"),
        ("rg-kept", "aks-running"),
        ("rg-india", "aks-india"),
        ("rg-platform", "aks-platform"),
    ] {
        let cluster = body(restored.get_cluster(SUB, group, name));
        assert_eq!(cluster["name"], name, "{cluster}");
        assert_eq!(cluster, body(plane.get_cluster(SUB, group, name)));
    }
    let cluster = body(restored.get_cluster(SUB, "rg-kept", "aks-running"));
    assert_eq!(cluster["tags"]["team"], "blue", "{cluster}");
    assert_eq!(cluster["properties"]["provisioningState"], "Creating");
    for region in ["eastus", "centralindia"] {
        assert_eq!(
            body(restored.compute_usages(SUB, region)),
            body(plane.compute_usages(SUB, region)),
            "quota use in {region}"
        );
    }
    assert_ne!(
        body(restored.compute_usages(SUB, "centralindia"))["value"][0]["currentValue"],
        json!(0),
        "centralindia holds the claim and the system pool"
    );
    for id in [done, running] {
        assert_eq!(
            body(restored.operation_status(SUB, "eastus", &id))["startTime"],
            body(plane.operation_status(SUB, "eastus", &id))["startTime"],
        );
    }
    Ok(())
}

#[test]
fn a_create_runs_on_across_a_restart_and_ends_when_it_would_have() -> TestResult {
    let directory = tempfile::tempdir()?;
    let file = StateFile::new(directory.path().join("nested").join("cloud.json"));
    let mut plane = ControlPlane::new(world(30.0));
    let id = start_create(&mut plane, "eastus", "rg-restart", "aks-restart");

    let mut restored = restart(&plane, &file, world(30.0));
    drop(plane);
    let status = body(restored.operation_status(SUB, "eastus", &id));
    assert_eq!(status["status"], "InProgress", "{status}");
    let started =
        OffsetDateTime::parse(status["startTime"].as_str().unwrap_or_default(), &Rfc3339)?;

    // The process stays down for an hour: the create ended 30 s after it started, not when it
    // is next read.
    restored.advance(started + Duration::from_secs(3600));
    let status = body(restored.operation_status(SUB, "eastus", &id));
    assert_eq!(status["status"], "Succeeded", "{status}");
    assert_eq!(
        status["endTime"],
        json!((started + Duration::from_secs(30)).format(&Rfc3339)?)
    );
    let cluster = body(restored.get_cluster(SUB, "rg-restart", "aks-restart"));
    assert_eq!(cluster["properties"]["provisioningState"], "Succeeded");
    Ok(())
}

#[tokio::test]
async fn a_bad_state_file_is_refused_with_its_reason() -> TestResult {
    let directory = tempfile::tempdir()?;
    let path = directory.path().join("cloud.json");
    let file = StateFile::new(&path);
    assert!(file.load()?.is_none(), "no file: start from the world");

    std::fs::write(&path, "{\"format\": 1, \"cloud\": {\"groups\": [")?;
    let error = file.load().expect_err("truncated");
    assert!(matches!(error, StateFileError::Corrupt { .. }), "{error}");
    assert!(
        error.to_string().contains(&path.display().to_string()),
        "{error}"
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let refused =
        RunningSandbox::spawn_keeping_state(world(1.0), listener, "h".into(), file.clone()).await;
    assert!(
        matches!(
            refused,
            Err(SandboxStartError::State(StateFileError::Corrupt { .. }))
        ),
        "a corrupt file stops the start"
    );

    std::fs::write(&path, "{\"format\": 99}")?;
    let error = file.load().expect_err("another format");
    assert!(
        matches!(error, StateFileError::Format { found: 99, .. }),
        "{error}"
    );

    let error = StateFile::new(directory.path())
        .load()
        .expect_err("a directory");
    assert!(matches!(error, StateFileError::Read { .. }), "{error}");
    Ok(())
}

#[tokio::test]
async fn sandbox_mode_comes_back_on_its_address() -> TestResult {
    let directory = tempfile::tempdir()?;
    let file = StateFile::new(directory.path().join("cloud.json"));
    let first = RunningSandbox::on_remembered_port(world(1.0), file.clone()).await?;
    let base_url = first.base_url.clone();
    let saved = file.load()?.ok_or("the start saved the cloud")?;
    assert_eq!(
        saved.address.map(|address| format!("http://{address}")),
        Some(base_url.clone())
    );
    drop(first);
    // Let the aborted serving task drop its listener.
    tokio::time::sleep(Duration::from_millis(50)).await;

    let second = RunningSandbox::on_remembered_port(world(1.0), file).await?;
    assert_eq!(second.base_url, base_url, "operation URLs still reach it");
    Ok(())
}
