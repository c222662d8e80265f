//! The two SQL engines behind one small interface, so that the catalog's queries are written once.
//!
//! The catalog's statements are written in the SQL that SQLite and PostgreSQL share (numbered
//! parameters `?1`, `INSERT … ON CONFLICT`, `RETURNING`, row values), and run through [`Db`]:
//! [`SqliteDb`] hands them to SQLite as they are; [`PostgresDb`] renumbers the parameters as
//! `$1`, prepares each statement once per connection and converts values by the column's type.
//! Values cross the interface as [`Value`] (integers, text, bytes, NULL): the only types the
//! catalog stores, which is what keeps the two back-ends' answers identical.
//!
//! Migrations are written once too, in SQLite's DDL; [`postgres_ddl`] maps their few
//! engine-specific words (rowid keys, `BLOB`, the byte-wise text order SQLite uses).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use crate::{CatalogError, Result};

/// A value passed to or read from the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

/// Conversion of the catalog's field types into [`Value`]s (see [`args!`]).
pub trait ToValue {
    fn to_value(&self) -> Value;
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::Text(self.to_owned())
    }
}
impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::Text(self.clone())
    }
}

/// Refuses text with a NUL character: PostgreSQL cannot store one, so neither engine does, and
/// a vault behaves the same on both.
fn check_text(args: &[Value]) -> Result<(), DbError> {
    for (i, arg) in args.iter().enumerate() {
        if let Value::Text(t) = arg {
            if t.contains('\0') {
                return Err(DbError::Type(format!(
                    "parameter {} holds a NUL character, which the catalog does not store",
                    i + 1
                )));
            }
        }
    }
    Ok(())
}
impl ToValue for i64 {
    fn to_value(&self) -> Value {
        Value::Int(*self)
    }
}
impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Int(i64::from(*self))
    }
}
impl ToValue for [u8] {
    fn to_value(&self) -> Value {
        Value::Bytes(self.to_vec())
    }
}
impl ToValue for Vec<u8> {
    fn to_value(&self) -> Value {
        Value::Bytes(self.clone())
    }
}
impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}
impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
}

/// The parameters of a statement: `args![a, b.c, d as i64]`.
macro_rules! args {
    ($($arg:expr),* $(,)?) => {
        &[$($crate::db::ToValue::to_value(&$arg)),*] as &[$crate::db::Value]
    };
}
pub(crate) use args;

/// One result row. Each getter takes its column's value out, so each column is read once.
#[derive(Debug)]
pub struct Row(Vec<Value>);

impl Row {
    /// The row's values, in column order.
    pub fn into_values(self) -> Vec<Value> {
        self.0
    }

    fn take(&mut self, column: usize) -> Result<Value> {
        self.0
            .get_mut(column)
            .map(|v| std::mem::replace(v, Value::Null))
            .ok_or_else(|| CatalogError::Invalid(format!("a result has no column {column}")))
    }

    fn mismatch(column: usize, wanted: &str, found: &Value) -> CatalogError {
        let found = match found {
            Value::Null => "NULL",
            Value::Int(_) => "an integer",
            Value::Text(_) => "text",
            Value::Bytes(_) => "bytes",
        };
        CatalogError::Invalid(format!("column {column} holds {found}, not {wanted}"))
    }

    pub fn opt_text(&mut self, column: usize) -> Result<Option<String>> {
        match self.take(column)? {
            Value::Null => Ok(None),
            Value::Text(t) => Ok(Some(t)),
            other => Err(Self::mismatch(column, "text", &other)),
        }
    }

    pub fn text(&mut self, column: usize) -> Result<String> {
        match self.take(column)? {
            Value::Text(t) => Ok(t),
            other => Err(Self::mismatch(column, "text", &other)),
        }
    }

    pub fn opt_int(&mut self, column: usize) -> Result<Option<i64>> {
        match self.take(column)? {
            Value::Null => Ok(None),
            Value::Int(i) => Ok(Some(i)),
            other => Err(Self::mismatch(column, "an integer", &other)),
        }
    }

