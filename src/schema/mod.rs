//! Parameters derived from a tool's input schema.
//!
//! The walk follows nested objects, array items, `allOf`/`anyOf`/`oneOf` branches and
//! local `$ref`s (`#/$defs/...`, `#/definitions/...`, any JSON pointer into the same
//! document). Network refs are never fetched. Depth and the number of parameters are
//! bounded and `$ref` cycles are cut, so a hostile schema cannot blow the stack or memory.

use crate::json::{Id, Json, JsonRef};
use std::borrow::Cow;
use std::collections::HashSet;

mod describe;

use describe::{enum_values, type_name, ENUM_STEPS, TYPE_STEPS};

/// Nesting deeper than this is not walked (the parameter list says so with `truncated`).
pub const MAX_DEPTH: usize = 32;
/// At most this many parameters are listed for one tool.
pub const MAX_PARAMS: usize = 2_000;
/// A walk stops (with `truncated`) after this much work: every schema, property and
/// branch it visits counts one, and a long `required` list one for every 16 keys. `anyOf`
/// lists of `$ref`s to further `anyOf` lists multiply, so without a bound a 130 KB
/// definition cost seconds and hundreds of MiB; real schemas take a few hundred.
pub const MAX_VISITS: usize = 20_000;

/// One parameter of a tool, possibly nested. It borrows from the schema: listing
/// parameters copies no descriptions or enums. Its dotted name and JSON pointer are made
/// when asked for ([`Params::name`], [`Params::pointer`]) from the steps of the walk.
#[derive(Debug, Clone, PartialEq)]
pub struct Param<'a> {
    /// The walk's step onto this property, in [`Params`]' steps.
    step: u32,
    /// The last segment of the path: the property's own name.
    pub key: &'a str,
    /// The property's schema, with a local `$ref` followed.
    pub schema: JsonRef<'a>,
    pub required: bool,
    /// The description (or else the title) beside the `$ref` or on the schema it names.
    pub description: &'a str,
    pub default: Option<JsonRef<'a>>,
    /// 0 for top-level parameters.
    pub depth: usize,
}

impl<'a> Param<'a> {
    /// Human-readable type: `string`, `integer | null`, `array<string>`, `object`...
    pub fn ty(&self) -> String {
        type_name(self.schema, self.schema.doc().root(), 0, &mut {
            TYPE_STEPS
        })
    }

    /// The values an `enum`, a `const`, `anyOf` consts or array items with an enum allow.
    pub fn enum_values(&self) -> Vec<JsonRef<'a>> {
        let mut out = Vec::new();
        enum_values(self.schema, &mut out, 0, &mut { ENUM_STEPS });
        out
    }
}

/// The parameters of a schema and whether the walk had to stop early.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params<'a> {
    pub params: Vec<Param<'a>>,
    /// True when depth or count bounds cut the walk, or a `$ref` could not be resolved.
    pub truncated: bool,
    /// Every step the walk took into a property, array items or a branch, each with the
    /// step it was taken from: the paths that names and pointers are spelled from.
    steps: Vec<Step<'a>>,
}

