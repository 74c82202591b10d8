//! Which decisions are valid, compared exhaustively between two texts.
//!
//! On one day, at a meeting of one kind, a decision of one kind is valid or
//! not according to who is present and who objects. Each party plays one of
//! three roles on each side: a member (counts for the quorum, votes), an
//! observer taking part in decisions (votes), or neither (its presence and
//! objection change nothing). Parties with the same pair of roles are
//! interchangeable, so instead of the 4^n assignments of "present?" and
//! "objects?" to n parties, the comparison enumerates, per class of
//! interchangeable parties, how many are present in favour and how many
//! present objecting, and weighs each such count by the number of
//! assignments it stands for (a multinomial coefficient; an absent party's
//! objection is free). Nothing is sampled: every assignment is counted.

use std::collections::HashMap;

use charter_runtime::ir::{DecisionRule, Quorum, Tally};
use serde::Serialize;

/// The largest number of count tuples one comparison enumerates (the
/// product over classes of (n+1)(n+2)/2): beyond it the comparison is
/// reported as not made (`compared: false`), never guessed.
pub const MAX_TUPLES: u64 = 50_000_000;

/// A party's part in decisions on one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// A member of the meeting: counts for the quorum and votes.
    Member,
    /// An observer taking part in decisions: votes, not counted for the quorum.
    Voter,
    /// Neither: its presence and objection change nothing.
    Other,
}

/// The rule a side applies, without its citation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuleKey {
    /// The meeting may take decisions of the kind (no reservation forbids
    /// it, and the text provides the meeting kind).
    pub allowed: bool,
    pub rule: RuleShape,
    pub quorum: Option<(i64, i64)>,
    pub quorum_ratio: bool,
    pub of_all_members: bool,
}

/// [`DecisionRule`] as a hashable key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleShape {
    Consensus,
    Unanimity,
    Majority(i64, i64, bool, bool),
    Unstated,
}

impl RuleShape {
    pub fn of(rule: DecisionRule) -> RuleShape {
        match rule {
            DecisionRule::Consensus => RuleShape::Consensus,
            DecisionRule::Unanimity => RuleShape::Unanimity,
            DecisionRule::Unstated => RuleShape::Unstated,
            DecisionRule::Majority {
                num,
                den,
                strict,
                round_down,
            } => RuleShape::Majority(num, den, strict, round_down),
        }
    }

    fn rule(self) -> DecisionRule {
        match self {
            RuleShape::Consensus => DecisionRule::Consensus,
            RuleShape::Unanimity => DecisionRule::Unanimity,
            RuleShape::Unstated => DecisionRule::Unstated,
            RuleShape::Majority(num, den, strict, round_down) => DecisionRule::Majority {
                num,
                den,
                strict,
                round_down,
            },
        }
    }
}

impl RuleKey {
    pub fn new(allowed: bool, rule: DecisionRule, quorum: Option<Quorum>, of_all_members: bool) -> RuleKey {
        let (quorum, quorum_ratio) = match quorum {
            None => (None, false),
            Some(Quorum::Count(n)) => (Some((n, 1)), false),
            Some(Quorum::Ratio(a, b)) => (Some((a, b)), true),
        };
        RuleKey {
            allowed,
            rule: RuleShape::of(rule),
            quorum,
            quorum_ratio,
            of_all_members,
        }
    }

    /// Whether a decision is valid with `present` members present, `voting`
    /// taking part (members and voting observers present), `against` of
    /// them objecting, of `members` members: as `Tables::is_valid` decides
    /// (known valid: under a rule the text does not state, a decision the
    /// tally does not settle is not counted valid).
    fn valid(&self, present: i64, voting: i64, against: i64, members: i64) -> bool {
        if !self.allowed {
            return false;
        }
        let quorum = self.quorum.map(|(a, b)| match self.quorum_ratio {
            true => Quorum::Ratio(a, b),
            false => Quorum::Count(a),
        });
        let tally = Tally {
            present,
            voting,
            against,
            members,
        };
        charter_runtime::ir::decides(self.rule.rule(), self.of_all_members, quorum.as_ref(), tally) == Some(true)
    }
}