    pub fn int(&mut self, column: usize) -> Result<i64> {
        match self.take(column)? {
            Value::Int(i) => Ok(i),
            other => Err(Self::mismatch(column, "an integer", &other)),
        }
    }

    /// A non-negative integer (sizes, positions, Unix times).
    pub fn count(&mut self, column: usize) -> Result<u64> {
        let value = self.int(column)?;
        u64::try_from(value)
            .map_err(|_| CatalogError::Invalid(format!("column {column} holds {value} < 0")))
    }

    pub fn opt_count(&mut self, column: usize) -> Result<Option<u64>> {
        self.opt_int(column)?
            .map(|value| {
                u64::try_from(value).map_err(|_| {
                    CatalogError::Invalid(format!("column {column} holds {value} < 0"))
                })
            })
            .transpose()
    }

    pub fn flag(&mut self, column: usize) -> Result<bool> {
        Ok(self.int(column)? != 0)
    }

    pub fn opt_bytes(&mut self, column: usize) -> Result<Option<Vec<u8>>> {
        match self.take(column)? {
            Value::Null => Ok(None),
            Value::Bytes(b) => Ok(Some(b)),
            other => Err(Self::mismatch(column, "bytes", &other)),
        }
    }

    pub fn bytes(&mut self, column: usize) -> Result<Vec<u8>> {
        match self.take(column)? {
            Value::Bytes(b) => Ok(b),
            other => Err(Self::mismatch(column, "bytes", &other)),
        }
    }
}

/// An error of the database engine.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error("{}", postgres_message(.0))]
    Postgres(#[from] postgres::Error),
    #[error("{0}")]
    Type(String),
}

/// PostgreSQL's own message, with its detail, or the whole chain of causes (a TLS handshake
/// names the certificate problem only in its source): `postgres::Error`'s display says only
/// "db error" or "error performing TLS handshake".
fn postgres_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{} ({detail})", db.message()),
            None => db.message().to_owned(),
        },
        None => {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(cause) = source {
                message.push_str(": ");
                message.push_str(&cause.to_string());
                source = cause.source();
            }
            message
        }
    }
}

impl DbError {
    /// Whether a constraint (unique key, reference, check) refused the statement.
    pub fn is_constraint(&self) -> bool {
        match self {
            DbError::Sqlite(e) => {
                e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
            }
            DbError::Postgres(e) => e.code().is_some_and(|code| {
                use postgres::error::SqlState;
                [
                    SqlState::UNIQUE_VIOLATION,
                    SqlState::FOREIGN_KEY_VIOLATION,
                    SqlState::CHECK_VIOLATION,
                    SqlState::NOT_NULL_VIOLATION,
                ]
                .contains(code)
            }),
            DbError::Type(_) => false,
        }
    }
}

