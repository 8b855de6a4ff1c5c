//! Round trips per operation, counted on the wire and asserted, for every
//! server backend: PostgreSQL, MySQL/MariaDB and Redis through a counting TCP
//! proxy ([`fault_tests::proxy`]), MongoDB by the driver's command events.
//!
//! Each operation runs once to warm the connection (prepared statements,
//! loaded scripts), then once more on fresh records while counted. A pool's
//! health-check ping is counted apart from the operation's own round trips,
//! and asserted too: sqlx pings a connection when it goes back to the pool
//! (in the background, off the caller's path), never before handing it out.
//! SQLite is in-process and has no round trips to count.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use adapter_core::{
    Adapter, AdapterError, NewUser, RefreshToken, Session, SessionAdapter, Split, UserAdapter,
    UserUpdate,
};
use fault_tests::proxy::{CountingProxy, Exchange};
use fault_tests::skip_or_fail;

type Call = Pin<Box<dyn Future<Output = Result<(), AdapterError>> + Send>>;

/// An operation on fresh records named by `n` (0 to warm up, 1 when counted).
struct Probe {
    name: &'static str,
    call: fn(Arc<dyn Adapter>, usize) -> Call,
}

fn live(token: String, user_id: String) -> Session {
    Session {
        access_token: token,
        user_id,
        expires: i64::MAX,
    }
}

/// The records every probe reads or removes, for `n` in 0 and 1.
async fn seed(adapter: &dyn Adapter) -> Result<(), AdapterError> {
    for n in 0..2 {
        for user in [format!("a{n}"), format!("d{n}"), format!("e{n}")] {
            adapter
                .set_user(Some(&user), NewUser::new(format!("p:{user}")))
                .await?;
            for suffix in ["x", "y"] {
                adapter
                    .set_session(&live(format!("s{user}{suffix}"), user.clone()))
                    .await?;
                adapter
                    .set_refresh_token(&RefreshToken {
                        refresh_token: format!("r{user}{suffix}"),
                        user_id: user.clone(),
                    })
                    .await?;
            }
        }
    }
    Ok(())
}

macro_rules! probe {
    ($name:literal, |$adapter:ident, $n:ident| $body:expr) => {
        Probe {
            name: $name,
            call: |$adapter, $n| {
                Box::pin(async move {
                    $body;
                    Ok(())
                })
            },
        }
    };
}

fn probes() -> Vec<Probe> {
    vec![
        probe!("get_user_by_id", |a, n| a
            .get_user_by_id(&format!("a{n}"))
            .await?
            .expect("seeded user")),
        probe!("get_user_by_provider_id", |a, n| a
            .get_user_by_provider_id(&format!("p:a{n}"))
            .await?
            .expect("seeded user")),
        probe!("set_user", |a, n| a
            .set_user(Some(&format!("n{n}")), NewUser::new(format!("p:n{n}")))
            .await?),
        probe!("update_user", |a, n| a
            .update_user(
                &format!("a{n}"),
                UserUpdate {
                    hashed_password: Some(Some("h".into())),
                    ..Default::default()
                }
            )
            .await?),
        probe!("get_session_by_access_token", |a, n| a
            .get_session_by_access_token(&format!("sa{n}x"))
            .await?
            .expect("seeded session")),
        probe!("get_sessions_by_user_id", |a, n| assert_eq!(
            a.get_sessions_by_user_id(&format!("a{n}")).await?.len(),
            2
        )),
        probe!("get_session_and_user", |a, n| a
            .get_session_and_user(&format!("sa{n}x"))
            .await?
            .expect("seeded session")),
        probe!("get_user_by_access_token", |a, n| a
            .get_user_by_access_token(&format!("sa{n}x"))
            .await?
            .expect("seeded session")),
        probe!("set_session", |a, n| a
            .set_session(&live(format!("new{n}"), format!("a{n}")))
            .await?),
        probe!("delete_session_by_access_token", |a, n| assert_eq!(
            a.delete_session_by_access_token(&[&format!("sa{n}y")])
                .await?,
            1
        )),
        probe!("get_user_id_by_refresh_token", |a, n| a
            .get_user_id_by_refresh_token(&format!("ra{n}x"))
            .await?
            .expect("seeded token")),
        probe!("set_refresh_token", |a, n| a
            .set_refresh_token(&RefreshToken {
                refresh_token: format!("newr{n}"),
                user_id: format!("a{n}"),
            })
            .await?),
        probe!("consume_refresh_token", |a, n| a
            .consume_refresh_token(&format!("ra{n}x"))
            .await?
            .expect("seeded token")),
        probe!("delete_refresh_token", |a, n| assert_eq!(
            a.delete_refresh_token(&[&format!("ra{n}y")]).await?,
            1
        )),
        probe!("delete_sessions_by_user_id", |a, n| assert_eq!(
            a.delete_sessions_by_user_id(&format!("e{n}")).await?,
            2
        )),
        probe!("delete_refresh_tokens_by_user_id", |a, n| assert_eq!(
            a.delete_refresh_tokens_by_user_id(&format!("e{n}")).await?,
            2
        )),
        probe!("delete_user", |a, n| assert_eq!(
            a.delete_user(&format!("d{n}")).await?,
            1
        )),
    ]
}

