//! [`Suite`]: runs the feature files against one [`Backend`].

use std::collections::BTreeMap;
use std::io;
use std::sync::{Arc, Mutex, PoisonError};

use adapter_core::{Clock as _, ManualClock, SystemClock, UserIdGenerator};
use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::tag::Ext as _;
use cucumber::writer::{Coloring, Verbosity};
use cucumber::StatsWriter as _;
use cucumber::{
    event::ScenarioFinished, gherkin, parser, runner, writer, Cucumber, WriterExt as _,
};

use crate::world::World;
use crate::{features, namespace, steps, Backend, Report, ScenarioEnv};

/// The tag that gives a scenario's adapter an id generator.
const ID_GENERATION_TAG: &str = "requires.id_generation";

/// The conformance suite, ready to run against one backend.
///
/// ```no_run
/// # async fn demo(backend: impl adapter_conformance::Backend) {
/// use adapter_conformance::Suite;
/// let report = Suite::new(backend).tags("@sessions and not @slow").run().await;
/// println!("{report}");
/// # }
/// ```
pub struct Suite {
    backend: Arc<dyn Backend>,
    tags: Option<String>,
    quiet: bool,
    max_concurrent_scenarios: usize,
}

impl Suite {
    /// The whole suite against `backend`.
    pub fn new(backend: impl Backend) -> Self {
        Self::from_arc(Arc::new(backend))
    }

    /// The whole suite against a shared backend.
    pub fn from_arc(backend: Arc<dyn Backend>) -> Self {
        Self {
            backend,
            tags: None,
            quiet: false,
            max_concurrent_scenarios: 16,
        }
    }

    /// Runs only the scenarios matching a cucumber tag expression, e.g.
    /// `"@users and not @slow"`. Capability gating applies on top.
    pub fn tags(mut self, expression: impl Into<String>) -> Self {
        self.tags = Some(expression.into());
        self
    }

    /// Prints only the suite's own lines, not cucumber's step-by-step output.
    pub fn quiet(mut self) -> Self {
        self.quiet = true;
        self
    }

    /// How many scenarios run at once (16 by default).
    pub fn max_concurrent_scenarios(mut self, max: usize) -> Self {
        self.max_concurrent_scenarios = max.max(1);
        self
    }

    /// Runs the suite, prints cucumber's summary (unless [`quiet`](Self::quiet))
    /// and a line per capability that skipped scenarios, and returns the [`Report`].
    ///
    /// Needs a Tokio runtime (the concurrency scenarios spawn tasks); a
    /// multi-threaded one makes their races real.
    pub async fn run(self) -> Report {
        let backend_name = self.backend.name();
        let mut report = Report {
            backend: backend_name.clone(),
            ..Report::default()
        };
        let tags = match self
            .tags
            .as_deref()
            .map(str::parse::<TagOperation>)
            .transpose()
        {
            Ok(tags) => tags,
            Err(err) => {
                eprintln!(
                    "adapter-conformance: bad tag expression {:?}: {err}",
                    self.tags
                );
                report.parsing_errors = 1;
                return report;
            }
        };
        let dir = match features::directory() {
            Ok(dir) => dir,
            Err(err) => {
                eprintln!("adapter-conformance: cannot provide the feature files: {err}");
                report.parsing_errors = 1;
                return report;
            }
        };

        let gated: Arc<Mutex<BTreeMap<String, Vec<String>>>> = Arc::default();
        let failed: Arc<Mutex<Vec<String>>> = Arc::default();
        let filter = gate(self.backend.capabilities(), tags, Arc::clone(&gated));
        let open_backend = Arc::clone(&self.backend);
        let cleanup_backend = Arc::clone(&self.backend);
        let failed_in_hook = Arc::clone(&failed);

        let output: Box<dyn io::Write> = if self.quiet {
            Box::new(io::sink())
        } else {
            Box::new(io::stdout())
        };
        let writer = Cucumber::<World, _, _, _, _, cucumber::cli::Empty>::custom(
            parser::Basic::new(),
            runner::Basic::default(),
            writer::Basic::new(output, Coloring::Auto, Verbosity::Default).summarized(),
        )
        .steps(steps::collection())
        .max_concurrent_scenarios(self.max_concurrent_scenarios)
        .before(move |_, _, scenario, world: &mut World| {
            let backend = Arc::clone(&open_backend);
            let with_ids = scenario.tags.iter().any(|tag| tag == ID_GENERATION_TAG);
            Box::pin(async move {
                let env = scenario_env(with_ids);
                match backend.open(&env).await {
                    Ok(fixture) => world.attach(backend, env, fixture),
                    Err(err) => panic!(
                        "{} backend could not open namespace {}: {err}",
                        backend.name(),
                        env.namespace
                    ),
                }
            })
        })
        .after(move |feature, _, scenario, finished, world: Option<&mut World>| {
            let backend = Arc::clone(&cleanup_backend);
            let failed = Arc::clone(&failed_in_hook);
            let name = scenario_name(feature, scenario);
            let passed = matches!(finished, ScenarioFinished::StepPassed);
            let env = world.and_then(|world| world.env().cloned());
            Box::pin(async move {
                match (passed, env) {
                    (true, Some(env)) => {
                        if let Err(err) = backend.cleanup(&env).await {
                            eprintln!("adapter-conformance: cleanup of {} failed: {err}", env.namespace);
                        }
                    }
                    (true, None) => {}
                    (false, env) => {
                        let namespace = env.map_or_else(|| "(not opened)".to_string(), |env| env.namespace);
                        eprintln!("adapter-conformance: FAILED {name}; its data is kept in namespace {namespace}");
                        failed.lock().unwrap_or_else(PoisonError::into_inner).push(name);
                    }
                }
            })
        })
        .fail_on_skipped()
        .with_default_cli()
        .filter_run(dir, filter)
        .await;

        let stats = writer.scenarios_stats();
        report.passed = stats.passed;
        report.failed = stats.failed;
        report.parsing_errors = writer.parsing_errors();
        report.hook_errors = writer.hook_errors();
        report.cucumber_failed = writer.execution_has_failed();
        report.failed_scenarios =
            std::mem::take(&mut *failed.lock().unwrap_or_else(PoisonError::into_inner));
        let gated = std::mem::take(&mut *gated.lock().unwrap_or_else(PoisonError::into_inner));
        report.skipped_by_capability = gated
            .iter()
            .map(|(cap, names)| (cap.clone(), names.len()))
            .collect();
        report.skipped = stats.skipped + gated.values().map(Vec::len).sum::<usize>();
        print_gated(&backend_name, &gated, !self.quiet);
        report
    }
}