/// A step of the walk: from step `from` (or the schema's root) into `to`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Step<'a> {
    from: u32,
    to: Segment<'a>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Segment<'a> {
    /// `/properties/<key>`; `.<key>` in the name.
    Property(&'a str),
    /// `/items`; `[]` in the name.
    Items,
    /// `/allOf/<i>` and the like; nothing in the name.
    Branch(&'static str, usize),
}

/// The `from` of a step taken at the schema's root.
const ROOT: u32 = u32::MAX;

impl<'a> Params<'a> {
    pub fn top_level(&self) -> impl Iterator<Item = &Param<'a>> {
        self.params.iter().filter(|p| p.depth == 0)
    }

    /// Dotted path from the top of the arguments (`items[]` marks array elements), such
    /// as `options.force`.
    pub fn name(&self, p: &Param<'_>) -> String {
        let mut name = String::new();
        self.spell(p.step, &mut name, &|name, segment| match segment {
            Segment::Property(key) => {
                if !name.is_empty() {
                    name.push('.');
                }
                name.push_str(key);
            }
            Segment::Items => name.push_str("[]"),
            Segment::Branch(..) => {}
        });
        name
    }

    /// JSON pointer of the parameter's schema inside `inputSchema`.
    pub fn pointer(&self, p: &Param<'_>) -> String {
        self.pointer_after(String::new(), p)
    }

    /// [`Params::pointer`] appended to `pointer`.
    pub fn pointer_after(&self, mut pointer: String, p: &Param<'_>) -> String {
        self.spell(p.step, &mut pointer, &|pointer, segment| match segment {
            Segment::Property(key) => {
                pointer.push_str("/properties/");
                push_escaped(pointer, key);
            }
            Segment::Items => pointer.push_str("/items"),
            Segment::Branch(keyword, i) => {
                pointer.push('/');
                pointer.push_str(keyword);
                pointer.push('/');
                pointer.push_str(&i.to_string());
            }
        });
        pointer
    }

    /// Spell the path from the root to step `at` into `out`, segment by segment. The
    /// recursion is as deep as the walk went, which [`MAX_DEPTH`] bounds.
    fn spell(&self, at: u32, out: &mut String, segment: &impl Fn(&mut String, Segment<'a>)) {
        if let Some(step) = self.steps.get(at as usize) {
            self.spell(step.from, out, segment);
            segment(out, step.to);
        }
    }
}

/// Walk `schema` and list its parameters in declaration order (sorted keys).
pub fn params(schema: Option<&Json>) -> Params<'_> {
    let Some(root) = schema.map(Json::root) else {
        return Params::default();
    };
    let mut walker = Walker {
        root,
        out: Params::default(),
        ref_stack: Vec::new(),
        at: ROOT,
        visits: 0,
    };
    walker.object(root, 0);
    walker.out
}

struct Walker<'a> {
    root: JsonRef<'a>,
    out: Params<'a>,
    ref_stack: Vec<&'a str>,
    /// The step the walk is at ([`ROOT`] at the top).
    at: u32,
    /// Work done so far, against [`MAX_VISITS`].
    visits: usize,
}

/// The keywords of one schema object the walk reads, gathered in one pass over its keys.
/// It holds [`Id`]s (4 bytes each) rather than handles: it is copied around a lot.
#[derive(Default, Clone, Copy)]
struct Fields {
    /// A string.
    reference: Option<Id>,
    /// An object.
    properties: Option<Id>,
    /// An array.
    required: Option<Id>,
    /// An object.
    items: Option<Id>,
    /// `allOf`, `anyOf`, `oneOf`: arrays.
    branches: [Option<Id>; 3],
    /// Strings.
    description: Option<Id>,
    title: Option<Id>,
    default: Option<Id>,
}

/// Objects with more keys than this are looked up key by key rather than scanned, so a
/// definition padded with junk keys and referenced many times stays cheap.
const SCAN_KEYS: usize = 16;

const BRANCH_KEYWORDS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

impl Fields {
    fn of(schema: JsonRef<'_>) -> Self {
        let mut f = Fields::default();
        let Some(members) = schema.as_object() else {
            return f;
        };
        if members.len() > SCAN_KEYS {
            let keys = [
                "$ref",
                "properties",
                "required",
                "items",
                "description",
                "title",
                "default",
            ];
            for key in keys.into_iter().chain(BRANCH_KEYWORDS) {
                if let Some(v) = schema.get(key) {
                    f.set(key, v);
                }
            }
        } else {
            for (k, v) in members {
                f.set(k, v);
            }
        }
        f
    }