/// What the counter saw during one call.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Trips {
    /// The operation's own round trips.
    calls: usize,
    /// The pool's health-check pings.
    pings: usize,
}

/// Counts round trips between two moments.
trait Counter: Send + Sync {
    /// What was seen since the last call (and forgets it).
    fn take(&self) -> Trips;
}

struct Wire {
    proxy: CountingProxy,
    is_ping: fn(&Exchange) -> bool,
}

impl Counter for Wire {
    fn take(&self) -> Trips {
        let exchanges = self.proxy.take();
        let pings = exchanges.iter().filter(|e| (self.is_ping)(e)).count();
        Trips {
            calls: exchanges.len() - pings,
            pings,
        }
    }
}

/// A PostgreSQL `Sync` alone: sqlx's ping.
fn postgres_ping(exchange: &Exchange) -> bool {
    exchange.head == b"S\0\0\0\x04"
}

/// A MySQL `COM_PING` packet.
fn mysql_ping(exchange: &Exchange) -> bool {
    exchange.head == b"\x01\0\0\0\x0e"
}

/// Measures every probe and returns (name, trips).
async fn measure(adapter: Arc<dyn Adapter>, counter: &dyn Counter) -> Vec<(&'static str, Trips)> {
    seed(adapter.as_ref()).await.expect("seed records");
    let mut seen = Vec::new();
    for probe in probes() {
        (probe.call)(adapter.clone(), 0)
            .await
            .unwrap_or_else(|err| panic!("{} (warm-up): {err}", probe.name));
        settle().await;
        counter.take();
        (probe.call)(adapter.clone(), 1)
            .await
            .unwrap_or_else(|err| panic!("{}: {err}", probe.name));
        settle().await;
        seen.push((probe.name, counter.take()));
    }
    seen
}

/// Lets a background release ping finish before the count is read.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(60)).await;
}

/// Prints the counts and asserts them against `expected` (name, round trips);
/// every operation not listed makes exactly one. Each call may cost one
/// background ping at most (`pings_per_call`).
fn check(backend: &str, seen: &[(&str, Trips)], expected: &[(&str, usize)], pings_per_call: usize) {
    let mut report = format!("ROUND TRIPS {backend} (operation: round trips + background pings)\n");
    let mut wrong = Vec::new();
    for (name, trips) in seen {
        let want = expected
            .iter()
            .find(|(n, _)| n == name)
            .map_or(1, |(_, count)| *count);
        report.push_str(&format!(
            "  {name:<34} {:>2} + {} ping(s){}\n",
            trips.calls,
            trips.pings,
            if trips.calls == want {
                ""
            } else {
                "   <- expected"
            }
        ));
        if trips.calls != want {
            wrong.push(format!(
                "{name}: {} round trips, expected {want}",
                trips.calls
            ));
        }
        if trips.pings > pings_per_call * trips.calls.max(1) {
            wrong.push(format!(
                "{name}: {} pings for {} round trips",
                trips.pings, trips.calls
            ));
        }
    }
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{report}");
    assert!(wrong.is_empty(), "{backend}:\n{}", wrong.join("\n"));
}

/// The address of `url`'s server, and `url` pointed at `port` on loopback instead.
async fn through(url: &str, port: u16) -> (SocketAddr, String) {
    let (scheme, rest) = url.split_once("://").expect("a URL with a scheme");
    let (authority, path) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let (user, host) = match authority.rsplit_once('@') {
        Some((user, host)) => (format!("{user}@"), host),
        None => (String::new(), authority),
    };
    let upstream = tokio::net::lookup_host(host)
        .await
        .expect("the server's address resolves")
        .next()
        .expect("an address");
    (upstream, format!("{scheme}://{user}127.0.0.1:{port}{path}"))
}

