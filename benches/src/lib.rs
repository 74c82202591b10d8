//! The benchmark workloads and engines, shared by the `charter-bench`
//! program (one JSON table from one run) and the criterion benches.
//!
//! Every engine answers the same questions about the Almaty policy with its
//! history: Charter's JIT (batch entry points), Charter's interpreter, plain
//! hand-written Rust (the limit), and the W2/W3 rules written idiomatically
//! in Cedar and Rego. Before anything is timed, each engine's answers are
//! checked against the interpreter's.

use std::path::PathBuf;
#[cfg(feature = "peers")]
use std::str::FromStr;

use charter::ir::{self, Day};
use charter::native::{Attendance, DecisionRecord};
use charter::{date, Interpreter};

/// A small deterministic generator (xorshift64*), so every run times the
/// same inputs.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn day_between(&mut self, from: Day, to: Day) -> Day {
        from + self.below((to - from) as u64 + 1) as Day
    }
}

pub fn policy_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../policies/almaty")
}

fn day(text: &str) -> Day {
    date::parse(text).unwrap_or_default()
}

/// The Almaty policy, a program answering natively, with the indices the
/// engines need.
pub struct Almaty {
    pub program: charter::Program,
    pub meeting_kinds: Vec<String>,
    pub decision_kinds: Vec<String>,
    pub party_ids: Vec<String>,
}

impl Almaty {
    pub fn load() -> Result<Almaty, String> {
        let program = charter::load(policy_dir())
            .map_err(|e| e.to_string())?
            .with_backend(charter::Backend::Native);
        if let Err(why) = program.native() {
            return Err(format!("the Almaty policy did not compile to native code: {why}"));
        }
        let bundle = program.bundle();
        Ok(Almaty {
            meeting_kinds: bundle.meeting_kinds.clone(),
            decision_kinds: bundle.decision_kinds.clone(),
            party_ids: bundle.parties.iter().map(|p| p.id.clone()).collect(),
            program,
        })
    }

    pub fn bundle(&self) -> &ir::Bundle {
        self.program.bundle()
    }

    pub fn interpreter(&self) -> Interpreter<'_> {
        Interpreter::new(self.bundle())
    }

    /// The native code (`load` refuses a policy without it).
    pub fn native(&self) -> Option<&charter::native::NativeCode> {
        self.program.native().ok().map(|jit| jit.native())
    }

    fn kind(names: &[String], name: &str) -> u32 {
        names.iter().position(|n| n == name).unwrap_or_default() as u32
    }
}

// ------------------------------------------------------------------ inputs

/// W1: days between 2013 and 2100.
pub fn w1_days(n: usize, rng: &mut Rng) -> Vec<Day> {
    let (from, to) = (day("2013-01-01"), day("2100-12-31"));
    (0..n).map(|_| rng.day_between(from, to)).collect()
}

/// W2: decisions with random dates 2013-2040, meeting kinds, present and
/// objecting subsets of all parties, and kinds (amendments included).
pub fn w2_decisions(a: &Almaty, n: usize, rng: &mut Rng) -> Vec<ir::Decision> {
    let (from, to) = (day("2013-01-01"), day("2040-12-31"));
    let parties = a.party_ids.len() as u64;
    let kinds = ["ordinary", "amendment", "admission", "election"].map(|k| Almaty::kind(&a.decision_kinds, k));
    let set = |mask: u64| (0..parties as u32).filter(|p| mask & (1 << p) != 0).collect::<Vec<_>>();
    (0..n)
        .map(|_| {
            let present = rng.next_u64() & ((1 << parties) - 1);
            // Objections are rarer than presence: about one party in eight.
            let objections = rng.next_u64() & rng.next_u64() & rng.next_u64() & ((1 << parties) - 1);
            ir::Decision {
                kind: kinds[rng.below(kinds.len() as u64) as usize],
                meeting: ir::Meeting {
                    id: None,
                    kind: rng.below(a.meeting_kinds.len() as u64) as u32,
                    date: rng.day_between(from, to),
                    host: None,
                    present: set(present),
                    observers: vec![],
                },
                objections: set(objections),
                reservations: vec![],
                subjects: vec![],
                invited_to: None,
            }
        })
        .collect()
}

