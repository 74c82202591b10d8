//! Folded policy -> a relocatable object file for the generic x86-64 target
//! (no host-specific CPU features) and the C header for its entry points.

use cranelift_codegen::settings::{self, Configurable};
use cranelift_module::{default_libcall_names, Linkage};
use cranelift_object::{ObjectBuilder, ObjectModule};

use super::emit::{self, EXPORTS};
use super::fold::{Folded, NONE, UNKNOWN_VALUE};
use super::lang::{self, NTy, NotNative, RuleFn};
use super::CodegenError;
use charter_runtime::ir;

/// Each rule of the bundle as compiled into an object file, or why not.
pub type Rules = Vec<Result<RuleFn, NotNative>>;

/// The object file's bytes, and the rules it exports.
pub fn object(folded: &Folded, bundle: &ir::Bundle) -> Result<(Vec<u8>, Rules), CodegenError> {
    let err = |e: &dyn std::fmt::Display| CodegenError(e.to_string());
    let mut flags = settings::builder();
    flags.set("is_pic", "true").map_err(|e| err(&e))?;
    flags.set("opt_level", "speed").map_err(|e| err(&e))?;
    // The generic x86-64 target: no host-specific CPU features.
    let isa = cranelift_codegen::isa::lookup_by_name("x86_64-unknown-linux-gnu")
        .map_err(|e| err(&e))?
        .finish(settings::Flags::new(flags))
        .map_err(|e| err(&e))?;
    let builder = ObjectBuilder::new(isa, "charter_policy", default_libcall_names()).map_err(|e| err(&e))?;
    let mut module = ObjectModule::new(builder);
    #[expect(
        clippy::result_large_err,
        reason = "ModuleError is cranelift's own error, returned at most once per compilation"
    )]
    let rules = |m: &mut ObjectModule, e: &emit::Emitter<'_>| lang::emit(m, e, bundle, Linkage::Export, &[]);
    let (_, language) =
        emit::emit(&mut module, folded, Linkage::Export, rules).map_err(|e| CodegenError(format!("{e:?}")))?;
    let bytes = module.finish().emit().map_err(|e| err(&e))?;
    Ok((bytes, language.rules))
}

/// The C type of a native value as a parameter.
fn c_param(t: NTy) -> &'static str {
    match t {
        NTy::Bool => "uint8_t",
        NTy::Int => "int64_t",
        NTy::Date
        | NTy::Party
        | NTy::Status
        | NTy::MeetingKind
        | NTy::DecisionKind
        | NTy::Group
        | NTy::None
        | NTy::Duration => "int32_t",
        NTy::Meeting => "const struct charter_meeting *",
        NTy::Decision => "const struct charter_decision_value *",
        NTy::Parties => "const uint64_t *",
    }
}

/// The C type `out` points to for a result.
fn c_out(t: NTy) -> &'static str {
    match t {
        NTy::Parties => "uint64_t",
        NTy::Bool
        | NTy::Int
        | NTy::Date
        | NTy::Party
        | NTy::Status
        | NTy::MeetingKind
        | NTy::DecisionKind
        | NTy::Group
        | NTy::None
        | NTy::Duration
        | NTy::Meeting
        | NTy::Decision => "int64_t",
    }
}

fn type_name(t: NTy) -> &'static str {
    match t {
        NTy::Bool => "bool",
        NTy::Int => "int",
        NTy::Date => "date",
        NTy::Party => "party",
        NTy::Status => "status",
        NTy::MeetingKind => "meeting_kind",
        NTy::DecisionKind => "decision_kind",
        NTy::Group => "group",
        NTy::None => "none",
        NTy::Duration => "duration",
        NTy::Parties => "set<party>",
        NTy::Meeting => "meeting",
        NTy::Decision => "decision",
    }
}

/// A native rule's C declaration.
fn rule_signature(bundle: &ir::Bundle, index: usize, rule: &RuleFn) -> String {
    let names = bundle.rules.get(index).map(|r| r.params.as_slice()).unwrap_or_default();
    let mut params: Vec<String> = rule
        .params
        .iter()
        .zip(names)
        .map(|(t, name)| {
            let c = c_param(*t);
            if c.ends_with('*') {
                format!("{c}{name}")
            } else {
                format!("{c} {name}")
            }
        })
        .collect();
    params.push(format!("{} *out", c_out(rule.returns)));
    format!("int32_t charter_rule_{}({})", rule.name, params.join(", "))
}

