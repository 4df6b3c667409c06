//! The file a sandbox cloud keeps its state in: one JSON document holding the format version,
//! the address the cloud was last served on, its [`Snapshot`], and its Entra ID's state
//! ([`EntraSaved`], absent from files written before it existed).
//!
//! A JSON snapshot rewritten whole after every change, rather than a database, because the
//! state is small (a few resource groups, clusters and operations), a person can read it while
//! replaying a story, and one atomic rename makes every write all-or-nothing: the new document
//! is written to a temporary file beside the old one, flushed to disk, renamed over it, and the
//! directory is flushed, so a `kill -9` or a power cut leaves either the old state or the new
//! one, never half of each.

use crate::control_plane::Snapshot;
use crate::entra::EntraSaved;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The format this build writes and reads.
const FORMAT: u32 = 1;

/// Why a state file cannot be used.
#[derive(Debug, Error)]
pub enum StateFileError {
    /// The file exists but cannot be read.
    #[error("cannot read the sandbox cloud's state file {path}: {cause}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error (in the message, so not also a `source`).
        cause: std::io::Error,
    },
    /// The file is not a state document (truncated, edited by hand, another program's).
    #[error(
        "the sandbox cloud's state file {path} is corrupt ({cause}); move it away to start from the world file"
    )]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What the JSON parser found (in the message, so not also a `source`).
        cause: serde_json::Error,
    },
    /// The file was written by a build with another format.
    #[error(
        "the sandbox cloud's state file {path} has format {found}, this build reads format {FORMAT}; move it away to start from the world file"
    )]
    Format {
        /// The file.
        path: PathBuf,
        /// The format it declares.
        found: u32,
    },
    /// The state cannot be put into JSON (never expected: every map in it has string keys).
    #[error("cannot encode the sandbox cloud's state: {0}")]
    Encode(serde_json::Error),
    /// The state cannot be written.
    #[error("cannot write the sandbox cloud's state file {path}: {cause}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error (in the message, so not also a `source`).
        cause: std::io::Error,
    },
}

/// What a state file holds.
#[derive(Debug)]
pub struct SavedCloud {
    /// Where the cloud was served when it was saved (operation URLs handed out point there).
    pub address: Option<SocketAddr>,
    /// The cloud's resources and operations.
    pub cloud: Snapshot,
    /// Its Entra ID's signing-key generation and revocations.
    pub entra: EntraSaved,
}

/// The document as written, borrowing the snapshot.
#[derive(Serialize)]
struct Written<'a> {
    format: u32,
    address: Option<SocketAddr>,
    cloud: &'a Snapshot,
    entra: &'a EntraSaved,
}

/// The document as read (its format checked beforehand).
#[derive(Deserialize)]
struct Read {
    address: Option<SocketAddr>,
    cloud: Snapshot,
    #[serde(default)]
    entra: EntraSaved,
}

/// Only the format, read first so another format gets its own error rather than a parse error.
#[derive(Deserialize)]
struct FormatOnly {
    format: u32,
}

/// A state file's location.
#[derive(Clone, Debug)]
pub struct StateFile {
    path: PathBuf,
}

impl StateFile {
    /// The state file at `path` (which need not exist yet).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The saved cloud, or `None` when there is no file yet.
    pub fn load(&self) -> Result<Option<SavedCloud>, StateFileError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(cause) => {
                return Err(StateFileError::Read {
                    path: self.path.clone(),
                    cause,
                });
            }
        };
        let corrupt = |cause| StateFileError::Corrupt {
            path: self.path.clone(),
            cause,
        };
        let FormatOnly { format } = serde_json::from_slice(&bytes).map_err(corrupt)?;
        if format != FORMAT {
            return Err(StateFileError::Format {
                path: self.path.clone(),
                found: format,
            });
        }
        let Read {
            address,
            cloud,
            entra,
        } = serde_json::from_slice(&bytes).map_err(corrupt)?;
        Ok(Some(SavedCloud {
            address,
            cloud,
            entra,
        }))
    }

    /// The document for `cloud` served at `address`, with its Entra ID's `entra` state.
    pub fn encode(
        address: Option<SocketAddr>,
        cloud: &Snapshot,
        entra: &EntraSaved,
    ) -> Result<Vec<u8>, StateFileError> {
        let written = Written {
            format: FORMAT,
            address,
            cloud,
            entra,
        };
        serde_json::to_vec_pretty(&written).map_err(StateFileError::Encode)
    }

    /// Replaces the file with `document` atomically (see the module's documentation), creating
    /// its directory if needed. Blocking: async callers run it on a blocking thread.
    pub fn write(&self, document: &[u8]) -> Result<(), StateFileError> {
        self.write_atomically(document)
            .map_err(|cause| StateFileError::Write {
                path: self.path.clone(),
                cause,
            })
    }

    fn write_atomically(&self, document: &[u8]) -> std::io::Result<()> {
        let directory = self
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(directory)?;
        let mut temporary_name = self.path.file_name().unwrap_or_default().to_owned();
        temporary_name.push(".tmp");
        let temporary = self.path.with_file_name(temporary_name);
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(document)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temporary, &self.path)?;
        // The rename is durable once the directory entry is.
        #[cfg(unix)]
        std::fs::File::open(directory)?.sync_all()?;
        Ok(())
    }
}
