//! Scannability: how often a simulated phone photo of the panic screen
//! decodes, Linux's choice of code against ours.
//!
//! For each real crash log of the corpus, the bench encodes the panic URL (a
//! 48-byte base URL, the log's tail compressed) under each policy, paints the
//! code on a black XRGB8888 screen of 1920×1080 and 1024×768 pixels (the
//! message area is left blank: the code is what is read), and takes photos of
//! it with a simulated phone camera, one degradation at a time at three
//! strengths (`panicqr_tools::camera`, which says what each does). Each
//! photo is decoded by decoders that share no code with ours: `rqrr` in one
//! pass, `zbarimg` and `ZXingReader`; a column reads `-` when its program is
//! missing.
//!
//! A photo counts as read only when the decoded payload inflates to exactly
//! the log tail the encoder reported. All random draws come from a
//! fixed-seed generator, and the same seed gives every policy the same log,
//! screen, framing and noise.
//!
//! # The policies
//!
//! - `linux`: Linux 6.12's choices, modelled with our encoder: level L, no
//!   boost, mask 0, versions up to 40 (its default `panic_qr_version`), no
//!   preset dictionary; scale `min(3w/4, 3h/4) / (width + 8)`, no code below
//!   2 (the photo then fails).
//! - `default`: [`Policy::DEFAULT`] (modules of at least 1/256 of the
//!   screen's width) with [`layout::plan`] and [`layout::place`]: automatic
//!   mask, level L with boost, the dictionary allowed (the encoder's
//!   default when `docs/scannability.md` was measured; opt-in now, and kept
//!   here so that its tables reproduce);
//! - `largest`: [`Policy::LARGEST`] (the largest code that fits, no limit
//!   for the photo), the same way;
//! - `recommended`: [`Policy::MEDIUM_ECC`] (up to version 30, level M, at
//!   least 3 pixels per module), the same way;
//! - `v<version><L|M|Q|H>[s<min scale>][a<modules across>]`, for example
//!   `v25Ms3` or `v40La280`: a trial policy, the same way, to explore the
//!   trade-off (`a` sets [`Policy::max_modules_across`]).
//! - any of ours with `+m`, `+q` or `+h`, for example `default+m`: that
//!   level instead of the policy's whenever it carries the same log bytes
//!   (the code then grows up to the policy's largest version).
//!
//! # Running
//!
//! `cargo bench --bench scannability -- [--seeds N] [--policies a,b]
//! [--conditions a,b] [--framing code|screen] [--no-zbar] [--no-zxing]
//! [--full-logs] [--screens 1920x1080,1024x768] [--dump DIR]` (20 seeds,
//! both screens and the three named policies by default; `--full-logs` puts
//! the boot messages of a real Linux 6.12 boot,
//! `benches/data/qemu-boot-6.12.log`, before every crash log, as the
//! kernel's buffer holds them at a real panic, so every code is as large as
//! the policy allows; `--dump` keeps every photo as a PGM file named with
//! its rqrr verdict). Each table in `docs/scannability.md` names its command
//! and how long it took.
//! `PANICQR_CORPUS` names the folder of `*.log` files (default
//! `../shared/corpus` next to the repository).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use panicqr::payload::deflate::Effort;
use panicqr::payload::{
    encode_kmsg, image_buffer_len, scratch_buffer_len, workspace_len, KmsgRequest,
};
use panicqr::screen::layout::{self, Geometry, Policy, Rect, Screen};
use panicqr::screen::paint::{paint_canvas, Palette, PixelFormat};
use panicqr::{Ecc, Mask, Options, Polarity, Version};
use panicqr_tools::camera::{
    self, batch_finish, batch_start, photograph, rqrr_reads, seed_of, write_pgm, Batch, Condition,
    External, Framing, Scene, PHOTO_H, PHOTO_W,
};
use panicqr_tools::decode_payload;

