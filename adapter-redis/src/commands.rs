//! The Redis commands the adapter sends, typed, each on one key (so each is
//! routed to one slot), with their errors mapped.

use adapter_core::{AdapterError, DbOp};
use redis::{cmd, FromRedisValue};

use crate::connection::RedisConnection;
use crate::error::map_redis_error;
use crate::scripts::{COMPARE_AND_DELETE, INDEX_ADD, INDEX_MEMBERS};

async fn query<T: FromRedisValue>(
    mut connection: RedisConnection,
    op: DbOp,
    command: &redis::Cmd,
) -> Result<T, AdapterError> {
    command
        .query_async(&mut connection)
        .await
        .map_err(|err| map_redis_error(op, err))
}

/// Runs a write of several steps to its end in a task of its own, so that a
/// caller who stops waiting (its time limit ran out) cannot stop it between a
/// record and its index entry, or before an undo.
pub(crate) async fn run_to_completion<T, F>(steps: F) -> Result<T, AdapterError>
where
    T: Send + 'static,
    F: std::future::Future<Output = Result<T, AdapterError>> + Send + 'static,
{
    tokio::spawn(steps)
        .await
        .map_err(|stopped| AdapterError::database(DbOp::Write, false, stopped))?
}

/// `GET key`.
pub(crate) async fn get(conn: RedisConnection, key: &str) -> Result<Option<Vec<u8>>, AdapterError> {
    query(conn, DbOp::Read, cmd("GET").arg(key)).await
}

/// `GETDEL key`: the value it held, now removed.
pub(crate) async fn get_del(
    conn: RedisConnection,
    key: &str,
) -> Result<Option<Vec<u8>>, AdapterError> {
    query(conn, DbOp::Write, cmd("GETDEL").arg(key)).await
}

/// `SET key value NX [PXAT at]`: whether the key was free and is now set.
pub(crate) async fn set_new(
    conn: RedisConnection,
    key: &str,
    value: &[u8],
    expire_at_ms: Option<i64>,
) -> Result<bool, AdapterError> {
    let mut command = cmd("SET");
    command.arg(key).arg(value).arg("NX");
    if let Some(at) = expire_at_ms {
        command.arg("PXAT").arg(at);
    }
    let reply: Option<String> = query(conn, DbOp::Write, &command).await?;
    Ok(reply.is_some())
}

/// Deletes `key` only if it still holds `expected`; whether it did.
pub(crate) async fn compare_and_delete(
    mut conn: RedisConnection,
    key: &str,
    expected: &[u8],
) -> Result<bool, AdapterError> {
    let deleted: i64 = COMPARE_AND_DELETE
        .key(key)
        .arg(expected)
        .invoke_async(&mut conn)
        .await
        .map_err(|err| map_redis_error(DbOp::Write, err))?;
    Ok(deleted == 1)
}

/// How [`index_add`] treats a member the index already holds.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Rescore {
    /// Its score may only grow (`ZADD GT`).
    Upwards,
    /// Its score stays (`ZADD NX`).
    Never,
}

/// Files `member` in the sorted-set index `key` with `score`, keeping the
/// index alive at least until `live_until_ms`; with `prune`, afterwards drops
/// the members whose score lies before the server's now.
pub(crate) async fn index_add(
    mut conn: RedisConnection,
    key: &str,
    member: &str,
    score: i64,
    rescore: Rescore,
    prune: bool,
    live_until_ms: i64,
) -> Result<(), AdapterError> {
    let _: i64 = INDEX_ADD
        .key(key)
        .arg(member)
        .arg(score)
        .arg(if prune { "1" } else { "0" })
        .arg(live_until_ms)
        .arg(match rescore {
            Rescore::Upwards => "GT",
            Rescore::Never => "NX",
        })
        .invoke_async(&mut conn)
        .await
        .map_err(|err| map_redis_error(DbOp::Write, err))?;
    Ok(())
}

/// Prunes the lapsed members of the sorted-set index `key` and lists the rest.
pub(crate) async fn index_members(
    mut conn: RedisConnection,
    key: &str,
) -> Result<Vec<String>, AdapterError> {
    INDEX_MEMBERS
        .key(key)
        .invoke_async(&mut conn)
        .await
        .map_err(|err| map_redis_error(DbOp::Read, err))
}

/// `ZRANGE key -inf (below BYSCORE LIMIT offset count`: a page of the
/// members scored strictly below `below`.
pub(crate) async fn scored_below(
    conn: RedisConnection,
    key: &str,
    below: i64,
    offset: usize,
    count: usize,
) -> Result<Vec<String>, AdapterError> {
    let command = cmd("ZRANGE")
        .arg(key)
        .arg("-inf")
        .arg(format!("({below}"))
        .arg("BYSCORE")
        .arg("LIMIT")
        .arg(offset)
        .arg(count)
        .to_owned();
    query(conn, DbOp::Read, &command).await
}

/// `ZREM key members…` (nothing for no members).
pub(crate) async fn sorted_remove(
    conn: RedisConnection,
    key: &str,
    members: &[&str],
) -> Result<(), AdapterError> {
    if members.is_empty() {
        return Ok(());
    }
    let _: i64 = query(conn, DbOp::Write, cmd("ZREM").arg(key).arg(members)).await?;
    Ok(())
}

/// `SADD key member`.
pub(crate) async fn set_add(
    conn: RedisConnection,
    key: &str,
    member: &str,
) -> Result<(), AdapterError> {
    let _: i64 = query(conn, DbOp::Write, cmd("SADD").arg(key).arg(member)).await?;
    Ok(())
}

/// `SMEMBERS key`.
pub(crate) async fn set_members(
    conn: RedisConnection,
    key: &str,
) -> Result<Vec<String>, AdapterError> {
    query(conn, DbOp::Read, cmd("SMEMBERS").arg(key)).await
}

/// `SREM key members…` (nothing for no members).
pub(crate) async fn set_remove(
    conn: RedisConnection,
    key: &str,
    members: &[&str],
) -> Result<(), AdapterError> {
    if members.is_empty() {
        return Ok(());
    }
    let _: i64 = query(conn, DbOp::Write, cmd("SREM").arg(key).arg(members)).await?;
    Ok(())
}

/// Logs a failed follow-up step whose only effect is a stale index member,
/// which readers verify against its record and prune.
pub(crate) fn tolerate_stale_index(step: &'static str, result: Result<(), AdapterError>) {
    if let Err(err) = result {
        tracing::warn!(
            step,
            error = %err,
            "index not updated; the stale member is verified and pruned by readers"
        );
    }
}
