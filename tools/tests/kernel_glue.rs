//! Runs the kernel glue's C harness (`kernel-glue/tests/harness.c`) under
//! AddressSanitizer and UndefinedBehaviorSanitizer, then decodes every frame
//! it painted with `rqrr`: each must carry exactly the end of its crash log.
//!
//! The harness links the release static library, built here into a target
//! directory of its own (a nested build cannot share the running one's), or
//! the one named by `PANICQR_FFI_LIB`. It needs a C compiler with the
//! sanitizer runtimes, `make`, and the crash logs in `../shared/corpus`.

use std::path::{Path, PathBuf};
use std::process::Command;

use panicqr_tools::decode_payload;

/// The repository: the tools crate's parent.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Builds `libpanicqr.a` in release mode and returns its path.
fn static_lib() -> PathBuf {
    if let Some(lib) = std::env::var_os("PANICQR_FFI_LIB") {
        return PathBuf::from(lib);
    }
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kernel-glue-target");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root())
        .args(["build", "--release", "-p", "panicqr-ffi", "--target-dir"])
        .arg(&target)
        .status()
        .expect("run cargo");
    assert!(
        status.success(),
        "cargo build --release -p panicqr-ffi failed"
    );
    target.join("release/libpanicqr.a")
}

/// Builds the harness and runs it; returns the directory of its frames.
fn run_harness() -> PathBuf {
    let lib = static_lib();
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("kernel-glue-frames");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).unwrap();
    let harness = out.join("harness");
    let make = Command::new("make")
        .arg("-C")
        .arg(root().join("kernel-glue/tests"))
        .arg(format!("LIB={}", lib.display()))
        .arg(format!("O={}", out.display()))
        .arg(&harness)
        .output()
        .expect("run make");
    assert!(
        make.status.success(),
        "building the harness failed:\n{}{}",
        String::from_utf8_lossy(&make.stdout),
        String::from_utf8_lossy(&make.stderr)
    );
    let corpus = root().join("../shared/corpus");
    assert!(
        corpus.is_dir(),
        "the crash logs are not in {}",
        corpus.display()
    );
    let run = Command::new(&harness)
        .arg(&out)
        .arg(&corpus)
        .output()
        .expect("run the harness");
    let stdout = String::from_utf8_lossy(&run.stdout);
    println!("{stdout}");
    assert!(
        run.status.success(),
        "the harness failed ({}):\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains(", 0 failed"), "no summary line");
    out
}

/// Reads one pixel back to grey, from the DRM definition of its format and
/// independently of the painter's conversion.
fn grey(format: u32, bytes: &[u8]) -> u8 {
    let mut word = [0u8; 4];
    word[..bytes.len()].copy_from_slice(bytes);
    let v = u32::from_le_bytes(word);
    // Red, green and blue, each as (value, bits).
    let [r, g, b] = match &format.to_le_bytes() {
        b"RG16" => [(v >> 11, 5), (v >> 5, 6), (v, 5)],
        b"RA15" => [(v >> 11, 5), (v >> 6, 5), (v >> 1, 5)],
        b"XR15" | b"AR15" => [(v >> 10, 5), (v >> 5, 5), (v, 5)],
        b"RG24" | b"XR24" | b"AR24" => [(v >> 16, 8), (v >> 8, 8), (v, 8)],
        b"BG24" | b"XB24" | b"AB24" => [(v, 8), (v >> 8, 8), (v >> 16, 8)],
        b"XR30" | b"AR30" => [(v >> 20, 10), (v >> 10, 10), (v, 10)],
        b"AB30" => [(v, 10), (v >> 10, 10), (v >> 20, 10)],
        other => panic!("unknown format {other:?}"),
    }
    .map(|(value, bits)| {
        let max = (1u32 << bits) - 1;
        (value & max) * 255 / max
    });
    // Blue weighs most: the harness's orange-on-blue frames read inverted
    // if red and blue were swapped anywhere, and then do not decode.
    ((r + 3 * g + 6 * b) / 10) as u8
}

fn bytes_per_pixel(format: u32) -> usize {
    match &format.to_le_bytes() {
        b"RG16" | b"RA15" | b"XR15" | b"AR15" => 2,
        b"RG24" | b"BG24" => 3,
        _ => 4,
    }
}

