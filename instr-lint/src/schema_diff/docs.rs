//! `docs/diff.md`, generated: the prose around the tables is written here, the tables of
//! change codes come from `ChangeCode`, so the page says what the code does. A test keeps
//! the committed file equal to [`markdown`] (`INSTR_BLESS=1` rewrites it).

use std::fmt::Write as _;

use instr_schema::model::ITEM_KINDS;

use super::change::{ChangeCode, Impact};

/// The page up to the tables.
const INTRO: &str = r#"# `cargo instr-check diff`

```sh
cargo instr-check diff --base origin/main                    # for the terminal
cargo instr-check diff --base origin/main --format markdown  # for a pull-request comment
cargo instr-check diff --base origin/main --format json      # for tools
```

`diff` reads every schema the workspace uses (with its `include`s) at the base revision through
git (`git cat-file`, nothing is checked out), compares it item by item with the working tree,
and says what each change means for the dashboards, alerts, queries and event consumers that
rely on the schema. It exits with **1** when a breaking change is neither announced nor
acknowledged, **0** otherwise, and **2** when it cannot run (not a git repository, an unknown
revision, a base schema with errors). A working-tree schema with errors is refused with exit
code 1: fix what `cargo instr-check` reports first.

A schema file that does not exist at the base is new: every item in it is an additive change.

"#;

/// The page between the tables and the JSON field `changes[].change`.
const MIDDLE: &str = r#"**Renames.** A metric removed and another added with the same kind, unit, labels, buckets and
description is reported as one rename (and an event with the same properties and
description), not as a removal plus an addition; references to it in features and objectives
are followed through the rename, so they do not show up as changes of their own.

**Dependents.** Each change names what relied on the item in the base schema: the features
that use the metric or event (as success or guardrail metric, or in an objective), the
objectives that read it, the generated burn-rate alerts of those objectives (see
[slo.md](slo.md)), and for a label, the metrics and events that carry it.

## Landing a breaking change

A breaking change does not fail the command when

- it is **announced**: the base schema already had the metric marked `stability =
  "deprecated"` with a `deprecated` text naming its replacement (the usual path: deprecate in
  one pull request, remove in a later one), or `stability = "experimental"` (which promises
  nothing); or
- it is **acknowledged** in the configuration, by `kind:name` key:

  ```toml
  [workspace.metadata.instr]
  acknowledged-breaking = ["metric:checkout_attempts_total", "objective:checkout/latency"]
  ```

  Kinds are `metric`, `event`, `label`, `feature`, `objective` (named `feature/objective`) and
  `owner`. An entry that matches no change is pointed out so it can be removed once the change
  has landed. An unknown kind is a configuration error (exit code 2).

## `--format markdown`

Ready to post as a pull-request comment or to append to `$GITHUB_STEP_SUMMARY` (see
[ci.md](ci.md)). For a pull request that renames a metric of the example shop and adds a
label value:

```markdown
## instr: schema changes against `main`

:x: **1 breaking change needs attention** · 0 allowed · 1 additive change

### `examples/shop/instr.toml`

| | Change | Affects |
|---|---|---|
| :x: **breaking** | metric `checkout_attempts_total` renamed to `checkout_outcomes_total` | feature `checkout`, objective `checkout/availability`, alert `CheckoutAvailabilityErrorBudgetBurn` |
| :heavy_plus_sign: additive | label `search_result` gained value `partial` | metric `catalog_searches_total`, feature `catalog` |

<details><summary>How to land a breaking change</summary>
...
</details>
```

## `--format json`

One document on stdout. The shape is stable: fields are only ever added, and `version`
changes if that promise is ever broken.