/// A number of assignments: exact where it fits in 128 bits, and its
/// logarithm always (4^1000 assignments do not fit).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Count {
    pub exact: Option<u128>,
    /// Natural logarithm; negative infinity for zero.
    pub ln: f64,
}

impl Count {
    pub const ZERO: Count = Count {
        exact: Some(0),
        ln: f64::NEG_INFINITY,
    };

    fn add(self, other: Count) -> Count {
        let ln = if self.ln == f64::NEG_INFINITY {
            other.ln
        } else if other.ln == f64::NEG_INFINITY {
            self.ln
        } else {
            let (hi, lo) = if self.ln >= other.ln {
                (self.ln, other.ln)
            } else {
                (other.ln, self.ln)
            };
            hi + (lo - hi).exp().ln_1p()
        };
        Count {
            exact: self.exact.zip(other.exact).and_then(|(a, b)| a.checked_add(b)),
            ln,
        }
    }

    pub fn is_zero(&self) -> bool {
        self.exact == Some(0)
    }

    /// As people read it: exact, or "about 1.6 × 10^301".
    pub fn text(&self) -> String {
        match self.exact {
            Some(n) => n.to_string(),
            None => {
                let log10 = self.ln / std::f64::consts::LN_10;
                let exponent = log10.floor();
                format!("about {:.1} × 10^{exponent}", 10f64.powf(log10 - exponent))
            }
        }
    }
}

impl Serialize for Count {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut s = serializer.serialize_struct("Count", 2)?;
        s.serialize_field("exact", &self.exact.map(|n| n.to_string()))?;
        s.serialize_field("log10", &(self.ln / std::f64::consts::LN_10))?;
        s.end()
    }
}

/// A class of interchangeable parties: their roles before and after, and
/// how many there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Class {
    pub before: Role,
    pub after: Role,
    pub size: usize,
}

/// The question one comparison answers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Problem {
    pub before: RuleKey,
    pub after: RuleKey,
    /// The classes of parties with a part in decisions on some side.
    pub classes: Vec<Class>,
    /// Parties with no part on either side (each has 4 assignments).
    pub others: usize,
}

/// For one direction of change, how many assignments and the smallest.
#[derive(Debug, Clone, PartialEq)]
pub struct Direction {
    pub count: Count,
    /// Per class: (present in favour, present objecting), for the
    /// assignment with the fewest present, then the fewest objecting.
    pub example: Vec<(usize, usize)>,
}

/// What the comparison found.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Every assignment of presence and objection.
    pub domain: Count,
    pub valid_before: Count,
    pub valid_after: Count,
    /// Valid before, not after.
    pub now_invalid: Option<Direction>,
    /// Valid after, not before.
    pub now_valid: Option<Direction>,
}

/// ln(k!) for k up to `n`.
fn ln_factorials(n: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(n + 1);
    let mut acc = 0.0f64;
    out.push(0.0);
    for k in 1..=n {
        acc += (k as f64).ln();
        out.push(acc);
    }
    out
}

/// C(n, k) exactly, where it fits.
fn binomial(n: usize, k: usize) -> Option<u128> {
    let k = k.min(n - k.min(n));
    let mut acc: u128 = 1;
    for i in 0..k {
        acc = acc.checked_mul((n - i) as u128)? / (i as u128 + 1);
    }
    Some(acc)
}

/// The number of tuples [`compare`] would enumerate.
pub fn tuples(problem: &Problem) -> u64 {
    problem.classes.iter().fold(1u64, |acc, c| {
        let n = c.size as u64;
        acc.saturating_mul((n + 1).saturating_mul(n + 2) / 2)
    })
}

/// The assignments found so far in one direction: their count, the
/// smallest, and its (present, objecting) size.
type Found = Option<(Count, Vec<(usize, usize)>, (usize, usize))>;

struct Walk<'p> {
    problem: &'p Problem,
    ln_fact: Vec<f64>,
    /// The (favour, objecting) chosen per class so far.
    chosen: Vec<(usize, usize)>,
    valid_before: Count,
    valid_after: Count,
    now_invalid: Found,
    now_valid: Found,
    members_before: i64,
    members_after: i64,
    /// Whether counts are kept exactly (fewer than 64 parties in all).
    exact: bool,
}