/// The machine-readable list of what the object file exports: every
/// symbol with its C signature, parameter and result types.
pub fn manifest(bundle: &ir::Bundle, rules: &Rules) -> serde_json::Value {
    let mut functions: Vec<serde_json::Value> = EXPORTS
        .iter()
        .map(|(symbol, c)| serde_json::json!({"symbol": symbol, "kind": "builtin", "c": c}))
        .collect();
    let mut not_native = Vec::new();
    for (index, rule) in rules.iter().enumerate() {
        let name = bundle.rules.get(index).map(|r| r.name.clone()).unwrap_or_default();
        match rule {
            Ok(rule) => {
                let names = bundle.rules.get(index).map(|r| r.params.as_slice()).unwrap_or_default();
                let params: Vec<serde_json::Value> = rule
                    .params
                    .iter()
                    .zip(names)
                    .map(|(t, n)| serde_json::json!({"name": n, "type": type_name(*t), "c_type": c_param(*t)}))
                    .collect();
                functions.push(serde_json::json!({
                    "symbol": format!("charter_rule_{}", rule.name),
                    "kind": "rule",
                    "rule": name,
                    "params": params,
                    "returns": {"type": type_name(rule.returns), "c_type": c_out(rule.returns)},
                    "c": rule_signature(bundle, index, rule),
                }));
            }
            Err(why) => not_native.push(serde_json::json!({"rule": name, "reason": why.to_string()})),
        }
    }
    serde_json::json!({
        "policy": bundle.title,
        "party_words": charter_runtime::tables::words_for(bundle.parties.len()),
        "parties": bundle.parties.iter().map(|p| p.id.clone()).collect::<Vec<_>>(),
        "meeting_kinds": bundle.meeting_kinds,
        "decision_kinds": bundle.decision_kinds,
        "statuses": ir::Status::ALL.iter().map(|s| s.name()).collect::<Vec<_>>(),
        "status_codes": {"ok": lang::OK, "overflow": lang::OVERFLOW, "out_of_range": lang::OUT_OF_RANGE, "malformed": lang::MALFORMED, "unknown": lang::UNKNOWN, "no_value": lang::NO_VALUE},
        "functions": functions,
        "not_native": not_native,
    })
}