fn server_url(var: &str, test: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            skip_or_fail(test, &format!("{var} is not set"));
            None
        }
    }
}

/// A URL for the database `name` on `url`'s server.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, ""), |(b, q)| (b, q));
    let (scheme, rest) = base.split_once("://").expect("a URL with a scheme");
    let authority = rest.split('/').next().unwrap_or(rest);
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{scheme}://{authority}/{name}{query}")
}

/// One connection, so the warm-up call prepares the statements the counted
/// call uses (a pool prepares each statement once per connection).
fn one_connection() -> adapter_sql::PoolSettings {
    adapter_sql::PoolSettings {
        max_connections: Some(1),
        ..Default::default()
    }
}

/// PostgreSQL: everything in one round trip but `delete_user`, a transaction
/// (BEGIN, sessions, refresh tokens, user, COMMIT).
const POSTGRES_EXPECTED: &[(&str, usize)] = &[("delete_user", 5)];

/// MySQL/MariaDB: no `UPDATE … RETURNING`, so `update_user` is a transaction
/// (BEGIN, UPDATE, SELECT, COMMIT), and `delete_user` locks the user row first
/// (BEGIN, SELECT … FOR UPDATE, three deletes, COMMIT). MariaDB consumes with
/// `DELETE … RETURNING`; MySQL has none, and takes a locking read and a
/// delete in a transaction.
fn mysql_expected(mariadb: bool) -> Vec<(&'static str, usize)> {
    vec![
        ("update_user", 4),
        ("delete_user", 6),
        ("consume_refresh_token", if mariadb { 1 } else { 4 }),
    ]
}

#[tokio::test]
async fn postgres_operations_take_one_round_trip() {
    let Some(url) = server_url("POSTGRES_URL", "round_trips postgres") else {
        return;
    };
    let admin = sqlx::PgPool::connect(&url)
        .await
        .expect("PostgreSQL answers");
    let name = format!("round_trips_{}", std::process::id());
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&admin)
        .await
        .expect("drop");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .expect("scratch database");
    let target = with_database(&url, &name);
    let (upstream, _) = through(&target, 0).await;
    let proxy = CountingProxy::start(upstream).await.expect("proxy");
    let (_, proxied) = through(&target, proxy.port()).await;
    let pool = adapter_sql::SqlAdapter::postgres_pool_with(&proxied, one_connection())
        .await
        .expect("pool through the proxy");
    let adapter = adapter_sql::SqlAdapter::postgres(pool.clone())
        .migrate()
        .await
        .expect("schema");
    let counter = Wire {
        proxy,
        is_ping: postgres_ping,
    };
    let seen = measure(Arc::new(adapter), &counter).await;
    pool.close().await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&admin)
        .await
        .expect("drop the scratch database");
    check("postgres", &seen, POSTGRES_EXPECTED, 1);
}

#[tokio::test]
async fn mysql_operations_take_one_round_trip() {
    let Some(url) = server_url("MYSQL_URL", "round_trips mysql") else {
        return;
    };
    let admin = sqlx::MySqlPool::connect(&url).await.expect("MySQL answers");
    let name = format!("round_trips_{}", std::process::id());
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&admin)
        .await
        .expect("drop");
    sqlx::query(&format!("CREATE DATABASE {name} CHARACTER SET utf8mb4"))
        .execute(&admin)
        .await
        .expect("scratch database");
    let target = with_database(&url, &name);
    let (upstream, _) = through(&target, 0).await;
    let proxy = CountingProxy::start(upstream).await.expect("proxy");
    let (_, proxied) = through(&target, proxy.port()).await;
    let pool = adapter_sql::SqlAdapter::mysql_pool_with(&proxied, one_connection())
        .await
        .expect("pool through the proxy");
    let adapter = adapter_sql::SqlAdapter::mysql(pool.clone())
        .migrate()
        .await
        .expect("schema");
    let (version,): (String,) = sqlx::query_as("SELECT VERSION()")
        .fetch_one(&admin)
        .await
        .expect("the server's version");
    let counter = Wire {
        proxy,
        is_ping: mysql_ping,
    };
    let seen = measure(Arc::new(adapter), &counter).await;
    pool.close().await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
        .execute(&admin)
        .await
        .expect("drop the scratch database");
    check(
        &format!("mysql ({version})"),
        &seen,
        &mysql_expected(version.contains("MariaDB")),
        1,
    );
}

