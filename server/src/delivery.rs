//! How the dashboard's bytes travel (issue 18): the static bundle under `/pkg`, every other
//! answer compressed on the fly, and `robots.txt`.
//!
//! - **The bundle** (`<site-root>/pkg`: the WASM, its JS glue, the stylesheet) is served by
//!   `tower-http`'s `ServeDir`, which picks a precompressed `.br` or `.gz` sibling when the
//!   browser accepts it. `cargo leptos build --release --precompress` writes those siblings
//!   (brotli at quality 11, gzip: far smaller than on the fly, paid once). With content hashes in
//!   the file names (`LEPTOS_HASH_FILES=true`, as cargo-leptos builds them) a file never changes,
//!   so it is sent `Cache-Control: public, max-age=31536000, immutable`; without (a binary run
//!   without the hash file's setting) it is sent `no-cache` and revalidated with
//!   `Last-Modified` (a reload gets 304). Without siblings (the development server) the bundle is
//!   compressed on the fly.
//! - **Everything else** (pages, JSON, refusals) is compressed on the fly with brotli or gzip as
//!   `Accept-Encoding` asks, at a quality that costs a fraction of a millisecond per page.
//! - **Each page's `<head>`** inlines the stylesheet and names the hashed files ([`page_assets`]).
//! - **`robots.txt`** keeps crawlers out of the API and the sign-in flow; the pages themselves
//!   answer a crawler with the sign-in page.

mod page_assets;

pub use page_assets::page_assets;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The text of `/robots.txt`.
const ROBOTS_TXT: &str = "User-agent: *\nDisallow: /api/\nDisallow: /auth/\n";

/// Brotli quality and gzip level of on-the-fly compression: most of the gain of the best
/// settings at a small fraction of their time.
const ON_THE_FLY_LEVEL: i32 = 4;

/// How long a hashed file may be kept: a year, the longest `max-age` caches honour.
const HASHED_FILE_CACHING: &str = "public, max-age=31536000, immutable";

/// The static bundle in `pkg_dir`, to be nested at `/pkg`; `hashed` when its file names carry
/// content hashes.
pub fn static_bundle<S: Clone + Send + Sync + 'static>(pkg_dir: &str, hashed: bool) -> Router<S> {
    let files = ServeDir::new(pkg_dir)
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if hashed {
                HASHED_FILE_CACHING
            } else {
                "no-cache"
            }),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::VARY,
            HeaderValue::from_static("accept-encoding"),
        ))
}

/// Compression of every answer that is not compressed yet, as `Accept-Encoding` asks.
pub fn compression() -> CompressionLayer {
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .quality(CompressionLevel::Precise(ON_THE_FLY_LEVEL))
}

/// `GET /robots.txt`.
pub async fn robots_txt() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        ROBOTS_TXT,
    )
}
