//! `Package` -> warnings for drafters: gaps that are legal Charter but leave
//! a reader unsure how a rule traces to the legal text.

use charter_grammar::ast::*;
use charter_grammar::Diagnostic;

use crate::codes;
use crate::package::{Package, Sink};
use crate::resolve::{items, records};

pub fn check(package: &Package<'_>, sink: &mut Sink) {
    for item in items(package) {
        match item.node {
            Item::Block(block) => {
                let encodes_rules = block.items.iter().any(|i| matches!(i, Item::Stmt(_) | Item::Rule(_)));
                if block.quotes.is_empty() && encodes_rules {
                    sink.push(
                        item.file,
                        Diagnostic::warning(
                            codes::MISSING_QUOTE,
                            format!("clause block `§ {}` quotes nothing", block.clause.text),
                            block.clause.span,
                            "no `quote`",
                        )
                        .with_help("quote the sentence this block encodes (`quote \"...\"` before `{`), so a reader can trace the rule to the text"),
                    );
                }
            }
            Item::Test(test) => empty_test(item.file, test, sink),
            Item::Party(_) | Item::Rule(_) | Item::Stmt(_) | Item::NonNormative(_) => {}
        }
    }
    for (file, record) in records(package) {
        if let RecordKind::Test(test) = &record.kind {
            empty_test(file, test, sink);
        }
    }
}

fn empty_test(file: usize, test: &TestDecl, sink: &mut Sink) {
    if !test.stmts.iter().any(|s| matches!(s, TestStmt::Assert { .. })) {
        sink.push(
            file,
            Diagnostic::warning(
                codes::EMPTY_TEST,
                format!("test `{}` asserts nothing", test.name.value),
                test.name.span,
                "no `assert`",
            )
            .with_help("add `assert EXPR`; a test without assertions always passes"),
        );
    }
}
