//! `patientgen report FILE [--json]`: the calibration table of an NDJSON file (docs/REPORT.md).
//! The logic is the core's (`patientgen::report`); this reads the file in blocks and prints.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::PathBuf;

use patientgen::report::CalibrationReader;

use super::term::note;
use super::{EXIT_INPUT, EXIT_IO};

/// Arguments of `patientgen report`.
#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// NDJSON file of generated patients (`-` for stdin).
    file: PathBuf,
    /// Print the report as JSON instead of Markdown tables.
    #[arg(long)]
    json: bool,
}

/// Runs the subcommand; returns the exit code (1 invalid input, naming the line; 2 I/O).
pub fn run(args: ReportArgs) -> i32 {
    let name = args.file.display().to_string();
    let mut input: Box<dyn Read> = if args.file.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        match File::open(&args.file) {
            Ok(f) => Box::new(f),
            Err(e) => {
                note!("error: reading {name}: {e}");
                return EXIT_IO;
            }
        }
    };
    let mut reader = CalibrationReader::new();
    let mut block = vec![0u8; 1 << 16];
    loop {
        match input.read(&mut block) {
            Ok(0) => break,
            Ok(n) => {
                if let Err(e) = reader.push(block.get(..n).unwrap_or_default()) {
                    note!("error: {e}");
                    return EXIT_INPUT;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                note!("error: reading {name}: {e}");
                return EXIT_IO;
            }
        }
    }
    let figures = match reader.finish() {
        Ok(c) => c.figures(),
        Err(e) => {
            note!("error: {e}");
            return EXIT_INPUT;
        }
    };
    let text = if args.json { figures.to_json() } else { figures.to_markdown() };
    match io::stdout().lock().write_all(text.as_bytes()).and_then(|()| io::stdout().lock().flush()) {
        Ok(()) => 0,
        Err(e) => {
            note!("error: writing stdout: {e}");
            EXIT_IO
        }
    }
}
