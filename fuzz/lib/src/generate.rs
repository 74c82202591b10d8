//! Policies, histories and user rules generated from fuzz input bytes
//! (every choice drawn from the input, so libFuzzer's coverage guides the
//! shapes): small rosters (members, silence procedures, withdrawals,
//! joins, broken silences), rotations with declines and hand-overs, quorum
//! settings, groups with seats and decisions by majority, and well-typed
//! rules over them. The same shapes as the differential property tests of
//! tests/cases.rs, which this generalizes.

use arbitrary::Unstructured;
use charter::date;

/// Choices drawn from the input; 0 once it runs out.
pub struct Choices<'a>(pub Unstructured<'a>);

impl Choices<'_> {
    /// A number in `0..n` (0 for `n` 0).
    pub fn next(&mut self, n: u64) -> u64 {
        if n <= 1 {
            return 0;
        }
        self.0.int_in_range(0..=n - 1).unwrap_or(0)
    }

    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        low + self.next((high - low).max(0) as u64) as i64
    }

    pub fn flag(&mut self) -> bool {
        self.next(2) == 1
    }
}

const SORT_NAMES: &[&str] = &[
    "Aland", "Éire", "alpha", "Beta", "beta", "Öland", "Zeta", "Ürün", "Costa", "côte", "Delta", "Ísland",
];

#[derive(Debug, Clone)]
enum Standing {
    Member { from: i32, until: Option<i32> },
    Pending { deadline: i32, broken: Option<(i32, bool)> },
    Open { joins: Option<i32> },
    None,
}

/// A generated policy and its history.
#[derive(Debug, Clone)]
pub struct Policy {
    pub adopted: i32,
    standings: Vec<(Standing, Option<i32>)>,
    sort: Vec<usize>,
    rename: Option<(usize, i32, usize)>,
    first_offset: i32,
    term: (i64, &'static str),
    voluntary: bool,
    all_decline_stays: Option<bool>,
    decisions: &'static str,
    quorum: Option<(i64, i64)>,
    declines: Vec<(usize, i64)>,
    handovers: Vec<(usize, i32)>,
    /// A group of the first states, with a seat in the rotation's eyes.
    group: Option<usize>,
    crowd: usize,
}

fn day(d: i32) -> String {
    date::format(d)
}

impl Policy {
    pub fn generate(c: &mut Choices<'_>) -> Policy {
        let n = c.range(2, 8) as usize;
        let adopted = c.range(10_000, 20_000) as i32;
        let sort = (0..n).map(|_| c.next(12) as usize).collect();
        let standings = (0..n)
            .map(|i| {
                let kind = if i == 0 { 0 } else { c.next(4) };
                let standing = match kind {
                    0 => {
                        let from = if i == 0 {
                            adopted
                        } else {
                            adopted + c.range(0, 800) as i32
                        };
                        let until = (i != 0 && c.flag()).then(|| from + c.range(100, 3000) as i32);
                        Standing::Member { from, until }
                    }
                    1 => {
                        let deadline = c.range(30, 400) as i32;
                        let broken = c
                            .flag()
                            .then(|| (adopted + (c.range(0, 400) as i32).min(deadline), c.flag()));
                        Standing::Pending {
                            deadline: adopted + deadline,
                            broken,
                        }
                    }
                    2 => Standing::Open {
                        joins: c.flag().then(|| adopted + c.range(0, 3000) as i32),
                    },
                    _ => Standing::None,
                };
                let withdrawal = (i != 0 && matches!(standing, Standing::Member { until: None, .. }) && c.next(5) == 0)
                    .then(|| adopted + 900 + c.range(500, 5000) as i32);
                (standing, withdrawal)
            })
            .collect();
        let rename = c.flag().then(|| {
            (
                c.next(n as u64) as usize,
                adopted + c.range(0, 6000) as i32,
                c.next(12) as usize,
            )
        });
        let first_offset = c.range(0, 300) as i32;
        let term = if c.flag() {
            (c.range(1, 4), "years")
        } else {
            (c.range(6, 30), "months")
        };
        let voluntary = c.flag();
        let all_decline_stays = match c.next(3) {
            0 => None,
            1 => Some(true),
            _ => Some(false),
        };
        let decisions = [
            "consensus",
            "unanimity",
            "simple majority of members present",
            "majority 2/3 of all members",
            "majority 1/2 rounded down of members and observers present",
        ][c.next(5) as usize];
        let quorum = match c.next(3) {
            0 => None,
            1 => Some((c.range(1, 4), 0)),
            _ => {
                let b = c.range(2, 4);
                Some((c.range(1, 3).min(b), b))
            }
        };
        let declines = (0..c.next(4)).map(|_| (c.next(8) as usize, c.range(1, 12))).collect();
        let handovers = (0..c.next(2))
            .map(|_| (c.next(8) as usize, c.range(100, 6000) as i32))
            .collect();
        let group = c.flag().then(|| 1 + c.next(n as u64 - 1) as usize);
        let crowd = if c.next(4) == 0 { 70 } else { 0 };
        Policy {
            adopted,
            standings,
            sort,
            rename,
            first_offset,
            term,
            voluntary,
            all_decline_stays,
            decisions,
            quorum,
            declines,
            handovers,
            group,
            crowd,
        }
    }

