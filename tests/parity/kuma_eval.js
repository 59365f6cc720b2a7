#!/usr/bin/env node
// Reference evaluator for tests/test_jsonquery_parity.py.
//
// Usage: node kuma_eval.js <resolve-from-dir> < cases.jsonl > verdicts.jsonl
//
// <resolve-from-dir> is the installed uptime-kuma package directory (or the
// npm prefix's node_modules): `jsonata` and `axios` are resolved from there
// with Node's own algorithm, so the script uses exactly the copies the
// server would load.  Each input line is one case; each output line is the
// verdict for it, same order, tagged with the case id.
//
// The surrounding server logic (how res.data is re-parsed, how the result is
// compared) is restated here from reading Uptime Kuma's monitor.js /
// src/util.ts for each line; the body parsing is axios' real code.

"use strict";

const path = require("path");
const readline = require("readline");

const resolveFrom = path.resolve(process.argv[2] || ".");

function load(name) {
    const candidates = [resolveFrom, path.join(resolveFrom, "node_modules")];
    return require(require.resolve(name, { paths: candidates }));
}

const jsonata = load("jsonata");
const axiosDefaults = load("axios/lib/defaults");
const axiosUtils = load("axios/lib/utils");

// What axios leaves in res.data for a text body: the http adapter strips a
// BOM, then the default transformResponse chain runs with no responseType.
function axiosData(text) {
    let data = axiosUtils.stripBOM(text);
    const config = { transitional: axiosDefaults.transitional, responseType: undefined };
    for (const transform of axiosDefaults.transformResponse) {
        data = transform.call(config, data, {});
    }
    return data;
}

// Functions and jsonata's function objects (lambdas, built-ins such as
// $sum) cannot be rendered the same way outside V8 (source text, circular
// structures), so the Python side reports no "returned" text for them.
function isFunctionLike(value) {
    return typeof value === "function" ||
        (value !== null && typeof value === "object" && (value._jsonata_lambda || value._jsonata_function) === true);
}

function kindOf(value) {
    return isFunctionLike(value) ? "function" : null;
}

// 1.23.12+: second JSON.parse unless the header is exactly application/json,
// keeping the string on failure.  2.0.0-dev (and 1.23.0-1.23.11): always
// JSON.parse a string, letting the SyntaxError fail the check.
async function toStringSemantics(c, strict) {
    let data = axiosData(c.body);
    if (typeof data === "string") {
        if (strict) {
            data = JSON.parse(data);
        } else if (c.content_type !== "application/json") {
            try {
                data = JSON.parse(data);
            } catch (_) {
                // keep the string, as the server does
            }
        }
    }
    const result = await jsonata(c.query).evaluate(data);
    const text = result.toString();
    return { up: text === c.expected, returned: String(result), kind: kindOf(result) };
}

const COMPARISONS = {
    ">": "$number($.value) > $number($.expected)",
    ">=": "$number($.value) >= $number($.expected)",
    "<": "$number($.value) < $number($.expected)",
    "<=": "$number($.value) <= $number($.expected)",
    "!=": "$.value != $.expected",
    "==": "$.value = $.expected",
    "contains": "$contains($.value, $.expected)",
};

// 2.x evaluateJsonQuery: JSON.parse on the axios value (which stringifies
// non-strings first), optional query, primitive-only, then the operator
// expression evaluated by jsonata on the two strings.
async function v2Semantics(c) {
    const data = axiosData(c.body);
    let response;
    try {
        response = JSON.parse(data);
    } catch (_) {
        response = (typeof data === "object" || typeof data === "number") ? data : data.toString();
    }
    try {
        response = c.query ? await jsonata(c.query).evaluate(response) : response;
    } catch (e) {
        return { up: false, returned: null, error: "query: " + e.message };
    }
    if (response === null || response === undefined) {
        return { up: false, returned: null, error: "null or undefined" };
    }
    if (Array.isArray(response) || typeof response === "object" || typeof response === "function") {
        const json = isFunctionLike(response) ? undefined : JSON.stringify(response);
        return { up: false, returned: json === undefined ? null : json, error: "not a primitive" };
    }
    const expression = COMPARISONS[c.operator];
    if (expression === undefined) {
        return { up: false, returned: JSON.stringify(response), error: "invalid operator" };
    }
    let status;
    try {
        status = await jsonata(expression).evaluate({ value: response.toString(), expected: c.expected.toString() });
    } catch (e) {
        return { up: false, returned: JSON.stringify(response), error: "compare: " + e.message };
    }
    if (status === undefined) {
        return { up: false, returned: JSON.stringify(response), error: "comparison undefined" };
    }
    return { up: Boolean(status), returned: String(response) };
}

function keyword(c) {
    let data = axiosData(c.body);
    if (typeof data !== "string") {
        data = JSON.stringify(data);
    }
    const found = data.includes(c.keyword);
    let snippet = data.replace(/<[^>]*>?|[\n\r]|\s+/gm, " ").trim();
    if (snippet.length > 50) {
        snippet = snippet.substring(0, 47) + "...";
    }
    return { up: found === !c.invert, returned: snippet };
}

async function evaluate(c) {
    switch (c.kind || "json-query") {
        case "json-query":
            if (c.semantics === "2.x") {
                return v2Semantics(c);
            }
            return toStringSemantics(c, c.semantics === "2.0-dev");
        case "keyword":
            return keyword(c);
        case "tostring":
            // numbers travel as JSON numbers, non-finite ones as strings
            return { returned: String(typeof c.value === "string" ? Number(c.value) : c.value) };
        case "stringify": {
            const parsed = axiosData(c.body);
            return { returned: JSON.stringify(parsed), parsed: typeof parsed !== "string" };
        }
        default:
            throw new Error("unknown case kind " + c.kind);
    }
}

async function main() {
    const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
        if (!line.trim()) {
            continue;
        }
        const c = JSON.parse(line);
        let out;
        try {
            out = await evaluate(c);
        } catch (e) {
            out = { up: false, returned: null, error: String(e && e.message !== undefined ? e.message : e) };
        }
        out.id = c.id;
        process.stdout.write(JSON.stringify(out) + "\n");
    }
}

main().catch((e) => {
    process.stderr.write(String(e && e.stack ? e.stack : e) + "\n");
    process.exit(1);
});
