//! Every step of the suite, registered explicitly (no `inventory`), so that
//! no build can drop them. Each step is registered for `Given`, `When` and
//! `Then` alike; the wording says what it does.

mod answers;
mod args;
mod at_rest;
mod calls;
mod concurrency;
mod hostile;
mod setup;
mod state;

use cucumber::codegen::Regex;
use cucumber::step::{Collection, Context};
use futures::future::LocalBoxFuture;

use crate::world::World;

/// A step function.
pub(crate) type StepFn = for<'a> fn(&'a mut World, Context) -> LocalBoxFuture<'a, ()>;

/// Defines a step function: `step!(name, |world, ctx| async { .. });`.
macro_rules! step {
    ($name:ident, |$world:ident, $ctx:ident| $body:block) => {
        #[allow(unused_variables)]
        fn $name<'a>(
            $world: &'a mut $crate::world::World,
            $ctx: cucumber::step::Context,
        ) -> futures::future::LocalBoxFuture<'a, ()> {
            Box::pin(async move $body)
        }
    };
}
pub(crate) use step;

/// All steps.
pub(crate) fn collection() -> Collection<World> {
    let mut steps = Steps(Collection::new());
    setup::register(&mut steps);
    calls::register(&mut steps);
    answers::register(&mut steps);
    state::register(&mut steps);
    concurrency::register(&mut steps);
    hostile::register(&mut steps);
    at_rest::register(&mut steps);
    steps.0
}

/// Builds the collection; `{t}` in a pattern stands for a [`crate::text::TEXT`] argument.
pub(crate) struct Steps(Collection<World>);

impl Steps {
    /// Registers `step` under `pattern` (anchored) for every keyword.
    pub(crate) fn add(&mut self, pattern: &str, step: StepFn) {
        let pattern = format!("^{}$", pattern.replace("{t}", crate::text::TEXT));
        let regex = match Regex::new(&pattern) {
            Ok(regex) => regex,
            Err(err) => panic!("bad step pattern {pattern}: {err}"),
        };
        let collection = std::mem::take(&mut self.0);
        self.0 = collection
            .given(None, regex.clone(), step)
            .when(None, regex.clone(), step)
            .then(None, regex, step);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_pattern_compiles() {
        let _ = super::collection();
    }
}
