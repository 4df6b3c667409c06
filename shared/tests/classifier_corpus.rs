//! Accuracy of the classifier on the two labelled corpora of real ARM/AKS errors
//! (`fixtures/arm-errors.jsonl` and `fixtures/arm-errors-2.jsonl`, copied from `../shared/data/`).
//!
//! Prints a per-category table for each. The first corpus holds the bar of issue 6: at least
//! 95 % overall and 98 % on each of the five categories the earlier product got wrong half the
//! time, with every number, region and family the text states extracted. It was labelled before
//! the `policy`, `capacity` and `network` categories existed, so a prediction in one of them is
//! folded back into the older label before comparing (docs/PRODUCT.md §6). The second corpus is
//! compared exactly; a prediction equal to its `alt_category` is counted as "arguable". No rule
//! may name a single row; the same rules are judged on errors outside these files.

use serde::Deserialize;
use shared::classify::{Category, Classification, ErrorContext, classify};
use std::collections::BTreeMap;

const CORPUS: &str = include_str!("fixtures/arm-errors.jsonl");
const CORPUS_2: &str = include_str!("fixtures/arm-errors-2.jsonl");

/// The five categories held to 98 %.
const STRICT: [Category; 5] = [
    Category::Quota,
    Category::Region,
    Category::Auth,
    Category::RgPermission,
    Category::SkuBlocked,
];

/// Rows of the second corpus labelled with a new category whose prediction is the row's
/// `alt_category` rather than its label, each with why that answer is defensible. None today:
/// every such row gets its label.
const ARGUABLE_NEW_CATEGORY_ROWS: &[(&str, &str)] = &[];

#[derive(Deserialize)]
struct Row {
    id: String,
    category: String,
    alt_category: Option<String>,
    text: String,
    numbers: Option<Numbers>,
    region: Option<String>,
    family: Option<String>,
}

#[derive(Deserialize)]
struct Numbers {
    limit: Option<i64>,
    current_usage: Option<i64>,
    requested: Option<i64>,
    new_limit_required: Option<i64>,
    available: Option<i64>,
}

fn parse(corpus: &str) -> Vec<Row> {
    corpus
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).expect("fixture line is JSON"))
        .collect()
}

fn rows() -> Vec<Row> {
    parse(CORPUS)
}

fn run(row: &Row) -> Classification {
    classify(&row.text, None, &ErrorContext::default())
}

fn label(name: &str) -> Category {
    Category::parse(name).expect("known category label")
}

/// A prediction in a category the first corpus did not have, folded into the label the
/// corpus's label policy gave such errors: policy → rg_permission; capacity → region or
/// sku_blocked, network → invalid_config or rg_permission, whichever the row has as its label,
/// else as its alternative (region and invalid_config when it has neither).
fn fold_into_first_corpus(got: Category, row: &Row) -> Category {
    let labels: Vec<Category> = std::iter::once(row.category.as_str())
        .chain(row.alt_category.as_deref())
        .map(label)
        .collect();
    match got {
        Category::Policy => Category::RgPermission,
        Category::Capacity => labels
            .into_iter()
            .find(|l| matches!(l, Category::Region | Category::SkuBlocked))
            .unwrap_or(Category::Region),
        Category::Network => labels
            .into_iter()
            .find(|l| matches!(l, Category::InvalidConfig | Category::RgPermission))
            .unwrap_or(Category::InvalidConfig),
        other => other,
    }
}

/// How a prediction compares with a row's labels.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Verdict {
    Right,
    Arguable,
    Wrong,
}

/// Per label: (right, arguable, total).
type Table = BTreeMap<&'static str, (usize, usize, usize)>;

/// Prints the table and the misses, and returns overall (right, arguable, total).
fn print_table(title: &str, table: &Table, misses: &[String]) -> (usize, usize, usize) {
    println!("{title}");
    println!(
        "{:<16} {:>7} {:>8} {:>7} {:>8}",
        "category", "correct", "arguable", "total", "accuracy"
    );
    let mut overall = (0, 0, 0);
    for (name, (ok, arguable, total)) in table {
        println!(
            "{name:<16} {ok:>7} {arguable:>8} {total:>7} {:>7.1}%",
            percent(*ok, *total)
        );
        overall = (overall.0 + ok, overall.1 + arguable, overall.2 + total);
    }
    println!(
        "{:<16} {:>7} {:>8} {:>7} {:>7.1}%",
        "overall",
        overall.0,
        overall.1,
        overall.2,
        percent(overall.0, overall.2)
    );
    for miss in misses {
        println!("{miss}");
    }
    overall
}

/// Classifies every row and tallies the verdicts per label.
fn evaluate(rows: &[Row], verdict: impl Fn(&Row, Category) -> Verdict) -> (Table, Vec<String>) {
    let mut table = Table::new();
    let mut misses = Vec::new();
    for row in rows {
        let expected = label(&row.category);
        let got = run(row).category;
        let entry = table.entry(expected.as_str()).or_default();
        entry.2 += 1;
        match verdict(row, got) {
            Verdict::Right => entry.0 += 1,
            Verdict::Arguable => {
                entry.1 += 1;
                misses.push(format!(
                    "arguable {}: label {}, got its alternative {}",
                    row.id,
                    expected.as_str(),
                    got.as_str()
                ));
            }
            Verdict::Wrong => misses.push(format!(
                "miss {}: expected {}, got {}",
                row.id,
                expected.as_str(),
                got.as_str()
            )),
        }
    }
    (table, misses)
}

