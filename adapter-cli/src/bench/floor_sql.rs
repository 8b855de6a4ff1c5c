//! The SQL floors (SQLite, PostgreSQL, MySQL/MariaDB): each operation as one
//! hand-written statement on the raw sqlx pool the adapter also uses, with
//! none of the adapter's validation, tracing, column mapping or rules.

use adapters::{Clock, RefreshToken, Session, SystemClock, User};
use async_trait::async_trait;

use super::workload::{Floor, Workload};

/// Rows per multi-row `INSERT` when seeding: 300 rows × 3 values stays under
/// every engine's limit on bound parameters (SQLite's oldest is 999).
const SEED_ROWS_PER_INSERT: usize = 300;

/// The statements of one dialect.
struct Statements {
    session_and_user: String,
    user_by_provider_id: String,
    insert_session: String,
    insert_user: String,
    consume_refresh_token: String,
    delete_refresh_token: String,
    delete_sessions_of: String,
    delete_expired: String,
    seed_users: String,
    seed_sessions: String,
    seed_refresh_tokens: String,
}

impl Statements {
    /// The statements with `quote` around table names and `p(n)` as the nth placeholder.
    fn new(quote: fn(&str) -> String, p: fn(usize) -> String, returning_delete: bool) -> Self {
        let (user, session, refresh) = (quote("user"), quote("session"), quote("refresh_token"));
        Self {
            session_and_user: format!(
                "SELECT s.access_token, s.user_id, s.expires, u.id, u.provider_id, u.hashed_password \
                 FROM {session} s JOIN {user} u ON u.id = s.user_id WHERE s.access_token = {}",
                p(1)
            ),
            user_by_provider_id: format!(
                "SELECT id, provider_id, hashed_password FROM {user} WHERE provider_id = {}",
                p(1)
            ),
            insert_session: format!(
                "INSERT INTO {session} (access_token, user_id, expires) VALUES ({}, {}, {})",
                p(1),
                p(2),
                p(3)
            ),
            insert_user: format!(
                "INSERT INTO {user} (id, provider_id, hashed_password) VALUES ({}, {}, NULL)",
                p(1),
                p(2)
            ),
            consume_refresh_token: if returning_delete {
                format!(
                    "DELETE FROM {refresh} WHERE refresh_token = {} RETURNING user_id",
                    p(1)
                )
            } else {
                format!(
                    "SELECT user_id FROM {refresh} WHERE refresh_token = {} FOR UPDATE",
                    p(1)
                )
            },
            delete_refresh_token: format!("DELETE FROM {refresh} WHERE refresh_token = {}", p(1)),
            delete_sessions_of: format!("DELETE FROM {session} WHERE user_id = {}", p(1)),
            delete_expired: format!("DELETE FROM {session} WHERE expires < {}", p(1)),
            seed_users: format!("INSERT INTO {user} (id, provider_id, hashed_password) "),
            seed_sessions: format!("INSERT INTO {session} (access_token, user_id, expires) "),
            seed_refresh_tokens: format!("INSERT INTO {refresh} (refresh_token, user_id) "),
        }
    }
}

fn now_ms() -> i64 {
    SystemClock.now_ms()
}

/// A SQL floor over the pool `P`.
pub struct SqlFloor<P> {
    pool: P,
    sql: Statements,
    /// False where the engine has no `DELETE … RETURNING` (MySQL): consuming
    /// is then a locking read and a delete in one transaction, as the adapter does.
    returning_delete: bool,
}

