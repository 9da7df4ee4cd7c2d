//! The structure of a Cedar policy set, for `policy --check`: toolcat carries no Cedar
//! parser (the tests load every file it writes with `cedar-policy` itself).

use super::position;
use crate::policy::check::Problem;

/// A Cedar policy set read for its structure: string literals closed and their escapes
/// known, parentheses balanced, every policy a `permit` or `forbid` (after its
/// annotations) ending with `;`. toolcat carries no Cedar parser; the tests load every file
/// it writes with `cedar-policy` itself.
pub(super) fn check(text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut depth = 0usize;
    let mut statement: Option<usize> = None;
    let mut word = String::new();
    let mut word_at = 0;
    let end_word = |word: &mut String,
                    word_at: usize,
                    statement: &mut Option<usize>,
                    depth: usize,
                    problems: &mut Vec<Problem>| {
        if statement.is_none() && depth == 0 && !word.is_empty() {
            if word == "permit" || word == "forbid" {
                *statement = Some(word_at);
            } else {
                problems.push(Problem {
                    at: position(text, word_at),
                    message: format!("expected `permit` or `forbid`, found {word:?}"),
                });
            }
        }
        word.clear();
    };
    while let Some((i, c)) = chars.next() {
        match c {
            '/' if chars.peek().is_some_and(|(_, n)| *n == '/') => {
                end_word(&mut word, word_at, &mut statement, depth, &mut problems);
                for (_, n) in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
            }
            '"' => {
                end_word(&mut word, word_at, &mut statement, depth, &mut problems);
                let mut closed = false;
                while let Some((j, n)) = chars.next() {
                    match n {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => match chars.next() {
                            Some((_, 'n' | 'r' | 't' | '\\' | '0' | '\'' | '"' | '*' | 'u')) => {}
                            _ => problems.push(Problem {
                                at: position(text, j),
                                message: "an unknown escape in a string".into(),
                            }),
                        },
                        '\n' => break,
                        _ => {}
                    }
                }
                if !closed {
                    problems.push(Problem {
                        at: position(text, i),
                        message: "a string is not closed on its line".into(),
                    });
                    return problems;
                }
            }
            '@' if statement.is_none() && depth == 0 => {
                // An annotation: `@name` or `@name("value")`, before its policy.
                word.clear();
                word.push('@');
            }
            '(' => {
                if !word.starts_with('@') {
                    end_word(&mut word, word_at, &mut statement, depth, &mut problems);
                }
                word.clear();
                depth += 1;
            }
            ')' => {
                end_word(&mut word, word_at, &mut statement, depth, &mut problems);
                if depth == 0 {
                    problems.push(Problem {
                        at: position(text, i),
                        message: "a `)` closes nothing".into(),
                    });
                } else {
                    depth -= 1;
                }
            }
            ';' => {
                end_word(&mut word, word_at, &mut statement, depth, &mut problems);
                if statement.take().is_none() || depth != 0 {
                    problems.push(Problem {
                        at: position(text, i),
                        message: "a `;` ends no whole policy".into(),
                    });
                    depth = 0;
                }
            }
            c if c.is_alphanumeric() || c == '_' || c == ':' => {
                if word.is_empty() {
                    word_at = i;
                }
                word.push(c);
            }
            c if c.is_whitespace() => {
                if !word.starts_with('@') {
                    end_word(&mut word, word_at, &mut statement, depth, &mut problems);
                }
            }
            _ => end_word(&mut word, word_at, &mut statement, depth, &mut problems),
        }
    }
    end_word(&mut word, word_at, &mut statement, depth, &mut problems);
    if let Some(start) = statement {
        problems.push(Problem {
            at: position(text, start),
            message: "this policy does not end with `;`".into(),
        });
    }
    problems
}
