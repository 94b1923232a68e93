//! The rule language's parser, built with nom.
//!
//! Parsing never gives up on a file: an item that fails to parse is recorded
//! as an error and skipped up to the next line that starts an item, so an
//! author sees every mistake at once.

use super::ast::*;
use crate::diagnostic::Problem;
use crate::source::{FileId, Span};
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, digit1};
use nom::combinator::{opt, recognize};
use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Parser};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

/// Rule files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 1 << 20;
/// Deeper expressions are refused instead of risking the stack.
pub const MAX_DEPTH: usize = 64;

/// What could be built, plus every error met on the way.
#[derive(Debug, Default)]
pub struct Parse {
    pub file: RuleFile,
    pub errors: Vec<Problem>,
}

pub fn parse(file: FileId, text: &str) -> Parse {
    if text.len() > MAX_FILE_BYTES {
        let problem = Problem::error(
            "file-too-large",
            format!(
                "rule file is {} bytes, more than the limit of {MAX_FILE_BYTES}",
                text.len()
            ),
        )
        .at(Span::new(file, 0..0), "this file")
        .help("split the rule set into several files in one directory");
        return Parse {
            file: RuleFile::default(),
            errors: vec![problem],
        };
    }
    let parser = Ctx {
        src: text,
        file,
        comments: RefCell::new(BTreeMap::new()),
        depth: Cell::new(0),
    };
    let mut items = Vec::new();
    let mut errors = Vec::new();
    let mut rest = text;
    loop {
        rest = match parser.ws(rest) {
            Ok((r, ())) => r,
            Err(_) => rest,
        };
        if rest.is_empty() {
            break;
        }
        match parser.item(rest) {
            Ok((r, item)) => {
                items.push(Spanned::new(item, parser.span(rest, r)));
                rest = r;
            }
            Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
                errors.push(parser.problem(e));
                rest = parser.recover(rest);
            }
            Err(nom::Err::Incomplete(_)) => {
                rest = parser.recover(rest);
            }
        }
    }
    let comments = parser.comments.into_inner().into_values().collect();
    Parse {
        file: RuleFile { items, comments },
        errors,
    }
}

#[derive(Debug)]
struct PErr<'s> {
    at: &'s str,
    expected: Cow<'static, str>,
}

impl<'s> ParseError<&'s str> for PErr<'s> {
    fn from_error_kind(input: &'s str, _kind: ErrorKind) -> Self {
        PErr {
            at: input,
            expected: Cow::Borrowed("something else"),
        }
    }

    fn append(_input: &'s str, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    /// Of two failed alternatives, the one that got further says more.
    fn or(self, other: Self) -> Self {
        if other.at.len() < self.at.len() {
            other
        } else {
            self
        }
    }
}

type PResult<'s, T> = IResult<&'s str, T, PErr<'s>>;

fn fail<'s, T>(at: &'s str, expected: impl Into<Cow<'static, str>>) -> PResult<'s, T> {
    Err(nom::Err::Failure(PErr {
        at,
        expected: expected.into(),
    }))
}