/// W3: (party, meeting day) pairs over all parties, 2013-2040.
pub fn w3_pairs(a: &Almaty, n: usize, rng: &mut Rng) -> Vec<Attendance> {
    let (from, to) = (day("2013-01-01"), day("2040-12-31"));
    (0..n)
        .map(|_| Attendance {
            party: rng.below(a.party_ids.len() as u64) as u32,
            day: rng.day_between(from, to),
        })
        .collect()
}

/// The decisions as native code reads them (the Almaty policy has one
/// word per set of parties).
pub fn records(a: &Almaty, decisions: &[ir::Decision]) -> Vec<DecisionRecord> {
    decisions
        .iter()
        .filter_map(|d| a.program.native().ok().and_then(|j| j.record(d)))
        .filter_map(|words| DecisionRecord::from_words(&words))
        .collect()
}

/// Records laid end to end as the `u64` words of the batch entry point.
pub fn words(records: &[DecisionRecord]) -> Vec<u64> {
    records.iter().flat_map(DecisionRecord::words).collect()
}

pub fn meeting(d: Day) -> ir::Meeting {
    ir::Meeting {
        id: None,
        kind: 0,
        date: d,
        host: None,
        present: vec![],
        observers: vec![],
    }
}

// ------------------------------------------------------------------ engines: Charter

pub fn interp_chair(i: &Interpreter<'_>, d: Day) -> i32 {
    match i.term_at(d) {
        Ok(Some(t)) => t.chair.map_or(charter::native::NONE, |c| c as i32),
        _ => charter::native::NONE,
    }
}

// ------------------------------------------------------------------ engine: hand-written Rust

/// What a programmer would write by hand for these three questions about
/// the Almaty modalities and their recorded history: day numbers, `u64`
/// masks, the rotation order as a constant table and term arithmetic on the
/// calendar year. The two states in brackets, Iran and Pakistan, broke the
/// silence procedure (as the recorded history has it) and are observers:
/// they attend, but are never members and take no turn.
pub struct Handwritten {
    /// The start of each term from the first to the calendar's end, and
    /// who chairs it: `chair` is one search of this table.
    term_starts: Vec<Day>,
    term_chairs: Vec<i32>,
    adopted: Day,
    first_term: Day,
    founders: u64,
    attend_from_adoption: u64,
    order: [i32; 6],
    amendment: u32,
    ministerial: u32,
}

impl Handwritten {
    pub fn new(a: &Almaty) -> Handwritten {
        let bit = |id: &str| a.party_ids.iter().position(|p| p == id).map_or(0, |i| 1u64 << i);
        let index = |id: &str| a.party_ids.iter().position(|p| p == id).map_or(-1, |i| i as i32);
        let order = ["KAZ", "KGZ", "TJK", "TUR", "AFG", "AZE"].map(index);
        let first_term = day("2013-08-31");
        let two_years = charter::ir::Duration {
            amount: 2,
            unit: charter::ir::Unit::Years,
        };
        let mut term_starts = Vec::new();
        let mut term_chairs = Vec::new();
        while let Some(start) = charter::date::add(first_term, two_years, term_starts.len() as i64) {
            if start > charter::date::LAST {
                break;
            }
            term_chairs.push(order[term_starts.len() % order.len()]);
            term_starts.push(start);
        }
        Handwritten {
            term_starts,
            term_chairs,
            adopted: day("2013-06-05"),
            first_term: day("2013-08-31"),
            founders: ["KAZ", "KGZ", "TJK", "AFG", "AZE", "TUR"]
                .iter()
                .map(|p| bit(p))
                .fold(0, |m, b| m | b),
            attend_from_adoption: ["KAZ", "KGZ", "TJK", "AFG", "AZE", "TUR", "IRN", "PAK"]
                .iter()
                .map(|p| bit(p))
                .fold(0, |m, b| m | b),
            order,
            amendment: Almaty::kind(&a.decision_kinds, "amendment"),
            ministerial: Almaty::kind(&a.meeting_kinds, "ministerial"),
        }
    }

    #[inline]
    fn members(&self, d: Day) -> u64 {
        if d >= self.adopted {
            self.founders
        } else {
            0
        }
    }

