//! How a search reads the order list's index, planned from the newest orders.
//!
//! Both indexes are trigram indexes, whose cost is the length of the lists they read: one list
//! per trigram, as long as the orders holding it. An e-mail address of some forty characters
//! is some forty trigrams, six of them (`exa`, `xam`, ... of `.example`) in every order, so
//! that the exact phrase reads millions of entries to find a handful of orders. A word's
//! rare pieces find the same handful reading a few thousand. Which pieces are rare is read from
//! the newest orders' own text (a sample of [`SAMPLE_ROWS`]), the way a database's planner reads
//! its statistics: neither database keeps statistics per trigram that a query can use. Each
//! cost is a count of what is read, in the units of one list entry or one row.

use super::*;

/// How many of the newest orders a search reads first, to see how common its pieces are.
pub(super) const SAMPLE_ROWS: u32 = 1000;

/// How many of a word's rarest trigrams look it up in SQLite's index, when its phrase would read
/// too much: two or three rare ones find few orders besides those that hold the word.
const RAREST: usize = 3;

/// What checking one order that the index found costs on SQLite (reading its text and comparing),
/// in entries of an index list, read in order: about 20 µs against 15 ns, measured.
const SQLITE_CHECK_COST: f64 = 1000.0;

/// What one entry of a pg_trgm list costs against reading one row: about 10 ns against 2 µs,
/// measured at a million orders (the lists of `nordkraft`, 500,000 entries, in 4.9 ms).
const POSTGRES_ENTRY_COST: f64 = 0.005;

/// A piece of a word that PostgreSQL looks up in the index only when fewer than this share of
/// the orders hold it: a piece that most orders hold costs most and narrows least.
const POSTGRES_COMMON: f64 = 1.0 / 3.0;

/// The most pieces PostgreSQL looks up in the index for one search.
const POSTGRES_PIECES: usize = 3;

/// The newest orders' searchable text, lower-cased.
pub(super) struct Sample {
    texts: Vec<String>,
}

impl Sample {
    pub fn new(texts: impl IntoIterator<Item = String>) -> Self {
        Self {
            texts: texts.into_iter().map(|text| text.to_lowercase()).collect(),
        }
    }

    /// The share of the orders that hold every one of `pieces`, as the sample shows it; never
    /// below half an order of the sample, so that what it did not see is rare, not absent.
    fn share<S: AsRef<str>>(&self, pieces: &[S]) -> f64 {
        let held = self
            .texts
            .iter()
            .filter(|text| pieces.iter().all(|piece| text.contains(piece.as_ref())))
            .count();
        (held as f64).max(0.5) / (self.texts.len() as f64).max(1.0)
    }
}

/// How SQLite's FTS5 index finds one word of three characters or more.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Lookup {
    /// The word as a phrase, every trigram in its place: what it finds holds the word.
    Phrase,
    /// These of the word's trigrams, anywhere: what they find is checked for the word.
    Trigrams(Vec<String>),
}

/// The distinct runs of three characters in `word`, in order.
fn trigrams(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut found: Vec<String> = Vec::new();
    for window in chars.windows(3) {
        let trigram: String = window.iter().collect();
        if !found.contains(&trigram) {
            found.push(trigram);
        }
    }
    found
}

/// The words that SQLite's index finds, in order: each has a [`Lookup`].
fn long_words(words: &[String]) -> impl Iterator<Item = &String> {
    words
        .iter()
        .filter(|word| word.chars().count() >= SEARCH_WORD_MIN)
}

/// Whether SQLite may look `word` up by some of its trigrams: it has more than it would pick,
/// and it is in ASCII, which `LIKE` checks with case folded as the index does.
fn splittable(word: &str) -> bool {
    word.is_ascii() && trigrams(word).len() > RAREST
}