/// Which engine runs the statements (for the few places where the SQL must differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A connection to one of the catalog's engines.
pub trait Db: Send {
    fn dialect(&self) -> Dialect;
    /// Runs a statement; returns the number of rows it changed.
    fn execute(&self, sql: &str, args: &[Value]) -> Result<u64, DbError>;
    /// Runs a query and returns all its rows.
    fn query(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError>;
    /// Runs statements without parameters (DDL, transaction control).
    fn batch(&self, sql: &str) -> Result<(), DbError>;
    fn begin(&self) -> Result<(), DbError> {
        self.batch("BEGIN")
    }
    fn commit(&self) -> Result<(), DbError> {
        self.batch("COMMIT")
    }
    fn rollback(&self) -> Result<(), DbError> {
        self.batch("ROLLBACK")
    }
}

/// Maps a database error to a catalog error that says what was being done.
pub(crate) fn query(context: &'static str) -> impl FnOnce(DbError) -> CatalogError {
    move |source| CatalogError::Query { context, source }
}

/// Turns a constraint failure into a message naming what clashed.
pub(crate) fn conflict(
    context: &'static str,
    what: String,
) -> impl FnOnce(DbError) -> CatalogError {
    move |source| {
        if source.is_constraint() {
            CatalogError::Conflict(what)
        } else {
            CatalogError::Query { context, source }
        }
    }
}

/// Runs a statement.
pub(crate) fn exec(db: &dyn Db, context: &'static str, sql: &str, args: &[Value]) -> Result<u64> {
    db.execute(sql, args).map_err(query(context))
}

/// All rows of a query, each mapped by `map`.
pub(crate) fn all<T>(
    db: &dyn Db,
    context: &'static str,
    sql: &str,
    args: &[Value],
    map: impl FnMut(Row) -> Result<T>,
) -> Result<Vec<T>> {
    db.query(sql, args)
        .map_err(query(context))?
        .into_iter()
        .map(map)
        .collect()
}

/// The first row of a query, if any, mapped by `map`.
pub(crate) fn one<T>(
    db: &dyn Db,
    context: &'static str,
    sql: &str,
    args: &[Value],
    map: impl FnOnce(Row) -> Result<T>,
) -> Result<Option<T>> {
    db.query(sql, args)
        .map_err(query(context))?
        .into_iter()
        .next()
        .map(map)
        .transpose()
}

/// Runs `work` in a transaction: committed if it returns `Ok`, rolled back otherwise.
pub(crate) fn transaction<T>(
    db: &dyn Db,
    context: &'static str,
    work: impl FnOnce(&dyn Db) -> Result<T>,
) -> Result<T> {
    db.begin().map_err(query(context))?;
    match work(db) {
        Ok(value) => {
            db.commit().map_err(query(context))?;
            Ok(value)
        }
        Err(e) => {
            // The error that stopped the work is the one to report; a failed rollback leaves
            // nothing committed either.
            let _ = db.rollback();
            Err(e)
        }
    }
}

/// Like [`transaction`], but the commit does not wait for the disk: it becomes durable with
/// the next ordinary commit on any connection (SQLite's write-ahead log is one file, written in
/// commit order; PostgreSQL's asynchronous commit flushes its log within a fraction of a second
/// and in order). Only for what a crash may lose because opening the vault rebuilds it: the log
/// positions of the last batch of custody events (see `Vault::reconcile`).
pub(crate) fn lazily_durable_transaction<T>(
    db: &dyn Db,
    context: &'static str,
    work: impl FnOnce(&dyn Db) -> Result<T>,
) -> Result<T> {
    match db.dialect() {
        Dialect::Sqlite => {
            db.batch("PRAGMA synchronous = NORMAL")
                .map_err(query(context))?;
            let done = transaction(db, context, work);
            // Back to a durable commit for everything else, whatever happened.
            let restored = db
                .batch("PRAGMA synchronous = FULL")
                .map_err(query(context));
            let value = done?;
            restored?;
            Ok(value)
        }
        Dialect::Postgres => transaction(db, context, |db| {
            db.batch("SET LOCAL synchronous_commit TO OFF")
                .map_err(query(context))?;
            work(db)
        }),
    }
}

/// Rewrites migration DDL written for SQLite into PostgreSQL's: rowid keys become identity
/// columns, integers 64-bit, `BLOB` `BYTEA`, and text compares byte-wise (`COLLATE "C"`), as in
/// SQLite, so that both engines order rows the same way.
pub fn postgres_ddl(sqlite: &str) -> String {
    let mut out = String::with_capacity(sqlite.len() + 64);
    let mut rest = sqlite;
    const ROWID_KEY: &str = "INTEGER PRIMARY KEY";
    while !rest.is_empty() {
        if rest.starts_with(ROWID_KEY) {
            out.push_str("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
            rest = &rest[ROWID_KEY.len()..];
            continue;
        }
        let word_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if word_len == 0 {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let word = &rest[..word_len];
        match word {
            "INTEGER" => out.push_str("BIGINT"),
            "BLOB" => out.push_str("BYTEA"),
            "TEXT" => out.push_str("TEXT COLLATE \"C\""),
            _ => out.push_str(word),
        }
        rest = &rest[word_len..];
    }
    out
}

/// Renumbers `?N` parameters as PostgreSQL's `$N`, leaving string literals alone.
pub fn postgres_parameters(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_string = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_string = !in_string;
                out.push(c);
            }
            '?' if !in_string && chars.peek().is_some_and(|d| d.is_ascii_digit()) => out.push('$'),
            _ => out.push(c),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// SQLite

/// The embedded engine: one SQLite (SQLCipher) connection.
pub struct SqliteDb {
    pub(crate) conn: rusqlite::Connection,
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
            Value::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

impl Db for SqliteDb {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn execute(&self, sql: &str, args: &[Value]) -> Result<u64, DbError> {
        check_text(args)?;
        let mut statement = self.conn.prepare_cached(sql)?;
        Ok(statement.execute(rusqlite::params_from_iter(args))? as u64)
    }

    fn query(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError> {
        use rusqlite::types::ValueRef;
        check_text(args)?;
        let mut statement = self.conn.prepare_cached(sql)?;
        let columns = statement.column_count();
        let mut rows = statement.query(rusqlite::params_from_iter(args))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(columns);
            for column in 0..columns {
                values.push(match row.get_ref(column)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(i) => Value::Int(i),
                    ValueRef::Text(t) => {
                        Value::Text(String::from_utf8(t.to_vec()).map_err(|_| {
                            DbError::Type(format!("column {column} holds text that is not UTF-8"))
                        })?)
                    }
                    ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
                    ValueRef::Real(_) => {
                        return Err(DbError::Type(format!(
                            "column {column} holds a real number; the catalog stores none"
                        )))
                    }
                });
            }
            out.push(Row(values));
        }
        Ok(out)
    }

    fn batch(&self, sql: &str) -> Result<(), DbError> {
        Ok(self.conn.execute_batch(sql)?)
    }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

/// A connection to PostgreSQL. Statements are prepared once per connection; a connection that
/// the server closed (a restart, a fail-over) is opened again before the next statement, unless a
/// transaction was under way: that transaction is lost and its caller sees the error.
///
/// The connection lives on a thread of its own, and each statement is handed to it: the
/// `postgres` client blocks on a runtime of its own, which may not happen on a thread that
/// drives asynchronous tasks (as the server's do, even while opening or dropping a vault).
pub struct PostgresDb {
    jobs: Option<std::sync::mpsc::Sender<Job>>,
    worker: Option<std::thread::JoinHandle<()>>,
}

type Job = Box<dyn FnOnce(&Session) + Send>;

fn connection_thread_stopped() -> DbError {
    DbError::Type("the PostgreSQL connection's thread has stopped".into())
}

impl PostgresDb {
    /// Connects with `config`, over TLS with `tls` (or in plain text when it is `None`).
    pub fn connect(
        config: postgres::Config,
        tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    ) -> Result<Self, DbError> {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let (ready, started) = std::sync::mpsc::channel::<Result<(), DbError>>();
        let worker = std::thread::Builder::new()
            .name("custodia-postgres".into())
            .spawn(move || {
                let session = match Session::connect(config, tls) {
                    Ok(session) => session,
                    Err(e) => {
                        let _ = ready.send(Err(e));
                        return;
                    }
                };
                let _ = ready.send(Ok(()));
                for job in queue {
                    job(&session);
                }
            })
            .map_err(|e| DbError::Type(format!("cannot start a thread for PostgreSQL: {e}")))?;
        match started.recv() {
            Ok(Ok(())) => Ok(Self {
                jobs: Some(jobs),
                worker: Some(worker),
            }),
            Ok(Err(e)) => {
                let _ = worker.join();
                Err(e)
            }
            Err(_) => Err(connection_thread_stopped()),
        }
    }

    /// Runs `work` on the connection's thread and waits for its result.
    fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Session) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        let (answer, result) = std::sync::mpsc::sync_channel(1);
        self.jobs
            .as_ref()
            .ok_or_else(connection_thread_stopped)?
            .send(Box::new(move |session| {
                let _ = answer.send(work(session));
            }))
            .map_err(|_| connection_thread_stopped())?;
        result.recv().map_err(|_| connection_thread_stopped())?
    }
}

impl Drop for PostgresDb {
    fn drop(&mut self) {
        // Closing the queue ends the thread, which closes the connection where it lives.
        self.jobs.take();
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
    }
}

impl std::fmt::Debug for PostgresDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresDb").finish_non_exhaustive()
    }
}

