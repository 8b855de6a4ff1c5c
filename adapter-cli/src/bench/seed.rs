//! The records a benchmark seeds, named so that each side has pools of its own.

use adapters::{Clock, RefreshToken, Session, SystemClock, User};

/// The two sides measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Through the adapter.
    Adapter,
    /// The raw driver.
    Floor,
}

impl Side {
    /// A one-letter tag for record names.
    pub fn tag(self) -> char {
        match self {
            Side::Adapter => 'a',
            Side::Floor => 'f',
        }
    }
}

/// Sizes of what is seeded.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct SeedPlan {
    /// Users shared by the read benchmarks.
    pub users: usize,
    /// Sessions per user.
    pub sessions_per_user: usize,
    /// Refresh tokens (to consume) and users with sessions (to delete) per
    /// side and concurrency level.
    pub pool: usize,
    /// Concurrency levels measured.
    pub levels: usize,
}

/// What to seed, all at once.
#[derive(Default)]
pub struct SeedData {
    /// Users.
    pub users: Vec<User>,
    /// Sessions.
    pub sessions: Vec<Session>,
    /// Refresh tokens.
    pub refresh_tokens: Vec<RefreshToken>,
}

/// The id of shared user `i`.
pub fn user_id(i: usize) -> String {
    format!("bu{i}")
}

/// The provider id of shared user `i`.
pub fn provider_id(i: usize) -> String {
    format!("bench:bu{i}")
}

/// Session `k` of shared user `i`.
pub fn session_token(i: usize, k: usize) -> String {
    format!("bs{i}.{k}")
}

/// Refresh token `j` of a side's pool for concurrency level `level`.
pub fn pool_refresh_token(side: Side, level: usize, j: usize) -> String {
    format!("br{}{level}.{j}", side.tag())
}

/// User `j` of a side's delete pool for concurrency level `level`.
pub fn pool_user(side: Side, level: usize, j: usize) -> String {
    format!("bd{}{level}.{j}", side.tag())
}

fn user(id: String, provider_id: String) -> User {
    User {
        id,
        provider_id,
        hashed_password: None,
        user_data: Default::default(),
    }
}

/// The records of `plan`: shared users with live sessions, and per side and
/// concurrency level a pool of refresh tokens and of users with sessions.
pub fn plan_records(plan: SeedPlan) -> SeedData {
    let expires = SystemClock.now_ms() + 24 * 60 * 60 * 1000;
    let mut data = SeedData::default();
    for i in 0..plan.users {
        data.users.push(user(user_id(i), provider_id(i)));
        for k in 0..plan.sessions_per_user {
            data.sessions.push(Session {
                access_token: session_token(i, k),
                user_id: user_id(i),
                expires,
            });
        }
    }
    let pools = [Side::Adapter, Side::Floor].into_iter().flat_map(|side| {
        (0..plan.levels).flat_map(move |level| (0..plan.pool).map(move |j| (side, level, j)))
    });
    for (side, level, j) in pools {
        data.refresh_tokens.push(RefreshToken {
            refresh_token: pool_refresh_token(side, level, j),
            user_id: user_id(j % plan.users.max(1)),
        });
        let id = pool_user(side, level, j);
        data.users.push(user(id.clone(), format!("bench:{id}")));
        for k in 0..plan.sessions_per_user.max(1) {
            data.sessions.push(Session {
                access_token: format!("{id}.{k}"),
                user_id: id.clone(),
                expires,
            });
        }
    }
    data
}

/// `count` sessions that expired at the Unix epoch, owned by shared users.
pub fn expired_sessions(count: usize, users: usize, round: usize) -> Vec<Session> {
    (0..count)
        .map(|j| Session {
            access_token: format!("bx{round}.{j}"),
            user_id: user_id(j % users.max(1)),
            expires: 1,
        })
        .collect()
}
