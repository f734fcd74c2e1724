//! Scaling out (issue #15): flakelog as the map step and `merge` as the reduce step, on a real
//! distributed engine (Dask distributed, a LocalCluster of worker processes:
//! `recipes/dask_flakelog.py`) and with plain `xargs -P`, as README's "Scaling out" shows them;
//! each ends as exactly what one `stats` over the archive gives.
//!
//! Without python3 and dask the Dask test says so and passes, unless
//! `FLAKELOG_DASK_REQUIRED=1` (`.ci/run`).

#[path = "../examples/gen_corpus.rs"]
#[allow(clippy::duplicate_mod)]
mod gen_corpus;

mod common;

use std::path::Path;
use std::process::Command;

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_flakelog")
}

fn single_pass(archive: &Path, format: &str) -> Vec<u8> {
    let out = common::flakelog()
        .args(["stats", "-q", "--format", format])
        .arg(archive)
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c <= 1));
    assert!(out.stdout.len() > 1000);
    out.stdout
}

fn has_dask() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import dask.distributed"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("FLAKELOG_DASK_REQUIRED").as_deref() != Ok("1"),
            "FLAKELOG_DASK_REQUIRED=1 but python3 cannot import dask.distributed"
        );
        eprintln!("NOTICE: no python3 with dask.distributed; the Dask recipe test is skipped");
    }
    ok
}

#[test]
fn the_dask_recipe_maps_partials_and_merges_them_into_the_single_pass() {
    if !has_dask() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    gen_corpus::generate(&archive, 6 << 20, 21, true, true).unwrap();
    let recipe = Path::new(env!("CARGO_MANIFEST_DIR")).join("recipes/dask_flakelog.py");
    for format in ["csv", "jsonl"] {
        let out = Command::new("python3")
            .arg(&recipe)
            .args(["--flakelog", bin(), "--workers", "2", "--shards", "7"])
            .args(["--fan-in", "3", "--format", format])
            .arg(&archive)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&single_pass(&archive, format)),
            "{format}"
        );
    }
}

#[test]
fn xargs_maps_partials_in_parallel_and_merge_reduces_them() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("archive");
    gen_corpus::generate(&archive, 4 << 20, 22, false, true).unwrap();
    let parts = dir.path().join("parts");
    std::fs::create_dir(&parts).unwrap();
    // README's commands, as they are there
    let script = format!(
        "set -e; cd {}; find archive -name '*.log.gz' | sort | \
         xargs -P 4 -n 5 sh -c '{} stats --partial -q -o \"$(mktemp parts/part.XXXXXX.flk)\" \"$@\"' sh; \
         {} merge -q --format csv parts/",
        dir.path().display(),
        bin(),
        bin()
    );
    let out = Command::new("sh").args(["-c", &script]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let partials = std::fs::read_dir(&parts).unwrap().count();
    assert!(partials >= 3, "{partials} partials");
    let single = common::flakelog()
        .current_dir(dir.path())
        .args(["stats", "-q", "--format", "csv", "archive"])
        .output()
        .unwrap()
        .stdout;
    assert!(single.len() > 1000);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&single)
    );
}
