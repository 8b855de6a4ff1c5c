//! [`MongoAdapter`]: the contract's traits over the three collections.

use std::fmt;

use adapter_core::{
    observe, validate, Adapter, AdapterError, DbOp, NewUser, RefreshToken, Session, SessionAdapter,
    SharedClock, User, UserAdapter, UserIdGenerator, UserUpdate,
};
use async_trait::async_trait;
use bson::{doc, Bson, Document};
use futures::TryStreamExt;
use mongodb::options::ReturnDocument;
use mongodb::{Collection, Database};

use crate::codec;
use crate::config::{self, CollectionNames, MongoAdapterBuilder};
use crate::documents;
use crate::error::{self, Target, UserUniqueIndexes};

const BACKEND: &str = "mongo";
/// The field a `$lookup` puts the joined user documents in.
const JOINED_USER: &str = "joined_user";

/// The MongoDB adapter: users, sessions and refresh tokens in the documents
/// the JS Lucia Mongoose adapter writes, so a Rust service and a JS app can
/// share one database. Needs no replica set.
///
/// ```no_run
/// # async fn demo() -> Result<(), adapter_core::AdapterError> {
/// use adapter_core::{NewUser, UserAdapter};
/// let adapter = adapter_mongo::MongoAdapter::connect("mongodb://127.0.0.1:27017/app").await?;
/// adapter.set_user(Some("u1"), NewUser::new("email:ada@example.com")).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct MongoAdapter {
    database: Database,
    users: Collection<Document>,
    sessions: Collection<Document>,
    refresh_tokens: Collection<Document>,
    clock: SharedClock,
    id_generator: Option<UserIdGenerator>,
    native_expiry: bool,
    user_indexes: UserUniqueIndexes,
}

impl fmt::Debug for MongoAdapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MongoAdapter")
            .field("database", &self.database.name())
            .field("users", &self.users.name())
            .field("sessions", &self.sessions.name())
            .field("refresh_tokens", &self.refresh_tokens.name())
            .field("id_generator", &self.id_generator.is_some())
            .field("native_expiry", &self.native_expiry)
            .finish()
    }
}

impl MongoAdapter {
    /// Connects to `url` (the database it names, else `test` as Mongoose does)
    /// with the defaults of [`MongoAdapterBuilder`].
    pub async fn connect(url: &str) -> Result<Self, AdapterError> {
        Self::builder(config::database_from_url(url).await?)
            .build()
            .await
    }

    /// The database `url` names (else `test`), on a client with the default
    /// timeouts: for a builder that needs more than [`MongoAdapter::connect`].
    pub async fn connect_database(url: &str) -> Result<Database, AdapterError> {
        config::database_from_url(url).await
    }

    /// A builder over an existing database.
    pub fn builder(database: Database) -> MongoAdapterBuilder {
        MongoAdapterBuilder::new(database)
    }

    pub(crate) fn new(
        database: Database,
        names: &CollectionNames,
        clock: SharedClock,
        id_generator: Option<UserIdGenerator>,
        native_expiry: bool,
        user_indexes: UserUniqueIndexes,
    ) -> Self {
        Self {
            users: database.collection(&names.users),
            sessions: database.collection(&names.sessions),
            refresh_tokens: database.collection(&names.refresh_tokens),
            database,
            clock,
            id_generator,
            native_expiry,
            user_indexes,
        }
    }

    /// The database this adapter works in.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The users collection.
    pub fn users_collection(&self) -> &Collection<Document> {
        &self.users
    }

    /// The sessions collection.
    pub fn sessions_collection(&self) -> &Collection<Document> {
        &self.sessions
    }

    /// The refresh tokens collection.
    pub fn refresh_tokens_collection(&self) -> &Collection<Document> {
        &self.refresh_tokens
    }

    pub(crate) fn clock(&self) -> &SharedClock {
        &self.clock
    }

    pub(crate) fn native_expiry(&self) -> bool {
        self.native_expiry
    }

    pub(crate) fn user_unique_fields(&self) -> &UserUniqueIndexes {
        &self.user_indexes
    }