/// How SQLite looks `word` up: by its phrase, unless a few rare trigrams and a check of what
/// they find read less. Only a word in ASCII is checked outside the index, where SQLite's LIKE
/// folds case as the index does.
pub(super) fn sqlite_lookup(word: &str, sample: &Sample) -> Lookup {
    if !splittable(word) {
        return Lookup::Phrase;
    }
    let mut shares: Vec<(f64, String)> = trigrams(word)
        .into_iter()
        .map(|trigram| (sample.share(&[&trigram]), trigram))
        .collect();
    let phrase: f64 = shares.iter().map(|(share, _)| share).sum();
    shares.sort_by(|a, b| a.0.total_cmp(&b.0));
    let rarest: Vec<String> = shares
        .iter()
        .take(RAREST)
        .map(|(_, trigram)| trigram.clone())
        .collect();
    let lists: f64 = shares.iter().take(RAREST).map(|(share, _)| share).sum();
    let checked = sample.share(&rarest) * SQLITE_CHECK_COST;
    if lists + checked < phrase {
        Lookup::Trigrams(rarest)
    } else {
        Lookup::Phrase
    }
}

/// How PostgreSQL finds the orders that hold every word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct PostgresPlan {
    /// Runs of letters and digits from the words that pg_trgm's index looks up, the rarest
    /// first: none that a third of the orders hold, and after the first only those that spare
    /// more rows than their lists cost. Empty: the index is not read.
    pub indexed: Vec<String>,
    /// Whether the page walks the orders newest first and checks each, rather than sorting
    /// every order that the index found.
    pub walk_page: bool,
    /// Whether the count walks the orders newest first, rather than what the index found.
    pub walk_count: bool,
}

/// The runs of letters and digits in `word` that pg_trgm makes trigrams of.
fn runs(word: &str) -> impl Iterator<Item = &str> {
    word.split(|c: char| !c.is_alphanumeric())
        .filter(|run| run.chars().count() >= SEARCH_WORD_MIN)
}

/// How PostgreSQL finds `words` (lower case) among `orders` orders, `page` at a time: each
/// way's cost in rows read, from the sample's shares.
pub(super) fn postgres_plan(
    words: &[String],
    sample: &Sample,
    orders: u64,
    page: u32,
) -> PostgresPlan {
    let orders = orders.max(1) as f64;
    // The index reads a list for each trigram of a run, as long as the orders holding it.
    let lists = |run: &str| -> f64 {
        trigrams(run)
            .iter()
            .map(|trigram| orders * sample.share(&[trigram]))
            .sum::<f64>()
            * POSTGRES_ENTRY_COST
    };
    let mut candidates: Vec<(f64, &str)> = words
        .iter()
        .flat_map(|word| runs(word))
        .map(|run| (sample.share(&[run]), run))
        .filter(|(share, _)| *share < POSTGRES_COMMON)
        .collect();
    candidates.sort_by(|a, b| a.0.total_cmp(&b.0));
    candidates.dedup_by(|a, b| a.1 == b.1);
    // The rarest run, then each next one whose lists cost less than the rows it spares.
    let mut indexed: Vec<String> = Vec::new();
    let mut read = 0.0;
    for (_, run) in candidates.into_iter().take(POSTGRES_PIECES) {
        let mut with = indexed.clone();
        with.push(run.to_owned());
        let spared = if indexed.is_empty() {
            f64::INFINITY
        } else {
            orders * (sample.share(&indexed) - sample.share(&with))
        };
        if spared > lists(run) {
            read += lists(run);
            indexed = with;
        }
    }
    if indexed.is_empty() {
        return PostgresPlan {
            indexed,
            walk_page: true,
            walk_count: true,
        };
    }
    let matching = sample.share(words);
    let found = orders * sample.share(&indexed);
    // A walk stops when it has found what it needs; what the index found is read in full to
    // be sorted, or up to the count's bound.
    let walked = |needed: f64| orders.min(needed / matching);
    let counted = (SEARCH_COUNT_MAX + 1) as f64;
    PostgresPlan {
        walk_page: walked(f64::from(page) + 1.0) <= found + read,
        walk_count: walked(counted) <= found.min(counted * found / (orders * matching)) + read,
        indexed,
    }
}

/// A search's plan.
pub(super) enum Search {
    /// How SQLite's index finds each word of three characters or more.
    Sqlite(Vec<Lookup>),
    Postgres(PostgresPlan),
}

/// What a search's conditions are for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Use {
    Page,
    Count,
}

