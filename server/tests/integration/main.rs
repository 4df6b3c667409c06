//! The server's integration tests, one binary with a module per feature: the ARM client against
//! the sandbox cloud (its operations, and ARM's protocol), the HTTP surface, the pre-flight, provisioning, cancel, the deletion of a
//! partial cluster, and the failure history. Every test is an ordinary `#[tokio::test]`; the
//! sandbox's in-process credential signs their tokens, so nothing touches the process
//! environment (the one test of `azure_identity`'s managed-identity credential runs it in a
//! child process).

mod arm_client;
mod arm_protocol;
mod cancel;
mod failure_history;
mod hardening;
mod hostile_input;
mod http_surface;
mod partial_cluster_deletion;
mod preflight;
mod provisioning;
mod support;