    /// How many states (`S0..`), not counting the crowd.
    pub fn states(&self) -> usize {
        self.sort.len()
    }

    pub fn source(&self) -> String {
        let mut s = format!(
            "charter \"Random policy\"\n  ref \"R/1\"\n  adopted {}\n\n",
            day(self.adopted)
        );
        for (i, sort) in self.sort.iter().enumerate() {
            s.push_str(&format!(
                "state S{i} \"State {i}\" sort \"{}\"\n",
                SORT_NAMES[*sort % SORT_NAMES.len()]
            ));
            if let Some((party, on, name)) = self.rename {
                if party == i {
                    s.push_str(&format!(
                        "  renamed {} \"State {i} renamed\" sort \"{}\"\n",
                        day(on),
                        SORT_NAMES[name % SORT_NAMES.len()]
                    ));
                }
            }
        }
        for k in 0..self.crowd {
            s.push_str(&format!("state C{k:03} \"Crowd {k}\" sort \"Crowd {k:03}\"\n"));
        }
        s.push_str("§ 1 quote \"q\" {\n");
        for k in 0..self.crowd {
            s.push_str(&format!(
                "  members C{k:03} from {}\n",
                day(self.adopted + 37 * k as i32)
            ));
        }
        for (i, (standing, withdrawal)) in self.standings.iter().enumerate() {
            match standing {
                Standing::Member { from, until } => {
                    s.push_str(&format!("  members S{i} from {}", day(*from)));
                    if let Some(u) = until {
                        s.push_str(&format!(" until {}", day(*u)));
                    }
                    s.push('\n');
                }
                Standing::Pending { deadline, .. } => {
                    s.push_str(&format!("  pending S{i} under silence until {}\n", day(*deadline)))
                }
                Standing::Open { .. } => s.push_str(&format!("  open to S{i}\n")),
                Standing::None => {}
            }
            if let Some(on) = withdrawal {
                s.push_str(&format!("  withdrawal S{i} on {}\n", day(*on)));
            }
        }
        if let Some(size) = self.group {
            let members: Vec<String> = (0..size).map(|i| format!("S{i}")).collect();
            s.push_str(&format!(
                "  group grp \"Group\" {} from {}\n",
                members.join(", "),
                day(self.adopted)
            ));
        }
        s.push_str("  chair {\n    eligible members\n    order alphabetical english\n");
        s.push_str(&format!(
            "    first S0 from {}\n",
            day(self.adopted + self.first_offset)
        ));
        s.push_str(&format!("    term {} {}\n", self.term.0, self.term.1));
        if self.voluntary {
            s.push_str("    voluntary\n");
        }
        match self.all_decline_stays {
            Some(true) => s.push_str("    when all decline outgoing stays\n"),
            Some(false) => s.push_str("    when all decline vacant\n"),
            None => {}
        }
        s.push_str("  }\n  meeting ministerial must every 2 years from 2000-01-01\n  meeting som must every 1 year from 2000-01-01\n");
        s.push_str(&format!(
            "  amendments by ministerial\n  decisions by {}",
            self.decisions
        ));
        match self.quorum {
            Some((n, 0)) => s.push_str(&format!(" quorum {n}")),
            Some((a, b)) => s.push_str(&format!(" quorum {a}/{b}")),
            None => {}
        }
        s.push_str("\n}\n");
        s
    }

