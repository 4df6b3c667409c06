//! A sandbox cloud that keeps its state in a [`StateFile`], so a restart (or a `kill -9`)
//! finds the same cloud and running operations end when they would have, as on Azure.
//!
//! The file also keeps the state of the cloud's Entra ID (its signing-key generation and
//! revocations), so tokens and keys stay what they were across a restart.
//!
//! It starts from the file, or from the world's seeds when there is no file yet; it saves
//! after every request that changed something, before that request is answered, so whatever a
//! client was told (a 201 and its operation URL above all) survives the process. Reads count as
//! changes when they moved an operation forward.
//!
//! Sandbox mode also keeps the cloud's *address* stable: the file remembers where the cloud was
//! served, and the next start listens there again, because the dashboard's job rows hold
//! operation URLs that point at it. Only when that port has been taken meanwhile does it fall
//! back to a free one, with a warning (the running creates then fail as unreachable, as they
//! would have without the file).

use crate::control_plane::ControlPlane;
use crate::entra::EntraSaved;
use crate::state_file::{SavedCloud, StateFile, StateFileError};
use crate::world::World;
use crate::{RunningSandbox, SandboxCloud};
use std::net::SocketAddr;
use thiserror::Error;
use tokio::net::TcpListener;
use tokio::sync::Mutex;

#[cfg(test)]
mod tests;

/// Why a sandbox cloud cannot start.
#[derive(Debug, Error)]
pub enum SandboxStartError {
    /// Its state file cannot be read or written.
    #[error(transparent)]
    State(#[from] StateFileError),
    /// It cannot listen.
    #[error("the sandbox cloud cannot listen on {address}: {cause}")]
    Listen {
        /// The address it tried.
        address: String,
        /// The I/O error (in the message, so not also a `source`).
        cause: std::io::Error,
    },
}

/// Where a cloud keeps its state and what it last wrote there.
pub(crate) struct Persistence {
    file: StateFile,
    /// Where the cloud is served, recorded in every save.
    address: SocketAddr,
    /// The document last written, so an unchanged state is not written again.
    written: Mutex<Vec<u8>>,
}

impl SandboxCloud {
    /// Saves the state if it changed since the last save; a cloud kept in memory has nothing to
    /// do. The control plane stays locked until the file is replaced, so saves land in order.
    pub(crate) async fn save_changes(&self) -> Result<(), StateFileError> {
        let Some(persistence) = &self.persistence else {
            return Ok(());
        };
        let plane = self.plane.lock().await;
        let document = StateFile::encode(
            Some(persistence.address),
            &plane.snapshot(),
            &self.entra.saved(),
        )?;
        let mut written = persistence.written.lock().await;
        if *written == document {
            return Ok(());
        }
        let file = persistence.file.clone();
        let saved = tokio::task::spawn_blocking(move || file.write(&document).map(|()| document))
            .await
            .map_err(|joined| StateFileError::Write {
                path: persistence.file.path().to_owned(),
                cause: std::io::Error::other(joined),
            })??;
        *written = saved;
        drop(plane);
        Ok(())
    }
}

impl RunningSandbox {
    /// Sandbox mode's cloud: serves `world` with its state kept in `state`, on the loopback
    /// address the file remembers (a free port the first time), with a fresh identity secret.
    pub async fn on_remembered_port(
        world: World,
        state: StateFile,
    ) -> Result<Self, SandboxStartError> {
        let saved = state.load()?;
        let listener = match saved.as_ref().and_then(|saved| saved.address) {
            Some(address) => match TcpListener::bind(address).await {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!(
                        %address,
                        %error,
                        "the sandbox cloud's previous address is taken: it moves to a free port, and operation URLs handed out before this start will not reach it"
                    );
                    free_loopback_port().await?
                }
            },
            None => free_loopback_port().await?,
        };
        let identity_header = uuid::Uuid::new_v4().to_string();
        Self::keeping_state(world, listener, identity_header, state, saved).await
    }

    /// The standalone sandbox with a state file: serves `world` on `listener` with its state
    /// kept in `state`.
    pub async fn spawn_keeping_state(
        world: World,
        listener: TcpListener,
        identity_header: String,
        state: StateFile,
    ) -> Result<Self, SandboxStartError> {
        let saved = state.load()?;
        Self::keeping_state(world, listener, identity_header, state, saved).await
    }

    /// Restores the cloud (or seeds it from the world), saves it once, which records its
    /// address and proves the file writable before anything is served, then serves it.
    async fn keeping_state(
        world: World,
        listener: TcpListener,
        identity_header: String,
        file: StateFile,
        saved: Option<SavedCloud>,
    ) -> Result<Self, SandboxStartError> {
        let listen_error = |cause| SandboxStartError::Listen {
            address: "the bound socket".into(),
            cause,
        };
        let address = listener.local_addr().map_err(listen_error)?;
        let (plane, entra) = match saved {
            Some(saved) => {
                tracing::info!(path = %file.path().display(), "sandbox cloud restored from its state file");
                (
                    ControlPlane::restore(world.clone(), saved.cloud),
                    saved.entra,
                )
            }
            None => {
                tracing::info!(path = %file.path().display(), "sandbox cloud starts from its world; its state will be kept in this file");
                (ControlPlane::new(world.clone()), EntraSaved::default())
            }
        };
        let persistence = Persistence {
            file,
            address,
            written: Mutex::new(Vec::new()),
        };
        let cloud = SandboxCloud::with_plane(
            world,
            identity_header.clone(),
            plane,
            entra,
            Some(persistence),
        );
        cloud.save_changes().await?;
        Self::serve(cloud, listener, identity_header).map_err(listen_error)
    }
}

/// A listener on a free loopback port.
async fn free_loopback_port() -> Result<TcpListener, SandboxStartError> {
    let address = "127.0.0.1:0";
    TcpListener::bind(address)
        .await
        .map_err(|cause| SandboxStartError::Listen {
            address: address.into(),
            cause,
        })
}
