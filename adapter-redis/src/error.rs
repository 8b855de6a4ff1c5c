//! The one mapping from `redis` errors to [`AdapterError`].

use adapter_core::{AdapterError, DbOp};
use redis::{ErrorKind, RedisError, ServerErrorKind};

/// Maps a driver error, classified by its kind (never its message).
///
/// Transient (the caller may retry): I/O failures, timeouts, dropped or
/// refused connections, and a cluster that is resharding, failing over or
/// loading (`TRYAGAIN`, `CLUSTERDOWN`, `MASTERDOWN`, `LOADING`).
pub fn map_redis_error(op: DbOp, err: RedisError) -> AdapterError {
    let transient = is_transient(&err);
    AdapterError::database(op, transient, err)
}

fn is_transient(err: &RedisError) -> bool {
    if err.is_io_error() || err.is_timeout() || err.is_connection_dropped() {
        return true;
    }
    matches!(
        err.kind(),
        ErrorKind::ClusterConnectionNotFound
            | ErrorKind::Server(
                ServerErrorKind::TryAgain
                    | ServerErrorKind::ClusterDown
                    | ServerErrorKind::MasterDown
                    | ServerErrorKind::BusyLoading
                    | ServerErrorKind::Moved
                    | ServerErrorKind::Ask
            )
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // a test may unwrap what it built itself
mod tests {
    use super::*;
    use std::io;

    #[test]
    fn errors_are_classified_by_kind() {
        let table: Vec<(RedisError, bool)> = vec![
            (
                io::Error::from(io::ErrorKind::ConnectionRefused).into(),
                true,
            ),
            (io::Error::from(io::ErrorKind::TimedOut).into(), true),
            (io::Error::from(io::ErrorKind::BrokenPipe).into(), true),
            (io::Error::from(io::ErrorKind::UnexpectedEof).into(), true),
            ((ErrorKind::Io, "io").into(), true),
            (
                (ErrorKind::ClusterConnectionNotFound, "no node").into(),
                true,
            ),
            ((ErrorKind::Parse, "bad reply").into(), false),
            ((ErrorKind::UnexpectedReturnType, "type").into(), false),
            ((ErrorKind::AuthenticationFailed, "auth").into(), false),
            ((ErrorKind::InvalidClientConfig, "url").into(), false),
        ];
        for (err, transient) in table {
            let described = err.to_string();
            let mapped = map_redis_error(DbOp::Read, err);
            assert_eq!(mapped.is_transient(), transient, "{described}");
            assert_eq!(mapped.code(), "DATABASE_FETCH_FAILED");
        }
        let write = map_redis_error(DbOp::Write, (ErrorKind::Io, "io").into());
        assert_eq!(write.code(), "DATABASE_UPDATE_FAILED");
    }
}
