//! Reads a kernel panic QR code back.
//!
//! ```text
//! cargo run --release --example decode -- IMAGE.png|IMAGE.jpg|URL
//! ```
//!
//! The log goes to standard output; the architecture, the release, the byte
//! counts and any warnings go to standard error.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use panicqr_tools::decode::{decode_payload, Decoded};
use panicqr_tools::scan::{load_image, scan_image};

const USAGE: &str = "usage: decode IMAGE.png|IMAGE.jpg|URL";

fn run(arg: &str) -> Result<Decoded, String> {
    if arg.contains("://") && !Path::new(arg).exists() {
        return decode_payload(arg.as_bytes()).map_err(|e| format!("cannot decode URL: {e}"));
    }
    let img = load_image(Path::new(arg)).map_err(|e| e.to_string())?;
    scan_image(&img, decode_payload).map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [arg] = args.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if arg == "-h" || arg == "--help" {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    // rqrr can panic on odd pictures; the scanner catches that, so the
    // default hook's message would only confuse.
    std::panic::set_hook(Box::new(|_| {}));
    let decoded = match std::panic::catch_unwind(|| run(arg)) {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => {
            eprintln!("decode: {e}");
            return ExitCode::FAILURE;
        }
        Err(_) => {
            eprintln!("decode: internal error while decoding {arg}");
            return ExitCode::FAILURE;
        }
    };
    match &decoded.url {
        Some(url) => {
            eprintln!("arch: {}", url.arch.as_deref().unwrap_or("(none)"));
            eprintln!("release: {}", url.release.as_deref().unwrap_or("(none)"));
            let packing = match url.packing {
                panicqr_tools::decode::Packing::Mainline => "z= (mainline)",
                panicqr_tools::decode::Packing::Linux612 => "zl= (Linux 6.12)",
            };
            let dict = url
                .dictionary
                .map_or(String::new(), |d| format!(", dictionary d={d}"));
            eprintln!("packing: {packing}{dict}");
            eprintln!(
                "bytes: {} compressed, {} log",
                decoded.compressed_len,
                decoded.log.len()
            );
        }
        None => eprintln!("raw byte payload: {} log bytes", decoded.log.len()),
    }
    for w in &decoded.warnings {
        eprintln!("warning: {w}");
    }
    let mut out = std::io::stdout().lock();
    if out
        .write_all(&decoded.log)
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
