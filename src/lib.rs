//! flakelog: mine CPython regrtest logs. Layers, each using only those before it:
//! `input` (bytes → normalised lines) → `grammar` (line kinds) → `leak` (what leaked) →
//! `run` (runs, tests, events) → `output` (CSV / JSON / JSON Lines).

pub mod cli;
pub mod cmd;
pub mod filter;
pub mod grammar;
pub mod input;
pub mod kind;
pub mod leak;
pub mod output;
pub mod reason;
pub mod report;
pub mod run;
pub mod scan;
pub mod stats;
pub mod text;
