//! The suite's backend for [`adapter_mongo::MongoAdapter`]: one fresh database per scenario.

use std::sync::Arc;

use adapter_core::{Adapter, BoxError, RefreshToken, Session, User};
use adapter_mongo::MongoAdapter;
use async_trait::async_trait;
use bson::{doc, oid::ObjectId, Bson, Document};
use mongodb::{Client, Collection, Database};
use tokio::sync::OnceCell;

use crate::backend::{Backend, Capabilities, Fixture, Oracle, Record, ScenarioEnv, USER_FIELDS};

/// Runs the suite on a MongoDB server (or a wire-compatible one), each
/// scenario in its own database named after `env.namespace`, dropped after a
/// passing scenario.
///
/// ```no_run
/// // In a `harness = false` test's `main`:
/// if let Some(url) = adapter_conformance::require_env("MONGODB_URL", "mongo") {
///     adapter_conformance::run_main(adapter_conformance::backends::mongo::MongoBackend::new(url));
/// }
/// ```
pub struct MongoBackend {
    url: String,
    client: OnceCell<Client>,
}

impl std::fmt::Debug for MongoBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MongoBackend")
            .field("url", &adapter_mongo::redact_url(&self.url))
            .finish()
    }
}

impl MongoBackend {
    /// A backend on the server at `url` (connected at the first scenario).
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            client: OnceCell::new(),
        }
    }

    async fn database(&self, env: &ScenarioEnv) -> Result<Database, BoxError> {
        let client = self
            .client
            .get_or_try_init(|| async { Client::with_uri_str(&self.url).await })
            .await?;
        Ok(client.database(&env.namespace))
    }

    async fn adapter(
        &self,
        database: Database,
        env: &ScenarioEnv,
    ) -> Result<MongoAdapter, BoxError> {
        let mut builder = MongoAdapter::builder(database).clock(env.clock.clone());
        if let Some(generator) = &env.id_generator {
            builder = builder.id_generator(generator.clone());
        }
        Ok(builder.build().await?)
    }
}

/// Makes the unique indexes of the suite's unique user-data fields, as an
/// application would: partial, so users without the field do not collide on null.
async fn create_user_field_indexes(database: &Database) -> Result<(), BoxError> {
    let indexes: Vec<Bson> = USER_FIELDS
        .iter()
        .filter(|field| field.unique)
        .map(|field| {
            Bson::Document(doc! {
                "key": { field.name: 1 },
                "name": format!("{}_1", field.name),
                "unique": true,
                "partialFilterExpression": { field.name: { "$type": "string" } },
            })
        })
        .collect();
    database
        .run_command(doc! { "createIndexes": "users", "indexes": indexes })
        .await?;
    Ok(())
}

#[async_trait]
impl Backend for MongoBackend {
    fn name(&self) -> String {
        "mongo".into()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            id_generation: true,
            free_clock: true,
            schemaless_user_data: true,
            persistent: true,
            corrupt_records: true,
            native_ttl: false,
            hashed_tokens: false,
        }
    }

    async fn open(&self, env: &ScenarioEnv) -> Result<Fixture, BoxError> {
        let database = self.database(env).await?;
        database.drop().await?;
        create_user_field_indexes(&database).await?;
        let adapter = self.adapter(database.clone(), env).await?;
        Ok(Fixture {
            adapter: Arc::new(adapter),
            oracle: Arc::new(MongoOracle::new(&database)),
        })
    }

    async fn reopen(&self, env: &ScenarioEnv) -> Result<Arc<dyn Adapter>, BoxError> {
        let database = self.database(env).await?;
        Ok(Arc::new(self.adapter(database, env).await?))
    }

    async fn cleanup(&self, env: &ScenarioEnv) -> Result<(), BoxError> {
        self.database(env).await?.drop().await?;
        Ok(())
    }
}

/// An [`Oracle`] over the raw collections, decoding documents on its own
/// (not through the adapter's codec), so the adapter's writes are checked independently.
#[derive(Clone, Debug)]
pub struct MongoOracle {
    users: Collection<Document>,
    sessions: Collection<Document>,
    refresh_tokens: Collection<Document>,
}

