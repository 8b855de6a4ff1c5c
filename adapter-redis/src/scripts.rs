//! The Lua scripts of `scripts/`, each built once (its SHA1 computed once;
//! `EVALSHA` with a `SCRIPT LOAD` on the first `NOSCRIPT`).

use std::sync::LazyLock;

use redis::Script;

/// `index_add.lua`: add a member to an index and keep its TTL ≥ its longest member.
pub(crate) static INDEX_ADD: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("../scripts/index_add.lua")));

/// `index_members.lua`: prune lapsed members of an index and list the rest.
pub(crate) static INDEX_MEMBERS: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("../scripts/index_members.lua")));

/// `compare_and_delete.lua`: delete a key only if it holds the value read before.
pub(crate) static COMPARE_AND_DELETE: LazyLock<Script> =
    LazyLock::new(|| Script::new(include_str!("../scripts/compare_and_delete.lua")));