/// Running sums on each side: members present, taking part, objecting.
#[derive(Clone, Copy, Default)]
struct Sums {
    present: i64,
    voting: i64,
    against: i64,
}

impl Sums {
    fn with(self, role: Role, favour: usize, objecting: usize) -> Sums {
        let (f, o) = (favour as i64, objecting as i64);
        match role {
            Role::Member => Sums {
                present: self.present + f + o,
                voting: self.voting + f + o,
                against: self.against + o,
            },
            Role::Voter => Sums {
                present: self.present,
                voting: self.voting + f + o,
                against: self.against + o,
            },
            Role::Other => self,
        }
    }
}

impl Walk<'_> {
    fn walk(&mut self, index: usize, before: Sums, after: Sums, weight: Count) {
        let Some(class) = self.problem.classes.get(index).copied() else {
            self.leaf(before, after, weight);
            return;
        };
        let n = class.size;
        for objecting in 0..=n {
            for favour in 0..=(n - objecting) {
                let absent = n - objecting - favour;
                // n! / (favour! objecting! absent!) * 2^absent.
                let ln = self.ln_fact.get(n).copied().unwrap_or_default()
                    - self.ln_fact.get(favour).copied().unwrap_or_default()
                    - self.ln_fact.get(objecting).copied().unwrap_or_default()
                    - self.ln_fact.get(absent).copied().unwrap_or_default()
                    + absent as f64 * std::f64::consts::LN_2;
                // Exact counts only where the whole domain fits in 128 bits.
                let exact = if self.exact {
                    binomial(n, favour)
                        .zip(binomial(n - favour, objecting))
                        .and_then(|(a, b)| a.checked_mul(b))
                        .and_then(|m| m.checked_mul(1u128 << absent.min(127)))
                } else {
                    None
                };
                let part = Count {
                    exact: exact.zip(weight.exact).and_then(|(a, b)| a.checked_mul(b)),
                    ln: weight.ln + ln,
                };
                self.chosen.push((favour, objecting));
                self.walk(
                    index + 1,
                    before.with(class.before, favour, objecting),
                    after.with(class.after, favour, objecting),
                    part,
                );
                self.chosen.pop();
            }
        }
    }

    fn leaf(&mut self, before: Sums, after: Sums, weight: Count) {
        let was = self
            .problem
            .before
            .valid(before.present, before.voting, before.against, self.members_before);
        let is = self
            .problem
            .after
            .valid(after.present, after.voting, after.against, self.members_after);
        if was {
            self.valid_before = self.valid_before.add(weight);
        }
        if is {
            self.valid_after = self.valid_after.add(weight);
        }
        if was == is {
            return;
        }
        let present: usize = self.chosen.iter().map(|(f, o)| f + o).sum();
        let objecting: usize = self.chosen.iter().map(|(_, o)| o).sum();
        let slot = if was {
            &mut self.now_invalid
        } else {
            &mut self.now_valid
        };
        match slot {
            None => *slot = Some((weight, self.chosen.clone(), (present, objecting))),
            Some((count, example, size)) => {
                *count = count.add(weight);
                if (present, objecting) < *size {
                    *example = self.chosen.clone();
                    *size = (present, objecting);
                }
            }
        }
    }
}

/// Compares which decisions are valid before and after, over every
/// assignment of presence and objection; `None` when the problem has more
/// than [`MAX_TUPLES`] count tuples.
pub fn compare(problem: &Problem) -> Option<Outcome> {
    if tuples(problem) > MAX_TUPLES {
        return None;
    }
    let parties: usize = problem.classes.iter().map(|c| c.size).sum::<usize>() + problem.others;
    let members = |side: fn(&Class) -> Role| {
        problem
            .classes
            .iter()
            .filter(|c| side(c) == Role::Member)
            .map(|c| c.size as i64)
            .sum::<i64>()
    };
    // The parties with no part: 4 assignments each.
    let others = Count {
        exact: 1u128
            .checked_shl(2 * problem.others as u32)
            .filter(|_| problem.others < 64),
        ln: problem.others as f64 * 4f64.ln(),
    };
    let mut walk = Walk {
        problem,
        ln_fact: ln_factorials(parties),
        chosen: Vec::new(),
        valid_before: Count::ZERO,
        valid_after: Count::ZERO,
        now_invalid: None,
        now_valid: None,
        members_before: members(|c| c.before),
        members_after: members(|c| c.after),
        exact: parties < 64,
    };
    walk.walk(0, Sums::default(), Sums::default(), others);
    let direction = |found: Found| found.map(|(count, example, _)| Direction { count, example });
    Some(Outcome {
        domain: Count {
            exact: 1u128.checked_shl(2 * parties as u32).filter(|_| parties < 64),
            ln: parties as f64 * 4f64.ln(),
        },
        valid_before: walk.valid_before,
        valid_after: walk.valid_after,
        now_invalid: direction(walk.now_invalid),
        now_valid: direction(walk.now_valid),
    })
}