impl Db for PostgresDb {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&self, sql: &str, args: &[Value]) -> Result<u64, DbError> {
        let (sql, args) = (sql.to_owned(), args.to_vec());
        self.run(move |session| session.execute(&sql, &args))
    }

    fn query(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError> {
        let (sql, args) = (sql.to_owned(), args.to_vec());
        self.run(move |session| session.query(&sql, &args))
    }

    fn batch(&self, sql: &str) -> Result<(), DbError> {
        let sql = sql.to_owned();
        self.run(move |session| session.batch(&sql))
    }

    fn begin(&self) -> Result<(), DbError> {
        self.run(|session| session.begin())
    }

    fn commit(&self) -> Result<(), DbError> {
        self.run(|session| session.commit())
    }

    fn rollback(&self) -> Result<(), DbError> {
        self.run(|session| session.rollback())
    }
}

/// The connection itself, on its thread.
struct Session {
    config: postgres::Config,
    /// The TLS connector (verifying the server's certificate), unless TLS is disabled.
    tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    client: RefCell<postgres::Client>,
    statements: RefCell<HashMap<String, postgres::Statement>>,
    in_transaction: Cell<bool>,
}

impl Session {
    fn connect(
        config: postgres::Config,
        tls: Option<tokio_postgres_rustls::MakeRustlsConnect>,
    ) -> Result<Self, DbError> {
        let client = Self::open(&config, &tls)?;
        Ok(Self {
            config,
            tls,
            client: RefCell::new(client),
            statements: RefCell::new(HashMap::new()),
            in_transaction: Cell::new(false),
        })
    }