#[test]
fn accuracy_per_category_meets_the_bar() {
    let rows = rows();
    assert!(rows.len() >= 70, "fixture has {} rows", rows.len());
    let (per, misses) = evaluate(&rows, |row, got| {
        if fold_into_first_corpus(got, row) == label(&row.category) {
            Verdict::Right
        } else {
            Verdict::Wrong
        }
    });
    let (correct, _, total) = print_table(
        "first corpus (new categories folded into the old labels)",
        &per,
        &misses,
    );
    let overall = percent(correct, total);
    assert!(
        overall >= 95.0,
        "overall accuracy {overall:.1}% < 95%: {misses:?}"
    );
    for category in STRICT {
        let (ok, _, total) = per.get(category.as_str()).copied().unwrap_or_default();
        let accuracy = percent(ok, total);
        assert!(
            accuracy >= 98.0,
            "{} accuracy {accuracy:.1}% < 98%: {misses:?}",
            category.as_str()
        );
    }
}

#[test]
fn second_corpus_accuracy_and_every_new_category_row() {
    let rows = parse(CORPUS_2);
    assert!(rows.len() >= 40, "fixture has {} rows", rows.len());
    let (per, misses) = evaluate(&rows, |row, got| {
        if got == label(&row.category) {
            Verdict::Right
        } else if row.alt_category.as_deref().map(label) == Some(got) {
            Verdict::Arguable
        } else {
            Verdict::Wrong
        }
    });
    let (correct, arguable, total) = print_table(
        "second corpus (exact; arguable = the row's alternative)",
        &per,
        &misses,
    );
    println!(
        "second corpus: {:.1}% right, {:.1}% right or arguable",
        percent(correct, total),
        percent(correct + arguable, total)
    );
    let new = [Category::Policy, Category::Capacity, Category::Network];
    for row in &rows {
        let expected = label(&row.category);
        if !new.contains(&expected) {
            continue;
        }
        let got = run(row).category;
        let explained = ARGUABLE_NEW_CATEGORY_ROWS
            .iter()
            .any(|(id, _)| *id == row.id)
            && row.alt_category.as_deref().map(label) == Some(got);
        assert!(
            got == expected || explained,
            "{}: labelled {}, classified {}",
            row.id,
            expected.as_str(),
            got.as_str()
        );
    }
    assert!(
        percent(correct + arguable, total) >= 90.0,
        "second corpus below 90% right or arguable: {misses:?}"
    );
}

/// Every number, region and family the rows state that the classifier did not extract, and how
/// many were stated.
fn fact_misses(rows: &[Row]) -> (usize, Vec<String>) {
    let mut stated = 0;
    let mut failures = Vec::new();
    for row in rows {
        let facts = run(row).facts;
        if let Some(n) = &row.numbers {
            let pairs = [
                ("limit", n.limit, facts.limit),
                ("current_usage", n.current_usage, facts.usage),
                ("requested", n.requested, facts.needed),
                ("new_limit_required", n.new_limit_required, facts.new_limit),
                ("available", n.available, facts.free),
            ];
            for (name, want, got) in pairs {
                if want.is_some() {
                    stated += 1;
                    if want != got {
                        failures.push(format!("{} {name}: want {want:?}, got {got:?}", row.id));
                    }
                }
            }
        }
        for (name, want, got) in [
            ("region", &row.region, &facts.region),
            ("family", &row.family, &facts.family),
        ] {
            if let Some(want) = want {
                stated += 1;
                if !got.as_ref().is_some_and(|g| g.eq_ignore_ascii_case(want)) {
                    failures.push(format!("{} {name}: want {want:?}, got {got:?}", row.id));
                }
            }
        }
    }
    (stated, failures)
}

#[test]
fn stated_numbers_regions_and_families_are_extracted() {
    let (_, failures) = fact_misses(&rows());
    assert!(failures.is_empty(), "{failures:#?}");
    // The second corpus's other resource providers state figures in their own words (SQL
    // Managed Instance's "max vCores: 0"); most are still read.
    let (stated, failures) = fact_misses(&parse(CORPUS_2));
    println!(
        "second corpus: {} of {stated} stated facts read",
        stated - failures.len()
    );
    for failure in &failures {
        println!("not read: {failure}");
    }
    assert!(
        percent(stated - failures.len(), stated) >= 85.0,
        "{failures:#?}"
    );
}

#[test]
fn every_row_gets_a_summary_and_a_docs_link() {
    for row in rows().into_iter().chain(parse(CORPUS_2)) {
        let c = run(&row);
        assert!(!c.summary.trim().is_empty(), "{}", row.id);
        assert!(
            c.summary.chars().count() <= 260,
            "{}: {}",
            row.id,
            c.summary
        );
        assert!(
            c.actions
                .iter()
                .any(|a| a.kind == shared::classify::ActionKind::Docs),
            "{}",
            row.id
        );
        if c.category == Category::Quota {
            let first = c
                .actions
                .first()
                .and_then(|a| a.href.as_deref())
                .unwrap_or_default();
            assert!(
                first.starts_with("https://aka.ms/quotas/view-quotas"),
                "{}",
                row.id
            );
        }
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        100.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}
