//! `ir::Bundle` -> a stable text dump, one fact a line, names instead of
//! indices. Golden files of this dump make lowering changes reviewable as
//! diffs; `charter ir PATH` prints it.

use std::fmt::Write as _;

use crate::date;
use crate::ir::*;
use crate::value::duration_text;

pub fn dump(bundle: &Bundle) -> String {
    let d = Dumper { bundle };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "bundle {:?} ref {:?} adopted {}",
        bundle.title,
        bundle.reference.as_deref().unwrap_or(""),
        date::format(bundle.adopted)
    );
    out.push_str("parties\n");
    for (i, party) in bundle.parties.iter().enumerate() {
        let names: Vec<String> = party
            .names
            .iter()
            .map(|n| {
                let from = if n.from == Day::MIN {
                    String::new()
                } else {
                    format!("from {} ", date::format(n.from))
                };
                format!("{from}{:?} sort {:?}", n.official, n.sort)
            })
            .collect();
        let _ = writeln!(out, "  {i} {} {:?} {}", party.id, party.kind, names.join("; "));
    }
    out.push_str("order\n");
    for epoch in &bundle.order_epochs {
        let mut by_rank: Vec<(u32, &str)> = epoch
            .rank
            .iter()
            .enumerate()
            .map(|(p, r)| (*r, d.party(p as PartyId)))
            .collect();
        by_rank.sort();
        let names: Vec<&str> = by_rank.into_iter().map(|(_, n)| n).collect();
        let from = if epoch.from == Day::MIN {
            "always".to_string()
        } else {
            date::format(epoch.from)
        };
        let _ = writeln!(out, "  from {from}: {}", names.join(" "));
    }
    let _ = writeln!(out, "meeting kinds: {}", bundle.meeting_kinds.join(", "));
    let _ = writeln!(out, "decision kinds: {}", bundle.decision_kinds.join(", "));
    for (i, v) in bundle.versions.iter().enumerate() {
        let by = v
            .adopted_by
            .as_ref()
            .map(|d| format!(" adopted by {d}"))
            .unwrap_or_default();
        let _ = writeln!(out, "version {i} from {} ({}){by}", date::format(v.from), v.source);
        for m in &v.membership {
            let what = match &m.kind {
                MembershipKind::Member { from, until, dating } => format!(
                    "member from {}{}",
                    dating.from.describe(*from),
                    until
                        .map(|u| format!(" until {}", dating.until.describe(u)))
                        .unwrap_or_default()
                ),
                MembershipKind::Observer { from, until, dating } => format!(
                    "observer from {}{}",
                    dating.from.describe(*from),
                    until
                        .map(|u| format!(" until {}", dating.until.describe(u)))
                        .unwrap_or_default()
                ),
                MembershipKind::Pending { deadline } => format!("pending until {}", date::format(*deadline)),
                MembershipKind::Open => "open".to_string(),
                MembershipKind::Withdrawal { on, precision } => format!("withdraws on {}", precision.describe(*on)),
            };
            let rights = m.rights.as_ref().map(|r| d.rights(r)).unwrap_or_default();
            let _ = writeln!(out, "  {} {what}{rights}{}", d.party(m.party), cite(&m.cite));
        }
        if let Some(r) = &v.rotation {
            let eligible = match &r.eligible {
                Eligible::Members => "members".to_string(),
                Eligible::Parties(list) => list.iter().map(|p| d.party(*p)).collect::<Vec<_>>().join(" "),
                Eligible::Group(g) => format!(
                    "group {}",
                    bundle.groups.get(*g as usize).map_or("?", |x| x.name.as_str())
                ),
            };
            let terms: Vec<String> = r
                .terms
                .iter()
                .map(|(from, len)| {
                    let from = if *from == Day::MIN {
                        "always".to_string()
                    } else {
                        date::format(*from)
                    };
                    format!("{from}: {}", duration_text(len))
                })
                .collect();
            let _ = writeln!(
                out,
                "  rotation eligible {eligible} first {} from {} terms [{}]{}{}",
                d.party(r.first),
                date::format(r.start),
                terms.join(", "),
                if r.voluntary { " voluntary" } else { "" },
                cite(&r.cite)
            );
        }
        for o in &v.obligations {
            let _ = writeln!(
                out,
                "  meeting {} {:?} every {}{}{}{}",
                d.meeting_kind(o.kind),
                o.strength,
                duration_text(&o.every),
                if o.per_member { " per member" } else { "" },
                if o.hosted_by_chair { " hosted by chair" } else { "" },
                cite(&o.cite)
            );
        }
        for body in &v.bodies {
            let group = bundle.groups.get(body.group as usize).map_or("?", |g| g.name.as_str());
            let _ = writeln!(
                out,
                "  meetings {} of group {group}{}",
                d.meeting_kind(body.kind),
                cite(&body.cite)
            );
        }
        for h in &v.host_duties {
            let _ = writeln!(
                out,
                "  chair {:?} host {}{}",
                h.strength,
                d.meeting_kind(h.kind),
                cite(&h.cite)
            );
        }
        let quorum = match &v.consensus.quorum {
            None => "no quorum".to_string(),
            Some(Quorum::Count(n)) => format!("quorum {n}"),
            Some(Quorum::Ratio(a, b)) => format!("quorum {a}/{b}"),
        };
        let _ = writeln!(
            out,
            "  consensus, {quorum}{}",
            v.consensus.cite.as_ref().map(cite).unwrap_or_default()
        );
        for r in &v.kind_rules {
            let kinds: Vec<&str> = r.kinds.iter().map(|k| d.meeting_kind(*k)).collect();
            let _ = writeln!(
                out,
                "  at {}: {}{}",
                kinds.join(" "),
                r.consensus.rule.describe(),
                r.consensus.cite.as_ref().map(cite).unwrap_or_default()
            );
        }
        for r in &v.reservations {
            let kinds: Vec<&str> = r.meetings.iter().map(|k| d.meeting_kind(*k)).collect();
            let _ = writeln!(
                out,
                "  {} reserved to {}{}",
                d.decision_kind(r.decision),
                kinds.join(" "),
                cite(&r.cite)
            );
        }
        if let Some(o) = &v.observers {
            let parties: Vec<&str> = o.parties.iter().map(|p| d.party(*p)).collect();
            let _ = writeln!(
                out,
                "  observers states={} international={} regional={}{}{} parties=[{}]{}{}",
                o.states,
                o.international,
                o.regional,
                if o.civil_society { " civil_society=true" } else { "" },
                if o.private_sector { " private_sector=true" } else { "" },
                parties.join(" "),
                o.rights.as_ref().map(|r| d.rights(r)).unwrap_or_default(),
                cite(&o.cite)
            );
        }
        if let Some(c) = &v.invitations {
            let _ = writeln!(out, "  invitations per meeting{}", cite(c));
        }
    }
    out.push_str("history\n");
    for m in &bundle.history.meetings {
        let unknown = if m.attendance_known {
            ""
        } else {
            " (attendance not recorded)"
        };
        let until = m
            .last_day
            .map(|last| format!(" until {}", date::format(last)))
            .unwrap_or_default();
        let _ = writeln!(out, "  meeting {} {}{until}{unknown}", m.id, d.meeting(&m.meeting));
    }
    for k in &bundle.outside_kinds {
        let name = bundle.meeting_kinds.get(k.kind as usize).map_or("?", String::as_str);
        let _ = writeln!(out, "  meeting kind {name} {:?} (not provided by the text)", k.name);
    }
    for r in &bundle.history.decisions {
        let further = r
            .further
            .as_ref()
            .map(|f| format!(" further {} {:?}", f.what, f.outcome))
            .unwrap_or_default();
        let _ = writeln!(out, "  decision {} {}{further}", r.id, d.decision(&r.decision));
    }
    for (p, day) in &bundle.history.declines {
        let _ = writeln!(out, "  decline {} turn {}", d.party(*p), date::format(*day));
    }
    for h in &bundle.history.handovers {
        let by = match h.decision.and_then(|i| bundle.history.decisions.get(i)) {
            Some(r) => format!(" by decision {}", r.id),
            None => String::new(),
        };
        let what = if h.election { "election of" } else { "handover to" };
        let _ = writeln!(out, "  {what} {} {}{by}", d.party(h.to), h.precision.describe(h.day));
    }
    for e in &bundle.history.extensions {
        let by = match e.decision.and_then(|i| bundle.history.decisions.get(i)) {
            Some(r) => format!(" by decision {}", r.id),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "  extension of {} until {}{by}",
            d.party(e.party),
            e.precision.describe(e.until)
        );
    }
    for s in &bundle.history.snapshots {
        let list = |what: &str, ps: &Option<Vec<PartyId>>| {
            ps.as_ref()
                .map(|ps| format!(" {what} [{}]", d.parties(ps)))
                .unwrap_or_default()
        };
        let chair = s.chair.map(|c| format!(" chair {}", d.party(c))).unwrap_or_default();
        let _ = writeln!(
            out,
            "  snapshot {}{}{}{chair}",
            s.precision.describe(s.day),
            list("members", &s.members),
            list("observers", &s.observers)
        );
    }
    for s in &bundle.history.silences {
        let becomes = if s.observer { "observer" } else { "none" };
        let _ = writeln!(
            out,
            "  silence {} broken on {} becomes {becomes}",
            d.party(s.party),
            s.precision.describe(s.day)
        );
    }
    for j in &bundle.history.joins {
        let _ = writeln!(out, "  joined {} on {}", d.party(j.party), j.precision.describe(j.day));
    }
    for c in &bundle.history.status_changes {
        let _ = writeln!(
            out,
            "  status {} becomes {} {}",
            d.party(c.party),
            c.status.name(),
            c.precision.describe(c.day)
        );
    }
    for a in &bundle.history.applications {
        let _ = writeln!(
            out,
            "  application {} for {} {} {:?}",
            d.party(a.party),
            a.status.name(),
            a.precision.describe(a.day),
            a.outcome
        );
    }
    out.push_str("rules\n");
    for rule in &bundle.rules {
        let _ = writeln!(
            out,
            "  rule {}({}) = {}",
            rule.name,
            rule.params.join(", "),
            d.expr(&rule.body)
        );
    }
    out.push_str("tests\n");
    for test in &bundle.tests {
        let _ = writeln!(out, "  test {:?}", test.name);
        for step in &test.steps {
            match step {
                TestStep::Let(e) => {
                    let _ = writeln!(out, "    let {}", d.expr(e));
                }
                TestStep::Assert { expr, line, .. } => {
                    let _ = writeln!(out, "    assert (line {line}) {}", d.expr(expr));
                }
            }
        }
    }
    out
}