    fn reconnect_if_closed(&self) -> Result<(), DbError> {
        if self.in_transaction.get() || !self.client.borrow().is_closed() {
            return Ok(());
        }
        self.reconnect()
    }

    /// Runs `statement`, and once more on a new connection if the old one was lost. Only
    /// outside a transaction: there, every statement the catalog runs is a read or an idempotent
    /// upsert, so running it twice is safe; inside one, the work is lost and its caller must see
    /// the error.
    fn retrying<T>(&self, statement: impl Fn() -> Result<T, DbError>) -> Result<T, DbError> {
        match statement() {
            Err(DbError::Postgres(e)) if !self.in_transaction.get() && connection_lost(&e) => {
                self.reconnect()?;
                statement()
            }
            other => other,
        }
    }

    fn open(
        config: &postgres::Config,
        tls: &Option<tokio_postgres_rustls::MakeRustlsConnect>,
    ) -> Result<postgres::Client, DbError> {
        Ok(match tls {
            Some(tls) => config.connect(tls.clone())?,
            None => config.connect(postgres::NoTls)?,
        })
    }

    fn reconnect(&self) -> Result<(), DbError> {
        let client = Self::open(&self.config, &self.tls)?;
        *self.client.borrow_mut() = client;
        self.statements.borrow_mut().clear();
        Ok(())
    }