    fn set(&mut self, key: &str, v: JsonRef<'_>) {
        let id = Some(v.id());
        let string = || id.filter(|_| v.as_str().is_some());
        let array = || id.filter(|_| v.as_array().is_some());
        let object = || id.filter(|_| v.is_object());
        // By length first: most keys (`type`, `enum`, `format`...) are ruled out by it, and
        // the rest are told apart with one comparison.
        match (key.len(), key) {
            (4, "$ref") => self.reference = string(),
            (10, "properties") => self.properties = object(),
            (8, "required") => self.required = array(),
            (5, "items") => self.items = object(),
            (5, "allOf") => self.branches[0] = array(),
            (5, "anyOf") => self.branches[1] = array(),
            (5, "oneOf") => self.branches[2] = array(),
            (11, "description") => self.description = string(),
            (5, "title") => self.title = string(),
            (7, "default") => self.default = id,
            _ => {}
        }
    }
}

/// A schema with its `$ref` followed: the schema, its fields, and the ref it went through.
type Resolved<'a> = (JsonRef<'a>, Fields, Option<&'a str>);

impl<'a> Walker<'a> {
    fn at(&self, id: Option<Id>) -> Option<JsonRef<'a>> {
        id.map(|id| self.root.doc().at(id))
    }

    fn text(&self, id: Option<Id>) -> Option<&'a str> {
        self.at(id).and_then(JsonRef::as_str)
    }

    fn has_properties(&self, f: &Fields) -> bool {
        self.at(f.properties).is_some_and(|p| !p.is_empty())
    }

    /// The subschemas of `allOf`, `anyOf` and `oneOf` of `f`, one keyword's list at a time.
    fn branch_lists(&self, f: &Fields) -> [(&'static str, Option<JsonRef<'a>>); 3] {
        let mut lists = BRANCH_KEYWORDS.map(|k| (k, None));
        for (list, id) in lists.iter_mut().zip(f.branches) {
            list.1 = self.at(id);
        }
        lists
    }

    /// Count `n` units of work: false, with the walk marked truncated, once
    /// [`MAX_VISITS`] is spent.
    fn spend(&mut self, n: usize) -> bool {
        self.visits = self.visits.saturating_add(n);
        if self.visits > MAX_VISITS {
            self.out.truncated = true;
            false
        } else {
            true
        }
    }

    /// Follow a local `$ref`; `None` for non-local, missing or cyclic refs.
    fn resolve(&mut self, schema: JsonRef<'a>, fields: Fields) -> Option<Resolved<'a>> {
        let Some(reference) = self.text(fields.reference) else {
            return Some((schema, fields, None));
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            self.out.truncated = true;
            return None;
        };
        if self.ref_stack.contains(&reference) {
            return None;
        }
        if let Some(target) = self.root.pointer(pointer) {
            Some((target, Fields::of(target), Some(reference)))
        } else {
            self.out.truncated = true;
            None
        }
    }

    /// Run `f` one step further into the schema, then step back. Steps are kept: the
    /// names and pointers of parameters are spelled from them.
    fn step(&mut self, to: Segment<'a>, f: impl FnOnce(&mut Self)) {
        let from = self.at;
        // A schema is far smaller than 4 GiB of steps; past that, names are cut short.
        self.at = u32::try_from(self.out.steps.len()).unwrap_or(ROOT);
        self.out.steps.push(Step { from, to });
        f(self);
        self.at = from;
    }

    /// List the properties of an object schema at the current location.
    fn object(&mut self, schema: JsonRef<'a>, depth: usize) {
        if depth > MAX_DEPTH {
            self.out.truncated = true;
            return;
        }
        let Some((_, fields, pushed)) = self.resolve(schema, Fields::of(schema)) else {
            return;
        };
        let required = self.at(fields.required);
        let required_len = required.map_or(0, JsonRef::len);
        if !self.spend(1 + required_len / 16) {
            return;
        }
        // A long list is read into a set once rather than scanned for every property.
        let required_set: Option<HashSet<&str>> = (required_len > 16).then(|| {
            required
                .and_then(JsonRef::as_array)
                .into_iter()
                .flatten()
                .filter_map(JsonRef::as_str)
                .collect()
        });
        self.ref_stack.extend(pushed);
        let properties = self.at(fields.properties).and_then(JsonRef::as_object);
        if let (Some(list), 0) = (&properties, self.out.steps.len()) {
            // The top level's properties: room for them at once.
            self.out.params.reserve(list.len());
            self.out.steps.reserve(list.len());
        }
        for (key, prop) in properties.into_iter().flatten() {
            if !self.spend(1) {
                break;
            }
            let is_required = match &required_set {
                Some(set) => set.contains(key),
                None => required.is_some_and(|r| r.contains_str(key)),
            };
            self.step(Segment::Property(key), |w| {
                w.property(key, prop, is_required, depth);
            });
        }
        for (keyword, list) in self.branch_lists(&fields) {
            for (i, branch) in list
                .and_then(JsonRef::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if !self.spend(1) {
                    break;
                }
                self.step(Segment::Branch(keyword, i), |w| w.object(branch, depth + 1));
            }
        }
        if pushed.is_some() {
            self.ref_stack.pop();
        }
    }

    fn property(&mut self, key: &'a str, prop: JsonRef<'a>, required: bool, depth: usize) {
        if self.out.params.len() >= MAX_PARAMS {
            self.out.truncated = true;
            return;
        }
        // Descriptions and defaults may sit beside the $ref or on the schema it names.
        let declared = Fields::of(prop);
        let resolved = self.resolve(prop, declared);
        let (schema, fields) = resolved.map_or((prop, declared), |(s, f, _)| (s, f));
        let description = [
            declared.description,
            fields.description,
            declared.title,
            fields.title,
        ]
        .into_iter()
        .find_map(|id| self.text(id))
        .unwrap_or("");
        let default = self.at(declared.default.or(fields.default));
        self.out.params.push(Param {
            step: self.at,
            key,
            schema,
            required,
            description,
            default,
            depth,
        });
        if let Some(resolved) = resolved {
            self.nested(resolved, depth + 1);
        }
    }

    /// Recurse into an object property or into array items that are objects.
    fn nested(&mut self, resolved: Resolved<'a>, depth: usize) {
        // Branches that only `$ref` further branches reach no object, so no other check
        // bounds them: a chain of such definitions must not exhaust the stack.
        if depth > MAX_DEPTH {
            self.out.truncated = true;
            return;
        }
        if !self.spend(1) {
            return;
        }
        let (schema, fields, pushed) = resolved;
        if fields.properties.is_none() && fields.items.is_none() && fields.branches == [None; 3] {
            // A leaf, as most parameters are: nothing below it to walk.
            return;
        }
        self.ref_stack.extend(pushed);
        if self.has_properties(&fields) {
            self.object(schema, depth);
        } else if let Some(items) = self.at(fields.items) {
            let item = self.resolve(items, Fields::of(items));
            if item.is_some_and(|(_, f, _)| self.has_properties(&f)) {
                self.step(Segment::Items, |w| w.object(items, depth));
            }
        } else {
            for (keyword, list) in self.branch_lists(&fields) {
                let branches = list.and_then(JsonRef::as_array).into_iter().flatten();
                for (i, branch) in branches.enumerate() {
                    if !self.spend(1) {
                        break;
                    }
                    if let Some(r) = self.resolve(branch, Fields::of(branch)) {
                        self.step(Segment::Branch(keyword, i), |w| w.nested(r, depth + 1));
                    }
                }
            }
        }
        if pushed.is_some() {
            self.ref_stack.pop();
        }
    }
}