/// The base URL: 48 bytes, as a project's own report page might be.
const BASE_URL: &[u8] = b"https://panic-report.example.org/linux/v1/decode";
const ARCH: &[u8] = b"x86_64";
const RELEASE: &[u8] = b"6.12.0";

/// The screens, in pixels.
const SCREENS: [(u32, u32); 2] = [(1920, 1080), (1024, 768)];

/// The message beside the code on our screens: 8×16 cells, 6 lines of at
/// most 48 characters (the panic title, the reason, the scan prompt).
const FONT: (u32, u32) = (8, 16);
const TEXT: (u32, u32) = (6, 48);

// ---------------------------------------------------------------------------
// Policies and the rendered screen
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Linux,
    Ours(Policy),
}

#[derive(Clone)]
struct Candidate {
    name: String,
    kind: Kind,
    /// A level to use instead of the policy's when it carries the same log
    /// bytes (the name's `+m`, `+q` or `+h` suffix).
    free_level: Option<Ecc>,
}

/// The candidate called `name`: `linux`, `default`, `largest`,
/// `recommended`, or a trial policy
/// `v<max version><L|M|Q|H>[s<min scale>][a<modules across>]` such as
/// `v30M` or `v40La280`.
fn candidate(full_name: &str) -> Option<Candidate> {
    let (name, free_level) = match full_name.split_once('+') {
        None => (full_name, None),
        Some((name, "m")) => (name, Some(Ecc::Medium)),
        Some((name, "q")) => (name, Some(Ecc::Quartile)),
        Some((name, "h")) => (name, Some(Ecc::High)),
        Some(_) => return None,
    };
    if free_level.is_some() && name == "linux" {
        return None;
    }
    let kind = match name {
        "linux" => Kind::Linux,
        "default" => Kind::Ours(Policy::DEFAULT),
        "largest" => Kind::Ours(Policy::LARGEST),
        "recommended" => Kind::Ours(Policy::MEDIUM_ECC),
        _ => {
            let rest = name.strip_prefix('v')?;
            let digits = rest.find(|c: char| !c.is_ascii_digit())?;
            let version = Version::new(rest[..digits].parse().ok()?)?;
            let mut chars = rest[digits..].chars();
            let ecc = match chars.next()? {
                'L' => Ecc::Low,
                'M' => Ecc::Medium,
                'Q' => Ecc::Quartile,
                'H' => Ecc::High,
                _ => return None,
            };
            let rest = chars.as_str();
            let (rest, max_modules_across) = match rest.split_once('a') {
                Some((rest, n)) => (rest, n.parse().ok()?),
                None => (rest, 0),
            };
            let min_scale = match rest.strip_prefix('s') {
                Some(n) => n.parse().ok()?,
                None if rest.is_empty() => Policy::DEFAULT.min_scale,
                None => return None,
            };
            Kind::Ours(Policy {
                min_scale,
                max_version: version,
                ecc,
                max_modules_across,
                ..Policy::DEFAULT
            })
        }
    };
    Some(Candidate {
        name: full_name.to_owned(),
        kind,
        free_level,
    })
}

/// A painted code: what the camera sees, and what the code carries.
struct Rendered {
    scene: Scene,
    scale: u32,
    version: u8,
    ecc: Ecc,
    /// The log bytes carried: what a successful read must give back.
    tail: Vec<u8>,
    /// The whole log is carried.
    whole: bool,
}

