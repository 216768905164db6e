//! Reads a kernel panic QR code back.
//!
//! ```text
//! cargo run --release --example decode -- IMAGE.png|IMAGE.jpg|URL
//! ```
//!
//! The log goes to standard output; the architecture, the release, the byte
//! counts and any warnings go to standard error. A URL may carry its
//! parameters in the query (`https://host/r?a=...&z=...`) or in the fragment
//! (`https://host/r#?a=...&z=...`), read as the deployed decoder page reads
//! them.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use panicqr_tools::decode::{decode_payload, Decoded, Packing};
use panicqr_tools::scan::{load_image, scan_image};

const USAGE: &str = "usage: decode IMAGE.png|IMAGE.jpg|URL";

fn run(arg: &str) -> Result<Decoded, String> {
    if arg.contains("://") && !Path::new(arg).exists() {
        return decode_payload(arg.as_bytes()).map_err(|e| format!("cannot decode URL: {e}"));
    }
    let img = load_image(Path::new(arg)).map_err(|e| e.to_string())?;
    scan_image(&img, decode_payload).map_err(|e| e.to_string())
}

/// The whole program: `args` without the program name, the log to `out`,
/// the rest to `err`.
pub fn cli(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> ExitCode {
    // Writes to `err` are best effort, as `eprintln!` is.
    let [arg] = args else {
        let _ = writeln!(err, "{USAGE}");
        return ExitCode::from(2);
    };
    if arg == "-h" || arg == "--help" {
        return match writeln!(out, "{USAGE}") {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::FAILURE,
        };
    }
    let decoded = match std::panic::catch_unwind(|| run(arg)) {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => {
            let _ = writeln!(err, "decode: {e}");
            return ExitCode::FAILURE;
        }
        Err(_) => {
            let _ = writeln!(err, "decode: internal error while decoding {arg}");
            return ExitCode::FAILURE;
        }
    };
    let _ = match &decoded.url {
        Some(url) => {
            let packing = match url.packing {
                Packing::Mainline => "z= (mainline)",
                Packing::Linux612 => "zl= (Linux 6.12)",
            };
            let dict = url
                .dictionary
                .map_or(String::new(), |d| format!(", dictionary {d}"));
            let part = if url.fragment { "fragment" } else { "query" };
            writeln!(
                err,
                "arch: {}\nrelease: {}",
                url.arch.as_deref().unwrap_or("(none)"),
                url.release.as_deref().unwrap_or("(none)")
            )
            .and_then(|()| match &url.distribution {
                Some(d) => writeln!(err, "distribution (d=): {d}"),
                None => Ok(()),
            })
            .and_then(|()| writeln!(err, "packing: {packing}{dict}, parameters in the {part}"))
            .and_then(|()| {
                writeln!(
                    err,
                    "bytes: {} compressed, {} log",
                    decoded.compressed_len,
                    decoded.log.len()
                )
            })
        }
        None => writeln!(err, "raw byte payload: {} log bytes", decoded.log.len()),
    };
    for w in &decoded.warnings {
        let _ = writeln!(err, "warning: {w}");
    }
    match out.write_all(&decoded.log).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // rqrr can panic on odd pictures; the scanner catches that, so the
    // default hook's message would only confuse.
    std::panic::set_hook(Box::new(|_| {}));
    cli(
        &args,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    )
}
