//! YAML read into a tree that remembers where every node starts, for errors that point at
//! a line and column.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Line and column, both from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Scalar {
        value: String,
        /// Plain scalars are typed by their text (`1` is a number); quoted ones are strings.
        plain: bool,
        at: Pos,
    },
    Seq {
        items: Vec<Node>,
        at: Pos,
    },
    Map {
        entries: Vec<(Node, Node)>,
        at: Pos,
    },
    /// An alias (`*name`): not followed.
    Alias {
        at: Pos,
    },
}

impl Node {
    pub fn at(&self) -> Pos {
        match self {
            Node::Scalar { at, .. }
            | Node::Seq { at, .. }
            | Node::Map { at, .. }
            | Node::Alias { at } => *at,
        }
    }

    /// The text of a scalar.
    pub fn text(&self) -> Option<&str> {
        match self {
            Node::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// The text of a quoted scalar, or of a plain one that YAML reads as a string.
    pub fn string(&self) -> Option<&str> {
        match self {
            Node::Scalar {
                value,
                plain: false,
                ..
            } => Some(value),
            Node::Scalar {
                value, plain: true, ..
            } if !plain_non_string(value) => Some(value),
            _ => None,
        }
    }

    /// A plain scalar that YAML reads as a number.
    pub fn number(&self) -> Option<f64> {
        match self {
            Node::Scalar {
                value, plain: true, ..
            } => value.parse::<f64>().ok(),
            _ => None,
        }
    }

    pub fn boolean(&self) -> Option<bool> {
        match self {
            Node::Scalar {
                value, plain: true, ..
            } => match value.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Node::Scalar { value, plain: true, .. } if matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    pub fn entries(&self) -> Option<&[(Node, Node)]> {
        match self {
            Node::Map { entries, .. } => Some(entries),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Node]> {
        match self {
            Node::Seq { items, .. } => Some(items),
            _ => None,
        }
    }

    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()?
            .iter()
            .find(|(k, _)| k.text() == Some(key))
            .map(|(_, v)| v)
    }

    /// Where the key `key` of a mapping is written.
    pub fn key_at(&self, key: &str) -> Option<Pos> {
        self.entries()?
            .iter()
            .find(|(k, _)| k.text() == Some(key))
            .map(|(k, _)| k.at())
    }

    /// What kind of node this is, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Scalar { .. } if self.is_null() => "null",
            Node::Scalar { .. } if self.number().is_some() => "a number",
            Node::Scalar { .. } if self.boolean().is_some() => "a boolean",
            Node::Scalar { .. } => "a string",
            Node::Seq { .. } => "a list",
            Node::Map { .. } => "a mapping",
            Node::Alias { .. } => "an alias",
        }
    }
}

fn plain_non_string(v: &str) -> bool {
    v.parse::<f64>().is_ok()
        || matches!(
            v,
            "" | "~"
                | "null"
                | "Null"
                | "NULL"
                | "true"
                | "True"
                | "TRUE"
                | "false"
                | "False"
                | "FALSE"
        )
}

/// A YAML syntax error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub at: Pos,
    pub message: String,
}

/// A collection being read: its items so far, and a mapping's key waiting for its value.
enum Frame {
    Seq(Vec<Node>, Pos),
    Map(Vec<(Node, Node)>, Option<Node>, Pos),
}

struct TreeBuilder {
    stack: Vec<Frame>,
    docs: Vec<Node>,
}

fn pos(m: Marker) -> Pos {
    Pos {
        line: m.line(),
        col: m.col() + 1,
    }
}

impl TreeBuilder {
    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            Some(Frame::Seq(items, _)) => items.push(node),
            Some(Frame::Map(entries, pending, _)) => match pending.take() {
                Some(key) => entries.push((key, node)),
                None => *pending = Some(node),
            },
            None => self.docs.push(node),
        }
    }
}

impl MarkedEventReceiver for TreeBuilder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let at = pos(mark);
        match ev {
            Event::Scalar(value, style, _, _) => self.push(Node::Scalar {
                value,
                plain: style == TScalarStyle::Plain,
                at,
            }),
            Event::SequenceStart(..) => self.stack.push(Frame::Seq(Vec::new(), at)),
            Event::MappingStart(..) => self.stack.push(Frame::Map(Vec::new(), None, at)),
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Frame::Seq(items, at)) => Node::Seq { items, at },
                    Some(Frame::Map(entries, _, at)) => Node::Map { entries, at },
                    None => return,
                };
                self.push(node);
            }
            Event::Alias(_) => self.push(Node::Alias { at }),
            _ => {}
        }
    }
}

/// Collections nested deeper than this are a syntax error. A policy nests about eight
/// levels; a hostile file of `- - - …` would otherwise nest a level every two bytes.
pub const MAX_DEPTH: usize = 64;

/// Parse one YAML document. An empty document is `None`.
///
/// The parser's events are read one at a time rather than through its recursive loader,
/// which follows block collections as deep as they go and runs out of stack on a
/// 200 KB file of `- - - …`.
pub fn parse(text: &str) -> Result<Option<Node>, SyntaxError> {
    let mut b = TreeBuilder {
        stack: Vec::new(),
        docs: Vec::new(),
    };
    let mut parser = Parser::new_from_str(text);
    loop {
        let (ev, mark) = parser.next_token().map_err(|e| SyntaxError {
            at: pos(*e.marker()),
            message: e.info().to_string(),
        })?;
        match ev {
            // Only the first document is read, and nothing after it.
            Event::StreamEnd | Event::DocumentEnd => break,
            Event::SequenceStart(..) | Event::MappingStart(..) if b.stack.len() >= MAX_DEPTH => {
                return Err(SyntaxError {
                    at: pos(mark),
                    message: format!("collections nested deeper than {MAX_DEPTH} levels"),
                });
            }
            ev => b.on_event(ev, mark),
        }
    }
    Ok(b.docs.into_iter().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_remember_where_they_start() {
        let doc = parse("a: 1\nb:\n  - \"x\"\n  - y\nc: {d: true}\n")
            .unwrap()
            .unwrap();
        let b = doc.get("b").unwrap();
        assert_eq!(b.items().unwrap()[1].at(), Pos { line: 4, col: 5 });
        assert_eq!(doc.get("a").unwrap().number(), Some(1.0));
        assert_eq!(doc.get("a").unwrap().string(), None);
        assert_eq!(b.items().unwrap()[0].string(), Some("x"));
        assert_eq!(
            doc.get("c").unwrap().get("d").unwrap().boolean(),
            Some(true)
        );
    }

    #[test]
    fn deep_nesting_is_a_syntax_error_not_a_stack_overflow() {
        for text in [
            "- ".repeat(100_000) + "x",
            "? ".repeat(100_000) + "x",
            "a: ".repeat(100_000) + "x",
            "[".repeat(100_000),
        ] {
            let e = parse(&text).expect_err("too deep");
            assert_eq!(e.at.line, 1, "{e:?}");
        }
        let nested = |n: usize| "- ".repeat(n) + "x";
        assert!(parse(&nested(MAX_DEPTH)).is_ok());
        assert!(parse(&nested(MAX_DEPTH + 1)).is_err());
    }

    #[test]
    fn only_the_first_document_is_read() {
        let doc = parse("a: 1\n---\nb: [unclosed\n").unwrap().unwrap();
        assert_eq!(doc.get("a").unwrap().number(), Some(1.0));
        assert_eq!(parse("").unwrap(), None);
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let e = parse("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(e.at.line >= 1, "{e:?}");
    }
}
