//! The command line, as clap reads it.

use clap::{Parser, Subcommand};

/// Operate an auth store: try it, set it up, check it, count and purge it.
#[derive(Debug, Parser)]
#[command(name = "adapter", version, about)]
pub struct Cli {
    /// The store's URL: sqlite:FILE, postgres://…, mysql://…, mongodb://…, memory:
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        default_value = "sqlite:adapter.db"
    )]
    pub url: String,

    /// Keep sessions and refresh tokens in this session store (redis://…),
    /// users at --url, composed with Split.
    #[arg(long, global = true, env = "SESSIONS_URL")]
    pub sessions_url: Option<String>,

    /// Decide expiry as of this instant (milliseconds since the Unix epoch)
    /// instead of now, for `stats` and `purge-expired` (which then deletes
    /// what will have expired by that instant). Other commands ignore it.
    #[arg(long, global = true, value_name = "MS")]
    pub at: Option<i64>,

    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a real sign-up, sign-in, session, refresh and sign-out flow through the adapter.
    Demo,
    /// Create the schema or indexes where missing and verify what exists.
    Migrate {
        /// Only verify; change nothing.
        #[arg(long)]
        verify: bool,
    },
    /// Count users, live and expired sessions, and refresh tokens.
    Stats,
    /// Delete expired sessions in bounded batches; safe beside live traffic and from cron.
    PurgeExpired {
        /// Sessions deleted per statement.
        #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
        batch: u64,
    },
    /// Run the conformance suite against the URL's server, in namespaces of
    /// its own that it removes afterwards; existing data is never touched.
    Check {
        /// Only scenarios matching this cucumber tag expression.
        #[arg(long)]
        tags: Option<String>,
    },
    /// Measure each operation through the adapter beside the raw driver doing
    /// the same work, in the same run. Seeds its own records: point it at a
    /// scratch database.
    Bench(BenchArgs),
}

/// Options of `adapter bench`.
#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Seeded users.
    #[arg(long, default_value_t = 10_000)]
    pub users: usize,
    /// Sessions per seeded user.
    #[arg(long, default_value_t = 3)]
    pub sessions_per_user: usize,
    /// Concurrent tasks; repeat for several (default: 1 and 32).
    #[arg(long)]
    pub concurrency: Vec<usize>,
    /// Seconds per operation and concurrency, both sides together.
    #[arg(long, default_value_t = 6.0)]
    pub duration: f64,
    /// Expired sessions for the delete_expired_sessions measurement.
    #[arg(long, default_value_t = 100_000)]
    pub expired_sessions: usize,
    /// A small, fast run (for CI): 500 users, concurrency 1 and 8, 0.6 s each, 5 000 expired sessions.
    #[arg(long)]
    pub quick: bool,
}
