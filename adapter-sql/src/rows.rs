//! Rows to records: sessions and users from [`Cell`]s.

use adapter_core::{Session, User, UserData};

use crate::columns::{self, Cell, ColumnKind};
use crate::engine::Row;
use crate::schema::SchemaReport;

/// A session from its `access_token, user_id, expires` cells.
pub(crate) fn session(cells: &mut dyn Iterator<Item = (String, Cell)>) -> Result<Session, String> {
    let mut next = |what: &str| {
        cells
            .next()
            .map(|(_, cell)| cell)
            .ok_or_else(|| format!("row lacks {what}"))
    };
    Ok(Session {
        access_token: columns::text("access_token", next("access_token")?)?,
        user_id: columns::text("user_id", next("user_id")?)?,
        expires: columns::expires(next("expires")?)?,
    })
}

/// Whether every user-data column of these cells is known to `schema`.
pub(crate) fn columns_known(schema: &SchemaReport, cells: &[(String, Cell)]) -> bool {
    cells
        .iter()
        .all(|(name, _)| is_own_field(name) || schema.user_columns.iter().any(|c| &c.name == name))
}

fn is_own_field(name: &str) -> bool {
    matches!(name, "id" | "provider_id" | "hashed_password")
}

/// A user from every column of its row.
pub(crate) fn user(schema: &SchemaReport, cells: Vec<(String, Cell)>) -> Result<User, String> {
    let mut id = None;
    let mut provider_id = None;
    let mut hashed_password = None;
    let mut user_data = UserData::new();
    for (name, cell) in cells {
        match name.as_str() {
            "id" => id = Some(columns::text("id", cell)?),
            "provider_id" => provider_id = Some(columns::text("provider_id", cell)?),
            "hashed_password" => hashed_password = columns::optional_text("hashed_password", cell)?,
            _ => {
                let kind = schema
                    .user_columns
                    .iter()
                    .find(|c| c.name == name)
                    .map_or(ColumnKind::Other, |c| c.kind);
                if let Some(value) = columns::decode(kind, &name, cell)? {
                    user_data.insert(name, value);
                }
            }
        }
    }
    Ok(User {
        id: id.ok_or("row lacks id")?,
        provider_id: provider_id.ok_or("row lacks provider_id")?,
        hashed_password,
        user_data,
    })
}

/// The first cell of a row as text (a user id).
pub(crate) fn first_text(row: Row) -> Result<String, String> {
    match row.into_iter().next() {
        Some((name, cell)) => columns::text(&name, cell),
        None => Err("empty row".into()),
    }
}

/// A consumed token's owner and whether that user exists (`user_id, EXISTS(…)`).
pub(crate) fn owner(row: Row) -> Result<(String, bool), String> {
    let mut cells = row.into_iter();
    let owner = match cells.next() {
        Some((name, cell)) => columns::text(&name, cell)?,
        None => return Err("empty row".into()),
    };
    let exists = match cells.next() {
        Some((_, Cell::Integer(n))) => n != 0,
        Some((_, Cell::Bool(flag))) => flag,
        _ => return Err("owner check missing".into()),
    };
    Ok((owner, exists))
}