    fn fail(
        &self,
        op: DbOp,
        target: Target,
    ) -> impl Fn(mongodb::error::Error) -> AdapterError + '_ {
        move |err| error::classify(err, op, target, &self.user_indexes)
    }

    async fn user_exists(&self, user_id: &str) -> Result<bool, AdapterError> {
        let found = self
            .users
            .find_one(doc! { "_id": user_id })
            .projection(doc! { "_id": 1 })
            .await
            .map_err(self.fail(DbOp::Read, Target::Users))?;
        Ok(found.is_some())
    }

    /// Inserts a token document for `user_id`, refusing unknown users, in two
    /// round trips: the insert, then a look for the user. Looking after the
    /// insert is what makes it safe beside a racing `delete_user` (which
    /// removes the user, then its tokens): either this look finds the user,
    /// so the insert came before that delete's token sweep, or it does not and
    /// the document is removed here. A token of an unknown user is thus never
    /// left behind, though it exists for that moment (no read joined with its
    /// user returns it); looking first as well would cost a third round trip.
    async fn insert_owned(
        &self,
        collection: &Collection<Document>,
        target: Target,
        user_id: &str,
        document: Document,
    ) -> Result<(), AdapterError> {
        let id = document.get("_id").cloned().unwrap_or(Bson::Null);
        collection
            .insert_one(document)
            .await
            .map_err(self.fail(DbOp::Write, target))?;
        if !self.user_exists(user_id).await? {
            collection
                .delete_one(doc! { "_id": id })
                .await
                .map_err(self.fail(DbOp::Write, target))?;
            return Err(AdapterError::InvalidUserId);
        }
        Ok(())
    }

    /// The session (and its user, when joined) for an access token, in one round trip.
    async fn session_with_user(
        &self,
        access_token: &str,
    ) -> Result<Option<(Session, Option<User>)>, AdapterError> {
        let pipeline = [
            doc! { "$match": { "access_token": access_token } },
            doc! { "$limit": 1 },
            doc! { "$lookup": {
                "from": self.users.name(),
                "localField": "user_id",
                "foreignField": "_id",
                "as": JOINED_USER,
            } },
        ];
        let mut cursor = self
            .sessions
            .aggregate(pipeline)
            .await
            .map_err(self.fail(DbOp::Read, Target::Sessions))?;
        let Some(mut document) = cursor
            .try_next()
            .await
            .map_err(self.fail(DbOp::Read, Target::Sessions))?
        else {
            return Ok(None);
        };
        let session = documents::session_from_document(&document)?;
        if !session.is_live_at(self.clock.now_ms()) {
            return Ok(None);
        }
        let user = match document.remove(JOINED_USER) {
            Some(Bson::Array(users)) => match users.into_iter().next() {
                Some(Bson::Document(user)) => Some(documents::user_from_document(user)?),
                _ => None,
            },
            _ => None,
        };
        Ok(Some((session, user)))
    }

    async fn delete_in(
        &self,
        collection: &Collection<Document>,
        target: Target,
        filter: Document,
    ) -> Result<u64, AdapterError> {
        let result = collection
            .delete_many(filter)
            .await
            .map_err(self.fail(DbOp::Write, target))?;
        Ok(result.deleted_count)
    }
}

#[async_trait]
impl UserAdapter for MongoAdapter {
    async fn get_user_by_id(&self, user_id: &str) -> Result<Option<User>, AdapterError> {
        observe(BACKEND, "get_user_by_id", async {
            validate::key("user_id", user_id)?;
            let found = self
                .users
                .find_one(doc! { "_id": user_id })
                .await
                .map_err(self.fail(DbOp::Read, Target::Users))?;
            found.map(documents::user_from_document).transpose()
        })
        .await
    }

    async fn get_user_by_provider_id(
        &self,
        provider_id: &str,
    ) -> Result<Option<User>, AdapterError> {
        observe(BACKEND, "get_user_by_provider_id", async {
            validate::key("provider_id", provider_id)?;
            let found = self
                .users
                .find_one(doc! { "provider_id": provider_id })
                .await
                .map_err(self.fail(DbOp::Read, Target::Users))?;
            found.map(documents::user_from_document).transpose()
        })
        .await
    }

    async fn set_user(&self, user_id: Option<&str>, user: NewUser) -> Result<String, AdapterError> {
        observe(BACKEND, "set_user", async {
            let masked = NewUser {
                user_data: codec::mask_typed_values(&user.user_data),
                ..user.clone()
            };
            validate::new_user(user_id, &masked)?;
            let id = match (user_id, &self.id_generator) {
                (Some(id), _) => id.to_string(),
                (None, Some(generate)) => {
                    let id = generate();
                    validate::key("user_id", &id)?;
                    id
                }
                (None, None) => return Err(AdapterError::UserIdRequired),
            };
            let document = documents::new_user_document(&id, &user)?;
            self.users
                .insert_one(document)
                .await
                .map_err(self.fail(DbOp::Write, Target::Users))?;
            Ok(id)
        })
        .await
    }