/// Round trips by the Mongo driver's command events: a command started while
/// none was in flight begins a new one; commands sent side by side share it.
#[derive(Default)]
struct Commands {
    in_flight: usize,
    round_trips: usize,
}

struct CommandCounter(Arc<Mutex<Commands>>);

impl Counter for CommandCounter {
    fn take(&self) -> Trips {
        let mut commands = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Trips {
            calls: std::mem::take(&mut commands.round_trips),
            pings: 0,
        }
    }
}

#[tokio::test]
async fn mongo_operations_take_one_round_trip() {
    use mongodb::event::command::CommandEvent;
    use mongodb::event::EventHandler;

    let Some(url) = server_url("MONGODB_URL", "round_trips mongo") else {
        return;
    };
    let commands: Arc<Mutex<Commands>> = Arc::default();
    let seen = commands.clone();
    let mut options = mongodb::options::ClientOptions::parse(&url)
        .await
        .expect("a MongoDB URL");
    options.command_event_handler = Some(EventHandler::callback(move |event| {
        let mut commands = seen.lock().unwrap_or_else(|p| p.into_inner());
        match event {
            CommandEvent::Started(_) => {
                if commands.in_flight == 0 {
                    commands.round_trips += 1;
                }
                commands.in_flight += 1;
            }
            CommandEvent::Succeeded(_) | CommandEvent::Failed(_) => {
                commands.in_flight = commands.in_flight.saturating_sub(1);
            }
            _ => {}
        }
    }));
    let client = mongodb::Client::with_options(options).expect("client");
    let database = client.database(&format!("round_trips_{}", std::process::id()));
    database.drop().await.expect("a fresh database");
    let adapter = adapter_mongo::MongoAdapter::builder(database.clone())
        .build()
        .await
        .expect("indexes");
    let counted = measure(Arc::new(adapter), &CommandCounter(commands)).await;
    database.drop().await.expect("drop the scratch database");
    // Without transactions, a token insert looks for its user after writing
    // (C06: a racing delete_user must not leave it behind), and a consume for
    // the owner after taking the token; delete_user removes the user, then
    // its sessions and refresh tokens side by side.
    check(
        "mongo",
        &counted,
        &[
            ("set_session", 2),
            ("set_refresh_token", 2),
            ("consume_refresh_token", 2),
            ("delete_user", 2),
        ],
        0,
    );
}

#[tokio::test]
async fn redis_operations_take_one_round_trip() {
    let Some(url) = server_url("REDIS_URL", "round_trips redis") else {
        return;
    };
    let (upstream, _) = through(&url, 0).await;
    let proxy = CountingProxy::start(upstream).await.expect("proxy");
    let (_, proxied) = through(&url, proxy.port()).await;
    let sessions = adapter_redis::RedisConfig::new(proxied)
        .prefix(format!("round_trips_{}", std::process::id()))
        .connect()
        .await
        .expect("Redis through the proxy");
    let users = adapter_memory::MemoryAdapter::new();
    let adapter = Arc::new(Split::new(users, sessions));
    let counter = Wire {
        proxy,
        is_ping: |_| false,
    };
    let counted = measure(adapter.clone(), &counter).await;
    for user in ["a0", "a1", "e0", "e1"] {
        adapter
            .delete_user(user)
            .await
            .expect("remove what the test wrote");
    }
    // Users live in memory (no round trip). A record and its user's index sit
    // in different slots, and the index may hold more than the records, never
    // less: a refresh token is written before its index entry; a listing
    // reads the index, then the records; a delete by token takes the record,
    // then its index entries; a delete by user reads the index, the records,
    // removes each if still the user's, then settles the index.
    check(
        "redis",
        &counted,
        &[
            ("get_user_by_id", 0),
            ("get_user_by_provider_id", 0),
            ("set_user", 0),
            ("update_user", 0),
            ("get_sessions_by_user_id", 2),
            ("delete_session_by_access_token", 2),
            ("set_refresh_token", 2),
            ("consume_refresh_token", 2),
            ("delete_refresh_token", 2),
            ("delete_sessions_by_user_id", 4),
            ("delete_refresh_tokens_by_user_id", 4),
            ("delete_user", 8),
        ],
        0,
    );
}
