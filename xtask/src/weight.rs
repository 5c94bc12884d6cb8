//! The browser apps' transfer weight: gzip -9 size of every file in `dist/`. What a customer
//! downloads to collect (the collect app: `dist/` without `admin/` and `report/`) is held to
//! the budget; the staff app in `dist/admin/` and the report page in `dist/report/` are
//! reported beside it, since only staff, and contacts withdrawing a certificate, load them.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// What a first visit may download, compressed (DESIGN: the collect page on a slow line): 350
/// KiB until issue 14 made it 250, once the browser's own cryptography does the inspector's.
pub const BUDGET_BYTES: u64 = 250 * 1024;

/// The staff app's directory below `dist/`.
pub const STAFF_DIR: &str = "admin";
/// The report page's directory below `dist/`.
pub const REPORT_DIR: &str = "report";

pub struct FileWeight {
    pub path: PathBuf,
    pub raw: u64,
    pub gzip: u64,
}

/// Every file below `dist`, sorted by path, with its raw and gzip -9 sizes.
pub fn measure(dist: &Path) -> Result<Vec<FileWeight>> {
    let mut files = Vec::new();
    collect_files(dist, &mut files)?;
    if files.is_empty() {
        bail!("{} holds no files; build the apps first", dist.display());
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let raw = std::fs::metadata(&path)
                .with_context(|| format!("reading {}", path.display()))?
                .len();
            let gzip = gzip_size(&path)?;
            let path = path.strip_prefix(dist).unwrap_or(&path).to_path_buf();
            Ok(FileWeight { path, raw, gzip })
        })
        .collect()
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// Shells out to gzip rather than linking a deflate crate: the same figure a server's
/// `gzip_static` would send, and no extra compile time for xtask.
fn gzip_size(path: &Path) -> Result<u64> {
    let output = Command::new("gzip")
        .args(["-9", "-c", "--"])
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .context("could not run `gzip` (is it installed?)")?;
    if !output.status.success() {
        bail!("`gzip -9 -c {}` failed ({})", path.display(), output.status);
    }
    Ok(output.stdout.len() as u64)
}

/// The files of `dist/`, by app.
pub struct Apps {
    pub collect: Vec<FileWeight>,
    pub report: Vec<FileWeight>,
    pub staff: Vec<FileWeight>,
}

/// The files by the app they belong to.
pub fn split(files: Vec<FileWeight>) -> Apps {
    let (staff, rest): (Vec<_>, Vec<_>) = files
        .into_iter()
        .partition(|file| file.path.starts_with(STAFF_DIR));
    let (report, collect) = rest
        .into_iter()
        .partition(|file| file.path.starts_with(REPORT_DIR));
    Apps {
        collect,
        report,
        staff,
    }
}

/// A table of the files with their total; and the gzip total.
fn table(files: &[FileWeight]) -> (String, u64) {
    let mut text = format!("{:>10} {:>10}  file\n", "raw", "gzip -9");
    for file in files {
        text.push_str(&format!(
            "{:>10} {:>10}  {}\n",
            file.raw,
            file.gzip,
            file.path.display()
        ));
    }
    let raw: u64 = files.iter().map(|file| file.raw).sum();
    let gzip: u64 = files.iter().map(|file| file.gzip).sum();
    text.push_str(&format!("{raw:>10} {gzip:>10}  total\n"));
    (text, gzip)
}

/// The customers' files, the total and the verdict; true when the total fits the budget.
pub fn report(files: &[FileWeight]) -> (String, bool) {
    let (mut text, gzip) = table(files);
    let fits = gzip <= BUDGET_BYTES;
    text.push_str(&format!(
        "What a customer downloads: {} gzip of a {} budget ({:.0} %): {}\n",
        kib(gzip),
        kib(BUDGET_BYTES),
        gzip as f64 * 100.0 / BUDGET_BYTES as f64,
        if fits { "within budget" } else { "OVER BUDGET" }
    ));
    (text, fits)
}

/// Another app's files and total (`what` names it); it has no budget of its own.
pub fn report_apart(files: &[FileWeight], what: &str) -> String {
    let (mut text, gzip) = table(files);
    text.push_str(&format!("{what}: {} gzip\n", kib(gzip)));
    text
}

/// The embed script's budget: a help centre loads it on every visit of its page.
pub const EMBED_BUDGET_BYTES: u64 = 3 * 1024;

/// The embed script (`public/embed.js`, served from the binary at `/embed/v1.js`): its
/// weight and the verdict; true when it fits its budget.
pub fn report_embed(script: &Path) -> Result<(String, bool)> {
    let raw = std::fs::metadata(script)
        .with_context(|| format!("cannot read {}", script.display()))?
        .len();
    let gzip = gzip_size(script)?;
    let fits = gzip <= EMBED_BUDGET_BYTES;
    Ok((
        format!(
            "The embed script (/embed/v1.js): {} raw, {} gzip of a {} budget: {}\n",
            kib(raw),
            kib(gzip),
            kib(EMBED_BUDGET_BYTES),
            if fits { "within budget" } else { "OVER BUDGET" }
        ),
        fits,
    ))
}

fn kib(bytes: u64) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, raw: u64, gzip: u64) -> FileWeight {
        FileWeight {
            path: name.into(),
            raw,
            gzip,
        }
    }

    #[test]
    fn the_report_totals_the_gzip_sizes_and_says_when_they_fit() {
        let (text, fits) = report(&[
            file("app.wasm", 100_000, 40_000),
            file("app.js", 20_000, 6_000),
        ]);
        assert!(fits);
        assert!(text.contains("    120000      46000  total"), "{text}");
        assert!(
            text.contains("44.9 KiB gzip of a 250.0 KiB budget (18 %): within budget"),
            "{text}"
        );
    }

    #[test]
    fn the_staff_app_and_the_report_page_are_weighed_apart_from_what_customers_download() {
        let apps = split(vec![
            file("app.wasm", 100, 40),
            file("admin/admin.wasm", 900_000, BUDGET_BYTES + 1),
            file("report/report.wasm", 200_000, 90_000),
            file("administrivia.css", 10, 5),
        ]);
        let names = |files: &[FileWeight]| -> Vec<String> {
            files.iter().map(|f| f.path.display().to_string()).collect()
        };
        assert_eq!(names(&apps.collect), ["app.wasm", "administrivia.css"]);
        assert_eq!(names(&apps.staff), ["admin/admin.wasm"]);
        assert_eq!(names(&apps.report), ["report/report.wasm"]);
        assert!(report(&apps.collect).1);
        assert!(
            report_apart(&apps.report, "The report page").contains("The report page: 87.9 KiB")
        );
    }

    #[test]
    fn a_spa_heavier_than_the_budget_is_reported_as_over() {
        let (text, fits) = report(&[file("app.wasm", 900_000, BUDGET_BYTES + 1)]);
        assert!(!fits);
        assert!(text.contains("OVER BUDGET"), "{text}");
    }
}
