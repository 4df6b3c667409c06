-- A job whose owner's Azure sign-in ended (their refresh token was revoked or expired) waits for
-- them to sign in again instead of failing (docs/PRODUCT.md "Who Azure sees"): since when it
-- waits, NULL while it does not.
ALTER TABLE provision_jobs ADD COLUMN waiting_for_sign_in_since_ms INTEGER;