/// Implements the floor for one engine; `$key` is how its key columns decode.
macro_rules! sql_floor {
    ($pool:ty, $db:ty, $key:ty) => {
        #[async_trait]
        impl Workload for SqlFloor<$pool> {
            async fn get_session_and_user(&self, access_token: &str) -> anyhow::Result<()> {
                let row: Option<($key, $key, i64, $key, $key, Option<$key>)> =
                    sqlx::query_as(&self.sql.session_and_user)
                        .bind(access_token)
                        .fetch_optional(&self.pool)
                        .await?;
                match row {
                    Some(row) if now_ms() <= row.2 => {
                        std::hint::black_box(row);
                        Ok(())
                    }
                    _ => anyhow::bail!("seeded session not found"),
                }
            }

            async fn get_user_by_provider_id(&self, provider_id: &str) -> anyhow::Result<()> {
                let row: Option<($key, $key, Option<$key>)> =
                    sqlx::query_as(&self.sql.user_by_provider_id)
                        .bind(provider_id)
                        .fetch_optional(&self.pool)
                        .await?;
                std::hint::black_box(row.ok_or_else(|| anyhow::anyhow!("seeded user not found"))?);
                Ok(())
            }

            async fn set_session(&self, session: &Session) -> anyhow::Result<()> {
                let done = sqlx::query(&self.sql.insert_session)
                    .bind(&session.access_token)
                    .bind(&session.user_id)
                    .bind(session.expires)
                    .execute(&self.pool)
                    .await?;
                anyhow::ensure!(done.rows_affected() == 1, "session not stored");
                Ok(())
            }

            async fn set_user(&self, user_id: &str, provider_id: &str) -> anyhow::Result<()> {
                let done = sqlx::query(&self.sql.insert_user)
                    .bind(user_id)
                    .bind(provider_id)
                    .execute(&self.pool)
                    .await?;
                anyhow::ensure!(done.rows_affected() == 1, "user not stored");
                Ok(())
            }

            async fn consume_refresh_token(&self, refresh_token: &str) -> anyhow::Result<()> {
                let owner: Option<($key,)> = if self.returning_delete {
                    sqlx::query_as(&self.sql.consume_refresh_token)
                        .bind(refresh_token)
                        .fetch_optional(&self.pool)
                        .await?
                } else {
                    let mut transaction = self.pool.begin().await?;
                    let owner = sqlx::query_as(&self.sql.consume_refresh_token)
                        .bind(refresh_token)
                        .fetch_optional(&mut *transaction)
                        .await?;
                    sqlx::query(&self.sql.delete_refresh_token)
                        .bind(refresh_token)
                        .execute(&mut *transaction)
                        .await?;
                    transaction.commit().await?;
                    owner
                };
                std::hint::black_box(
                    owner.ok_or_else(|| anyhow::anyhow!("seeded refresh token not found"))?,
                );
                Ok(())
            }

            async fn delete_sessions_by_user_id(&self, user_id: &str) -> anyhow::Result<()> {
                let done = sqlx::query(&self.sql.delete_sessions_of)
                    .bind(user_id)
                    .execute(&self.pool)
                    .await?;
                anyhow::ensure!(done.rows_affected() > 0, "seeded sessions not found");
                Ok(())
            }

            async fn delete_expired_sessions(&self) -> anyhow::Result<u64> {
                Ok(sqlx::query(&self.sql.delete_expired)
                    .bind(now_ms())
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }
        }

        #[async_trait]
        impl Floor for SqlFloor<$pool> {
            async fn seed(
                &self,
                users: &[User],
                sessions: &[Session],
                refresh_tokens: &[RefreshToken],
            ) -> anyhow::Result<()> {
                for chunk in users.chunks(SEED_ROWS_PER_INSERT) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(&self.sql.seed_users);
                    insert.push_values(chunk, |mut row, user| {
                        row.push_bind(user.id.as_str())
                            .push_bind(user.provider_id.as_str())
                            .push_bind(user.hashed_password.as_deref());
                    });
                    insert.build().execute(&self.pool).await?;
                }
                for chunk in sessions.chunks(SEED_ROWS_PER_INSERT) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(&self.sql.seed_sessions);
                    insert.push_values(chunk, |mut row, session| {
                        row.push_bind(session.access_token.as_str())
                            .push_bind(session.user_id.as_str())
                            .push_bind(session.expires);
                    });
                    insert.build().execute(&self.pool).await?;
                }
                for chunk in refresh_tokens.chunks(SEED_ROWS_PER_INSERT) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(&self.sql.seed_refresh_tokens);
                    insert.push_values(chunk, |mut row, token| {
                        row.push_bind(token.refresh_token.as_str())
                            .push_bind(token.user_id.as_str());
                    });
                    insert.build().execute(&self.pool).await?;
                }
                Ok(())
            }
        }
    };
}

fn double_quoted(name: &str) -> String {
    format!("\"{name}\"")
}

#[cfg(feature = "sqlite")]
sql_floor!(sqlx::SqlitePool, sqlx::Sqlite, String);

#[cfg(feature = "sqlite")]
impl SqlFloor<sqlx::SqlitePool> {
    /// The SQLite floor over `pool`.
    pub fn sqlite(pool: sqlx::SqlitePool) -> Self {
        Self {
            pool,
            sql: Statements::new(double_quoted, |_| "?".into(), true),
            returning_delete: true,
        }
    }
}

#[cfg(feature = "postgres")]
sql_floor!(sqlx::PgPool, sqlx::Postgres, String);

#[cfg(feature = "postgres")]
impl SqlFloor<sqlx::PgPool> {
    /// The PostgreSQL floor over `pool`.
    pub fn postgres(pool: sqlx::PgPool) -> Self {
        Self {
            pool,
            sql: Statements::new(double_quoted, |n| format!("${n}"), true),
            returning_delete: true,
        }
    }
}

// Key columns are VARBINARY on MySQL (byte-exact comparison), so they decode as bytes.
#[cfg(feature = "mysql")]
sql_floor!(sqlx::MySqlPool, sqlx::MySql, Vec<u8>);

#[cfg(feature = "mysql")]
impl SqlFloor<sqlx::MySqlPool> {
    /// The MySQL/MariaDB floor over `pool`; MariaDB (10.5+) consumes with
    /// `DELETE … RETURNING`, MySQL with a locking read and a delete.
    pub async fn mysql(pool: sqlx::MySqlPool) -> anyhow::Result<Self> {
        let (version,): (String,) = sqlx::query_as("SELECT VERSION()").fetch_one(&pool).await?;
        let returning_delete = version.contains("MariaDB");
        Ok(Self {
            pool,
            sql: Statements::new(|name| format!("`{name}`"), |_| "?".into(), returning_delete),
            returning_delete,
        })
    }
}