/// Memoised [`compare`]: many days and decision kinds pose the same problem.
#[derive(Default)]
pub struct Cache {
    seen: HashMap<Problem, Option<Outcome>>,
}

impl Cache {
    pub fn compare(&mut self, problem: Problem) -> Option<Outcome> {
        if let Some(found) = self.seen.get(&problem) {
            return found.clone();
        }
        let outcome = compare(&problem);
        self.seen.insert(problem, outcome.clone());
        outcome
    }
}

#[cfg(test)]
#[expect(clippy::expect_used, reason = "a test fails on a missing outcome")]
mod tests {
    use super::*;

    fn consensus(allowed: bool) -> RuleKey {
        RuleKey::new(allowed, DecisionRule::Consensus, None, false)
    }

    /// Every assignment counted once: the domain is 4^n.
    #[test]
    fn counts_cover_the_domain() {
        let problem = Problem {
            before: consensus(true),
            after: consensus(false),
            classes: vec![Class {
                before: Role::Member,
                after: Role::Member,
                size: 3,
            }],
            others: 2,
        };
        let outcome = compare(&problem).expect("small");
        assert_eq!(outcome.domain.exact, Some(4u128.pow(5)));
        // Consensus of 3 members: valid when no member present objects.
        // Per member: absent (2 ways) or present in favour (1): 3^3 = 27,
        // times 16 for the others.
        assert_eq!(outcome.valid_before.exact, Some(27 * 16));
        assert_eq!(outcome.valid_after.exact, Some(0));
        let lost = outcome.now_invalid.expect("a change");
        assert_eq!(lost.count.exact, Some(27 * 16));
        assert_eq!(lost.example, vec![(0, 0)]);
        assert!(outcome.now_valid.is_none());
    }

    /// A quorum of two: the smallest decision that the quorum now blocks
    /// has one member present.
    #[test]
    fn a_quorum_blocks_the_smallest_meetings() {
        let problem = Problem {
            before: consensus(true),
            after: RuleKey::new(true, DecisionRule::Consensus, Some(Quorum::Count(2)), false),
            classes: vec![Class {
                before: Role::Member,
                after: Role::Member,
                size: 4,
            }],
            others: 0,
        };
        let outcome = compare(&problem).expect("small");
        let lost = outcome.now_invalid.expect("a change");
        assert_eq!(lost.example, vec![(0, 0)]);
        // Valid before and not after: no objection, fewer than 2 present:
        // everyone absent (2^4 ways) or exactly one present in favour
        // (4 * 2^3 ways).
        assert_eq!(lost.count.exact, Some(16 + 32));
    }

    /// 4^1000 assignments do not fit in 128 bits: the count is approximate.
    #[test]
    fn large_domains_are_counted_in_logarithms() {
        let problem = Problem {
            before: consensus(true),
            after: consensus(false),
            classes: vec![Class {
                before: Role::Member,
                after: Role::Member,
                size: 10,
            }],
            others: 990,
        };
        let outcome = compare(&problem).expect("small");
        assert_eq!(outcome.domain.exact, None);
        let log10 = outcome.domain.ln / std::f64::consts::LN_10;
        assert!((log10 - 1000.0 * 4f64.log10()).abs() < 1e-6, "{log10}");
        assert!(outcome.domain.text().starts_with("about "), "{}", outcome.domain.text());
    }
}