```json
{
  "version": 1,
  "base": "main",
  "base_commit": "3a85230c1d1f0e6a4b1f3d2c9e8f7a6b5c4d3e2f",
  "schemas": [
    {
      "path": "examples/shop/instr.toml",
      "new_at_head": false,
      "changes": [
        {
          "key": "metric:checkout_attempts_total",
          "kind": "metric",
          "name": "checkout_attempts_total",
          "change": "renamed",
          "impact": "breaking",
          "status": "blocking",
          "message": "metric `checkout_attempts_total` renamed to `checkout_outcomes_total`",
          "renamed_to": "checkout_outcomes_total",
          "announced": null,
          "dependents": {
            "metrics": [],
            "events": [],
            "features": ["checkout"],
            "objectives": ["checkout/availability"],
            "alerts": ["CheckoutAvailabilityErrorBudgetBurn"]
          }
        }
      ]
    }
  ],
  "unused_acknowledgements": [],
  "summary": { "breaking": 1, "blocking": 1, "additive": 0 }
}
```

| Field | Type | Meaning |
|---|---|---|
| `version` | integer | The version of this document's shape: `1`. |
| `base`, `base_commit` | string | The revision as given, and the full commit id it resolved to. |
| `schemas` | array | One entry per schema file the workspace uses. |
| `schemas[].path` | string | The root schema file, relative to the workspace root, `/`-separated. |
| `schemas[].new_at_head` | boolean | The file does not exist at the base: every change is an addition. |
| `schemas[].changes` | array | Breaking changes first, then by item and change. |
| `changes[].key` | string | `kind:name`, as `acknowledged-breaking` names the change. |
| `changes[].kind` | string | `metric`, `event`, `label`, `feature`, `objective` or `owner`. |
| `changes[].name` | string | The item's name (`feature/objective` for an objective); for a rename, the old name. |
"#;

/// The rest of the page.
const END: &str = r#"| `changes[].impact` | `"breaking"` \| `"additive"` | See the table above. |
| `changes[].status` | string | `blocking` (fails the command), `announced`, `acknowledged` or `additive`. |
| `changes[].message` | string | One sentence for people. |
| `changes[].renamed_to` | string \| null | For a rename, the new name. |
| `changes[].announced` | string \| null | Why the base announced the change (deprecated with a replacement, or experimental). |
| `changes[].dependents` | object | What relied on the item in the base: `metrics`, `events`, `features`, `objectives` (`feature/objective`) and `alerts` (generated alert names), each a sorted array. |
| `unused_acknowledgements` | array of strings | `acknowledged-breaking` entries that match no change. |
| `summary.breaking`, `summary.blocking`, `summary.additive` | integer | Counts; the exit code is 1 exactly when `blocking` is not 0. |
"#;

/// The whole of `docs/diff.md`.
pub fn markdown() -> String {
    let mut out = String::from(INTRO);
    out.push_str("## What is breaking\n\n| Item | Breaking | Additive |\n|---|---|---|\n");
    for kind in ITEM_KINDS {
        let codes = |wanted: Impact| {
            let codes: Vec<String> = ChangeCode::ALL
                .iter()
                .filter(|code| {
                    code.applies_to()
                        .iter()
                        .any(|(applies, impact)| *applies == kind && *impact == wanted)
                })
                .map(|code| format!("`{code}`"))
                .collect();
            if codes.is_empty() {
                "—".to_owned()
            } else {
                codes.join(", ")
            }
        };
        let _ = writeln!(
            out,
            "| {kind} | {} | {} |",
            codes(Impact::Breaking),
            codes(Impact::Additive)
        );
    }
    out.push_str("\n## Change codes\n\n| Code | Meaning | Items (impact) |\n|---|---|---|\n");
    for code in ChangeCode::ALL {
        let items: Vec<String> = code
            .applies_to()
            .iter()
            .map(|(kind, impact)| format!("{kind} ({})", impact.as_str()))
            .collect();
        let _ = writeln!(
            out,
            "| `{code}` | {} | {} |",
            code.meaning(),
            items.join(", ")
        );
    }
    out.push('\n');
    out.push_str(MIDDLE);
    let codes: Vec<String> = ChangeCode::ALL
        .iter()
        .map(|code| format!("`{code}`"))
        .collect();
    let _ = writeln!(
        out,
        "| `changes[].change` | string | What happened: {}. New codes may be added. |",
        codes.join(", ")
    );
    out.push_str(END);
    out
}
