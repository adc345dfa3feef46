//! One spec pair per check: each case edits `fixtures/template.yaml` so the two sides differ
//! in one way, and asserts the change's id, both verdicts, its location and the operations
//! it is attributed to.

use spec_diff::{Change, Level, Level::*, Report, Semver, Side};

const TEMPLATE: &str = include_str!("fixtures/template.yaml");
const GET: &str = "/paths/~1items~1{id}/get";
const POST: &str = "/paths/~1items/post";
const ITEM: &str = "/components/schemas/Item";
const NEW_ITEM: &str = "/components/schemas/NewItem";

type Edits = &'static [(&'static str, &'static str)];

struct Case {
    name: &'static str,
    base: Edits,
    head: Edits,
    id: &'static str,
    wire: Level,
    rust: Level,
    side: Side,
    pointer: String,
    /// Rust method names of the operations the change is attributed to.
    operations: &'static [&'static str],
}

fn edit(edits: &[(&str, &str)], case: &str) -> String {
    let mut text = TEMPLATE.to_owned();
    for (from, to) in edits {
        assert!(text.contains(from), "{case}: the template has no `{from}`");
        text = text.replacen(from, to, 1);
    }
    text
}

/// What `cargo xtask diff` computes: the normalized trees, the originals (3.1 keywords,
/// webhooks) and the line of each change.
pub fn diff_texts(base: &str, head: &str) -> Report {
    let load = |name: &str, text: &str| {
        spec_diff::input::from_source(&generator::Source::new(name, text.as_bytes()), None)
            .unwrap_or_else(|e| panic!("{e}"))
    };
    spec_diff::input::compare(&load("base.yaml", base), &load("head.yaml", head))
}

const ADD_HEALTH: Edits = &[(
    "  /items:\n",
    "  /health:\n    get:\n      operationId: health\n      responses:\n        '200': {description: ok}\n  /items:\n",
)];
const ADD_PAGE: Edits = &[(
    "        - {name: X-Trace",
    "        - {name: page, in: query, schema: {type: integer}}\n        - {name: X-Trace",
)];
const ADD_REQUIRED_PAGE: Edits = &[(
    "        - {name: X-Trace",
    "        - {name: page, in: query, required: true, schema: {type: integer}}\n        - {name: X-Trace",
)];
const LIMIT_REQUIRED: Edits = &[("{name: limit, in: query,", "{name: limit, in: query, required: true,")];
const MODE_AUTO: Edits = &[("enum: [fast, slow]", "enum: [fast, slow, auto]")];
const LIMIT_MAX_50: Edits = &[("maximum: 100", "maximum: 50")];
const NO_BODY: Edits = &[(
    "      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/NewItem'}\n",
    "",
)];
const OPTIONAL_BODY: Edits = &[(
    "        required: true\n        content:",
    "        required: false\n        content:",
)];
const FORM_BODY: Edits = &[(
    "            schema: {$ref: '#/components/schemas/NewItem'}\n",
    "            schema: {$ref: '#/components/schemas/NewItem'}\n          application/x-www-form-urlencoded:\n            schema: {$ref: '#/components/schemas/NewItem'}\n",
)];
const ADD_500: Edits = &[(
    "        '404': {description: missing}\n",
    "        '404': {description: missing}\n        '500': {description: boom}\n",
)];
const STATUS_ENUM_DELETED: Edits = &[("enum: [active, archived]", "enum: [active, archived, deleted]")];
const PUBLIC_GET: Edits = &[("      tags: [items]\n", "      tags: [items]\n      security: []\n")];
const V31: (&str, &str) = ("openapi: 3.0.3", "openapi: 3.1.0");
/// A 3.1 document with one webhook.
const WEBHOOK: Edits = &[
    V31,
    (
        "components:\n",
        "webhooks:\n  itemCreated:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Item'}\n      responses:\n        '200': {description: ok}\ncomponents:\n",
    ),
];
/// A webhook whose payload is written inline, and the same payload with one more property.
const HOOK_PAYLOAD: Edits = &[
    V31,
    (
        "components:\n",
        "webhooks:\n  itemSold:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object, properties: {id: {type: string}}}\n      responses:\n        '200': {description: ok}\ncomponents:\n",
    ),
];
const HOOK_PAYLOAD_GROWN: Edits = &[
    V31,
    (
        "components:\n",
        "webhooks:\n  itemSold:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: {type: object, properties: {id: {type: string}, price: {type: number}}}\n      responses:\n        '200': {description: ok}\ncomponents:\n",
    ),
];
/// An OAuth scheme on `getItem`, asking for two scopes (and one of them).
const OAUTH_TWO_SCOPES: Edits = &[
    (
        "      tags: [items]\n",
        "      tags: [items]\n      security: [{oauth: [read, write]}]\n",
    ),
    (
        "    key: {type: apiKey",
        "    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://t', scopes: {read: r, write: w}}}}\n    key: {type: apiKey",
    ),
];
const OAUTH_ONE_SCOPE: Edits = &[
    (
        "      tags: [items]\n",
        "      tags: [items]\n      security: [{oauth: [read]}]\n",
    ),
    (
        "    key: {type: apiKey",
        "    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://t', scopes: {read: r, write: w}}}}\n    key: {type: apiKey",
    ),
];
/// `Item` as the template has it, and rewritten into a union of two objects.
const ITEM_OBJECT: &str = "    Item:\n      type: object\n      required: [id, name]\n      properties:\n        id: {type: string}\n        name: {type: string, maxLength: 64}\n        status: {type: string, enum: [active, archived]}\n        created: {type: string, format: date-time}\n        count: {type: integer, minimum: 0}\n        tags: {type: array, items: {type: string}, maxItems: 10}\n";
const ITEM_UNION_SAME: &str = "    Item:\n      anyOf:\n        - type: object\n          required: [id, name]\n          properties:\n            id: {type: string}\n            name: {type: string, maxLength: 64}\n            status: {type: string, enum: [active, archived]}\n            created: {type: string, format: date-time}\n            count: {type: integer, minimum: 0}\n            tags: {type: array, items: {type: string}, maxItems: 10}\n        - type: object\n          required: [id, name]\n          properties:\n            id: {type: string}\n            name: {type: string, maxLength: 64}\n            created: {type: string, format: date-time}\n";
const SECOND_SERVER: Edits = &[(
    "  - url: https://api.example.com\n",
    "  - url: https://api.example.com\n  - url: https://eu.api.example.com\n",
)];

