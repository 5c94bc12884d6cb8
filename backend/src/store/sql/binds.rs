//! Statements whose shape depends on the request (a listing's conditions, a batch's rows):
//! their values, bound in order to `$1`, `$2`, ... on both databases.

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
        self.values.iter().fold(sqlx::query(sql), Takes::take)
    }

    pub fn scalar<'q>(&self, sql: &'q str) -> QueryScalar<'q, Any, i64, AnyArguments<'q>> {
        self.values
            .iter()
            .fold(sqlx::query_scalar(sql), Takes::take)
    }
}