    pub fn history(&self) -> String {
        let mut h = String::from("history for \"Random policy\"\n");
        for (i, (standing, _)) in self.standings.iter().enumerate() {
            match standing {
                Standing::Pending {
                    broken: Some((on, observer)),
                    ..
                } => {
                    h.push_str(&format!(
                        "silence S{i} broken on {} becomes {}\n",
                        day(*on),
                        if *observer { "observer" } else { "none" }
                    ));
                }
                Standing::Open { joins: Some(on) } => h.push_str(&format!("joined S{i} on {}\n", day(*on))),
                _ => {}
            }
        }
        let start = self.adopted + self.first_offset;
        for (party, k) in &self.declines {
            let unit = match self.term.1 {
                "years" => charter::ir::Unit::Years,
                _ => charter::ir::Unit::Months,
            };
            let turn = date::add(
                start,
                charter::ir::Duration {
                    amount: self.term.0,
                    unit,
                },
                *k,
            )
            .unwrap_or(start);
            h.push_str(&format!("decline S{} turn {}\n", party % self.sort.len(), day(turn)));
        }
        for (party, on) in &self.handovers {
            h.push_str(&format!(
                "handover to S{} on {}\n",
                party % self.sort.len(),
                day(start + on)
            ));
        }
        h
    }
}

/// Well-typed expressions written as Charter source, over a policy's
/// states `S0..Sn`, its meeting kinds, its group and the rules generated
/// before; `p` and `d` are a rule's parameters.
pub struct Rules<'c, 'a> {
    pub c: &'c mut Choices<'a>,
    pub parties: usize,
    pub group: bool,
    /// Earlier rules: name and result type.
    pub rules: Vec<(String, &'static str)>,
}

impl Rules<'_, '_> {
    fn next(&mut self, n: u64) -> u64 {
        self.c.next(n)
    }

    pub fn of_type(&mut self, ty: &str, depth: u32) -> String {
        match ty {
            "bool" => self.boolean(depth),
            "int" => self.int(depth),
            "date" => self.date(depth),
            _ => self.party(depth),
        }
    }

    pub fn party(&mut self, depth: u32) -> String {
        match if depth == 0 { self.next(3) } else { self.next(8) } {
            0 => "p".to_string(),
            1 => format!("S{}", self.next(self.parties as u64)),
            2 => "none".to_string(),
            3 => format!("chair({})", self.date(depth - 1)),
            4 => format!("next_chair({})", self.date(depth - 1)),
            5 => format!(
                "(if {} then {} else {})",
                self.boolean(depth - 1),
                self.party(depth - 1),
                self.party(depth - 1)
            ),
            6 => self.call("party", depth).unwrap_or_else(|| "p".to_string()),
            _ => format!(
                "(meeting {{ kind: ministerial, date: {}, host: {} }}).host",
                self.date(depth - 1),
                self.party(depth - 1)
            ),
        }
    }

    pub fn date(&mut self, depth: u32) -> String {
        match if depth == 0 { self.next(3) } else { self.next(10) } {
            0 => "d".to_string(),
            1 => date::format(10_000 + self.next(12_000) as i32),
            // The calendar's ends, where arithmetic leaves it.
            2 => ["0001-01-01", "9999-12-31", "2000-02-29"][self.next(3) as usize].to_string(),
            3 => format!("({} + {} months)", self.date(depth - 1), self.next(30)),
            4 => format!("({} - {} years)", self.date(depth - 1), self.next(5)),
            5 => format!("({} + {} days)", self.date(depth - 1), self.next(800)),
            6 => format!("term_start({})", self.date(depth - 1)),
            7 => format!("term_end({})", self.date(depth - 1)),
            8 => format!(
                "(if {} then {} else {})",
                self.boolean(depth - 1),
                self.date(depth - 1),
                self.date(depth - 1)
            ),
            _ => self.call("date", depth).unwrap_or_else(|| "d".to_string()),
        }
    }