/// The scenario filter: the tag expression, then capability gating, which
/// records every scenario it holds back under the capabilities it lacks.
fn gate(
    capabilities: crate::Capabilities,
    tags: Option<TagOperation>,
    gated: Arc<Mutex<BTreeMap<String, Vec<String>>>>,
) -> impl Fn(&gherkin::Feature, Option<&gherkin::Rule>, &gherkin::Scenario) -> bool + 'static {
    move |feature, rule, scenario| {
        let all_tags = || {
            feature
                .tags
                .iter()
                .chain(rule.into_iter().flat_map(|rule| &rule.tags))
                .chain(&scenario.tags)
        };
        if tags.as_ref().is_some_and(|tags| !tags.eval(all_tags())) {
            return false;
        }
        let mut missing: Vec<&str> = all_tags()
            .filter(|tag| {
                tag.strip_prefix("requires.")
                    .is_some_and(|cap| !capabilities.has(cap))
            })
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            return true;
        }
        missing.sort_unstable();
        missing.dedup();
        gated
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(missing.join(" "))
            .or_default()
            .push(scenario_name(feature, scenario));
        false
    }
}

fn print_gated(backend: &str, gated: &BTreeMap<String, Vec<String>>, list_scenarios: bool) {
    if gated.is_empty() {
        return;
    }
    let total: usize = gated.values().map(Vec::len).sum();
    let per_capability: Vec<String> = gated
        .iter()
        .map(|(cap, names)| format!("{} for lacking @{cap}", names.len()))
        .collect();
    // On stderr, beside the suite's FAILED lines: stdout may be a caller's JSON.
    eprintln!(
        "SKIPPED {total} scenario(s) not applicable to the {backend} backend: {}",
        per_capability.join(", ")
    );
    for (cap, names) in gated.iter().filter(|_| list_scenarios) {
        for name in names {
            eprintln!("  skipped (@{cap}): {name}");
        }
    }
}

/// `"<feature file>: <scenario> (line N)"`.
fn scenario_name(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> String {
    let file = feature
        .path
        .as_ref()
        .and_then(|path| path.file_name())
        .map_or_else(
            || feature.name.clone(),
            |name| name.to_string_lossy().into_owned(),
        );
    format!(
        "{file}: {} (line {})",
        scenario.name, scenario.position.line
    )
}

/// A fresh namespace, a manual clock at the real time (so that servers that
/// expire records themselves agree with it), and an id generator if asked.
fn scenario_env(with_id_generator: bool) -> ScenarioEnv {
    let namespace = namespace::fresh();
    let id_generator = with_id_generator.then(|| {
        let prefix = format!("gen_{namespace}_");
        let counter = std::sync::atomic::AtomicU64::new(0);
        let generator: UserIdGenerator = Arc::new(move || {
            format!(
                "{prefix}{}",
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            )
        });
        generator
    });
    ScenarioEnv {
        namespace,
        clock: Arc::new(ManualClock::new(SystemClock.now_ms())),
        id_generator,
    }
}
