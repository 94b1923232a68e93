//! Items and fields on their lines, with every comment put back where it belongs.
//!
//! A comment on the line of an item or field stays at the end of that line; any
//! other comment is printed on its own line before the next item or field (a
//! comment inside an expression moves up to just before its field), or before
//! the closing `}` when nothing follows it in the block. Blank lines the author
//! left between items, fields and comments are kept, one at most; a block item
//! (`plan`, `table`, `rule`) always has one blank line on either side.

use super::expr::{self, quoted};
use crate::syntax::ast::{
    Check, Column, Indicator, Item, Plan, PlanField, Rule, RuleField, RuleFile, Spanned, TableDecl,
};

const INDENT: &str = "    ";
/// A `each x in [...]` list that would make its line longer than this is put one name a line.
const MAX_LINE: usize = 100;

pub fn file(text: &str, rule_file: &RuleFile) -> String {
    let mut comments: Vec<&Spanned<String>> = rule_file.comments.iter().collect();
    comments.sort_by_key(|c| c.span.start);
    let mut w = Writer {
        text,
        comments,
        next: 0,
        out: String::new(),
    };
    let mut previous_was_block = None;
    for (index, item) in rule_file.items.iter().enumerate() {
        let next_start = rule_file
            .items
            .get(index + 1)
            .map_or(usize::MAX, |next| next.span.start);
        let is_block = !matches!(item.node, Item::Indicator(_));
        // A one-line item's inner comments (there is no line inside it to keep them on) go above it.
        let leading_limit = if is_block {
            item.span.start
        } else {
            item.span.end
        };
        let leading = w.take_before(leading_limit);
        if let Some(was_block) = previous_was_block {
            let first = leading.first().map_or(item.span.start, |c| c.start);
            if was_block || is_block || w.blank_before(first) {
                w.out.push('\n');
            }
        }
        w.comment_lines(&leading, "", item.span.start);
        match &item.node {
            Item::Plan(plan) => w.block(item.span, plan_header(plan), plan_fields(plan)),
            Item::Table(table) => w.block(item.span, table_header(table), table_columns(table)),
            Item::Rule(rule) => w.block(
                item.span,
                format!("rule {} {{", rule.id.node),
                rule_fields(rule),
            ),
            Item::Indicator(ind) => w.out.push_str(&indicator(ind)),
        }
        w.end_line(item.span.end, next_start);
        previous_was_block = Some(is_block);
    }
    let rest = w.take_before(usize::MAX);
    if let (Some(was_block), Some(first)) = (previous_was_block, rest.first())
        && (was_block || w.blank_before(first.start))
    {
        w.out.push('\n');
    }
    w.comment_lines(&rest, "", usize::MAX);
    w.out
}

struct Writer<'a> {
    text: &'a str,
    /// Sorted by position; those before `next` are printed.
    comments: Vec<&'a Spanned<String>>,
    next: usize,
    out: String,
}

struct Taken<'a> {
    text: &'a str,
    start: usize,
}

/// A field of a block: where it was and how it is printed.
struct Field {
    start: usize,
    end: usize,
    lines: Vec<String>,
}

impl<'a> Writer<'a> {
    /// Whether the author left an empty line just before `at`.
    fn blank_before(&self, at: usize) -> bool {
        let before = self.text.get(..at).unwrap_or("");
        let gap = before
            .trim_end_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
            .len();
        before.get(gap..).unwrap_or("").matches('\n').count() >= 2
    }

    fn same_line(&self, from: usize, to: usize) -> bool {
        self.text
            .get(from..to)
            .is_some_and(|between| !between.contains('\n'))
    }