/// Encodes `log` with `candidate` and paints it on a `width × height` screen.
/// Returns `None` when the candidate shows no code on this screen.
fn render(candidate: &Candidate, log: &[u8], (width, height): (u32, u32)) -> Option<Rendered> {
    let screen = Screen {
        width,
        height,
        font_width: FONT.0,
        font_height: FONT.1,
        text_lines: TEXT.0,
        text_columns: TEXT.1,
    };
    let (options, dictionary) = match candidate.kind {
        Kind::Linux => (
            Options {
                min_version: Version::MIN,
                max_version: Version::MAX,
                ecc: Ecc::Low,
                boost_ecc: false,
                mask: Mask::new(0),
                polarity: Polarity::DarkIsSet,
            },
            false,
        ),
        Kind::Ours(policy) => {
            let plan = layout::plan(&screen, &policy).ok()?;
            (
                Options {
                    max_version: plan.version,
                    ecc: policy.ecc,
                    ..Options::default()
                },
                true,
            )
        }
    };
    let request = KmsgRequest {
        base_url: Some(BASE_URL),
        arch: ARCH,
        release: RELEASE,
        dictionary,
        effort: Effort::Best,
        options,
    };
    let mut workspace = vec![0u8; workspace_len()];
    let mut scratch = vec![0u8; scratch_buffer_len(options.max_version)];
    let mut image = vec![0u8; image_buffer_len(options.max_version)];
    // Sized only for a `+<level>` candidate; it holds the code that wins.
    let mut free_image = Vec::new();
    let (mut code, mut report) =
        encode_kmsg(log, &request, &mut workspace, &mut scratch, &mut image).ok()?;
    if let Some(level) = candidate.free_level {
        // The higher level when it carries every byte the policy's does.
        let free = KmsgRequest {
            options: Options {
                ecc: level,
                ..options
            },
            ..request
        };
        let mut free_scratch = vec![0u8; scratch_buffer_len(options.max_version)];
        free_image.resize(image_buffer_len(options.max_version), 0);
        if let Ok((free_code, free_report)) = encode_kmsg(
            log,
            &free,
            &mut workspace,
            &mut free_scratch,
            &mut free_image,
        ) {
            if free_report.tail_start == report.tail_start {
                (code, report) = (free_code, free_report);
            }
        }
    }
    let modules = u32::from(code.width());
    let geometry = match candidate.kind {
        Kind::Linux => linux_geometry(width, height, modules)?,
        Kind::Ours(policy) => layout::place(&screen, &policy, modules).ok()?,
    };
    let pitch = width as usize * 4;
    let mut framebuffer = vec![0u8; pitch * height as usize];
    let palette = Palette::new(PixelFormat::Xrgb8888, 0x00ff_ffff, 0);
    paint_canvas(&code, &geometry, &palette, &mut framebuffer, pitch).ok()?;
    let rect = geometry.canvas;
    let mut canvas = Vec::with_capacity(rect.width as usize * rect.height as usize);
    for y in rect.y..rect.y + rect.height {
        let row = y as usize * pitch;
        for x in rect.x..rect.x + rect.width {
            // XRGB8888 is little-endian B, G, R, X; the colours are grey.
            canvas.push(framebuffer[row + x as usize * 4 + 1]);
        }
    }
    Some(Rendered {
        scene: Scene {
            canvas,
            rect,
            code: geometry.modules,
            screen: (width, height),
        },
        scale: geometry.scale,
        version: code.version().number(),
        ecc: code.ecc(),
        tail: log[report.tail_start..].to_vec(),
        whole: report.tail_start == 0,
    })
}

/// Linux's `draw_panic_static_qr_code` layout: the largest integer scale
/// that fits three quarters of the smaller side, at least 2. The canvas is
/// centred (where it is does not matter to the camera, which frames it).
fn linux_geometry(width: u32, height: u32, modules: u32) -> Option<Geometry> {
    let quiet = 4;
    let canvas_modules = modules + 2 * quiet;
    let scale = (3 * width / 4).min(3 * height / 4) / canvas_modules;
    if scale < 2 {
        return None;
    }
    let side = canvas_modules * scale;
    let canvas = Rect {
        x: (width - side) / 2,
        y: (height - side) / 2,
        width: side,
        height: side,
    };
    Some(Geometry {
        canvas,
        modules: Rect {
            x: canvas.x + quiet * scale,
            y: canvas.y + quiet * scale,
            width: modules * scale,
            height: modules * scale,
        },
        text: Rect::default(),
        scale,
        quiet_zone: quiet,
        width_modules: modules,
    })
}