fn cite(c: &Cite) -> String {
    format!("  [§ {}]", c.clause)
}

struct Dumper<'b> {
    bundle: &'b Bundle,
}

impl Dumper<'_> {
    fn party(&self, p: PartyId) -> &str {
        self.bundle.parties.get(p as usize).map_or("?", |x| x.id.as_str())
    }

    fn meeting_kind(&self, k: MeetingKindId) -> &str {
        self.bundle.meeting_kinds.get(k as usize).map_or("?", String::as_str)
    }

    /// ` may speak decide [at K ...]`: an observer's rights, as stated.
    fn rights(&self, r: &ObserverRights) -> String {
        let mut out = String::from(" may attend");
        if r.speak {
            out.push_str(" speak");
        }
        if r.decide {
            out.push_str(" decide");
        }
        if !r.at.is_empty() {
            let kinds: Vec<&str> = r.at.iter().map(|k| self.meeting_kind(*k)).collect();
            out.push_str(&format!(" at {}", kinds.join(" ")));
        }
        out
    }

    fn decision_kind(&self, k: DecisionKindId) -> &str {
        self.bundle.decision_kinds.get(k as usize).map_or("?", String::as_str)
    }

    fn parties(&self, list: &[PartyId]) -> String {
        list.iter().map(|p| self.party(*p)).collect::<Vec<_>>().join(" ")
    }

    fn meeting(&self, m: &Meeting) -> String {
        format!(
            "{} on {} host {} present [{}] observers [{}]",
            self.meeting_kind(m.kind),
            date::format(m.date),
            m.host.map_or("none", |h| self.party(h)),
            self.parties(&m.present),
            self.parties(&m.observers)
        )
    }

    fn decision(&self, d: &Decision) -> String {
        format!(
            "{} at {} objections [{}] reservations [{}] subjects [{}]{}",
            self.decision_kind(d.kind),
            d.meeting.id.as_deref().unwrap_or("(meeting)"),
            self.parties(&d.objections),
            self.parties(&d.reservations),
            self.parties(&d.subjects),
            d.invited_to.as_ref().map(|t| format!(" to {t}")).unwrap_or_default()
        )
    }

    fn expr(&self, e: &Expr) -> String {
        let list = |items: &[Expr]| items.iter().map(|i| self.expr(i)).collect::<Vec<_>>().join(" ");
        let fields = |fields: &[(Field, Expr)]| {
            fields
                .iter()
                .map(|(f, v)| format!("{f:?}: {}", self.expr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match e {
            Expr::Bool(b) => b.to_string(),
            Expr::Int(i) => i.to_string(),
            Expr::Date(d) => date::format(*d),
            Expr::Duration(d) => format!("({})", duration_text(d)),
            Expr::None => "none".to_string(),
            Expr::Party(p) => self.party(*p).to_string(),
            Expr::Status(s) => format!("status:{}", s.name()),
            Expr::MeetingKind(k) => format!("meeting_kind:{}", self.meeting_kind(*k)),
            Expr::DecisionKind(k) => format!("decision_kind:{}", self.decision_kind(*k)),
            Expr::Group(g) => format!(
                "group:{}",
                self.bundle.groups.get(*g as usize).map_or("?", |x| x.name.as_str())
            ),
            Expr::MeetingRecord(i) => format!("meeting#{i}"),
            Expr::DecisionRecord(i) => format!("decision#{i}"),
            Expr::Local(slot) => format!("${slot}"),
            Expr::Set(items) => format!("{{{}}}", list(items)),
            Expr::MeetingLit(f) => format!("meeting{{{}}}", fields(f)),
            Expr::DecisionLit(f) => format!("decision{{{}}}", fields(f)),
            Expr::Builtin(b, args) => format!("({} {})", b.name(), list(args)),
            Expr::Rule(i, args) => {
                let name = self.bundle.rules.get(*i as usize).map_or("?", |r| r.name.as_str());
                format!("(rule:{name} {})", list(args))
            }
            Expr::Field(base, f) => format!("{}.{f:?}", self.expr(base)),
            Expr::Not(x) => format!("(not {})", self.expr(x)),
            Expr::Neg(x) => format!("(- {})", self.expr(x)),
            Expr::Binary(op, a, b) => format!("({op:?} {} {})", self.expr(a), self.expr(b)),
            Expr::If(c, a, b) => format!("(if {} {} {})", self.expr(c), self.expr(a), self.expr(b)),
            Expr::Quantifier { all, slot, set, body } => format!(
                "({} ${slot} in {}: {})",
                if *all { "all" } else { "any" },
                self.expr(set),
                self.expr(body)
            ),
            Expr::Filter { slot, set, cond } => format!("{{${slot} in {} | {}}}", self.expr(set), self.expr(cond)),
        }
    }
}
