//! Draws the panic screen for a kernel log and writes it as a PNG.
//!
//! ```text
//! cargo run --release --example render -- [--kmsg FILE] [--width 1920] [--height 1080]
//!     [--format xrgb8888|rgb565|...] [--url URL | --no-url] [--ecc l|m|q|h]
//!     [--max-version N] [--max-modules-across N] [--dictionary] [--mask N]
//!     [--arch A] [--release R] [--out panic.png] [--matrix]
//! ```
//!
//! The screen is the one the kernel glue draws: panicqr's layout, code and
//! row painter in the chosen pixel format, with Linux's message and a logo.
//! Without `--kmsg` it draws the bundled crash log
//! (`examples/data/sample-kmsg.log`); without `--url` it uses
//! `panicqr_tools::render::DEFAULT_URL`, and `--no-url` puts the raw log in the code, as Linux
//! does when no URL is configured. A summary goes to standard output.

use std::process::ExitCode;

use panicqr::screen::layout::Policy;
use panicqr::screen::paint::PixelFormat;
use panicqr::{Mask, Version};
use panicqr_tools::render::{format_name, parse_ecc, parse_format, render, Config, SAMPLE_KMSG};

const USAGE: &str = "\
usage: render [--kmsg FILE] [--width PIXELS] [--height PIXELS] [--format NAME]
              [--url URL | --no-url] [--policy default|largest|recommended]
              [--ecc l|m|q|h] [--max-version 1..40] [--max-modules-across N]
              [--dictionary] [--mask 0..7] [--arch ARCH] [--release RELEASE]
              [--out FILE.png] [--matrix]

  --kmsg FILE       the kernel log (default: the bundled sample crash log)
  --width, --height the screen size (default: 1920x1080)
  --format NAME     the DRM pixel format, by name or fourcc (default: xrgb8888)
  --url URL         the base URL, as CONFIG_DRM_PANIC_SCREEN_QR_CODE_URL
                    (default: https://kdj0c.github.io/panic_report/#);
                    ending in #, the parameters go in the fragment
                    (URL#?a=...&z=...), which never leaves the phone
  --no-url          put the raw log in the code instead of a URL
  --policy NAME     the layout policy: default (level L, versions up to 40,
                    at most 256 modules across a photo of the screen: what
                    a phone reads), largest (the largest code that fits, 2
                    or more pixels per module: every byte the screen holds)
                    or recommended (the default at level M, up to version
                    30); --ecc, --max-version and --max-modules-across
                    after it override it
  --ecc LEVEL       the least error correction level (default: l)
  --max-version N   the largest QR version, as panic_qr_version (default: 40)
  --max-modules-across N
                    the most modules across a photo of the whole screen: a
                    smaller version keeps the modules at least the screen's
                    width (or 4/3 of its height) over N pixels; 0 for no
                    limit, as Linux (default: 256)
  --dictionary      use the preset kmsg dictionary when it carries more
                    (zd=2): only for a decoder page that knows it, as the
                    one in web/; the page distributions deploy shows no log
  --mask N          a fixed mask pattern (default: chosen by penalty)
  --arch, --release the a= and v= values (default: read from the log,
                    else x86_64 and unknown)
  --out FILE.png    where to write the picture (default: panic.png)
  --matrix          also print the code as #/. text";

struct Args {
    kmsg: Option<String>,
    out: String,
    matrix: bool,
    config: Config,
}

fn parse_number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{flag}: not a valid number: {value:?}"))
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        kmsg: None,
        out: "panic.png".to_owned(),
        matrix: false,
        config: Config::default(),
    };
    let config = &mut parsed.config;
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{flag} needs a value (see --help)"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--kmsg" => parsed.kmsg = Some(value()?),
            "--out" => parsed.out = value()?,
            "--matrix" => parsed.matrix = true,
            "--width" => config.width = parse_number(&flag, &value()?)?,
            "--height" => config.height = parse_number(&flag, &value()?)?,
            "--format" => {
                let name = value()?;
                config.format = parse_format(&name).ok_or_else(|| {
                    let known: Vec<_> = PixelFormat::ALL
                        .iter()
                        .map(|&f| format_name(f).to_ascii_lowercase())
                        .collect();
                    format!(
                        "--format: unknown pixel format {name:?}; known: {}",
                        known.join(", ")
                    )
                })?;
            }
            "--url" => {
                let url = value()?;
                if url.is_empty() {
                    return Err("--url: empty URL (use --no-url for a raw log)".to_owned());
                }
                config.url = Some(url);
            }
            "--no-url" => config.url = None,
            "--ecc" => {
                let level = value()?;
                config.policy.ecc = parse_ecc(&level)
                    .ok_or_else(|| format!("--ecc: expected l, m, q or h, not {level:?}"))?;
            }
            "--max-version" => {
                let number: u8 = parse_number(&flag, &value()?)
                    .map_err(|_| "--max-version: expected a number from 1 to 40".to_owned())?;
                config.policy.max_version = Version::new(number)
                    .ok_or_else(|| format!("--max-version: {number} is not from 1 to 40"))?;
            }
            "--max-modules-across" => {
                config.policy.max_modules_across = parse_number(&flag, &value()?)?;
            }
            "--mask" => {
                let number: u8 = parse_number(&flag, &value()?)
                    .map_err(|_| "--mask: expected a number from 0 to 7".to_owned())?;
                config.mask = Some(
                    Mask::new(number)
                        .ok_or_else(|| format!("--mask: {number} is not from 0 to 7"))?,
                );
            }
            "--policy" => {
                let name = value()?;
                let policy = match name.as_str() {
                    "default" => Policy::DEFAULT,
                    "largest" => Policy::LARGEST,
                    "recommended" => Policy::MEDIUM_ECC,
                    _ => {
                        return Err(format!(
                            "--policy: expected default, largest or recommended, not {name:?}"
                        ))
                    }
                };
                config.policy = policy;
            }
            "--dictionary" => config.dictionary = true,
            "--arch" => config.arch = Some(value()?),
            "--release" => config.release = Some(value()?),
            other => return Err(format!("unknown option {other:?} (see --help)")),
        }
    }
    Ok(Some(parsed))
}

fn run() -> Result<(), String> {
    let Some(args) = parse_args(std::env::args().skip(1))? else {
        println!("{USAGE}");
        return Ok(());
    };
    let kmsg = match &args.kmsg {
        Some(path) => std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))?,
        None => SAMPLE_KMSG.to_vec(),
    };
    let rendered = render(&kmsg, &args.config).map_err(|e| e.to_string())?;
    std::fs::write(&args.out, rendered.framebuffer.to_png())
        .map_err(|e| format!("cannot write {}: {e}", args.out))?;
    let source = args.kmsg.as_deref().unwrap_or("the bundled sample log");
    println!("kmsg:    {source}");
    println!("{}", rendered.summary);
    println!("wrote:   {}", args.out);
    if args.matrix {
        print!("{}", rendered.matrix);
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("render: {message}");
            ExitCode::FAILURE
        }
    }
}