    pub fn int(&mut self, depth: u32) -> String {
        match if depth == 0 { 0 } else { self.next(8) } {
            0 => ["0", "1", "7", "999", "1000000000"][self.next(5) as usize].to_string(),
            1 => format!("({} + {})", self.int(depth - 1), self.int(depth - 1)),
            2 => format!("({} - {})", self.int(depth - 1), self.int(depth - 1)),
            3 => format!("({} * {})", self.int(depth - 1), self.int(depth - 1)),
            4 => format!("count({})", self.set(depth - 1)),
            5 => format!("({} - {})", self.date(depth - 1), self.date(depth - 1)),
            6 => format!(
                "(if {} then {} else {})",
                self.boolean(depth - 1),
                self.int(depth - 1),
                self.int(depth - 1)
            ),
            _ => self.call("int", depth).unwrap_or_else(|| "1000000000".to_string()),
        }
    }

    pub fn set(&mut self, depth: u32) -> String {
        match if depth == 0 { self.next(2) } else { self.next(7) } {
            0 => format!(
                "members({})",
                if depth == 0 {
                    "d".to_string()
                } else {
                    self.date(depth - 1)
                }
            ),
            1 => format!(
                "{{S0, {}}}",
                if depth == 0 {
                    "p".to_string()
                } else {
                    self.party(depth - 1)
                }
            ),
            2 => format!("observers({})", self.date(depth - 1)),
            3 => format!(
                "(meeting {{ kind: som, date: {}, present: {} }}).present",
                self.date(depth - 1),
                self.set(depth - 1)
            ),
            4 if self.group => format!("group(grp, {})", self.date(depth - 1)),
            5 => format!("{{q in {} | member(q, {})}}", self.set(depth - 1), self.date(depth - 1)),
            _ => format!(
                "(if {} then {} else {})",
                self.boolean(depth - 1),
                self.set(depth - 1),
                self.set(depth - 1)
            ),
        }
    }

    pub fn boolean(&mut self, depth: u32) -> String {
        if depth == 0 {
            return if self.next(2) == 0 { "true" } else { "false" }.to_string();
        }
        let d = depth - 1;
        match self.next(17) {
            0 => format!("not {}", self.boolean(d)),
            1 => format!("({} and {})", self.boolean(d), self.boolean(d)),
            2 => format!("({} or {})", self.boolean(d), self.boolean(d)),
            3 => format!("({} implies {})", self.boolean(d), self.boolean(d)),
            4 => format!("({} < {})", self.int(d), self.int(d)),
            5 => format!("({} <= {})", self.date(d), self.date(d)),
            6 => format!("({} == {})", self.party(d), self.party(d)),
            7 => format!("member({}, {})", self.party(d), self.date(d)),
            8 => format!("({} in {})", self.party(d), self.set(d)),
            9 => format!("(all q in {}: member(q, {}))", self.set(d), self.date(d)),
            10 => format!("(any q in {}: q == {})", self.set(d), self.party(d)),
            11 => format!(
                "valid(decision {{ kind: {}, meeting: meeting {{ kind: {}, date: {}, present: {} }}, objections: {} }})",
                ["ordinary", "amendment"][self.next(2) as usize],
                ["ministerial", "som"][self.next(2) as usize],
                self.date(d),
                self.set(d),
                self.set(d)
            ),
            12 => format!(
                "may_attend({}, meeting {{ kind: som, date: {} }})",
                self.party(d),
                self.date(d)
            ),
            13 => format!(
                "(status({}, {}) == {})",
                self.party(d),
                self.date(d),
                ["member", "pending", "observer", "none"][self.next(4) as usize]
            ),
            14 => format!("({} != {})", self.int(d), self.int(d)),
            15 if self.group => format!("({} in group(grp, {}))", self.party(d), self.date(d)),
            _ => self.call("bool", d + 1).unwrap_or_else(|| "true".to_string()),
        }
    }

    /// A call to an earlier rule returning `ty`, if there is one.
    fn call(&mut self, ty: &str, depth: u32) -> Option<String> {
        let candidates: Vec<String> = self
            .rules
            .iter()
            .filter(|(_, t)| *t == ty)
            .map(|(n, _)| n.clone())
            .collect();
        if candidates.is_empty() || depth == 0 {
            return None;
        }
        let name = candidates.get(self.next(candidates.len() as u64) as usize)?.clone();
        Some(format!("{name}({}, {})", self.party(depth - 1), self.date(depth - 1)))
    }
}