/// Whether `payload` is a panic URL that gives back exactly `tail`.
fn is_exact(payload: &[u8], tail: &[u8]) -> bool {
    payload.starts_with(BASE_URL)
        && decode_payload(payload).is_ok_and(|decoded| decoded.log == tail)
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

struct Args {
    seeds: usize,
    framing: Framing,
    policies: Vec<String>,
    conditions: Vec<String>,
    /// The external decoders asked for (all by default; each runs only
    /// where it is installed).
    externals: Vec<External>,
    /// A folder to keep every photo in, as PGM, with its verdicts.
    dump: Option<PathBuf>,
    /// Put the boot messages of a real kernel before each crash log.
    full_logs: bool,
    /// The screens, [`SCREENS`] unless `--screens` names others.
    screens: Vec<(u32, u32)>,
}

fn parse_args() -> Args {
    let mut args = Args {
        seeds: 20,
        framing: Framing::Code,
        policies: vec!["linux".into(), "default".into(), "recommended".into()],
        conditions: Vec::new(),
        externals: External::ALL.to_vec(),
        dump: None,
        full_logs: false,
        screens: SCREENS.to_vec(),
    };
    let list = |s: Option<String>| -> Vec<String> {
        s.unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--seeds" => args.seeds = it.next().and_then(|s| s.parse().ok()).unwrap_or(20),
            "--policies" => args.policies = list(it.next()),
            "--conditions" => args.conditions = list(it.next()),
            "--no-zbar" => args.externals.retain(|&e| e != External::Zbar),
            "--no-zxing" => args.externals.retain(|&e| e != External::Zxing),
            "--dump" => args.dump = it.next().map(PathBuf::from),
            "--full-logs" => args.full_logs = true,
            "--screens" => {
                args.screens = list(it.next())
                    .iter()
                    .filter_map(|size| {
                        let (width, height) = size.split_once('x')?;
                        Some((width.parse().ok()?, height.parse().ok()?))
                    })
                    .filter(|&(width, height)| width > 0 && height > 0)
                    .collect();
                if args.screens.is_empty() {
                    args.screens = SCREENS.to_vec();
                }
            }
            "--framing" => {
                args.framing = match it.next().as_deref() {
                    Some("screen") => Framing::Screen,
                    _ => Framing::Code,
                }
            }
            // `cargo bench` passes `--bench`.
            _ => {}
        }
    }
    args
}

/// The kernel messages of a real Linux 6.12.117 boot under QEMU, up to the
/// panic (`kernel-glue/linux/e2e.sh`'s serial log, its marker line left out).
const BOOT_LOG: &[u8] = include_bytes!("data/qemu-boot-6.12.log");

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = std::env::var_os("PANICQR_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"));
    let mut logs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "log"))
                .filter_map(|p| {
                    let name = p.file_name()?.to_string_lossy().into_owned();
                    Some((name, std::fs::read(&p).ok()?))
                })
                .collect()
        })
        .unwrap_or_default();
    logs.sort();
    logs
}

/// Successes out of trials.
#[derive(Clone, Copy, Default)]
struct Count {
    read: usize,
    total: usize,
}

impl Count {
    fn add(&mut self, read: bool) {
        self.read += usize::from(read);
        self.total += 1;
    }

    fn cell(&self) -> String {
        if self.total == 0 {
            "-".into()
        } else {
            format!("{:.0} %", 100.0 * self.read as f64 / self.total as f64)
        }
    }
}

