//! A sequence of named, timed checks, printed as they run or as JSON at the end.

use std::time::Instant;

use serde::Serialize;

/// One step's outcome.
#[derive(Debug, Serialize)]
pub struct Step {
    /// What the step does.
    pub name: String,
    /// Whether it behaved as the contract says.
    pub ok: bool,
    /// What it saw.
    pub detail: String,
    /// How long it took, in milliseconds.
    pub ms: f64,
}

/// Runs steps, stopping at the first that fails.
#[derive(Debug, Default, Serialize)]
pub struct Steps {
    /// The steps run so far.
    pub steps: Vec<Step>,
    #[serde(skip)]
    json: bool,
}

impl Steps {
    /// Prints each step as it ends unless `json`.
    pub fn new(json: bool) -> Self {
        Self {
            steps: Vec::new(),
            json,
        }
    }

    /// Whether every step so far passed.
    pub fn ok(&self) -> bool {
        self.steps.iter().all(|step| step.ok)
    }

    /// Runs `check` as the step `name` unless an earlier step failed; its
    /// `Ok` is the detail to show, its `Err` why it misbehaved.
    pub async fn run<F>(&mut self, name: &str, check: F)
    where
        F: std::future::Future<Output = Result<String, String>>,
    {
        if !self.ok() {
            return;
        }
        let started = Instant::now();
        let outcome = check.await;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let (ok, detail) = match outcome {
            Ok(detail) => (true, detail),
            Err(detail) => (false, detail),
        };
        if !self.json {
            let mark = if ok { "ok  " } else { "FAIL" };
            println!("{mark} {name:<58} {ms:>8.2} ms  {detail}");
        }
        self.steps.push(Step {
            name: name.to_owned(),
            ok,
            detail,
            ms,
        });
    }
}