    fn prepare(&self, sql: &str) -> Result<postgres::Statement, DbError> {
        self.reconnect_if_closed()?;
        if let Some(statement) = self.statements.borrow().get(sql) {
            return Ok(statement.clone());
        }
        let statement = self
            .client
            .borrow_mut()
            .prepare(&postgres_parameters(sql))?;
        self.statements
            .borrow_mut()
            .insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    fn parameters(args: &[Value]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
        args.iter()
            .map(|a| a as &(dyn postgres::types::ToSql + Sync))
            .collect()
    }
}

impl postgres::types::ToSql for Value {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::{IsNull, Type};
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) => match *ty {
                Type::INT8 => i.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::BOOL => (*i != 0).to_sql(ty, out),
                _ => Err(format!("an integer cannot go into a {ty} parameter").into()),
            },
            Value::Text(t) => t.as_str().to_sql(ty, out),
            Value::Bytes(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        // Checked per value in `to_sql`: a NULL fits every column.
        true
    }

    postgres::types::to_sql_checked!();
}

/// Whether `e` says the session is gone (closed socket, server shut down or restarted, session
/// ended by an administrator) rather than that the statement was refused.
fn connection_lost(e: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    e.is_closed()
        || e.code().is_some_and(|code| {
            code.code().starts_with("08")
                || [
                    SqlState::ADMIN_SHUTDOWN,
                    SqlState::CRASH_SHUTDOWN,
                    SqlState::CANNOT_CONNECT_NOW,
                ]
                .contains(code)
        })
        || (e.code().is_none() && e.as_db_error().is_none() && e.to_string().contains("connection"))
}

fn postgres_row(row: &postgres::Row) -> Result<Row, DbError> {
    use postgres::types::Type;
    let mut values = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        let value = match *column.type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map(Value::Int),
            Type::INT4 => row
                .try_get::<_, Option<i32>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::INT2 => row
                .try_get::<_, Option<i16>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::BOOL => row
                .try_get::<_, Option<bool>>(i)?
                .map(|v| Value::Int(v.into())),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
                row.try_get::<_, Option<String>>(i)?.map(Value::Text)
            }
            Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Bytes),
            ref other => {
                return Err(DbError::Type(format!(
                    "column `{}` has the type {other}, which the catalog does not use",
                    column.name()
                )))
            }
        };
        values.push(value.unwrap_or(Value::Null));
    }
    Ok(Row(values))
}

impl Session {
    fn execute(&self, sql: &str, args: &[Value]) -> Result<u64, DbError> {
        check_text(args)?;
        self.retrying(|| {
            let statement = self.prepare(sql)?;
            Ok(self
                .client
                .borrow_mut()
                .execute(&statement, &Self::parameters(args))?)
        })
    }

    fn query(&self, sql: &str, args: &[Value]) -> Result<Vec<Row>, DbError> {
        check_text(args)?;
        self.retrying(|| {
            let statement = self.prepare(sql)?;
            let rows = self
                .client
                .borrow_mut()
                .query(&statement, &Self::parameters(args))?;
            rows.iter().map(postgres_row).collect()
        })
    }

    fn batch(&self, sql: &str) -> Result<(), DbError> {
        self.reconnect_if_closed()?;
        Ok(self.client.borrow_mut().batch_execute(sql)?)
    }

    fn begin(&self) -> Result<(), DbError> {
        self.batch("BEGIN")?;
        self.in_transaction.set(true);
        Ok(())
    }

    fn commit(&self) -> Result<(), DbError> {
        self.in_transaction.set(false);
        self.batch("COMMIT")
    }

    fn rollback(&self) -> Result<(), DbError> {
        self.in_transaction.set(false);
        if self.client.borrow().is_closed() {
            // Nothing to roll back on a closed connection: the server discarded the transaction.
            return Ok(());
        }
        self.batch("ROLLBACK")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_renumbered_outside_strings() {
        assert_eq!(
            postgres_parameters("SELECT ?1, '?2', ?10 WHERE a = '' AND b = ?2"),
            "SELECT $1, '?2', $10 WHERE a = '' AND b = $2"
        );
    }

    #[test]
    fn ddl_maps_sqlite_words() {
        assert_eq!(
            postgres_ddl("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, b BLOB, s TEXT NOT NULL, text_note TEXT)"),
            "CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, n BIGINT, b BYTEA, s TEXT COLLATE \"C\" NOT NULL, text_note TEXT COLLATE \"C\")"
        );
    }
}