fn cases() -> Vec<Case> {
    let p = |base: &str, tail: &str| format!("{base}{tail}");
    vec![
        // Operations.
        Case {
            name: "operation added",
            base: &[],
            head: ADD_HEALTH,
            id: "operation-added",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: "/paths/~1health/get".into(),
            operations: &["health"],
        },
        Case {
            name: "operation removed",
            base: ADD_HEALTH,
            head: &[],
            id: "operation-removed",
            wire: Breaking,
            rust: Breaking,
            side: Side::Base,
            pointer: "/paths/~1health/get".into(),
            operations: &["health"],
        },
        Case {
            name: "operationId renamed",
            base: &[],
            head: &[("operationId: getItem", "operationId: fetchItem")],
            id: "operation-id-changed",
            wire: NonBreaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(GET, "/operationId"),
            operations: &["fetch_item"],
        },
        Case {
            name: "operationId respelled to the same Rust name",
            base: &[],
            head: &[("operationId: getItem", "operationId: get_item")],
            id: "operation-id-changed",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(GET, "/operationId"),
            operations: &["get_item"],
        },
        Case {
            name: "operation deprecated",
            base: &[],
            head: &[("      tags: [items]\n", "      tags: [items]\n      deprecated: true\n")],
            id: "operation-deprecated",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(GET, "/deprecated"),
            operations: &["get_item"],
        },
        Case {
            name: "operation moved to another tag",
            base: &[],
            head: &[("tags: [items]", "tags: [catalogue]")],
            id: "operation-tags-changed",
            wire: NonBreaking,
            rust: PotentiallyBreaking,
            side: Side::Head,
            pointer: GET.into(),
            operations: &["get_item"],
        },
        // Parameters.
        Case {
            name: "optional query parameter added",
            base: &[],
            head: ADD_PAGE,
            id: "request-parameter-added",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(GET, "/parameters/3"),
            operations: &["get_item"],
        },
        Case {
            name: "required query parameter added",
            base: &[],
            head: ADD_REQUIRED_PAGE,
            id: "request-required-parameter-added",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(GET, "/parameters/3"),
            operations: &["get_item"],
        },
        Case {
            name: "cookie parameter removed",
            base: &[],
            head: &[("        - {name: session, in: cookie, schema: {type: string}}\n", "")],
            id: "request-parameter-removed",
            wire: PotentiallyBreaking,
            rust: Breaking,
            side: Side::Base,
            pointer: p(GET, "/parameters/4"),
            operations: &["get_item"],
        },
        Case {
            name: "query parameter made required",
            base: &[],
            head: LIMIT_REQUIRED,
            id: "request-parameter-became-required",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(GET, "/parameters/1/required"),
            operations: &["get_item"],
        },
        Case {
            name: "query parameter made optional",
            base: LIMIT_REQUIRED,
            head: &[],
            id: "request-parameter-became-optional",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(GET, "/parameters/1/required"),
            operations: &["get_item"],
        },
        Case {
            name: "query parameter renamed",
            base: &[],
            head: &[("{name: limit,", "{name: max,")],
            id: "request-parameter-renamed",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(GET, "/parameters/1"),
            operations: &["get_item"],
        },
        Case {
            name: "path parameter renamed",
            base: &[],
            head: &[
                ("  /items/{id}:", "  /items/{itemId}:"),
                ("{name: id, in: path", "{name: itemId, in: path"),
            ],
            id: "request-parameter-renamed",
            wire: NonBreaking,
            rust: Breaking,
            side: Side::Head,
            pointer: "/paths/~1items~1{itemId}/get/parameters/0".into(),
            operations: &["get_item"],
        },
        Case {
            name: "header parameter type changed",
            base: &[],
            head: &[(
                "{name: X-Trace, in: header, schema: {type: string}}",
                "{name: X-Trace, in: header, schema: {type: integer}}",
            )],
            id: "request-parameter-type-changed",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(GET, "/parameters/3/schema/type"),
            operations: &["get_item"],
        },
        Case {
            name: "query parameter format widened",
            base: &[],
            head: &[("format: int32", "format: int64")],
            id: "request-parameter-format-changed",
            wire: PotentiallyBreaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(GET, "/parameters/1/schema/format"),
            operations: &["get_item"],
        },
        Case {
            name: "query parameter enum value added",
            base: &[],
            head: MODE_AUTO,
            id: "request-parameter-enum-value-added",
            wire: NonBreaking,
            rust: PotentiallyBreaking,
            side: Side::Head,
            pointer: p(GET, "/parameters/2/schema/enum"),
            operations: &["get_item"],
        },
        Case {
            name: "query parameter enum value removed",
            base: MODE_AUTO,
            head: &[],
            id: "request-parameter-enum-value-removed",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(GET, "/parameters/2/schema/enum"),
            operations: &["get_item"],
        },
        Case {
            name: "query parameter maximum lowered",
            base: &[],
            head: LIMIT_MAX_50,
            id: "request-parameter-constraint-tightened",
            wire: Breaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(GET, "/parameters/1/schema/maximum"),
            operations: &["get_item"],
        },
        Case {
            name: "query parameter maximum raised",
            base: LIMIT_MAX_50,
            head: &[],
            id: "request-parameter-constraint-loosened",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(GET, "/parameters/1/schema/maximum"),
            operations: &["get_item"],
        },
        Case {
            name: "header parameter gains a pattern",
            base: &[],
            head: &[(
                "{name: X-Trace, in: header, schema: {type: string}}",
                "{name: X-Trace, in: header, schema: {type: string, pattern: '^[0-9a-f]+$'}}",
            )],
            id: "request-parameter-constraint-tightened",
            wire: Breaking,
            rust: PotentiallyBreaking,
            side: Side::Head,
            pointer: p(GET, "/parameters/3/schema/pattern"),
            operations: &["get_item"],
        },
        // Request bodies.
        Case {
            name: "required request body added",
            base: NO_BODY,
            head: &[],
            id: "request-required-body-added",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(POST, "/requestBody"),
            operations: &["create_item"],
        },
        Case {
            name: "request body removed",
            base: &[],
            head: NO_BODY,
            id: "request-body-removed",
            wire: PotentiallyBreaking,
            rust: Breaking,
            side: Side::Base,
            pointer: p(POST, "/requestBody"),
            operations: &["create_item"],
        },
        Case {
            name: "request body made required",
            base: OPTIONAL_BODY,
            head: &[],
            id: "request-body-became-required",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(POST, "/requestBody/required"),
            operations: &["create_item"],
        },
        Case {
            name: "request body made optional",
            base: &[],
            head: OPTIONAL_BODY,
            id: "request-body-became-optional",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(POST, "/requestBody/required"),
            operations: &["create_item"],
        },
        Case {
            name: "request media type added",
            base: &[],
            head: FORM_BODY,
            id: "request-body-media-type-added",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(POST, "/requestBody/content/application~1x-www-form-urlencoded"),
            operations: &["create_item"],
        },
        Case {
            name: "request media type removed",
            base: FORM_BODY,
            head: &[],
            id: "request-body-media-type-removed",
            wire: Breaking,
            rust: PotentiallyBreaking,
            side: Side::Base,
            pointer: p(POST, "/requestBody/content/application~1x-www-form-urlencoded"),
            operations: &["create_item"],
        },
        Case {
            name: "required request property added",
            base: &[],
            head: &[
                ("      required: [name]\n", "      required: [name, size]\n"),
                (
                    "        note: {type: string}\n",
                    "        note: {type: string}\n        size: {type: integer}\n",
                ),
            ],
            id: "request-required-property-added",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(NEW_ITEM, "/properties/size"),
            operations: &["create_item"],
        },
        Case {
            name: "optional request property added",
            base: &[],
            head: &[(
                "        note: {type: string}\n",
                "        note: {type: string}\n        size: {type: integer}\n",
            )],
            id: "request-property-added",
            wire: NonBreaking,
            rust: PotentiallyBreaking,
            side: Side::Head,
            pointer: p(NEW_ITEM, "/properties/size"),
            operations: &["create_item"],
        },
        Case {
            name: "request property removed",
            base: &[],
            head: &[("        note: {type: string}\n", "")],
            id: "request-property-removed",
            wire: PotentiallyBreaking,
            rust: Breaking,
            side: Side::Base,
            pointer: p(NEW_ITEM, "/properties/note"),
            operations: &["create_item"],
        },
        Case {
            name: "request property type changed",
            base: &[],
            head: &[("note: {type: string}", "note: {type: integer}")],
            id: "request-property-type-changed",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(NEW_ITEM, "/properties/note/type"),
            operations: &["create_item"],
        },
        Case {
            name: "request property made required",
            base: &[],
            head: &[("      required: [name]\n", "      required: [name, note]\n")],
            id: "request-property-became-required",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(NEW_ITEM, "/required"),
            operations: &["create_item"],
        },
        Case {
            name: "request property became an enum",
            base: &[],
            head: &[("note: {type: string}", "note: {type: string, enum: [x, y]}")],
            id: "request-property-became-enum",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(NEW_ITEM, "/properties/note/enum"),
            operations: &["create_item"],
        },
        Case {
            name: "request property default changed",
            base: &[],
            head: &[("default: a", "default: b")],
            id: "request-property-default-changed",
            wire: PotentiallyBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(NEW_ITEM, "/properties/kind/default"),
            operations: &["create_item"],
        },
        Case {
            name: "request property length limit lowered",
            base: &[],
            head: &[("minLength: 1, maxLength: 64", "minLength: 1, maxLength: 32")],
            id: "request-property-constraint-tightened",
            wire: Breaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(NEW_ITEM, "/properties/name/maxLength"),
            operations: &["create_item"],
        },
        // Responses.
        Case {
            name: "success status changed",
            base: &[],
            head: &[("        '201':\n", "        '200':\n")],
            id: "response-success-status-changed",
            wire: PotentiallyBreaking,
            rust: PotentiallyBreaking,
            side: Side::Head,
            pointer: p(POST, "/responses/200"),
            operations: &["create_item"],
        },
        Case {
            name: "error status added",
            base: &[],
            head: ADD_500,
            id: "response-status-added",
            wire: NonBreaking,
            rust: PotentiallyBreaking,
            side: Side::Head,
            pointer: p(GET, "/responses/500"),
            operations: &["get_item"],
        },
        Case {
            name: "error status removed",
            base: ADD_500,
            head: &[],
            id: "response-status-removed",
            wire: NonBreaking,
            rust: PotentiallyBreaking,
            side: Side::Base,
            pointer: p(GET, "/responses/500"),
            operations: &["get_item"],
        },
        Case {
            name: "response media type removed",
            base: &[(
                "schema: {$ref: '#/components/schemas/Item'}\n        '404'",
                "schema: {$ref: '#/components/schemas/Item'}\n            text/plain:\n              schema: {type: string}\n        '404'",
            )],
            head: &[],
            id: "response-media-type-removed",
            wire: Breaking,
            rust: PotentiallyBreaking,
            side: Side::Base,
            pointer: p(GET, "/responses/200/content/text~1plain"),
            operations: &["get_item"],
        },
        Case {
            name: "response property added (in a shared component)",
            base: &[],
            head: &[(
                "        count: {type: integer, minimum: 0}\n",
                "        count: {type: integer, minimum: 0}\n        size: {type: integer}\n",
            )],
            id: "response-property-added",
            wire: NonBreaking,
            rust: PotentiallyBreaking,
            side: Side::Head,
            pointer: p(ITEM, "/properties/size"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "required response property removed",
            base: &[],
            head: &[
                ("        id: {type: string}\n", ""),
                ("required: [id, name]", "required: [name]"),
            ],
            id: "response-property-removed",
            wire: Breaking,
            rust: Breaking,
            side: Side::Base,
            pointer: p(ITEM, "/properties/id"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "optional response property removed",
            base: &[],
            head: &[("        status: {type: string, enum: [active, archived]}\n", "")],
            id: "response-optional-property-removed",
            wire: PotentiallyBreaking,
            rust: Breaking,
            side: Side::Base,
            pointer: p(ITEM, "/properties/status"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "response property renamed",
            base: &[],
            head: &[("        created: {type: string", "        createdAt: {type: string")],
            id: "response-property-renamed",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(ITEM, "/properties/createdAt"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "response property made optional",
            base: &[],
            head: &[("required: [id, name]", "required: [id]")],
            id: "response-property-became-optional",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(ITEM, "/required"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "required response property became nullable",
            base: &[],
            head: &[(
                "name: {type: string, maxLength: 64}",
                "name: {type: string, maxLength: 64, nullable: true}",
            )],
            id: "response-property-became-nullable",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(ITEM, "/properties/name/nullable"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "optional response property became nullable",
            base: &[],
            head: &[("enum: [active, archived]}", "enum: [active, archived], nullable: true}")],
            id: "response-property-became-nullable",
            wire: Breaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(ITEM, "/properties/status/nullable"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "response property type changed",
            base: &[],
            head: &[("        id: {type: string}\n", "        id: {type: integer}\n")],
            id: "response-property-type-changed",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(ITEM, "/properties/id/type"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "response property format changed",
            base: &[],
            head: &[("format: date-time", "format: date")],
            id: "response-property-format-changed",
            wire: PotentiallyBreaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(ITEM, "/properties/created/format"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "response enum value added",
            base: &[],
            head: STATUS_ENUM_DELETED,
            id: "response-property-enum-value-added",
            wire: PotentiallyBreaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(ITEM, "/properties/status/enum"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "response enum value removed",
            base: STATUS_ENUM_DELETED,
            head: &[],
            id: "response-property-enum-value-removed",
            wire: NonBreaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(ITEM, "/properties/status/enum"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "open (extensible) response enum value added",
            base: &[("enum: [active, archived]", "x-extensible-enum: [active, archived]")],
            head: &[(
                "enum: [active, archived]",
                "x-extensible-enum: [active, archived, deleted]",
            )],
            id: "response-property-enum-value-added",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(ITEM, "/properties/status/enum"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "response array limit raised",
            base: &[],
            head: &[("maxItems: 10", "maxItems: 20")],
            id: "response-property-constraint-loosened",
            wire: PotentiallyBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(ITEM, "/properties/tags/maxItems"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "response integer may go negative (u64 becomes i64)",
            base: &[],
            head: &[("minimum: 0}", "minimum: -1}")],
            id: "response-property-constraint-loosened",
            wire: PotentiallyBreaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(ITEM, "/properties/count/minimum"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "response array items became nullable",
            base: &[],
            head: &[("items: {type: string}", "items: {type: string, nullable: true}")],
            id: "response-property-became-nullable",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(ITEM, "/properties/tags/items/nullable"),
            operations: &["get_item", "create_item"],
        },
        // Security and servers.
        Case {
            name: "public operation now needs a key",
            base: PUBLIC_GET,
            head: &[],
            id: "operation-security-added",
            wire: Breaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: "/security".into(),
            operations: &["get_item"],
        },
        Case {
            name: "operation no longer needs a key",
            base: &[],
            head: PUBLIC_GET,
            id: "operation-security-removed",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Base,
            pointer: p(GET, "/security"),
            operations: &["get_item"],
        },
        Case {
            name: "security scheme header renamed",
            base: &[],
            head: &[("name: X-Key}", "name: X-Api-Key}")],
            id: "security-scheme-changed",
            wire: Breaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: "/components/securitySchemes/key".into(),
            operations: &[],
        },
        Case {
            name: "security scheme added",
            base: &[],
            head: &[(
                "    key: {type: apiKey",
                "    bearer: {type: http, scheme: bearer}\n    key: {type: apiKey",
            )],
            id: "security-scheme-added",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: "/components/securitySchemes/bearer".into(),
            operations: &[],
        },
        Case {
            name: "server added",
            base: &[],
            head: SECOND_SERVER,
            id: "server-added",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: "/servers".into(),
            operations: &[],
        },
        Case {
            name: "server removed",
            base: SECOND_SERVER,
            head: &[],
            id: "server-removed",
            wire: PotentiallyBreaking,
            rust: NonBreaking,
            side: Side::Base,
            pointer: "/servers".into(),
            operations: &[],
        },
        // Constants: every message now carries, or must carry, a value the other side
        // never saw.
        Case {
            name: "response const changed",
            base: &[("enum: [active, archived]", "enum: [active]")],
            head: &[("enum: [active, archived]", "enum: [archived]")],
            id: "response-property-const-changed",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(ITEM, "/properties/status/enum"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "3.1 response const changed",
            base: &[V31, ("enum: [active, archived]", "const: active")],
            head: &[V31, ("enum: [active, archived]", "const: archived")],
            id: "response-property-const-changed",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(ITEM, "/properties/status/enum"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "request const changed",
            base: &[("enum: [fast, slow]", "enum: [fast]")],
            head: &[("enum: [fast, slow]", "enum: [slow]")],
            id: "request-parameter-const-changed",
            wire: Breaking,
            rust: Breaking,
            side: Side::Head,
            pointer: p(GET, "/parameters/2/schema/enum"),
            operations: &["get_item"],
        },
        // Patterns: an empty one matches everything, so a real one replacing it restricts.
        Case {
            name: "request property gains its first pattern",
            base: &[],
            head: &[("note: {type: string}", "note: {type: string, pattern: '^[a-z]+$'}")],
            id: "request-property-constraint-tightened",
            wire: Breaking,
            rust: PotentiallyBreaking,
            side: Side::Head,
            pointer: p(NEW_ITEM, "/properties/note/pattern"),
            operations: &["create_item"],
        },
        Case {
            name: "request property's empty pattern becomes a real one",
            base: &[("note: {type: string}", "note: {type: string, pattern: ''}")],
            head: &[("note: {type: string}", "note: {type: string, pattern: '^[a-z]+$'}")],
            id: "request-property-constraint-tightened",
            wire: Breaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(NEW_ITEM, "/properties/note/pattern"),
            operations: &["create_item"],
        },
        // Webhooks, compared on the document as written (normalization drops them).
        Case {
            name: "webhook removed",
            base: WEBHOOK,
            head: &[V31],
            id: "webhook-removed",
            wire: Breaking,
            rust: NonBreaking,
            side: Side::Base,
            pointer: "/webhooks/itemCreated".into(),
            operations: &[],
        },
        Case {
            name: "webhook added",
            base: &[V31],
            head: WEBHOOK,
            id: "webhook-added",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: "/webhooks/itemCreated".into(),
            operations: &[],
        },
        // A payload the API sends: a new property is news to subscribers, not a break.
        Case {
            name: "webhook payload gains a property",
            base: HOOK_PAYLOAD,
            head: HOOK_PAYLOAD_GROWN,
            id: "webhook-response-property-added",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: "/webhooks/itemSold/post/requestBody/content/application~1json/schema/properties/price".into(),
            operations: &[""],
        },
        Case {
            name: "webhook payload loses a property",
            base: HOOK_PAYLOAD_GROWN,
            head: HOOK_PAYLOAD,
            id: "webhook-response-optional-property-removed",
            wire: PotentiallyBreaking,
            rust: NonBreaking,
            side: Side::Base,
            pointer: "/webhooks/itemSold/post/requestBody/content/application~1json/schema/properties/price".into(),
            operations: &[""],
        },
        // 3.1 keywords the generator drops, compared on the documents as written.
        Case {
            name: "3.1 `prefixItems` added to a response array",
            base: &[V31],
            head: &[V31, ("maxItems: 10}", "maxItems: 10, prefixItems: [{type: string}]}")],
            id: "response-property-constraint-tightened",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(ITEM, "/properties/tags/prefixItems"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "3.1 `dependentRequired` added to a request body",
            base: &[V31],
            head: &[
                V31,
                (
                    "      required: [name]\n",
                    "      required: [name]\n      dependentRequired: {note: [kind]}\n",
                ),
            ],
            id: "request-body-constraint-tightened",
            wire: Breaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(NEW_ITEM, "/dependentRequired"),
            operations: &["create_item"],
        },
        Case {
            name: "3.1 `dependentRequired` dropped from a request body",
            base: &[
                V31,
                (
                    "      required: [name]\n",
                    "      required: [name]\n      dependentRequired: {note: [kind]}\n",
                ),
            ],
            head: &[V31],
            id: "request-body-constraint-loosened",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Base,
            pointer: p(NEW_ITEM, "/dependentRequired"),
            operations: &["create_item"],
        },
        Case {
            name: "3.1 `if` edited in a request property",
            base: &[
                V31,
                (
                    "note: {type: string}",
                    "note: {type: string, if: {minLength: 3}, then: {pattern: '^a'}}",
                ),
            ],
            head: &[
                V31,
                (
                    "note: {type: string}",
                    "note: {type: string, if: {minLength: 4}, then: {pattern: '^a'}}",
                ),
            ],
            id: "request-property-assertion-changed",
            wire: PotentiallyBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(NEW_ITEM, "/properties/note/if"),
            operations: &["create_item"],
        },
        Case {
            name: "3.1 `minContains` raised in a response",
            base: &[
                V31,
                ("maxItems: 10}", "maxItems: 10, contains: {const: a}, minContains: 1}"),
            ],
            head: &[
                V31,
                ("maxItems: 10}", "maxItems: 10, contains: {const: a}, minContains: 2}"),
            ],
            id: "response-property-constraint-tightened",
            wire: NonBreaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(ITEM, "/properties/tags/minContains"),
            operations: &["get_item", "create_item"],
        },
        Case {
            name: "`not` added to a request property",
            base: &[],
            head: &[("note: {type: string}", "note: {type: string, not: {enum: [admin]}}")],
            id: "request-property-constraint-tightened",
            wire: Breaking,
            rust: NonBreaking,
            side: Side::Head,
            pointer: p(NEW_ITEM, "/properties/note/not"),
            operations: &["create_item"],
        },
    ]
}

/// Pairs whose edit is reported as several changes; the case's change must be among them,
/// with `total` changes in all.
fn cases_among() -> Vec<(Case, usize)> {
    let p = |base: &str, tail: &str| format!("{base}{tail}");
    vec![
        // An object rewritten into a union of objects: what the variants together no longer
        // promise is reported beside the union itself.
        (
            Case {
                name: "union keeps no variant with `created`",
                base: &[],
                head: &[
                    (ITEM_OBJECT, ITEM_UNION_SAME),
                    ("            created: {type: string, format: date-time}\n", ""),
                    ("            created: {type: string, format: date-time}\n", ""),
                ],
                id: "response-optional-property-removed",
                wire: PotentiallyBreaking,
                rust: Breaking,
                side: Side::Base,
                pointer: p(ITEM, "/properties/created"),
                operations: &["get_item", "create_item"],
            },
            2,
        ),
        (
            Case {
                name: "union with a variant that does not require `name`",
                base: &[],
                head: &[
                    (ITEM_OBJECT, ITEM_UNION_SAME),
                    (
                        "          required: [id, name]\n          properties:\n            id: {type: string}\n            name: {type: string, maxLength: 64}\n            created",
                        "          required: [id]\n          properties:\n            id: {type: string}\n            name: {type: string, maxLength: 64}\n            created",
                    ),
                ],
                id: "response-property-became-optional",
                wire: Breaking,
                rust: Breaking,
                side: Side::Head,
                pointer: p(ITEM, "/anyOf"),
                operations: &["get_item", "create_item"],
            },
            2,
        ),
        (
            Case {
                name: "union whose `status` has no enum",
                base: &[],
                head: &[
                    (ITEM_OBJECT, ITEM_UNION_SAME),
                    (
                        "status: {type: string, enum: [active, archived]}",
                        "status: {type: string}",
                    ),
                ],
                id: "response-property-became-not-enum",
                wire: PotentiallyBreaking,
                rust: Breaking,
                side: Side::Head,
                pointer: p(ITEM, "/anyOf/0/properties/status"),
                operations: &["get_item", "create_item"],
            },
            2,
        ),
        // Security: dropping a scope relaxes the requirement, adding one tightens it.
        (
            Case {
                name: "a scope dropped from a requirement",
                base: OAUTH_TWO_SCOPES,
                head: OAUTH_ONE_SCOPE,
                id: "operation-security-removed",
                wire: NonBreaking,
                rust: NonBreaking,
                side: Side::Base,
                pointer: p(GET, "/security"),
                operations: &["get_item"],
            },
            2,
        ),
        (
            Case {
                name: "a scope added to a requirement",
                base: OAUTH_ONE_SCOPE,
                head: OAUTH_TWO_SCOPES,
                id: "operation-security-removed",
                wire: Breaking,
                rust: NonBreaking,
                side: Side::Base,
                pointer: p(GET, "/security"),
                operations: &["get_item"],
            },
            2,
        ),
    ]
}

fn methods(change: &Change) -> Vec<String> {
    change
        .operations
        .iter()
        .map(|op| op.rust_method.clone().unwrap_or_default())
        .collect()
}

#[test]
fn each_check_reports_one_change_with_its_id_verdicts_and_location() {
    let mut failures = Vec::new();
    let cases = cases();
    for case in &cases {
        let report = diff_texts(&edit(case.base, case.name), &edit(case.head, case.name));
        let ids: Vec<&str> = report.changes.iter().map(|c| c.id.as_str()).collect();
        let [change] = report.changes.as_slice() else {
            failures.push(format!("{}: expected only `{}`, got {ids:?}", case.name, case.id));
            continue;
        };
        let got = (
            change.id.as_str(),
            change.wire,
            change.rust,
            change.side,
            change.pointer.as_str(),
            methods(change),
        );
        let want = (
            case.id,
            case.wire,
            case.rust,
            case.side,
            case.pointer.as_str(),
            case.operations.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        );
        if got != want {
            failures.push(format!("{}:\n   got {got:?}\n  want {want:?}", case.name));
        }
        assert!(!change.message.is_empty(), "{}: no message", case.name);
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn each_check_is_among_the_changes_of_its_pair() {
    let mut failures = Vec::new();
    let cases = cases_among();
    for (case, total) in &cases {
        let report = diff_texts(&edit(case.base, case.name), &edit(case.head, case.name));
        let all: Vec<String> = report
            .changes
            .iter()
            .map(|c| format!("{} {:?}/{:?} {}", c.id, c.wire, c.rust, c.pointer))
            .collect();
        if report.changes.len() != *total {
            failures.push(format!("{}: expected {total} changes, got {all:?}", case.name));
            continue;
        }
        let found = report.changes.iter().any(|change| {
            (
                change.id.as_str(),
                change.wire,
                change.rust,
                change.side,
                change.pointer.as_str(),
                methods(change),
            ) == (
                case.id,
                case.wire,
                case.rust,
                case.side,
                case.pointer.as_str(),
                case.operations.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            )
        });
        if !found {
            failures.push(format!("{}: no `{}` as expected in {all:?}", case.name, case.id));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn constraints_that_cannot_apply_to_the_type_change_nothing() {
    for (name, from, to) in [
        (
            "maxItems on a string",
            "name: {type: string, maxLength: 64}",
            "name: {type: string, maxLength: 64, maxItems: 3}",
        ),
        ("maximum on an array", "maxItems: 10}", "maxItems: 10, maximum: 4}"),
        (
            "minLength on an integer",
            "count: {type: integer, minimum: 0}",
            "count: {type: integer, minimum: 0, minLength: 2}",
        ),
        (
            "pattern on an object body",
            "    NewItem:\n      type: object\n",
            "    NewItem:\n      type: object\n      pattern: '^a'\n",
        ),
    ] {
        let edits = [(from, to)];
        let report = diff_texts(TEMPLATE, &edit(&edits, name));
        assert!(report.changes.is_empty(), "{name}: {:?}", report.changes);
    }
    // The same keyword where it applies is reported.
    let report = diff_texts(
        TEMPLATE,
        &edit(&[("maxItems: 10}", "maxItems: 5}")], "maxItems on an array"),
    );
    assert_eq!(report.changes.len(), 1);
}

#[test]
fn messages_name_the_property_by_its_path() {
    let nested = |head: Edits| {
        let report = diff_texts(TEMPLATE, &edit(head, "path"));
        report
            .changes
            .iter()
            .map(|c| (c.message.clone(), c.path.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        nested(&[("items: {type: string}", "items: {type: string, nullable: true}")]),
        [(
            "response property `tags[]` may now be null".to_owned(),
            Some("tags[]".to_owned())
        )]
    );
    assert_eq!(
        nested(&[("maximum: 100", "maximum: 50")]),
        [(
            "query parameter `limit`: maximum changed from 100 to 50".to_owned(),
            None
        )]
    );
    // A property of a property, through an array, in a response.
    let deep = edit(
        &[(
            "tags: {type: array, items: {type: string}, maxItems: 10}",
            "tags: {type: array, items: {type: object, properties: {label: {type: string}}}}",
        )],
        "deep",
    );
    let deeper = deep.replacen("label: {type: string}", "label: {type: integer}", 1);
    let report = diff_texts(&deep, &deeper);
    let [change] = report.changes.as_slice() else {
        panic!("{:?}", report.changes);
    };
    assert_eq!(
        change.message,
        "response property `tags[].label` changed type from string to integer"
    );
}

#[test]
fn locations_give_the_line_and_column_in_the_source() {
    let line_of = |needle: &str| {
        TEMPLATE
            .lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .expect("in the template")
    };
    let report = diff_texts(TEMPLATE, &edit(STATUS_ENUM_DELETED, "status"));
    let at = report.changes[0].location.expect("a location");
    // `enum` is written inline: the nearest written node is the property itself.
    assert_eq!((at.line, at.column), (line_of("        status: {type: string"), 9));
    // A removed operation is in the base: `/health` was inserted where `/items` is.
    let report = diff_texts(&edit(ADD_HEALTH, "health"), TEMPLATE);
    let at = report.changes[0].location.expect("a location");
    assert_eq!((at.line, at.column), (line_of("  /items:") + 1, 5));
}

#[test]
fn the_level_is_the_worse_of_the_two_verdicts() {
    for case in cases() {
        let report = diff_texts(&edit(case.base, case.name), &edit(case.head, case.name));
        for change in &report.changes {
            assert_eq!(change.level(), change.wire.max(change.rust), "{}", case.name);
        }
    }
}

#[test]
fn operations_show_method_path_and_rust_name() {
    let report = diff_texts(TEMPLATE, &edit(&[("tags: [items]", "tags: [catalogue]")], "tags"));
    let op = report.changes[0].operations.iter().next().expect("an operation");
    assert_eq!(op.to_string(), "GET /items/{id} (get_item)");
}

#[test]
fn semver_follows_the_worst_crate_verdict() {
    let bump = |base: Edits, head: Edits| diff_texts(&edit(base, "semver"), &edit(head, "semver")).semver();
    assert_eq!(bump(&[], &[]), Semver::None);
    // Wire-only: the Rust API is unchanged.
    assert_eq!(bump(&[], LIMIT_MAX_50), Semver::Patch);
    assert_eq!(bump(&[], SECOND_SERVER), Semver::Patch);
    // New API.
    assert_eq!(bump(&[], ADD_HEALTH), Semver::Minor);
    assert_eq!(bump(&[], ADD_PAGE), Semver::Minor);
    // Breaks code using the crate.
    assert_eq!(bump(&[], STATUS_ENUM_DELETED), Semver::Major);
    assert_eq!(bump(ADD_HEALTH, &[]), Semver::Major);
}

#[test]
fn an_overlay_that_keeps_the_rust_name_absorbs_an_upstream_rename() {
    let overlay = "overlay: 1.0.0\ninfo: {title: names, version: '1'}\nactions:\n  - target: $.paths['/items/{id}'].get\n    update:\n      operationId: get_item\n";
    let overlay = generator::Source::new("overlay.yaml", overlay.as_bytes());
    let load = |text: &str| {
        generator::prepare(&generator::Source::new("spec.yaml", text.as_bytes()), Some(&overlay))
            .expect("loads")
            .value
    };
    let renamed = edit(&[("operationId: getItem", "operationId: fetchItemById")], "overlay");
    assert!(spec_diff::diff(&load(TEMPLATE), &load(&renamed)).changes.is_empty());
    // Without the overlay the same pair renames the Rust method.
    let report = diff_texts(TEMPLATE, &renamed);
    assert_eq!(report.changes.len(), 1);
    assert_eq!(report.changes[0].rust, Breaking);
}

#[test]
fn a_spec_compared_with_itself_has_no_changes_even_as_json() {
    let yaml = generator::prepare(&generator::Source::new("t.yaml", TEMPLATE.as_bytes()), None)
        .expect("loads")
        .value;
    let json = serde_json::to_string(&yaml).expect("serializes");
    let from_json = generator::prepare(&generator::Source::new("t.json", json.as_bytes()), None)
        .expect("loads")
        .value;
    assert!(spec_diff::diff(&yaml, &yaml).changes.is_empty());
    assert!(spec_diff::diff(&yaml, &from_json).changes.is_empty());
}

#[test]
fn recursive_schemas_terminate() {
    let base = edit(
        &[(
            "        id: {type: string}\n",
            "        id: {type: string}\n        parent: {$ref: '#/components/schemas/Item'}\n",
        )],
        "recursive",
    );
    let head = edit(
        &[(
            "        id: {type: string}\n",
            "        id: {type: integer}\n        parent: {$ref: '#/components/schemas/Item'}\n",
        )],
        "recursive",
    );
    let report = diff_texts(&base, &head);
    let ids: Vec<&str> = report.changes.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["response-property-type-changed"]);
}

/// Schema ids are documented as `*-suffix` rows under one of these prefixes.
const SCHEMA_PREFIXES: [&str; 5] = [
    "request-parameter-",
    "request-body-",
    "request-property-",
    "response-body-",
    "response-property-",
];

#[test]
fn every_id_the_checks_emit_is_documented() {
    let readme = include_str!("../README.md");
    let documented = |id: &str| {
        let id = match id.strip_prefix("webhook-response-") {
            Some(rest) => {
                assert!(
                    readme.contains("| `webhook-response-*` |"),
                    "webhook payload ids undocumented"
                );
                return SCHEMA_PREFIXES.iter().any(|p| {
                    format!("response-{rest}")
                        .strip_prefix(p)
                        .is_some_and(|suffix| readme.contains(&format!("| `*-{suffix}` |")))
                }) || readme.contains(&format!("| `response-{rest}` |"));
            }
            None => id,
        };
        readme.contains(&format!("| `{id}` |"))
            || SCHEMA_PREFIXES.iter().any(|prefix| {
                id.strip_prefix(prefix)
                    .is_some_and(|suffix| readme.contains(&format!("| `*-{suffix}` |")))
            })
    };
    for case in cases()
        .into_iter()
        .chain(cases_among().into_iter().map(|(case, _)| case))
    {
        let report = diff_texts(&edit(case.base, case.name), &edit(case.head, case.name));
        for change in &report.changes {
            assert!(documented(&change.id), "`{}` is not in spec-diff/README.md", change.id);
        }
    }
}

#[test]
fn changes_in_mutually_recursive_components_reach_every_operation() {
    // Both components sit at property level, so comparing B from /a meets A again while A is
    // still being compared: B's partial result must not be replayed for /b.
    let spec = |name_type: &str| {
        format!(
            "openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /a:
    get:
      operationId: getA
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                properties:
                  a: {{$ref: '#/components/schemas/A'}}
  /b:
    get:
      operationId: getB
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                properties:
                  b: {{$ref: '#/components/schemas/B'}}
components:
  schemas:
    A:
      type: object
      properties:
        name: {{type: {name_type}}}
        child: {{$ref: '#/components/schemas/B'}}
    B:
      type: object
      properties:
        parent: {{$ref: '#/components/schemas/A'}}
"
        )
    };
    let report = diff_texts(&spec("string"), &spec("integer"));
    let [change] = report.changes.as_slice() else {
        panic!("{:?}", report.changes);
    };
    assert_eq!(change.pointer, "/components/schemas/A/properties/name/type");
    assert_eq!(methods(change), ["get_a", "get_b"]);
}
