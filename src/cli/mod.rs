//! The commands' code, one module each; `main.rs` holds the argument definitions' outline
//! and dispatches. Here: what several commands share on the command line.

pub mod check;
pub mod compat;
pub mod diff;
pub mod golden;
pub mod import;
pub mod out;
#[cfg(feature = "serve")]
pub mod proxy;
#[cfg(feature = "serve")]
pub mod serve;
pub mod validate;

use relation_contract::contract::{Contract, ContractChoice};
use relation_contract::pipeline::Engine;
use relation_contract::report;

/// Colour on the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

impl ColorArg {
    /// Whether to colour output on a stream that is (or is not) a terminal.
    pub fn on(self, is_terminal: bool) -> bool {
        match self {
            ColorArg::Auto => report::color_wanted(is_terminal),
            ColorArg::Always => true,
            ColorArg::Never => false,
        }
    }
}

/// `--contract`: a version's name or `auto`.
pub fn parse_contract(word: &str) -> Result<ContractChoice, String> {
    ContractChoice::from_arg(word).ok_or_else(|| format!("`{word}`: services84 ... 88 or auto"))
}

/// `--engine`: `fast`, `xsd` or `both`, as the library spells them.
pub fn parse_engine(word: &str) -> Result<Engine, String> {
    Engine::parse(word).ok_or_else(|| format!("`{word}`: fast, xsd or both"))
}

/// `--from` / `--to`: a version's name.
pub fn parse_version(word: &str) -> Result<Contract, String> {
    Contract::from_arg(word).ok_or_else(|| format!("`{word}`: services84 ... services88"))
}
