//! Pure parsing of versions: from `Cargo.lock`, and from the tools' `--version` output.
//! Kept apart from the process handling so that it is tested without any tool installed.

use anyhow::{Result, bail};

/// The version of `package` in a `Cargo.lock`, which must hold it exactly once: the
/// wasm-bindgen CLI has to match the crate byte for byte, so two candidates are an error.
pub fn locked_version(lock: &str, package: &str) -> Result<String> {
    let mut found = Vec::new();
    for block in lock.split("[[package]]").skip(1) {
        if field(block, "name") == Some(package) {
            match field(block, "version") {
                Some(version) => found.push(version.to_owned()),
                None => bail!("Cargo.lock lists `{package}` without a version"),
            }
        }
    }
    match found.as_slice() {
        [version] => Ok(version.clone()),
        [] => bail!("Cargo.lock has no `{package}` package"),
        many => bail!(
            "Cargo.lock has several `{package}` versions ({}); pin one",
            many.join(", ")
        ),
    }
}

/// The value of `key = "value"` on a line of its own within one `[[package]]` block.
fn field<'a>(block: &'a str, key: &str) -> Option<&'a str> {
    block.lines().find_map(|line| {
        let (name, value) = line.split_once('=')?;
        if name.trim() != key {
            return None;
        }
        value.trim().strip_prefix('"')?.strip_suffix('"')
    })
}

/// The version in `<tool> <version>` output, as `trunk 0.21.14` or `wasm-bindgen 0.2.130`.
pub fn tool_version<'a>(output: &'a str, tool: &str) -> Option<&'a str> {
    let mut words = output.lines().next()?.split_whitespace();
    if words.next()? != tool {
        return None;
    }
    words.next()
}

/// binaryen's release number from `wasm-opt --version`, as 116 in
/// `wasm-opt version 116 (version_116)`. Trunk compares `version_<N>` against Trunk.toml.
pub fn wasm_opt_release(output: &str) -> Option<u32> {
    let mut words = output.lines().next()?.split_whitespace();
    words.find(|word| *word == "version")?;
    words.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "wasm-bindgen-macro",
]

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.131"
"#;

    #[test]
    fn the_locked_wasm_bindgen_version_is_read_from_its_own_package_block() {
        assert_eq!(locked_version(LOCK, "wasm-bindgen").unwrap(), "0.2.130");
    }

    #[test]
    fn a_package_name_does_not_match_a_longer_name_that_starts_with_it() {
        assert_eq!(
            locked_version(LOCK, "wasm-bindgen-macro").unwrap(),
            "0.2.131"
        );
    }

    #[test]
    fn a_package_missing_from_the_lock_file_is_an_error() {
        let error = locked_version(LOCK, "trunk").unwrap_err().to_string();
        assert!(error.contains("no `trunk`"), "{error}");
    }

    #[test]
    fn two_locked_versions_of_one_package_are_an_error_naming_both() {
        let lock = format!("{LOCK}\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.99\"\n");
        let error = locked_version(&lock, "wasm-bindgen")
            .unwrap_err()
            .to_string();
        assert!(error.contains("0.2.130, 0.2.99"), "{error}");
    }

    #[test]
    fn the_real_lock_file_pins_the_wasm_bindgen_that_trunk_toml_names() {
        let lock = include_str!("../../Cargo.lock");
        let trunk_toml = include_str!("../../Trunk.toml");
        let version = locked_version(lock, "wasm-bindgen").unwrap();
        assert!(
            trunk_toml.contains(&format!("wasm_bindgen = \"{version}\"")),
            "Trunk.toml must name wasm-bindgen {version}, as Cargo.lock does"
        );
    }

    #[test]
    fn trunk_and_wasm_bindgen_print_their_name_then_the_version() {
        assert_eq!(tool_version("trunk 0.21.14\n", "trunk"), Some("0.21.14"));
        assert_eq!(
            tool_version("wasm-bindgen 0.2.130\n", "wasm-bindgen"),
            Some("0.2.130")
        );
    }

    #[test]
    fn output_from_another_tool_or_nothing_gives_no_version() {
        assert_eq!(tool_version("wasm-bindgen 0.2.130", "trunk"), None);
        assert_eq!(tool_version("", "trunk"), None);
        assert_eq!(tool_version("trunk", "trunk"), None);
    }

    #[test]
    fn the_wasm_opt_release_is_the_number_after_the_word_version() {
        assert_eq!(
            wasm_opt_release("wasm-opt version 116 (version_116)\n"),
            Some(116)
        );
        assert_eq!(wasm_opt_release("wasm-opt version 108\n"), Some(108));
        assert_eq!(wasm_opt_release("wasm-opt version_116"), None);
        assert_eq!(wasm_opt_release(""), None);
    }
}
