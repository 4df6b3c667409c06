//! The sandbox's Entra ID and ARM's per-user authorisation, through real HTTP on a loopback
//! port: the sign-in flow and its refusals, tokens and refresh, keys and revocation across a
//! restart, and each role story of the default world.

mod entra {
    mod federation;
    mod keys_and_restarts;
    mod refusals;
    mod role_stories;
    mod sign_in;
    pub(crate) mod support;
}