impl Search {
    /// Adds the conditions that find `words` to `query`, and says whether the query reads the
    /// orders in the list's order (newest first, stopping at its limit) rather than as found:
    /// SQLite's count reads its index as stored, PostgreSQL's index path sorts what it found.
    pub fn conditions(&self, words: &[String], query: &mut Binds, to: Use) -> bool {
        match self {
            Self::Sqlite(lookups) => {
                let mut terms = Vec::new();
                for (word, lookup) in long_words(words).zip(lookups) {
                    match lookup {
                        Lookup::Phrase => terms.push(fts_string(word)),
                        Lookup::Trigrams(trigrams) => {
                            terms.extend(trigrams.iter().map(|trigram| fts_string(trigram)));
                            let like = query.bind(Bind::Text(format!("%{}%", escape_like(word))));
                            query
                                .conditions
                                .push(format!("s.text LIKE {like} ESCAPE '\\'"));
                        }
                    }
                }
                let terms = query.bind(Bind::Text(terms.join(" AND ")));
                query
                    .conditions
                    .push(format!("order_search_index MATCH {terms}"));
                // The index matched the longer words; a short one is a filter on what it found.
                // SQLite's LIKE folds the case of ASCII letters only: a short word is looked
                // for in each way of writing it (four at most, for `æø`: æø, æØ, Æø, ÆØ).
                for word in words
                    .iter()
                    .filter(|word| word.chars().count() < SEARCH_WORD_MIN)
                {
                    let likes = spellings(word)
                        .into_iter()
                        .map(|spelling| {
                            let like =
                                query.bind(Bind::Text(format!("%{}%", escape_like(&spelling))));
                            format!("s.text LIKE {like} ESCAPE '\\'")
                        })
                        .collect::<Vec<_>>();
                    query.conditions.push(format!("({})", likes.join(" OR ")));
                }
                to == Use::Page
            }
            Self::Postgres(plan) => {
                let walk = match to {
                    Use::Page => plan.walk_page,
                    Use::Count => plan.walk_count,
                };
                if !walk {
                    for run in &plan.indexed {
                        let like = query.bind(Bind::Text(format!("%{}%", escape_like(run))));
                        query
                            .conditions
                            .push(format!("o.search LIKE lower({like}) ESCAPE '\\'"));
                    }
                }
                // No index finds these: the orders that the index found, or the walk reads,
                // are checked for each word.
                for word in words {
                    let word = query.bind(Bind::Text(word.clone()));
                    query
                        .conditions
                        .push(format!("strpos(o.search, lower({word})) > 0"));
                }
                walk
            }
        }
    }
}