    /// The chair from a table of term boundaries: no two-year term is
    /// longer than 731 days, so `days since the first term / 731` is the
    /// term's index or one short of it, and one comparison settles which.
    #[inline]
    pub fn chair(&self, d: Day) -> i32 {
        let since = d - self.first_term;
        if since < 0 {
            return charter::native::NONE;
        }
        let mut i = (since / 731) as usize;
        if self.term_starts.get(i + 1).is_some_and(|next| *next <= d) {
            i += 1;
        }
        self.term_chairs.get(i).copied().unwrap_or(charter::native::NONE)
    }

    /// Two-year terms from 31 August 2013 in a fixed order of the six
    /// members, by calendar arithmetic on each call.
    #[inline]
    pub fn chair_calendar(&self, d: Day) -> i32 {
        if d < self.first_term {
            return charter::native::NONE;
        }
        let (y, m, dd) = civil_from_days(d);
        let years = y - 2013 - i32::from((m, dd) < (8, 31));
        self.order[((years / 2) % 6) as usize]
    }

    #[inline]
    pub fn valid(&self, r: &DecisionRecord) -> bool {
        let present_members = r.present & self.members(r.date);
        let kind_ok = r.kind != self.amendment || r.meeting_kind == self.ministerial;
        kind_ok & (r.objections & present_members == 0)
    }

    #[inline]
    pub fn may_attend(&self, p: &Attendance) -> bool {
        let attending = if p.day >= self.adopted {
            self.attend_from_adoption
        } else {
            0
        };
        p.party < 64 && attending & (1u64 << p.party) != 0
    }
}

/// Howard Hinnant's days-to-civil conversion.
#[inline]
fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i32 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

// ------------------------------------------------------------------ engine: Cedar

#[cfg(feature = "peers")]
/// The W2 and W3 rules in Cedar. Cedar has no quantifiers: membership on a
/// date is a date comparison per state, and "no member present objects" is
/// one conjunct per state that could be a member.
pub struct Cedar {
    pub policies: cedar_policy::PolicySet,
    pub entities: cedar_policy::Entities,
    pub authorizer: cedar_policy::Authorizer,
}

#[cfg(feature = "peers")]
impl Cedar {
    pub fn new() -> Result<Cedar, String> {
        let adopted = day("2013-06-05");
        let states = ["KAZ", "KGZ", "TJK", "AFG", "AZE", "IRN", "PAK", "TUR"];
        // Iran and Pakistan broke the silence procedure: observers, never
        // members, so their objections never block.
        let conjuncts: Vec<String> = states
            .iter()
            .filter(|p| !["IRN", "PAK"].contains(*p))
            .map(|p| {
                format!(
                    "!(context.objections.contains(\"{p}\") && context.present.contains(\"{p}\") && context.day >= {adopted})"
                )
            })
            .collect();
        let src = format!(
            r#"
// valid(decision): an amendment only at a Ministerial; no member present objects.
permit(principal, action == Action::"decide", resource)
when {{
  (context.kind != "amendment" || context.meeting_kind == "ministerial") &&
  {}
}};

// may_attend(p, meeting): members and pending states attend from adoption.
permit(principal is Party, action == Action::"attend", resource)
when {{ principal has attend_from && context.day >= principal.attend_from }};
"#,
            conjuncts.join(" &&\n  ")
        );
        let policies = cedar_policy::PolicySet::from_str(&src).map_err(|e| e.to_string())?;
        let entities: Vec<serde_json::Value> = [
            "KAZ", "KGZ", "TJK", "TKM", "UZB", "AFG", "AZE", "IRN", "PAK", "TUR", "UNHCR", "IOM", "OSCE", "UNRCCA",
            "EU",
        ]
        .iter()
        .map(|p| {
            let attrs = if states.contains(p) {
                serde_json::json!({ "attend_from": adopted })
            } else {
                serde_json::json!({})
            };
            serde_json::json!({ "uid": { "type": "Party", "id": p }, "attrs": attrs, "parents": [] })
        })
        .collect();
        let entities = cedar_policy::Entities::from_json_value(serde_json::Value::Array(entities), None)
            .map_err(|e| e.to_string())?;
        Ok(Cedar {
            policies,
            entities,
            authorizer: cedar_policy::Authorizer::new(),
        })
    }