fn main() {
    let args = parse_args();
    let mut logs = corpus();
    if args.full_logs {
        // At a real panic the kernel's buffer holds the boot before the
        // crash: every log then outgrows a version 40 code.
        for (_, log) in &mut logs {
            log.splice(0..0, BOOT_LOG.iter().copied());
        }
    }
    if logs.is_empty() {
        eprintln!("scannability: no *.log files in the corpus (set PANICQR_CORPUS); skipped");
        return;
    }
    let externals: Vec<External> = args
        .externals
        .iter()
        .copied()
        .filter(|e| e.available())
        .collect();
    let mut chosen = Vec::new();
    for name in &args.policies {
        match candidate(name) {
            Some(c) => chosen.push(c),
            None => eprintln!("scannability: unknown policy {name}, skipped"),
        }
    }
    let rows: Vec<(Condition, &str)> = camera::conditions()
        .into_iter()
        .filter(|(c, _)| {
            args.conditions.is_empty() || args.conditions.iter().any(|n| n == c.name())
        })
        .collect();
    let start = Instant::now();

    // Seed `i` of `n` photographs log `i × logs / n`: spread over the
    // corpus. Encode and paint each of those once per policy and screen.
    let log_of = |seed: usize| seed * logs.len() / args.seeds.max(1);
    let mut rendered: Vec<Vec<Vec<Option<Rendered>>>> = Vec::new();
    println!("## Codes\n");
    println!("| policy | screen | version (mean) | scale (mean) | photo pixels per module, screen framing (mean) | ECC levels | log bytes carried (mean) | logs carried whole |");
    println!("|---|---|---|---|---|---|---|---|");
    for candidate in &chosen {
        let mut per_screen = Vec::new();
        for &screen in &args.screens {
            let codes: Vec<Option<Rendered>> = logs
                .iter()
                .enumerate()
                .map(|(i, (_, log))| {
                    let used = (0..args.seeds).any(|seed| log_of(seed) == i);
                    if used {
                        render(candidate, log, screen)
                    } else {
                        None
                    }
                })
                .collect();
            let shown: Vec<&Rendered> = codes.iter().flatten().collect();
            let n = shown.len().max(1) as f64;
            let mean = |f: &dyn Fn(&Rendered) -> f64| shown.iter().map(|r| f(r)).sum::<f64>() / n;
            let mut levels = String::new();
            for ecc in Ecc::ALL {
                let count = shown.iter().filter(|r| r.ecc == ecc).count();
                if count > 0 {
                    let _ = write!(levels, "{ecc:?}×{count} ");
                }
            }
            let whole = shown.iter().filter(|r| r.whole).count();
            // The mean fill of the frame in screen framing is 87.5 %.
            let photo_scale = 0.875
                * (PHOTO_W as f64 / f64::from(screen.0)).min(PHOTO_H as f64 / f64::from(screen.1));
            println!(
                "| {} | {}×{} | {:.1} | {:.1} | {:.1} | {}| {:.0} | {whole} of {} |",
                candidate.name,
                screen.0,
                screen.1,
                mean(&|r| f64::from(r.version)),
                mean(&|r| f64::from(r.scale)),
                mean(&|r| f64::from(r.scale)) * photo_scale,
                levels,
                mean(&|r| r.tail.len() as f64),
                shown.len(),
            );
            per_screen.push(codes);
        }
        rendered.push(per_screen);
    }
    println!();

    let temp = std::env::temp_dir().join(format!("panicqr-scannability-{}", std::process::id()));
    if !externals.is_empty() {
        let _ = std::fs::create_dir_all(&temp);
    }
    let mut header = String::from("| condition | strength | parameter |");
    let mut rule = String::from("|---|---|---|");
    for decoder in ["rqrr"]
        .into_iter()
        .chain(External::ALL.iter().map(|e| e.name()))
    {
        for candidate in &chosen {
            let name = &candidate.name;
            let _ = write!(header, " {name} {decoder} |");
            rule.push_str("---|");
        }
    }
    println!(
        "## Read exactly, {} seeds × {} screens per cell, framing: {:?}\n",
        args.seeds,
        args.screens.len(),
        args.framing,
    );
    println!("{header}\n{rule}");
    for (row, &(condition, strength)) in rows.iter().enumerate() {
        let mut rqrr_counts = vec![Count::default(); chosen.len()];
        // Per policy: the photos' files, the photos no external decoder
        // sees (no code on the screen: failures), and a batch per decoder.
        let mut batches = Vec::new();
        for (p, _) in chosen.iter().enumerate() {
            let mut files = Vec::new();
            let mut tails = Vec::new();
            let mut unseen = 0;
            for (s, &screen) in args.screens.iter().enumerate() {
                // A default screen draws the same photos whichever screens
                // run with it; another gets draws of its own.
                let draw = SCREENS
                    .iter()
                    .position(|&default| default == screen)
                    .unwrap_or(SCREENS.len() + s);
                for seed in 0..args.seeds {
                    let Some(code) = &rendered[p][s][log_of(seed)] else {
                        // No code on this screen: nothing to read.
                        rqrr_counts[p].add(false);
                        unseen += 1;
                        continue;
                    };
                    let photo = photograph(
                        &code.scene,
                        condition,
                        args.framing,
                        seed_of(&[row as u64, draw as u64, seed as u64]),
                    );
                    let read = rqrr_reads(&photo, |payload| is_exact(payload, &code.tail));
                    rqrr_counts[p].add(read);
                    if let Some(dir) = &args.dump {
                        let _ = std::fs::create_dir_all(dir);
                        let name = format!(
                            "{}-{strength}-{}-{}x{}-{seed}-v{}-{}.pgm",
                            condition.name(),
                            chosen[p].name,
                            screen.0,
                            screen.1,
                            code.version,
                            if read { "read" } else { "fail" },
                        );
                        let _ = write_pgm(&dir.join(name), &photo);
                    }
                    let file = temp.join(format!("{row}-{p}-{s}-{seed}.pgm"));
                    if !externals.is_empty() && write_pgm(&file, &photo).is_ok() {
                        tails.push(code.tail.clone());
                        files.push(file);
                    } else {
                        unseen += 1;
                    }
                }
            }
            let started: Vec<Option<Batch>> =
                externals.iter().map(|&e| batch_start(e, &files)).collect();
            batches.push((unseen, files, tails, started));
        }
        let mut line = format!(
            "| {} | {strength} | {} |",
            condition.name(),
            condition.parameter()
        );
        for count in &rqrr_counts {
            let _ = write!(line, " {} |", count.cell());
        }
        // Cells in decoder-major order, as the header.
        let mut cells = vec![vec![String::from("-"); chosen.len()]; External::ALL.len()];
        for (p, (unseen, files, tails, started)) in batches.into_iter().enumerate() {
            // A decoder that failed to start leaves its cell at `-`.
            for batch in started.into_iter().flatten() {
                let column = batch.decoder as usize;
                let mut count = Count::default();
                for _ in 0..unseen {
                    count.add(false);
                }
                for read in batch_finish(batch, &files, |i, payload| is_exact(payload, &tails[i])) {
                    count.add(read);
                }
                cells[column][p] = count.cell();
            }
            for file in &files {
                let _ = std::fs::remove_file(file);
            }
        }
        for cell in cells.iter().flatten() {
            let _ = write!(line, " {cell} |");
        }
        println!("{line}");
        let _ = std::io::stdout().flush();
    }
    if !externals.is_empty() {
        let _ = std::fs::remove_dir_all(&temp);
    }
    for decoder in External::ALL {
        if !externals.contains(&decoder) {
            println!(
                "\n{} not found or disabled: the {} columns are empty.",
                decoder.program(),
                decoder.name()
            );
        }
    }
    println!(
        "\n{} seeds, {} rows, {} policies: {:.1} s",
        args.seeds,
        rows.len(),
        chosen.len(),
        start.elapsed().as_secs_f64()
    );
}