/// `text` as an FTS5 string: what it holds is text to find, not the query's syntax.
fn fts_string(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

impl SqlStore {
    /// Plans the search of `filter`, from the newest orders.
    pub(super) async fn plan_search(&self, filter: &OrderFilter) -> StoreResult<Search> {
        let limit = i64::from(SAMPLE_ROWS);
        let texts: Vec<String> = match (self.backend, filter.state) {
            // Each word is its phrase whatever the sample says: none is read.
            (Backend::Sqlite, _) if !long_words(&filter.words).any(|word| splittable(word)) => {
                Vec::new()
            }
            (Backend::Sqlite, _) => {
                sqlx::query_scalar("SELECT text FROM order_search ORDER BY docid DESC LIMIT $1")
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?
            }
            (Backend::Postgres, None) => {
                sqlx::query_scalar(
                    "SELECT search FROM orders ORDER BY created_at DESC, id DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
            (Backend::Postgres, Some(state)) => {
                sqlx::query_scalar(
                    "SELECT search FROM orders WHERE state = $2 \
                     ORDER BY created_at DESC, id DESC LIMIT $1",
                )
                .bind(limit)
                .bind(state.as_str())
                .fetch_all(&self.pool)
                .await?
            }
        };
        let sample = Sample::new(texts);
        Ok(match self.backend {
            Backend::Sqlite => Search::Sqlite(
                long_words(&filter.words)
                    .map(|word| sqlite_lookup(word, &sample))
                    .collect(),
            ),
            Backend::Postgres => {
                let orders = self.counted(filter.state).await?;
                Search::Postgres(postgres_plan(&filter.words, &sample, orders, filter.limit))
            }
        })
    }
}

/// Every way of writing `word` in upper and lower case, where the two differ beyond ASCII.
fn spellings(word: &str) -> Vec<String> {
    word.chars().fold(vec![String::new()], |spellings, c| {
        let upper: String = c.to_uppercase().collect();
        let lower: String = c.to_lowercase().collect();
        let ways = if c.is_ascii() || upper == lower {
            vec![c.to_string()]
        } else {
            vec![lower, upper]
        };
        spellings
            .iter()
            .flat_map(|head| ways.iter().map(move |way| format!("{head}{way}")))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_word_is_looked_for_in_every_case_beyond_ascii() {
        assert_eq!(spellings("øs"), ["øs", "Øs"]);
        assert_eq!(spellings("æø"), ["æø", "æØ", "Æø", "ÆØ"]);
        assert_eq!(spellings("ol"), ["ol"], "LIKE folds ASCII itself");
        assert_eq!(spellings("4%"), ["4%"]);
    }

    /// 1,000 orders: every one at `example`, one in ten a Liv Pedersen, another one in ten a
    /// Kari, one with the address.
    fn sample() -> Sample {
        Sample::new((0..1000).map(|i| {
            let name = match i % 10 {
                0 => "Liv Pedersen",
                5 => "Kari Hansen",
                _ => "Ola Hansen",
            };
            let email = if i == 7 {
                "liv.pedersen@ostforsikring.example".to_owned()
            } else {
                format!("contact{i}@nordkraft.example")
            };
            format!("Nordkraft AS\nInvoice Gateway\n{name}\n{email}")
        }))
    }

    #[test]
    fn a_word_with_rare_trigrams_is_found_by_them_and_checked() {
        let sample = sample();
        let Lookup::Trigrams(picked) = sqlite_lookup("liv.pedersen@ostforsikring.example", &sample)
        else {
            panic!("looked up by its phrase");
        };
        assert_eq!(picked.len(), RAREST);
        for trigram in &picked {
            assert!(!"example".contains(trigram.as_str()), "{trigram}");
            assert!(sample.share(&[trigram]) < 0.01, "{trigram}");
        }
    }

    #[test]
    fn a_word_that_many_orders_hold_is_found_by_its_phrase() {
        let sample = sample();
        // Each trigram is common: checking what three of them find reads more than the phrase.
        assert_eq!(sqlite_lookup("nordkraft", &sample), Lookup::Phrase);
        assert_eq!(sqlite_lookup("example", &sample), Lookup::Phrase);
        // Short: its one or three trigrams are its phrase.
        assert_eq!(sqlite_lookup("liv.", &sample), Lookup::Phrase);
        // Beyond ASCII, only the index folds its case.
        assert_eq!(
            sqlite_lookup("liv.pedersen@østforsikring.example", &sample),
            Lookup::Phrase
        );
    }

    #[test]
    fn postgres_looks_up_rare_runs_and_walks_for_common_words() {
        let sample = sample();
        let words = |list: &[&str]| list.iter().map(|w| (*w).to_owned()).collect::<Vec<_>>();
        let rare = postgres_plan(
            &words(&["liv.pedersen@ostforsikring.example"]),
            &sample,
            1_000_000,
            50,
        );
        assert_eq!(rare.indexed, ["ostforsikring"]);
        assert!(!rare.walk_page && !rare.walk_count);
        // Every order holds it: the index is not read, the first orders walked are the page.
        let common = postgres_plan(&words(&["example"]), &sample, 1_000_000, 50);
        assert_eq!(
            common,
            PostgresPlan {
                indexed: vec![],
                walk_page: true,
                walk_count: true
            }
        );
        // One in ten: the page is the first 510 walked; the count's 1,001 are found sooner
        // through the index's lists for its six trigrams (1,500,000 entries: every order holds
        // `sen`, of Hansen) than by walking 10,010.
        let tenth = postgres_plan(&words(&["pedersen"]), &sample, 1_000_000, 50);
        assert_eq!(tenth.indexed, ["pedersen"]);
        assert!(tenth.walk_page && !tenth.walk_count, "{tenth:?}");
        // A second run when it narrows: `kari` and `pedersen` are each one in ten, together
        // none; every Pedersen is a Liv, so `liv` narrows nothing.
        let two = postgres_plan(&words(&["kari.pedersen", "liv"]), &sample, 1_000_000, 50);
        assert_eq!(two.indexed, ["kari", "pedersen"]);
        let same = postgres_plan(
            &words(&["invoice", "pedersen", "liv"]),
            &sample,
            1_000_000,
            50,
        );
        assert_eq!(same.indexed, ["pedersen"]);
    }
}
