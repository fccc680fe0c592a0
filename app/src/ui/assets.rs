//! The built site's file names (`/pkg/…` css, js and wasm), read once at start-up.
//!
//! `cargo leptos build` with `hash-files` renames them to `<name>.<hash>.<ext>` and writes the hashes
//! to `hash.txt` beside the server binary. Hashed names change whenever the content does, so the
//! server can let browsers cache them for a year (`http::static_files`). Without a hash file (a plain
//! `cargo build`, the tests) the unhashed names are used.

/// Paths of the site's stylesheet and wasm bundle, as the pages link them, and the island loader
/// that names them (built here once, not on every page with an island).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteAssets {
    /// `/pkg/futureflower.<hash>.css`
    pub stylesheet: String,
    /// The wasm-bindgen glue (`/pkg/futureflower.<hash>.js`).
    pub script: String,
    /// `/pkg/futureflower.<hash>.wasm`
    pub wasm: String,
    /// Leptos' island loader (`island_script.js`, the script `HydrationScripts islands=true`
    /// renders, copied from leptos 0.8.23: update it with leptos) called with these files, and
    /// guarded so a page with several islands hydrates once.
    pub island_loader: String,
    /// The names carry content hashes (so they may be cached for good).
    pub hashed: bool,
}

impl SiteAssets {
    /// The names for `output_name` under `/pkg_dir`, hashed as listed in `hash_file` (`js: …`,
    /// `wasm: …`, `css: …` lines), or unhashed when `hash_file` is `None`.
    pub fn new(output_name: &str, pkg_dir: &str, hash_file: Option<&str>) -> Self {
        let hash = |kind: &str| {
            hash_file.and_then(|text| {
                text.lines().find_map(|line| {
                    let (file, hash) = line.split_once(':')?;
                    (file.trim() == kind).then(|| format!(".{}", hash.trim()))
                })
            })
        };
        let stem = |kind: &str| format!("{output_name}{}", hash(kind).unwrap_or_default());
        let (css, js, wasm) = (stem("css"), stem("js"), stem("wasm"));
        // The loader adds `.js` / `.wasm` to the names itself.
        let island_loader = format!(
            "if (!window.__islandLoader) {{ window.__islandLoader = true; {}({:?}, {:?}, {js:?}, {wasm:?}); }}",
            include_str!("islands/island_loader.js").trim_end(),
            "",
            pkg_dir,
        );
        Self {
            stylesheet: format!("/{pkg_dir}/{css}.css"),
            script: format!("/{pkg_dir}/{js}.js"),
            wasm: format!("/{pkg_dir}/{wasm}.wasm"),
            island_loader,
            hashed: hash_file.is_some(),
        }
    }

    /// Reads `hash.txt` beside the running binary, where cargo-leptos writes it.
    #[cfg(feature = "ssr")]
    pub fn beside_binary(output_name: &str, pkg_dir: &str) -> Self {
        let hashes = std::env::current_exe()
            .ok()
            .and_then(|exe| std::fs::read_to_string(exe.with_file_name("hash.txt")).ok());
        Self::new(output_name, pkg_dir, hashes.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::SiteAssets;

    #[test]
    fn hashed_names_come_from_the_hash_file() {
        let assets = SiteAssets::new("ff", "pkg", Some("js: abc\nwasm: def\ncss: 123\n"));
        assert_eq!(assets.stylesheet, "/pkg/ff.123.css");
        assert_eq!(assets.script, "/pkg/ff.abc.js");
        assert_eq!(assets.wasm, "/pkg/ff.def.wasm");
        assert!(assets.hashed);
        assert!(
            assets
                .island_loader
                .ends_with(r#"("", "pkg", "ff.abc", "ff.def"); }"#),
            "{}",
            assets.island_loader
        );
    }

    #[test]
    fn without_a_hash_file_the_names_are_plain() {
        let assets = SiteAssets::new("ff", "pkg", None);
        assert_eq!(assets.stylesheet, "/pkg/ff.css");
        assert_eq!(assets.wasm, "/pkg/ff.wasm");
        assert!(!assets.hashed);
    }
}
