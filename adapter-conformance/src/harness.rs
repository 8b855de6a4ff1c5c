//! Helpers for `harness = false` test mains.

use crate::{Backend, Suite};

/// Runs the whole suite on `backend` from a test's `main`: builds a Tokio
/// runtime, takes a tag filter from `--tags <expr>` / `-t <expr>` or
/// `CUCUMBER_FILTER_TAGS`, prints the results, and exits with status 1 if
/// anything failed.
///
/// ```no_run
/// # struct MyBackend;
/// # #[async_trait::async_trait]
/// # impl adapter_conformance::Backend for MyBackend {
/// #     fn name(&self) -> String { "mine".into() }
/// #     fn capabilities(&self) -> adapter_conformance::Capabilities { Default::default() }
/// #     async fn open(&self, _: &adapter_conformance::ScenarioEnv) -> Result<adapter_conformance::Fixture, adapter_conformance::BoxError> { todo!() }
/// # }
/// fn main() {
///     adapter_conformance::run_main(MyBackend);
/// }
/// ```
pub fn run_main(backend: impl Backend) {
    let mut suite = Suite::new(backend);
    if let Some(tags) = tag_filter(std::env::args().skip(1)) {
        suite = suite.tags(tags);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("adapter-conformance: cannot start a Tokio runtime: {err}");
            std::process::exit(1);
        }
    };
    let report = runtime.block_on(suite.run());
    println!("{report}");
    if report.execution_has_failed() {
        std::process::exit(1);
    }
}

/// Runs the whole suite twice from a test's `main`, as [`run_main`] does:
/// first on the backend `make` gives, then on another in tokens-at-rest mode
/// ([`Hashed`](crate::backends::hashed::Hashed)). Exits with status 1 as soon
/// as one run fails.
///
/// ```no_run
/// use adapter_conformance::backends::memory::MemoryBackend;
/// adapter_conformance::run_main_plain_and_hashed(MemoryBackend::new);
/// ```
pub fn run_main_plain_and_hashed<B: Backend>(make: impl Fn() -> B) {
    run_main(make());
    run_main(crate::backends::hashed::Hashed::new(make()));
}

/// The tag expression from `--tags <expr>`, `--tags=<expr>`, `-t <expr>`, or
/// else from `CUCUMBER_FILTER_TAGS`. Other arguments (libtest flags that
/// `cargo test` may pass) are ignored with a note.
fn tag_filter(args: impl Iterator<Item = String>) -> Option<String> {
    let mut args = args.peekable();
    let mut tags = None;
    while let Some(arg) = args.next() {
        if arg == "--tags" || arg == "-t" {
            tags = args.next();
        } else if let Some(value) = arg.strip_prefix("--tags=") {
            tags = Some(value.to_string());
        } else {
            eprintln!(
                "adapter-conformance: ignoring argument {arg:?} (only --tags <expr> is understood)"
            );
        }
    }
    tags.or_else(|| std::env::var("CUCUMBER_FILTER_TAGS").ok())
        .filter(|tags| !tags.trim().is_empty())
}

/// The value of the environment variable `var` that a backend's harness needs
/// (a server URL), read at run time.
///
/// When it is missing: with `CI=true` that is a failure (a message on stderr
/// and exit status 1); locally a loud `SKIPPED: <backend> backend: <var> not
/// set` on stderr and `None`, so the harness returns and exits 0.
///
/// ```no_run
/// let Some(url) = adapter_conformance::require_env("MONGODB_URL", "mongo") else { return };
/// // build the backend from `url` and call adapter_conformance::run_main(..)
/// # let _ = url;
/// ```
pub fn require_env(var: &str, backend: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(value) if !value.trim().is_empty() => Some(value),
        _ if is_ci() => {
            eprintln!("FAILED: {backend} backend: {var} not set, and CI=true requires every backend to run");
            std::process::exit(1);
        }
        _ => {
            eprintln!("SKIPPED: {backend} backend: {var} not set (set it to run the conformance suite on {backend})");
            None
        }
    }
}

fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value.eq_ignore_ascii_case("true") || value == "1")
}

#[cfg(test)]
mod tests {
    use super::tag_filter;

    fn args(list: &[&str]) -> impl Iterator<Item = String> {
        list.iter()
            .map(|arg| arg.to_string())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn reads_tags_in_both_spellings() {
        assert_eq!(
            tag_filter(args(&["--tags", "@users"])).as_deref(),
            Some("@users")
        );
        assert_eq!(
            tag_filter(args(&["--tags=@a and @b"])).as_deref(),
            Some("@a and @b")
        );
        assert_eq!(
            tag_filter(args(&["-t", "@x", "--nocapture"])).as_deref(),
            Some("@x")
        );
    }
}