impl MongoOracle {
    /// The oracle over the default collections of `database`.
    pub fn new(database: &Database) -> Self {
        Self {
            users: database.collection("users"),
            sessions: database.collection("sessions"),
            refresh_tokens: database.collection("refresh_tokens"),
        }
    }
}

fn string(document: &Document, field: &str) -> Result<String, BoxError> {
    match document.get(field) {
        Some(Bson::String(value)) => Ok(value.clone()),
        other => Err(format!("{field} is {other:?}, not a string").into()),
    }
}

#[async_trait]
impl Oracle for MongoOracle {
    async fn user(&self, user_id: &str) -> Result<Option<User>, BoxError> {
        let Some(document) = self.users.find_one(doc! { "_id": user_id }).await? else {
            return Ok(None);
        };
        let hashed_password = match document.get("hashed_password") {
            None | Some(Bson::Null) => None,
            Some(Bson::String(hash)) => Some(hash.clone()),
            Some(other) => return Err(format!("hashed_password is {other:?}").into()),
        };
        Ok(Some(User {
            id: string(&document, "_id")?,
            provider_id: string(&document, "provider_id")?,
            hashed_password,
            user_data: document
                .iter()
                .filter(|(key, _)| {
                    !["_id", "provider_id", "hashed_password", "__v"].contains(&key.as_str())
                })
                .map(|(key, value)| (key.clone(), value.clone().into_relaxed_extjson()))
                .collect(),
        }))
    }

    async fn session(&self, access_token: &str) -> Result<Option<Session>, BoxError> {
        let Some(document) = self
            .sessions
            .find_one(doc! { "access_token": access_token })
            .await?
        else {
            return Ok(None);
        };
        let expires = match document.get("expires") {
            Some(Bson::Int64(ms)) => *ms,
            Some(Bson::Int32(ms)) => i64::from(*ms),
            other => return Err(format!("expires is {other:?}, not an integer").into()),
        };
        Ok(Some(Session {
            access_token: string(&document, "access_token")?,
            user_id: string(&document, "user_id")?,
            expires,
        }))
    }

    async fn refresh_token_owner(&self, refresh_token: &str) -> Result<Option<String>, BoxError> {
        match self
            .refresh_tokens
            .find_one(doc! { "refresh_token": refresh_token })
            .await?
        {
            Some(document) => Ok(Some(string(&document, "user_id")?)),
            None => Ok(None),
        }
    }

    async fn count(&self, record: Record) -> Result<u64, BoxError> {
        let collection = match record {
            Record::User => &self.users,
            Record::Session => &self.sessions,
            Record::RefreshToken => &self.refresh_tokens,
        };
        Ok(collection.count_documents(doc! {}).await?)
    }

    async fn insert_user(&self, user: &User) -> Result<(), BoxError> {
        let mut document = doc! {
            "_id": &user.id,
            "provider_id": &user.provider_id,
            "hashed_password": user.hashed_password.as_deref().map_or(Bson::Null, Bson::from),
        };
        for (key, value) in &user.user_data {
            document.insert(key.as_str(), Bson::try_from(value.clone())?);
        }
        document.insert("__v", 0_i32);
        self.users.insert_one(document).await?;
        Ok(())
    }

    async fn insert_session(&self, session: &Session) -> Result<(), BoxError> {
        self.sessions
            .insert_one(doc! {
                "_id": ObjectId::new(),
                "access_token": &session.access_token,
                "user_id": &session.user_id,
                "expires": session.expires,
                "__v": 0_i32,
            })
            .await?;
        Ok(())
    }

    async fn insert_refresh_token(&self, token: &RefreshToken) -> Result<(), BoxError> {
        self.refresh_tokens
            .insert_one(doc! {
                "_id": ObjectId::new(),
                "refresh_token": &token.refresh_token,
                "user_id": &token.user_id,
                "__v": 0_i32,
            })
            .await?;
        Ok(())
    }

    async fn insert_corrupt_session(
        &self,
        access_token: &str,
        user_id: &str,
    ) -> Result<(), BoxError> {
        self.sessions
            .insert_one(doc! {
                "_id": ObjectId::new(),
                "access_token": access_token,
                "user_id": user_id,
                "expires": "tomorrow",
                "__v": 0_i32,
            })
            .await?;
        Ok(())
    }
}