    pub fn decision_request(a: &Almaty, d: &ir::Decision) -> Result<cedar_policy::Request, String> {
        let names = |set: &[u32]| {
            set.iter()
                .filter_map(|p| a.party_ids.get(*p as usize))
                .cloned()
                .collect::<Vec<_>>()
        };
        let context = serde_json::json!({
            "kind": a.decision_kinds.get(d.kind as usize),
            "meeting_kind": a.meeting_kinds.get(d.meeting.kind as usize),
            "day": d.meeting.date,
            "present": names(&d.meeting.present),
            "objections": names(&d.objections),
        });
        Self::request("Meeting::\"m\"", "Action::\"decide\"", context)
    }

    pub fn attend_request(a: &Almaty, p: &Attendance) -> Result<cedar_policy::Request, String> {
        let party = a.party_ids.get(p.party as usize).cloned().unwrap_or_default();
        Self::request(
            &format!("Party::\"{party}\""),
            "Action::\"attend\"",
            serde_json::json!({ "day": p.day }),
        )
    }

    fn request(principal: &str, action: &str, context: serde_json::Value) -> Result<cedar_policy::Request, String> {
        let uid = |s: &str| cedar_policy::EntityUid::from_str(s).map_err(|e| e.to_string());
        let context = cedar_policy::Context::from_json_value(context, None).map_err(|e| e.to_string())?;
        cedar_policy::Request::new(uid(principal)?, uid(action)?, uid("Meeting::\"m\"")?, context, None)
            .map_err(|e| e.to_string())
    }

    #[inline]
    pub fn allows(&self, request: &cedar_policy::Request) -> bool {
        self.authorizer
            .is_authorized(request, &self.policies, &self.entities)
            .decision()
            == cedar_policy::Decision::Allow
    }
}

// ------------------------------------------------------------------ engine: Rego

#[cfg(feature = "peers")]
/// The W2 and W3 rules in Rego, evaluated by regorus with a reused engine.
pub struct Rego {
    pub engine: regorus::Engine,
}

#[cfg(feature = "peers")]
impl Rego {
    pub fn new() -> Result<Rego, String> {
        let adopted = day("2013-06-05");
        let src = format!(
            r#"package charter

# Iran and Pakistan broke the silence procedure: observers, never members.
member_from := {{"KAZ": {a}, "KGZ": {a}, "TJK": {a}, "AFG": {a}, "AZE": {a}, "TUR": {a}}}

attend_from := {{"KAZ": {a}, "KGZ": {a}, "TJK": {a}, "AFG": {a}, "AZE": {a}, "TUR": {a}, "IRN": {a}, "PAK": {a}}}

default valid := false

valid if {{
	kind_allowed
	not blocked
}}

kind_allowed if input.kind != "amendment"

kind_allowed if input.meeting_kind == "ministerial"

blocked if {{
	some p in input.objections
	p in input.present
	input.day >= member_from[p]
}}

default may_attend := false

may_attend if input.day >= attend_from[input.party]
"#,
            a = adopted,
        );
        let mut engine = regorus::Engine::new();
        engine
            .add_policy("charter.rego".to_string(), src)
            .map_err(|e| e.to_string())?;
        Ok(Rego { engine })
    }

    pub fn decision_input(a: &Almaty, d: &ir::Decision) -> Result<regorus::Value, String> {
        let names = |set: &[u32]| {
            set.iter()
                .filter_map(|p| a.party_ids.get(*p as usize))
                .cloned()
                .collect::<Vec<_>>()
        };
        let json = serde_json::json!({
            "kind": a.decision_kinds.get(d.kind as usize),
            "meeting_kind": a.meeting_kinds.get(d.meeting.kind as usize),
            "day": d.meeting.date,
            "present": names(&d.meeting.present),
            "objections": names(&d.objections),
        });
        regorus::Value::from_json_str(&json.to_string()).map_err(|e| e.to_string())
    }

    pub fn attend_input(a: &Almaty, p: &Attendance) -> Result<regorus::Value, String> {
        let json = serde_json::json!({ "party": a.party_ids.get(p.party as usize), "day": p.day });
        regorus::Value::from_json_str(&json.to_string()).map_err(|e| e.to_string())
    }

    pub fn eval(&mut self, input: &regorus::Value, rule: &str) -> Result<bool, String> {
        self.engine.set_input(input.clone());
        let v = self.engine.eval_rule(rule.to_string()).map_err(|e| e.to_string())?;
        Ok(v == regorus::Value::from(true))
    }
}