    async fn update_user(&self, user_id: &str, update: UserUpdate) -> Result<User, AdapterError> {
        observe(BACKEND, "update_user", async {
            let masked = UserUpdate {
                user_data: codec::mask_typed_values(&update.user_data),
                ..update.clone()
            };
            validate::user_update(user_id, &masked)?;
            let filter = doc! { "_id": user_id };
            let found = match documents::user_update_set(&update)? {
                None => self.users.find_one(filter).await,
                Some(set) => {
                    self.users
                        .find_one_and_update(filter, doc! { "$set": set })
                        .return_document(ReturnDocument::After)
                        .await
                }
            }
            .map_err(self.fail(DbOp::Write, Target::Users))?;
            match found {
                Some(document) => documents::user_from_document(document),
                None => Err(AdapterError::InvalidUserId),
            }
        })
        .await
    }

    async fn delete_user(&self, user_id: &str) -> Result<u64, AdapterError> {
        observe(BACKEND, "delete_user", async {
            validate::key("user_id", user_id)?;
            // The user goes first: a token written after this is removed by
            // its writer's look for the user (see `insert_owned`), one
            // written before it by the deletes below, which run side by side.
            let deleted = self
                .delete_in(&self.users, Target::Users, doc! { "_id": user_id })
                .await?;
            let owned = doc! { "user_id": user_id };
            futures::try_join!(
                self.delete_in(&self.sessions, Target::Sessions, owned.clone()),
                self.delete_in(&self.refresh_tokens, Target::RefreshTokens, owned),
            )?;
            Ok(deleted)
        })
        .await
    }
}

#[async_trait]
impl SessionAdapter for MongoAdapter {
    async fn get_session_by_access_token(
        &self,
        access_token: &str,
    ) -> Result<Option<Session>, AdapterError> {
        observe(BACKEND, "get_session_by_access_token", async {
            validate::key("access_token", access_token)?;
            let found = self
                .sessions
                .find_one(doc! { "access_token": access_token })
                .await
                .map_err(self.fail(DbOp::Read, Target::Sessions))?;
            let Some(document) = found else {
                return Ok(None);
            };
            let session = documents::session_from_document(&document)?;
            Ok(session.is_live_at(self.clock.now_ms()).then_some(session))
        })
        .await
    }

    async fn get_sessions_by_user_id(&self, user_id: &str) -> Result<Vec<Session>, AdapterError> {
        observe(BACKEND, "get_sessions_by_user_id", async {
            validate::key("user_id", user_id)?;
            let documents: Vec<Document> = self
                .sessions
                .find(doc! { "user_id": user_id })
                .await
                .map_err(self.fail(DbOp::Read, Target::Sessions))?
                .try_collect()
                .await
                .map_err(self.fail(DbOp::Read, Target::Sessions))?;
            let now = self.clock.now_ms();
            Ok(documents
                .iter()
                .filter_map(|document| match documents::session_from_document(document) {
                    Ok(session) => Some(session),
                    Err(err) => {
                        tracing::warn!(document_id = %document.get("_id").map_or(Bson::Null, Clone::clone), error = %err, "skipping a session that cannot be decoded");
                        None
                    }
                })
                .filter(|session| session.is_live_at(now))
                .collect())
        })
        .await
    }

    async fn set_session(&self, session: &Session) -> Result<(), AdapterError> {
        observe(BACKEND, "set_session", async {
            validate::session(session)?;
            let document = documents::session_document(session, self.native_expiry);
            self.insert_owned(&self.sessions, Target::Sessions, &session.user_id, document)
                .await
        })
        .await
    }

    async fn delete_session_by_access_token(
        &self,
        access_tokens: &[&str],
    ) -> Result<u64, AdapterError> {
        observe(BACKEND, "delete_session_by_access_token", async {
            validate::keys("access_token", access_tokens)?;
            if access_tokens.is_empty() {
                return Ok(0);
            }
            self.delete_in(
                &self.sessions,
                Target::Sessions,
                doc! { "access_token": { "$in": access_tokens } },
            )
            .await
        })
        .await
    }

    async fn delete_sessions_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError> {
        observe(BACKEND, "delete_sessions_by_user_id", async {
            validate::key("user_id", user_id)?;
            self.delete_in(
                &self.sessions,
                Target::Sessions,
                doc! { "user_id": user_id },
            )
            .await
        })
        .await
    }

