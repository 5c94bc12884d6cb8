//! Values bound in order to `$1`, `$2`, ... on both databases and both drivers: for statements
//! whose shape depends on the request (a listing's conditions, a batch's rows), and for every
//! statement a [`Tx`](super::tx::Tx) runs.

use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryScalar};

/// A value to bind.
pub(super) enum Bind {
    Text(String),
    Int(i64),
    MaybeText(Option<String>),
    MaybeInt(Option<i64>),
    Bytes(Vec<u8>),
    MaybeBytes(Option<Vec<u8>>),
}

/// `args![a, b, c]`: the values of a statement's `$1`, `$2`, `$3`.
macro_rules! args {
    ($($value:expr),* $(,)?) => {
        [$($crate::store::sql::binds::Bind::from($value)),*]
    };
}
pub(super) use args;

macro_rules! bind_from {
    ($($type:ty => |$v:ident| $make:expr),* $(,)?) => {
        $(impl From<$type> for Bind {
            fn from($v: $type) -> Self {
                $make
            }
        })*
    };
}

bind_from!(
    &str => |v| Bind::Text(v.to_owned()),
    &String => |v| Bind::Text(v.clone()),
    String => |v| Bind::Text(v),
    i64 => |v| Bind::Int(v),
    Option<&str> => |v| Bind::MaybeText(v.map(str::to_owned)),
    &Option<String> => |v| Bind::MaybeText(v.clone()),
    Option<String> => |v| Bind::MaybeText(v),
    Option<i64> => |v| Bind::MaybeInt(v),
    &[u8] => |v| Bind::Bytes(v.to_vec()),
    &Vec<u8> => |v| Bind::Bytes(v.clone()),
    Vec<u8> => |v| Bind::Bytes(v),
    &Option<Vec<u8>> => |v| Bind::MaybeBytes(v.clone()),
);

impl rusqlite::ToSql for Bind {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, Value};
        Ok(match self {
            Bind::Text(text) | Bind::MaybeText(Some(text)) => ToSqlOutput::from(text.as_str()),
            Bind::Int(n) | Bind::MaybeInt(Some(n)) => ToSqlOutput::from(*n),
            Bind::Bytes(bytes) | Bind::MaybeBytes(Some(bytes)) => {
                ToSqlOutput::from(bytes.as_slice())
            }
            Bind::MaybeText(None) | Bind::MaybeInt(None) | Bind::MaybeBytes(None) => {
                ToSqlOutput::Owned(Value::Null)
            }
        })
    }
}

/// `sql` with `args` bound, for sqlx.
pub(super) fn bound<'q>(sql: &'q str, args: &[Bind]) -> Query<'q, Any, AnyArguments<'q>> {
    args.iter().fold(sqlx::query(sql), Takes::take)
}

/// A statement that takes values in order: a query, or one that returns a scalar.
trait Takes: Sized {
    fn take(self, value: &Bind) -> Self;
}

macro_rules! takes {
    ($ty:ty) => {
        impl<'q> Takes for $ty {
            fn take(self, value: &Bind) -> Self {
                match value {
                    Bind::Text(text) => self.bind(text.clone()),
                    Bind::Int(n) => self.bind(*n),
                    Bind::MaybeText(text) => self.bind(text.clone()),
                    Bind::MaybeInt(n) => self.bind(*n),
                    Bind::Bytes(bytes) => self.bind(bytes.clone()),
                    Bind::MaybeBytes(bytes) => self.bind(bytes.clone()),
                }
            }
        }
    };
}

takes!(Query<'q, Any, AnyArguments<'q>>);
takes!(QueryScalar<'q, Any, i64, AnyArguments<'q>>);

/// Values in the order of their placeholders, and the conditions that use them.
#[derive(Default)]
pub(super) struct Binds {
    pub conditions: Vec<String>,
    values: Vec<Bind>,
}

impl Binds {
    /// Adds a value; returns its placeholder, `$n`.
    pub fn bind(&mut self, value: Bind) -> String {
        self.values.push(value);
        format!("${}", self.values.len())
    }

    /// The conditions joined with AND; `1 = 1` when there are none.
    pub fn condition(&self) -> String {
        if self.conditions.is_empty() {
            "1 = 1".to_owned()
        } else {
            self.conditions.join(" AND ")
        }
    }

    pub fn query<'q>(&self, sql: &'q str) -> Query<'q, Any, AnyArguments<'q>> {
        bound(sql, &self.values)
    }

    pub fn scalar<'q>(&self, sql: &'q str) -> QueryScalar<'q, Any, i64, AnyArguments<'q>> {
        self.values
            .iter()
            .fold(sqlx::query_scalar(sql), Takes::take)
    }
}