/// One painted canvas and what it must carry.
struct Frame {
    file: String,
    log: PathBuf,
    log_start: usize,
    log_bytes: usize,
    version: usize,
    scale: usize,
    /// The base URL, or `None` for the raw log.
    url: Option<String>,
    whole_lines: bool,
}

fn manifest(dir: &Path) -> Vec<Frame> {
    std::fs::read_to_string(dir.join("manifest.tsv"))
        .unwrap()
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 8, "{line}");
            Frame {
                file: f[0].to_owned(),
                log: PathBuf::from(f[1]),
                log_start: f[2].parse().unwrap(),
                log_bytes: f[3].parse().unwrap(),
                version: f[4].parse().unwrap(),
                scale: f[5].parse().unwrap(),
                url: (f[6] != "raw").then(|| f[6].to_owned()),
                whole_lines: f[7] == "lines",
            }
        })
        .collect()
}

/// Reads a frame file and decodes the QR code in it.
fn decode_frame(path: &Path) -> (usize, usize, rqrr::MetaData, Vec<u8>) {
    let data = std::fs::read(path).unwrap();
    let header_end = data.iter().position(|&b| b == b'\n').unwrap();
    let header = std::str::from_utf8(&data[..header_end]).unwrap();
    let fields: Vec<&str> = header.split(' ').collect();
    assert_eq!(fields[0], "PQRF", "{}", path.display());
    let format: u32 = fields[1].parse().unwrap();
    let width: usize = fields[2].parse().unwrap();
    let height: usize = fields[3].parse().unwrap();
    let cpp = bytes_per_pixel(format);
    let pixels = &data[header_end + 1..];
    assert_eq!(pixels.len(), width * height * cpp, "{}", path.display());
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
        let at = (y * width + x) * cpp;
        grey(format, &pixels[at..at + cpp])
    });
    let grids = prepared.detect_grids();
    assert_eq!(
        grids.len(),
        1,
        "{}: {} codes found",
        path.display(),
        grids.len()
    );
    let mut payload = Vec::new();
    let meta = grids[0]
        .decode_to(&mut payload)
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    (width, height, meta, payload)
}

#[test]
fn glue_paints_decodable_codes_of_the_log_tail() {
    let dir = run_harness();
    let frames = manifest(&dir);
    // Every format in three ways, eleven screen sizes, two guard pages.
    assert!(frames.len() >= 60, "only {} frames", frames.len());
    // Some in the fragment form, without the dictionary.
    assert!(frames
        .iter()
        .any(|f| f.url.as_ref().is_some_and(|u| u.ends_with('#'))));
    for frame in &frames {
        let (width, height, meta, payload) = decode_frame(&dir.join(&frame.file));
        let name = &frame.file;

        // The canvas is the code and a 4-module quiet zone, scaled.
        assert_eq!(meta.version.0, frame.version, "{name}");
        assert_eq!(width, height, "{name}");
        assert_eq!(width, (17 + 4 * frame.version + 8) * frame.scale, "{name}");

        let log = std::fs::read(&frame.log).unwrap();
        assert_eq!(frame.log_start + frame.log_bytes, log.len(), "{name}");
        let tail = &log[frame.log_start..];
        if frame.whole_lines {
            assert!(
                frame.log_start == 0 || log[frame.log_start - 1] == b'\n',
                "{name}: the tail does not start on a line"
            );
        }
        let carried = if let Some(base) = &frame.url {
            let decoded = decode_payload(&payload).unwrap_or_else(|e| panic!("{name}: {e}"));
            let url = decoded.url.as_ref().expect("a panic URL");
            // A base ending in `#` gives `<base>#?a=...`: the fragment form.
            assert!(
                payload.starts_with(format!("{base}?a=").as_bytes()),
                "{name}: {}",
                String::from_utf8_lossy(&payload[..60])
            );
            assert_eq!(url.fragment, base.ends_with('#'), "{name}");
            assert_eq!(&url.base, base, "{name}");
            assert_eq!(url.arch.as_deref(), Some("x86_64"), "{name}");
            assert_eq!(url.release.as_deref(), Some("6.12.0-panicqr"), "{name}");
            decoded.log
        } else {
            payload
        };
        assert!(
            carried == tail,
            "{name}: the code does not carry the log's tail"
        );
    }
}
