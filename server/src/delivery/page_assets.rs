//! The built bundle as each page's `<head>` loads it (issue 18; the page side is
//! `app::page_assets`): the names cargo-leptos gave the JS glue, the WASM and the stylesheet,
//! and the stylesheet's text to inline. Read once, when the router is built, from the hash file
//! beside the server binary (as Leptos's own head components read it on every page).
//!
//! Where the stylesheet cannot be read (a server run without a built bundle, as in the server's
//! own tests) the page links it instead, and a sheet with a `</` that could end its `<style>`
//! element early is never inlined.

use app::page_assets::{PageAssets, PageStylesheet};
use leptos::config::LeptosOptions;
use std::path::Path;

/// The assets of the build `options` describe.
pub fn page_assets(options: &LeptosOptions) -> PageAssets {
    let hashes = options
        .hash_files
        .then(|| {
            let hash_file = std::env::current_exe()
                .ok()?
                .parent()?
                .join(options.hash_file.as_ref());
            std::fs::read_to_string(hash_file).ok()
        })
        .flatten()
        .unwrap_or_default();
    let name = |kind: &str| match hash_of(&hashes, kind) {
        Some(hash) => format!("{}.{hash}.{kind}", options.output_name),
        None => format!("{}.{kind}", options.output_name),
    };
    let pkg = options.site_pkg_dir.as_ref();
    let stylesheet_name = name("css");
    let stylesheet_file = Path::new(options.site_root.as_ref())
        .join(pkg)
        .join(&stylesheet_name);
    PageAssets {
        stylesheet: match std::fs::read_to_string(&stylesheet_file) {
            Ok(sheet) if inlinable(&sheet) => PageStylesheet::Inline(sheet.into()),
            read => {
                if read.is_ok() {
                    tracing::warn!(path = %stylesheet_file.display(), "the stylesheet contains `</`: linked, not inlined");
                } else {
                    tracing::info!(path = %stylesheet_file.display(), "no built stylesheet: linked, not inlined");
                }
                PageStylesheet::Linked(format!("/{pkg}/{stylesheet_name}"))
            }
        },
        glue_url: format!("/{pkg}/{}", name("js")),
        wasm_url: format!("/{pkg}/{}", wasm_name(&hashes, options)),
    }
}

/// The WASM's name: hashed like the others; unhashed, wasm-bindgen's `<output>_bg.wasm` unless
/// cargo-leptos named the output when it built this binary (as Leptos decides it).
fn wasm_name(hashes: &str, options: &LeptosOptions) -> String {
    match hash_of(hashes, "wasm") {
        Some(hash) => format!("{}.{hash}.wasm", options.output_name),
        None if option_env!("LEPTOS_OUTPUT_NAME").is_some() => {
            format!("{}.wasm", options.output_name)
        }
        None => format!("{}_bg.wasm", options.output_name),
    }
}

/// The hash of `kind` (`js`, `wasm`, `css`) in cargo-leptos's hash file.
fn hash_of<'a>(hashes: &'a str, kind: &str) -> Option<&'a str> {
    hashes.lines().find_map(|line| {
        let (file, hash) = line.trim().split_once(':')?;
        (file.trim() == kind).then(|| hash.trim())
    })
}

/// A sheet the HTML parser reads to its end inside `<style>`: no `</` that could close it.
fn inlinable(sheet: &str) -> bool {
    !sheet.contains("</")
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASHES: &str = "js: AAA\nwasm: BBB\ncss: IK8GbtCr7hHJ4dq2zCUNyg\nmanifest: CCC\n";

    #[test]
    fn each_kind_has_its_line_of_the_hash_file() {
        assert_eq!(hash_of(HASHES, "css"), Some("IK8GbtCr7hHJ4dq2zCUNyg"));
        assert_eq!(hash_of(HASHES, "wasm"), Some("BBB"));
        assert_eq!(hash_of("js: AAA\n", "css"), None);
    }

    #[test]
    fn a_sheet_that_could_close_its_element_is_not_inlined() {
        assert!(inlinable(".a > .b { color: red }"));
        assert!(!inlinable(".a::after { content: \"</style><script>\" }"));
    }

    #[test]
    fn the_built_sheet_is_inlined_and_a_missing_one_is_linked() {
        let site = tempfile::tempdir().expect("a temporary site");
        std::fs::create_dir(site.path().join("pkg")).expect("pkg");
        std::fs::write(site.path().join("pkg/dash.css"), "main { margin: 0 }").expect("sheet");
        let options = |output: &str| {
            LeptosOptions::builder()
                .output_name(output)
                .site_root(site.path().to_string_lossy().into_owned())
                .site_pkg_dir("pkg")
                .build()
        };
        let built = page_assets(&options("dash"));
        assert_eq!(
            built.stylesheet,
            PageStylesheet::Inline("main { margin: 0 }".into())
        );
        assert_eq!(built.glue_url, "/pkg/dash.js");
        assert_eq!(
            page_assets(&options("other")).stylesheet,
            PageStylesheet::Linked("/pkg/other.css".into())
        );
    }
}