    async fn delete_expired_sessions(&self) -> Result<u64, AdapterError> {
        observe(BACKEND, "delete_expired_sessions", async {
            // `$lt` on a number matches int32, int64 and double alike, exactly.
            let now = self.clock.now_ms();
            self.delete_in(
                &self.sessions,
                Target::Sessions,
                doc! { "expires": { "$lt": now } },
            )
            .await
        })
        .await
    }

    async fn get_user_id_by_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError> {
        observe(BACKEND, "get_user_id_by_refresh_token", async {
            validate::key("refresh_token", refresh_token)?;
            let pipeline = [
                doc! { "$match": { "refresh_token": refresh_token } },
                doc! { "$limit": 1 },
                doc! { "$lookup": {
                    "from": self.users.name(),
                    "localField": "user_id",
                    "foreignField": "_id",
                    "as": JOINED_USER,
                } },
            ];
            let mut cursor = self
                .refresh_tokens
                .aggregate(pipeline)
                .await
                .map_err(self.fail(DbOp::Read, Target::RefreshTokens))?;
            let Some(document) = cursor
                .try_next()
                .await
                .map_err(self.fail(DbOp::Read, Target::RefreshTokens))?
            else {
                return Ok(None);
            };
            let owner = documents::refresh_token_owner(&document)?;
            let owner_exists =
                matches!(document.get(JOINED_USER), Some(Bson::Array(users)) if !users.is_empty());
            Ok(owner_exists.then_some(owner))
        })
        .await
    }

    async fn set_refresh_token(&self, token: &RefreshToken) -> Result<(), AdapterError> {
        observe(BACKEND, "set_refresh_token", async {
            validate::refresh_token(token)?;
            let document = documents::refresh_token_document(token);
            self.insert_owned(
                &self.refresh_tokens,
                Target::RefreshTokens,
                &token.user_id,
                document,
            )
            .await
        })
        .await
    }

    async fn consume_refresh_token(
        &self,
        refresh_token: &str,
    ) -> Result<Option<String>, AdapterError> {
        observe(BACKEND, "consume_refresh_token", async {
            validate::key("refresh_token", refresh_token)?;
            let removed = self
                .refresh_tokens
                .find_one_and_delete(doc! { "refresh_token": refresh_token })
                .await
                .map_err(self.fail(DbOp::Write, Target::RefreshTokens))?;
            let Some(owner) = removed
                .as_ref()
                .map(documents::refresh_token_owner)
                .transpose()?
            else {
                return Ok(None);
            };
            // A token left by a deleted owner is removed, but names nobody.
            Ok(self.user_exists(&owner).await?.then_some(owner))
        })
        .await
    }

    async fn delete_refresh_token(&self, refresh_tokens: &[&str]) -> Result<u64, AdapterError> {
        observe(BACKEND, "delete_refresh_token", async {
            validate::keys("refresh_token", refresh_tokens)?;
            if refresh_tokens.is_empty() {
                return Ok(0);
            }
            self.delete_in(
                &self.refresh_tokens,
                Target::RefreshTokens,
                doc! { "refresh_token": { "$in": refresh_tokens } },
            )
            .await
        })
        .await
    }

    async fn delete_refresh_tokens_by_user_id(&self, user_id: &str) -> Result<u64, AdapterError> {
        observe(BACKEND, "delete_refresh_tokens_by_user_id", async {
            validate::key("user_id", user_id)?;
            self.delete_in(
                &self.refresh_tokens,
                Target::RefreshTokens,
                doc! { "user_id": user_id },
            )
            .await
        })
        .await
    }
}

#[async_trait]
impl Adapter for MongoAdapter {
    async fn get_session_and_user(
        &self,
        access_token: &str,
    ) -> Result<Option<(Session, User)>, AdapterError> {
        observe(BACKEND, "get_session_and_user", async {
            validate::key("access_token", access_token)?;
            Ok(match self.session_with_user(access_token).await? {
                Some((session, Some(user))) => Some((session, user)),
                _ => None,
            })
        })
        .await
    }

    async fn get_user_by_access_token(
        &self,
        access_token: &str,
    ) -> Result<Option<User>, AdapterError> {
        observe(BACKEND, "get_user_by_access_token", async {
            validate::key("access_token", access_token)?;
            Ok(self
                .session_with_user(access_token)
                .await?
                .and_then(|(_, user)| user))
        })
        .await
    }
}
