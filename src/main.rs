//! The `tonetrack` command: parse arguments, run, print errors, exit 0 / 1 / 2.

mod cli;
mod commands;
mod label_ui;
mod output;
mod sinks;

use clap::Parser;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Stopped by Ctrl-C or SIGTERM, no destructor runs: the temporary files of the outputs
    // being written would be left beside them, and the labeling screen's terminal raw.
    let _ = ctrlc::set_handler(|| {
        tonetrack::output_file::remove_temporary_files();
        label_ui::restore_terminal();
        std::process::exit(130);
    });
    let cli = cli::Cli::parse();
    let command = cli.command.name();
    let code = match commands::run(cli.command) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => {
            output::print_error(&err);
            if let Some(hint) = commands::flag_hint(&err, command) {
                eprintln!("  hint: {hint}");
            }
            2
        }
    };
    std::process::exit(code);
}