/// Append `key` escaped for a JSON pointer (RFC 6901).
fn push_escaped(out: &mut String, key: &str) {
    out.push_str(&escape_pointer(key));
}

/// Escape a key for use inside a JSON pointer (RFC 6901).
pub fn escape_pointer(key: &str) -> Cow<'_, str> {
    if key.contains(['~', '/']) {
        Cow::Owned(key.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_objects_refs_and_required() {
        let schema = json!({
            "type": "object",
            "required": ["repo"],
            "properties": {
                "repo": {"type": "string", "description": "Repository"},
                "opts": {"$ref": "#/$defs/Opts"},
                "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
            },
            "$defs": {"Opts": {"type": "object", "required": ["force"], "properties": {
                "force": {"type": "boolean", "default": false},
                "self": {"$ref": "#/$defs/Opts"}
            }}}
        });
        let schema = Json::from(schema);
        let p = params(Some(&schema));
        let names: Vec<_> = p.params.iter().map(|q| p.name(q)).collect();
        assert_eq!(
            names,
            ["opts", "opts.force", "opts.self", "repo", "tags"],
            "cycle through `self` is cut after one level"
        );
        assert!(p.params[1].required && p.params[1].depth == 1);
        assert_eq!(
            p.params[1].default.map(JsonRef::to_value),
            Some(json!(false))
        );
        assert_eq!(p.params[4].ty(), "array<string>");
        let values: Vec<_> = p.params[4]
            .enum_values()
            .into_iter()
            .map(JsonRef::to_value)
            .collect();
        assert_eq!(values, [json!("a"), json!("b")]);
        assert_eq!(p.pointer(&p.params[1]), "/properties/opts/properties/force");
    }

    #[test]
    fn objects_with_many_keys_are_read_as_objects_with_few() {
        let with_junk = |extra: usize| {
            let pad = |mut v: serde_json::Value| {
                for i in 0..extra {
                    v[format!("x{i:02}")] = json!(i);
                }
                v
            };
            let schema = json!({
                "type": "object",
                "properties": {
                    "opts": pad(json!({"$ref": "#/$defs/O", "description": "Options"})),
                    "list": pad(json!({"type": "array", "items": pad(json!({
                        "properties": {"id": {"type": "string", "enum": ["a", "b"]}}
                    }))})),
                },
                "$defs": {"O": pad(json!({
                    "required": ["force"],
                    "anyOf": [{"properties": {"mode": {"title": "Mode"}}}],
                    "properties": {"force": pad(json!({"type": "boolean", "default": false}))},
                }))},
            });
            let schema = Json::from(pad(schema));
            let p = params(Some(&schema));
            p.params
                .iter()
                .map(|q| {
                    let default = q.default.map(|d| d.to_value().to_string());
                    format!(
                        "{}|{}|{}|{}|{default:?}|{}|{}",
                        p.name(q),
                        p.pointer(q),
                        q.description,
                        q.required,
                        q.enum_values().len(),
                        q.ty()
                    )
                })
                .collect::<Vec<String>>()
        };
        let few = with_junk(0);
        let expected = [
            "list|/properties/list||false|None|0|array<object>",
            "list[].id|/properties/list/items/properties/id||false|None|2|string",
            "opts|/properties/opts|Options|false|None|0|object",
            "opts.force|/properties/opts/properties/force||true|Some(\"false\")|0|boolean",
            "opts.mode|/properties/opts/anyOf/0/properties/mode|Mode|false|None|0|any",
        ];
        assert_eq!(few, expected);
        assert_eq!(
            with_junk(20),
            few,
            "looked up key by key past {SCAN_KEYS} keys"
        );
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let mut s = json!({"type": "string"});
        for _ in 0..500 {
            s = json!({"type": "object", "properties": {"a": s}});
        }
        let s = Json::from(s);
        let p = params(Some(&s));
        assert!(p.truncated);
        assert!(p.params.len() <= MAX_DEPTH + 2);
    }

    /// Definitions that each lead to the next through `anyOf` and `$ref`, with no object
    /// between them: nothing but the depth bound stops the walk, which must not exhaust
    /// the stack (it did, on 200,000 of them).
    #[test]
    fn chains_of_referenced_branches_are_bounded() {
        let n = 100_000;
        let mut defs = serde_json::Map::new();
        for k in 0..n {
            defs.insert(
                format!("d{k}"),
                json!({"anyOf": [{"$ref": format!("#/$defs/d{}", k + 1)}]}),
            );
        }
        defs.insert(
            format!("d{n}"),
            json!({"type": "object", "properties": {"x": {"type": "string"}}}),
        );
        let s = json!({"properties": {"p": {"$ref": "#/$defs/d0"}}, "$defs": defs});
        let s = Json::from(s);
        let p = params(Some(&s));
        assert!(p.truncated);
        let names: Vec<_> = p.params.iter().map(|q| p.name(q)).collect();
        assert_eq!(names, ["p"]);
        // A short chain is still followed to its object.
        let s = json!({"properties": {"p": {"$ref": "#/$defs/d0"}}, "$defs": {
            "d0": {"anyOf": [{"$ref": "#/$defs/d1"}]},
            "d1": {"type": "object", "properties": {"x": {"type": "string"}}}
        }});
        let s = Json::from(s);
        let p = params(Some(&s));
        assert!(!p.truncated);
        assert_eq!(
            p.pointer(&p.params[1]),
            "/properties/p/anyOf/0/properties/x"
        );
        assert_eq!(p.name(&p.params[1]), "p.x");
    }

    /// A shared definition of many alternatives that each `$ref` another such definition:
    /// the work multiplies (9,000,000 branches here), and the bounds stop it.
    #[test]
    fn fanned_out_references_are_bounded() {
        let wide = |n: usize, branch: serde_json::Value| json!({"anyOf": std::iter::repeat_n(branch, n).collect::<Vec<_>>()});
        let props: serde_json::Map<_, _> = (0..20)
            .map(|i| (format!("p{i}"), json!({"$ref": "#/$defs/X"})))
            .collect();
        let s = json!({"properties": props, "$defs": {
            "X": wide(3_000, json!({"$ref": "#/$defs/Y"})),
            "Y": wide(3_000, json!({"type": "string"})),
        }});
        let s = Json::from(s);
        let p = params(Some(&s));
        assert!(p.truncated);
        assert!(p.steps.len() <= MAX_VISITS, "{} steps", p.steps.len());
        assert_eq!(p.params[0].ty(), "string");
        // Alternatives of distinct types: a type names at most `TYPE_STEPS` of them.
        let types: Vec<_> = (0..1_000)
            .map(|i| json!({"type": format!("t{i}")}))
            .collect();
        let s = Json::from(json!({"properties": {"x": {"anyOf": types}}}));
        let ty = params(Some(&s)).params[0].ty();
        assert_eq!(ty.split(" | ").count(), TYPE_STEPS - 1);
        // An enum written as `const` alternatives keeps thousands of values, not more.
        let consts: Vec<_> = (0..10_000).map(|i| json!({"const": i})).collect();
        let s = Json::from(json!({"properties": {"x": {"oneOf": consts}}}));
        let values = params(Some(&s)).params[0].enum_values();
        assert_eq!(values.len(), ENUM_STEPS - 1);
        assert_eq!(values[700].to_value(), json!(700));
    }

    /// A long `required` list is checked through a set, with the same answers.
    #[test]
    fn long_required_lists() {
        let props: serde_json::Map<_, _> = (0..40)
            .map(|i| (format!("k{i}"), json!({"type": "string"})))
            .collect();
        let required: Vec<_> = (0..40).step_by(2).map(|i| format!("k{i}")).collect();
        let s = Json::from(json!({"properties": props, "required": required}));
        let p = params(Some(&s));
        assert!(!p.truncated);
        for q in &p.params {
            let n: usize = q.key[1..].parse().unwrap();
            assert_eq!(q.required, n.is_multiple_of(2), "{}", q.key);
        }
    }

    #[test]
    fn nullable_union_type() {
        let s = json!({"properties": {"x": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}});
        let s = Json::from(s);
        assert_eq!(params(Some(&s)).params[0].ty(), "integer | null");
    }
}