fn backtrack<'s, T>(at: &'s str, expected: impl Into<Cow<'static, str>>) -> PResult<'s, T> {
    Err(nom::Err::Error(PErr {
        at,
        expected: expected.into(),
    }))
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_continue(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

const ITEM_KEYWORDS: [&str; 4] = ["plan", "indicator", "table", "rule"];
const RESERVED: [&str; 7] = ["and", "or", "not", "where", "tolerance", "true", "false"];

struct Ctx<'s> {
    src: &'s str,
    file: FileId,
    comments: RefCell<BTreeMap<usize, Spanned<String>>>,
    depth: Cell<usize>,
}

impl<'s> Ctx<'s> {
    fn offset(&self, rest: &str) -> usize {
        self.src.len() - rest.len()
    }

    fn span(&self, start: &str, end: &str) -> Span {
        Span::new(self.file, self.offset(start)..self.offset(end))
    }

    fn problem(&self, e: PErr<'s>) -> Problem {
        let start = self.offset(e.at);
        let found = next_token(e.at);
        let span = Span::new(self.file, start..start + found.len());
        let (message, label) = if found.is_empty() {
            (
                format!("expected {}, found the end of the file", e.expected),
                "the file ends here".to_string(),
            )
        } else {
            (
                format!("expected {}, found `{found}`", e.expected),
                format!("expected {}", e.expected),
            )
        };
        Problem::error("syntax", message)
            .at(span, label)
            .help("see docs/language.md for the form of each item")
    }

    /// Skips to the next line that starts an item, at least one character on.
    fn recover(&self, rest: &'s str) -> &'s str {
        let mut skip = rest.chars().next().map_or(0, char::len_utf8);
        loop {
            let Some(tail) = rest.get(skip..) else {
                return "";
            };
            let Some(newline) = tail.find('\n') else {
                return "";
            };
            skip += newline + 1;
            let line = rest.get(skip..).unwrap_or("");
            let trimmed = line.trim_start_matches([' ', '\t']);
            if ITEM_KEYWORDS.iter().any(|k| starts_with_word(trimmed, k)) {
                return trimmed;
            }
        }
    }

    /// Whitespace and `#` comments; comments are kept for the formatter.
    fn ws(&self, mut i: &'s str) -> PResult<'s, ()> {
        loop {
            let (rest, _) = take_while(is_space).parse(i)?;
            i = rest;
            if i.starts_with('#') {
                let end = i.find('\n').unwrap_or(i.len());
                let (text, rest) = i.split_at(end);
                let span = self.span(i, rest);
                self.comments
                    .borrow_mut()
                    .entry(span.start)
                    .or_insert_with(|| Spanned::new(text.trim_end().to_string(), span));
                i = rest;
            } else {
                return Ok((i, ()));
            }
        }
    }

    /// Spaces and tabs only: a unit after a number stays on its line.
    fn inline_ws(&self, i: &'s str) -> PResult<'s, &'s str> {
        take_while(|c| c == ' ' || c == '\t').parse(i)
    }

    /// What `result` parsed, or a hard error saying what was `expected` at `at` (after white space):
    /// once an item has committed to a form, a missing part is the author's mistake, not another form.
    fn required<T>(
        &self,
        result: PResult<'s, T>,
        at: &'s str,
        expected: &'static str,
    ) -> PResult<'s, T> {
        match result {
            Err(nom::Err::Error(_)) => {
                let (at, ()) = self.ws(at)?;
                fail(at, expected)
            }
            other => other,
        }
    }

    fn keyword(&self, i: &'s str, word: &'static str) -> PResult<'s, Span> {
        let (i, ()) = self.ws(i)?;
        if starts_with_word(i, word) {
            let rest = i.get(word.len()..).unwrap_or("");
            Ok((rest, self.span(i, rest)))
        } else {
            backtrack(i, format!("`{word}`"))
        }
    }

    fn symbol(&self, i: &'s str, sym: &'static str) -> PResult<'s, Span> {
        let (i, ()) = self.ws(i)?;
        let (rest, _) = tag::<_, _, PErr>(sym).parse(i)?;
        Ok((rest, self.span(i, rest)))
    }

    /// A symbol that must be there: its absence is a hard error.
    fn expect_symbol(
        &self,
        i: &'s str,
        sym: &'static str,
        expected: &'static str,
    ) -> PResult<'s, Span> {
        self.required(self.symbol(i, sym), i, expected)
    }

    /// Either of two spellings of a symbol (ASCII and the full-width form Chinese authors type).
    fn symbol_any(&self, i: &'s str, syms: &[&'static str]) -> PResult<'s, Span> {
        let (i, ()) = self.ws(i)?;
        for sym in syms {
            if let Some(rest) = i.strip_prefix(sym) {
                return Ok((rest, self.span(i, rest)));
            }
        }
        backtrack(i, "a symbol")
    }

    fn ident(&self, i: &'s str) -> PResult<'s, Name> {
        let (i, ()) = self.ws(i)?;
        let starts = i.chars().next().is_some_and(is_ident_start);
        if !starts {
            return backtrack(i, "a name");
        }
        let (rest, word) = take_while1(is_ident_continue).parse(i)?;
        Ok((rest, Spanned::new(word.to_string(), self.span(i, rest))))
    }

    /// A name that must be there.
    fn expect_ident(&self, i: &'s str, expected: &'static str) -> PResult<'s, Name> {
        self.required(self.ident(i), i, expected)
    }

    fn string(&self, i: &'s str) -> PResult<'s, Name> {
        let (i, ()) = self.ws(i)?;
        let Some(body) = i.strip_prefix('"') else {
            return backtrack(i, "a quoted text");
        };
        let mut text = String::new();
        let mut chars = body.char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '"' => {
                    let rest = body.get(at + 1..).unwrap_or("");
                    return Ok((rest, Spanned::new(text, self.span(i, rest))));
                }
                '\\' => match chars.next() {
                    Some((_, '"')) => text.push('"'),
                    Some((_, '\\')) => text.push('\\'),
                    Some((_, 'n')) => text.push('\n'),
                    _ => {
                        let at = body.get(at..).unwrap_or("");
                        return fail(at, "`\\\"`, `\\\\` or `\\n` after a backslash");
                    }
                },
                '\n' => return fail(i, "a closing `\"` on the same line"),
                c => text.push(c),
            }
        }
        fail(i, "a closing `\"`")
    }

    fn expect_string(&self, i: &'s str, expected: &'static str) -> PResult<'s, Name> {
        self.required(self.string(i), i, expected)
    }

    /// An entity name: a bare name or a quoted one.
    fn entity_name(&self, i: &'s str) -> PResult<'s, Name> {
        match self.string(i) {
            Err(nom::Err::Error(_)) => self.expect_ident(i, "an entity name such as `犍为县`"),
            other => other,
        }
    }

    fn year(&self, i: &'s str) -> PResult<'s, Spanned<i32>> {
        let (i, ()) = self.ws(i)?;
        let Ok((rest, digits)) = digit1::<_, PErr>(i) else {
            return fail(i, "a year such as `2025`");
        };
        match digits.parse::<i32>() {
            Ok(year) => Ok((rest, Spanned::new(year, self.span(i, rest)))),
            Err(_) => fail(i, "a year such as `2025`"),
        }
    }

    fn year_range(&self, i: &'s str) -> PResult<'s, (Spanned<i32>, Spanned<i32>)> {
        let (i, from) = self.year(i)?;
        let (i, _) = self.required(
            self.symbol_any(i, &["..", "–", "—", "～", "~"]),
            i,
            "`..` between the first and last year",
        )?;
        let (i, to) = self.year(i)?;
        Ok((i, (from, to)))
    }

    fn decimal(&self, i: &'s str) -> PResult<'s, Spanned<Decimal>> {
        let (i, ()) = self.ws(i)?;
        let (rest, text) =
            recognize((opt(char('-')), digit1, opt((char('.'), digit1)))).parse(i)?;
        match Decimal::from_str_exact(text) {
            Ok(value) => Ok((rest, Spanned::new(value, self.span(i, rest)))),
            Err(_) => fail(i, "a number within 28 significant digits"),
        }
    }

    /// A unit word in a declaration: everything up to white space.
    fn unit_word(&self, i: &'s str, expected: &'static str) -> PResult<'s, Name> {
        let (i, ()) = self.ws(i)?;
        match take_while1::<_, _, PErr>(|c: char| !is_space(c) && !"{}#\"".contains(c)).parse(i) {
            Ok((rest, word)) => Ok((rest, Spanned::new(word.to_string(), self.span(i, rest)))),
            Err(_) => fail(i, expected),
        }
    }

    fn item(&self, i: &'s str) -> PResult<'s, Item> {
        if let Ok((rest, kw)) = self.keyword(i, "plan") {
            return self.plan(rest, kw).map(|(r, p)| (r, Item::Plan(p)));
        }
        if let Ok((rest, _)) = self.keyword(i, "indicator") {
            return self.indicator(rest).map(|(r, d)| (r, Item::Indicator(d)));
        }
        if let Ok((rest, _)) = self.keyword(i, "table") {
            return self.table(rest).map(|(r, t)| (r, Item::Table(t)));
        }
        if let Ok((rest, kw)) = self.keyword(i, "rule") {
            return self.rule(rest, kw).map(|(r, t)| (r, Item::Rule(t)));
        }
        fail(i, "`plan`, `indicator`, `table` or `rule`")
    }

    fn plan(&self, i: &'s str, keyword: Span) -> PResult<'s, Plan> {
        let (i, name) = self.expect_string(i, "the plan's name in quotes")?;
        let (mut i, _) = self.expect_symbol(i, "{", "`{` to open the plan")?;
        let mut fields = Vec::new();
        loop {
            if let Ok((rest, _)) = self.symbol(i, "}") {
                return Ok((
                    rest,
                    Plan {
                        keyword,
                        name,
                        fields,
                    },
                ));
            }
            let (start, ()) = self.ws(i)?;
            let (rest, field) = if let Ok((r, _)) = self.keyword(start, "entity") {
                let (r, n) = self.entity_name(r)?;
                (r, PlanField::Entity(n))
            } else if let Ok((r, _)) = self.keyword(start, "period") {
                let (r, (from, to)) = self.year_range(r)?;
                (r, PlanField::Period(from, to))
            } else if let Ok((r, _)) = self.keyword(start, "base") {
                let (r, y) = self.year(r)?;
                (r, PlanField::Base(y))
            } else if let Ok((r, _)) = self.keyword(start, "source") {
                let (r, s) = self.expect_string(r, "the source document's title in quotes")?;
                (r, PlanField::Source(s))
            } else if let Ok((r, _)) = self.keyword(start, "reference") {
                let (r, n) = self.entity_name(r)?;
                (r, PlanField::Reference(n))
            } else {
                return fail(
                    start,
                    "`entity`, `period`, `base`, `source`, `reference` or `}`",
                );
            };
            fields.push(Spanned::new(field, self.span(start, rest)));
            i = rest;
        }
    }

    fn indicator(&self, i: &'s str) -> PResult<'s, Indicator> {
        let (i, id) = self.expect_ident(i, "the indicator's id such as `gdp`")?;
        let (i, name) = self.expect_string(i, "the indicator's Chinese name in quotes")?;
        let (i, unit) = self.unit_word(i, "the indicator's unit such as `亿元` or `%`")?;
        let (i, base) = match self.keyword(i, "base") {
            Ok((r, _)) => {
                let (r, v) =
                    self.required(self.decimal(r), r, "the base-year value after `base`")?;
                (r, Some(v))
            }
            Err(_) => (i, None),
        };
        let (i, base_year) = match (&base, self.keyword(i, "in")) {
            (Some(_), Ok((r, _))) => {
                let (r, year) = self.year(r)?;
                (r, Some(year))
            }
            _ => (i, None),
        };
        Ok((
            i,
            Indicator {
                id,
                name,
                unit,
                base,
                base_year,
            },
        ))
    }

    fn table(&self, i: &'s str) -> PResult<'s, TableDecl> {
        let (i, id) = self.expect_ident(i, "the table's name such as `enterprises`")?;
        let (i, name) = match self.string(i) {
            Ok((r, n)) => (r, Some(n)),
            Err(nom::Err::Error(_)) => (i, None),
            Err(e) => return Err(e),
        };
        let (i, complete) = match self.keyword(i, "complete") {
            Ok((r, span)) => (r, Some(span)),
            Err(_) => (i, None),
        };
        let (mut i, _) = self.expect_symbol(i, "{", "`{` to open the table's columns")?;
        let mut columns = Vec::new();
        loop {
            if let Ok((rest, _)) = self.symbol(i, "}") {
                return Ok((
                    rest,
                    TableDecl {
                        id,
                        name,
                        complete,
                        columns,
                    },
                ));
            }
            let (r, name) = self.expect_ident(i, "a column name or `}`")?;
            let (r, kind) = self.unit_word(r, "the column's unit, or `text`")?;
            columns.push(Column { name, kind });
            i = r;
        }
    }

    fn rule(&self, i: &'s str, keyword: Span) -> PResult<'s, Rule> {
        let (i, ()) = self.ws(i)?;
        let id =
            match take_while1::<_, _, PErr>(|c: char| is_ident_continue(c) || c == '-' || c == '.')
                .parse(i)
            {
                Ok((rest, word)) => Spanned::new(word.to_string(), self.span(i, rest)),
                Err(_) => return fail(i, "the rule's id such as `gdp-2025`"),
            };
        let i = i.get(id.node.len()..).unwrap_or("");
        let (mut i, _) = self.expect_symbol(i, "{", "`{` to open the rule")?;
        let mut fields = Vec::new();
        loop {
            if let Ok((rest, _)) = self.symbol(i, "}") {
                return Ok((
                    rest,
                    Rule {
                        keyword,
                        id,
                        fields,
                    },
                ));
            }
            let (start, ()) = self.ws(i)?;
            let (rest, field) = self.rule_field(start)?;
            fields.push(Spanned::new(field, self.span(start, rest)));
            i = rest;
        }
    }

    fn rule_field(&self, i: &'s str) -> PResult<'s, RuleField> {
        if let Ok((r, _)) = self.keyword(i, "cite") {
            let (r, article) = match self.symbol(r, "§") {
                Ok((r2, _)) => {
                    let (r2, ()) = self.ws(r2)?;
                    match digit1::<_, PErr>(r2) {
                        Ok((r3, digits)) => match digits.parse::<u32>() {
                            Ok(n) => (r3, Some(Spanned::new(n, self.span(r2, r3)))),
                            Err(_) => return fail(r2, "an article number after `§`"),
                        },
                        Err(_) => return fail(r2, "an article number after `§`"),
                    }
                }
                Err(_) => (r, None),
            };
            let (r, quote) = self.expect_string(r, "the plan's words in quotes")?;
            return Ok((r, RuleField::Cite { article, quote }));
        }
        for (word, attribute) in [
            ("binding", Attribute::Binding),
            ("expected", Attribute::Expected),
            ("strive", Attribute::Strive),
        ] {
            if let Ok((r, _)) = self.keyword(i, word) {
                return Ok((r, RuleField::Attribute(attribute)));
            }
        }
        if let Ok((r, _)) = self.keyword(i, "severity") {
            let (r, level) = self.expect_ident(r, "`error`, `warning` or `note`")?;
            return Ok((r, RuleField::Severity(level)));
        }
        if let Ok((r, _)) = self.keyword(i, "quality") {
            return Ok((r, RuleField::Quality));
        }
        if let Ok((r, _)) = self.keyword(i, "title") {
            let (r, title) = self.expect_string(r, "the title in quotes")?;
            return Ok((r, RuleField::Title(title)));
        }
        if let Ok((r, _)) = self.keyword(i, "by") {
            let (r, year) = self.year(r)?;
            let (r, _) = self.colon(r)?;
            let (r, expr) = self.expr(r)?;
            return Ok((r, RuleField::Check(Check::By { year, expr })));
        }
        if let Ok((r, _)) = self.keyword(i, "each") {
            let (r, _) = self.required(self.keyword(r, "year"), r, "`year` after `each`")?;
            let (r, (from, to)) = self.year_range(r)?;
            let (r, over) = match self.symbol_any(r, &[",", "，"]) {
                Ok((r2, _)) => {
                    let (r2, fe) = self.for_each(r2)?;
                    (r2, Some(fe))
                }
                Err(_) => (r, None),
            };
            let (r, _) = self.colon(r)?;
            let (r, expr) = self.expr(r)?;
            return Ok((
                r,
                RuleField::Check(Check::Each {
                    from,
                    to,
                    over,
                    expr,
                }),
            ));
        }
        fail(
            i,
            "`cite`, `binding`, `expected`, `strive`, `severity`, `quality`, `title`, `by`, `each` or `}`",
        )
    }

    fn colon(&self, i: &'s str) -> PResult<'s, Span> {
        self.required(self.symbol_any(i, &[":", "："]), i, "`:` before the check")
    }

    fn for_each(&self, i: &'s str) -> PResult<'s, ForEach> {
        let (i, _) = self.required(
            self.keyword(i, "each"),
            i,
            "`each` (as in `each x in [a, b]`)",
        )?;
        let (i, var) = self.expect_ident(i, "a variable name such as `x`")?;
        let (i, _) = self.required(self.keyword(i, "in"), i, "`in` after the variable")?;
        let (mut i, _) = self.expect_symbol(i, "[", "`[` to open the list of indicators")?;
        let mut indicators = Vec::new();
        loop {
            if let Ok((r, _)) = self.symbol(i, "]") {
                return Ok((r, ForEach { var, indicators }));
            }
            let (r, name) = self.expect_ident(i, "an indicator id or `]`")?;
            indicators.push(name);
            i = match self.symbol_any(r, &[",", "，"]) {
                Ok((r2, _)) => r2,
                Err(_) => r,
            };
        }
    }

    fn boxed(&self, start: &'s str, end: &'s str, kind: ExprKind) -> Expr {
        Box::new(Spanned::new(kind, self.span(start, end)))
    }

    fn expr(&self, i: &'s str) -> PResult<'s, Expr> {
        self.nested(i, Self::or_expr)
    }

    fn logic_chain(
        &self,
        i: &'s str,
        word: &'static str,
        op: LogicOp,
        next: fn(&Self, &'s str) -> PResult<'s, Expr>,
    ) -> PResult<'s, Expr> {
        let (start, ()) = self.ws(i)?;
        let (mut i, mut lhs) = next(self, start)?;
        while let Ok((r, op_span)) = self.keyword(i, word) {
            let (r, rhs) = next(self, r)?;
            lhs = self.boxed(
                start,
                r,
                ExprKind::Logic {
                    op: Spanned::new(op, op_span),
                    lhs,
                    rhs,
                },
            );
            i = r;
        }
        Ok((i, lhs))
    }

    fn or_expr(&self, i: &'s str) -> PResult<'s, Expr> {
        self.logic_chain(i, "or", LogicOp::Or, Self::and_expr)
    }

    fn and_expr(&self, i: &'s str) -> PResult<'s, Expr> {
        self.logic_chain(i, "and", LogicOp::And, Self::not_expr)
    }

    fn not_expr(&self, i: &'s str) -> PResult<'s, Expr> {
        let (start, ()) = self.ws(i)?;
        if let Ok((r, _)) = self.keyword(start, "not") {
            let (r, inner) = self.nested(r, Self::not_expr)?;
            return Ok((r, self.boxed(start, r, ExprKind::Not(inner))));
        }
        self.cmp_expr(start)
    }

    /// Recursion that does not pass through `expr` still counts toward the depth limit.
    fn nested(
        &self,
        i: &'s str,
        next: fn(&Self, &'s str) -> PResult<'s, Expr>,
    ) -> PResult<'s, Expr> {
        let depth = self.depth.get() + 1;
        if depth > MAX_DEPTH {
            let (at, ()) = self.ws(i)?;
            return fail(
                at,
                Cow::Owned(format!("an expression nested at most {MAX_DEPTH} deep")),
            );
        }
        self.depth.set(depth);
        let result = next(self, i);
        self.depth.set(depth - 1);
        result
    }

    fn cmp_op(&self, i: &'s str) -> PResult<'s, Spanned<CmpOp>> {
        let (i, ()) = self.ws(i)?;
        const OPS: [(&str, CmpOp); 14] = [
            (">=", CmpOp::Ge),
            ("≥", CmpOp::Ge),
            ("＞＝", CmpOp::Ge),
            ("<=", CmpOp::Le),
            ("≤", CmpOp::Le),
            ("＜＝", CmpOp::Le),
            ("==", CmpOp::Eq),
            ("＝", CmpOp::Eq),
            ("!=", CmpOp::Ne),
            ("≠", CmpOp::Ne),
            (">", CmpOp::Gt),
            ("＞", CmpOp::Gt),
            ("<", CmpOp::Lt),
            ("＜", CmpOp::Lt),
        ];
        for (text, op) in OPS {
            if let Some(rest) = i.strip_prefix(text) {
                return Ok((rest, Spanned::new(op, self.span(i, rest))));
            }
        }
        backtrack(i, "a comparison")
    }

    fn cmp_expr(&self, i: &'s str) -> PResult<'s, Expr> {
        let (start, ()) = self.ws(i)?;
        let (i, lhs) = self.add_expr(start)?;
        let Ok((r, op)) = self.cmp_op(i) else {
            return Ok((i, lhs));
        };
        let (r, rhs) = self.add_expr(r)?;
        let (r, tolerance) = match self.keyword(r, "tolerance") {
            Ok((r2, _)) => {
                let (r2, t) = self.add_expr(r2)?;
                (r2, Some(t))
            }
            Err(_) => (r, None),
        };
        if let Ok((_, second)) = self.cmp_op(r) {
            let at = self.src.get(second.span.start..).unwrap_or("");
            return fail(
                at,
                "`and` between two comparisons (write `a <= x and x < b`)",
            );
        }
        Ok((
            r,
            self.boxed(
                start,
                r,
                ExprKind::Compare {
                    op,
                    lhs,
                    rhs,
                    tolerance,
                },
            ),
        ))
    }

    fn arith_chain(
        &self,
        i: &'s str,
        ops: [(char, BinOp); 2],
        next: fn(&Self, &'s str) -> PResult<'s, Expr>,
    ) -> PResult<'s, Expr> {
        let (start, ()) = self.ws(i)?;
        let (mut i, mut lhs) = next(self, start)?;
        loop {
            let (at, ()) = self.ws(i)?;
            let Some((op, op_len)) = ops
                .iter()
                .find_map(|(c, op)| at.starts_with(*c).then_some((*op, c.len_utf8())))
            else {
                return Ok((i, lhs));
            };
            // `>=`-style tokens never start with these, so no look-ahead is needed.
            let after = at.get(op_len..).unwrap_or("");
            let op_span = self.span(at, after);
            let (r, rhs) = next(self, after)?;
            lhs = self.boxed(
                start,
                r,
                ExprKind::Binary {
                    op: Spanned::new(op, op_span),
                    lhs,
                    rhs,
                },
            );
            i = r;
        }
    }

    fn add_expr(&self, i: &'s str) -> PResult<'s, Expr> {
        self.arith_chain(i, [('+', BinOp::Add), ('-', BinOp::Sub)], Self::mul_expr)
    }

    fn mul_expr(&self, i: &'s str) -> PResult<'s, Expr> {
        self.arith_chain(i, [('*', BinOp::Mul), ('/', BinOp::Div)], Self::unary)
    }

    fn unary(&self, i: &'s str) -> PResult<'s, Expr> {
        let (start, ()) = self.ws(i)?;
        if let Some(rest) = start.strip_prefix('-') {
            let (r, inner) = self.nested(rest, Self::unary)?;
            return Ok((r, self.boxed(start, r, ExprKind::Neg(inner))));
        }
        self.power(start)
    }

    /// `a ^ b` binds tighter than a sign, as in arithmetic: `-2 ^ 2` is `-(2 ^ 2)`;
    /// it groups to the right, `a ^ b ^ c` being `a ^ (b ^ c)`.
    fn power(&self, i: &'s str) -> PResult<'s, Expr> {
        let (start, ()) = self.ws(i)?;
        let (r, base) = self.primary(start)?;
        let (at, ()) = self.ws(r)?;
        let Some(after) = at.strip_prefix('^') else {
            return Ok((r, base));
        };
        let op_span = self.span(at, after);
        let (r, exponent) = self.nested(after, Self::unary)?;
        Ok((
            r,
            self.boxed(
                start,
                r,
                ExprKind::Binary {
                    op: Spanned::new(BinOp::Pow, op_span),
                    lhs: base,
                    rhs: exponent,
                },
            ),
        ))
    }

    fn primary(&self, i: &'s str) -> PResult<'s, Expr> {
        let (start, ()) = self.ws(i)?;
        if start.starts_with(|c: char| c.is_ascii_digit()) {
            return self.number(start);
        }
        if let Some(rest) = start.strip_prefix('(').or_else(|| start.strip_prefix('（')) {
            let (r, inner) = self.expr(rest)?;
            let (r, _) = self.required(
                self.symbol_any(r, &[")", "）"]),
                r,
                "`)` to close the parenthesis",
            )?;
            let mut inner = inner;
            inner.span = self.span(start, r);
            return Ok((r, inner));
        }
        if let Ok((r, _)) = self.keyword(start, "true") {
            return Ok((r, self.boxed(start, r, ExprKind::Bool(true))));
        }
        if let Ok((r, _)) = self.keyword(start, "false") {
            return Ok((r, self.boxed(start, r, ExprKind::Bool(false))));
        }
        let (r, first) = match self.string(start) {
            Ok(ok) => ok,
            Err(nom::Err::Error(_)) => match self.ident(start) {
                Ok((r, name)) if !RESERVED.contains(&name.node.as_str()) => (r, name),
                _ => {
                    return fail(
                        start,
                        "a value: a number, an indicator, or a function such as `sum(…)`",
                    );
                }
            },
            Err(e) => return Err(e),
        };
        if let Ok((r2, _)) = self.symbol(r, "(") {
            return self.call(start, first, r2);
        }
        let (r, qualifier, name) = match self.symbol(r, ".") {
            Ok((r2, _)) => {
                let (r2, name) = self.expect_ident(r2, "an indicator or column name after `.`")?;
                (r2, Some(first), name)
            }
            Err(_) => (r, None, first),
        };
        let (r, at) = match self.symbol(r, "[") {
            Ok((r2, open)) => {
                let (r2, select) = self.year_select(r2)?;
                let (r2, close) = self.expect_symbol(r2, "]", "`]` after the year")?;
                (r2, Some(Spanned::new(select, open.to(close))))
            }
            Err(_) => (r, None),
        };
        Ok((
            r,
            self.boxed(
                start,
                r,
                ExprKind::Value {
                    qualifier,
                    name,
                    at,
                },
            ),
        ))
    }

    fn call(&self, start: &'s str, function: Name, i: &'s str) -> PResult<'s, Expr> {
        let (i, arg) = self.expr(i)?;
        let (i, filter) = match self.keyword(i, "where") {
            Ok((r, _)) => {
                let (r, f) = self.expr(r)?;
                (r, Some(f))
            }
            Err(_) => (i, None),
        };
        let (i, _) = self.expect_symbol(i, ")", "`)` to close the call")?;
        Ok((
            i,
            self.boxed(
                start,
                i,
                ExprKind::Call {
                    function,
                    arg,
                    filter,
                },
            ),
        ))
    }

    fn year_select(&self, i: &'s str) -> PResult<'s, YearSelect> {
        let (i, from) = self.year_expr(i)?;
        match self.symbol_any(i, &["..", "–", "—"]) {
            Ok((r, _)) => {
                let (r, to) = self.year_expr(r)?;
                Ok((r, YearSelect::Span(from, to)))
            }
            Err(_) => Ok((i, YearSelect::One(from))),
        }
    }

    fn year_expr(&self, i: &'s str) -> PResult<'s, YearExpr> {
        let (i, ()) = self.ws(i)?;
        if let Ok((r, _)) = self.keyword(i, "base") {
            return Ok((r, YearExpr::Base));
        }
        if let Ok((r, _)) = self.keyword(i, "year") {
            let Ok((r2, sign)) = self.symbol_any(r, &["+", "-"]) else {
                return Ok((r, YearExpr::Relative(0)));
            };
            let negative = self.src.get(sign.range()) == Some("-");
            let (r2, ()) = self.ws(r2)?;
            let Ok((r3, digits)) = digit1::<_, PErr>(r2) else {
                return fail(r2, "a number of years, as in `year - 1`");
            };
            let Ok(k) = digits.parse::<i32>() else {
                return fail(r2, "a small number of years");
            };
            return Ok((r3, YearExpr::Relative(if negative { -k } else { k })));
        }
        let (r, year) = self.year(i)?;
        Ok((r, YearExpr::Absolute(year.node)))
    }

    fn number(&self, start: &'s str) -> PResult<'s, Expr> {
        let (i, value) = self.decimal(start)?;
        let (unit, end) = self.literal_unit(i);
        let end = end.unwrap_or(i);
        Ok((
            end,
            self.boxed(
                start,
                end,
                ExprKind::Number {
                    value: value.node,
                    unit,
                },
            ),
        ))
    }

    /// The unit written after a number: right after it (`85%`, `400亿元`, even an
    /// unknown one, which the checker then names), or after spaces when it is a
    /// known spelling (`400 亿元`).
    fn literal_unit(&self, i: &'s str) -> (Option<Name>, Option<&'s str>) {
        let is_unit_char = |c: char| c.is_alphabetic() || "%％‰²".contains(c);
        let adjacent = i.chars().next().is_some_and(is_unit_char);
        let (after_space, gap) = match self.inline_ws(i) {
            Ok((r, gap)) => (r, gap),
            Err(_) => (i, ""),
        };
        for spelling in crate::units::known_spellings() {
            if let Some(rest) = after_space.strip_prefix(spelling) {
                let ends_word = !rest.chars().next().is_some_and(is_ident_continue)
                    || !spelling.chars().all(char::is_alphanumeric);
                if ends_word && (adjacent || !gap.is_empty()) {
                    return (
                        Some(Spanned::new(
                            spelling.to_string(),
                            self.span(after_space, rest),
                        )),
                        Some(rest),
                    );
                }
            }
        }
        if adjacent {
            let end = i
                .char_indices()
                .find(|(_, c)| !(is_unit_char(*c) || c.is_ascii_digit()))
                .map_or(i.len(), |(at, _)| at);
            let (word, rest) = i.split_at(end);
            return (
                Some(Spanned::new(word.to_string(), self.span(i, rest))),
                Some(rest),
            );
        }
        (None, None)
    }
}

fn starts_with_word(text: &str, word: &str) -> bool {
    text.strip_prefix(word)
        .is_some_and(|rest| !rest.chars().next().is_some_and(is_ident_continue))
}

/// The token at the start of `text`, for "found `…`" in messages.
fn next_token(text: &str) -> &str {
    let Some(first) = text.chars().next() else {
        return "";
    };
    let end = if is_ident_continue(first) {
        text.char_indices()
            .find(|(_, c)| !is_ident_continue(*c))
            .map_or(text.len(), |(at, _)| at)
    } else {
        first.len_utf8()
    };
    text.get(..end).unwrap_or("")
}

#[cfg(test)]
mod tests;
