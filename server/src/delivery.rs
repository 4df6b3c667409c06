//! How the dashboard's bytes travel (issue 18): the static bundle under `/pkg`, every other
//! answer compressed on the fly, and `robots.txt`.
//!
//! - **The bundle** (`<site-root>/pkg`: the WASM, its JS glue, the stylesheet) is served by
//!   `tower-http`'s `ServeDir`, which picks a precompressed `.br` or `.gz` sibling when the
//!   browser accepts it. `scripts/precompress.mjs` writes those siblings after a release build
//!   (brotli at quality 11, gzip at level 9: far smaller than on the fly, paid once). Its answers
//!   carry `Last-Modified` and `Cache-Control: no-cache`, so a reload revalidates and gets 304
//!   instead of the bundle again; the file names carry no hash yet, so nothing may be cached for
//!   long. Without siblings (the development server) the bundle is compressed on the fly.
//! - **Everything else** (pages, JSON, refusals) is compressed on the fly with brotli or gzip as
//!   `Accept-Encoding` asks, at a quality that costs a fraction of a millisecond per page.
//! - **`robots.txt`** keeps crawlers out of the API and the sign-in flow; the pages themselves
//!   answer a crawler with the sign-in page.

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

/// The static bundle in `pkg_dir`, to be nested at `/pkg`.
pub fn static_bundle<S: Clone + Send + Sync + 'static>(pkg_dir: &str) -> Router<S> {
    let files = ServeDir::new(pkg_dir)
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
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