/// The C header declaring the object's entry points, with the policy's
/// party and kind indices as constants.
pub fn header(bundle: &ir::Bundle, rules: &Rules) -> String {
    let mut h = String::new();
    let guard = "CHARTER_POLICY_H";
    h.push_str(&format!(
        "/* Generated by `charter build` from the policy \"{}\". Do not edit. */\n",
        bundle.title.replace("*/", "* /")
    ));
    h.push_str(&format!("#ifndef {guard}\n#define {guard}\n\n#include <stdint.h>\n\n"));
    h.push_str("/* Days are counted from 1970-01-01 (day 0). */\n");
    // Written as `(-2147483647 - 1)`: the literal 2147483648 is not an `int`.
    h.push_str(&format!(
        "#define CHARTER_NONE ({} - 1)   /* no chair, no term */\n",
        NONE + 1
    ));
    h.push_str(&format!(
        "/* On a day a record the sources date only by a window leaves the answer\n   open: charter_chair, charter_term_start, charter_term_end and\n   charter_chair_batch give CHARTER_UNKNOWN_VALUE; charter_member and\n   charter_may_attend (and its batch) give CHARTER_UNKNOWN (4), neither 0\n   nor 1; charter_members returns CHARTER_UNKNOWN (else CHARTER_OK, 0);\n   charter_valid and its batches give 2, as for a decision not judged,\n   where the decision is judged differently with the record before the\n   meeting and after it. */\n#define CHARTER_UNKNOWN_VALUE ({})\n",
        UNKNOWN_VALUE
    ));
    h.push_str(&format!(
        "\n/* A set of parties is {words} 64-bit word(s): party i is bit i % 64 of word i / 64. */\n#define CHARTER_PARTY_WORDS {words}\n#define CHARTER_SET_ADD(set, party) ((set)[(party) / 64] |= (uint64_t)1 << ((party) % 64))\n#define CHARTER_SET_HAS(set, party) (((set)[(party) / 64] >> ((party) % 64)) & 1)\n\n",
        words = charter_runtime::tables::words_for(bundle.parties.len())
    ));
    h.push_str("/* Party indices. */\n");
    for (i, p) in bundle.parties.iter().enumerate() {
        h.push_str(&format!("#define CHARTER_PARTY_{} {i}\n", c_name(&p.id)));
    }
    h.push_str("\n/* Meeting kinds. */\n");
    for (i, k) in bundle.meeting_kinds.iter().enumerate() {
        h.push_str(&format!("#define CHARTER_MEETING_{} {i}\n", c_name(k)));
    }
    h.push_str("\n/* Decision kinds. */\n");
    for (i, k) in bundle.decision_kinds.iter().enumerate() {
        h.push_str(&format!("#define CHARTER_DECISION_{} {i}\n", c_name(k)));
    }
    h.push_str(
        "\n/* A decision taken at a meeting. */\nstruct charter_decision {\n    uint32_t kind;          /* CHARTER_DECISION_* */\n    uint32_t meeting_kind;  /* CHARTER_MEETING_* */\n    int32_t date;           /* the meeting's day */\n    uint32_t reserved;      /* zero */\n    uint64_t present[CHARTER_PARTY_WORDS];     /* parties present */\n    uint64_t objections[CHARTER_PARTY_WORDS];  /* parties formally objecting */\n};\n\n/* charter_valid returns, and the batch functions write, 1 (valid), 0 (not\n   valid) or 2 (not judged: the text states no decision rule and the\n   votes do not settle it under every rule). */\n\n/* A party and a meeting day, for charter_may_attend_batch. */\nstruct charter_attendance {\n    uint32_t party;\n    int32_t day;\n};\n\n",
    );
    for (_, signature) in EXPORTS {
        h.push_str(signature);
        h.push_str(";\n");
    }
    h.push_str(&format!(
        "\n/* Statuses, as a rule returns them (CHARTER_STATUS_* in order: {}). */\n",
        ir::Status::ALL.iter().map(|s| s.name()).collect::<Vec<_>>().join(", ")
    ));
    for (i, s) in ir::Status::ALL.iter().enumerate() {
        h.push_str(&format!("#define CHARTER_STATUS_{} {i}\n", c_name(s.name())));
    }
    h.push_str(&format!(
        "\n/* A meeting and a decision as rules take them. `record` is the index of\n   the recorded meeting or decision, or -1; `host` is CHARTER_NONE when\n   there is none. */\nstruct charter_meeting {{\n    int32_t kind;\n    int32_t date;\n    int32_t host;\n    int32_t record;\n    uint64_t present[CHARTER_PARTY_WORDS];\n    uint64_t observers[CHARTER_PARTY_WORDS];\n}};\n\nstruct charter_decision_value {{\n    int32_t kind;\n    int32_t record;\n    struct charter_meeting meeting;\n    uint64_t objections[CHARTER_PARTY_WORDS];\n    uint64_t reservations[CHARTER_PARTY_WORDS];\n    uint64_t subjects[CHARTER_PARTY_WORDS];\n}};\n\n/* The policy's rules. Each returns CHARTER_OK or the error the interpreter\n   would raise, and writes its value to *out widened to 64 bits (none is\n   CHARTER_NONE for a party, date or status, INT64_MIN for an integer; a\n   set is CHARTER_PARTY_WORDS words and a none flag). */\n#define CHARTER_OK {}\n#define CHARTER_OVERFLOW {}\n#define CHARTER_OUT_OF_RANGE {}\n#define CHARTER_MALFORMED {}\n/* The answer depends on a fact not recorded (who was present at a\n   recorded meeting, a day a record is dated by a window): not an error,\n   an answer of its own. */\n#define CHARTER_UNKNOWN {}\n/* A value was none where one is needed (compared by order, multiplied,\n   negated, or a meeting's date): term_start(d) before the first term. */\n#define CHARTER_NO_VALUE {}\n",
        lang::OK,
        lang::OVERFLOW,
        lang::OUT_OF_RANGE,
        lang::MALFORMED,
        lang::UNKNOWN,
        lang::NO_VALUE
    ));
    for (index, rule) in rules.iter().enumerate() {
        match rule {
            Ok(rule) => {
                h.push_str(&rule_signature(bundle, index, rule));
                h.push_str(";\n");
            }
            Err(why) => {
                let name = bundle.rules.get(index).map(|r| r.name.as_str()).unwrap_or_default();
                h.push_str(&format!(
                    "/* {name}: not native ({}) */\n",
                    why.to_string().replace("*/", "* /")
                ));
            }
        }
    }
    h.push_str(&format!("\n#endif /* {guard} */\n"));
    h
}

fn c_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}
