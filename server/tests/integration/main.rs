//! The server's integration tests, one binary with a module per feature: the ARM client against
//! the sandbox cloud and a scripted ARM (its operations, retries, time bounds and followed URLs),
//! ARM's protocol, jobs under injected faults (ARM's, the database's, SIGKILL), the ownership
//! mark, the HTTP surface, the pre-flight, provisioning, cancel, the deletion of a partial
//! cluster, the failure history, the activity list, the administrator's view and stop (app roles), the sandbox cloud's survival of a restart, and the OpenID
//! sign-in against a certified provider (npm `oidc-provider`) and a hostile one. Every test is an
//! ordinary `#[tokio::test]`; the sandbox's in-process credential signs their tokens, so nothing
//! touches the process environment (the one test of `azure_identity`'s managed-identity
//! credential runs it in a child process).

mod activity;
mod admin;
mod arm_client;
mod arm_faults;
mod arm_protocol;
mod cancel;
mod create_faults;
mod database_faults;
mod delivery;
mod failure_history;
mod hardening;
mod hostile_input;
mod http_surface;
mod kill_nine;
mod oidc_client_credentials;
mod oidc_forged_tokens;
mod oidc_sign_in;
mod on_behalf;
mod operations;
mod ownership;
mod partial_cluster_deletion;
mod placement;
mod preflight;
mod provisioning;
mod replicas;
mod sandbox_restart;
mod support;