    /// Every comment not yet printed that starts before `limit`.
    fn take_before(&mut self, limit: usize) -> Vec<Taken<'a>> {
        let mut taken = Vec::new();
        while let Some(c) = self.comments.get(self.next).copied() {
            if c.span.start >= limit {
                break;
            }
            taken.push(Taken {
                text: c.node.as_str(),
                start: c.span.start,
            });
            self.next += 1;
        }
        taken
    }

    /// The comment on the same line right after `end`, if there is one before `limit`.
    fn take_trailing(&mut self, end: usize, limit: usize) -> Option<&'a str> {
        let c = self.comments.get(self.next).copied()?;
        if c.span.start >= end && c.span.start < limit && self.same_line(end, c.span.start) {
            self.next += 1;
            return Some(c.node.as_str());
        }
        None
    }

    /// Ends the current line, with the comment that followed `end` on its line
    /// (unless something else came between them on that line).
    fn end_line(&mut self, end: usize, next_start: usize) {
        if let Some(comment) = self.take_trailing(end, next_start) {
            self.out.push_str("  ");
            self.out.push_str(comment);
        }
        self.out.push('\n');
    }

    /// Comments on their own lines; blank lines between them and before `next_start` as the author had them.
    fn comment_lines(&mut self, comments: &[Taken], indent: &str, next_start: usize) {
        for (i, c) in comments.iter().enumerate() {
            if i > 0 && self.blank_before(c.start) {
                self.out.push('\n');
            }
            self.out.push_str(indent);
            self.out.push_str(c.text);
            self.out.push('\n');
        }
        let all_before = comments.last().is_some_and(|c| c.start < next_start);
        if all_before && next_start != usize::MAX && self.blank_before(next_start) {
            self.out.push('\n');
        }
    }

    /// A `{ … }` item, up to its closing `}` (the caller ends that line).
    fn block(&mut self, span: crate::source::Span, header: String, fields: Vec<Field>) {
        let body_start = fields.first().map_or(span.end, |f| f.start);
        self.out.push_str(&header);
        if let Some(c) = self.comments.get(self.next).copied()
            && c.span.start < body_start
            && self.same_line(span.start, c.span.start)
        {
            self.next += 1;
            self.out.push_str("  ");
            self.out.push_str(&c.node);
        }
        self.out.push('\n');
        for (i, field) in fields.iter().enumerate() {
            let leading = self.take_before(field.end);
            let first = leading
                .first()
                .map_or(field.start, |c| c.start.min(field.start));
            if i > 0 && self.blank_before(first) {
                self.out.push('\n');
            }
            self.comment_lines(&leading, INDENT, field.start);
            let last = field.lines.len().saturating_sub(1);
            for (n, line) in field.lines.iter().enumerate() {
                self.out.push_str(INDENT);
                self.out.push_str(line);
                if n == last {
                    let limit = fields.get(i + 1).map_or(span.end, |next| next.start);
                    if let Some(comment) = self.take_trailing(field.end, limit) {
                        self.out.push_str("  ");
                        self.out.push_str(comment);
                    }
                }
                self.out.push('\n');
            }
        }
        let dangling = self.take_before(span.end);
        if let Some(first) = dangling.first()
            && !fields.is_empty()
            && self.blank_before(first.start)
        {
            self.out.push('\n');
        }
        self.comment_lines(&dangling, INDENT, usize::MAX);
        self.out.push('}');
    }
}

fn plan_header(plan: &Plan) -> String {
    format!("plan {} {{", quoted(&plan.name.node))
}

fn plan_fields(plan: &Plan) -> Vec<Field> {
    plan.fields
        .iter()
        .map(|f| Field {
            start: f.span.start,
            end: f.span.end,
            lines: vec![match &f.node {
                PlanField::Entity(n) => format!("entity {}", expr::name(&n.node)),
                PlanField::Period(from, to) => format!("period {}..{}", from.node, to.node),
                PlanField::Base(y) => format!("base {}", y.node),
                PlanField::Source(s) => format!("source {}", quoted(&s.node)),
                PlanField::Reference(n) => format!("reference {}", expr::name(&n.node)),
            }],
        })
        .collect()
}

fn table_header(table: &TableDecl) -> String {
    match &table.name {
        Some(name) => format!("table {} {} {{", table.id.node, quoted(&name.node)),
        None => format!("table {} {{", table.id.node),
    }
}

fn table_columns(table: &TableDecl) -> Vec<Field> {
    table
        .columns
        .iter()
        .map(|Column { name, kind }| Field {
            start: name.span.start,
            end: kind.span.end,
            lines: vec![format!("{} {}", name.node, kind.node)],
        })
        .collect()
}

fn indicator(ind: &Indicator) -> String {
    let mut line = format!(
        "indicator {} {} {}",
        ind.id.node,
        quoted(&ind.name.node),
        ind.unit.node
    );
    if let Some(base) = &ind.base {
        line.push_str(&format!(" base {}", base.node));
        if let Some(year) = &ind.base_year {
            line.push_str(&format!(" in {}", year.node));
        }
    }
    line
}

fn rule_fields(rule: &Rule) -> Vec<Field> {
    rule.fields
        .iter()
        .map(|f| Field {
            start: f.span.start,
            end: f.span.end,
            lines: rule_field(&f.node),
        })
        .collect()
}

fn rule_field(field: &RuleField) -> Vec<String> {
    let line = match field {
        RuleField::Cite { article, quote } => match article {
            Some(a) => format!("cite §{} {}", a.node, quoted(&quote.node)),
            None => format!("cite {}", quoted(&quote.node)),
        },
        RuleField::Attribute(a) => a.as_str().to_string(),
        RuleField::Severity(level) => format!("severity {}", level.node),
        RuleField::Quality => "quality".to_string(),
        RuleField::Title(t) => format!("title {}", quoted(&t.node)),
        RuleField::Check(check) => return check_lines(check),
    };
    vec![line]
}

fn check_lines(check: &Check) -> Vec<String> {
    match check {
        Check::By { year, expr: e } => vec![format!("by {}: {}", year.node, expr::expr(e))],
        Check::Each {
            from,
            to,
            over,
            expr: e,
        } => {
            let years = format!("each year {}..{}", from.node, to.node);
            let condition = expr::expr(e);
            let Some(over) = over else {
                return vec![format!("{years}: {condition}")];
            };
            let names: Vec<&str> = over.indicators.iter().map(|n| n.node.as_str()).collect();
            let one_line = format!(
                "{years}, each {} in [{}]: {condition}",
                over.var.node,
                names.join(", ")
            );
            if INDENT.len() + one_line.chars().count() <= MAX_LINE || names.is_empty() {
                return vec![one_line];
            }
            let mut lines = vec![format!("{years}, each {} in [", over.var.node)];
            lines.extend(names.iter().map(|n| format!("{INDENT}{n},")));
            lines.push(format!("]: {condition}"));
            lines
        }
    }
}
